// Package runtime walks a compiled grammar token by token: a Matcher per
// sequence fills the allowed-token mask for the next step, accepts the
// sampled token, rolls back and forks. Compiled, the artifact Matchers
// share, holds the automaton, the vocabulary and the precomputed masks.
//
// The package name follows the project layout; it shadows the standard
// library's runtime, which files here import as goruntime.
//
// Conventions: c is a *Compiled, m a *Matcher, t a token id, k a mask.
package runtime

import (
	"errors"
	"slices"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/mask"
	"github.com/gramc/gramc/vocab"
)

// Errors returned by Matcher methods. They are preallocated sentinels, so
// the hot path allocates nothing.
var (
	ErrRejected     = errors.New("gramc: token not allowed by the grammar")
	ErrTerminated   = errors.New("gramc: the matcher has already accepted EOS")
	ErrInvalidToken = errors.New("gramc: token id out of range or padding")
	ErrRollback     = errors.New("gramc: cannot roll back more tokens than were accepted")
)

// Compiled is a grammar compiled for one vocabulary: immutable and safe for
// concurrent use by any number of Matchers.
type Compiled struct {
	Prog  *automaton.Program
	Vocab *vocab.Vocabulary
	Table *mask.Table

	keys *keyIndex // the vocabulary's key-closing tokens, when Prog.HasKeys
}

// New returns prog compiled for v. State masks are computed on first use;
// call Precompute to compute them all up front.
func New(prog *automaton.Program, v *vocab.Vocabulary) *Compiled {
	c := &Compiled{Prog: prog, Vocab: v, Table: mask.NewTable(prog, v)}
	if prog.HasKeys() {
		c.keys = keyIndexOf(v)
		if prog.HasClosedKeys() {
			c.keys.closedIndex(v) // built once per vocabulary, here rather than in a FillMask
		}
	}
	return c
}

// Precompute computes the mask of every state now (on all cores), so that
// no later FillMask pays for a first visit. It returns c.
func (c *Compiled) Precompute() *Compiled {
	c.Table.Precompute()
	return c
}

// NewMask returns an empty mask sized to the vocabulary's logits width.
func (c *Compiled) NewMask() *mask.Mask { return mask.New(c.Vocab.LogitsWidth()) }

// Matcher tracks one sequence through the grammar. It is not safe for
// concurrent use; Fork gives another goroutine its own.
type Matcher struct {
	c          *Compiled
	ps         *automaton.Parser
	marks      []mark // one per accepted token
	terminated bool
	adv        []automaton.Item // scratch
	sc         mask.Scratch
	key        []byte // scratch: the key in progress, decoded
	live       []byte // scratch: keyAlive's string so far (raw)
	dec        []byte // scratch: keyAlive's key so far (decoded)
}

type mark struct {
	len int  // parser sets before the token
	eos bool // the token was EOS
}

// NewMatcher returns a matcher at the start of the grammar.
func (c *Compiled) NewMatcher() *Matcher {
	return &Matcher{c: c, ps: automaton.NewParser(c.Prog)}
}

// Compiled returns the artifact the matcher walks.
func (m *Matcher) Compiled() *Compiled { return m.c }

// Parser exposes the byte-level parser (for tools and the oracle).
func (m *Matcher) Parser() *automaton.Parser { return m.ps }

// Reset returns to the start of the grammar.
func (m *Matcher) Reset() {
	m.ps.Reset()
	m.marks = m.marks[:0]
	m.terminated = false
}

// Fork returns an independent matcher in the same state. The parser's sets
// are shared copy-on-write, so forking costs O(accepted tokens) for the
// rollback marks only.
func (m *Matcher) Fork() *Matcher {
	return &Matcher{c: m.c, ps: m.ps.Fork(), marks: slices.Clone(m.marks), terminated: m.terminated}
}

// FillMask writes the allowed tokens for the next step into k and reports
// whether the mask constrains anything (false: every text token and EOS
// are allowed, so applying it can be skipped). After EOS nothing is allowed.
// A mask of another width is resized to the vocabulary's logits width.
func (m *Matcher) FillMask(k *mask.Mask) bool {
	if k.Width() != m.c.Vocab.LogitsWidth() {
		k.Resize(m.c.Vocab.LogitsWidth())
	}
	if m.terminated {
		k.Reset()
		return true
	}
	constrained := m.c.Table.Fill(m.ps, k, &m.sc)
	if m.c.keys != nil && m.distinctKeys(k) {
		constrained = true
	}
	return constrained
}

// Allows reports whether Accept(t) would succeed, leaving the state as it is.
func (m *Matcher) Allows(t int32) bool {
	if m.Accept(t) != nil {
		return false
	}
	m.Rollback(1)
	return true
}

// Accept advances over token t, or returns ErrRejected (state unchanged),
// ErrInvalidToken or ErrTerminated.
func (m *Matcher) Accept(t int32) error {
	if m.terminated {
		return ErrTerminated
	}
	v := m.c.Vocab
	if t < 0 || int(t) >= v.Size() {
		return ErrInvalidToken
	}
	if v.IsEOS(t) && m.ps.CanStop() {
		m.marks = append(m.marks, mark{len: m.ps.Len(), eos: true})
		m.terminated = true
		return nil
	}
	base := m.ps.Len()
	normal := v.Normal(t)
	m.adv = m.ps.TokenAdvances(m.adv[:0], func(set int32) bool {
		ts := &m.c.Prog.TokenSets[set]
		_, found := slices.BinarySearch(ts.IDs, t)
		if ts.Negated {
			return normal && !found
		}
		return found
	})
	if normal {
		ok := true
		for _, b := range v.Bytes(t) {
			if !m.ps.Push(b) {
				ok = false
				break
			}
		}
		if ok {
			if len(m.adv) > 0 {
				m.ps.MergeItems(m.adv)
			}
			m.marks = append(m.marks, mark{len: base})
			return nil
		}
		m.ps.Truncate(base)
	}
	if m.ps.PushItems(m.adv) {
		m.marks = append(m.marks, mark{len: base})
		return nil
	}
	return ErrRejected
}

