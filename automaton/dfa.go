package automaton

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
)

// Dead is the transition target meaning "no transition".
const Dead int32 = -1

// DFA is a deterministic automaton for one rule body. Its byte transitions
// are a table over columns: Class maps every byte to a column, and bytes
// of one column have the same transition from every state, so a row has
// Columns entries (a few dozen for typical rule bodies) instead of 256.
// Call and token edges have at most one target per symbol. State 0 is the
// start state.
type DFA struct {
	Class   [256]uint8
	Columns int         // 1..256
	Trans   []int32     // Trans[s*Columns+Class[b]]: the target of byte b from state s, or Dead
	Calls   [][]SymEdge // sorted by Sym
	Tokens  [][]SymEdge // sorted by Sym
	Accept  []bool
}

// NewDFA returns a DFA without states whose bytes fall in the given
// columns (class[b] < columns for every byte b).
func NewDFA(class [256]uint8, columns int) *DFA {
	return &DFA{Class: class, Columns: columns}
}

// Len is the number of states.
func (d *DFA) Len() int { return len(d.Accept) }

// Next is the target of byte b from state s, or Dead.
func (d *DFA) Next(s int32, b byte) int32 { return d.Trans[int(s)*d.Columns+int(d.Class[b])] }

// row is the transitions of state s by column.
func (d *DFA) row(s int) []int32 { return d.Trans[s*d.Columns : (s+1)*d.Columns] }

func (d *DFA) addState() int32 {
	for range d.Columns {
		d.Trans = append(d.Trans, Dead)
	}
	d.Calls = append(d.Calls, nil)
	d.Tokens = append(d.Tokens, nil)
	d.Accept = append(d.Accept, false)
	return int32(len(d.Accept) - 1)
}

// check reports a DFA whose table does not have its shape: Columns in
// 1..256, every byte in a column, a row of Columns targets per state, and
// every target a state or Dead.
func (d *DFA) check() error {
	n := d.Len()
	if d.Columns < 1 || d.Columns > 256 {
		return fmt.Errorf("DFA has %d columns", d.Columns)
	}
	if len(d.Trans) != n*d.Columns || len(d.Calls) != n || len(d.Tokens) != n {
		return fmt.Errorf("DFA tables do not have %d states of %d columns", n, d.Columns)
	}
	if n == 0 {
		return fmt.Errorf("DFA has no states")
	}
	for b, c := range d.Class {
		if int(c) >= d.Columns {
			return fmt.Errorf("DFA maps byte %d to column %d of %d", b, c, d.Columns)
		}
	}
	for _, t := range d.Trans {
		if t != Dead && (t < 0 || int(t) >= n) {
			return fmt.Errorf("DFA transition to state %d of %d", t, n)
		}
	}
	for s := range n {
		for _, es := range [][]SymEdge{d.Calls[s], d.Tokens[s]} {
			for _, e := range es {
				if e.To < 0 || int(e.To) >= n {
					return fmt.Errorf("DFA edge to state %d of %d", e.To, n)
				}
			}
		}
	}
	return nil
}

// byteColumns partitions the bytes by the boundaries of n's byte edges:
// the columns are the maximal byte intervals no edge starts or ends
// inside, numbered in byte order, and one last column shared by every
// byte no edge covers (if any). An edge on [lo, hi] thus covers exactly
// the columns Class[lo]..Class[hi].
func (n *NFA) byteColumns() (class [256]uint8, columns int) {
	var cut [257]bool
	var depth [257]int32 // difference array of edge coverage
	for i := range n.states {
		for _, e := range n.states[i].bytes {
			cut[e.lo], cut[int(e.hi)+1] = true, true
			depth[e.lo]++
			depth[int(e.hi)+1]--
		}
	}
	var col [256]int16
	cover := int32(0)
	id := -1
	covered := false
	uncovered := false
	for b := range 256 {
		cover += depth[b]
		if b == 0 || cut[b] {
			covered = cover > 0
			if covered {
				id++
			}
		}
		if covered {
			col[b] = int16(id)
		} else {
			col[b] = -1
			uncovered = true
		}
	}
	columns = id + 1
	for b := range 256 {
		if col[b] < 0 {
			class[b] = uint8(columns)
		} else {
			class[b] = uint8(col[b])
		}
	}
	if uncovered {
		columns++
	}
	return class, columns
}

