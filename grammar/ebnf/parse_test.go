package ebnf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/internal/shared"
)

// parseTests maps GBNF source to a dump of the grammar (see dump).
var parseTests = []struct {
	src  string
	dump string
}{
	// Literals.
	{`root ::= "abc"`, `root=str{"abc"}`},
	{`root ::= ""`, `root=str{""}`},
	{`root ::= "\n\r\t\\\"\'\[\]"`, `root=str{"\n\r\t\\\"'[]"}`},
	{`root ::= "\x41\u00e9\U0001F600"`, `root=str{"Aé😀"}`},
	{`root ::= "\xFF"`, `root=str{"ÿ"}`}, // a code point: bytes C3 BF
	{`root ::= "\x00"`, `root=str{"\x00"}`},
	{`root ::= "日本"`, `root=str{"日本"}`},
	{"root ::= \"a\nb\"", `root=str{"a\nb"}`}, // raw newline inside a string
	{`root ::= "#not a comment"`, `root=str{"#not a comment"}`},

	// Classes.
	{`root ::= [a]`, `root=cc{a}`},
	{`root ::= [a-z]`, `root=cc{a-z}`},
	{`root ::= [a-zA-Z0-9_]`, `root=cc{a-z A-Z 0-9 _}`},
	{`root ::= [^a-z]`, `root=ncc{a-z}`},
	{`root ::= [-a]`, `root=cc{- a}`},
	{`root ::= [a-]`, `root=cc{a -}`},
	{`root ::= [^-]`, `root=ncc{-}`},
	{`root ::= [--/]`, `root=cc{--/}`},
	{`root ::= [!--]`, `root=cc{!--}`},
	{`root ::= [a^]`, `root=cc{a ^}`},
	{`root ::= [\^]`, ``}, // error, see errorTests
	{`root ::= [\]\\\[]`, `root=cc{] \ [}`},
	{`root ::= [[]`, `root=cc{[}`},
	{`root ::= ["#]`, `root=cc{" #}`},
	{`root ::= [\x00-\x1F\x7F]`, `root=cc{U+0000-U+001F U+007F}`},
	{`root ::= [\u0000-\U0010FFFF]`, `root=cc{U+0000-U+10FFFF}`},
	{`root ::= [\uD800-\uDFFF a]`, `root=cc{U+D800-U+DFFF U+0020 a}`},
	{`root ::= [ \t\n]`, `root=cc{U+0020 U+0009 U+000A}`},
	{`root ::= [ぁ-ゟ]`, `root=cc{U+3041-U+309F}`},
	{`root ::= .`, `root=ncc{}`},
	{`root ::= [^]`, `root=ncc{}`},
	{`root ::= [a-a]`, `root=cc{a}`},

	// References, sequences, alternations, groups.
	{"root ::= a\na ::= \"x\"", `root=ref{a}; a=str{"x"}`},
	{"root ::= en-char\nen-char ::= [a]", `root=ref{en-char}; en-char=cc{a}`},
	{"root ::= 1st\n1st ::= \"x\"", `root=ref{1st}; 1st=str{"x"}`},
	{`root ::= "a" "b" "c"`, `root=cat{str{"a"} str{"b"} str{"c"}}`},
	{`root ::= "a" | "b" | "c"`, `root=alt{str{"a"} str{"b"} str{"c"}}`},
	{`root ::= "a" "b" | "c"`, `root=alt{cat{str{"a"} str{"b"}} str{"c"}}`},
	{`root ::= ("a" | "b") "c"`, `root=cat{alt{str{"a"} str{"b"}} str{"c"}}`},
	{`root ::= ("a" "b") "c"`, `root=cat{cat{str{"a"} str{"b"}} str{"c"}}`},
	{`root ::= (("a"))`, `root=str{"a"}`},
	{`root ::= ("a" | "b") | "c"`, `root=alt{alt{str{"a"} str{"b"}} str{"c"}}`},
	{`root ::= "a"("b")"c"`, `root=cat{str{"a"} str{"b"} str{"c"}}`},

	// Empty alternatives and bodies.
	{`root ::= | "a"`, `root=alt{emp{} str{"a"}}`},
	{`root ::= "a" |`, `root=alt{str{"a"} emp{}}`},
	{`root ::= "a" | | "b"`, `root=alt{str{"a"} emp{} str{"b"}}`},
	{`root ::=`, `root=emp{}`},
	{"root ::=\na ::= \"x\"", `root=emp{}; a=str{"x"}`},
	{`root ::= ()`, `root=emp{}`},
	{`root ::= "a" () "b"`, `root=cat{str{"a"} emp{} str{"b"}}`},
	{`root ::= ( | "a")*`, `root=star{alt{emp{} str{"a"}}}`},

	// Repetition.
	{`root ::= "a"*`, `root=star{str{"a"}}`},
	{`root ::= "a"+`, `root=plus{str{"a"}}`},
	{`root ::= "a"?`, `root=que{str{"a"}}`},
	{`root ::= "a"{3}`, `root=rep{3,3 str{"a"}}`},
	{`root ::= "a"{3,}`, `root=rep{3, str{"a"}}`},
	{`root ::= "a"{3,5}`, `root=rep{3,5 str{"a"}}`},
	{`root ::= "a"{,5}`, `root=rep{0,5 str{"a"}}`},
	{`root ::= "a"{ 2 , 4 }`, `root=rep{2,4 str{"a"}}`},
	{`root ::= "a"{0}`, `root=rep{0,0 str{"a"}}`},
	{`root ::= "a"{0,}`, `root=star{str{"a"}}`},
	{`root ::= "a"{,}`, `root=star{str{"a"}}`},
	{`root ::= "a"{16777216}`, `root=rep{16777216,16777216 str{"a"}}`},
	{`root ::= "a"*?`, `root=que{star{str{"a"}}}`},
	{`root ::= "a"{2}{3}`, `root=rep{3,3 rep{2,2 str{"a"}}}`},
	{`root ::= ("a" "b")+`, `root=plus{cat{str{"a"} str{"b"}}}`},
	{`root ::= [0-9]{1,3} "."`, `root=cat{rep{1,3 cc{0-9}} str{"."}}`},
	{`root ::= "a" "b"*`, `root=cat{str{"a"} star{str{"b"}}}`},

	// Tokens.
	{`root ::= <[123]>`, `root=tok{123}`},
	{`root ::= !<[123]>`, `root=ntok{123}`},
	{`root ::= <|eot_id|>`, `root=tok{"<|eot_id|>"}`},
	{`root ::= <think> "x" </think>`, `root=cat{tok{"<think>"} str{"x"} tok{"</think>"}}`},
	{`root ::= !<think>`, `root=ntok{"<think>"}`},
	{`root ::= !<[1]>* <[2]>`, `root=cat{star{ntok{1}} tok{2}}`},
	{`root ::= <[1, 2,3]>`, `root=tok{1 2 3}`},
	{`root ::= !<[1, "<a>", 2, "x\"y"]>`, `root=ntok{1 2 "<a>" "x\"y"}`},
	{`root ::= <["]>"]>`, `root=tok{"]>"}`},
	{`root ::= !<[]>`, `root=ntok{}`},
	{`root ::= <[2147483647]>`, `root=tok{2147483647}`},

	// Layout and comments.
	{"# comment\nroot ::= \"a\" # comment\n  \"b\"\n", `root=cat{str{"a"} str{"b"}}`},
	{"root ::=\n  \"a\"\n  | \"b\"\n", `root=alt{str{"a"} str{"b"}}`},
	{"root ::= a\r\na ::= \"x\"\r\n", `root=ref{a}; a=str{"x"}`},
	{"root::=a\na::=\"x\"", `root=ref{a}; a=str{"x"}`},
	{"root ::= a\na\n::= \"x\"", `root=ref{a}; a=str{"x"}`},
	{"root ::= \"a\"\n\troot-2 ::= \"b\"", `root=str{"a"}; root-2=str{"b"}`},

	// Recursion, including left recursion.
	{"root ::= root \"a\" | \"b\"", `root=alt{cat{ref{root} str{"a"}} str{"b"}}`},
	{"root ::= \"(\" root \")\" | \"\"", `root=alt{cat{str{"("} ref{root} str{")"}} str{""}}`},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		if tt.dump == "" {
			continue
		}
		g, err := Parse("test.gbnf", []byte(tt.src))
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if d := dump(g); d != tt.dump {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tt.src, d, tt.dump)
		}
		if g.Root != "root" {
			t.Errorf("Parse(%q).Root = %q", tt.src, g.Root)
		}
		roundTrip(t, tt.src, g)
	}
}

