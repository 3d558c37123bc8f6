package jsonlex

import (
	"fmt"
	"unicode/utf8"

	"github.com/gramc/gramc/grammar"
)

// specials are the code points that a JSON string never holds raw: the
// quote, the backslash and the C0 controls.
var specials = []grammar.Range{{Lo: 0, Hi: 0x1F}, {Lo: '"', Hi: '"'}, {Lo: '\\', Hi: '\\'}}

// shortEscapes maps the code points with a two-character escape to the
// letter after the backslash.
var shortEscapes = []struct {
	r      rune
	letter byte
}{{'"', '"'}, {'\\', '\\'}, {'/', '/'}, {'\b', 'b'}, {'\f', 'f'}, {'\n', 'n'}, {'\r', 'r'}, {'\t', 't'}}

// Char matches one JSON-encoded string character: the text of one code
// point inside a JSON string. That is any code point except '"', '\' and
// U+0000–U+001F written raw, or an escape: \" \\ \/ \b \f \n \r \t, or \uXXXX
// (hex digits in either case) for a code point outside the surrogates, or
// a surrogate pair \uD8XX–\uDBXX \uDCXX–\uDFXX for a code point above
// U+FFFF. Lone or reversed surrogate escapes are not matched.
func Char() grammar.Expr {
	e, _ := escapeRanges([]grammar.Range{{Lo: 0, Hi: utf8.MaxRune}})
	return e
}

// Length matches the content (without quotes) of JSON strings of between
// min and max code points, max = grammar.Unbounded for no bound; an escape
// counts as the one code point it encodes.
func Length(min, max int) grammar.Expr {
	return &grammar.Repeat{X: Char(), Min: min, Max: max}
}

// Quoted wraps string content in the quotes: `"` content `"`.
func Quoted(content grammar.Expr) grammar.Expr {
	return &grammar.Seq{Items: []grammar.Expr{lit(`"`), content, lit(`"`)}}
}

// Literal matches every JSON encoding of the string s (content only,
// without quotes): each code point raw (where JSON allows it) or escaped
// in any of its forms. Bytes of s that are not valid UTF-8 stand for
// U+FFFD, as encoding/json decodes them.
func Literal(s string) grammar.Expr {
	var items []grammar.Expr
	for _, r := range s {
		items = append(items, escapeRune(r))
	}
	return seq(items...)
}

// Escape converts a code-point-level regular expression into the
// expression that matches the JSON-encoded text of the same strings (the
// content of a JSON string, without quotes): every code point becomes the
// alternation of its raw form, when JSON allows it raw, and all its
// escaped forms. e may be built from Class, Bytes (valid UTF-8), Seq, Alt,
// Repeat, And and Not (decoding is a function, so the encodings of an
// intersection or difference are the intersection or difference of the
// encodings). A Ref, Token or Perm inside is an error, as is a Bytes
// literal that is not valid UTF-8.
func Escape(e grammar.Expr) (grammar.Expr, error) {
	switch e := e.(type) {
	case *grammar.Bytes:
		if !utf8.Valid(e.B) {
			return nil, fmt.Errorf("%w: literal %q is not valid UTF-8", ErrUnsupported, e.B)
		}
		var items []grammar.Expr
		for _, r := range string(e.B) {
			items = append(items, escapeRune(r))
		}
		return seq(items...), nil
	case *grammar.Class:
		rs := grammar.ClassRanges(e)
		return escapeRanges(rs)
	case *grammar.Seq:
		items, err := escapeAll(e.Items)
		if err != nil {
			return nil, err
		}
		return &grammar.Seq{Items: items, Pos: e.Pos}, nil
	case *grammar.Alt:
		alts, err := escapeAll(e.Alts)
		if err != nil {
			return nil, err
		}
		return &grammar.Alt{Alts: alts, Pos: e.Pos}, nil
	case *grammar.Repeat:
		x, err := Escape(e.X)
		if err != nil {
			return nil, err
		}
		return &grammar.Repeat{X: x, Min: e.Min, Max: e.Max, Pos: e.Pos}, nil
	case *grammar.And:
		items, err := escapeAll(e.Items)
		if err != nil {
			return nil, err
		}
		return &grammar.And{Items: items, Pos: e.Pos}, nil
	case *grammar.Not:
		x, err := Escape(e.X)
		if err != nil {
			return nil, err
		}
		w, err := Escape(e.Within)
		if err != nil {
			return nil, err
		}
		return &grammar.Not{X: x, Within: w, Pos: e.Pos}, nil
	case nil:
		return nil, fmt.Errorf("%w: nil expression", ErrUnsupported)
	}
	return nil, fmt.Errorf("%w: %T cannot be JSON-escaped (only code-point-level regular expressions can)", ErrUnsupported, e)
}

