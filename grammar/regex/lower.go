package regex

import (
	"unicode/utf8"

	"github.com/gramc/gramc/grammar"
)

// Anchored returns an IR expression that matches exactly the strings that
// the pattern matches in full, from the first code point to the last (as if
// it were written ^(?:pattern)$). A pattern whose language is empty (such
// as [] or a^b) gives an empty *grammar.Alt.
func Anchored(pattern string, flags Flags) (grammar.Expr, error) {
	l, err := lowerPattern(pattern, flags)
	if err != nil {
		return nil, err
	}
	return finish(alt(l[none], l[begin], l[end], l[both])), nil
}

// Search returns an IR expression that matches exactly the strings that
// contain a match of the pattern: JSON Schema's semantics for "pattern"
// and "patternProperties", and RegExp.prototype.test's. Without anchors
// that is Any* P Any*; ^ and $ (without the m flag) pin a match to the
// start or the end of the string, branch by branch: ^a|b$ gives
// (a Any*) | (Any* b).
func Search(pattern string, flags Flags) (grammar.Expr, error) {
	l, err := lowerPattern(pattern, flags)
	if err != nil {
		return nil, err
	}
	anyStar := func() part {
		return part{e: &grammar.Repeat{X: anyChar(), Min: 0, Max: grammar.Unbounded}, null: true, size: 2}
	}
	if l[none].null || l[begin].null || l[end].null {
		return anyStar().e, nil // every string has an empty match
	}
	return finish(alt(
		seq(anyStar(), l[none], anyStar()),
		seq(l[begin], anyStar()),
		seq(anyStar(), l[end]),
		l[both],
	)), nil
}

func anyChar() *grammar.Class { return &grammar.Class{Negated: true} }

func finish(p part) grammar.Expr {
	if p.e == nil {
		return &grammar.Alt{}
	}
	return p.e
}

func lowerPattern(pattern string, flags Flags) (lang, error) {
	n, err := Parse(pattern, flags)
	if err != nil {
		return lang{}, err
	}
	var lw lowerer
	l := lw.lower(n)
	if lw.err != nil {
		return lang{}, lw.err
	}
	return l, nil
}

// part is a language in the IR: e == nil is the empty language. null
// records whether it contains ε, size the number of IR nodes (counting
// shared subtrees as often as they are shared).
type part struct {
	e    grammar.Expr
	null bool
	size int
}

func (p part) isEps() bool {
	b, ok := p.e.(*grammar.Bytes)
	return ok && len(b.B) == 0
}

var nothing = part{}

func eps() part { return part{e: &grammar.Bytes{}, null: true, size: 1} }

// The anchor algebra. A path through a pattern reads code points and
// passes assertions ^ and $. Without the m flag, ^ holds only where no
// code point of the whole string precedes it and $ only where none follows.
// A lang splits a pattern's matches by the assertions their path passes:
// none, some ^ (begin), some $ (end), or both. Within each kind the paths
// are already consistent (no code point before a ^ or after a $ inside the
// match), so a begin-match can only start at the string's start, an
// end-match only finish at its end. Concatenation adds the conditions
// between the two sides; the parts' ε-membership (exact) decides them.
type lang [4]part

const (
	none  = 0
	begin = 1 // bit: passes a ^
	end   = 2 // bit: passes a $
	both  = begin | end
)

type lowerer struct {
	err *Error
}

func (lw *lowerer) check(l lang, pos int) lang {
	total := 0
	for _, p := range l {
		total += p.size
	}
	if total > MaxIRSize && lw.err == nil {
		lw.err = tooLargeErr(pos, "the translation is larger than the limit %d (anchors inside repetitions and alternations are expanded case by case)", MaxIRSize)
	}
	return l
}