// roundTrip checks that printing g and parsing the result gives g again.
func roundTrip(t *testing.T, name string, g *grammar.Grammar) {
	t.Helper()
	out, err := grammar.Print(g)
	if err != nil {
		t.Errorf("%s: Print: %v", name, err)
		return
	}
	g2, err := Parse("printed", []byte(out))
	if err != nil {
		t.Errorf("%s: reparse of printed grammar:\n%s\nfailed: %v", name, out, err)
		return
	}
	if !grammar.Equal(g, g2) {
		t.Errorf("%s: round trip changed the grammar:\nprinted:\n%s\n got %s\nwant %s", name, out, dump(g2), dump(g))
	}
}

// errorTests maps malformed source to the code and a substring of the
// message of its first error.
var errorTests = []struct {
	src  string
	code grammar.ErrorCode
	msg  string
}{
	// Lexical errors.
	{`root ::= "abc`, grammar.ErrSyntax, "1:10: unterminated string literal"},
	{"root ::= \"a\"\nfoo ::= \"b", grammar.ErrSyntax, "2:9: unterminated string literal"},
	{`root ::= [abc`, grammar.ErrSyntax, "1:10: unterminated character class"},
	{`root ::= [abc\]`, grammar.ErrSyntax, "1:10: unterminated character class"},
	{`root ::= ;`, grammar.ErrSyntax, "1:10: unexpected character ';'"},
	{`root ::= "a" @ "b"`, grammar.ErrSyntax, "1:14: unexpected character '@'"},
	{"root ::= \"é\" \x01", grammar.ErrSyntax, `1:14: unexpected character '\x01'`},
	{`root ::= "a"{3`, grammar.ErrBadRepeat, "1:13: malformed repetition"},
	{`root ::= "a"{x}`, grammar.ErrBadRepeat, "1:13: malformed repetition"},
	{`root ::= <[1`, grammar.ErrBadToken, "1:10: malformed token reference"},
	{`root ::= <>`, grammar.ErrBadToken, "1:10: malformed token reference"},
	{`root ::= !<[1`, grammar.ErrBadToken, "1:10: malformed token reference"},
	{`root ::= !`, grammar.ErrBadToken, `1:10: "!" must be followed by a token reference`},
	{`root ::= ! <a>`, grammar.ErrBadToken, `1:10: "!" must be followed by a token reference`},

	// Escapes.
	{`root ::= "\q"`, grammar.ErrSyntax, `1:11: unknown escape sequence "\\q"`},
	{`root ::= "ab\x4"`, grammar.ErrSyntax, `1:13: escape \x must be followed by 2 hex digits`},
	{`root ::= "\x4g"`, grammar.ErrSyntax, `1:11: escape \x must be followed by 2 hex digits`},
	{`root ::= "\u12"`, grammar.ErrSyntax, `1:11: escape \u must be followed by 4 hex digits`},
	{`root ::= "\U0010FFF"`, grammar.ErrSyntax, `1:11: escape \U must be followed by 8 hex digits`},
	{`root ::= "\U00110000"`, grammar.ErrSyntax, `1:11: escape \U00110000 is beyond U+10FFFF`},
	{`root ::= "\uD800"`, grammar.ErrSyntax, `1:11: escape \uD800 is a surrogate half`},
	{`root ::= [\^]`, grammar.ErrSyntax, `1:11: unknown escape sequence "\\^"`},
	{`root ::= [a-\q]`, grammar.ErrSyntax, `1:13: unknown escape sequence "\\q"`},
	{"root ::= [ab\n  \\x]", grammar.ErrSyntax, `2:3: escape \x must be followed by 2 hex digits`},
	{"root ::= \"日本\\z\"", grammar.ErrSyntax, `1:13: unknown escape sequence "\\z"`},
	{`root ::= <["\q"]>`, grammar.ErrSyntax, `1:13: unknown escape sequence "\\q"`},

	// Repetition bounds.
	{`root ::= "a"{3,1}`, grammar.ErrBadRepeat, "1:13: bad repetition {3,1}: maximum 1 is less than minimum 3"},
	{`root ::= "a"{}`, grammar.ErrBadRepeat, "1:13: bad repetition {}: missing count"},
	{`root ::= "a"{1,2,3}`, grammar.ErrBadRepeat, "1:13: bad repetition {1,2,3}"},
	{`root ::= "a"{1 2}`, grammar.ErrBadRepeat, "1:13: bad repetition {1 2}"},
	{`root ::= "a"{16777217}`, grammar.ErrBadRepeat, "1:13: bad repetition {16777217}: count exceeds the limit 16777216"},
	{`root ::= "a"{99999999999999999999999}`, grammar.ErrBadRepeat, "count exceeds the limit"},

	// Token references.
	{`root ::= <[1 2]>`, grammar.ErrBadToken, `1:14: want "," between tokens`},
	{`root ::= <[1,]>`, grammar.ErrBadToken, `1:14: want a token id or a quoted token text after ","`},
	{`root ::= <[x]>`, grammar.ErrBadToken, "1:12: want a token id or a quoted token text"},
	{`root ::= <[-1]>`, grammar.ErrBadToken, "1:12: want a token id or a quoted token text"},
	{`root ::= <[2147483648]>`, grammar.ErrBadToken, "1:12: token id 2147483648 out of range"},
	{`root ::= <[""]>`, grammar.ErrBadToken, "1:12: empty token text"},

	// Structure.
	{`root "a"`, grammar.ErrSyntax, `1:6: missing "::=" after rule name "root"`},
	{"root ::= \"a\"\n\nfoo bar \"b\"", grammar.ErrUndefinedRule, `3:1: undefined rule "foo"`},
	{`root = "a"`, grammar.ErrSyntax, `1:6: unexpected '=': rules are defined with "::="`},
	{`root := "a"`, grammar.ErrSyntax, `1:6: unexpected ':': rules are defined with "::="`},
	{`"a"`, grammar.ErrSyntax, `1:1: unexpected "\"a\"": want a rule`},
	{"# c\n  | \"a\"", grammar.ErrSyntax, `2:3: unexpected "|": want a rule`},
	{`::= "a"`, grammar.ErrSyntax, `1:1: missing rule name before "::="`},
	{`root ::= "a" ::= "b"`, grammar.ErrSyntax, `1:14: missing rule name before "::="`},
	{`root ::= * "a"`, grammar.ErrSyntax, `1:10: repetition operator "*" must follow an expression`},
	{`root ::= "a" | +`, grammar.ErrSyntax, `1:16: repetition operator "+" must follow an expression`},
	{`root ::= ( {2} )`, grammar.ErrSyntax, `1:12: repetition operator "{2}" must follow an expression`},
	{`root ::= ("a"`, grammar.ErrSyntax, `1:10: unclosed "("`},
	{"root ::= (\"a\"\nb ::= (c (d)", grammar.ErrSyntax, `1:10: unclosed "("`},
	{"root ::= (\"a\" (\"b\")\nb ::= (c)", grammar.ErrSyntax, `1:10: unclosed "("`},
	{`root ::= "a")`, grammar.ErrSyntax, `1:13: unexpected ")" without matching "("`},
	{`root ::= ( a ::= "b" )`, grammar.ErrSyntax, `1:12: rule "a" defined inside parentheses`},

	// Encoding and size.
	{"root ::= \"a\" \xff", grammar.ErrInvalidUTF8, "1:14: invalid UTF-8 byte 0xFF"},
	{"root ::= \"日本\xe6\"", grammar.ErrInvalidUTF8, "1:13: invalid UTF-8 byte 0xE6"},
	{"root ::= \"a\"\n# \xc0\xaf\n", grammar.ErrInvalidUTF8, "2:3: invalid UTF-8 byte 0xC0"},
	{"root ::= " + strings.Repeat("(", MaxDepth+1) + `"a"` + strings.Repeat(")", MaxDepth+1), grammar.ErrTooLarge, "1:1010: parentheses nested more than 1000 deep"},
	{"root ::= " + strings.Repeat("(", 100000), grammar.ErrTooLarge, "1:1010: parentheses nested more than 1000 deep"},
	{`root ::= "a"` + strings.Repeat("*", MaxDepth+1), grammar.ErrTooLarge, "1:10: expression nested more than 1000 deep"},
	{"root ::= " + strings.Repeat("(", 600) + `"a"` + strings.Repeat("?", 600) + strings.Repeat(")", 600), grammar.ErrTooLarge, "nested more than 1000 deep"},
	{"root ::= \"" + strings.Repeat("a", MaxSize) + "\"", grammar.ErrTooLarge, "test.gbnf: source is 8388619 bytes, more than the limit 8388608"},

	// Validation (grammar.Validate runs after parsing).
	{``, grammar.ErrNoRoot, `test.gbnf: missing root rule "root"`},
	{"# only a comment\n", grammar.ErrNoRoot, `test.gbnf: missing root rule "root"`},
	{`start ::= "a"`, grammar.ErrNoRoot, `test.gbnf: missing root rule "root"`},
	{"root ::= a b\na ::= \"x\"", grammar.ErrUndefinedRule, `1:12: undefined rule "b"`},
	{"root ::= \"a\"\nroot ::= \"b\"", grammar.ErrDuplicateRule, `2:1: rule "root" defined twice (first at test.gbnf:1:1)`},
	{`root ::= root "a"`, grammar.ErrEmptyLanguage, "1:1: the grammar's language is empty"},
	{"root ::= \"a\" | b\nb ::= \"x\" b", grammar.ErrNonTerminating, `2:1: rule "b" can never terminate`},
	{`root ::= [z-a]`, grammar.ErrBadClass, "1:10: bad character range U+007A-U+0061"},
	{`root ::= []`, grammar.ErrEmptyLanguage, "language is empty"},
	{`root ::= <[]>`, grammar.ErrEmptyLanguage, "language is empty"},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range errorTests {
		g, err := Parse("test.gbnf", []byte(tt.src))
		name := tt.src
		if len(name) > 60 {
			name = name[:60] + "..."
		}
		if err == nil {
			t.Errorf("Parse(%q) = %s, want error %q", name, dump(g), tt.msg)
			continue
		}
		if g != nil {
			t.Errorf("Parse(%q) returned a grammar with error %v", name, err)
		}
		first := firstError(err)
		if first == nil {
			t.Errorf("Parse(%q): error %T %v is not a *grammar.Error or grammar.ErrorList", name, err, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "test.gbnf") {
			t.Errorf("Parse(%q): error %q does not start with the file name", name, err)
		}
		if first.Code != tt.code || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Parse(%q):\n got [%s] %v\nwant [%s] ...%s...", name, first.Code, err, tt.code, tt.msg)
		}
	}
}

