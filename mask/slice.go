package mask

import (
	"sync"
	"unicode/utf8"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/vocab"
)

// A slice is a byte language that many grammar states loop on, such as the
// characters of a JSON string. For each vocabulary the tokens wholly inside
// a slice are precomputed once as a bitset, and the others as a residual
// trie. When a state's DFA accepts every string of the slice from that
// state (checked once per state by a product walk), the state's mask
// starts from the slice's bitset and walks only the residual trie: a dense
// mask then costs a copy of the bitset and a walk of the few tokens with
// quotes, backslashes or partial characters. The result is exact: a token
// of the slice is accepted because the seed item alone scans it, and every
// other token is classified by the same walk as before.
//
// The idea is llguidance's "slicer"; the slices here are the ones JSON
// Schema grammars spend their dense states in.
type slice struct {
	name   string
	next   [][256]uint8 // byte DFA; sliceDead is the dead state, 0 the start
	accept []bool
}

const sliceDead = 0xff

// slices are tried in order; the first one a state contains is used.
var byteSlices = []*slice{jsonStringChars()}

// jsonStringChars is the language of JSON string characters written
// literally: UTF-8 encoded code points other than '"', '\\', the control
// characters below U+0020, DEL (which some JSON grammars exclude, e.g.
// llama.cpp's json.gbnf) and the surrogates.
func jsonStringChars() *slice {
	const (
		start = iota
		cont1 // one continuation byte left
		cont2
		cont3
		e0 // after E0: A0-BF
		ed // after ED: 80-9F
		f0 // after F0: 90-BF
		f4 // after F4: 80-8F
		nstates
	)
	sl := &slice{name: "json-string-chars", next: make([][256]uint8, nstates), accept: make([]bool, nstates)}
	sl.accept[start] = true
	for q := range sl.next {
		for b := range 256 {
			sl.next[q][b] = sliceDead
		}
	}
	set := func(q int, lo, hi byte, to int) {
		for b := int(lo); b <= int(hi); b++ {
			sl.next[q][b] = uint8(to)
		}
	}
	set(start, 0x20, 0x7e, start)
	sl.next[start]['"'] = sliceDead
	sl.next[start]['\\'] = sliceDead
	set(start, 0xc2, 0xdf, cont1)
	set(start, 0xe0, 0xe0, e0)
	set(start, 0xe1, 0xec, cont2)
	set(start, 0xed, 0xed, ed)
	set(start, 0xee, 0xef, cont2)
	set(start, 0xf0, 0xf0, f0)
	set(start, 0xf1, 0xf3, cont3)
	set(start, 0xf4, 0xf4, f4)
	set(cont1, 0x80, 0xbf, start)
	set(cont2, 0x80, 0xbf, cont1)
	set(cont3, 0x80, 0xbf, cont2)
	set(e0, 0xa0, 0xbf, cont1)
	set(ed, 0x80, 0x9f, cont1)
	set(f0, 0x90, 0xbf, cont2)
	set(f4, 0x80, 0x8f, cont2)
	return sl
}

// matches reports whether b is in the slice's language.
func (sl *slice) matches(b []byte) bool {
	q := uint8(0)
	for _, c := range b {
		if q = sl.next[q][c]; q == sliceDead {
			return false
		}
	}
	return sl.accept[q]
}

// reps returns, for each slice state, one byte of each class of bytes
// that the slice and program p both treat alike, so that product walks
// look at a few dozen bytes instead of 256.
func (sl *slice) reps(p *automaton.Program) [][]byte {
	out := make([][]byte, len(sl.next))
	for q := range sl.next {
		seen := map[[2]uint8]bool{}
		for b := range 256 {
			to := sl.next[q][b]
			if to == sliceDead {
				continue
			}
			k := [2]uint8{to, p.ByteClass[b]}
			if !seen[k] {
				seen[k] = true
				out[q] = append(out[q], byte(b))
			}
		}
	}
	return out
}

// maxPairs bounds the product walks.
const maxPairs = 1 << 13

type pair struct {
	q uint8
	s automaton.StateID
}

// contains reports whether every byte string of the slice can be scanned
// by p's DFA from state s (whatever the DFA does at its end). It explores
// pairs of slice and program states and gives up (false) past maxPairs.
func (sl *slice) contains(p *automaton.Program, reps [][]byte, s automaton.StateID) bool {
	return sl.productWalk(p, reps, s, func(y pair) (bool, bool) {
		return y.s != automaton.Dead, true
	})
}

// productWalk explores the pairs of slice and program states reachable
// from (0, s) over the representative bytes. step sees each edge's target
// pair and says whether the walk may go on (false ends it with false) and
// whether to explore from that pair. The walk gives up (false) past
// maxPairs pairs.
func (sl *slice) productWalk(p *automaton.Program, reps [][]byte, s automaton.StateID, step func(y pair) (ok, follow bool)) bool {
	seen := map[pair]bool{{0, s}: true}
	stack := []pair{{0, s}}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, b := range reps[x.q] {
			y := pair{sl.next[x.q][b], p.Next(x.s, b)}
			ok, follow := step(y)
			if !ok {
				return false
			}
			if follow && !seen[y] {
				if len(seen) >= maxPairs {
					return false
				}
				seen[y] = true
				stack = append(stack, y)
			}
		}
	}
	return true
}

