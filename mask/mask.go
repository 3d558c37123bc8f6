// Package mask computes vocabulary masks for a compiled grammar: which
// tokens may come next. For every automaton state that can start a token
// (an Earley kernel item) it precomputes, once per vocabulary, which tokens
// are accepted whatever the context below the state, which are rejected
// whatever it is, and which depend on it; at run time only the
// context-dependent tokens are walked, through the real parser.
//
// Masks use XGrammar's layout: bit i%32 of 32-bit word i/32 (LSB first) is
// token i, 1 = allowed. Mask stores 64-bit words (bits-and-blooms/bitset),
// whose little-endian halves are exactly that layout (Words32).
//
// Conventions: m is a *Mask, t a token id, ps an *automaton.Parser.
package mask

import (
	"math"
	"math/bits"
	"unsafe"

	"github.com/bits-and-blooms/bitset"
)

// Mask is a set of allowed token ids over a vocabulary's logits width.
type Mask struct {
	bs    *bitset.BitSet
	width int
}

// New returns an empty mask for width token ids.
func New(width int) *Mask {
	words := make([]uint64, (width+63)/64)
	return &Mask{bs: bitset.FromWithLength(uint(width), words), width: width}
}

// Resize makes the mask cover width token ids (all disallowed), reusing
// its memory when it is large enough.
func (m *Mask) Resize(width int) {
	if width == m.width {
		return
	}
	n := (width + 63) / 64
	words := m.bs.Words()
	if cap(words) >= n {
		words = words[:n]
	} else {
		words = make([]uint64, n)
	}
	clear(words)
	m.bs = bitset.FromWithLength(uint(width), words)
	m.width = width
}

// Width is the number of token ids the mask covers.
func (m *Mask) Width() int { return m.width }

// BitSet exposes the underlying bit set (shared memory).
func (m *Mask) BitSet() *bitset.BitSet { return m.bs }

// Words returns the mask's 64-bit words (shared memory).
func (m *Mask) Words() []uint64 { return m.bs.Words() }

// Words32 returns the mask as ceil(width/32) 32-bit words in XGrammar's
// layout, sharing memory with the mask (little-endian hosts, which are all
// the hosts Go's CUDA and CPU targets here run on).
func (m *Mask) Words32() []uint32 {
	w := m.bs.Words()
	if len(w) == 0 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&w[0])), 2*len(w))[:(m.width+31)/32]
}

// Has reports whether token t is allowed. Out-of-range ids are not.
func (m *Mask) Has(t int32) bool {
	if t < 0 || int(t) >= m.width {
		return false
	}
	return m.bs.Words()[t>>6]&(1<<(uint(t)&63)) != 0
}

// Set allows token t (ignored when out of range).
func (m *Mask) Set(t int32) {
	if t >= 0 && int(t) < m.width {
		m.bs.Words()[t>>6] |= 1 << (uint(t) & 63)
	}
}

// Clear disallows token t (ignored when out of range).
func (m *Mask) Clear(t int32) {
	if t >= 0 && int(t) < m.width {
		m.bs.Words()[t>>6] &^= 1 << (uint(t) & 63)
	}
}

// Reset disallows every token.
func (m *Mask) Reset() { clear(m.bs.Words()) }

// Count is the number of allowed tokens.
func (m *Mask) Count() int {
	n := 0
	for _, w := range m.bs.Words() {
		n += bits.OnesCount64(w)
	}
	return n
}

// Or allows every token set in words (which must not be longer).
func (m *Mask) Or(words []uint64) {
	dst := m.bs.Words()
	for i, w := range words {
		dst[i] |= w
	}
}

// Equal reports whether two masks allow the same tokens.
func (m *Mask) Equal(o *Mask) bool {
	if m.width != o.width {
		return false
	}
	a, b := m.bs.Words(), o.bs.Words()
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Apply sets every disallowed logit to -Inf, in place. logits may be
// shorter than the mask (extra bits are ignored) but not longer: ids at or
// beyond the mask's width are padding and are always disallowed.
func Apply(logits []float32, m *Mask) {
	ninf := float32(math.Inf(-1))
	words := m.bs.Words()
	for i := 0; i < len(logits); i += 64 {
		var w uint64
		if wi := i >> 6; wi < len(words) {
			w = words[wi]
		}
		if w == ^uint64(0) && i+64 <= m.width {
			continue
		}
		end := min(i+64, len(logits))
		for j := i; j < end; j++ {
			if j >= m.width || w&(1<<uint(j-i)) == 0 {
				logits[j] = ninf
			}
		}
	}
}
