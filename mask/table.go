package mask

import (
	"encoding/binary"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/vocab"
)

// Entry is a token in a byte-sorted token list. LCP is the length of the
// common prefix with the previous entry of the same list; the list is a
// token trie in DFS order, flattened.
type Entry struct {
	ID  int32
	LCP int32
	B   []byte
	// Esc: where the item's rule may complete inside the token, so that
	// the context goes on with the rest: bit j set when it completes after
	// B[:j] and B[j] may follow the rule (escBit). The token is accepted
	// exactly when the context accepts B[j:] for one of them.
	Esc uint64
}

// escAny is Esc's bit for completions after 63 bytes or more: the token
// is then walked whole from the item.
const escAny = 1 << 63

// shiftEsc is Esc bits m moved k bytes further into the token.
func shiftEsc(m uint64, k int) uint64 {
	if m&escAny != 0 || bits.Len64(m)+k > 63 {
		return escAny
	}
	return m << k
}

// escBit is Esc's bit for a completion after j bytes.
func escBit(j int) uint64 {
	if j >= 63 {
		return escAny
	}
	return 1 << j
}

// StateMask is the precomputed split of the vocabulary for one kernel
// item: Accepted tokens are allowed whatever the context below, Uncertain
// tokens must be checked against the real parser, all others are rejected.
// Accepted is a bitset when large and a list of ids otherwise.
type StateMask struct {
	AcceptedBits []uint64 // nil when AcceptedIDs is used
	AcceptedIDs  []int32  // ascending
	Uncertain    []Entry
	NumAccepted  int
	took         time.Duration // time to compute
	path         Path          // how it was computed
	parser       bool          // the walk ran the parser somewhere
}

// Path is the way a state mask was computed on first visit.
type Path uint8

const (
	// PathSlice: a precomputed vocabulary slice (JSON string characters,
	// or a counted repetition of them) decided most tokens; the rest of
	// the trie was walked.
	PathSlice Path = iota
	// PathCallee: the masks of called rules decided the tokens they
	// accept alone; the other tokens went through the parser.
	PathCallee
	// PathTrie: the general path, a walk of the whole token trie (DFA
	// steps where the state calls nothing, the parser below). Always
	// correct, bounded by the trie's size; the fast paths fall back to it
	// when they do not apply or give up (a product walk past maxPairs).
	PathTrie
	numPaths
)

func (k Path) String() string {
	return [...]string{"slice", "callee", "trie"}[k]
}

// Table holds the state masks of one Program for one Vocabulary. Masks
// are computed on first use (so compiling costs no vocabulary walk) or all
// at once by Precompute; either way a state's mask is computed once. A
// Table is safe for concurrent use.
type Table struct {
	Prog  *automaton.Program
	Vocab *vocab.Vocabulary

	trie      *Trie
	tokenSets [][]uint64 // mask words of each token set
	eos       []int32
	full      []uint64 // every text token and EOS
	words     int

	states []atomic.Pointer[StateMask] // by state, for items without a Param key
	mu     sync.RWMutex
	lazy   map[maskKey]*StateMask // counted repetitions and permutations
	walks  sync.Pool              // *walker
	plain  []bool                 // by rule: direct mode may enter its calls (see config)
	final  []bool                 // by state: accepting, with no edges (a call returning there is a tail call)
	single []bool                 // by state: no calls and not in a counted rule (direct mode's modeState)
	// counted[r]: the slice whose characters are the iterations of
	// counted repetition r, or -1 (under mu).
	counted  map[int32]int
	repsOnce sync.Once
	reps     [][][]byte // by slice: representative bytes per slice state

	sfxMu   sync.RWMutex
	sfx     map[string]*suffixes // (rule, chain of items waiting for it) -> what the context accepts after the rule
	sfxSize atomic.Int64
	ctxMu   sync.RWMutex
	ctx     map[string][]int32 // context key -> accepted uncertain tokens (a map: looking up string(key) allocates nothing)
	ctxSize atomic.Int64
	// NoContextCache turns the context cache off (for measurements); set
	// it before the table is used.
	NoContextCache bool

	statsMu sync.Mutex
	stats   Stats
}

