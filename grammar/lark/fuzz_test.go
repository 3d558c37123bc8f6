package lark

import (
	"os"
	"testing"

	"github.com/gramc/gramc/grammar"
)

// FuzzParse checks that Parse never panics, that its errors are positioned
// grammar errors, and that every grammar it accepts prints (when it has a
// Lark form) as text that parses back to an equal grammar — or, when the
// grammar has generated rules (%ignore, %json, %regex substrings), to one
// whose printed form is stable.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add([]byte(tt.src))
	}
	for _, tt := range errorTests {
		f.Add([]byte(tt.src))
	}
	for _, tt := range langTests {
		f.Add([]byte(tt.src))
	}
	for _, file := range testdataFiles(f) {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		g, err := Parse("fuzz", src)
		if err != nil {
			if g != nil {
				t.Errorf("Parse returned a grammar and the error %v", err)
			}
			if firstError(err) == nil {
				t.Fatalf("Parse error %T %v is not a *grammar.Error or grammar.ErrorList", err, err)
			}
			return
		}
		checkRoundTrip(t, "fuzz", g)
	})
}

// checkRoundTrip prints g as Lark and parses it again.
func checkRoundTrip(t *testing.T, name string, g *grammar.Grammar) {
	t.Helper()
	out, err := Print(g)
	if err != nil {
		return // no Lark form (a Perm from %json, say)
	}
	g2, err := Parse("printed", []byte(out))
	if err != nil {
		t.Fatalf("%s: reparse failed: %v\nprinted:\n%s\ngrammar:\n%s", name, err, out, Dump(g))
	}
	generated := false
	for _, r := range g.Rules {
		generated = generated || kindOf(r.Name) == badName
	}
	if !generated && !grammar.Equal(g, g2) {
		t.Fatalf("%s: round trip changed the grammar\nprinted:\n%s\n got %s\nwant %s", name, out, Dump(g2), Dump(g))
	}
	out2, err := Print(g2)
	if err != nil {
		t.Fatalf("%s: printing the reparsed grammar: %v", name, err)
	}
	if generated {
		// Embedded grammars come in other front ends' shapes (classes
		// not normalized, say): the printer's output is stable from the
		// second round on.
		out = out2
		g3, err := Parse("printed", []byte(out2))
		if err != nil {
			t.Fatalf("%s: reparse failed: %v\nprinted:\n%s", name, err, out2)
		}
		if out2, err = Print(g3); err != nil {
			t.Fatalf("%s: printing the reparsed grammar: %v", name, err)
		}
	}
	if out2 != out {
		t.Fatalf("%s: printing is not stable:\n%s\nthen\n%s", name, out, out2)
	}
}

// TestRoundTrip runs the fuzz checks on the seed corpus.
func TestRoundTrip(t *testing.T) {
	srcs := []string{}
	for _, tt := range parseTests {
		srcs = append(srcs, tt.src)
	}
	for _, tt := range langTests {
		srcs = append(srcs, tt.src)
	}
	for _, file := range testdataFiles(t) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, string(b))
	}
	for _, src := range srcs {
		g, err := Parse("t.lark", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		checkRoundTrip(t, src, g)
	}
}
