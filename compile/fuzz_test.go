package compile_test

import (
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/ebnf"
)

// FuzzCompile parses arbitrary GBNF, compiles it three ways (default,
// without inlining, with every repetition counted) and checks that no
// input panics and that all three accept the same strings, built from the
// grammar's own characters.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`root ::= "a" root? "b" | [c-e]{2,5}`,
		`root ::= x+ ; x ::= "(" root ")" | "y"`,
		`root ::= root "+" n | n
n ::= [0-9]{1,3}`,
		`root ::= ("ab" | "a")* "b"{3,40} [^x]`,
		`root ::= a b
a ::= "" | "a"
b ::= a a "c"`,
	} {
		f.Add(s, "aab((y))0123+5bbb")
	}
	f.Fuzz(func(t *testing.T, src, probe string) {
		if len(src) > 400 || len(probe) > 64 {
			return
		}
		g, err := ebnf.Parse("fuzz.gbnf", []byte(src))
		if err != nil {
			return
		}
		var progs []*automaton.Program
		for _, o := range []compile.Options{{MaxRuleStates: 2000, MaxStates: 20000}, {NoInline: true, MaxRuleStates: 2000, MaxStates: 20000}, {UnrollLimit: 1, MaxRuleStates: 2000, MaxStates: 20000}} {
			p, err := compile.Compile(g, nil, o)
			if err != nil {
				return // size limits or token terminals without a vocabulary
			}
			progs = append(progs, p)
		}
		// Every prefix of the probe: same acceptance and same viability.
		for n := 0; n <= len(probe); n++ {
			var got []bool
			for _, p := range progs {
				ps := automaton.NewParser(p)
				ok := true
				for i := 0; i < n && ok; i++ {
					ok = ps.Push(probe[i])
				}
				got = append(got, ok, ok && ps.CanStop())
			}
			for i := 2; i < len(got); i += 2 {
				if got[i] != got[0] || got[i+1] != got[1] {
					t.Fatalf("lowerings disagree on %q: %v", probe[:n], got)
				}
			}
		}
	})
}