// Stats describes the masks computed so far.
type Stats struct {
	States      int           // state masks computed
	Bytes       int64         // memory held by them
	Uncertain   int           // uncertain tokens over all of them
	Compute     time.Duration // time spent computing them (summed over goroutines)
	Precompute  time.Duration // wall time of Precompute, when it ran
	TrieEntries int
	Trie        time.Duration // building the vocabulary's trie (0 when cached)
	// ByPath counts the state masks computed by each Path; ByPath[PathTrie]
	// is how often the fast paths fell back to the general walk.
	ByPath [numPaths]int
	// ByPathTime is the compute time of the masks of each Path.
	ByPathTime [numPaths]time.Duration
	// ParserWalks counts the state masks whose walk left direct mode for
	// the Earley parser somewhere (a set of configs past its bounds, a
	// call direct mode does not enter, or a permutation state).
	ParserWalks int
}

// Stats returns a snapshot of the table's statistics.
func (t *Table) Stats() Stats {
	t.statsMu.Lock()
	defer t.statsMu.Unlock()
	return t.stats
}

// BitsetThreshold: accepted sets with more ids than width/BitsetThreshold
// are stored as bitsets.
const BitsetThreshold = 64

// NewTable returns the mask table of p for v. It builds (or reuses) the
// vocabulary's token trie and the token-set masks; state masks are
// computed on first use, or by Precompute.
func NewTable(p *automaton.Program, v *vocab.Vocabulary) *Table {
	t := &Table{Prog: p, Vocab: v, words: (v.LogitsWidth() + 63) / 64, lazy: map[maskKey]*StateMask{}, counted: map[int32]int{}}
	trieStart := time.Now()
	t.trie = TrieOf(v)
	t.stats.Trie = time.Since(trieStart)
	t.stats.TrieEntries = len(t.trie.Sorted)
	t.eos = v.EOS()
	t.full = make([]uint64, t.words)
	for _, e := range t.trie.Sorted {
		t.full[e.ID>>6] |= 1 << (uint(e.ID) & 63)
	}
	for _, id := range t.eos {
		t.full[id>>6] |= 1 << (uint(id) & 63)
	}
	for _, ts := range p.TokenSets {
		w := make([]uint64, t.words)
		if ts.Negated {
			for _, e := range t.trie.Sorted {
				w[e.ID>>6] |= 1 << (uint(e.ID) & 63)
			}
			for _, id := range ts.IDs {
				w[id>>6] &^= 1 << (uint(id) & 63)
			}
		} else {
			for _, id := range ts.IDs {
				if int(id) < v.Size() {
					w[id>>6] |= 1 << (uint(id) & 63)
				}
			}
		}
		t.tokenSets = append(t.tokenSets, w)
	}
	t.states = make([]atomic.Pointer[StateMask], p.NumStates())
	t.plain = make([]bool, len(p.Rules))
	for ri, r := range p.Rules {
		t.plain[ri] = !r.Repeat && !r.Perm && !r.Key && r.Guard == nil
	}
	t.final = make([]bool, p.NumStates())
	t.single = make([]bool, p.NumStates())
	for s := range automaton.StateID(p.NumStates()) {
		t.single[s] = len(p.Calls(s)) == 0 && !p.Rules[p.RuleOf(s)].Repeat
		// (Not in a counted repetition, whose accepting states end an
		// iteration, not the rule.)
		t.final[s] = p.Accepting(s) && p.FirstBytes(s).Empty() && len(p.Calls(s)) == 0 && len(p.Tokens(s)) == 0 && !p.Rules[p.RuleOf(s)].Repeat
	}
	return t
}

