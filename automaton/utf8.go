package automaton

import "unicode/utf8"

// ByteRange is an inclusive range of bytes.
type ByteRange struct{ Lo, Hi byte }

// UTF8Sequences converts the code point range [lo, hi] to a list of byte
// range sequences: a string of bytes is the UTF-8 encoding of a code point
// in [lo, hi] exactly when it matches one of the sequences. Surrogates are
// excluded. This is the construction of regex-syntax's utf8.rs.
func UTF8Sequences(lo, hi rune) [][]ByteRange {
	var out [][]ByteRange
	var split func(lo, hi rune)
	split = func(lo, hi rune) {
		if lo > hi {
			return
		}
		// Remove surrogates.
		if lo <= 0xDFFF && hi >= 0xD800 {
			split(lo, 0xD7FF)
			split(0xE000, hi)
			return
		}
		// Split at encoded-length boundaries.
		for _, max := range []rune{0x7F, 0x7FF, 0xFFFF} {
			if lo <= max && hi > max {
				split(lo, max)
				split(max+1, hi)
				return
			}
		}
		if hi <= 0x7F {
			out = append(out, []ByteRange{{byte(lo), byte(hi)}})
			return
		}
		n := utf8.RuneLen(lo)
		for i := 1; i < n; i++ {
			m := rune(1)<<(6*i) - 1
			if lo&^m != hi&^m {
				if lo&m != 0 {
					split(lo, lo|m)
					split((lo|m)+1, hi)
					return
				}
				if hi&m != m {
					split(lo, (hi&^m)-1)
					split(hi&^m, hi)
					return
				}
			}
		}
		var a, b [utf8.UTFMax]byte
		utf8.EncodeRune(a[:], lo)
		utf8.EncodeRune(b[:], hi)
		seq := make([]ByteRange, n)
		for i := range n {
			seq[i] = ByteRange{a[i], b[i]}
		}
		out = append(out, seq)
	}
	if hi > utf8.MaxRune {
		hi = utf8.MaxRune
	}
	if lo < 0 {
		lo = 0
	}
	split(lo, hi)
	return out
}