// Determinize builds a DFA from n by subset construction, with start and
// accept the NFA's start and accepting states. It fails with ErrTooLarge
// beyond maxStates DFA states. The DFA's columns are n's byte intervals
// (byteColumns); Minimize merges the equal ones.
func Determinize(n *NFA, start, accept int32, maxStates int) (*DFA, error) {
	class, columns := n.byteColumns()
	d := NewDFA(class, columns)
	// Room for about as many states as the NFA has (the usual size for
	// rule bodies).
	c := min(len(n.states), maxStates, 4096)
	d.Trans = make([]int32, 0, c*columns)
	d.Calls, d.Tokens, d.Accept = make([][]SymEdge, 0, c), make([][]SymEdge, 0, c), make([]bool, 0, c)
	ids := map[string]int32{}
	var sets [][]int32
	seen := make([]uint32, len(n.states))
	gen := uint32(0)
	var stack []int32
	closure := func(seeds []int32) []int32 {
		gen++
		var out []int32
		stack = append(stack[:0], seeds...)
		for len(stack) > 0 {
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[s] == gen {
				continue
			}
			seen[s] = gen
			out = append(out, s)
			stack = append(stack, n.states[s].eps...)
		}
		slices.Sort(out)
		return out
	}
	var kb []byte
	key := func(set []int32) []byte {
		kb = kb[:0]
		for _, s := range set {
			kb = binary.LittleEndian.AppendUint32(kb, uint32(s))
		}
		return kb
	}
	intern := func(set []int32) (int32, error) {
		k := key(set)
		if id, ok := ids[string(k)]; ok {
			return id, nil
		}
		if len(sets) >= maxStates {
			return 0, fmt.Errorf("%w: DFA exceeds %d states", ErrTooLarge, maxStates)
		}
		id := d.addState()
		ids[string(k)] = id
		sets = append(sets, set)
		d.Accept[id] = slices.Contains(set, accept)
		return id, nil
	}
	if _, err := intern(closure([]int32{start})); err != nil {
		return nil, err
	}
	buckets := make([][]int32, columns)
	memo := map[string]int32{}
	for i := 0; i < len(sets); i++ {
		set := sets[i]
		for c := range buckets {
			buckets[c] = buckets[c][:0]
		}
		var symTargets, tokTargets map[int32][]int32
		for _, s := range set {
			st := &n.states[s]
			for _, e := range st.bytes {
				for c := class[e.lo]; ; c++ {
					buckets[c] = append(buckets[c], e.to)
					if c == class[e.hi] {
						break
					}
				}
			}
			for _, e := range st.calls {
				if symTargets == nil {
					symTargets = map[int32][]int32{}
				}
				symTargets[e.Sym] = append(symTargets[e.Sym], e.To)
			}
			for _, e := range st.tokens {
				if tokTargets == nil {
					tokTargets = map[int32][]int32{}
				}
				tokTargets[e.Sym] = append(tokTargets[e.Sym], e.To)
			}
		}
		clear(memo)
		for c := range columns {
			if len(buckets[c]) == 0 {
				continue
			}
			if c > 0 && slices.Equal(buckets[c], buckets[c-1]) {
				// A run of columns with the same targets.
				d.Trans[i*columns+c] = d.Trans[i*columns+c-1]
				continue
			}
			k := key(buckets[c])
			id, ok := memo[string(k)]
			if !ok {
				var err error
				ks := string(k)
				if id, err = intern(closure(buckets[c])); err != nil {
					return nil, err
				}
				memo[ks] = id
			}
			d.Trans[i*columns+c] = id
		}
		for k, targets := range []map[int32][]int32{symTargets, tokTargets} {
			if len(targets) == 0 {
				continue
			}
			var edges []SymEdge
			for sym, ts := range targets {
				id, err := intern(closure(ts))
				if err != nil {
					return nil, err
				}
				edges = append(edges, SymEdge{sym, id})
			}
			slices.SortFunc(edges, func(a, b SymEdge) int { return int(a.Sym - b.Sym) })
			if k == 0 {
				d.Calls[i] = edges
			} else {
				d.Tokens[i] = edges
			}
		}
	}
	return d, nil
}