func (lw *lowerer) lower(n *Node) lang {
	if lw.err != nil {
		return lang{}
	}
	switch n.Op {
	case OpEmpty:
		return lang{none: eps()}
	case OpChar:
		if n.Fold {
			return lang{none: classPart(orbit(n.Rune))}
		}
		return lang{none: runePart(n.Rune)}
	case OpClass:
		return lang{none: classPart(n.Ranges)}
	case OpGroup:
		return lw.lower(n.Subs[0])
	case OpConcat:
		return lw.concat(n)
	case OpAlternate:
		var ls [4][]part
		for _, s := range n.Subs {
			l := lw.lower(s)
			for k := range l {
				ls[k] = append(ls[k], l[k])
			}
		}
		var out lang
		for k := range out {
			out[k] = alt(ls[k]...)
		}
		return lw.check(out, n.Pos)
	case OpRepeat:
		return lw.check(repeat(lw.lower(n.Subs[0]), n.Min, n.Max), n.Pos)
	case OpBegin, OpEnd:
		if n.Multiline {
			lw.fail(unsupportedErr(n.Pos, "%s with the m (multiline) flag is not supported (it depends on the neighbouring characters)", anchorName(n.Op)))
			return lang{}
		}
		if n.Op == OpBegin {
			return lang{begin: eps()}
		}
		return lang{end: eps()}
	case OpWordBoundary:
		lw.fail(unsupportedErr(n.Pos, "word boundary \\b is not supported"))
	case OpNotWordBoundary:
		lw.fail(unsupportedErr(n.Pos, "non-word-boundary \\B is not supported"))
	case OpBackref:
		if n.Name != "" {
			lw.fail(unsupportedErr(n.Pos, "backreference \\k<%s> is not supported (not a regular language)", n.Name))
		} else {
			lw.fail(unsupportedErr(n.Pos, "backreference \\%d is not supported (not a regular language)", n.Index))
		}
	case OpLookaround:
		kind := "lookahead (?="
		switch {
		case n.Behind && n.Negate:
			kind = "negative lookbehind (?<!"
		case n.Behind:
			kind = "lookbehind (?<="
		case n.Negate:
			kind = "negative lookahead (?!"
		}
		lw.fail(unsupportedErr(n.Pos, "%s...) is not supported", kind))
	}
	return lang{}
}

func anchorName(op Op) string {
	if op == OpBegin {
		return "anchor ^"
	}
	return "anchor $"
}

func (lw *lowerer) fail(e *Error) {
	if lw.err == nil {
		lw.err = e
	}
}

// concat lowers a concatenation. Runs of anchor-free terms are joined in
// one sequence; the algebra then combines the runs and the other terms.
func (lw *lowerer) concat(n *Node) lang {
	acc := lang{none: eps()}
	var run []part
	flush := func() {
		if len(run) > 0 {
			acc = concat2(acc, lang{none: seq(run...)})
			run = run[:0]
		}
	}
	for _, s := range n.Subs {
		l := lw.lower(s)
		if lw.err != nil {
			return lang{}
		}
		if l[begin].e == nil && l[end].e == nil && l[both].e == nil {
			run = append(run, l[none])
			continue
		}
		flush()
		acc = lw.check(concat2(acc, l), s.Pos)
	}
	flush()
	return lw.check(acc, n.Pos)
}

// concat2 is the product of two langs: a path of kind k1 followed by one of
// kind k2 is consistent unless the left side has code points before a ^ on
// the right, or the right side has code points after a $ on the left.
func concat2(a, b lang) lang {
	var ls [4][]part
	for k1, x := range a {
		if x.e == nil {
			continue
		}
		for k2, y := range b {
			if y.e == nil {
				continue
			}
			var p part
			switch {
			case k2&begin != 0 && k1&end != 0:
				if x.null && y.null {
					p = eps()
				}
			case k2&begin != 0:
				if x.null {
					p = y
				}
			case k1&end != 0:
				if y.null {
					p = x
				}
			default:
				p = seq(x, y)
			}
			if p.e != nil {
				ls[k1|k2] = append(ls[k1|k2], p)
			}
		}
	}
	var out lang
	for k := range out {
		out[k] = alt(ls[k]...)
	}
	return out
}

