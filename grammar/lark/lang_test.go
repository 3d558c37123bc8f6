package lark

import (
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
)

// program compiles a grammar without token terminals.
func program(t *testing.T, g *grammar.Grammar) *automaton.Program {
	t.Helper()
	p, err := compile.Compile(g, nil, compile.Options{})
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, Dump(g))
	}
	return p
}

// matches reports whether the byte-level parser accepts s in full.
func matches(p *automaton.Program, s string) bool {
	ps := automaton.NewParser(p)
	for i := 0; i < len(s); i++ {
		if !ps.Push(s[i]) {
			return false
		}
	}
	return ps.CanStop()
}

// langTests lists strings each grammar must accept and reject.
var langTests = []struct {
	src      string
	yes, not []string
}{
	// %ignore goes after every lexeme of a rule, never inside terminals,
	// and before the first one only with allow_initial_skip.
	{"start: \"a\" \"b\"\n%ignore \" \"",
		[]string{"ab", "a b ", "a  b"}, []string{"a", " ", "a b c", "ba", " ab"}},
	{"%llguidance {\"allow_initial_skip\": true}\nstart: \"a\" \"b\"\n%ignore \" \"",
		[]string{"ab", " a b ", "a  b", "  ab"}, []string{"a", " ", "a b c", "ba"}},
	{"start: AB\nAB: \"a\" \"b\"\n%ignore \" \"",
		[]string{"ab", "ab  "}, []string{"a b", "a", " ab"}},
	{"start: x x\nx: A\nA: /[0-9]+/\n%ignore \" \"",
		[]string{"1 2", "12", "1  2 ", "123"}, []string{"1 2 3", " ", " 1 2"}},
	{"start: \"a\"\n%ignore \" \"\n%ignore \"#\"",
		[]string{"a", "a # ", "a#"}, []string{"aa", "#a"}},
	{"start: \"a\"", []string{"a"}, []string{" a", "a "}},
	// Case-insensitive strings and flags.
	{`start: "Hello"i`, []string{"hello", "HELLO", "hElLo"}, []string{"hell", "hallo"}},
	{`start: /[a-c]+/i`, []string{"abc", "ABC", "aBc"}, []string{"d", ""}},
	{`start: /a.b/`, []string{"axb"}, []string{"a\nb"}},
	{`start: /a.b/s`, []string{"axb", "a\nb"}, nil},
	// Repetition.
	{`start: "a" ~ 2..3`, []string{"aa", "aaa"}, []string{"a", "aaaa"}},
	{`start: ["a"] "b"`, []string{"b", "ab"}, []string{"aab"}},
	// Common terminals.
	{"start: NUMBER\n%import common.NUMBER", []string{"1", "1.5", ".5", "5.", "1e3", "1.5E-3"}, []string{"e3", "-1", "1e", "."}},
	{"start: SIGNED_NUMBER\n%import common.SIGNED_NUMBER", []string{"-1", "+2.5"}, []string{"--1"}},
	{"start: ESCAPED_STRING\n%import common.ESCAPED_STRING", []string{`""`, `"a\"b"`, `"a\\"`}, []string{`"a"b"`, `"a\"`, "\"a\nb\""}},
	{"start: C_COMMENT\n%import common.C_COMMENT", []string{"/**/", "/* a */", "/* * / ** */", "/***/"}, []string{"/* */ */", "/*/"}},
	{"start: CNAME\n%import common.CNAME", []string{"_a1", "x"}, []string{"1a", ""}},
	{"start: NEWLINE\n%import common.NEWLINE", []string{"\n", "\r\n\n"}, []string{"\r"}},
	// Terminal algebra.
	{"start: IDENT\nIDENT: /[a-z]+/ & ~(\"if\" | \"else\")", []string{"i", "iff", "els"}, []string{"if", "else", "A"}},
	{"start: T\nT: ~(/[^]*ab[^]*/)", []string{"", "a", "ba", "bbaa"}, []string{"ab", "xaby"}},
	// %regex.
	{`start: %regex {"substring_words": "foo bar."}`, []string{"", "foo", "foo bar.", " bar", "bar.", "."}, []string{"fo", "foo  bar", "bar foo"}},
	{`start: %regex {"pattern": "x{2}", "flags": "i"}`, []string{"xX"}, []string{"x"}},
}

func TestLanguages(t *testing.T) {
	for _, tt := range langTests {
		g, err := Parse("t.lark", []byte(tt.src))
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		p := program(t, g)
		for _, s := range tt.yes {
			if !matches(p, s) {
				t.Errorf("%q rejects %q\n%s", tt.src, s, Dump(g))
			}
		}
		for _, s := range tt.not {
			if matches(p, s) {
				t.Errorf("%q accepts %q\n%s", tt.src, s, Dump(g))
			}
		}
	}
}
