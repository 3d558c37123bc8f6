package automaton

import (
	"container/heap"
	"math"
	"math/bits"
	"runtime"
	"sort"
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
	// permOf[s] indexes perms for a state of a permutation rule with
	// guarded call edges (the states after Open), or is -1. Such a
	// state's distance depends on the item's Param (the members seen):
	// dist[s] holds it for Param 0, itemCost computes it for others.
	permOf []int32
	perms  []permState
}

// permState is a state of a permutation rule with guarded call edges.
type permState struct {
	s     StateID
	edges []permEdge
	fast  *permFast // set once the distances are final
}

// permFast is a permutation state's costs, precomputed from the final
// distances for permCost.
type permFast struct {
	guard     *Guard     // of any member looping on the state (nil: no loop)
	bitCost   []int      // per member bit: the cheapest looping member call
	extra     int        // the cheapest looping extra member call
	closeCost int        // the cheapest close call and what follows it
	optional  []permOpt  // looping optional members by cost
	exits     []permEdge // member calls to another state
	exitCost  []int      // their callees' lengths
	closes    []permEdge // close calls
}

type permOpt struct {
	bit  int
	cost int
}

type permEdge struct {
	rule  int32
	to    StateID
	guard *Guard
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
	c := &completion{dist: make([]int, n), minLen: make([]int, len(p.Rules)), permOf: make([]int32, n)}
	for s := range c.dist {
		c.dist[s] = costInf
		c.permOf[s] = -1
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
			if g := p.Rules[e.Sym].Guard; g != nil {
				if c.permOf[s] < 0 {
					c.permOf[s] = int32(len(c.perms))
					c.perms = append(c.perms, permState{s: from})
				}
				ps := &c.perms[c.permOf[s]]
				ps.edges = append(ps.edges, permEdge{e.Sym, e.To, g})
				continue
			}
			i := int32(len(calls))
			calls = append(calls, callEdge{from, e.To, e.Sym})
			callByTo[e.To] = append(callByTo[e.To], i)
			callByRule[e.Sym] = append(callByRule[e.Sym], i)
		}
	}
	// Permutation states depend on the lengths of their guarded callees
	// and the distances of their targets; each is re-evaluated (for
	// Param 0), together with the other permutation states of its rule
	// (a state after Open looks through the state after a member), when
	// one of those lowers.
	permByRule := make([][]int32, len(p.Rules)) // perm rule -> its perm states
	depByRule := map[int32][]int32{}            // guarded callee -> perm rules
	depByTo := map[StateID][]int32{}            // target state -> perm rules
	for i := range c.perms {
		pr := p.stateRule[c.perms[i].s]
		permByRule[pr] = append(permByRule[pr], int32(i))
		for _, e := range c.perms[i].edges {
			depByRule[e.rule] = append(depByRule[e.rule], pr)
			depByTo[e.to] = append(depByTo[e.to], pr)
		}
	}
	q := &costHeap{}
	var lower func(s StateID, d int)
	refresh := func(rules []int32) {
		for _, pr := range rules {
			for _, i := range permByRule[pr] {
				lower(c.perms[i].s, c.permCost(i, 0, 0))
			}
		}
	}
	lower = func(s StateID, d int) {
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
		refresh(depByTo[s])
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
				refresh(depByRule[r])
			}
		}
	}
	for i := range c.perms {
		c.perms[i].fast = c.permTables(int32(i))
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
	if i := c.permOf[it.State]; i >= 0 {
		if it.Param == 0 {
			return c.dist[it.State] // computed for Param 0
		}
		return c.permCost(i, it.Param, 0)
	}
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

// CheapestByte returns the byte, among those ok allows, after which the
// completion cost is smallest, and that cost; -1 and NoCompletion when no
// allowed byte can be pushed. Ties go to the lowest byte. The parser is
// left as it was.
func (ps *Parser) CheapestByte(ok func(b byte) bool) (int, int) {
	next := ps.NextBytes()
	best, bestCost := -1, NoCompletion
	for b := range 256 {
		if !next.Has(byte(b)) || !ok(byte(b)) || !ps.Push(byte(b)) {
			continue
		}
		cost := ps.CompletionCost() // the sets below are solved once (Parser.up)
		ps.Pop()
		if cost < bestCost {
			best, bestCost = b, cost
		}
	}
	return best, bestCost
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
// memoized per set on the parser (Parser.up: a set never changes, and
// the tables of popped sets are dropped), so a call solves only the sets
// pushed since the last one. It returns NoCompletion when the root
// cannot be completed. The per-state distances are computed once per
// Program and cached.
func (ps *Parser) CompletionCost() int {
	c := ps.p.completion()
	best := costInf
	for _, it := range ps.Items() {
		d := c.itemCost(ps.p, it)
		if d >= best {
			continue
		}
		best = min(best, addCost(d, ps.upCost(c, it.Origin, ps.p.stateRule[it.State])))
	}
	if best >= costInf {
		return NoCompletion
	}
	return best
}

// upSlot is a set's solved upTable (ok), kept by the parser.
type upSlot struct {
	t  upTable
	ok bool
}

// cutUp forgets the solved tables of sets n and above (their sets were
// popped or replaced).
func (ps *Parser) cutUp(n int) {
	if len(ps.up) > n {
		ps.up = ps.up[:n]
	}
}

// upTable holds up(i, r) for the rules r called from set i (a sparse
// table: a set calls few rules, while a program may have thousands).
type upTable []upEntry

type upEntry struct {
	rule int32
	cost int
}

func (t upTable) get(r int32) int {
	for _, e := range t {
		if e.rule == r {
			return e.cost
		}
	}
	return costInf
}

// lower sets t[r] to v if that is lower, reporting whether it did.
func (t *upTable) lower(r int32, v int) bool {
	for k := range *t {
		if e := &(*t)[k]; e.rule == r {
			if v < e.cost {
				e.cost = v
				return true
			}
			return false
		}
	}
	if v >= costInf {
		return false
	}
	*t = append(*t, upEntry{r, v})
	return true
}

// up returns the cost of completing the parse once rule r, entered at set
// origin, completes.
func (ps *Parser) upCost(c *completion, origin uint32, r int32) int {
	if origin == Sentinel {
		return 0 // a detached parse ends when its seed's rule completes
	}
	if int(origin) >= len(ps.starts) {
		return costInf
	}
	return ps.upTable(c, origin).get(r)
}

// upTable computes up(i, r) for the rules r called from set i. Items of
// set i with origin i link rules of the same set, with non-negative costs,
// so the table is the fixpoint of a small Bellman-Ford relaxation seeded
// from the earlier sets (which are solved recursively: origins only point
// back).
func (ps *Parser) upTable(c *completion, i uint32) upTable {
	for int(i) >= len(ps.up) {
		ps.up = append(ps.up, upSlot{})
	}
	if s := ps.up[i]; s.ok {
		return s.t
	}
	p := ps.p
	var t upTable
	ps.up[i] = upSlot{ok: true} // not read before it is complete: origins of set i are <= i
	if i == 0 {
		t.lower(p.Root, 0)
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
			above = ps.upCost(c, w.Origin, caller)
		}
		for _, e := range calls {
			param := w.Param
			if g := p.Rules[e.Sym].Guard; g != nil {
				if !g.Allows(param) {
					continue // this caller may not take the member
				}
				param = g.Apply(param)
			}
			after := c.itemCost(p, Item{e.To, w.Origin, param})
			if w.Origin == i {
				local = append(local, link{e.Sym, caller, after})
				continue
			}
			t.lower(e.Sym, addCost(after, above))
		}
	}
	for changed := true; changed; {
		changed = false
		for _, l := range local {
			if t.lower(l.callee, addCost(l.cost, t.get(l.caller))) {
				changed = true
			}
		}
	}
	ps.up[i] = upSlot{t: t, ok: true}
	return t
}

// permCost is the exact number of bytes that complete a permutation rule
// from its state c.perms[i] when the item's Param is param (the members
// seen and their count). The permutation's states after Open loop on
// member calls (state s2: each member's rule includes the separator) or
// lead to such a loop after a first member (state s1); both may call the
// closing rule once every required member is in and Min is reached. From
// a looping state the cheapest way out adds exactly the required members
// still missing, then the cheapest optional members (each at most once)
// or repeatable extras until Min is reached, then closes; a state that
// leads to a loop tries each allowed first member. The guards keep the
// count under Max on every path the parser can take.
func (c *completion) permCost(i int32, param uint64, depth int) int {
	ps := &c.perms[i]
	f := ps.fast
	if f == nil {
		f = c.permTables(i) // while the distances are being computed
	}
	best := costInf
	for _, e := range f.closes {
		if e.guard.Allows(param) {
			best = min(best, addCost(c.minLen[e.rule], c.dist[e.to]))
		}
	}
	for k, e := range f.exits {
		g := e.guard
		if !g.Allows(param) {
			continue
		}
		if j := c.permOf[e.to]; depth < 2 && j >= 0 {
			best = min(best, addCost(f.exitCost[k], c.permCost(j, g.Apply(param), depth+1)))
		} else {
			best = min(best, addCost(f.exitCost[k], c.dist[e.to]))
		}
	}
	g := f.guard
	if g == nil || f.closeCost >= costInf {
		return best
	}
	// Looping: add the required members still missing, then the cheapest
	// optional ones or extras up to Min, then close.
	seen := param & (1<<permCountShift - 1)
	n := PermCount(param)
	missing := g.Required &^ seen
	total := f.closeCost
	k := 0
	for m := missing; m != 0 && total < costInf; m &= m - 1 {
		total = addCost(total, f.bitCost[bits.TrailingZeros64(m)])
		k++
	}
	need := max(g.Min-n-k, 0)
	for j, o := 0, 0; j < need && total < costInf; j++ {
		for o < len(f.optional) && seen&(1<<f.optional[o].bit) != 0 {
			o++
		}
		next := f.extra
		if o < len(f.optional) && f.optional[o].cost <= next {
			next = f.optional[o].cost
			o++
		}
		total = addCost(total, next)
	}
	if g.Max >= 0 && n+k+need > g.Max {
		total = costInf
	}
	return min(best, total)
}

// permTables precomputes permutation state i's costs from the current
// distances.
func (c *completion) permTables(i int32) *permFast {
	ps := &c.perms[i]
	f := &permFast{extra: costInf, closeCost: costInf}
	for _, e := range ps.edges {
		l := c.minLen[e.rule]
		switch {
		case e.guard.Close:
			f.closes = append(f.closes, e)
			f.closeCost = min(f.closeCost, addCost(l, c.dist[e.to]))
		case e.to == ps.s:
			if f.guard == nil {
				f.guard = e.guard
				f.bitCost = make([]int, MaxPermMembers)
				for b := range f.bitCost {
					f.bitCost[b] = costInf
				}
			}
			if b := e.guard.Bit; b >= 0 {
				f.bitCost[b] = min(f.bitCost[b], l)
			} else {
				f.extra = min(f.extra, l)
			}
		default:
			f.exits = append(f.exits, e)
			f.exitCost = append(f.exitCost, l)
		}
	}
	if f.guard != nil {
		for b, l := range f.bitCost {
			if l < costInf && f.guard.Required&(1<<b) == 0 {
				f.optional = append(f.optional, permOpt{b, l})
			}
		}
		sort.Slice(f.optional, func(a, b int) bool { return f.optional[a].cost < f.optional[b].cost })
	}
	return f
}