// Minimize returns the minimal DFA equivalent to d (partition
// refinement, refine.go) with states that cannot reach an accepting state
// removed, states renumbered in breadth-first order from the start (byte
// edges in byte order, then calls, then tokens) and equal columns merged.
// live reports whether a call or token symbol can match at all; edges on
// dead symbols are dropped. It returns nil when the language is empty.
func (d *DFA) Minimize(live func(call bool, sym int32) bool) *DFA {
	d = d.trim(live)
	if d == nil {
		return nil
	}
	class, numClasses := d.equivalence()
	// Build the quotient, numbering classes in BFS order from the start.
	// Columns are visited in the order of their smallest byte, so the
	// numbering is the one a walk over the bytes in order gives.
	order := make([]int32, numClasses)
	for i := range order {
		order[i] = -1
	}
	cols := d.Columns
	byFirst := d.columnsByFirstByte()
	out := NewDFA(d.Class, cols)
	out.Trans = make([]int32, 0, numClasses*cols)
	out.Calls, out.Tokens, out.Accept = make([][]SymEdge, 0, numClasses), make([][]SymEdge, 0, numClasses), make([]bool, 0, numClasses)
	queue := []int32{0}
	order[class[0]] = out.addState()
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		id := order[class[s]]
		visit := func(t int32) int32 {
			c := class[t]
			if order[c] < 0 {
				order[c] = out.addState()
				queue = append(queue, t)
			}
			return order[c]
		}
		out.Accept[id] = d.Accept[s]
		row := d.row(int(s))
		for _, c := range byFirst {
			if t := row[c]; t != Dead {
				out.Trans[int(id)*cols+c] = visit(t)
			}
		}
		for _, e := range d.Calls[s] {
			out.Calls[id] = append(out.Calls[id], SymEdge{e.Sym, visit(e.To)})
		}
		for _, e := range d.Tokens[s] {
			out.Tokens[id] = append(out.Tokens[id], SymEdge{e.Sym, visit(e.To)})
		}
	}
	return out.compact()
}

// columnsByFirstByte lists the columns some byte maps to, in the order of
// their smallest byte.
func (d *DFA) columnsByFirstByte() []int {
	seen := make([]bool, d.Columns)
	var out []int
	for b := range 256 {
		if c := d.Class[b]; !seen[c] {
			seen[c] = true
			out = append(out, int(c))
		}
	}
	return out
}

// compact merges equal columns and drops columns no byte maps to; the
// columns are renumbered in the order of their smallest byte.
func (d *DFA) compact() *DFA {
	byFirst := d.columnsByFirstByte()
	merged, n := columnClasses(d.Trans, d.Columns, byFirst)
	if n == d.Columns && slices.IsSorted(byFirst) {
		return d // every column used, distinct and in order already
	}
	rep := make([]int, n)
	for i := len(byFirst) - 1; i >= 0; i-- {
		rep[merged[byFirst[i]]] = byFirst[i]
	}
	trans := make([]int32, d.Len()*n)
	for s := range d.Len() {
		row := d.row(s)
		for k, c := range rep {
			trans[s*n+k] = row[c]
		}
	}
	for b := range 256 {
		d.Class[b] = uint8(merged[d.Class[b]])
	}
	d.Trans, d.Columns = trans, n
	return d
}

