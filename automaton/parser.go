package automaton

// Item is an Earley item: a position in a rule's DFA (State), the set where
// the rule was entered (Origin) and a small per-frame parameter (Param).
// For counted repetitions Param is the number of completed iterations; for
// permutation rules it holds the members already seen and their count (see
// Guard); other rules keep it 0.
type Item struct {
	State  StateID
	Origin uint32
	Param  uint64
}

// Sentinel is the Origin of the seed item of a detached parse (see Seed):
// completing that item's rule is recorded as an escape instead of being
// looked up in an earlier set.
const Sentinel = ^uint32(0)

// Parser is an Earley recognizer over a Program's rule DFAs, one set per
// consumed byte. Push adds a set, Pop removes the last one, so walking a
// token trie and rolling back are cheap. A Parser is not safe for
// concurrent use; the Program it runs is.
//
// Earley handles every context-free grammar, ambiguous and left-recursive
// ones included, in polynomial time: sets deduplicate items, so ambiguity
// never multiplies stacks.
type Parser struct {
	p      *Program
	items  []Item
	starts []uint32 // set i is items[starts[i]:end(i)]
	esc    []bool   // esc[i]: the seed's rule completed within set i
	dedup  map[Item]struct{}
	dedupS int // the set whose items dedup holds, or -1
	shared bool
	up     []upSlot // CompletionCost's solved tables, by set; cut with the sets

	// Distinct keys (Program.HasKeys; see keys.go).
	text     []byte   // text[i] is the byte that made set i+1 (0 for a token edge)
	recs     []KeyRec // keys completed, in set order
	keyBuf   []byte   // the decoded keys of recs
	distinct bool     // reject a Key completion that repeats a key of its scope
	dec      []byte   // scratch: the key being checked
	drop     []int    // scratch: items of the current set rejected as repeated keys
}

const linearDedup = 24

// NewParser returns a parser at the start of p's root rule.
func NewParser(p *Program) *Parser {
	ps := &Parser{p: p, dedupS: -1, distinct: p.hasKeys}
	ps.Reset()
	return ps
}

// Reset returns to the start of the root rule.
func (ps *Parser) Reset() {
	ps.Seed(Item{State: ps.p.Rules[ps.p.Root].Start, Origin: 0})
}

// Seed discards all sets and starts a parse whose first set is the closure
// of the single item it. With Origin Sentinel the parse is detached from
// any context: completing it's rule sets Escaped instead.
func (ps *Parser) Seed(it Item) {
	ps.own()
	ps.items = ps.items[:0]
	ps.starts = append(ps.starts[:0], 0)
	ps.cutUp(0)
	ps.esc = append(ps.esc[:0], false)
	ps.dedupS = -1
	ps.text, ps.recs, ps.keyBuf = ps.text[:0], ps.recs[:0], ps.keyBuf[:0]
	ps.add(it)
	ps.closure(0)
}

// Program returns the program the parser runs.
func (ps *Parser) Program() *Program { return ps.p }

// Len is the number of sets (bytes consumed + 1).
func (ps *Parser) Len() int { return len(ps.starts) }

// Items returns the items of the current (last) set. The slice is only
// valid until the next Push, Pop or Seed.
func (ps *Parser) Items() []Item { return ps.items[ps.starts[len(ps.starts)-1]:] }

// SetItems returns the items of set i.
func (ps *Parser) SetItems(i int) []Item {
	end := uint32(len(ps.items))
	if i+1 < len(ps.starts) {
		end = ps.starts[i+1]
	}
	return ps.items[ps.starts[i]:end]
}

// Escaped reports whether the seed item's rule completed in the current set.
func (ps *Parser) Escaped() bool { return ps.esc[len(ps.esc)-1] }

