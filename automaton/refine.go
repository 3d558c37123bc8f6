package automaton

import "slices"

// Minimization by partition refinement over labelled transitions
// (Valmari and Lehtinen, "Efficient minimization of DFAs with partial
// transition functions", STACS 2008): Hopcroft's algorithm with the
// "process the smaller half" rule, O(m log n) for m defined transitions,
// without completing the automaton with a dead state. Byte, call and token
// edges are all transitions, labelled apart; each state has at most one
// transition per label, as a DFA must.

// partition is a refinable partition of the integers 0..n-1: elems holds
// them grouped by set, set s being elems[first[s]:past[s]].
type partition struct {
	sets               int
	elems, loc, setOf  []int32
	first, past, marks []int32
	touched            []int32
}

func newPartition(n int) *partition {
	p := &partition{elems: make([]int32, n), loc: make([]int32, n), setOf: make([]int32, n),
		first: make([]int32, n+1), past: make([]int32, n+1), marks: make([]int32, n+1)}
	for i := range n {
		p.elems[i], p.loc[i] = int32(i), int32(i)
	}
	if n > 0 {
		p.sets = 1
		p.past[0] = int32(n)
	}
	return p
}

// mark moves e to the marked front of its set.
func (p *partition) mark(e int32) {
	s := p.setOf[e]
	i := p.loc[e]
	j := p.first[s] + p.marks[s]
	p.elems[i], p.elems[j] = p.elems[j], e
	p.loc[p.elems[i]], p.loc[e] = i, j
	if p.marks[s] == 0 {
		p.touched = append(p.touched, s)
	}
	p.marks[s]++
}

// split separates the marked elements of every touched set from the
// unmarked ones; the smaller part becomes a new set.
func (p *partition) split() {
	for len(p.touched) > 0 {
		s := p.touched[len(p.touched)-1]
		p.touched = p.touched[:len(p.touched)-1]
		j := p.first[s] + p.marks[s]
		if j == p.past[s] {
			p.marks[s] = 0
			continue
		}
		z := int32(p.sets)
		if p.marks[s] <= p.past[s]-j {
			p.first[z], p.past[z] = p.first[s], j
			p.first[s] = j
		} else {
			p.past[z], p.first[z] = p.past[s], j
			p.past[s] = j
		}
		for i := p.first[z]; i < p.past[z]; i++ {
			p.setOf[p.elems[i]] = z
		}
		p.marks[s], p.marks[z] = 0, 0
		p.sets++
	}
}

