package runtime

import (
	"bytes"
	"math/bits"
	"sync"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/mask"
	"github.com/gramc/gramc/vocab"
)

// Distinct keys at the token level. The parser refuses the quote that
// closes a repeated undeclared key (automaton/keys.go), so Accept is
// exact; the precomputed masks ignore the keys seen, so FillMask removes
// the tokens that would repeat one. A token can complete a key only
// through a closing quote:
//   - its first quote may close the key in progress: the tokens whose text
//     before that quote, decoded, is what an earlier key of the same
//     object has beyond the key's text so far (a lookup per earlier key);
//   - a key may open and close within it: keys open after '{' or ',' and
//     JSON whitespace, so only tokens with such a quote and a later one
//     (inside), or starting with whitespace, a quote and a later quote
//     where a key may begin (Parser.KeyMayStart), are pushed through the
//     parser when allowed (a few dozen tokens in a vocabulary).
//
// Removing a token that would repeat a key can leave a dead end only where
// a key's language runs out: after the prefix "ab" of a key language with
// finitely many completions, all of them used. Most key languages are
// open-ended (automaton.Program.OpenEnded: every prefix has infinitely
// many completions); for the others (closed Key rules), FillMask also
// removes the tokens that end inside such a key with no unused completion
// left (keyAlive), and package jsonschema bounds the member count of an
// object whose undeclared keys are finitely many, so that a separator is
// not allowed once every key is used.

// keyIndex is a vocabulary's tokens that can close a key.
type keyIndex struct {
	// byPrefix maps the decoded text before a token's first unescaped
	// '"' to the tokens with that text: where a key is in progress, that
	// quote closes it.
	byPrefix map[string][]int32
	// Tokens with two or more '"' bytes that could both open and close a
	// key: inside (a '{' or ',', JSON whitespace, '"', and a later '"'),
	// or only from their start (whitespace, '"', a later '"'), where a key
	// may begin at the token's start.
	inside, start []int32
	quote         []int32 // tokens with a '"' byte

	// For closed Key rules: the quote-free tokens by their decoded text,
	// and the one-quote tokens that can open a key (only whitespace and
	// one '{' or ',' before the quote) by the decoded text after it.
	closed   sync.Once
	byText   map[string][]int32
	byOpened map[string][]int32
}

// keyIndexes holds one index per vocabulary for the life of the process,
// like the vocabularies themselves.
var keyIndexes sync.Map // *vocab.Vocabulary → *keyIndex

// keyIndexOf returns v's key index, building it on first use.
func keyIndexOf(v *vocab.Vocabulary) *keyIndex {
	if ix, ok := keyIndexes.Load(v); ok {
		return ix.(*keyIndex)
	}
	ix := &keyIndex{byPrefix: map[string][]int32{}}
	var dec []byte
	for t := range int32(v.Size()) {
		if !v.Normal(t) {
			continue
		}
		b := v.Bytes(t)
		n := bytes.Count(b, []byte{'"'})
		if n == 0 {
			continue
		}
		ix.quote = append(ix.quote, t)
		if n > 1 {
			switch inside, start := opensKey(b); {
			case inside:
				ix.inside = append(ix.inside, t)
			case start:
				ix.start = append(ix.start, t)
			}
		}
		q := firstUnescapedQuote(b)
		if q < 0 {
			continue
		}
		dec, _ = automaton.DecodeKey(dec[:0], b[:q], true)
		ix.byPrefix[string(dec)] = append(ix.byPrefix[string(dec)], t)
	}
	got, _ := keyIndexes.LoadOrStore(v, ix)
	return got.(*keyIndex)
}

// opensKey reports whether b could open a key and close it again: inside
// ('{' or ',', JSON whitespace, '"', then another '"' later), or at its
// start (JSON whitespace, '"', another '"' later). A key opens only after
// '{' or ',' and whitespace.
func opensKey(b []byte) (inside, start bool) {
	isWS := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	quoteAfter := func(i int) bool { return bytes.IndexByte(b[i+1:], '"') >= 0 }
	i := 0
	for i < len(b) && isWS(b[i]) {
		i++
	}
	start = i < len(b) && b[i] == '"' && quoteAfter(i)
	for j, c := range b {
		if c != '{' && c != ',' {
			continue
		}
		k := j + 1
		for k < len(b) && isWS(b[k]) {
			k++
		}
		if k < len(b) && b[k] == '"' && quoteAfter(k) {
			inside = true
		}
	}
	return inside, start
}