// Push consumes byte b. It reports false, and changes nothing, if no item
// can scan b.
func (ps *Parser) Push(b byte) bool {
	p := ps.p
	cls := int(p.ByteClass[b])
	cur := ps.starts[len(ps.starts)-1]
	end := uint32(len(ps.items))
	// Fast path: one item moving to a state that neither completes nor
	// calls (the inside of a string or number) needs no closure. (A quote
	// may close a key, which takes the slow path's check.)
	if end-cur == 1 && !ps.shared && !(b == '"' && p.hasKeys) {
		it := ps.items[cur]
		t := p.next[int(it.State)*p.NumClasses+cls]
		if t == Dead {
			return false
		}
		if !p.accept[t] && p.callIdx[t] == p.callIdx[t+1] {
			ps.starts = append(ps.starts, end)
			ps.esc = append(ps.esc, false)
			ps.items = append(ps.items, Item{t, it.Origin, it.Param})
			if p.hasKeys {
				ps.text = append(ps.text, b)
			}
			return true
		}
	}
	// Fast check before touching the sets.
	any := false
	for i := cur; i < end; i++ {
		if p.next[int(ps.items[i].State)*p.NumClasses+cls] != Dead {
			any = true
			break
		}
	}
	if !any {
		return false
	}
	ps.own()
	ps.starts = append(ps.starts, end)
	ps.esc = append(ps.esc, false)
	if p.hasKeys {
		ps.text = append(ps.text, b)
	}
	for i := cur; i < end; i++ {
		it := ps.items[i]
		if t := p.next[int(it.State)*p.NumClasses+cls]; t != Dead {
			ps.add(Item{t, it.Origin, it.Param})
		}
	}
	ps.closure(int(end))
	if b == '"' && p.hasKeys && ps.distinct {
		ps.closeKeys(int(end))
	}
	if !ps.dropRepeated() {
		ps.Pop()
		return false
	}
	return true
}

// PushItems adds a set made of the given items (already advanced over a
// token edge) and their closure. It reports false if items is empty.
func (ps *Parser) PushItems(items []Item) bool {
	if len(items) == 0 {
		return false
	}
	end := ps.openSet()
	for _, it := range items {
		ps.add(it)
	}
	ps.closure(int(end))
	return true
}

// openSet starts an empty set that consumed no byte and returns where its
// items begin.
func (ps *Parser) openSet() uint32 {
	ps.own()
	end := uint32(len(ps.items))
	ps.starts = append(ps.starts, end)
	ps.esc = append(ps.esc, false)
	if ps.p.hasKeys {
		ps.text = append(ps.text, 0)
	}
	return end
}

// PushCompletion adds a set made of the items of set origin that wait on
// rule ri, advanced over it (what completing an instance of ri that
// started at origin does, guards checked), and their closure: the parse
// as it goes on after ri ends there. It reports false, and changes
// nothing, when no item waits (origin Sentinel included).
func (ps *Parser) PushCompletion(ri int32, origin uint32) bool {
	if origin == Sentinel || int(origin) >= len(ps.starts) {
		return false
	}
	end := ps.openSet()
	ps.complete(ri, origin, uint32(len(ps.starts)-1))
	if uint32(len(ps.items)) == end {
		ps.Pop()
		return false
	}
	ps.closure(int(end))
	return true
}

// MergeItems adds items to the current set and closes it again.
func (ps *Parser) MergeItems(items []Item) {
	ps.own()
	from := len(ps.items)
	for _, it := range items {
		ps.add(it)
	}
	ps.closure(from)
}

// TokenAdvances appends to dst the items that the current set reaches over
// a token edge whose set satisfies match.
func (ps *Parser) TokenAdvances(dst []Item, match func(set int32) bool) []Item {
	for _, it := range ps.Items() {
		for _, e := range ps.p.Tokens(it.State) {
			if match(e.Sym) {
				dst = append(dst, Item{e.To, it.Origin, it.Param})
			}
		}
	}
	return dst
}

// Pop removes the last set. The first set is never removed.
func (ps *Parser) Pop() {
	if n := len(ps.starts); n > 1 {
		if ps.shared {
			ps.own()
		}
		ps.items = ps.items[:ps.starts[n-1]]
		ps.starts = ps.starts[:n-1]
		ps.esc = ps.esc[:n-1]
		ps.cutUp(n - 1)
		if ps.p.hasKeys {
			ps.cutKeys(n - 1)
		}
		if ps.dedupS >= n-1 {
			ps.dedupS = -1
		}
	}
}

// Truncate pops sets until Len() == n.
func (ps *Parser) Truncate(n int) {
	n = max(n, 1)
	if len(ps.starts) <= n {
		return
	}
	if ps.shared {
		ps.own()
	}
	ps.items = ps.items[:ps.starts[n]]
	ps.starts = ps.starts[:n]
	ps.esc = ps.esc[:n]
	ps.cutUp(n)
	if ps.p.hasKeys {
		ps.cutKeys(n)
	}
	if ps.dedupS >= n {
		ps.dedupS = -1
	}
}

// CanStop reports whether the root rule is complete at the current set.
func (ps *Parser) CanStop() bool {
	p := ps.p
	for _, it := range ps.Items() {
		if it.Origin == 0 && p.accept[it.State] && p.stateRule[it.State] == p.Root {
			return true
		}
	}
	return false
}