// firstError returns the error, or the first of the list.
func firstError(err error) *grammar.Error {
	var e *grammar.Error
	if errors.As(err, &e) {
		return e
	}
	var list grammar.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return list[0]
	}
	return nil
}

func TestParseReportsSeveralErrors(t *testing.T) {
	src := "root ::= \"\\q\" a\na ::= [\\z] \"a\"{3,1}\n"
	_, err := Parse("f", []byte(src))
	var list grammar.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse: got %T %v, want grammar.ErrorList", err, err)
	}
	want := "f:1:11: unknown escape sequence \"\\\\q\"\n" +
		"f:2:8: unknown escape sequence \"\\\\z\"\n" +
		"f:2:15: bad repetition {3,1}: maximum 1 is less than minimum 3"
	if got := err.Error(); got != want {
		t.Errorf("Parse:\n got %s\nwant %s", got, want)
	}
}

func TestPositions(t *testing.T) {
	src := "# header\n" +
		"root ::= item+ ( \"x\" | [a-z] )\n" +
		"item ::=\n" +
		"    \"日本\" <[1]> !<end>\n" +
		"  | ()\n"
	g, err := Parse("pos.gbnf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range g.Rules {
		got = append(got, fmt.Sprintf("rule %s %s", r.Name, r.Pos))
		grammar.Walk(r.Body, func(e grammar.Expr) bool {
			got = append(got, fmt.Sprintf("%T %s", e, e.Position()))
			return true
		})
	}
	want := []string{
		"rule root pos.gbnf:2:1",
		"*grammar.Seq pos.gbnf:2:10",
		"*grammar.Repeat pos.gbnf:2:10",
		"*grammar.Ref pos.gbnf:2:10",
		"*grammar.Alt pos.gbnf:2:16",
		"*grammar.Bytes pos.gbnf:2:18",
		"*grammar.Class pos.gbnf:2:24",
		"rule item pos.gbnf:3:1",
		"*grammar.Alt pos.gbnf:4:5",
		"*grammar.Seq pos.gbnf:4:5",
		"*grammar.Bytes pos.gbnf:4:5",
		"*grammar.Token pos.gbnf:4:10", // columns count code points
		"*grammar.Token pos.gbnf:4:16",
		"*grammar.Seq pos.gbnf:5:5",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("positions:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

// TestCorpus parses the llama.cpp example grammars in the shared corpora.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	if len(files) == 0 {
		t.Skip("shared corpora not found")
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		g, err := Parse(filepath.Base(file), src)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if _, err := grammar.Check(g); err != nil {
			t.Errorf("%s: Check: %v", file, err)
		}
		roundTrip(t, file, g)
	}
}

// corpusFiles returns the GBNF files of the shared corpora, or nil.
func corpusFiles(t testing.TB) []string {
	dir, ok := shared.SharedDir()
	if !ok {
		return nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "corpora", "gbnf", "*.gbnf"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// dump writes a grammar compactly: rules as name=expr separated by "; ",
// with str{"..."} for Bytes, cc{...}/ncc{...} for classes (ranges as lo-hi,
// printable ASCII as is, other runes as U+XXXX), cat, alt and emp{} for
// sequences, alternations and ε, star/plus/que/rep{min,max x} for
// repetitions (an empty max is unbounded), ref{name}, and tok/ntok{ids
// "names"} for tokens.
func dump(g *grammar.Grammar) string {
	if g == nil {
		return "<nil>"
	}
	var b strings.Builder
	for i, r := range g.Rules {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.Name + "=")
		dumpExpr(&b, r.Body)
	}
	return b.String()
}

func dumpExpr(b *strings.Builder, e grammar.Expr) {
	list := func(op string, xs []grammar.Expr) {
		b.WriteString(op + "{")
		for i, x := range xs {
			if i > 0 {
				b.WriteByte(' ')
			}
			dumpExpr(b, x)
		}
		b.WriteByte('}')
	}
	switch e := e.(type) {
	case *grammar.Bytes:
		fmt.Fprintf(b, "str{%q}", e.B)
	case *grammar.Class:
		if e.Negated {
			b.WriteByte('n')
		}
		b.WriteString("cc{")
		for i, r := range e.Ranges {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(dumpRune(r.Lo))
			if r.Hi != r.Lo {
				b.WriteString("-" + dumpRune(r.Hi))
			}
		}
		b.WriteByte('}')
	case *grammar.Seq:
		if len(e.Items) == 0 {
			b.WriteString("emp{}")
			return
		}
		list("cat", e.Items)
	case *grammar.Alt:
		list("alt", e.Alts)
	case *grammar.Repeat:
		switch {
		case e.Min == 0 && e.Max == grammar.Unbounded:
			b.WriteString("star{")
		case e.Min == 1 && e.Max == grammar.Unbounded:
			b.WriteString("plus{")
		case e.Min == 0 && e.Max == 1:
			b.WriteString("que{")
		case e.Max == grammar.Unbounded:
			fmt.Fprintf(b, "rep{%d, ", e.Min)
		default:
			fmt.Fprintf(b, "rep{%d,%d ", e.Min, e.Max)
		}
		dumpExpr(b, e.X)
		b.WriteByte('}')
	case *grammar.Ref:
		fmt.Fprintf(b, "ref{%s}", e.Name)
	case *grammar.Token:
		if e.Negated {
			b.WriteByte('n')
		}
		b.WriteString("tok{")
		var parts []string
		for _, id := range e.IDs {
			parts = append(parts, fmt.Sprint(id))
		}
		for _, name := range e.Names {
			parts = append(parts, fmt.Sprintf("%q", name))
		}
		b.WriteString(strings.Join(parts, " ") + "}")
	default:
		fmt.Fprintf(b, "%T", e)
	}
}

func dumpRune(r rune) string {
	if '!' <= r && r <= '~' {
		return string(r)
	}
	return fmt.Sprintf("%U", r)
}

func TestParseConcurrent(t *testing.T) {
	done := make(chan error)
	for i := 0; i < 8; i++ {
		go func() {
			var err error
			for _, tt := range parseTests[i%4:] {
				if _, e := Parse("c", []byte(tt.src)); e != nil && tt.dump != "" {
					err = e
				}
			}
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
