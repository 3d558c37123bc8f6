package mask

import (
	"encoding/binary"

	"github.com/gramc/gramc/automaton"
)

// Direct mode: how compute follows the parse below a trie node without
// the Earley parser.
//
// The parse is held as a set of configs: a config is a state and the
// return states of the calls it is inside of (a stack of at most
// maxCallDepth), for calls of plain rules (no counted repetition, no
// permutation, no guard, not a Key rule). A set of configs is what the
// parser's Earley sets stand for, derivation by derivation; the closure
// (closeConfigs) enters calls and returns from completed ones, and a call
// whose return state only completes its caller is a tail call (no return
// state is pushed), so that the chains of format rules cut by remaining
// length (hostname, email) stay shallow. The seed's own rule may be a
// counted repetition: its configs then carry the iterations done (param),
// and the closure ends an iteration as the parser does.
//
// Sets are numbered as they are met and their transitions, by byte class,
// are computed once (a lazy DFA over sets of configs, configSets): the
// walk of a format state costs a table lookup per trie node, as a string
// state's does. Where a set would grow past maxConfigs or a call past
// maxCallDepth, or a call targets another kind of rule, the walk falls
// back to the parser below that trie node.
const (
	maxCallDepth = 4
	maxConfigs   = 16
	maxSets      = 4096 // sets a walker keeps; past it, the cache starts over at the next walk
)

// walkMode is how the walk holds the parse at a depth of the trie.
type walkMode uint8

const (
	modeParser walkMode = iota // the Earley parser's sets
	modeState                  // one state outside every call, with no calls: the common case
	modeSet                    // a set of configs (configSets)
)

type config struct {
	cur   automaton.StateID
	n     uint8                           // calls entered
	ret   [maxCallDepth]automaton.StateID // return states, ret[n-1] innermost; unused entries 0
	param uint64                          // the seed's iterations, when its rule is a counted repetition
}

// addConfig appends c to set unless it is there; false when the set is
// full.
func addConfig(set []config, c config) ([]config, bool) {
	for i := range set {
		if set[i] == c {
			return set, true
		}
	}
	if len(set) == maxConfigs {
		return set, false
	}
	return append(set, c), true
}

// closeConfigs adds to set the configs its calls and completions reach
// (the parser's closure): a call of a plain rule pushes its return state
// (unless it is a tail call); an accepting state pops one, or ends the
// seed's rule or an iteration of it. esc reports
// that the seed's own rule can complete (an accepting config outside
// every call). ok is false where the set cannot be held as configs.
func (t *Table) closeConfigs(set []config) (out []config, esc, ok bool) {
	p := t.Prog
	for i := 0; i < len(set); i++ {
		c := set[i]
		if p.Accepting(c.cur) {
			if c.n == 0 {
				// The seed's rule ends an instance; a counted repetition
				// ends an iteration: it may start the next one, and
				// completes once the count reaches its minimum (the
				// parser's closure, counts normalized alike).
				r := &p.Rules[p.RuleOf(c.cur)]
				if !r.Repeat {
					esc = true
				} else {
					n := c.param + 1
					if (r.Max < 0 || int(n) < r.Max) && c.cur != r.Start {
						again := c
						again.cur, again.param = r.Start, n
						if r.Max < 0 && int(n) > r.Min {
							again.param = uint64(r.Min)
						}
						if set, ok = addConfig(set, again); !ok {
							return set, esc, false
						}
					}
					if int(n) >= r.Min {
						esc = true
					}
				}
			} else {
				r := c
				r.n--
				r.cur, r.ret[r.n] = c.ret[r.n], 0
				if set, ok = addConfig(set, r); !ok {
					return set, esc, false
				}
			}
		}
		for _, e := range p.Calls(c.cur) {
			if !t.plain[e.Sym] || (int(c.n) == maxCallDepth && !t.final[e.To]) {
				return set, esc, false
			}
			in := c
			in.cur = p.Rules[e.Sym].Start
			if !t.final[e.To] {
				in.ret[in.n] = e.To
				in.n++
			} // else a tail call: returning to e.To would only complete c's rule
			// A nullable callee completes through its own configs (its
			// start accepts, or calls that complete), which pop back here.
			if set, ok = addConfig(set, in); !ok {
				return set, esc, false
			}
		}
	}
	return set, esc, true
}

