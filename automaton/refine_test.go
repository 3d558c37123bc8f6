package automaton

import (
	"math/rand/v2"
	"testing"
)

// randomDFA has n states over a small alphabet of bytes, calls and tokens,
// with many equivalent states (targets drawn from a few).
func randomDFA(r *rand.Rand, n int) *DFA {
	d := &DFA{}
	for range n {
		d.addState()
	}
	for s := range n {
		d.Accept[s] = r.IntN(3) == 0
		for _, b := range []byte("abcxyz") {
			if r.IntN(3) > 0 {
				d.Next[s][b] = int32(r.IntN(n))
			}
		}
		if r.IntN(4) == 0 {
			d.Calls[s] = append(d.Calls[s], SymEdge{Sym: int32(r.IntN(2)), To: int32(r.IntN(n))})
		}
		if r.IntN(6) == 0 {
			d.Tokens[s] = append(d.Tokens[s], SymEdge{Sym: 7, To: int32(r.IntN(n))})
		}
	}
	return d
}

// TestEquivalenceMatchesMoore compares the partition refinement with
// Moore's algorithm on random DFAs (after trimming, as Minimize does).
func TestEquivalenceMatchesMoore(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for i := range 3000 {
		d := randomDFA(r, 1+r.IntN(30)).trim(nil)
		if d == nil {
			continue
		}
		got, n := d.equivalence()
		want, wn := d.mooreClasses()
		if n != wn || !samePartition(got, want) {
			t.Fatalf("dfa %d (%d states): %d classes %v, Moore %d %v", i, d.Len(), n, got, wn, want)
		}
		checked++
	}
	if checked < 1000 {
		t.Fatalf("only %d DFAs checked", checked)
	}
}