// repeat is X{lo,hi} in the algebra. Among the copies, every copy before
// the last one that passes a ^ must read nothing, and so must every copy
// after the first one that passes a $.
func repeat(x lang, lo, hi int) lang {
	var out lang
	out[none] = rep(x[none], lo, hi)
	if hi == 0 {
		return out
	}
	sub := func(n, k int) int { // n-k for bounds, keeping Unbounded
		if n == grammar.Unbounded {
			return n
		}
		return n - k
	}
	l0, l1, l2, l3 := x[none], x[begin], x[end], x[both]
	e0, e1, e2, e3 := l0.null, l1.e != nil && l1.null, l2.e != nil && l2.null, l3.e != nil && l3.null
	// begin: (empty copies) X_begin X_none*
	if l1.e != nil {
		min := 0
		if !(e0 || e1) {
			min = max(lo-1, 0)
		}
		out[begin] = seq(l1, rep(l0, min, sub(hi, 1)))
	}
	if l2.e != nil {
		min := 0
		if !(e0 || e2) {
			min = max(lo-1, 0)
		}
		out[end] = seq(rep(l0, min, sub(hi, 1)), l2)
	}
	var bs []part
	// One copy passes both; the others read nothing.
	if l3.e != nil && (lo <= 1 || e0 || e1 || e2) {
		bs = append(bs, l3)
	}
	// The last ^ copy precedes the first $ copy, X_none copies between.
	if l1.e != nil && l2.e != nil && (hi == grammar.Unbounded || hi >= 2) {
		min := 0
		if !(e0 || e1 || e2) {
			min = max(lo-2, 0)
		}
		bs = append(bs, seq(l1, rep(l0, min, sub(hi, 2)), l2))
	}
	// Every copy reads nothing, some pass ^ and some $ (in any order).
	need := 0
	switch {
	case e3:
		need = 1
	case e1 && e2:
		need = 2
	}
	if need > 0 && (hi == grammar.Unbounded || need <= hi) {
		bs = append(bs, eps())
	}
	out[both] = alt(bs...)
	return out
}

// IR constructors that simplify as they go: the empty language absorbs,
// ε disappears from sequences, adjacent literals merge, single code points
// in an alternation merge into one class.

func runePart(r rune) part {
	if !utf8.ValidRune(r) { // a lone surrogate: no UTF-8 string contains it
		return nothing
	}
	b := utf8.AppendRune(nil, r)
	return part{e: &grammar.Bytes{B: b}, size: len(b)}
}

func classPart(rs []grammar.Range) part {
	if normalized(rs) {
		rs = append([]grammar.Range(nil), rs...) // may be a cached set: the IR gets its own
	} else {
		rs = norm(rs)
	}
	switch {
	case len(rs) == 0:
		return nothing
	case len(rs) == 1 && rs[0].Lo == rs[0].Hi:
		return runePart(rs[0].Lo)
	}
	// The complement can only be shorter when rs reaches an end.
	if rs[0].Lo == 0 || rs[len(rs)-1].Hi == utf8.MaxRune {
		if neg := complement(rs); len(neg) < len(rs) {
			return part{e: &grammar.Class{Ranges: neg, Negated: true}, size: 1}
		}
	}
	return part{e: &grammar.Class{Ranges: rs}, size: 1}
}

// normalized reports whether rs is sorted, merged and free of surrogates.
func normalized(rs []grammar.Range) bool {
	for i, r := range rs {
		if r.Lo > r.Hi || r.Lo < 0 || r.Hi > utf8.MaxRune || r.Hi >= 0xD800 && r.Lo <= 0xDFFF || i > 0 && r.Lo <= rs[i-1].Hi+1 {
			return false
		}
	}
	return true
}

func seq(ps ...part) part {
	var items []grammar.Expr
	null, size := true, 1
	for _, p := range ps {
		if p.e == nil {
			return nothing
		}
		null = null && p.null
		if p.isEps() {
			continue
		}
		size += p.size
		xs := []grammar.Expr{p.e}
		if s, ok := p.e.(*grammar.Seq); ok {
			xs = s.Items
		}
		for _, x := range xs {
			if b, ok := x.(*grammar.Bytes); ok && len(items) > 0 {
				if prev, ok := items[len(items)-1].(*grammar.Bytes); ok {
					merged := append(append([]byte(nil), prev.B...), b.B...)
					items[len(items)-1] = &grammar.Bytes{B: merged}
					continue
				}
			}
			items = append(items, x)
		}
	}
	switch len(items) {
	case 0:
		return eps()
	case 1:
		return part{e: items[0], null: null, size: size}
	}
	return part{e: &grammar.Seq{Items: items}, null: null, size: size}
}

