package automaton

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
)

// Dead is the transition target meaning "no transition".
const Dead int32 = -1

// DFA is a deterministic automaton for one rule body: byte transitions in a
// dense table, plus call and token edges (at most one target per symbol).
// State 0 is the start state.
type DFA struct {
	Next   [][256]int32
	Calls  [][]SymEdge // sorted by Sym
	Tokens [][]SymEdge // sorted by Sym
	Accept []bool
}

// Len is the number of states.
func (d *DFA) Len() int { return len(d.Next) }

func (d *DFA) addState() int32 {
	var row [256]int32
	for i := range row {
		row[i] = Dead
	}
	d.Next = append(d.Next, row)
	d.Calls = append(d.Calls, nil)
	d.Tokens = append(d.Tokens, nil)
	d.Accept = append(d.Accept, false)
	return int32(len(d.Next) - 1)
}

// Determinize builds a DFA from n by subset construction, with start and
// accept the NFA's start and accepting states. It fails with ErrTooLarge
// beyond maxStates DFA states.
func Determinize(n *NFA, start, accept int32, maxStates int) (*DFA, error) {
	// Room for about as many states as the NFA has (the usual size for
	// rule bodies), so the 1 KiB rows are rarely copied by growth.
	c := min(len(n.states), maxStates, 4096)
	d := &DFA{Next: make([][256]int32, 0, c), Calls: make([][]SymEdge, 0, c), Tokens: make([][]SymEdge, 0, c), Accept: make([]bool, 0, c)}
	ids := map[string]int32{}
	var sets [][]int32
	seen := make([]uint32, len(n.states))
	gen := uint32(0)
	closure := func(seeds []int32) []int32 {
		gen++
		var out []int32
		stack := append([]int32(nil), seeds...)
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
	key := func(set []int32) string {
		b := make([]byte, 4*len(set))
		for i, s := range set {
			binary.LittleEndian.PutUint32(b[4*i:], uint32(s))
		}
		return string(b)
	}
	intern := func(set []int32) (int32, error) {
		k := key(set)
		if id, ok := ids[k]; ok {
			return id, nil
		}
		if len(sets) >= maxStates {
			return 0, fmt.Errorf("%w: DFA exceeds %d states", ErrTooLarge, maxStates)
		}
		id := d.addState()
		ids[k] = id
		sets = append(sets, set)
		d.Accept[id] = slices.Contains(set, accept)
		return id, nil
	}
	if _, err := intern(closure([]int32{start})); err != nil {
		return nil, err
	}
	var buckets [256][]int32
	for i := 0; i < len(sets); i++ {
		set := sets[i]
		for b := range buckets {
			buckets[b] = buckets[b][:0]
		}
		symTargets := map[int32][]int32{}
		tokTargets := map[int32][]int32{}
		for _, s := range set {
			st := &n.states[s]
			for _, e := range st.bytes {
				for b := int(e.lo); b <= int(e.hi); b++ {
					buckets[b] = append(buckets[b], e.to)
				}
			}
			for _, e := range st.calls {
				symTargets[e.Sym] = append(symTargets[e.Sym], e.To)
			}
			for _, e := range st.tokens {
				tokTargets[e.Sym] = append(tokTargets[e.Sym], e.To)
			}
		}
		memo := map[string]int32{}
		for b := range 256 {
			if len(buckets[b]) == 0 {
				continue
			}
			if b > 0 && slices.Equal(buckets[b], buckets[b-1]) {
				// A run of bytes with the same targets (a byte range).
				d.Next[i][b] = d.Next[i][b-1]
				continue
			}
			k := key(buckets[b])
			id, ok := memo[k]
			if !ok {
				var err error
				if id, err = intern(closure(buckets[b])); err != nil {
					return nil, err
				}
				memo[k] = id
			}
			d.Next[i][b] = id
		}
		for k, targets := range []map[int32][]int32{symTargets, tokTargets} {
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

// Minimize returns the minimal DFA equivalent to d (Moore's partition
// refinement) with states that cannot reach an accepting state removed and
// states renumbered in breadth-first order from the start. live reports
// whether a call or token symbol can match at all; edges on dead symbols
// are dropped. It returns nil when the language is empty.
func (d *DFA) Minimize(live func(call bool, sym int32) bool) *DFA {
	d = d.trim(live)
	if d == nil {
		return nil
	}
	class, numClasses := d.equivalence()
	// Build the quotient, numbering classes in BFS order from the start.
	order := make([]int32, numClasses)
	for i := range order {
		order[i] = -1
	}
	rep := make([]int32, numClasses)
	out := &DFA{Next: make([][256]int32, 0, numClasses), Calls: make([][]SymEdge, 0, numClasses),
		Tokens: make([][]SymEdge, 0, numClasses), Accept: make([]bool, 0, numClasses)}
	queue := []int32{0}
	order[class[0]] = out.addState()
	rep[class[0]] = 0
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		id := order[class[s]]
		visit := func(t int32) int32 {
			c := class[t]
			if order[c] < 0 {
				order[c] = out.addState()
				rep[c] = t
				queue = append(queue, t)
			}
			return order[c]
		}
		out.Accept[id] = d.Accept[s]
		for b := range 256 {
			if t := d.Next[s][b]; t != Dead {
				out.Next[id][b] = visit(t)
			}
		}
		for _, e := range d.Calls[s] {
			out.Calls[id] = append(out.Calls[id], SymEdge{e.Sym, visit(e.To)})
		}
		for _, e := range d.Tokens[s] {
			out.Tokens[id] = append(out.Tokens[id], SymEdge{e.Sym, visit(e.To)})
		}
	}
	return out
}

// trim removes states that cannot reach an accepting state and edges on
// dead symbols. It returns nil if the start state is removed.
func (d *DFA) trim(live func(call bool, sym int32) bool) *DFA {
	n := d.Len()
	// Reverse reachability from accepting states.
	rev := make([][]int32, n)
	for s := range n {
		last := Dead // runs of bytes to the same target add one edge
		for b := range 256 {
			if t := d.Next[s][b]; t != Dead && t != last {
				rev[t] = append(rev[t], int32(s))
				last = t
			}
		}
		for _, e := range d.Calls[s] {
			if live == nil || live(true, e.Sym) {
				rev[e.To] = append(rev[e.To], int32(s))
			}
		}
		for _, e := range d.Tokens[s] {
			if live == nil || live(false, e.Sym) {
				rev[e.To] = append(rev[e.To], int32(s))
			}
		}
	}
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
		for _, p := range rev[s] {
			if !useful[p] {
				useful[p] = true
				stack = append(stack, p)
			}
		}
	}
	if !useful[0] {
		return nil
	}
	out := &DFA{Next: make([][256]int32, n), Calls: make([][]SymEdge, n), Tokens: make([][]SymEdge, n), Accept: make([]bool, n)}
	copy(out.Accept, d.Accept)
	for s := range n {
		row := &out.Next[s]
		*row = d.Next[s]
		for b, t := range row {
			if t != Dead && !useful[t] {
				row[b] = Dead
			}
		}
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
// maxStates pairs.
func Product(a, b *DFA, keepDeadB bool, accept func(aAcc, bAcc bool) bool, maxStates int) (*DFA, error) {
	type pair struct{ x, y int32 }
	out := &DFA{}
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
		for c := range 256 {
			x := a.Next[p.x][c]
			if x == Dead {
				continue
			}
			y := Dead
			if p.y != Dead {
				y = b.Next[p.y][c]
			}
			if y == Dead && !keepDeadB {
				continue
			}
			t, err := visit(pair{x, y})
			if err != nil {
				return nil, err
			}
			out.Next[id][c] = t
		}
	}
	return out, nil
}