// AcceptBytes advances over raw bytes (counted as one step for Rollback).
// On failure the state is unchanged.
func (m *Matcher) AcceptBytes(b []byte) error {
	if m.terminated {
		return ErrTerminated
	}
	base := m.ps.Len()
	for _, x := range b {
		if !m.ps.Push(x) {
			m.ps.Truncate(base)
			return ErrRejected
		}
	}
	m.marks = append(m.marks, mark{len: base})
	return nil
}

// Rollback undoes the last n accepted steps (tokens or AcceptBytes calls).
func (m *Matcher) Rollback(n int) error {
	if n < 0 || n > len(m.marks) {
		return ErrRollback
	}
	if n == 0 {
		return nil
	}
	mk := m.marks[len(m.marks)-n]
	m.marks = m.marks[:len(m.marks)-n]
	m.ps.Truncate(mk.len)
	m.terminated = false
	return nil
}

// Steps is the number of accepted steps that Rollback can undo.
func (m *Matcher) Steps() int { return len(m.marks) }

// CanStop reports whether the output is complete, so EOS is allowed.
func (m *Matcher) CanStop() bool { return !m.terminated && m.ps.CanStop() }

// Terminated reports whether EOS has been accepted.
func (m *Matcher) Terminated() bool { return m.terminated }

// Done reports whether nothing but EOS can follow (or EOS was accepted).
func (m *Matcher) Done() bool {
	if m.terminated {
		return true
	}
	if !m.ps.CanStop() {
		return false
	}
	next := m.ps.NextBytes()
	if next != (automaton.ByteSet{}) {
		return false
	}
	for _, it := range m.ps.Items() {
		if len(m.c.Prog.Tokens(it.State)) > 0 {
			return false
		}
	}
	return true
}

// MaxForced bounds the length of ForcedBytes.
const MaxForced = 4096

// ForcedBytes returns the bytes the grammar forces next (jump-forward):
// the longest string s such that every continuation starts with s. It is
// empty when the next byte is not determined or the output may end here.
func (m *Matcher) ForcedBytes() []byte {
	if m.terminated {
		return nil
	}
	var out []byte
	base := m.ps.Len()
	for len(out) < MaxForced && !m.ps.CanStop() {
		for _, it := range m.ps.Items() {
			if len(m.c.Prog.Tokens(it.State)) > 0 {
				goto done
			}
		}
		next := m.ps.NextBytes()
		b, ok := single(&next)
		if !ok || !m.ps.Push(b) {
			break
		}
		out = append(out, b)
	}
done:
	m.ps.Truncate(base)
	return out
}

func single(s *automaton.ByteSet) (byte, bool) {
	found := -1
	for b := range 256 {
		if s.Has(byte(b)) {
			if found >= 0 {
				return 0, false
			}
			found = b
		}
	}
	return byte(found), found >= 0
}

// FillDraftMasks serves speculative decoding: for each draft token in
// turn it fills masks[i] (the mask before draft[i]) and accepts draft[i] if
// allowed. It returns how many draft tokens were accepted; masks[n] (when
// present) is the mask after them. The matcher is left as it was: accept
// the verified prefix afterwards with Accept. len(masks) must be at least
// len(draft)+1 for the mask after the last token; extra masks are ignored.
func (m *Matcher) FillDraftMasks(draft []int32, masks []*mask.Mask) int {
	n := 0
	for n < len(draft) && n < len(masks) {
		m.FillMask(masks[n])
		if !masks[n].Has(draft[n]) || m.Accept(draft[n]) != nil {
			break
		}
		n++
	}
	if n == len(draft) && n < len(masks) {
		m.FillMask(masks[n])
	}
	m.Rollback(n)
	return n
}

// ForcedTokens returns the forced continuation (ForcedBytes) as tokens
// that can be accepted without sampling, and their bytes. The bytes are
// tokenized with the vocabulary's encoder (greedy longest match when it
// has none); trailing tokens are withheld when a longer vocabulary token
// could start inside them and run past the forced bytes, so the model
// still gets to pick the canonical token at the boundary (e.g. forced
// `"name` must not end in `name` if `names` exists and may follow).
func (m *Matcher) ForcedTokens() ([]int32, []byte) {
	forced := m.ForcedBytes()
	if len(forced) == 0 {
		return nil, nil
	}
	v := m.c.Vocab
	toks, err := v.Tokenize(string(forced))
	if err != nil {
		return nil, nil
	}
	// Withhold from the first token at whose start a longer token could
	// begin and extend past the end of the forced bytes.
	trie := m.c.Table.Trie()
	starts := make([]int, len(toks))
	off := 0
	for i, t := range toks {
		starts[i] = off
		off += len(v.Bytes(t))
	}
	if off != len(forced) {
		return nil, nil // the encoder did not reproduce the bytes
	}
	keep := len(toks)
	for i := len(toks) - 1; i >= 0 && i >= len(toks)-4; i-- {
		if trie.Extends(forced[starts[i]:]) {
			keep = i
		}
	}
	if keep == 0 {
		return nil, nil
	}
	end := len(forced)
	if keep < len(toks) {
		end = starts[keep]
	}
	return toks[:keep], forced[:end]
}