func alt(ps ...part) part {
	var items []grammar.Expr
	null, size := false, 1
	var chars []grammar.Range
	charAt := -1
	for _, p := range ps {
		if p.e == nil {
			continue
		}
		null = null || p.null
		size += p.size
		xs := []grammar.Expr{p.e}
		if a, ok := p.e.(*grammar.Alt); ok {
			xs = a.Alts
		}
		for _, x := range xs {
			if rs, ok := oneChar(x); ok {
				if charAt < 0 {
					charAt = len(items)
					items = append(items, x)
				}
				chars = append(chars, rs...)
				continue
			}
			items = append(items, x)
		}
	}
	if charAt >= 0 {
		items[charAt] = classPart(chars).e
	}
	// Drop repeated alternatives (ε among them), comparing small lists only.
	if len(items) > 1 && len(items) <= 32 {
		kept := items[:0]
		for _, x := range items {
			dup := false
			for _, y := range kept {
				if sameExpr(x, y, 64) {
					dup = true
					break
				}
			}
			if !dup {
				kept = append(kept, x)
			}
		}
		items = kept
	}
	switch len(items) {
	case 0:
		return nothing
	case 1:
		return part{e: items[0], null: null, size: size}
	case 2: // ε | X is X?
		for i, x := range items {
			if b, ok := x.(*grammar.Bytes); ok && len(b.B) == 0 {
				return rep(part{e: items[1-i], size: size}, 0, 1)
			}
		}
	}
	return part{e: &grammar.Alt{Alts: items}, null: null, size: size}
}

// sameExpr reports whether a and b are the same tree, looking at no more
// than budget nodes (false when it runs out).
func sameExpr(a, b grammar.Expr, budget int) bool {
	n := budget
	var eq func(a, b grammar.Expr) bool
	eq = func(a, b grammar.Expr) bool {
		if a == b {
			return true
		}
		if n--; n < 0 {
			return false
		}
		switch x := a.(type) {
		case *grammar.Bytes:
			y, ok := b.(*grammar.Bytes)
			return ok && string(x.B) == string(y.B)
		case *grammar.Class:
			y, ok := b.(*grammar.Class)
			if !ok || x.Negated != y.Negated || len(x.Ranges) != len(y.Ranges) {
				return false
			}
			for i := range x.Ranges {
				if x.Ranges[i] != y.Ranges[i] {
					return false
				}
			}
			return true
		case *grammar.Repeat:
			y, ok := b.(*grammar.Repeat)
			return ok && x.Min == y.Min && x.Max == y.Max && eq(x.X, y.X)
		case *grammar.Seq:
			y, ok := b.(*grammar.Seq)
			if !ok || len(x.Items) != len(y.Items) {
				return false
			}
			for i := range x.Items {
				if !eq(x.Items[i], y.Items[i]) {
					return false
				}
			}
			return true
		case *grammar.Alt:
			y, ok := b.(*grammar.Alt)
			if !ok || len(x.Alts) != len(y.Alts) {
				return false
			}
			for i := range x.Alts {
				if !eq(x.Alts[i], y.Alts[i]) {
					return false
				}
			}
			return true
		}
		return false
	}
	return eq(a, b)
}

// oneChar returns the set of an expression that matches one code point.
func oneChar(e grammar.Expr) ([]grammar.Range, bool) {
	switch e := e.(type) {
	case *grammar.Class:
		if e.Negated {
			return complement(norm(e.Ranges)), true
		}
		return e.Ranges, true
	case *grammar.Bytes:
		if r, n := utf8.DecodeRune(e.B); n == len(e.B) && n > 0 && !(r == utf8.RuneError && n == 1) {
			return []grammar.Range{{Lo: r, Hi: r}}, true
		}
	}
	return nil, false
}

func rep(p part, lo, hi int) part {
	switch {
	case hi != grammar.Unbounded && hi < lo:
		return nothing
	case p.e == nil:
		if lo == 0 {
			return eps()
		}
		return nothing
	case hi == 0 || p.isEps():
		return eps()
	case lo == 1 && hi == 1:
		return p
	}
	return part{e: &grammar.Repeat{X: p.e, Min: lo, Max: hi}, null: lo == 0 || p.null, size: p.size + 1}
}
