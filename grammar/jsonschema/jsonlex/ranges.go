package jsonlex

import (
	"math/big"
	"strings"

	"github.com/gramc/gramc/grammar"
)

// Digit-string range languages, built like a regex range generator: the
// interval is split at the first digit where its ends differ into a block
// that follows the low end, full middle blocks and a block that follows the
// high end. Sizes are O(n²) expression nodes for n-digit ends.

// fixedRange matches the digit strings of length len(a) in base `base`
// whose value lies in [a, b] (a ≤ b, same length, most significant digit
// first); cls(lo, hi) matches one digit with value in [lo, hi].
func fixedRange(a, b []int, base int, cls func(lo, hi int) grammar.Expr) grammar.Expr {
	n := len(a)
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	var prefix []grammar.Expr
	for j := range i {
		prefix = append(prefix, cls(a[j], a[j]))
	}
	if i == n {
		return seq(prefix...)
	}
	rest := n - i - 1
	lo, hi := a[i], b[i]
	var alts []grammar.Expr
	if !allDigits(a[i+1:], 0) {
		alts = append(alts, seq(cls(lo, lo), atLeast(a[i+1:], base, cls)))
		lo++
	}
	if lo <= hi && !allDigits(b[i+1:], base-1) { // a full high block merges with the middle
		alts = append(alts, seq(cls(hi, hi), atMost(b[i+1:], base, cls)))
		hi--
	}
	if lo <= hi {
		alts = append(alts, seq(cls(lo, hi), rep(cls(0, base-1), rest, rest)))
	}
	return seq(append(prefix, alt(alts...))...)
}

// atLeast matches the digit strings of length len(s) whose value is ≥ s.
func atLeast(s []int, base int, cls func(lo, hi int) grammar.Expr) grammar.Expr {
	n := len(s)
	if allDigits(s, 0) {
		return rep(cls(0, base-1), n, n)
	}
	return alt(seq(cls(s[0], s[0]), atLeast(s[1:], base, cls)), seq(cls(s[0]+1, base-1), rep(cls(0, base-1), n-1, n-1)))
}

// atMost matches the digit strings of length len(s) whose value is ≤ s.
func atMost(s []int, base int, cls func(lo, hi int) grammar.Expr) grammar.Expr {
	n := len(s)
	if allDigits(s, base-1) {
		return rep(cls(0, base-1), n, n)
	}
	return alt(seq(cls(0, s[0]-1), rep(cls(0, base-1), n-1, n-1)), seq(cls(s[0], s[0]), atMost(s[1:], base, cls)))
}

func allDigits(s []int, d int) bool {
	for _, x := range s {
		if x != d {
			return false
		}
	}
	return true
}

func decDigits(s string) []int {
	d := make([]int, len(s))
	for i := range s {
		d[i] = int(s[i] - '0')
	}
	return d
}

// intRange matches the canonical decimal texts (no leading zeros, "0" for
// zero, no sign) of the integers in [lo, hi]; lo ≥ 0, hi == nil for no
// upper bound.
func intRange(lo, hi *big.Int) grammar.Expr {
	if hi != nil && lo.Cmp(hi) > 0 {
		return none()
	}
	var alts []grammar.Expr
	if lo.Sign() == 0 {
		alts = append(alts, lit("0"))
		if hi != nil && hi.Sign() == 0 {
			return lit("0")
		}
		lo = big.NewInt(1)
	}
	ls := lo.String()
	n1 := len(ls)
	nines := func(n int) string { return strings.Repeat("9", n) }
	dec := func(a, b string) grammar.Expr { return fixedRange(decDigits(a), decDigits(b), 10, digits) }
	if hi == nil {
		alts = append(alts, dec(ls, nines(n1)), seq(digits(1, 9), rep(digit(), n1, grammar.Unbounded)))
		return alt(alts...)
	}
	hs := hi.String()
	n2 := len(hs)
	if n1 == n2 {
		return alt(append(alts, dec(ls, hs))...)
	}
	alts = append(alts, dec(ls, nines(n1)))
	if n2 > n1+1 {
		alts = append(alts, seq(digits(1, 9), rep(digit(), n1, n2-2)))
	}
	alts = append(alts, dec("1"+strings.Repeat("0", n2-1), hs))
	return alt(alts...)
}

// fracRange is the language of the digit strings D after a decimal point
// whose value 0.D lies between a low and a high bound. Bounds are digit
// strings without trailing zeros (value 0.a); hasHi false means no upper
// bound (below 1). The result is split into the non-empty strings (ne, ∅
// when none) and whether the empty string (value 0) qualifies.
type fracLang struct {
	ne  grammar.Expr
	eps bool
}

// full is the whole language of f, the empty string included when it
// qualifies.
func (f fracLang) full() grammar.Expr {
	if f.eps {
		return alt(eps(), f.ne)
	}
	return f.ne
}

// part is the optional fraction part of a number text, "." D or nothing,
// with D in f (nothing stands for the value 0).
func (f fracLang) part() grammar.Expr {
	var alts []grammar.Expr
	if f.eps {
		alts = append(alts, eps())
	}
	alts = append(alts, seq(lit("."), f.ne))
	return alt(alts...)
}

func fracRange(a string, aIncl bool, b string, bIncl, hasHi bool) fracLang {
	var f fracLang
	// The empty string has value 0.
	f.eps = a == "" && aIncl && (!hasHi || b != "" || bIncl)
	switch {
	case a == "" && !hasHi:
		if aIncl {
			f.ne = plus(digit())
		} else {
			f.ne = seq(star(lit("0")), digits(1, 9), star(digit()))
		}
		return f
	case hasHi && b == "":
		if a == "" && aIncl && bIncl {
			f.ne = plus(lit("0"))
		} else {
			f.ne = none()
		}
		return f
	}
	a0, ar := 0, ""
	if a != "" {
		a0, ar = int(a[0]-'0'), a[1:]
	}
	var alts []grammar.Expr
	if !hasHi {
		alts = append(alts,
			seq(digits(a0, a0), fracRange(ar, aIncl, "", false, false).full()),
			seq(digits(a0+1, 9), star(digit())))
	} else {
		b0, br := int(b[0]-'0'), b[1:]
		if a0 == b0 {
			alts = append(alts, seq(digits(a0, a0), fracRange(ar, aIncl, br, bIncl, true).full()))
		} else {
			alts = append(alts,
				seq(digits(a0, a0), fracRange(ar, aIncl, "", false, false).full()),
				seq(digits(a0+1, b0-1), star(digit())),
				seq(digits(b0, b0), fracRange("", true, br, bIncl, true).full()))
		}
	}
	f.ne = alt(alts...)
	return f
}
