package mask

import (
	"path/filepath"
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/internal/shared"
	"github.com/gramc/gramc/vocab"
)

// BenchmarkFirstVisit times the first-visit computation of typical JSON
// Schema states with the llama3_1 vocabulary: the inside of a string (a
// slice), a maxLength string (a counted slice), a pattern-like string (no
// slice) and a string behind a reference (a callee mask).
func BenchmarkFirstVisit(b *testing.B) {
	dir, ok := shared.SharedDir()
	if !ok {
		b.Skip("no ../shared")
	}
	v, err := vocab.Load(filepath.Join(dir, "vocab", "llama3_1"))
	if err != nil {
		b.Skip(err)
	}
	cases := []struct {
		name, src string
		opts      compile.Options
		state     automaton.StateID
	}{
		{"string", `root ::= "{\"a\":\"" [^"\\\x00-\x1F]* "\"}"`, compile.Options{}, 6},
		{"maxLength", `root ::= "\"" [^"\\\x00-\x1F]{0,300} "\""`, compile.Options{UnrollLimit: 1}, 0},
		{"lowercase", `root ::= "\"" [a-z0-9_-]* "\""`, compile.Options{}, 1},
		{"callee", `root ::= "[\"" body "\"]"
body ::= ([^"\\\x00-\x1F] | "\\n")*`, compile.Options{NoInline: true}, 1},
	}
	for _, tc := range cases {
		g, err := ebnf.Parse(tc.name, []byte(tc.src))
		if err != nil {
			b.Fatal(err)
		}
		p, err := compile.Compile(g, v, tc.opts)
		if err != nil {
			b.Fatal(err)
		}
		tab := NewTable(p, v)
		it := automaton.Item{State: tc.state, Origin: automaton.Sentinel}
		if tc.name == "callee" {
			it.State = p.Next(p.Next(p.Rules[p.Root].Start, '['), '"')
		}
		if tc.name == "maxLength" {
			// the counted rule's start
			for _, r := range p.Rules {
				if r.Repeat {
					it = automaton.Item{State: r.Start, Origin: automaton.Sentinel, Param: 100}
				}
			}
		}
		tab.computeDetached(it) // warm the vocabulary's slices
		b.Run(tc.name+"/parser-walk", func(b *testing.B) {
			for b.Loop() {
				referenceCompute(tab, it) // the walk before DFA mode, slices and callee masks
			}
		})
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				sm := tab.computeDetached(it)
				if sm.NumAccepted < 1000 {
					b.Fatalf("state %d: %d accepted", it.State, sm.NumAccepted)
				}
				if tc.name == "callee" {
					tab.states[it.State].Store(nil) // recompute
				}
			}
		})
	}
}
