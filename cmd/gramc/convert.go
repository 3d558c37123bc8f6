package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/grammar/jsonschema"
	"github.com/gramc/gramc/grammar/lark"
)

// convertReport is the --json output of convert.
type convertReport struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Rules int    `json:"rules"`
	Text  string `json:"text"`
}

func runConvert(e *env, args []string) int {
	f := newFlags("convert", "--from gbnf|lark|xgrammar|regex|jsonschema --to gbnf|lark|ir [--json-whitespace compact|flexible] [FILE|-] [--json]", `
Convert a grammar between formats. The input is FILE, or standard input
when FILE is - or missing: a GBNF grammar, a Lark grammar (gramc's dialect,
see docs/FORMATS.md), an XGrammar EBNF grammar, an ECMA-262 regular
expression (the whole input, a final newline dropped, matched in full) or a
JSON Schema. The output is
GBNF (root rule "root"), Lark (root rule "start"), or the IR, a faithful
dump of the grammar that also shows the constructs GBNF and Lark cannot
write: permutations (JSON objects whose members may come in any order),
intersections and complements.

Rules are renamed where a format's names differ (Lark rules are
lowercase). A grammar that has no form in the target format (a JSON Schema
object as GBNF, say) is an error that names the construct and its
position; convert it to ir, or to lark when only intersections and
complements are in the way.`)
	from := f.String("from", "gbnf", "input `format`: gbnf, lark, xgrammar, regex or jsonschema")
	to := f.String("to", "ir", "output `format`: gbnf, lark or ir")
	ws := f.String("json-whitespace", "compact", "whitespace a JSON Schema allows between tokens: compact (none) or flexible")
	err := f.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		e.stdout.Write(f.out.Bytes())
		return exitOK
	}
	if err == nil && f.NArg() > 1 {
		fmt.Fprintf(&f.out, "unexpected argument %q\n", f.Arg(1))
		f.Usage()
		err = errors.New("unexpected argument")
	}
	if err != nil {
		e.stderr.Write(f.out.Bytes())
		return exitUsage
	}
	file := "-"
	if f.NArg() == 1 {
		file = f.Arg(0)
	}
	var src []byte
	if file == "-" {
		src, err = io.ReadAll(e.stdin)
	} else {
		src, err = os.ReadFile(file)
	}
	if err != nil {
		return e.fail("convert", exitUsage, err)
	}
	name := file
	if file == "-" {
		name = "<stdin>"
	}
	var g *grammar.Grammar
	switch *from {
	case "gbnf":
		g, err = ebnf.Parse(name, src)
	case "lark":
		g, err = lark.Parse(name, src)
	case "xgrammar":
		g, err = lark.ParseXGrammar(name, src)
	case "regex":
		g, err = regexGrammar(strings.TrimSuffix(strings.TrimSuffix(string(src), "\n"), "\r"))
	case "jsonschema":
		opts := jsonschema.Options{}
		switch *ws {
		case "compact":
		case "flexible":
			opts.Whitespace = jsonschema.Flexible
		default:
			return e.errorf(exitUsage, "gramc convert: --json-whitespace must be compact or flexible, not %q", *ws)
		}
		g, err = jsonschema.Compile(src, opts)
	default:
		return e.errorf(exitUsage, "gramc convert: --from must be gbnf, lark, xgrammar, regex or jsonschema, not %q", *from)
	}
	if err != nil {
		return e.fail("convert", exitUsage, err)
	}
	var out string
	switch *to {
	case "gbnf":
		out, err = grammar.Print(gbnfNames(g))
	case "lark":
		out, err = lark.Print(g)
	case "ir":
		out = lark.Dump(g)
	default:
		return e.errorf(exitUsage, "gramc convert: --to must be gbnf, lark or ir, not %q", *to)
	}
	if err != nil {
		return e.errorf(exitUsage, "gramc convert: no %s form: %v", *to, err)
	}
	if f.json {
		e.writeJSON(convertReport{From: *from, To: *to, Rules: len(g.Rules), Text: out})
		return exitOK
	}
	io.WriteString(e.stdout, out)
	return exitOK
}

// gbnfNames renames g's rules for GBNF, in place: the root becomes "root"
// and names outside [a-zA-Z0-9_-]+ are rewritten; a name already taken
// gets a suffix -2, -3, ...
func gbnfNames(g *grammar.Grammar) *grammar.Grammar {
	rename := map[string]string{}
	used := map[string]bool{"root": true}
	if g.Rule(g.Root) != nil {
		rename[g.Root] = "root"
	}
	for _, r := range g.Rules {
		if r.Name != g.Root && grammar.IsRuleName(r.Name) && r.Name != "root" {
			rename[r.Name] = r.Name
			used[r.Name] = true
		}
	}
	for _, r := range g.Rules {
		if _, ok := rename[r.Name]; ok {
			continue
		}
		base := strings.Map(func(c rune) rune {
			if c < 0x80 && grammar.IsRuleName(string(c)) {
				return c
			}
			return '-'
		}, r.Name)
		if base == "" {
			base = "r"
		}
		cand := base
		for i := 2; used[cand]; i++ {
			cand = fmt.Sprintf("%s-%d", base, i)
		}
		rename[r.Name] = cand
		used[cand] = true
	}
	for _, r := range g.Rules {
		r.Name = rename[r.Name]
		grammar.Walk(r.Body, func(x grammar.Expr) bool {
			if ref, ok := x.(*grammar.Ref); ok {
				if n, ok := rename[ref.Name]; ok {
					ref.Name = n
				}
			}
			return true
		})
	}
	g.Root = rename[g.Root]
	return g
}