// Transition values of configSets besides set numbers.
const (
	setUnknown int32 = -3 // not computed yet
	setParser  int32 = -2 // the byte is consumed, but the next set is not held as configs
	setDead    int32 = -1 // no config consumes the byte
)

// configSets numbers closed sets of configs and caches their transitions
// by byte class: a lazy DFA, one per walker (so no locking), kept across
// the walker's walks.
type configSets struct {
	t     *Table
	nc    int
	ids   map[string]int32
	sets  [][]config
	esc   []bool  // by set: the seed's rule can complete
	trans []int32 // [set*nc+class]
	key   []byte
	buf   []config
}

func newConfigSets(t *Table) *configSets {
	return &configSets{t: t, nc: t.Prog.NumClasses, ids: map[string]int32{}, buf: make([]config, 0, maxConfigs)}
}

// reset starts the cache over when it is full (between walks only: the
// numbers of a walk in progress must stay valid).
func (cs *configSets) reset() {
	if len(cs.sets) < maxSets {
		return
	}
	clear(cs.ids)
	cs.sets, cs.esc, cs.trans = cs.sets[:0], cs.esc[:0], cs.trans[:0]
}

// intern returns the number of the closed set (sorted here), or setParser
// when the cache is full.
func (cs *configSets) intern(set []config, esc bool) int32 {
	// Insertion sort: sets are small.
	for i := 1; i < len(set); i++ {
		for j := i; j > 0 && configLess(&set[j], &set[j-1]); j-- {
			set[j], set[j-1] = set[j-1], set[j]
		}
	}
	k := cs.key[:0]
	for i := range set {
		c := &set[i]
		k = binary.LittleEndian.AppendUint32(k, uint32(c.cur))
		k = append(k, c.n)
		k = binary.LittleEndian.AppendUint64(k, c.param)
		for _, r := range c.ret[:c.n] {
			k = binary.LittleEndian.AppendUint32(k, uint32(r))
		}
	}
	cs.key = k
	if id, ok := cs.ids[string(k)]; ok {
		return id
	}
	if len(cs.sets) >= maxSets {
		return setParser
	}
	id := int32(len(cs.sets))
	cs.ids[string(k)] = id
	cs.sets = append(cs.sets, append([]config(nil), set...))
	cs.esc = append(cs.esc, esc)
	for range cs.nc {
		cs.trans = append(cs.trans, setUnknown)
	}
	return id
}

func configLess(a, b *config) bool {
	if a.cur != b.cur {
		return a.cur < b.cur
	}
	if a.n != b.n {
		return a.n < b.n
	}
	if a.param != b.param {
		return a.param < b.param
	}
	for i := range a.n {
		if a.ret[i] != b.ret[i] {
			return a.ret[i] < b.ret[i]
		}
	}
	return false
}

// next is set id's transition on byte b: a set number, setDead or
// setParser.
func (cs *configSets) next(id int32, b byte) int32 {
	p := cs.t.Prog
	slot := int(id)*cs.nc + int(p.ByteClass[b])
	if to := cs.trans[slot]; to != setUnknown {
		return to
	}
	set := cs.buf[:0]
	for _, c := range cs.sets[id] {
		if to := p.Next(c.cur, b); to != automaton.Dead {
			c.cur = to
			set, _ = addConfig(set, c) // no larger than sets[id]
		}
	}
	to := setDead
	if len(set) > 0 {
		to = cs.closed(set)
	}
	cs.buf = set[:0]
	cs.trans[slot] = to
	return to
}

// closed is the number of the closure of set, or setParser.
func (cs *configSets) closed(set []config) int32 {
	set, esc, ok := cs.t.closeConfigs(set)
	if !ok {
		return setParser
	}
	return cs.intern(set, esc)
}

// enter holds the parse at depth d as the single state s outside every
// call (param iterations done, in a counted repetition): modeState when
// s calls nothing and its rule is not counted, else a set of configs,
// else the parser.
func (w *walker) enter(t *Table, d int, s automaton.StateID, param uint64) {
	if t.single[s] {
		w.mode[d], w.state[d] = modeState, s
		return
	}
	id := w.sets.closed(append(w.sets.buf[:0], config{cur: s, param: param}))
	if id == setParser {
		w.mode[d] = modeParser
		return
	}
	w.mode[d], w.state[d] = modeSet, id
}