// Precompute computes the mask of every kernel state (targets of byte,
// call and token edges, and the root start) of rules whose masks do not
// depend on an item's Param, on up to GOMAXPROCS goroutines, so that no
// later FillMask pays a first visit.
func (t *Table) Precompute() {
	start := time.Now()
	p := t.Prog
	n := p.NumStates()
	kernel := make([]bool, n)
	kernel[p.Rules[p.Root].Start] = true
	for s := range n {
		st := automaton.StateID(s)
		for b := range 256 {
			if to := p.Next(st, byte(b)); to != automaton.Dead {
				kernel[to] = true
			}
		}
		for _, e := range p.Calls(st) {
			kernel[e.To] = true
		}
		for _, e := range p.Tokens(st) {
			kernel[e.To] = true
		}
	}
	var todo []automaton.StateID
	for s := range n {
		if r := &p.Rules[p.RuleOf(automaton.StateID(s))]; kernel[s] && !r.Repeat && !r.Perm {
			todo = append(todo, automaton.StateID(s))
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(todo) {
					return
				}
				t.Lookup(automaton.Item{State: todo[i], Origin: automaton.Sentinel})
			}
		}()
	}
	wg.Wait()
	t.statsMu.Lock()
	t.stats.Precompute = time.Since(start)
	t.statsMu.Unlock()
}

func (sm *StateMask) memory() int64 {
	return int64(8*len(sm.AcceptedBits) + 4*len(sm.AcceptedIDs) + 40*len(sm.Uncertain) + 80)
}

func setLCP(list []Entry) {
	for i := range list {
		if i == 0 {
			list[i].LCP = 0
			continue
		}
		a, b := list[i-1].B, list[i].B
		k := 0
		for k < len(a) && k < len(b) && a[k] == b[k] {
			k++
		}
		list[i].LCP = int32(k)
	}
}

// maskKey identifies the mask of a kernel item: its state and, for counted
// repetitions, how many more iterations are needed and allowed (clamped at
// the longest token, beyond which the count cannot matter), and for
// permutations the members seen.
type maskKey struct {
	state automaton.StateID
	param uint64
}

func (t *Table) key(it automaton.Item) (maskKey, bool) {
	p := t.Prog
	r := &p.Rules[p.RuleOf(it.State)]
	switch {
	case r.Perm:
		return maskKey{it.State, it.Param}, true
	case r.Repeat:
		limit := t.Vocab.MaxTokenLen() + 1
		c := int(it.Param) + 1
		need := min(max(r.Min-c, 0), limit)
		can := limit
		if r.Max >= 0 {
			can = min(max(r.Max-c, 0), limit)
		}
		return maskKey{it.State, uint64(need)<<32 | uint64(can)}, true
	}
	return maskKey{it.State, 0}, false
}

// Lookup returns the state mask of kernel item it, computing and caching
// it on first use. Masks of counted repetitions and permutations are kept
// per Param key.
func (t *Table) Lookup(it automaton.Item) *StateMask {
	k, dependent := t.key(it)
	if !dependent {
		slot := &t.states[it.State]
		if sm := slot.Load(); sm != nil {
			return sm
		}
		sm := t.computeDetached(automaton.Item{State: it.State, Origin: automaton.Sentinel})
		if !slot.CompareAndSwap(nil, sm) {
			return slot.Load()
		}
		t.count(sm)
		return sm
	}
	t.mu.RLock()
	sm := t.lazy[k]
	t.mu.RUnlock()
	if sm != nil {
		return sm
	}
	sm = t.computeDetached(automaton.Item{State: it.State, Origin: automaton.Sentinel, Param: it.Param})
	t.mu.Lock()
	if old := t.lazy[k]; old != nil {
		sm = old
	} else {
		t.lazy[k] = sm
		t.count(sm)
	}
	t.mu.Unlock()
	return sm
}

func (t *Table) count(sm *StateMask) {
	t.statsMu.Lock()
	t.stats.States++
	t.stats.Bytes += sm.memory()
	t.stats.Uncertain += len(sm.Uncertain)
	t.stats.Compute += sm.took
	t.stats.ByPath[sm.path]++
	t.stats.ByPathTime[sm.path] += sm.took
	if sm.parser {
		t.stats.ParserWalks++
	}
	t.statsMu.Unlock()
}

// sliceOf returns the split of the vocabulary by the first slice that
// the DFA of state s contains, or nil.
func (t *Table) sliceOf(s automaton.StateID) (*sliceTokens, int) {
	reps := t.sliceReps()
	for i, sl := range byteSlices {
		if sl.contains(t.Prog, reps[i], s) {
			return &slicesOf(t.Vocab)[i], i
		}
	}
	return nil, -1
}

