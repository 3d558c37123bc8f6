package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/grammar/lark"
	"github.com/gramc/gramc/internal/shared"
)

// sample draws a random string of p's language by a walk over the
// byte-level parser: random allowed bytes, stopping at random where the
// grammar may end, and heading for the shortest completion after maxLen
// bytes.
func sample(p *automaton.Program, r *rand.Rand, maxLen int) ([]byte, bool) {
	ps := automaton.NewParser(p)
	var out []byte
	for len(out) < 8*maxLen {
		if ps.CanStop() && (r.IntN(6) == 0 || len(out) >= maxLen) {
			return out, true
		}
		next := ps.NextBytes()
		var cands []byte
		for b := range 256 {
			if next.Has(byte(b)) {
				cands = append(cands, byte(b))
			}
		}
		if len(cands) == 0 {
			return out, ps.CanStop()
		}
		b := cands[r.IntN(len(cands))]
		if len(out) >= maxLen {
			best := automaton.NoCompletion
			for _, c := range cands {
				if ps.Push(c) {
					if cost := ps.CompletionCost(); cost < best {
						best, b = cost, c
					}
					ps.Pop()
				}
			}
		}
		if !ps.Push(b) {
			return out, false
		}
		out = append(out, b)
	}
	return out, false
}

func accepts(p *automaton.Program, s []byte) bool {
	ps := automaton.NewParser(p)
	for _, b := range s {
		if !ps.Push(b) {
			return false
		}
	}
	return ps.CanStop()
}

func irProgram(t *testing.T, g *grammar.Grammar) *automaton.Program {
	t.Helper()
	p, err := compile.Compile(g, nil, compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sameLanguage checks, on random samples of each, that a and b accept the
// same strings.
func sameLanguage(t *testing.T, name string, a, b *automaton.Program, n int) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		for _, dir := range []struct {
			from, to *automaton.Program
			label    string
		}{{a, b, "original"}, {b, a, "converted"}} {
			s, ok := sample(dir.from, r, 48)
			if !ok {
				t.Fatalf("%s: random walk of the %s grammar did not complete", name, dir.label)
			}
			if !accepts(dir.to, s) {
				t.Fatalf("%s: %q from the %s grammar is rejected by the other", name, s, dir.label)
			}
		}
	}
}

// TestConvertRoundTrip converts every llama.cpp GBNF grammar of the shared
// corpus (and the GBNF front end's own test grammars) to Lark and back
// with the CLI, and checks that the original, the Lark and the final GBNF
// grammars accept the same strings.
func TestConvertRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "grammar", "ebnf", "testdata", "*.gbnf"))
	if dir, ok := shared.SharedDir(); ok {
		corpus, _ := filepath.Glob(filepath.Join(dir, "corpora", "gbnf", "*.gbnf"))
		if len(corpus) < 8 {
			t.Fatalf("expected the 8 corpus grammars, found %d", len(corpus))
		}
		files = append(files, corpus...)
	}
	checked := 0
	for _, file := range files {
		name := filepath.Base(file)
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		g1, err := ebnf.Parse(name, src)
		if err != nil {
			t.Fatal(err)
		}
		p1, err := compile.Compile(g1, nil, compile.Options{})
		if err != nil {
			continue // token terminals: no byte-level language to sample
		}
		code, larkText, stderr := gramc(t, "", "convert", "--from", "gbnf", "--to", "lark", file)
		want(t, code, exitOK, larkText, stderr)
		g2, err := lark.Parse(name+".lark", []byte(larkText))
		if err != nil {
			t.Fatalf("%s: the Lark output does not parse: %v\n%s", name, err, larkText)
		}
		code, gbnfText, stderr := gramc(t, larkText, "convert", "--from", "lark", "--to", "gbnf", "-")
		want(t, code, exitOK, gbnfText, stderr)
		g3, err := ebnf.Parse(name+".back", []byte(gbnfText))
		if err != nil {
			t.Fatalf("%s: the GBNF output does not parse: %v\n%s", name, err, gbnfText)
		}
		p2, p3 := irProgram(t, g2), irProgram(t, g3)
		sameLanguage(t, name+" (gbnf→lark)", p1, p2, 30)
		sameLanguage(t, name+" (gbnf→lark→gbnf)", p1, p3, 30)
		checked++
	}
	t.Logf("%d grammars round-tripped", checked)
	if checked < 8 {
		t.Errorf("only %d grammars checked", checked)
	}
}