// equivalence returns the class of every state of d (states with equal
// classes accept the same language, through the same calls and tokens)
// and the number of classes.
func (d *DFA) equivalence() ([]int32, int) {
	n := d.Len()
	// Labels: the distinct columns (equal columns split alike).
	bclass, nb := columnClasses(d.Trans, d.Columns, d.columnsByFirstByte())
	reps := make([]int, nb) // one column per label
	for c := d.Columns - 1; c >= 0; c-- {
		if bclass[c] >= 0 {
			reps[bclass[c]] = c
		}
	}
	type trans struct {
		from, to int32
		label    int64
	}
	m0 := 0 // the transitions, counted first so that ts is allocated once
	for s := range n {
		row := d.row(s)
		for _, col := range reps {
			if row[col] != Dead {
				m0++
			}
		}
		m0 += len(d.Calls[s]) + len(d.Tokens[s])
	}
	ts := make([]trans, 0, m0)
	for s := range n {
		row := d.row(s)
		for c, col := range reps {
			if t := row[col]; t != Dead {
				ts = append(ts, trans{int32(s), t, int64(c)})
			}
		}
		for _, e := range d.Calls[s] {
			ts = append(ts, trans{int32(s), e.To, 1<<40 | int64(uint32(e.Sym))})
		}
		for _, e := range d.Tokens[s] {
			ts = append(ts, trans{int32(s), e.To, 2<<40 | int64(uint32(e.Sym))})
		}
	}
	m := len(ts)
	blocks := newPartition(n)
	for s := range n {
		if d.Accept[s] {
			blocks.mark(int32(s))
		}
	}
	blocks.split()
	// Cords: the transitions, first grouped by label.
	cords := newPartition(m)
	// Counting sort of the transitions by label (labels renumbered
	// densely, byte classes first).
	dense := map[int64]int32{}
	lab := make([]int32, m)
	for i, t := range ts {
		if t.label < int64(nb) {
			lab[i] = int32(t.label)
			continue
		}
		id, ok := dense[t.label]
		if !ok {
			id = int32(nb + len(dense))
			dense[t.label] = id
		}
		lab[i] = id
	}
	count := make([]int32, nb+len(dense)+1)
	for _, l := range lab {
		count[l+1]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	for i := range m {
		cords.elems[count[lab[i]]] = int32(i)
		count[lab[i]]++
	}
	if m > 0 {
		cords.sets = 0
		for i, t := range cords.elems {
			if i == 0 || ts[t].label != ts[cords.elems[i-1]].label {
				if i > 0 {
					cords.past[cords.sets-1] = int32(i)
				}
				cords.first[cords.sets] = int32(i)
				cords.sets++
			}
			cords.setOf[t] = int32(cords.sets - 1)
			cords.loc[t] = int32(i)
		}
		cords.past[cords.sets-1] = int32(m)
	}
	// Incoming transitions of every state.
	inStart := make([]int32, n+1)
	for _, t := range ts {
		inStart[t.to+1]++
	}
	for s := range n {
		inStart[s+1] += inStart[s]
	}
	in := make([]int32, m)
	fill := slices.Clone(inStart[:n])
	for i, t := range ts {
		in[fill[t.to]] = int32(i)
		fill[t.to]++
	}
	b, c := 1, 0
	for c < cords.sets {
		for i := cords.first[c]; i < cords.past[c]; i++ {
			blocks.mark(ts[cords.elems[i]].from)
		}
		blocks.split()
		c++
		for b < blocks.sets {
			for i := blocks.first[b]; i < blocks.past[b]; i++ {
				s := blocks.elems[i]
				for _, t := range in[inStart[s]:inStart[s+1]] {
					cords.mark(t)
				}
			}
			cords.split()
			b++
		}
	}
	return blocks.setOf, blocks.sets
}

// columnClasses partitions the columns of a table of rows (trans, cols
// entries a row) by their contents: columns a and b share a class when
// every row has row[a] == row[b]. Only the columns listed in order are
// classified, and classes are numbered in that order; the others get -1.
// It hashes each column, then compares candidate columns in full, so the
// result is exact.
func columnClasses(trans []int32, cols int, order []int) (class []int32, n int) {
	h := make([]uint64, cols)
	for c := range h {
		h[c] = 14695981039346656037
	}
	for i := 0; i+cols <= len(trans); i += cols {
		for c, v := range trans[i : i+cols] {
			h[c] = (h[c] ^ uint64(uint32(v))) * 1099511628211
		}
	}
	// Each column's candidate is the first listed column with the same
	// hash; one pass over the rows (in memory order) checks every column
	// against its candidate.
	cand := make([]int, cols)
	for c := range cand {
		cand[c] = -1
	}
	for k, c := range order {
		cand[c] = c
		for _, r := range order[:k] {
			if h[r] == h[c] {
				cand[c] = r
				break
			}
		}
	}
	for i := 0; i+cols <= len(trans); i += cols {
		row := trans[i : i+cols]
		for _, c := range order {
			if row[c] != row[cand[c]] {
				return columnClassesExact(trans, cols, order, h)
			}
		}
	}
	class = make([]int32, cols)
	for c := range class {
		class[c] = -1
	}
	for _, c := range order {
		if r := cand[c]; r != c {
			class[c] = class[r]
		} else {
			class[c] = int32(n)
			n++
		}
	}
	return class, n
}

// columnClassesExact is columnClasses when two different columns share a
// hash: every column is compared with the first column of each class of
// the same hash, row by row.
func columnClassesExact(trans []int32, cols int, order []int, h []uint64) (class []int32, n int) {
	class = make([]int32, cols)
	for c := range class {
		class[c] = -1
	}
	var reps []int // the first column of each class
	for _, c := range order {
		for k, r := range reps {
			if h[r] != h[c] {
				continue
			}
			same := true
			for i := 0; i+cols <= len(trans); i += cols {
				if trans[i+r] != trans[i+c] {
					same = false
					break
				}
			}
			if same {
				class[c] = int32(k)
				break
			}
		}
		if class[c] < 0 {
			class[c] = int32(len(reps))
			reps = append(reps, c)
		}
	}
	return class, len(reps)
}