// sliceReps returns the representative bytes of every slice for the
// table's program, computed once.
func (t *Table) sliceReps() [][][]byte {
	t.repsOnce.Do(func() {
		for _, sl := range byteSlices {
			t.reps = append(t.reps, sl.reps(t.Prog))
		}
	})
	return t.reps
}

// countedSlice returns the slice whose characters are the iterations of
// counted repetition rule ri, when there is one and no slice character
// can follow the rule (so a token with more characters than the count
// allows is rejected, not uncertain); the result is computed once per
// rule.
func (t *Table) countedSlice(ri int32) (*sliceTokens, int, bool) {
	t.mu.RLock()
	i, ok := t.counted[ri]
	t.mu.RUnlock()
	if !ok {
		i = -1
		reps := t.sliceReps()
		for k, sl := range byteSlices {
			if !sl.startsChar(t.Prog.Follow(ri)) && sl.oneCharIterations(t.Prog, reps[k], t.Prog.Rules[ri].Start) {
				i = k
				break
			}
		}
		t.mu.Lock()
		t.counted[ri] = i
		t.mu.Unlock()
	}
	if i < 0 {
		return nil, -1, false
	}
	return &slicesOf(t.Vocab)[i], i, true
}

// calleeMasks ORs into acc the accepted tokens of the rules that item it
// calls, when their start states call nothing themselves (strings and
// numbers behind a reference), and reports whether there were any. A token
// a callee's start item scans alone is scanned from it too: the closure of
// it holds that start item.
func (t *Table) calleeMasks(it automaton.Item, acc []uint64) bool {
	p := t.Prog
	any := false
	for _, e := range p.Calls(it.State) {
		callee := &p.Rules[e.Sym]
		if g := callee.Guard; g != nil && !g.Allows(it.Param) {
			continue
		}
		if callee.Start == it.State || len(p.Calls(callee.Start)) > 0 {
			continue
		}
		sm := t.Lookup(automaton.Item{State: callee.Start, Origin: automaton.Sentinel})
		if sm.NumAccepted < minCalleeMask {
			continue
		}
		any = true
		if sm.AcceptedBits != nil {
			for i, x := range sm.AcceptedBits {
				acc[i] |= x
			}
		} else {
			for _, id := range sm.AcceptedIDs {
				acc[id>>6] |= 1 << (uint(id) & 63)
			}
		}
	}
	return any
}

// minCalleeMask: callee masks smaller than this are not worth the
// token-by-token walk of the rest (a variable for tests).
var minCalleeMask = 4096

// walkRest classifies the text tokens not yet in acc by pushing each
// through the parser seeded with it (sharing prefixes, skipping the
// tokens after a failed prefix), sets the accepted ones in acc and returns
// the uncertain ones: the same classification as the trie walk in compute.
func (t *Table) walkRest(w *walker, it automaton.Item, follow *automaton.ByteSet, acc []uint64) (uncertain []int32, escs []uint64) {
	ps := w.ps
	ps.Seed(it)
	esc := w.escaped // esc[d]: the seed escaped at depth d
	esc[0], w.escs[0] = false, 0
	depth := 0
	dead, deadEsc := -1, uint64(0) // entries with LCP > dead fail like the last one
	for i := range t.trie.Sorted {
		e := &t.trie.Sorted[i]
		if dead >= 0 {
			if int(e.LCP) > dead {
				if deadEsc != 0 && acc[e.ID>>6]&(1<<(uint(e.ID)&63)) == 0 {
					uncertain, escs = append(uncertain, e.ID), append(escs, deadEsc)
				}
				continue
			}
			dead = -1
		}
		if int(e.LCP) < depth {
			depth = int(e.LCP)
			ps.Truncate(1 + depth)
		}
		if acc[e.ID>>6]&(1<<(uint(e.ID)&63)) != 0 {
			continue
		}
		ok := true
		for depth < len(e.B) {
			b := e.B[depth]
			m := w.escs[depth]
			if esc[depth] && follow.Has(b) {
				m |= escBit(depth)
			}
			if !ps.Push(b) {
				dead, deadEsc, ok = depth, m, false
				if m != 0 {
					uncertain, escs = append(uncertain, e.ID), append(escs, m)
				}
				break
			}
			depth++
			w.escs[depth], esc[depth] = m, ps.Escaped()
		}
		if ok {
			acc[e.ID>>6] |= 1 << (uint(e.ID) & 63)
		}
	}
	return uncertain, escs
}