// TestConvertLarkTestdata converts the Lark test corpus to GBNF where it
// has a GBNF form and checks the languages.
func TestConvertLarkTestdata(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "grammars", "*.lark"))
	if len(files) == 0 {
		t.Fatal("no testdata/grammars/*.lark")
	}
	for _, file := range files {
		name := filepath.Base(file)
		src, _ := os.ReadFile(file)
		g, err := lark.Parse(name, src)
		if err != nil {
			t.Fatal(err)
		}
		code, out, stderr := gramc(t, "", "convert", "--from", "lark", "--to", "gbnf", file)
		if _, perr := grammar.Print(g); perr != nil {
			// And/Not/Perm or tokens without a GBNF form: a clear error.
			if code != exitUsage || !strings.Contains(stderr, "no gbnf form") || !strings.Contains(stderr, "has no GBNF form") {
				t.Errorf("%s: code %d, stderr %s", name, code, stderr)
			}
			continue
		}
		want(t, code, exitOK, out, stderr)
		g2, err := ebnf.Parse(name+".gbnf", []byte(out))
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		p1, err := compile.Compile(g, nil, compile.Options{})
		if err != nil {
			continue // token terminals
		}
		sameLanguage(t, name, p1, irProgram(t, g2), 20)
	}
}

func TestConvertFormats(t *testing.T) {
	gbnf := writeFile(t, "g.gbnf", "root ::= \"a\" Digits\nDigits ::= [0-9]+\n")
	tests := []struct {
		args  []string
		stdin string
		code  int
		out   string // substring of stdout, or of stderr when code != 0
	}{
		{[]string{"--from", "gbnf", "--to", "lark", gbnf}, "", exitOK, "start: \"a\" digits\ndigits: /[0-9]/+\n"},
		{[]string{"--from", "gbnf", "--to", "ir", gbnf}, "", exitOK, "# root: root\nroot ::= \"a\" Digits\nDigits ::= [0-9]+\n"},
		{[]string{"--from", "gbnf", "--to", "gbnf", gbnf}, "", exitOK, "root ::= \"a\" Digits\n"},
		{[]string{"--from", "lark", "--to", "gbnf"}, "start: \"x\" root\nroot: \"y\"\n", exitOK, "root ::= \"x\" root-2\nroot-2 ::= \"y\"\n"},
		{[]string{"--from", "lark", "--to", "lark", "-"}, "start: A\nA: ~\"x\"\n", exitOK, "start: A\nA: ~\"x\"\n"},
		{[]string{"--from", "regex", "--to", "gbnf"}, "[a-c]+x?\n", exitOK, "root ::= [a-c]+ \"x\"?\n"},
		{[]string{"--from", "xgrammar", "--to", "gbnf"}, "root ::= a.b{1, -1} (= \"x\")\na.b ::= [\\-a]\n", exitOK, "root ::= a-b+\na-b ::= [-a]\n"},
		{[]string{"--from", "regex", "--to", "lark"}, "(ab|cd)*", exitOK, "start: (\"ab\" | \"cd\")*\n"},
		{[]string{"--from", "jsonschema", "--to", "gbnf"}, `{"type": "integer", "minimum": 0, "maximum": 9}`, exitOK, "root ::= "},
		{[]string{"--from", "jsonschema", "--to", "lark", "--json-whitespace", "flexible"}, `{"enum": [1, 2]}`, exitOK, "start: "},
		{[]string{"--from", "jsonschema", "--to", "ir"}, `{"type": "object", "properties": {"a": {"type": "null"}}}`, exitOK, "perm("},
		// No GBNF or Lark form: a clear error from the printer.
		{[]string{"--from", "jsonschema", "--to", "gbnf"}, `{"type": "object", "properties": {"a": {"type": "null"}}}`, exitUsage, "a permutation (Perm) has no GBNF form"},
		{[]string{"--from", "jsonschema", "--to", "lark"}, `{"type": "object", "properties": {"a": {"type": "null"}}}`, exitUsage, "a permutation (Perm) has no Lark form"},
		{[]string{"--from", "lark", "--to", "gbnf"}, "start: A\nA: ~\"x\"\n", exitUsage, "<stdin>:2:4: a complement (Not) has no GBNF form"},
		{[]string{"--from", "lark", "--to", "gbnf"}, "start: A\nA: /[a-z]+/ & /x.*/\n", exitUsage, "an intersection (And) has no GBNF form"},
		// Bad input.
		{[]string{"--from", "lark", "--to", "gbnf"}, "start: x\n", exitUsage, "<stdin>:1:8: undefined rule x"},
		{[]string{"--from", "regex", "--to", "gbnf"}, "(?=a)a", exitUsage, "lookahead"},
		{[]string{"--from", "yaml", "--to", "gbnf"}, "", exitUsage, "--from must be"},
		{[]string{"--from", "gbnf", "--to", "pdf"}, "root ::= \"a\"", exitUsage, "--to must be"},
		{[]string{"--from", "jsonschema", "--json-whitespace", "lots"}, "{}", exitUsage, "--json-whitespace must be"},
		{[]string{"a", "b"}, "", exitUsage, `unexpected argument "b"`},
		{[]string{"/nonexistent.gbnf"}, "", exitUsage, "no such file"},
	}
	for _, tt := range tests {
		code, stdout, stderr := gramc(t, tt.stdin, append([]string{"convert"}, tt.args...)...)
		got := stdout
		if tt.code != exitOK {
			got = stderr
		}
		if code != tt.code || !strings.Contains(got, tt.out) {
			t.Errorf("convert %q <<%q: code %d\nstdout:\n%s\nstderr:\n%s\nwant code %d and ...%s...", tt.args, tt.stdin, code, stdout, stderr, tt.code, tt.out)
		}
	}
	code, stdout, stderr := gramc(t, "", "convert", "--from", "gbnf", "--to", "lark", "--json", gbnf)
	want(t, code, exitOK, stdout, stderr)
	var r convertReport
	decode(t, stdout, &r)
	if r.From != "gbnf" || r.To != "lark" || r.Rules != 2 || !strings.HasPrefix(r.Text, "start: ") {
		t.Errorf("--json: %+v", r)
	}
}

