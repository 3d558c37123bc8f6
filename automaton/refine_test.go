package automaton

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// randomDFA has n states over a small alphabet of bytes, calls and tokens,
// with many equivalent states (targets drawn from a few).
func randomDFA(r *rand.Rand, n int) *DFA {
	var identity [256]uint8
	for b := range identity {
		identity[b] = uint8(b)
	}
	d := NewDFA(identity, 256)
	for range n {
		d.addState()
	}
	for s := range n {
		d.Accept[s] = r.IntN(3) == 0
		for _, b := range []byte("abcxyz") {
			if r.IntN(3) > 0 {
				d.Trans[s*256+int(b)] = int32(r.IntN(n))
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

// TestColumnClasses: the hashed column classes equal the exact column
// comparison, and the exact comparison is right even when every column
// has the same hash (the fallback for hash collisions); columns left out
// of the order get no class.
func TestColumnClasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 300 {
		n := 1 + rng.IntN(40)
		cols := 1 + rng.IntN(256)
		trans := make([]int32, n*cols)
		// A few distinct column patterns, assigned to random columns.
		k := 1 + rng.IntN(8)
		pattern := make([][]int32, k)
		for i := range pattern {
			pattern[i] = make([]int32, n)
			for s := range n {
				pattern[i][s] = int32(rng.IntN(4)) - 1
			}
		}
		of := make([]int, cols)
		for c := range cols {
			of[c] = rng.IntN(k)
		}
		for s := range n {
			for c := range cols {
				trans[s*cols+c] = pattern[of[c]][s]
			}
		}
		var order []int
		for c := range cols {
			if rng.IntN(5) > 0 {
				order = append(order, c)
			}
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		got, gn := columnClasses(trans, cols, order)
		exact, en := columnClassesExact(trans, cols, order, make([]uint64, cols))
		if gn != en || !slices.Equal(got, exact) {
			t.Fatalf("trial %d: hashed %d classes %v, exact %d %v", trial, gn, got, en, exact)
		}
		listed := make([]bool, cols)
		for _, c := range order {
			listed[c] = true
		}
		next := int32(0)
		for _, c := range order { // numbered in order
			if exact[c] == next {
				next++
			} else if exact[c] > next {
				t.Fatalf("trial %d: class %d before class %d", trial, exact[c], next)
			}
		}
		for a := range cols {
			if !listed[a] {
				if exact[a] != -1 {
					t.Fatalf("trial %d: unlisted column %d has class %d", trial, a, exact[a])
				}
				continue
			}
			for b := range cols {
				if !listed[b] {
					continue
				}
				equal := true
				for s := range n {
					if trans[s*cols+a] != trans[s*cols+b] {
						equal = false
					}
				}
				if equal != (exact[a] == exact[b]) {
					t.Fatalf("trial %d: columns %d and %d: equal %v, same class %v", trial, a, b, equal, exact[a] == exact[b])
				}
			}
		}
	}
}