// walker is the scratch of one mask computation, pooled per Table.
type walker struct {
	ps      *automaton.Parser
	mode    []walkMode          // how the parse at each depth is held
	state   []automaton.StateID // modeState: the state; modeSet: the set
	sets    *configSets         // direct mode's lazy DFA (direct.go)
	escaped []bool              // walkRest: the seed escaped at each depth
	escs    []uint64            // the Esc bits of the path to each depth
	path    []byte
	bits    []uint64
}

func (t *Table) computeDetached(it automaton.Item) *StateMask {
	w, _ := t.walks.Get().(*walker)
	if w == nil {
		l := t.Vocab.MaxTokenLen() + 2
		w = &walker{ps: automaton.NewParser(t.Prog), mode: make([]walkMode, l), state: make([]automaton.StateID, l),
			sets: newConfigSets(t), escaped: make([]bool, l),
			escs: make([]uint64, l), path: make([]byte, l), bits: make([]uint64, t.words)}
		w.ps.SetDistinct(false) // state masks ignore the keys seen
	}
	sm := t.compute(w, it)
	t.walks.Put(w)
	return sm
}

// compute classifies every token for the detached item it by walking the
// token trie from it. A token whose bytes the parse consumes is accepted;
// one on which it fails is rejected, unless the item's rule completed
// after some but not all of the token's bytes and the next byte can follow
// the rule, in which case it is uncertain. A completion before the first
// byte needs no such care: it advances the callers in the same Earley set,
// which are kernel items with masks of their own.
//
// The walk follows the rules' DFAs directly (direct mode: a table lookup
// per config a trie node) for as long as the path's parse fits in a few
// configs (see config), which is where nearly all of a dense mask's nodes
// are (inside strings, numbers and formats); below a node where it does
// not, it runs the Earley parser, seeded and advanced along the path on
// demand. Both give the same answer: the configs are the derivations the
// parser's items stand for.
func (t *Table) compute(w *walker, it automaton.Item) *StateMask {
	start := time.Now()
	p := t.Prog
	ri := p.RuleOf(it.State)
	r := &p.Rules[ri]
	follow := p.Follow(ri)
	direct := !r.Perm && (r.Repeat || it.Param == 0) // a Param is a count, or a guard's
	ps := w.ps
	ps.Seed(it)
	valid := 1 // the parser's sets 0..valid-1 follow the current path
	w.mode[0], w.escs[0] = modeParser, 0
	if direct {
		w.sets.reset()
		w.enter(t, 0, it.State, it.Param)
	}
	acc := w.bits
	tr := t.trie
	var skipped *slice // the suffix trie of this slice: depths count from the end of a token's slice characters
	if r.Repeat {
		// Each slice character is one iteration: tokens of the slice with
		// no more characters than the iterations left are accepted, the
		// others rejected. That holds at the start of an iteration and at
		// the end of one (an accepting state no slice character extends,
		// where the closure starts the next iteration).
		if sl, k, ok := t.countedSlice(ri); ok {
			left := -1 // iterations that may still start
			switch {
			case it.State == r.Start:
				left = r.Max - int(it.Param)
			case p.Accepting(it.State) && len(p.Calls(it.State)) == 0 && !byteSlices[k].extends(p, t.sliceReps()[k], it.State):
				left = r.Max - int(it.Param) - 1
			default:
				sl = nil
			}
			if sl != nil {
				if r.Max < 0 {
					left = int(^uint(0) >> 1)
				}
				sl.fillUpTo(acc, left)
				tr = sl.rest
			}
		}
	} else if sl, k := t.sliceOf(it.State); sl != nil {
		copy(acc, sl.bits)
		tr = sl.rest
		if direct && byteSlices[k].loops(p, t.sliceReps()[k], it.State) {
			tr, skipped = sl.suffix, byteSlices[k]
		}
	}
	if tr == t.trie {
		clear(acc)
		if t.calleeMasks(it, acc) {
			// Tokens the callees accept alone are accepted here too; the
			// others go through the parser one by one.
			uncertain, escs := t.walkRest(w, it, follow, acc)
			sm := t.finish(it, acc, uncertain, escs, start, PathCallee)
			sm.parser = true
			return sm
		}
	}
	var uncertain []int32
	var escs []uint64
	usedParser := false
	nodes := tr.Nodes
	for i := 0; i < len(nodes); {
		n := &nodes[i]
		d := int(n.Depth) - 1
		w.path[d] = n.B
		valid = min(valid, d+1)
		var ok, esc bool
		switch w.mode[d] {
		case modeState:
			// One state outside every call, calling nothing: a table lookup.
			s := w.state[d]
			esc = d > 0 && p.Accepting(s)
			to := p.Next(s, n.B)
			ok = to != automaton.Dead
			if ok {
				w.enter(t, d+1, to, 0) // modeState: not a counted rule
			}
		case modeSet:
			// A set of configs: its transition on the byte's class,
			// computed the first time it is taken.
			cs := w.sets
			id := w.state[d]
			esc = d > 0 && cs.esc[id]
			to := cs.next(id, n.B)
			ok = to != setDead
			switch {
			case to == setParser:
				w.mode[d+1] = modeParser
			case ok:
				w.mode[d+1], w.state[d+1] = modeSet, to
			}
		default:
			usedParser = true
			ps.Truncate(valid)
			for ; valid < d+1; valid++ {
				ps.Push(w.path[valid-1]) // succeeded before, on this path
			}
			esc = d > 0 && ps.Escaped()
			ok = ps.Push(n.B)
			if ok {
				valid = d + 2
			}
			w.mode[d+1] = modeParser
		}
		m := w.escs[d]
		if esc && follow.Has(n.B) {
			m |= escBit(d)
		}
		if !ok {
			if m != 0 {
				k := len(uncertain)
				uncertain = append(uncertain, tr.subtreeTokens(i)...)
				for _, id := range uncertain[k:] {
					if skipped != nil {
						escs = append(escs, shiftEsc(m, skipped.charPrefix(t.Vocab.Bytes(id))))
					} else {
						escs = append(escs, m)
					}
				}
			}
			i = int(n.End)
			continue
		}
		w.escs[d+1] = m
		for _, id := range tr.Tokens[n.Tok : n.Tok+uint32(n.NTok)] {
			acc[id>>6] |= 1 << (uint(id) & 63)
		}
		i++
	}
	path := PathSlice
	if tr == t.trie {
		path = PathTrie
	}
	sm := t.finish(it, acc, uncertain, escs, start, path)
	sm.parser = usedParser
	return sm
}