// NextBytes returns the set of bytes that Push would accept.
func (ps *Parser) NextBytes() ByteSet {
	var s ByteSet
	for _, it := range ps.Items() {
		s.Union(&ps.p.firstByte[it.State])
	}
	return s
}

// Fork returns a parser with the same sets. The sets are shared until one
// of the two parsers changes them (copy on write), so Fork is O(1).
func (ps *Parser) Fork() *Parser {
	ps.shared = true
	return &Parser{p: ps.p, items: ps.items, starts: ps.starts, esc: ps.esc, dedupS: -1, shared: true,
		text: ps.text, recs: ps.recs, keyBuf: ps.keyBuf, distinct: ps.distinct}
}

// own makes the parser's slices private before a write.
func (ps *Parser) own() {
	if !ps.shared {
		return
	}
	ps.items = append(make([]Item, 0, cap(ps.items)), ps.items...)
	ps.starts = append(make([]uint32, 0, cap(ps.starts)), ps.starts...)
	ps.esc = append(make([]bool, 0, cap(ps.esc)), ps.esc...)
	if ps.p.hasKeys {
		ps.text = append(make([]byte, 0, cap(ps.text)), ps.text...)
		ps.recs = append(make([]KeyRec, 0, cap(ps.recs)), ps.recs...)
		ps.keyBuf = append(make([]byte, 0, cap(ps.keyBuf)), ps.keyBuf...)
	}
	ps.shared = false
}

// add appends it to the current set unless it is already there.
func (ps *Parser) add(it Item) {
	set := len(ps.starts) - 1
	start := int(ps.starts[set])
	n := len(ps.items) - start
	if n < linearDedup {
		for _, x := range ps.items[start:] {
			if x == it {
				return
			}
		}
		ps.items = append(ps.items, it)
		return
	}
	if ps.dedupS != set {
		if ps.dedup == nil {
			ps.dedup = make(map[Item]struct{})
		}
		clear(ps.dedup)
		for _, x := range ps.items[start:] {
			ps.dedup[x] = struct{}{}
		}
		ps.dedupS = set
	}
	if _, ok := ps.dedup[it]; ok {
		return
	}
	ps.dedup[it] = struct{}{}
	ps.items = append(ps.items, it)
}

// closure completes and predicts the items of the current set from index
// from on (a worklist over the set itself).
func (ps *Parser) closure(from int) {
	p := ps.p
	set := len(ps.starts) - 1
	cur := uint32(set)
	for i := from; i < len(ps.items); i++ {
		it := ps.items[i]
		st := it.State
		if p.accept[st] {
			ri := p.stateRule[st]
			r := &p.Rules[ri]
			complete := true
			if r.Repeat {
				c := it.Param + 1
				if (r.Max < 0 || int(c) < r.Max) && st != r.Start {
					np := c
					if r.Max < 0 && int(np) > r.Min {
						np = uint64(r.Min)
					}
					ps.add(Item{r.Start, it.Origin, np})
				}
				complete = int(c) >= r.Min
			}
			if complete {
				ps.complete(ri, it.Origin, cur)
			}
		}
		for _, e := range p.calls[p.callIdx[st]:p.callIdx[st+1]] {
			callee := &p.Rules[e.Sym]
			param := it.Param
			if g := callee.Guard; g != nil {
				if !g.Allows(param) {
					continue
				}
				param = g.Apply(param)
			}
			ps.add(Item{callee.Start, cur, 0})
			if callee.Nullable {
				ps.add(Item{e.To, it.Origin, param})
			}
		}
	}
}

// complete advances the items of set origin that wait on rule ri.
func (ps *Parser) complete(ri int32, origin, cur uint32) {
	if origin == Sentinel {
		ps.esc[cur] = true
		return
	}
	p := ps.p
	lo := ps.starts[origin]
	hi := uint32(len(ps.items))
	if origin != cur {
		hi = ps.starts[origin+1]
	}
	g := p.Rules[ri].Guard
	for j := lo; j < hi; j++ {
		w := ps.items[j]
		for _, e := range p.calls[p.callIdx[w.State]:p.callIdx[w.State+1]] {
			if e.Sym != ri {
				continue
			}
			param := w.Param
			if g != nil {
				// The callee's start item is shared by every caller in
				// the set: check each caller's own guard.
				if !g.Allows(param) {
					continue
				}
				param = g.Apply(param)
			}
			ps.add(Item{e.To, w.Origin, param})
		}
	}
}
