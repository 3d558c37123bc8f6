package mask

import (
	"encoding/binary"
	"math/bits"
	"sync"

	"github.com/gramc/gramc/automaton"
)

// Uncertain tokens in context.
//
// An uncertain token of a kernel item is one the item's rule may complete
// inside of (Entry.Esc): it is allowed exactly when, for one completion
// point j, the parse that goes on after the rule ends (the items waiting
// for the rule, and theirs below) accepts the rest of the token, B[j:].
// That answer depends on the waiting chain and the bytes B[j:] alone, not
// on the item or the rest of the token: every state and count of a string,
// and every token that ends one in `",`, asks the same question (`,`?) of
// the object around it. So it is cached by (rule, waiting chain) and
// suffix: a kernel item met for the first time in a known context (the
// next character of a maxLength string, say) costs map lookups instead of
// parser walks, and a new context costs a walk per distinct suffix (a few
// hundred), not per token (thousands).

// MaxSuffixCache bounds the entries of the suffix cache; past it, answers
// are computed and not kept.
var MaxSuffixCache int64 = 1 << 21

// suffixes is what one context accepts, by suffix.
type suffixes struct {
	mu sync.RWMutex
	m  map[string]bool
}

func (t *Table) suffixesOf(chain []byte) *suffixes {
	t.sfxMu.RLock()
	sf := t.sfx[string(chain)]
	t.sfxMu.RUnlock()
	if sf != nil {
		return sf
	}
	t.sfxMu.Lock()
	defer t.sfxMu.Unlock()
	if sf = t.sfx[string(chain)]; sf == nil {
		if t.sfx == nil {
			t.sfx = map[string]*suffixes{}
		}
		sf = &suffixes{m: map[string]bool{}}
		t.sfx[string(chain)] = sf
	}
	return sf
}

// resolve returns the tokens of list (the uncertain tokens of kernel item
// it) that the parser accepts from it in its context, and restores the
// parser. chain is the serialization of the items waiting for its rule
// (the part of contextKey after the item).
func (t *Table) resolve(ps *automaton.Parser, it automaton.Item, list []Entry, chain []byte, sc *Scratch) []int32 {
	out := []int32{}
	ri := t.Prog.RuleOf(it.State)
	sc.chain = append(binary.LittleEndian.AppendUint32(sc.chain[:0], uint32(ri)), chain...)
	sf := t.suffixesOf(sc.chain)
	whole := sc.whole[:0]
	pushed, goesOn := false, false
	base := 0
	for i := range list {
		e := &list[i]
		if e.Esc&escAny != 0 {
			whole = append(whole, *e)
			continue
		}
		for m := e.Esc; m != 0; m &= m - 1 {
			sfx := e.B[bits.TrailingZeros64(m):]
			sf.mu.RLock()
			v, known := sf.m[string(sfx)]
			sf.mu.RUnlock()
			if !known {
				if !pushed {
					pushed, goesOn = true, ps.PushCompletion(ri, it.Origin)
					base = ps.Len()
				}
				v = goesOn && pushAll(ps, sfx, base)
				if t.sfxSize.Load() < MaxSuffixCache {
					sf.mu.Lock()
					sf.m[string(sfx)] = v
					sf.mu.Unlock()
					t.sfxSize.Add(1)
				}
			}
			if v {
				out = append(out, e.ID)
				break
			}
		}
	}
	if goesOn {
		ps.Pop()
	}
	if len(whole) > 0 {
		setLCP(whole) // a subsequence of a sorted list
		out = t.walkFromItem(ps, it, whole, sc, out)
	}
	sc.whole = whole[:0]
	return out
}

// walkFromItem appends to out the entries of list that the parser accepts
// from item it alone (in its context), and restores the parser.
func (t *Table) walkFromItem(ps *automaton.Parser, it automaton.Item, list []Entry, sc *Scratch, out []int32) []int32 {
	sc.one[0] = it
	ps.PushItems(sc.one[:])
	walkList(ps, list, nil, func(id int32) { out = append(out, id) })
	ps.Pop()
	return out
}

// pushAll reports whether the parser consumes all of b, and truncates it
// back to base sets.
func pushAll(ps *automaton.Parser, b []byte, base int) bool {
	ok := true
	for _, x := range b {
		if !ps.Push(x) {
			ok = false
			break
		}
	}
	ps.Truncate(base)
	return ok
}
