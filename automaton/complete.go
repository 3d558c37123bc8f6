package automaton

import (
	"container/heap"
	"math"
	"runtime"
	"sync"
	"weak"
)

// NoCompletion is what CompletionCost returns when the root rule cannot be
// completed from the current set (never the case for a parser whose last
// Push succeeded on a program with trimmed DFAs).
const NoCompletion = math.MaxInt

// costInf is the internal "unreachable" distance; sums saturate at it.
const costInf = math.MaxInt / 4

func addCost(a, b int) int {
	if a >= costInf || b >= costInf || a+b >= costInf {
		return costInf
	}
	return a + b
}

func mulCost(a, k int) int {
	if k <= 0 || a == 0 {
		return 0
	}
	if a >= costInf || a > costInf/k {
		return costInf
	}
	return a * k
}

// completion holds the per-Program distances that CompletionCost uses.
type completion struct {
	// dist[s] is the minimal number of bytes that take state s to an
	// accepting state of its rule's DFA (one iteration, for a counted
	// repetition). A call edge costs the callee's minLen, a token edge 1.
	dist []int
	// minLen[r] is the length of the shortest string rule r derives.
	minLen []int
}

type completionEntry struct {
	once sync.Once
	c    *completion
}

// completions caches one table per Program. Keys are weak pointers so that
// the cache does not keep programs alive; a cleanup removes the entry when
// its program is collected. Values never point to their Program.
var completions sync.Map // weak.Pointer[Program] -> *completionEntry

func (p *Program) completion() *completion {
	key := weak.Make(p)
	v, ok := completions.Load(key)
	if !ok {
		var loaded bool
		v, loaded = completions.LoadOrStore(key, &completionEntry{})
		if !loaded {
			runtime.AddCleanup(p, func(k weak.Pointer[Program]) { completions.Delete(k) }, key)
		}
	}
	e := v.(*completionEntry)
	e.once.Do(func() { e.c = computeCompletion(p) })
	return e.c
}

// computeCompletion solves the distance equations
//
//	dist[s]   = 0 if s accepts, else min over edges of
//	            1 + dist[t]               (byte or token edge s → t)
//	            minLen[r] + dist[t]       (call edge s -r→ t)
//	minLen[r] = dist[start(r)]            (Min × dist[start(r)] for X{Min,Max})
//
// by label correction with a priority queue (Knuth's generalization of
// Dijkstra's algorithm to these superior functions): every update only
// lowers a value, and a lowered value re-relaxes its predecessors.
func computeCompletion(p *Program) *completion {
	n := p.NumStates()
	c := &completion{dist: make([]int, n), minLen: make([]int, len(p.Rules))}
	for s := range c.dist {
		c.dist[s] = costInf
	}
	for r := range c.minLen {
		c.minLen[r] = costInf
	}
	// Reverse edges. predOff/pred: byte and token predecessors with cost 1
	// (deduplicated per source state); callPred: call edges (s, to) by
	// the target to; callers: call edges by callee rule.
	type callEdge struct {
		from, to StateID
		rule     int32
	}
	var calls []callEdge
	bytePred := make([][]StateID, n)
	callByTo := make([][]int32, n) // indexes into calls
	callByRule := make([][]int32, len(p.Rules))
	seen := make([]StateID, n)
	for i := range seen {
		seen[i] = -1
	}
	for s := range n {
		from := StateID(s)
		for cls := 0; cls < p.NumClasses; cls++ {
			if t := p.next[s*p.NumClasses+cls]; t != Dead && seen[t] != from {
				seen[t] = from
				bytePred[t] = append(bytePred[t], from)
			}
		}
		for _, e := range p.Tokens(from) {
			if seen[e.To] != from {
				seen[e.To] = from
				bytePred[e.To] = append(bytePred[e.To], from)
			}
		}
		for _, e := range p.Calls(from) {
			i := int32(len(calls))
			calls = append(calls, callEdge{from, e.To, e.Sym})
			callByTo[e.To] = append(callByTo[e.To], i)
			callByRule[e.Sym] = append(callByRule[e.Sym], i)
		}
	}
	q := &costHeap{}
	lower := func(s StateID, d int) {
		if d < c.dist[s] {
			c.dist[s] = d
			heap.Push(q, costItem{s, d})
		}
	}
	for s := range n {
		if p.accept[s] {
			lower(StateID(s), 0)
		}
	}
	ruleLen := func(r int32) int {
		rule := &p.Rules[r]
		d := c.dist[rule.Start]
		if rule.Repeat {
			if rule.Min <= 0 {
				return 0
			}
			return mulCost(d, rule.Min)
		}
		return d
	}
	for q.Len() > 0 {
		it := heap.Pop(q).(costItem)
		s := it.s
		if it.d != c.dist[s] {
			continue // stale
		}
		d := c.dist[s]
		for _, from := range bytePred[s] {
			lower(from, addCost(1, d))
		}
		for _, ci := range callByTo[s] {
			e := calls[ci]
			lower(e.from, addCost(c.minLen[e.rule], d))
		}
		// s may be a rule's start state: its length changes the cost of
		// every call edge to the rule.
		r := p.stateRule[s]
		if p.Rules[r].Start == s {
			if l := ruleLen(r); l < c.minLen[r] {
				c.minLen[r] = l
				for _, ci := range callByRule[r] {
					e := calls[ci]
					lower(e.from, addCost(l, c.dist[e.to]))
				}
			}
		}
	}
	return c
}