// finish makes the state mask of accepted set acc and uncertain tokens
// (with their Esc bits).
func (t *Table) finish(it automaton.Item, acc []uint64, uncertain []int32, escs []uint64, start time.Time, path Path) *StateMask {
	numAccepted := 0
	for _, x := range acc {
		numAccepted += bits.OnesCount64(x)
	}
	sm := &StateMask{NumAccepted: numAccepted, path: path}
	if numAccepted > t.Vocab.LogitsWidth()/BitsetThreshold {
		sm.AcceptedBits = slices.Clone(acc)
	} else {
		sm.AcceptedIDs = make([]int32, 0, numAccepted)
		for wi, x := range acc {
			for x != 0 {
				sm.AcceptedIDs = append(sm.AcceptedIDs, int32(wi*64+bits.TrailingZeros64(x)))
				x &= x - 1
			}
		}
	}
	if len(uncertain) > 0 {
		sm.Uncertain = make([]Entry, len(uncertain))
		for i, id := range uncertain {
			sm.Uncertain[i] = Entry{ID: id, B: t.Vocab.Bytes(id), Esc: escs[i]}
		}
		setLCP(sm.Uncertain)
	}
	sm.took = time.Since(start)
	return sm
}

// Scratch is per-Matcher working memory for Fill, so that filling a mask
// allocates nothing in steady state.
type Scratch struct {
	key     []byte
	chain   []byte
	whole   []Entry
	items   []automaton.Item
	kernels []kernel
	one     [1]automaton.Item
}