// escapeRune is the JSON-encoded text of one code point.
func escapeRune(r rune) grammar.Expr {
	if r < 0 || r > utf8.MaxRune || (r >= 0xD800 && r <= 0xDFFF) {
		r = utf8.RuneError
	}
	var alts []grammar.Expr
	if !inRanges(r, specials) {
		alts = append(alts, lit(string(r)))
	}
	var esc []grammar.Expr
	for _, s := range shortEscapes {
		if s.r == r {
			esc = append(esc, lit(string(s.letter)))
		}
	}
	if r < 0x10000 {
		esc = append(esc, seq(lit("u"), hexValue(int(r))))
	} else {
		h, l := surrogates(r)
		esc = append(esc, seq(lit("u"), hexValue(h), lit(`\u`), hexValue(l)))
	}
	alts = append(alts, seq(lit(`\`), alt(esc...)))
	return alt(alts...)
}

func inRanges(r rune, rs []grammar.Range) bool {
	for _, x := range rs {
		if x.Lo <= r && r <= x.Hi {
			return true
		}
	}
	return false
}

func surrogates(r rune) (hi, lo int) {
	r -= 0x10000
	return 0xD800 + int(r>>10), 0xDC00 + int(r&0x3FF)
}

// escapeRanges is the JSON-encoded text of one code point in rs
// (normalized, without surrogates).
func escapeRanges(rs []grammar.Range) (grammar.Expr, error) {
	rs = grammar.NormalizeRanges(rs)
	if len(rs) == 0 {
		return none(), nil
	}
	var alts []grammar.Expr
	// Raw: rs minus the specials, written as the smaller of a positive
	// class and a negated one.
	raw := subtractRanges(rs, specials)
	if len(raw) > 0 {
		neg := grammar.NormalizeRanges(append(grammar.NegateRanges(raw), specials...))
		// NegateRanges drops the surrogates, which no class matches anyway.
		if len(neg) < len(raw) {
			alts = append(alts, &grammar.Class{Ranges: neg, Negated: true})
		} else {
			alts = append(alts, &grammar.Class{Ranges: raw})
		}
	}
	// Escapes.
	var letters []byte
	for _, s := range shortEscapes {
		if inRanges(s.r, rs) {
			letters = append(letters, s.letter)
		}
	}
	var esc []grammar.Expr
	if len(letters) > 0 {
		esc = append(esc, byteClass(letters...))
	}
	var us []grammar.Expr
	for _, r := range rs {
		if r.Lo <= 0xFFFF {
			us = append(us, hexRange(int(r.Lo), int(min(r.Hi, 0xFFFF))))
		}
		if r.Hi >= 0x10000 {
			us = append(us, pairRange(max(r.Lo, 0x10000), r.Hi))
		}
	}
	esc = append(esc, seq(lit("u"), alt(us...)))
	alts = append(alts, seq(lit(`\`), alt(esc...)))
	return alt(alts...), nil
}

// subtractRanges returns a \ b for normalized range lists.
func subtractRanges(a, b []grammar.Range) []grammar.Range {
	var out []grammar.Range
	for _, r := range a {
		cur := []grammar.Range{r}
		for _, s := range b {
			var next []grammar.Range
			for _, c := range cur {
				if s.Hi < c.Lo || s.Lo > c.Hi {
					next = append(next, c)
					continue
				}
				if c.Lo < s.Lo {
					next = append(next, grammar.Range{Lo: c.Lo, Hi: s.Lo - 1})
				}
				if c.Hi > s.Hi {
					next = append(next, grammar.Range{Lo: s.Hi + 1, Hi: c.Hi})
				}
			}
			cur = next
		}
		out = append(out, cur...)
	}
	return out
}

// hexDigits matches one hex digit with value in [lo, hi], either case.
func hexDigits(lo, hi int) grammar.Expr {
	if lo > hi {
		return none()
	}
	c := &grammar.Class{}
	if lo <= 9 {
		c.Ranges = append(c.Ranges, grammar.Range{Lo: rune('0' + lo), Hi: rune('0' + min(hi, 9))})
	}
	if hi >= 10 {
		a, b := max(lo, 10)-10, hi-10
		c.Ranges = append(c.Ranges, grammar.Range{Lo: rune('A' + a), Hi: rune('A' + b)}, grammar.Range{Lo: rune('a' + a), Hi: rune('a' + b)})
	}
	if len(c.Ranges) == 1 && c.Ranges[0].Lo == c.Ranges[0].Hi {
		return lit(string(c.Ranges[0].Lo))
	}
	return c
}

// hexValue matches the four hex digits of v, either case.
func hexValue(v int) grammar.Expr { return hexRange(v, v) }

// hexRange matches four hex digits (either case) whose value is in [lo, hi].
func hexRange(lo, hi int) grammar.Expr {
	return fixedRange(baseDigits(lo, 16, 4), baseDigits(hi, 16, 4), 16, hexDigits)
}

// pairRange matches the surrogate-pair escapes, after the first `\u`, of
// the code points in [lo, hi] (both above U+FFFF): HHHH \u LLLL.
func pairRange(lo, hi rune) grammar.Expr {
	hl, ll := surrogates(lo)
	hh, lh := surrogates(hi)
	pair := func(h1, h2, l1, l2 int) grammar.Expr {
		return seq(hexRange(h1, h2), lit(`\u`), hexRange(l1, l2))
	}
	if hl == hh {
		return pair(hl, hl, ll, lh)
	}
	var alts []grammar.Expr
	first, last := hl, hh
	if ll != 0xDC00 {
		alts = append(alts, pair(hl, hl, ll, 0xDFFF))
		first++
	}
	if lh != 0xDFFF {
		alts = append(alts, pair(hh, hh, 0xDC00, lh))
		last--
	}
	if first <= last {
		alts = append(alts, pair(first, last, 0xDC00, 0xDFFF))
	}
	return alt(alts...)
}

// baseDigits writes v with n digits in base b, most significant first.
func baseDigits(v, b, n int) []int {
	d := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		d[i] = v % b
		v /= b
	}
	return d
}

// escapeAll escapes every expression of xs.
func escapeAll(xs []grammar.Expr) ([]grammar.Expr, error) {
	out := make([]grammar.Expr, len(xs))
	for i, x := range xs {
		y, err := Escape(x)
		if err != nil {
			return nil, err
		}
		out[i] = y
	}
	return out, nil
}