// closedIndex builds the maps that closed Key rules need, once.
func (ix *keyIndex) closedIndex(v *vocab.Vocabulary) {
	ix.closed.Do(func() {
		ix.byText, ix.byOpened = map[string][]int32{}, map[string][]int32{}
		var dec []byte
		for t := range int32(v.Size()) {
			if !v.Normal(t) {
				continue
			}
			b := v.Bytes(t)
			// A token that ends inside an escape is filed under the text
			// before it.
			switch bytes.Count(b, []byte{'"'}) {
			case 0:
				dec, _ = automaton.DecodeKey(dec[:0], b, false)
				ix.byText[string(dec)] = append(ix.byText[string(dec)], t)
			case 1:
				q := bytes.IndexByte(b, '"')
				if !structural(b[:q]) {
					continue // the quote cannot open a key
				}
				dec, _ = automaton.DecodeKey(dec[:0], b[q+1:], false)
				ix.byOpened[string(dec)] = append(ix.byOpened[string(dec)], t)
			}
		}
	})
}

// structural reports whether b can stand before a quote that opens a key:
// JSON whitespace with at most one '{' or ','.
func structural(b []byte) bool {
	seen := false
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
		case '{', ',':
			if seen {
				return false
			}
			seen = true
		default:
			return false
		}
	}
	return true
}

