package automaton

import (
	"bytes"
	"unicode/utf8"

	"github.com/gramc/gramc/internal/jsonesc"
)

// Distinct keys. The members of a JSON object must have distinct keys,
// which no context-free grammar can say once undeclared keys are allowed.
// Package jsonschema makes each undeclared member a Key rule (Rule.Key: the
// quoted key, the colon, the value); the parser keeps the bytes it
// consumed and, when a quote closes a Key rule's string, records the
// decoded key under its permutation instance (the scope: the set where
// the enclosing Perm rule was entered). A Key item whose key equals an
// earlier key of the same scope is dropped, and a quote that leaves no
// item is refused. Declared keys need no record: the
// permutation's guard admits each at most once, and undeclared keys
// exclude them.
//
// Keys compare after unescaping: "a" and "\u0061" are the same key.
// Surrogate pairs are combined; a lone surrogate is kept as its three-byte
// (WTF-8) encoding.

// KeyRec is one key completed by a Key rule.
type KeyRec struct {
	Set   uint32 // the set in which the key's closing quote was consumed
	Scope uint32 // the set where its permutation instance was entered
	off   uint32 // the decoded key is keyBuf[off:off+n]
	n     uint32
}

// SetDistinct turns the rejection of repeated keys on or off (it is on
// for a program with Key rules). Package mask turns it off while it
// computes masks that do not depend on the keys seen.
func (ps *Parser) SetDistinct(on bool) { ps.distinct = on && ps.p.hasKeys }

// Distinct reports whether the parser rejects repeated keys.
func (ps *Parser) Distinct() bool { return ps.distinct }

// Keys returns the keys completed so far, in the order they completed.
func (ps *Parser) Keys() []KeyRec { return ps.recs }

// Key returns the decoded key of r.
func (ps *Parser) Key(r KeyRec) []byte { return ps.keyBuf[r.off : r.off+r.n] }

// Text returns the bytes consumed so far (Program.HasKeys only; a token
// edge counts as a zero byte).
func (ps *Parser) Text() []byte { return ps.text }

// OpenKey reports the Key rule item in the current set that is inside its
// string (InKeyString): the set where the key
// began and the scope whose keys it must differ from (Sentinel for none).
// ok is false when no key is in progress; mixed reports items that
// disagree on where it began.
func (ps *Parser) OpenKey() (origin, scope uint32, ok, mixed bool) {
	p := ps.p
	cur := uint32(len(ps.starts) - 1)
	var rule int32
	for _, it := range ps.Items() {
		ri := p.stateRule[it.State]
		if !p.Rules[ri].Key || !p.keyContent[it.State] || it.Origin >= cur || it.Origin == Sentinel {
			continue
		}
		if ok && it.Origin != origin {
			return 0, Sentinel, false, true
		}
		origin, rule, ok = it.Origin, ri, true
	}
	if !ok {
		return 0, Sentinel, false, false
	}
	return origin, ps.ScopeOf(origin, rule), true, false
}

// ClosedKey reports whether rule ri is a Key rule whose key language is
// not OpenEnded: a finite set of keys seen could exhaust it after some
// prefix, so the runtime checks the tokens that end inside such a key.
func (p *Program) ClosedKey(ri int32) bool { return p.keyClosed != nil && p.keyClosed[ri] }

// HasClosedKeys reports whether some Key rule is ClosedKey.
func (p *Program) HasClosedKeys() bool { return p.keyClosed != nil }

// InKeyString reports whether state s is inside the string of a Key rule:
// its opening quote consumed, its closing one not.
func (p *Program) InKeyString(s StateID) bool { return p.keyContent[s] }

// KeyMayStart reports whether a Key rule is predicted in the current set
// (a key may begin at the next byte).
func (ps *Parser) KeyMayStart() bool {
	p := ps.p
	for _, it := range ps.Items() {
		r := &p.Rules[p.stateRule[it.State]]
		if r.Key && it.State == r.Start {
			return true
		}
	}
	return false
}

// closeKeys checks the Key items of the current set (from index from on)
// that a quote has just moved out of their string: each key must differ
// from the earlier keys of its scope (keyDistinct); the items that repeat
// one are queued for dropRepeated.
func (ps *Parser) closeKeys(from int) {
	p := ps.p
	cur := uint32(len(ps.starts) - 1)
	for i := from; i < len(ps.items); i++ {
		it := ps.items[i]
		ri := p.stateRule[it.State]
		if !p.Rules[ri].Key || !p.keyClose[it.State] || it.Origin == Sentinel || it.Origin+2 > cur {
			continue
		}
		if !ps.keyDistinct(ri, it.Origin, cur) {
			ps.drop = append(ps.drop, i)
		}
	}
}

// keyDistinct checks the key of Key rule ri entered in set origin whose
// closing quote made set cur: it reports false if the key repeats an
// earlier key of its scope, and otherwise records it.
func (ps *Parser) keyDistinct(ri int32, origin, cur uint32) bool {
	ps.dec, _ = DecodeKey(ps.dec[:0], ps.text[origin+1:cur-1], true)
	scope := ps.ScopeOf(origin, ri)
	if scope == Sentinel {
		return true
	}
	for _, r := range ps.recs {
		if r.Scope == scope && bytes.Equal(ps.keyBuf[r.off:r.off+r.n], ps.dec) {
			return r.Set == cur // the same key, closed in another Key rule
		}
	}
	ps.recs = append(ps.recs, KeyRec{Set: cur, Scope: scope, off: uint32(len(ps.keyBuf)), n: uint32(len(ps.dec))})
	ps.keyBuf = append(ps.keyBuf, ps.dec...)
	return true
}

