package lark

import (
	"os"
	"strings"
	"testing"

	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/ebnf"
)

func TestXGrammarParse(t *testing.T) {
	tests := []struct{ src, dump string }{
		{`root ::= "a" | "b"`, `root ::= "a" | "b"`},
		{`root ::= "\/\?\'\a\e\0\x1F600"`, `root ::= "/?'\x07\x1B\x00😀"`},
		{`root ::= [\^\$\.\*\-\]]`, `root ::= [\x5E$.*\x2D\]]`},
		{`root ::= [a-]`, `root ::= [a-]`},
		{`root ::= [--/]`, `root ::= [--/]`},
		{`root ::= "a"{2} "b"{2,} "c"{1,3} "d"{0, -1}`, `root ::= "a"{2} "b"{2,} "c"{1,3} "d"*`},
		{"root ::= a.b (= \"x\")\na.b ::= \"y\"", "root ::= a.b\na.b ::= \"y\""},
		{`root ::= ( ) "x" ""`, `root ::= () "x" ""`},
		{`root[capture] ::= "x"`, `root ::= "x"`},
		{`root ::= Token(1, 2) ExcludeToken(3)`, `root ::= <[1, 2]> !<[3]>`},
		{`root ::= Regex("[0-9]+")`, `root ::= [0-9]+`},
		{"root ::= TokenTagDispatch((7, r), loop_after_dispatch=false)\nr ::= \"x\"", "root ::= !<[7]>* | !<[7]>* <[7]> r\nr ::= \"x\""},
	}
	for _, tt := range tests {
		g, err := ParseXGrammar("x.ebnf", []byte(tt.src))
		if err != nil {
			t.Errorf("ParseXGrammar(%q): %v", tt.src, err)
			continue
		}
		got := strings.TrimSpace(strings.SplitN(Dump(g), "\n", 2)[1])
		if got != tt.dump {
			t.Errorf("ParseXGrammar(%q):\n got %s\nwant %s", tt.src, got, tt.dump)
		}
	}
}

func TestXGrammarErrors(t *testing.T) {
	tests := []struct{ src, msg string }{
		{`root ::= [\d]`, `x.ebnf:1:11: class escape \d is not supported`},
		{`root ::= "\q"`, `x.ebnf:1:11: unknown escape sequence`},
		{`root ::= x`, `x.ebnf:1:10: undefined rule x`},
		{`root ::= "a"{,3}`, `x.ebnf:1:14: unexpected token ","`},
		{`root ::= "a"{3,1}`, `bad repetition {3,1}`},
		{`root[max_tokens=5] ::= "a"`, `rule attribute max_tokens=5 is not supported`},
		{`root ::= Regex("(?=a)a")`, `Regex: regex: offset 0: lookahead`},
		{`root ::= Regex("a", json_string=true)`, `json_string=true is not supported`},
		{`root ::= Token()`, `Token: want one or more`},
		{"root ::= TagDispatch((\"<a>\", r), excludes=(\"<\",))\nr ::= \"x\"", `contains "<"`},
		{`a ::= "x"`, `missing root rule "root"`},
		{"root ::= \"a\"\nroot ::= \"b\"", `rule "root" defined twice`},
		{`root ::= [z-a]`, `bad range`},
		{`root ::= "a" |`, `unexpected token "<EOF>"`},
	}
	for _, tt := range tests {
		_, err := ParseXGrammar("x.ebnf", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ParseXGrammar(%q): %v, want ...%s...", tt.src, err, tt.msg)
		}
		if err != nil && firstError(err) == nil {
			t.Errorf("ParseXGrammar(%q): %T is not a grammar error", tt.src, err)
		}
	}
}

// FuzzParseXGrammar checks that ParseXGrammar never panics, that its errors
// are positioned grammar errors, and that a grammar it accepts that has a
// GBNF form prints as GBNF that the GBNF front end parses to an equal
// grammar.
func FuzzParseXGrammar(f *testing.F) {
	for _, file := range xgrammarFiles(f) {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(`root ::= "a" | [b-c]{2,} (= "x")`))
	f.Add([]byte("root ::= TagDispatch((\"<a>\", r), loop_after_dispatch=false)\nr ::= \"x\""))
	f.Fuzz(func(t *testing.T, src []byte) {
		g, err := ParseXGrammar("fuzz", src)
		if err != nil {
			if g != nil {
				t.Errorf("a grammar and the error %v", err)
			}
			if firstError(err) == nil {
				t.Fatalf("error %T %v is not a grammar error", err, err)
			}
			return
		}
		out, err := grammar.Print(g)
		if err != nil {
			return
		}
		g2, err := ebnf.Parse("printed", []byte(out))
		if err != nil {
			t.Fatalf("GBNF reparse: %v\n%s", err, out)
		}
		if !grammar.Equal(g, g2) {
			t.Fatalf("GBNF round trip changed the grammar:\n%s\n got %s\nwant %s", out, Dump(g2), Dump(g))
		}
	})
}