// firstUnescapedQuote returns the index of the first '"' in b that is not
// escaped, reading b as string contents from the start of a character.
func firstUnescapedQuote(b []byte) int {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// distinctKeys removes from k the tokens that would repeat a key of their
// object, and reports whether it removed any.
func (m *Matcher) distinctKeys(k *mask.Mask) bool {
	ps, ix := m.ps, m.c.keys
	if len(ps.Keys()) == 0 {
		// No key recorded yet: only a token that opens a key inside can
		// complete a second one (or end in a key it repeats).
		return m.dropFailing(k, ix.inside)
	}
	removed := false
	origin, scope, ok, mixed := ps.OpenKey()
	all := mixed // keys disagree, or the next quote may be escaped: push every quote token
	if ok && scope != automaton.Sentinel {
		var pending bool
		m.key, pending = automaton.DecodeKey(m.key[:0], ps.Text()[origin+1:], false)
		all = all || pending
		for _, r := range ps.Keys() {
			key := ps.Key(r)
			if pending || r.Scope != scope || !bytes.HasPrefix(key, m.key) {
				continue
			}
			for _, t := range ix.byPrefix[string(key[len(m.key):])] {
				if k.Has(t) {
					k.Clear(t)
					removed = true
				}
			}
		}
	}
	switch {
	case all:
		removed = m.dropFailing(k, ix.quote) || removed
	case ps.KeyMayStart():
		removed = m.dropFailing(k, ix.inside) || removed
		removed = m.dropFailing(k, ix.start) || removed
	default:
		removed = m.dropFailing(k, ix.inside) || removed
	}
	if !m.c.Prog.HasClosedKeys() {
		return removed
	}
	// Closed Key rules: the tokens that end inside a key whose text so far
	// begins an earlier key of its object (any other prefix has a
	// completion that no earlier key has).
	if ok && all && !mixed && scope != automaton.Sentinel {
		// Inside an escape (m.key: the text before it): if an earlier key
		// begins so, every allowed token is pushed (rare: a closed key
		// language, an earlier key and an escape in progress).
		for _, r := range ps.Keys() {
			if r.Scope == scope && bytes.HasPrefix(ps.Key(r), m.key) {
				return m.dropFailingAll(k) || removed
			}
		}
		return removed
	}
	for _, r := range ps.Keys() {
		key := ps.Key(r)
		switch {
		case ok && !all:
			// In a key: the quote-free tokens that extend its text
			// towards an earlier key.
			if r.Scope == scope && bytes.HasPrefix(key, m.key) {
				for j := len(m.key); j <= len(key); j++ {
					removed = m.dropFailing(k, ix.byText[string(key[len(m.key):j])]) || removed
				}
			}
		case !ok:
			// Outside keys: the tokens that open a key with the start
			// of an earlier one.
			for j := 0; j <= len(key); j++ {
				removed = m.dropFailing(k, ix.byOpened[string(key[:j])]) || removed
			}
		}
	}
	return removed
}

// dropFailingAll removes from k every normal token that pushes refuses.
func (m *Matcher) dropFailingAll(k *mask.Mask) bool {
	removed := false
	v := m.c.Vocab
	for i, w := range k.Words() {
		for w != 0 {
			t := int32(i*64 + bits.TrailingZeros64(w))
			w &= w - 1
			if int(t) < v.Size() && v.Normal(t) && !m.pushes(t) {
				k.Clear(t)
				removed = true
			}
		}
	}
	return removed
}

// dropFailing removes from k the tokens of ids that it allows and that
// pushes refuses, and reports whether it removed any.
func (m *Matcher) dropFailing(k *mask.Mask, ids []int32) bool {
	removed := false
	for _, t := range ids {
		if k.Has(t) && !m.pushes(t) {
			k.Clear(t)
			removed = true
		}
	}
	return removed
}

// pushes reports whether the parser accepts normal token t's bytes and,
// where the program has closed Key rules, is not left inside a key with
// no unused completion; the parser's state is left as it was.
func (m *Matcher) pushes(t int32) bool {
	base := m.ps.Len()
	ok := true
	for _, b := range m.c.Vocab.Bytes(t) {
		if !m.ps.Push(b) {
			ok = false
			break
		}
	}
	if ok && m.c.Prog.HasClosedKeys() {
		ok = m.keyLive()
	}
	m.ps.Truncate(base)
	return ok
}

// keyLive reports whether the current set can still complete: false only
// when it has Key items inside their strings, all of closed Key rules whose
// key cannot be finished without repeating an earlier key of its object,
// and no other item that can go on (a declared key's literal, say).
// Elsewhere the grammar cannot dead-end: the permutation's member bound
// covers objects whose undeclared keys are all used.
func (m *Matcher) keyLive() bool {
	ps, p := m.ps, m.c.Prog
	cur := uint32(ps.Len() - 1)
	inKey := false
	for _, it := range ps.Items() {
		ri := p.RuleOf(it.State)
		if !p.Rules[ri].Key || !p.InKeyString(it.State) || it.Origin >= cur {
			// Not inside a key: alive if it can read on.
			if !p.FirstBytes(it.State).Empty() || len(p.Tokens(it.State)) > 0 {
				return true
			}
			continue
		}
		inKey = true
		if !m.c.Prog.ClosedKey(ri) {
			return true
		}
		scope := ps.ScopeOf(it.Origin, ri)
		if scope == automaton.Sentinel {
			return true
		}
		m.live = append(m.live[:0], ps.Text()[it.Origin+1:]...)
		budget := keyAliveBudget
		if m.keyAlive(it.State, scope, &budget) {
			return true
		}
	}
	return !inKey // no item reads on: the parse is complete, or dead without keys' help
}

// keyAlive reports whether, from state q of a closed Key rule whose string
// so far is m.live (raw bytes), some completion spells a key that no
// earlier key of scope has. It follows the bytes that keep the decoded key
// a prefix of an earlier key (and, inside an escape, every byte the rule
// allows, until the character is known): any other byte, or a closing
// quote after a new key, proves it alive. A key that only an escape can
// spell (a control character, '"' or '\\') is not looked for, so such a key
// alone does not keep the prefix alive. The search is bounded (budget);
// past the bound the prefix counts as dead (a token refused, never a dead
// end allowed).
func (m *Matcher) keyAlive(q automaton.StateID, scope uint32, budget *int) bool {
	if *budget--; *budget < 0 {
		return false
	}
	ps, p := m.ps, m.c.Prog
	raw := m.live
	var pending bool
	m.dec, pending = automaton.DecodeKey(m.dec[:0], raw, false)
	first := p.FirstBytes(q)
	var next automaton.ByteSet // bytes that continue an earlier key
	if !pending {
		d := m.dec
		prefix, exact := false, false
		for _, r := range ps.Keys() {
			key := ps.Key(r)
			if r.Scope != scope || !bytes.HasPrefix(key, d) {
				continue
			}
			prefix = true
			if len(key) == len(d) {
				exact = true
			} else {
				next.Add(key[len(d)])
			}
		}
		if !prefix {
			return true // no earlier key begins so: any completion is new
		}
		if first.Has('"') && !exact {
			return true // closing now spells a new key
		}
		for i := range first {
			other := first[i] &^ next[i]
			if i == 0 {
				other &^= 1<<'"' | 0xFFFFFFFF // controls are never raw
			}
			if i == 1 {
				other &^= 1 << ('\\' - 64)
			}
			if other != 0 {
				return true // a byte no earlier key has here
			}
		}
		next.Add('\\') // an escape may spell the next character
	}
	n := len(raw)
	for b := range 256 {
		if b == '"' || !first.Has(byte(b)) || (!pending && !next.Has(byte(b))) {
			continue
		}
		m.live = append(m.live[:n], byte(b))
		if m.keyAlive(p.Next(q, byte(b)), scope, budget) {
			m.live = m.live[:n]
			return true
		}
	}
	m.live = m.live[:n]
	return false
}

// keyAliveBudget bounds keyAlive's search (nodes).
const keyAliveBudget = 4096
