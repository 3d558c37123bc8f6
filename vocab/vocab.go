package vocab

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
)

// TokenID is a token id (int32, as in llama.cpp and XGrammar).
type TokenID = int32

// Per-id flags.
const (
	flagSpecial uint8 = 1 << iota // never generated as text (includes EOS)
	flagEOS                       // ends generation
	flagAdded                     // non-special added token (added.txt)
)

// A Vocabulary is a tokenizer's set of tokens: the bytes of every id, the
// special and EOS ids, and the width of the model's logits row. It is
// immutable and safe for concurrent use.
type Vocabulary struct {
	name   string
	data   []byte    // all token bytes, concatenated
	off    []int32   // token t is data[off[t]:off[t+1]]; len(off) == Size()+1
	flags  []uint8   // flagSpecial | flagEOS | flagAdded, per id
	eos    []TokenID // primary first
	width  int       // logits width, >= Size()
	maxLen int       // longest normal token in bytes

	enc    *encoder // nil if Encode is not available
	encErr error    // why enc is nil (wraps ErrNoEncoder)

	lookup *lookupTable // built on first use; shared by WithLogitsWidth copies
	fp     *fingerprint // computed on first use; per width
}

type lookupTable struct {
	once    sync.Once
	special map[string]TokenID // special token text -> lowest id
	normal  map[string]TokenID // normal token bytes -> lowest id
}

type fingerprint struct {
	once sync.Once
	sum  [32]byte
}

// New builds a Vocabulary from raw token bytes: tokens[t] is the bytes of
// id t (an empty slice marks an id with no token; it is never Normal).
// special lists ids that are never generated as text; eos lists ids that
// end generation, primary first. EOS ids are always special as well:
// IsSpecial reports true for them, and they are never Normal. The token
// bytes are copied; LogitsWidth is len(tokens).
func New(name string, tokens [][]byte, special, eos []TokenID) (*Vocabulary, error) {
	total := 0
	for _, b := range tokens {
		total += len(b)
	}
	if total > math.MaxInt32 || len(tokens) >= math.MaxInt32 {
		return nil, fmt.Errorf("vocab %s: too large (%d tokens, %d bytes)", name, len(tokens), total)
	}
	data := make([]byte, 0, total)
	off := make([]int32, 1, len(tokens)+1)
	for _, b := range tokens {
		data = append(data, b...)
		off = append(off, int32(len(data)))
	}
	return build(name, data, off, special, eos, nil)
}

// build assembles a Vocabulary from concatenated token bytes and offsets,
// checking the id lists. added lists non-special added tokens.
func build(name string, data []byte, off []int32, special, eos, added []TokenID) (*Vocabulary, error) {
	size := len(off) - 1
	v := &Vocabulary{
		name:   name,
		data:   data,
		off:    off,
		flags:  make([]uint8, size),
		width:  size,
		lookup: new(lookupTable),
		fp:     new(fingerprint),
	}
	for _, t := range special {
		if t < 0 || int(t) >= size {
			return nil, fmt.Errorf("vocab %s: special id %d out of range [0, %d)", name, t, size)
		}
		v.flags[t] |= flagSpecial
	}
	for _, t := range eos {
		if t < 0 || int(t) >= size {
			return nil, fmt.Errorf("vocab %s: EOS id %d out of range [0, %d)", name, t, size)
		}
		if v.flags[t]&flagEOS != 0 {
			continue // duplicate
		}
		v.flags[t] |= flagEOS | flagSpecial
		v.eos = append(v.eos, t)
	}
	for _, t := range added {
		if t < 0 || int(t) >= size {
			return nil, fmt.Errorf("vocab %s: added id %d out of range [0, %d)", name, t, size)
		}
		if v.flags[t]&flagSpecial == 0 {
			v.flags[t] |= flagAdded
		}
	}
	for t := range size {
		if n := int(off[t+1] - off[t]); n > v.maxLen && v.Normal(TokenID(t)) {
			v.maxLen = n
		}
	}
	v.encErr = fmt.Errorf("%w: vocabulary %s has no tokenizer.json or vocab.json", ErrNoEncoder, name)
	return v, nil
}