type costItem struct {
	s StateID
	d int
}

type costHeap []costItem

func (h costHeap) Len() int           { return len(h) }
func (h costHeap) Less(i, j int) bool { return h[i].d < h[j].d }
func (h costHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *costHeap) Push(x any)        { *h = append(*h, x.(costItem)) }
func (h *costHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// itemCost is the minimal number of bytes that complete the rule of item
// it, counting the iterations a counted repetition still needs.
func (c *completion) itemCost(p *Program, it Item) int {
	d := c.dist[it.State]
	r := &p.Rules[p.stateRule[it.State]]
	if r.Repeat {
		// The current iteration is number Param+1; Min-Param-1 more follow.
		if more := r.Min - int(it.Param) - 1; more > 0 {
			d = addCost(d, mulCost(c.dist[r.Start], more))
		}
	}
	return d
}

// MinLength returns the length in bytes of the shortest string that rule r
// derives (token edges count 1), or NoCompletion when it derives none.
func (p *Program) MinLength(r int32) int {
	l := p.completion().minLen[r]
	if l >= costInf {
		return NoCompletion
	}
	return l
}

// CompletionCost returns the minimal number of bytes (a token edge counts
// 1) that must still be consumed before the root rule can complete, so 0
// exactly when CanStop. It is Earley-aware: an item's cost is its distance
// to the end of its rule plus the cost of completing, in turn, the rules
// waiting on it, found through the item's origin set:
//
//	up(i, r) = min over items W of set i with a call edge W.State -r→ t of
//	           cost(t, W) + up(W.Origin, rule(W)),     and up(0, root) = 0
//
// memoized per set within one call. It returns NoCompletion when the root
// cannot be completed. The per-state distances are computed once per
// Program and cached.
func (ps *Parser) CompletionCost() int {
	c := ps.p.completion()
	memo := map[uint32][]int{}
	best := costInf
	for _, it := range ps.Items() {
		d := c.itemCost(ps.p, it)
		if d >= best {
			continue
		}
		best = min(best, addCost(d, ps.up(c, memo, it.Origin, ps.p.stateRule[it.State])))
	}
	if best >= costInf {
		return NoCompletion
	}
	return best
}

// up returns the cost of completing the parse once rule r, entered at set
// origin, completes.
func (ps *Parser) up(c *completion, memo map[uint32][]int, origin uint32, r int32) int {
	if origin == Sentinel {
		return 0 // a detached parse ends when its seed's rule completes
	}
	if int(origin) >= len(ps.starts) {
		return costInf
	}
	return ps.upTable(c, memo, origin)[r]
}

// upTable computes up(i, r) for every rule r. Items of set i with origin
// i link rules of the same set, with non-negative costs, so the table is
// the fixpoint of a small Bellman-Ford relaxation seeded from the earlier
// sets (which are solved recursively: origins only point back).
func (ps *Parser) upTable(c *completion, memo map[uint32][]int, i uint32) []int {
	if t, ok := memo[i]; ok {
		return t
	}
	p := ps.p
	t := make([]int, len(p.Rules))
	for r := range t {
		t[r] = costInf
	}
	memo[i] = t // not read before it is complete: origins of set i are <= i
	if i == 0 {
		t[p.Root] = 0
	}
	items := ps.SetItems(int(i))
	type link struct {
		callee, caller int32
		cost           int
	}
	var local []link
	for _, w := range items {
		calls := p.Calls(w.State)
		if len(calls) == 0 {
			continue
		}
		caller := p.stateRule[w.State]
		var above int
		if w.Origin != i {
			above = ps.up(c, memo, w.Origin, caller)
		}
		for _, e := range calls {
			after := c.itemCost(p, Item{e.To, w.Origin, w.Param})
			if w.Origin == i {
				local = append(local, link{e.Sym, caller, after})
				continue
			}
			if v := addCost(after, above); v < t[e.Sym] {
				t[e.Sym] = v
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, l := range local {
			if v := addCost(l.cost, t[l.caller]); v < t[l.callee] {
				t[l.callee] = v
				changed = true
			}
		}
	}
	return t
}
