package ebnf

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gramc/gramc/grammar"
)

// FuzzParse checks that Parse never panics, that its errors are positioned
// grammar errors, and that every grammar it accepts prints as GBNF that
// parses back to an equal grammar and prints the same again.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add([]byte(tt.src))
	}
	for _, tt := range errorTests {
		if len(tt.src) <= 4096 {
			f.Add([]byte(tt.src))
		}
	}
	local, _ := filepath.Glob(filepath.Join("testdata", "*.gbnf"))
	for _, file := range append(local, corpusFiles(f)...) {
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
		out, err := grammar.Print(g)
		if err != nil {
			t.Fatalf("Print: %v\n%s", err, out)
		}
		g2, err := Parse("printed", []byte(out))
		if err != nil {
			t.Fatalf("reparse failed: %v\nsource:\n%q\nprinted:\n%s", err, src, out)
		}
		if !grammar.Equal(g, g2) {
			t.Fatalf("round trip changed the grammar\nsource: %q\nprinted:\n%s\n got %s\nwant %s", src, out, dump(g2), dump(g))
		}
		if out2 := g2.String(); out2 != out {
			t.Fatalf("printing is not stable:\n%s\nthen\n%s", out, out2)
		}
	})
}
