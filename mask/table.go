package mask

import (
	"encoding/binary"
	"runtime"
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
}

// StateMask is the precomputed split of the vocabulary for one kernel
// item: Accepted tokens are allowed whatever the context below, Uncertain
// tokens must be checked against the real parser, all others are rejected.
// Accepted is a bitset when large and a list of ids otherwise.
type StateMask struct {
	AcceptedBits []uint64 // nil when AcceptedIDs is used
	AcceptedIDs  []int32  // in trie (byte) order
	Uncertain    []Entry
	NumAccepted  int
}

// Table holds the precomputed masks of one Program for one Vocabulary. It
// is immutable apart from its lazily filled cache and safe for concurrent
// use.
type Table struct {
	Prog  *automaton.Program
	Vocab *vocab.Vocabulary

	trie      *Trie
	tokenSets [][]uint64 // mask words of each token set
	eos       []int32
	full      []uint64 // every text token and EOS
	words     int

	eager []*StateMask // by state; nil when not precomputed
	mu    sync.RWMutex
	lazy  map[maskKey]*StateMask

	ctx     sync.Map // context key -> []int32 accepted uncertain tokens
	ctxSize atomic.Int64
	// NoContextCache turns the context cache off (for measurements); set
	// it before the table is used.
	NoContextCache bool

	Stats Stats
}

// Stats describes the precomputation.
type Stats struct {
	States      int           // state masks precomputed eagerly
	Lazy        atomic.Int64  // state masks computed on first use
	Bytes       int64         // memory held by the eager masks
	Uncertain   int           // uncertain tokens over all eager masks
	Precompute  time.Duration // wall time of the eager precomputation
	TrieEntries int
	Trie        time.Duration // building the vocabulary's trie (0 when cached)
}

const debugTimes = false

// BitsetThreshold: accepted sets with more ids than width/BitsetThreshold
// are stored as bitsets.
const BitsetThreshold = 64