// kernel is a kernel item of the current set with its state mask.
type kernel struct {
	it automaton.Item
	sm *StateMask
}

// MaxContextCache bounds the number of cached context walks per Table.
const MaxContextCache = 1 << 16

// maxContextKey bounds the parent items serialized into a context key.
const maxContextKey = 64

// Fill computes the mask of the parser's current set into m and reports
// whether it constrains anything (false when every text token, and EOS,
// is allowed). It allocates nothing once the lazy caches are warm.
//
// The mask ignores the keys seen (automaton.Parser.SetDistinct): it is the
// same for every parse with these items, so it can be cached; package
// runtime removes the tokens that would repeat a key.
func (t *Table) Fill(ps *automaton.Parser, m *Mask, sc *Scratch) bool {
	if ps.Distinct() {
		ps.SetDistinct(false)
		r := t.fill(ps, m, sc)
		ps.SetDistinct(true)
		return r
	}
	return t.fill(ps, m, sc)
}

func (t *Table) fill(ps *automaton.Parser, m *Mask, sc *Scratch) bool {
	words := m.bs.Words()
	p := t.Prog
	cur := ps.Len() - 1
	sc.items = append(sc.items[:0], ps.Items()...)
	// Kernel items (entered before this set; at the start, the root item)
	// and their state masks, looked up once.
	sc.kernels = sc.kernels[:0]
	for idx, it := range sc.items {
		if int(it.Origin) < cur || (cur == 0 && idx == 0) {
			sc.kernels = append(sc.kernels, kernel{it, t.Lookup(it)})
		}
	}
	// The first accepted set is copied when it is a bitset; otherwise the
	// mask is cleared first.
	copyFirst := len(sc.kernels) > 0 && sc.kernels[0].sm.AcceptedBits != nil
	if !copyFirst {
		m.Reset()
	}
	for i, k := range sc.kernels {
		switch {
		case i == 0 && copyFirst:
			copy(words, k.sm.AcceptedBits)
		case k.sm.AcceptedBits != nil:
			m.Or(k.sm.AcceptedBits)
		default:
			for _, id := range k.sm.AcceptedIDs {
				words[id>>6] |= 1 << (uint(id) & 63)
			}
		}
	}
	for _, it := range sc.items {
		for _, e := range p.Tokens(it.State) {
			m.Or(t.tokenSets[e.Sym])
		}
	}
	// Uncertain tokens, checked against the real parser. The result for a
	// kernel item depends only on the item and the chain of items waiting
	// for its rule below it, so it is cached under that chain.
	for _, k := range sc.kernels {
		it, sm := k.it, k.sm
		if len(sm.Uncertain) == 0 {
			continue
		}
		if t.NoContextCache {
			walk(ps, sm.Uncertain, words)
			continue
		}
		key, ok := t.contextKey(ps, it, sc.key[:0])
		sc.key = key
		if ok {
			t.ctxMu.RLock()
			got, hit := t.ctx[string(key)]
			t.ctxMu.RUnlock()
			if hit {
				for _, id := range got {
					words[id>>6] |= 1 << (uint(id) & 63)
				}
				continue
			}
			res := t.resolve(ps, it, sm.Uncertain, key[contextHead:], sc)
			if t.ctxSize.Load() < MaxContextCache {
				t.ctxMu.Lock()
				if t.ctx == nil {
					t.ctx = map[string][]int32{}
				}
				t.ctx[string(key)] = res
				t.ctxSize.Store(int64(len(t.ctx)))
				t.ctxMu.Unlock()
			}
			for _, id := range res {
				words[id>>6] |= 1 << (uint(id) & 63)
			}
			continue
		}
		walk(ps, sm.Uncertain, words)
	}
	if ps.CanStop() {
		for _, id := range t.eos {
			m.Set(id)
		}
	}
	return !t.allAllowed(m)
}