var byteLevel = sync.OnceValue(func() *Vocabulary {
	tokens := make([][]byte, 257)
	for i := range 256 {
		tokens[i] = []byte{byte(i)}
	}
	tokens[256] = []byte("</s>")
	v, err := New("bytes", tokens, []TokenID{256}, []TokenID{256})
	if err != nil {
		panic(err) // unreachable
	}
	return v
})

// ByteLevel returns the built-in byte vocabulary "bytes": id i is the
// single byte i for i < 256, and id 256 is a special EOS token whose text
// is "</s>". The result is shared; it is immutable.
func ByteLevel() *Vocabulary { return byteLevel() }

// Name returns the vocabulary's name: the folder name for Load, the name
// given to New or LoadTokenizerJSON, or "bytes" for ByteLevel.
func (v *Vocabulary) Name() string { return v.name }

// Size returns the number of token ids the tokenizer defines: ids are
// 0 ... Size()-1.
func (v *Vocabulary) Size() int { return len(v.flags) }

// LogitsWidth returns the number of rows of the model's logits, at least
// Size(). Ids in [Size(), LogitsWidth()) are padding: they have no token
// and must never be allowed.
func (v *Vocabulary) LogitsWidth() int { return v.width }

// WithLogitsWidth returns a copy of v whose LogitsWidth is n. It fails if
// n < Size().
func (v *Vocabulary) WithLogitsWidth(n int) (*Vocabulary, error) {
	if n < v.Size() {
		return nil, fmt.Errorf("vocab %s: logits width %d is less than the vocabulary size %d", v.name, n, v.Size())
	}
	w := *v
	w.width = n
	w.fp = new(fingerprint)
	return &w, nil
}

// Bytes returns the bytes of token t, or nil if t is out of range. An id
// with no token (an unassigned id) has empty bytes. The result must not be
// modified.
func (v *Vocabulary) Bytes(t TokenID) []byte {
	if t < 0 || int(t) >= v.Size() {
		return nil
	}
	lo, hi := v.off[t], v.off[t+1]
	return v.data[lo:hi:hi]
}

// IsSpecial reports whether t is a special token: one that is never
// generated as text (BOS, EOS, pad, control and reserved tokens, and ids
// with no token). EOS ids are special.
func (v *Vocabulary) IsSpecial(t TokenID) bool {
	return t >= 0 && int(t) < v.Size() && v.flags[t]&flagSpecial != 0
}

// IsEOS reports whether t ends generation.
func (v *Vocabulary) IsEOS(t TokenID) bool {
	return t >= 0 && int(t) < v.Size() && v.flags[t]&flagEOS != 0
}

// IsAdded reports whether t is a non-special added token (added.txt, or an
// added token with "special": false in tokenizer.json), such as Qwen3's
// <think>. Such tokens decode to ordinary text and are Normal; whether a
// grammar may emit them is the caller's policy.
func (v *Vocabulary) IsAdded(t TokenID) bool {
	return t >= 0 && int(t) < v.Size() && v.flags[t]&flagAdded != 0
}

// EOS returns the ids that end generation, primary first. The result must
// not be modified.
func (v *Vocabulary) EOS() []TokenID { return v.eos }

// Normal reports whether t may appear in generated text: it is in range,
// not special (hence not EOS), and has at least one byte.
func (v *Vocabulary) Normal(t TokenID) bool {
	return t >= 0 && int(t) < v.Size() && v.flags[t]&flagSpecial == 0 && v.off[t+1] > v.off[t]
}

// MaxTokenLen returns the length in bytes of the longest normal token.
func (v *Vocabulary) MaxTokenLen() int { return v.maxLen }