// maxScopeDepth bounds the walk from a Key rule up to its permutation.
const maxScopeDepth = 16

// ScopeOf returns the set where the permutation instance that called Key
// rule ri (entered in set origin) was entered, following the callers
// upwards (the key is called by a member rule, which the permutation
// calls); Sentinel if there is none.
func (ps *Parser) ScopeOf(origin uint32, ri int32) uint32 {
	p := ps.p
	for range maxScopeDepth {
		if origin == Sentinel || int(origin) >= len(ps.starts) {
			return Sentinel
		}
		found := false
		for _, w := range ps.SetItems(int(origin)) {
			for _, e := range p.Calls(w.State) {
				if e.Sym != ri {
					continue
				}
				wr := p.stateRule[w.State]
				if p.Rules[wr].Perm {
					return w.Origin
				}
				origin, ri, found = w.Origin, wr, true
				break
			}
			if found {
				break
			}
		}
		if !found {
			return Sentinel
		}
	}
	return Sentinel
}

// dropRepeated removes from the current set the Key items whose
// completion repeated a key (collected by closure) and reports whether the
// set still has items.
func (ps *Parser) dropRepeated() bool {
	if len(ps.drop) == 0 {
		return true
	}
	start := int(ps.starts[len(ps.starts)-1])
	out := start
	d := 0
	for i := start; i < len(ps.items); i++ {
		if d < len(ps.drop) && ps.drop[d] == i {
			d++
			continue
		}
		ps.items[out] = ps.items[i]
		out++
	}
	ps.items = ps.items[:out]
	ps.drop = ps.drop[:0]
	ps.dedupS = -1
	return out > start
}

// cutKeys drops the bytes and keys of sets n and later.
func (ps *Parser) cutKeys(n int) {
	ps.text = ps.text[:n-1]
	k := len(ps.recs)
	for k > 0 && int(ps.recs[k-1].Set) >= n {
		k--
	}
	if k < len(ps.recs) {
		ps.keyBuf = ps.keyBuf[:ps.recs[k].off]
		ps.recs = ps.recs[:k]
	}
}

// DecodeKey appends to dst the key that JSON string contents src spell:
// escapes decoded, surrogate pairs combined, a lone surrogate as its
// three-byte encoding, other bytes as they are. Unless src is final (the
// whole contents), pending reports that src ends inside an escape, or
// right after a high surrogate that a low one could still follow: a
// longer text could decode differently.
func DecodeKey(dst, src []byte, final bool) (out []byte, pending bool) {
	for i := 0; i < len(src); {
		c := src[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		if i+1 >= len(src) {
			if final {
				return append(dst, c), false // not JSON: kept as is
			}
			return dst, true
		}
		e := src[i+1]
		if b, ok := jsonesc.Short(e); ok {
			dst = append(dst, b)
			i += 2
			continue
		}
		switch e {
		case 'u':
			u, ok := hex4(src[i+2:])
			if !ok {
				if len(src)-(i+2) < 4 && !final && uEscapePrefix(src[i:]) {
					return dst, true
				}
				dst = append(dst, src[i:i+2]...) // not JSON: kept as is
				i += 2
				continue
			}
			i += 6
			if u >= 0xD800 && u < 0xDC00 {
				if lo, ok := lowSurrogate(src[i:]); ok {
					dst = utf8.AppendRune(dst, 0x10000+(u-0xD800)<<10+(lo-0xDC00))
					i += 6
					continue
				}
				if !final && len(src)-i < 6 && uEscapePrefix(src[i:]) {
					return dst, true // a low surrogate could still follow
				}
			}
			dst = appendWTF8(dst, u)
			continue
		default:
			dst = append(dst, c, e) // not JSON: kept as is
		}
		i += 2
	}
	return dst, false
}

// lowSurrogate reads a \uXXXX escape of a low surrogate at the start of b.
func lowSurrogate(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	lo, ok := hex4(b[2:])
	return lo, ok && lo >= 0xDC00 && lo < 0xE000
}

// uEscapePrefix reports whether b (shorter than six bytes) could be the
// start of a \uXXXX escape; the empty b could.
func uEscapePrefix(b []byte) bool {
	for i, c := range b {
		switch {
		case i == 0 && c != '\\', i == 1 && c != 'u':
			return false
		case i >= 2 && !isHex(c):
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// appendWTF8 appends the UTF-8 encoding of u, a UTF-16 code unit; a
// surrogate gets the three-byte form utf8.AppendRune refuses.
func appendWTF8(dst []byte, u rune) []byte {
	if u >= 0xD800 && u < 0xE000 {
		return append(dst, 0xED, byte(0x80|(u>>6)&0x3F), byte(0x80|u&0x3F))
	}
	return utf8.AppendRune(dst, u)
}
