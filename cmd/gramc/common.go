package main

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/grammar/jsonschema"
	"github.com/gramc/gramc/grammar/lark"
	"github.com/gramc/gramc/grammar/regex"
	"github.com/gramc/gramc/vocab"
)

//go:embed grammars/*.gbnf
var grammarFS embed.FS

// defaultGrammar is the embedded grammar used when --grammar is omitted.
const defaultGrammar = "json.gbnf"

// env is what a command reads and writes.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// errorf prints a message to stderr and returns code.
func (e *env) errorf(code int, format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintln(e.stderr, strings.TrimRight(msg, "\n"))
	return code
}

// fail prints err to stderr: grammar errors as they are (they start with
// file:line:col), others after a "gramc <cmd>:" prefix.
func (e *env) fail(cmd string, code int, err error) int {
	var ge *grammar.Error
	var gl grammar.ErrorList
	if errors.As(err, &ge) || errors.As(err, &gl) {
		return e.errorf(code, "%v", err)
	}
	return e.errorf(code, "gramc %s: %v", cmd, err)
}

// progress reports whether progress messages may be printed: only when
// stderr is a terminal.
func (e *env) progress() bool { return isTerminal(e.stderr) }

// progressf prints a progress line to stderr when it is a terminal.
func (e *env) progressf(format string, args ...any) {
	if e.progress() {
		fmt.Fprintf(e.stderr, format+"\n", args...)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// writeJSON writes v as indented JSON followed by a newline.
func (e *env) writeJSON(v any) {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// flags is a subcommand's flag set with the options most commands share.
type flags struct {
	*flag.FlagSet
	cmd, synopsis string
	json          bool
	grammar       string
	regex         string // --regex: an ECMA-262 pattern instead of a grammar file
	lark          string // --lark: a Lark grammar file
	schema        string // --schema: a JSON Schema file
	draft         string // --draft: the dialect of a schema without $schema
	whitespace    string // --whitespace: JSON whitespace policy for --schema
	lenient       bool   // --lenient: approximate instead of refusing
	format        string // --format: assert, annotate or the dialect's default
	tokenizer     string
	out           bytes.Buffer
}

func newFlags(cmd, synopsis, description string) *flags {
	f := &flags{FlagSet: flag.NewFlagSet("gramc "+cmd, flag.ContinueOnError), cmd: cmd, synopsis: synopsis}
	f.SetOutput(&f.out)
	f.Usage = func() {
		w := f.Output()
		fmt.Fprintf(w, "Usage: gramc %s %s\n\n", cmd, synopsis)
		fmt.Fprintln(w, strings.TrimSpace(description))
		fmt.Fprintln(w, "\nFlags:")
		f.PrintDefaults()
	}
	f.BoolVar(&f.json, "json", false, "print machine-readable JSON on stdout")
	return f
}

// grammarFlag registers --grammar, and --regex and --lark, its
// alternatives.
func (f *flags) grammarFlag() {
	f.StringVar(&f.grammar, "grammar", "", "GBNF grammar `file` (default: the embedded JSON grammar)")
	f.StringVar(&f.regex, "regex", "", "use the ECMA-262 regular expression `pattern` (matched in full) as the grammar")
	f.StringVar(&f.lark, "lark", "", "Lark grammar `file` (gramc's Lark dialect, see docs/FORMATS.md)")
	f.StringVar(&f.schema, "schema", "", "JSON Schema `file`: the grammar of the JSON texts valid for it (exact, or refused naming the keyword and its JSON pointer)")
	f.StringVar(&f.draft, "draft", "", "with --schema: the dialect (4, 6, 7, 2019-09, 2020-12, v1) of a schema without $schema (default 2020-12)")
	f.StringVar(&f.whitespace, "whitespace", "", "with --schema: whitespace between JSON tokens, compact (none), bounded (at most 32 characters a gap) or flexible (any); default flexible for check, compact otherwise")
	f.BoolVar(&f.lenient, "lenient", false, "with --schema: approximate what cannot be enforced exactly instead of refusing, and list each approximation on stderr")
	f.StringVar(&f.format, "format", "", "with --schema: `mode` of the format keyword: assert (compile each format exactly, or refuse it), annotate (ignore it), or empty for the dialect's default (asserted in drafts 4 to 7 and under the format-assertion vocabulary, an annotation otherwise)")
}

// loadInput loads the grammar that --grammar, --regex or --lark names (at
// most one of them), or the embedded default.
func (f *flags) loadInput() (*grammar.Grammar, string, error) {
	n := 0
	for _, s := range []string{f.grammar, f.regex, f.lark, f.schema} {
		if s != "" {
			n++
		}
	}
	switch {
	case n > 1:
		return nil, "", errors.New("give at most one of --grammar, --regex, --lark and --schema")
	case f.schema != "":
		return f.schemaGrammar()
	case f.regex != "":
		g, err := regexGrammar(f.regex)
		return g, "--regex", err
	case f.lark != "":
		src, err := os.ReadFile(f.lark)
		if err != nil {
			return nil, f.lark, err
		}
		g, err := lark.Parse(f.lark, src)
		return g, f.lark, err
	}
	return loadGrammar(f.grammar)
}

// schemaGrammar compiles the --schema file.
func (f *flags) schemaGrammar() (*grammar.Grammar, string, error) {
	src, err := os.ReadFile(f.schema)
	if err != nil {
		return nil, f.schema, err
	}
	opts := jsonschema.Options{Draft: f.draft, Lenient: f.lenient}
	switch f.format {
	case "":
	case "assert":
		opts.AssertFormat = true
	case "annotate":
		opts.FormatAnnotation = true
	default:
		return nil, f.schema, fmt.Errorf("--format %q: want assert or annotate", f.format)
	}
	ws := f.whitespace
	if ws == "" && f.cmd == "check" {
		ws = "flexible"
	}
	switch ws {
	case "compact", "":
	case "flexible":
		opts.Whitespace = jsonschema.Flexible
	case "bounded":
		opts.Whitespace = jsonschema.Bounded
	default:
		return nil, f.schema, fmt.Errorf("--whitespace %q: want compact, bounded or flexible", f.whitespace)
	}
	if abs, err := filepath.Abs(f.schema); err == nil {
		opts.BaseURL = "file://" + filepath.ToSlash(abs)
	}
	res, err := jsonschema.CompileResult(src, opts)
	if err != nil {
		return nil, f.schema, fmt.Errorf("%s: %w", f.schema, err)
	}
	for _, a := range res.Approximations {
		fmt.Fprintf(os.Stderr, "%s: approximated: %v\n", f.schema, a)
	}
	return res.Grammar, f.schema, nil
}

// regexGrammar is the grammar of the strings that pattern matches in full.
func regexGrammar(pattern string) (*grammar.Grammar, error) {
	e, err := regex.Anchored(pattern, regex.Flags{})
	if err != nil {
		return nil, fmt.Errorf("--regex %q: %w", pattern, err)
	}
	g := &grammar.Grammar{Root: "root", Rules: []*grammar.Rule{{Name: "root", Body: e}}}
	if err := grammar.Validate(g); err != nil {
		return nil, fmt.Errorf("--regex %q: %w", pattern, err)
	}
	return g, nil
}

// tokenizerFlag registers --tokenizer.
func (f *flags) tokenizerFlag() {
	f.StringVar(&f.tokenizer, "tokenizer", "", "tokenizer.json(.gz) file or vocabulary folder `path` (default: the embedded byte-level vocabulary)")
}

// parse parses args. ok is false when the command must return code at
// once: 0 after --help (usage on stdout), 2 after a bad flag or an
// unexpected argument (message and usage on stderr).
func (f *flags) parse(e *env, args []string) (code int, ok bool) {
	err := f.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		e.stdout.Write(f.out.Bytes())
		return exitOK, false
	}
	if err == nil && f.NArg() > 0 {
		fmt.Fprintf(&f.out, "unexpected argument %q\n", f.Arg(0))
		f.Usage()
		err = errors.New("unexpected argument")
	}
	if err != nil {
		e.stderr.Write(f.out.Bytes())
		return exitUsage, false
	}
	return exitOK, true
}

// loadGrammar parses the --grammar file, or the embedded default.
func loadGrammar(path string) (*grammar.Grammar, string, error) {
	var src []byte
	var err error
	name := path
	if path == "" {
		name = defaultGrammar
		src, err = grammarFS.ReadFile("grammars/" + defaultGrammar)
	} else {
		src, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, name, err
	}
	g, err := ebnf.Parse(name, src)
	return g, name, err
}

// loadVocab loads the --tokenizer vocabulary, or the byte-level default.
func loadVocab(path string) (*vocab.Vocabulary, error) {
	if path == "" {
		return vocab.ByteLevel(), nil
	}
	return vocab.Load(path)
}

// loadBoth loads the grammar and the vocabulary of f.
func (f *flags) loadBoth(e *env) (*grammar.Grammar, string, *vocab.Vocabulary, int, bool) {
	g, name, err := f.loadInput()
	if err != nil {
		return nil, "", nil, e.fail(f.cmd, exitUsage, err), false
	}
	v, err := loadVocab(f.tokenizer)
	if err != nil {
		return nil, "", nil, e.fail(f.cmd, exitUsage, err), false
	}
	return g, name, v, 0, true
}

// compileOptions are the compile options the CLI uses.
var compileOptions = compile.Options{}

// ms converts a duration in nanoseconds to fractional milliseconds.
func ms(ns int64) float64 { return float64(ns) / 1e6 }

// startCPUProfile starts a CPU profile written to path (nothing when path
// is empty) and returns the function that stops it and closes the file.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
