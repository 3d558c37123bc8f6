package tags_test

import (
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/grammar/lark"
	"github.com/gramc/gramc/grammar/tags"
)

// TestPrintLark checks that a tag grammar prints as Lark (free text as a
// terminal with ~) that parses back to the same language.
func TestPrintLark(t *testing.T) {
	digits, err := ebnf.Parse("digits", []byte(`root ::= [0-9]+`))
	if err != nil {
		t.Fatal(err)
	}
	g, err := tags.Triggered(tags.Spec{Tags: []tags.Tag{{Begin: tags.Marker{Text: "<n>"}, Content: digits, End: tags.Marker{Text: "</n>"}}}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := lark.Print(g)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	g2, err := lark.Parse("printed.lark", []byte(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	p1, p2 := prog(t, g), prog(t, g2)
	for _, s := range []string{"", "a<n>12</n>b", "<n>", "x<n>1</n", "<n>1</n><n>2</n>", "<n<n>3</n>"} {
		if match(p1, s) != match(p2, s) {
			t.Errorf("%q: original %v, printed %v\n%s", s, match(p1, s), match(p2, s), out)
		}
	}
}

func prog(t *testing.T, g *grammar.Grammar) *automaton.Program {
	t.Helper()
	p, err := compile.Compile(g, nil, compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func match(p *automaton.Program, s string) bool {
	ps := automaton.NewParser(p)
	for i := 0; i < len(s); i++ {
		if !ps.Push(s[i]) {
			return false
		}
	}
	return ps.CanStop()
}