// contextHead is the length of contextKey's item part; the chain of
// waiting items follows it.
const contextHead = 4 + 8

// contextKey serializes kernel item it and the items below it that wait
// for its rule, recursively down to the start: everything the parse of a
// token starting at it can depend on. It fails when the chain is longer
// than maxContextKey items (deep ambiguity or left recursion).
func (t *Table) contextKey(ps *automaton.Parser, it automaton.Item, buf []byte) ([]byte, bool) {
	buf = binary.LittleEndian.AppendUint32(buf, uint32(it.State))
	buf = binary.LittleEndian.AppendUint64(buf, it.Param) // contextHead bytes, then the chain
	budget := maxContextKey
	return t.appendWaiting(ps, it.Origin, t.Prog.RuleOf(it.State), buf, &budget)
}

func (t *Table) appendWaiting(ps *automaton.Parser, origin uint32, rule int32, buf []byte, budget *int) ([]byte, bool) {
	p := t.Prog
	if rule == p.Root && origin == 0 {
		buf = append(buf, '$') // the parse may end here
	}
	buf = append(buf, '(')
	for _, w := range ps.SetItems(int(origin)) {
		for _, e := range p.Calls(w.State) {
			if e.Sym != rule {
				continue
			}
			if *budget--; *budget < 0 {
				return buf, false
			}
			buf = binary.LittleEndian.AppendUint32(buf, uint32(e.To))
			buf = binary.LittleEndian.AppendUint64(buf, w.Param)
			var ok bool
			if buf, ok = t.appendWaiting(ps, w.Origin, p.RuleOf(w.State), buf, budget); !ok {
				return buf, false
			}
		}
	}
	return append(buf, ')'), true
}

// walkAll returns the entries whose bytes the parser accepts from its
// current set, and restores the parser.
func walkAll(ps *automaton.Parser, list []Entry) []int32 {
	out := []int32{}
	walkList(ps, list, nil, func(id int32) { out = append(out, id) })
	return out
}

// walk sets the bit of every entry whose bytes the parser accepts from its
// current set, skipping entries already set, and restores the parser.
func walk(ps *automaton.Parser, list []Entry, words []uint64) {
	walkList(ps, list, words, nil)
}

// walkList pushes each entry's bytes (sharing prefixes with the previous
// entry, skipping entries whose prefix already failed, and entries already
// set in words when words is not nil) and reports the accepted ones: into
// words, or to accept when words is nil.
func walkList(ps *automaton.Parser, list []Entry, words []uint64, accept func(int32)) {
	base := ps.Len()
	depth := 0
	dead := -1 // entries with LCP > dead share a prefix that failed
	for i := range list {
		e := &list[i]
		if dead >= 0 {
			if int(e.LCP) > dead {
				continue
			}
			dead = -1
		}
		if int(e.LCP) < depth {
			depth = int(e.LCP)
			ps.Truncate(base + depth)
		}
		if words != nil && words[e.ID>>6]&(1<<(uint(e.ID)&63)) != 0 {
			continue
		}
		ok := true
		for depth < len(e.B) {
			if !ps.Push(e.B[depth]) {
				dead = depth
				ok = false
				break
			}
			depth++
		}
		switch {
		case !ok:
		case words != nil:
			words[e.ID>>6] |= 1 << (uint(e.ID) & 63)
		default:
			accept(e.ID)
		}
	}
	ps.Truncate(base)
}

// allAllowed reports whether m allows every text token and every EOS id.
func (t *Table) allAllowed(m *Mask) bool {
	w := m.bs.Words()
	for i, f := range t.full {
		if w[i]&f != f {
			return false
		}
	}
	return true
}

// Sorted returns the byte-sorted list of text tokens.
func (t *Table) Sorted() []Entry { return t.trie.Sorted }

// TokenSetWords returns the mask words of token set i.
func (t *Table) TokenSetWords(i int32) []uint64 { return t.tokenSets[i] }

// Trie returns the vocabulary's token trie.
func (t *Table) Trie() *Trie { return t.trie }