// oneCharIterations reports whether the iteration of counted repetition
// rule r reads exactly one character of the slice: from r's start, every
// slice character leads, without calls and without passing an accepting
// state, to an accepting state that no slice character can extend. A
// token of k slice characters then takes exactly k iterations.
func (sl *slice) oneCharIterations(p *automaton.Program, reps [][]byte, start automaton.StateID) bool {
	if len(p.Calls(start)) > 0 {
		return false
	}
	return sl.productWalk(p, reps, start, func(y pair) (bool, bool) {
		if y.s == automaton.Dead || len(p.Calls(y.s)) > 0 {
			return false, false
		}
		if y.q == 0 { // a whole character
			return p.Accepting(y.s) && !sl.extends(p, reps, y.s), false
		}
		return !p.Accepting(y.s), true
	})
}

// charPrefix returns the length of the longest prefix of b made of whole
// slice characters.
func (sl *slice) charPrefix(b []byte) int {
	q, n := uint8(0), 0
	for i, c := range b {
		if q = sl.next[q][c]; q == sliceDead {
			break
		}
		if q == 0 {
			n = i + 1
		}
	}
	return n
}

// loops reports whether every slice character read from state s leads
// back to s, through states that call nothing and do not accept, s
// included: an Earley set holding only an item at s is then the same
// after any string of the slice, so a token's outcome from s is that of
// its bytes after its longest prefix of slice characters.
func (sl *slice) loops(p *automaton.Program, reps [][]byte, s automaton.StateID) bool {
	if len(p.Calls(s)) > 0 || p.Accepting(s) {
		return false
	}
	return sl.productWalk(p, reps, s, func(y pair) (bool, bool) {
		if y.q == 0 { // a whole character
			return y.s == s, false
		}
		return y.s != automaton.Dead && len(p.Calls(y.s)) == 0 && !p.Accepting(y.s), true
	})
}

// extends reports whether some slice character can start at state s.
func (sl *slice) extends(p *automaton.Program, reps [][]byte, s automaton.StateID) bool {
	for _, c := range reps[0] {
		if p.Next(s, c) != automaton.Dead {
			return true
		}
	}
	return false
}

// startsChar reports whether some byte in set can start a slice string.
func (sl *slice) startsChar(set *automaton.ByteSet) bool {
	for b := range 256 {
		if sl.next[0][b] != sliceDead && set.Has(byte(b)) {
			return true
		}
	}
	return false
}

// sliceTokens is a slice's split of one vocabulary.
type sliceTokens struct {
	bits []uint64 // the text tokens in the slice, sized to the logits width
	n    int      // how many
	rest *Trie    // the trie of the other text tokens
	// suffix is the trie of the other text tokens spelled from the end of
	// their longest prefix of whole slice characters: for a state that
	// every slice character leaves where it was (loops), the walk of a
	// token's suffix decides the token, and tokens with equal suffixes
	// (`abc",` and `x",`) are decided once.
	suffix *Trie
	// byChars lists the tokens in the slice by their number of
	// characters; upTo[k] is how many have at most k.
	byChars []int32
	upTo    []int
}

// fillUpTo sets acc to the tokens of the slice with at most k characters
// and returns how many there are.
func (st *sliceTokens) fillUpTo(acc []uint64, k int) int {
	k = max(0, min(k, len(st.upTo)-1))
	n := st.upTo[k]
	if n > st.n/2 { // start from all, clear the longer ones
		copy(acc, st.bits)
		for _, id := range st.byChars[n:] {
			acc[id>>6] &^= 1 << (uint(id) & 63)
		}
		return n
	}
	clear(acc)
	for _, id := range st.byChars[:n] {
		acc[id>>6] |= 1 << (uint(id) & 63)
	}
	return n
}

type vocabSlices struct {
	once sync.Once
	of   []sliceTokens // by slices index
}

var sliceCache sync.Map // *vocab.Vocabulary -> *vocabSlices

// slicesOf returns the split of v's tokens by every slice, computed once
// per vocabulary and shared by every grammar compiled for it.
func slicesOf(v *vocab.Vocabulary) []sliceTokens {
	x, _ := sliceCache.LoadOrStore(v, &vocabSlices{})
	vs := x.(*vocabSlices)
	vs.once.Do(func() {
		words := (v.LogitsWidth() + 63) / 64
		for _, sl := range byteSlices {
			st := sliceTokens{bits: make([]uint64, words)}
			in := make([]bool, v.Size())
			chars := make([]int, v.Size())
			maxChars := 0
			for id := range v.Size() {
				if b := v.Bytes(int32(id)); v.Normal(int32(id)) && sl.matches(b) {
					in[id] = true
					st.bits[id>>6] |= 1 << (uint(id) & 63)
					st.n++
					chars[id] = utf8.RuneCount(b)
					maxChars = max(maxChars, chars[id])
				}
			}
			count := make([]int, maxChars+1)
			for id := range v.Size() {
				if in[id] {
					count[chars[id]]++
				}
			}
			st.upTo = make([]int, maxChars+1)
			for k := range count {
				st.upTo[k] = count[k]
				if k > 0 {
					st.upTo[k] += st.upTo[k-1]
				}
			}
			st.byChars = make([]int32, st.n)
			next := make([]int, maxChars+1)
			for k := 1; k <= maxChars; k++ {
				next[k] = st.upTo[k-1]
			}
			for id := range v.Size() {
				if in[id] {
					st.byChars[next[chars[id]]] = int32(id)
					next[chars[id]]++
				}
			}
			st.rest = buildTrie(v, func(id int32) bool { return !in[id] })
			st.suffix = buildTrieBy(v, func(id int32) bool { return !in[id] }, func(id int32) []byte {
				b := v.Bytes(id)
				return b[sl.charPrefix(b):]
			})
			vs.of = append(vs.of, st)
		}
	})
	return vs.of
}