// Lookup returns the token whose bytes are exactly text. A special token
// is found by its text (for example "<|eot_id|>") and is preferred over a
// normal token with the same bytes; among normal tokens the lowest id
// wins. Ids with no token are never returned.
func (v *Vocabulary) Lookup(text string) (TokenID, bool) {
	l := v.table()
	if t, ok := l.special[text]; ok {
		return t, true
	}
	t, ok := l.normal[text]
	return t, ok
}

// ByteTokens returns, for each byte, the normal token whose bytes are
// exactly that byte (the lowest id), or -1.
func (v *Vocabulary) ByteTokens() [256]TokenID {
	var out [256]TokenID
	l := v.table()
	for b := range out {
		out[b] = -1
		if t, ok := l.normal[string([]byte{byte(b)})]; ok {
			out[b] = t
		}
	}
	return out
}

// table returns the lookup table, building it on first use.
func (v *Vocabulary) table() *lookupTable {
	l := v.lookup
	l.once.Do(func() {
		l.special = make(map[string]TokenID)
		l.normal = make(map[string]TokenID, v.Size())
		for t := range TokenID(v.Size()) {
			b := v.Bytes(t)
			if len(b) == 0 {
				continue
			}
			m := l.normal
			if v.IsSpecial(t) {
				m = l.special
			}
			if _, ok := m[string(b)]; !ok {
				m[string(b)] = t
			}
		}
	})
	return l
}

// Tokenize returns token ids for text: Encode's when the vocabulary has an
// encoder, else EncodeGreedy's.
func (v *Vocabulary) Tokenize(text string) ([]TokenID, error) {
	if v.CanEncode() {
		return v.Encode(text)
	}
	return v.EncodeGreedy(text)
}

// EncodeGreedy tokenizes text by longest match over the normal tokens
// (lowest id among equal bytes): a deterministic tokenization for
// vocabularies without an encoder, not necessarily the model's own.
func (v *Vocabulary) EncodeGreedy(text string) ([]TokenID, error) {
	normal := v.table().normal
	var out []TokenID
	for i := 0; i < len(text); {
		n := min(v.maxLen, len(text)-i)
		for ; n > 0; n-- {
			if t, ok := normal[text[i:i+n]]; ok {
				out = append(out, t)
				break
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("vocab: no token for byte %#x at offset %d", text[i], i)
		}
		i += n
	}
	return out, nil
}

// Fingerprint returns a SHA-256 digest of everything that decides which
// tokens a mask allows: the size, the logits width, every token's bytes,
// the special ids and the EOS ids (in order). Two vocabularies with the
// same fingerprint can share precomputed masks.
func (v *Vocabulary) Fingerprint() [32]byte {
	f := v.fp
	f.once.Do(func() {
		h := sha256.New()
		var buf [8]byte
		put := func(x uint64) {
			binary.LittleEndian.PutUint64(buf[:], x)
			h.Write(buf[:])
		}
		h.Write([]byte("gramc/vocab v1\x00"))
		put(uint64(v.Size()))
		put(uint64(v.width))
		for t := range TokenID(v.Size()) {
			b := v.Bytes(t)
			put(uint64(len(b)))
			h.Write(b)
		}
		for t, fl := range v.flags {
			if fl&flagSpecial != 0 {
				put(uint64(t))
			}
		}
		put(math.MaxUint64) // separator
		for _, t := range v.eos {
			put(uint64(t))
		}
		h.Sum(f.sum[:0])
	})
	return f.sum
}

// ErrNoEncoder is returned (wrapped) by Encode when the vocabulary has no
// encoder: it was not loaded from a tokenizer.json, or the tokenizer uses
// a feature Encode does not implement. The wrapping error says which.
var ErrNoEncoder = errors.New("vocab: no encoder (BPE merges) for this vocabulary")

// CanEncode reports whether Encode is available.
func (v *Vocabulary) CanEncode() bool { return v.enc != nil }