// NewTable precomputes the masks of every kernel state of p for v, using
// up to GOMAXPROCS goroutines.
func NewTable(p *automaton.Program, v *vocab.Vocabulary) *Table {
	start := time.Now()
	t := &Table{Prog: p, Vocab: v, words: (v.LogitsWidth() + 63) / 64, lazy: map[maskKey]*StateMask{}}
	trieStart := time.Now()
	t.trie = TrieOf(v)
	t.Stats.Trie = time.Since(trieStart)
	t.Stats.TrieEntries = len(t.trie.Sorted)
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
	// Kernel states: targets of byte, call and token edges, and the root start.
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
	t.eager = make([]*StateMask, n)
	var todo []int
	for s := range n {
		if r := &p.Rules[p.RuleOf(automaton.StateID(s))]; kernel[s] && !r.Repeat && !r.Perm {
			todo = append(todo, s)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ps := automaton.NewParser(p)
			for {
				i := int(next.Add(1)) - 1
				if i >= len(todo) {
					return
				}
				s := todo[i]
				st := time.Now()
				t.eager[s] = t.compute(ps, automaton.Item{State: automaton.StateID(s), Origin: automaton.Sentinel})
				if d := time.Since(st); debugTimes && d > 500*time.Microsecond {
					println("state", s, d.String(), t.eager[s].NumAccepted, len(t.eager[s].Uncertain))
				}
			}
		}()
	}
	wg.Wait()
	for _, sm := range t.eager {
		if sm != nil {
			t.Stats.States++
			t.Stats.Bytes += sm.memory()
			t.Stats.Uncertain += len(sm.Uncertain)
		}
	}
	t.Stats.Precompute = time.Since(start)
	return t
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
// it on first use for counted repetitions and permutations, whose masks
// depend on the item's Param.
func (t *Table) Lookup(it automaton.Item) *StateMask {
	k, dependent := t.key(it)
	if !dependent {
		if sm := t.eager[it.State]; sm != nil {
			return sm
		}
	}
	t.mu.RLock()
	sm := t.lazy[k]
	t.mu.RUnlock()
	if sm != nil {
		return sm
	}
	sm = t.compute(automaton.NewParser(t.Prog), automaton.Item{State: it.State, Origin: automaton.Sentinel, Param: it.Param})
	t.mu.Lock()
	if old := t.lazy[k]; old != nil {
		sm = old
	} else {
		t.lazy[k] = sm
		t.Stats.Lazy.Add(1)
	}
	t.mu.Unlock()
	return sm
}

// compute classifies every token for the detached item it by walking the
// sorted token list through a parser seeded with it alone. A token whose
// bytes the parse consumes is accepted; one on which it fails is rejected,
// unless the item's rule completed after some but not all of the token's
// bytes and the next byte can follow the rule, in which case it is
// uncertain. A completion before the first byte needs no such care: it
// advances the callers in the same Earley set, which are kernel items with
// masks of their own.
func (t *Table) compute(ps *automaton.Parser, it automaton.Item) *StateMask {
	ps.Seed(it)
	follow := t.Prog.Follow(t.Prog.RuleOf(it.State))
	var accepted, uncertain []int32
	live := make([]bool, t.Vocab.MaxTokenLen()+2)
	nodes := t.trie.Nodes
	for i := 0; i < len(nodes); {
		n := &nodes[i]
		d := int(n.Depth) - 1
		ps.Truncate(1 + d)
		l := live[d] || (d > 0 && ps.Escaped() && follow.Has(n.B))
		if !ps.Push(n.B) {
			if l {
				uncertain = append(uncertain, t.trie.subtreeTokens(i)...)
			}
			i = int(n.End)
			continue
		}
		live[d+1] = l
		accepted = append(accepted, t.trie.Tokens[n.Tok:n.Tok+uint32(n.NTok)]...)
		i++
	}
	sm := &StateMask{NumAccepted: len(accepted)}
	if len(accepted) > t.Vocab.LogitsWidth()/BitsetThreshold {
		sm.AcceptedBits = make([]uint64, t.words)
		for _, id := range accepted {
			sm.AcceptedBits[id>>6] |= 1 << (uint(id) & 63)
		}
	} else {
		sm.AcceptedIDs = accepted
	}
	if len(uncertain) > 0 {
		sm.Uncertain = make([]Entry, len(uncertain))
		for i, id := range uncertain {
			sm.Uncertain[i] = Entry{ID: id, B: t.Vocab.Bytes(id)}
		}
		setLCP(sm.Uncertain)
	}
	return sm
}

// Scratch is per-Matcher working memory for Fill, so that filling a mask
// allocates nothing in steady state.
type Scratch struct {
	key     []byte
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
func (t *Table) Fill(ps *automaton.Parser, m *Mask, sc *Scratch) bool {
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
			if got, hit := t.ctx.Load(string(key)); hit {
				for _, id := range got.([]int32) {
					words[id>>6] |= 1 << (uint(id) & 63)
				}
				continue
			}
			// Walk the item alone, so the result is its own.
			sc.one[0] = it
			ps.PushItems(sc.one[:])
			res := walkAll(ps, sm.Uncertain)
			ps.Pop()
			if t.ctxSize.Load() < MaxContextCache {
				t.ctx.Store(string(key), res)
				t.ctxSize.Add(1)
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

// contextKey serializes kernel item it and the items below it that wait
// for its rule, recursively down to the start: everything the parse of a
// token starting at it can depend on. It fails when the chain is longer
// than maxContextKey items (deep ambiguity or left recursion).
func (t *Table) contextKey(ps *automaton.Parser, it automaton.Item, buf []byte) ([]byte, bool) {
	buf = binary.LittleEndian.AppendUint32(buf, uint32(it.State))
	buf = binary.LittleEndian.AppendUint64(buf, it.Param)
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