// trim removes states that cannot reach an accepting state and edges on
// dead symbols. It returns nil if the start state is removed.
func (d *DFA) trim(live func(call bool, sym int32) bool) *DFA {
	n := d.Len()
	// Reverse reachability from accepting states, over the reversed
	// edges in one array (counted, then filled): revStart[t] is where
	// the sources of t's incoming edges begin.
	edges := func(visit func(from, to int32)) {
		for s := range n {
			last := Dead // runs of columns to the same target add one edge
			for _, t := range d.row(s) {
				if t != Dead && t != last {
					visit(int32(s), t)
					last = t
				}
			}
			for _, e := range d.Calls[s] {
				if live == nil || live(true, e.Sym) {
					visit(int32(s), e.To)
				}
			}
			for _, e := range d.Tokens[s] {
				if live == nil || live(false, e.Sym) {
					visit(int32(s), e.To)
				}
			}
		}
	}
	revStart := make([]int32, n+1)
	edges(func(_, to int32) { revStart[to+1]++ })
	for s := range n {
		revStart[s+1] += revStart[s]
	}
	revFrom := make([]int32, revStart[n])
	fill := slices.Clone(revStart[:n])
	edges(func(from, to int32) {
		revFrom[fill[to]] = from
		fill[to]++
	})
	useful := make([]bool, n)
	var stack []int32
	for s := range n {
		if d.Accept[s] {
			useful[s] = true
			stack = append(stack, int32(s))
		}
	}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range revFrom[revStart[s]:revStart[s+1]] {
			if !useful[p] {
				useful[p] = true
				stack = append(stack, p)
			}
		}
	}
	if !useful[0] {
		return nil
	}
	out := &DFA{Class: d.Class, Columns: d.Columns, Trans: slices.Clone(d.Trans), Calls: make([][]SymEdge, n), Tokens: make([][]SymEdge, n), Accept: slices.Clone(d.Accept)}
	for i, t := range out.Trans {
		if t != Dead && !useful[t] {
			out.Trans[i] = Dead
		}
	}
	for s := range n {
		for _, e := range d.Calls[s] {
			if useful[e.To] && (live == nil || live(true, e.Sym)) {
				out.Calls[s] = append(out.Calls[s], e)
			}
		}
		for _, e := range d.Tokens[s] {
			if useful[e.To] && (live == nil || live(false, e.Sym)) {
				out.Tokens[s] = append(out.Tokens[s], e)
			}
		}
		if len(out.Calls[s]) > 1 {
			slices.SortFunc(out.Calls[s], func(a, b SymEdge) int { return cmp.Compare(a.Sym, b.Sym) })
		}
	}
	return out
}

// Product returns the DFA over pairs of states of a and b (byte edges
// only) whose accepting pairs are those where accept(aAccepts, bAccepts).
// A missing transition is a non-accepting sink; when keepDeadB is false a
// pair whose b side is dead is dropped (intersection), otherwise it goes on
// with b in the sink (difference). It fails with ErrTooLarge beyond
// maxStates pairs. Its columns are the pairs of a's and b's columns that
// some byte maps to.
func Product(a, b *DFA, keepDeadB bool, accept func(aAcc, bAcc bool) bool, maxStates int) (*DFA, error) {
	var class [256]uint8
	pairCol := make([]int16, a.Columns*b.Columns)
	for i := range pairCol {
		pairCol[i] = -1
	}
	var ca, cb []int // the columns of a and b of each product column
	for x := range 256 {
		k := int(a.Class[x])*b.Columns + int(b.Class[x])
		if pairCol[k] < 0 {
			pairCol[k] = int16(len(ca))
			ca, cb = append(ca, int(a.Class[x])), append(cb, int(b.Class[x]))
		}
		class[x] = uint8(pairCol[k])
	}
	cols := len(ca)
	type pair struct{ x, y int32 }
	out := NewDFA(class, cols)
	ids := map[pair]int32{}
	var queue []pair
	visit := func(p pair) (int32, error) {
		if id, ok := ids[p]; ok {
			return id, nil
		}
		if len(ids) >= maxStates {
			return 0, fmt.Errorf("%w: product automaton exceeds %d states", ErrTooLarge, maxStates)
		}
		id := out.addState()
		ids[p] = id
		bAcc := p.y != Dead && b.Accept[p.y]
		out.Accept[id] = accept(a.Accept[p.x], bAcc)
		queue = append(queue, p)
		return id, nil
	}
	if _, err := visit(pair{0, 0}); err != nil {
		return nil, err
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		id := ids[p]
		for c := range cols {
			x := a.Trans[int(p.x)*a.Columns+ca[c]]
			if x == Dead {
				continue
			}
			y := Dead
			if p.y != Dead {
				y = b.Trans[int(p.y)*b.Columns+cb[c]]
			}
			if y == Dead && !keepDeadB {
				continue
			}
			t, err := visit(pair{x, y})
			if err != nil {
				return nil, err
			}
			out.Trans[int(id)*cols+c] = t
		}
	}
	return out, nil
}