// TestRegexAndLarkInputs runs the grammar-loading commands on --regex and
// --lark.
func TestRegexAndLarkInputs(t *testing.T) {
	code, stdout, stderr := gramc(t, "", "compile", "--regex", "[a-c]{2,3}x", "--json")
	want(t, code, exitOK, stdout, stderr)
	var rep compileReport
	decode(t, stdout, &rep)
	if rep.Grammar != "--regex" || rep.Rules != 1 {
		t.Errorf("compile --regex: %+v", rep)
	}
	code, stdout, stderr = gramc(t, "abx", "check", "--regex", "[a-c]{2,3}x", "--input", "-")
	want(t, code, exitOK, stdout, stderr)
	code, stdout, stderr = gramc(t, "abcdx", "check", "--regex", "[a-c]{2,3}x", "--input", "-")
	want(t, code, exitNo, stdout, stderr)
	code, stdout, stderr = gramc(t, "", "verify", "--regex", "(ab|c)+", "--samples", "2", "--steps", "6")
	want(t, code, exitOK, stdout, stderr)
	code, stdout, stderr = gramc(t, "", "generate", "--regex", "[xy]{4}", "-n", "3")
	want(t, code, exitOK, stdout, stderr)
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if len(line) != 4 || strings.Trim(line, "xy") != "" {
			t.Errorf("generate --regex [xy]{4}: %q", line)
		}
	}
	code, stdout, stderr = gramc(t, "", "compile", "--regex", "(?<=a)b")
	want(t, code, exitUsage, stdout, stderr)
	if !strings.Contains(stderr, "lookbehind") {
		t.Errorf("compile --regex (?<=a)b: %s", stderr)
	}
	file := filepath.Join("..", "..", "testdata", "grammars", "json.lark")
	code, stdout, stderr = gramc(t, `{"a": [1, 2.5, "x"]}`, "check", "--lark", file, "--input", "-")
	want(t, code, exitOK, stdout, stderr)
	code, stdout, stderr = gramc(t, "", "verify", "--lark", file, "--samples", "2", "--steps", "8")
	want(t, code, exitOK, stdout, stderr)
	code, stdout, stderr = gramc(t, "", "compile", "--lark", writeFile(t, "bad.lark", "start: x\n"))
	want(t, code, exitUsage, stdout, stderr)
	if !strings.Contains(stderr, "bad.lark:1:8: undefined rule x") {
		t.Errorf("compile --lark bad.lark: %s", stderr)
	}
	code, stdout, stderr = gramc(t, "", "compile", "--regex", "a", "--lark", file)
	want(t, code, exitUsage, stdout, stderr)
	if !strings.Contains(stderr, "at most one of --grammar, --regex, --lark and --schema") {
		t.Errorf("two inputs: %s", stderr)
	}
}
