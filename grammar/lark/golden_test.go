package lark

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gramc/gramc/grammar"
)

var update = flag.Bool("update", false, "rewrite the testdata golden files")

// testdataFiles returns the Lark grammars of the repository's test corpus.
func testdataFiles(t testing.TB) []string {
	return globTestdata(t, "*.lark")
}

// xgrammarFiles returns the XGrammar EBNF grammars of the test corpus.
func xgrammarFiles(t testing.TB) []string {
	return globTestdata(t, "*.ebnf")
}

func globTestdata(t testing.TB, pattern string) []string {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "grammars", pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no testdata/grammars/%s files", pattern)
	}
	return files
}

// parseFile parses a test corpus file by its extension.
func parseFile(t testing.TB, file string) (*grammar.Grammar, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(file, ".ebnf") {
		return ParseXGrammar(filepath.Base(file), src)
	}
	return Parse(filepath.Base(file), src)
}

// TestGolden parses each testdata/grammars/*.lark (and XGrammar *.ebnf)
// file and compares the Dump of its grammar with the .golden file beside
// it.
func TestGolden(t *testing.T) {
	for _, file := range append(testdataFiles(t), xgrammarFiles(t)...) {
		g, err := parseFile(t, file)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		got := goldenDump(g)
		golden := file + ".golden"
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s: grammar differs from %s:\n%s", file, golden, got)
		}
	}
}

// goldenDump is Dump with the rules embedded by %json left out (they are
// package jsonschema's output, tested there): a comment line says so.
func goldenDump(g *grammar.Grammar) string {
	short := &grammar.Grammar{Root: g.Root}
	embedded := 0
	for _, r := range g.Rules {
		if strings.HasPrefix(r.Name, "Json") {
			embedded++
			continue
		}
		short.Rules = append(short.Rules, r)
	}
	out := Dump(short)
	if embedded > 0 {
		out += "# and the rules embedded by %json\n"
	}
	return out
}
