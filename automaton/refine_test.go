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

// TestByteClasses: the hashed byte classes equal the exact column
// comparison, and the exact comparison is right even when every column
// has the same hash (the fallback for hash collisions).
func TestByteClasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 300 {
		n := 1 + rng.IntN(40)
		rows := make([]*[256]int32, n)
		// A few distinct column patterns, assigned to random bytes.
		k := 1 + rng.IntN(8)
		pattern := make([][]int32, k)
		for i := range pattern {
			pattern[i] = make([]int32, n)
			for s := range n {
				pattern[i][s] = int32(rng.IntN(4)) - 1
			}
		}
		var of [256]int
		for b := range 256 {
			of[b] = rng.IntN(k)
		}
		for s := range n {
			rows[s] = new([256]int32)
			for b := range 256 {
				rows[s][b] = pattern[of[b]][s]
			}
		}
		same := func(class [256]int32, a, b int) bool { return class[a] == class[b] }
		var zero [256]uint64
		got, gn := byteClasses(rows)
		exact, en := byteClassesExact(rows, &zero)
		if gn != en || got != exact {
			t.Fatalf("trial %d: hashed %d classes %v, exact %d %v", trial, gn, got, en, exact)
		}
		for a := range 256 {
			for b := range 256 {
				equal := true
				for s := range n {
					if rows[s][a] != rows[s][b] {
						equal = false
					}
				}
				if equal != same(exact, a, b) {
					t.Fatalf("trial %d: bytes %d and %d: equal columns %v, same class %v", trial, a, b, equal, same(exact, a, b))
				}
			}
		}
	}
}
