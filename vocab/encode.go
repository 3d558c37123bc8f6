package vocab

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Encode returns the token ids of text as the reference tokenizer gives
// them, without BOS or EOS. It follows the tokenizer.json pipeline of the
// Hugging Face tokenizers library:
//
//  1. added tokens (special or not) are split off wherever their text
//     occurs, leftmost-longest first;
//  2. the rest is normalized (Prepend, Replace and Sequence normalizers;
//     an NFC normalizer is not applied: the text is assumed to be NFC
//     already, as Go's standard library has no normalization tables);
//  3. it is pre-tokenized (Split with a known regular expression or a
//     literal, ByteLevel, Sequence);
//  4. each piece is encoded by BPE: the pair with the lowest merge rank is
//     merged first, leftmost on ties; characters missing from the
//     vocabulary fall back to <0xNN> byte tokens or the unknown token.
//
// \s in pre-tokenizer patterns is Unicode White_Space, as in the Rust
// library; the JavaScript port differs on U+0085 and U+FEFF.
//
// A folder with a Llama 2 style vocab.json and no tokenizer.json encodes
// as SentencePiece BPE without merges (see Load).
//
// Encode fails with an error wrapping ErrNoEncoder when the vocabulary
// was not loaded from a tokenizer.json with BPE merges or such a folder,
// or when the tokenizer uses a feature Encode does not implement; the
// error says which.
func (v *Vocabulary) Encode(text string) ([]TokenID, error) {
	e := v.enc
	if e == nil {
		return nil, v.encErr
	}
	var out []TokenID
	var pieces []string
	e.rawAdded.split(text, func(seg string, id TokenID) {
		if id >= 0 {
			out = append(out, id)
			return
		}
		for _, f := range e.normalize {
			seg = f(seg)
		}
		e.normAdded.split(seg, func(seg string, id TokenID) {
			if id >= 0 {
				out = append(out, id)
				return
			}
			pieces = append(pieces[:0], seg)
			for _, pre := range e.preTok {
				var next []string
				for _, p := range pieces {
					next = pre(next, p)
				}
				pieces = next
			}
			for _, p := range pieces {
				out = e.word(out, p)
			}
		})
	})
	return out, nil
}

// encoder holds what Encode needs beyond the token bytes.
type encoder struct {
	rawAdded  addedMatcher // added tokens matched before normalization
	normAdded addedMatcher // added tokens matched after normalization
	normalize []func(string) string
	preTok    []preTokenizer

	byteLevel    bool
	pieces       map[string]TokenID // model vocab: piece -> id
	byteIDs      [256]TokenID       // initial symbol (byte level) or <0xNN> piece of each byte; -1 if none
	byteFallback bool
	unk          TokenID // -1 if none
	fuseUnk      bool
	ignoreMerges bool
	merges       *mergeTable

	mu    sync.Mutex
	cache map[string][]TokenID
}

// Pieces longer than this are not cached, and the cache is cleared when
// it holds maxCached pieces.
const (
	maxCachedLen = 128
	maxCached    = 1 << 16
)

type encoderConfig struct {
	model      *bpeModel
	pieces     map[string]TokenID
	merges     []byte // raw JSON array
	added      []addedToken
	normalizer json.RawMessage
	preTok     json.RawMessage
	byteLevel  bool
}

// newEncoder builds the encoder of a tokenizer.json, or returns an error
// wrapping ErrNoEncoder that says why it cannot.
func newEncoder(name string, c encoderConfig) (*encoder, error) {
	fail := func(format string, args ...any) (*encoder, error) {
		return nil, fmt.Errorf("%w: %s: %s", ErrNoEncoder, name, fmt.Sprintf(format, args...))
	}
	m := c.model
	if c.merges == nil {
		return fail("the BPE model has no merges")
	}
	if m.Dropout != nil && *m.Dropout > 0 {
		return fail("BPE dropout is not supported")
	}
	if m.ContinuingSubwordPrefix != nil && *m.ContinuingSubwordPrefix != "" ||
		m.EndOfWordSuffix != nil && *m.EndOfWordSuffix != "" {
		return fail("continuing_subword_prefix and end_of_word_suffix are not supported")
	}
	e := &encoder{
		byteLevel:    c.byteLevel,
		pieces:       c.pieces,
		byteFallback: m.ByteFallback,
		unk:          -1,
		fuseUnk:      m.FuseUnk,
		ignoreMerges: m.IgnoreMerges,
		cache:        map[string][]TokenID{},
	}
	normalizer, err := parseComponent(c.normalizer)
	if err != nil {
		return fail("normalizer: %v", err)
	}
	preTok, err := parseComponent(c.preTok)
	if err != nil {
		return fail("pre_tokenizer: %v", err)
	}
	for _, a := range c.added {
		if a.Lstrip || a.Rstrip || a.SingleWord {
			return fail("added token %q: lstrip, rstrip and single_word are not supported", a.Content)
		}
		if a.Normalized && normalizer != nil {
			e.normAdded.add(a.Content, TokenID(a.ID))
		} else {
			e.rawAdded.add(a.Content, TokenID(a.ID))
		}
	}
	if err := e.addNormalizer(normalizer); err != nil {
		return fail("%v", err)
	}
	hasByteLevel := false
	if err := e.addPreTokenizer(preTok, &hasByteLevel); err != nil {
		return fail("%v", err)
	}
	if c.byteLevel != hasByteLevel {
		return fail("byte-level decoder without a ByteLevel pre-tokenizer")
	}
	for b := range 256 {
		e.byteIDs[b] = -1
		key := fmt.Sprintf("<0x%02X>", b)
		if c.byteLevel {
			key = string(byteRune[b])
		}
		if id, ok := c.pieces[key]; ok {
			e.byteIDs[b] = id
		} else if c.byteLevel {
			return fail("byte-level vocabulary has no token for byte %#02x", b)
		}
	}
	if m.UnkToken != nil {
		if id, ok := c.pieces[*m.UnkToken]; ok {
			e.unk = id
		}
	}
	if e.merges, err = parseMerges(&jsonScanner{b: c.merges, name: name + ": model.merges"}, c.pieces); err != nil {
		return fail("%v", err)
	}
	return e, nil
}

func (e *encoder) addNormalizer(c *component) error {
	if c == nil {
		return nil
	}
	switch c.Type {
	case "Sequence":
		for _, raw := range c.Normalizers {
			sub, err := parseComponent(raw)
			if err != nil {
				return err
			}
			if err := e.addNormalizer(sub); err != nil {
				return err
			}
		}
	case "NFC":
		// Not applied: the input is assumed to be NFC (see Encode).
	case "Prepend":
		if c.Prepend == nil {
			return fmt.Errorf("Prepend normalizer without prepend")
		}
		p := *c.Prepend
		e.normalize = append(e.normalize, func(s string) string {
			if s == "" {
				return s
			}
			return p + s
		})
	case "Replace":
		if c.Pattern.String == nil || c.Content == nil {
			return fmt.Errorf("Replace normalizer: only literal String patterns are supported")
		}
		old, repl := *c.Pattern.String, *c.Content
		if old == "" {
			return fmt.Errorf("Replace normalizer with an empty pattern")
		}
		e.normalize = append(e.normalize, func(s string) string { return strings.ReplaceAll(s, old, repl) })
	default:
		return fmt.Errorf("unsupported normalizer %q", c.Type)
	}
	return nil
}

func (e *encoder) addPreTokenizer(c *component, hasByteLevel *bool) error {
	if c == nil {
		return nil
	}
	switch c.Type {
	case "Sequence":
		for _, raw := range c.Pretokenizers {
			sub, err := parseComponent(raw)
			if err != nil {
				return err
			}
			if err := e.addPreTokenizer(sub, hasByteLevel); err != nil {
				return err
			}
		}
	case "Split":
		sp := &splitter{invert: c.Invert}
		switch {
		case c.Pattern.Regex != nil:
			m, ok := knownPatterns[*c.Pattern.Regex]
			if !ok {
				return fmt.Errorf("unsupported Split regex %q", *c.Pattern.Regex)
			}
			sp.find = regexFinder(m)
		case c.Pattern.String != nil:
			sp.find = stringFinder(*c.Pattern.String)
		default:
			return fmt.Errorf("Split pre-tokenizer without a pattern")
		}
		behaviors := map[string]int{
			"Removed":            splitRemoved,
			"Isolated":           splitIsolated,
			"MergedWithPrevious": splitMergedWithPrevious,
			"MergedWithNext":     splitMergedWithNext,
			"Contiguous":         splitContiguous,
		}
		b, ok := behaviors[c.Behavior]
		if !ok {
			return fmt.Errorf("unsupported Split behavior %q", c.Behavior)
		}
		sp.behavior = b
		e.preTok = append(e.preTok, sp.split)
	case "ByteLevel":
		*hasByteLevel = true
		if c.AddPrefixSpace {
			e.preTok = append(e.preTok, func(dst []string, s string) []string {
				if !strings.HasPrefix(s, " ") {
					s = " " + s
				}
				return append(dst, s)
			})
		}
		if c.UseRegex {
			sp := &splitter{find: regexFinder(knownPatterns[gpt2Pattern]), behavior: splitIsolated}
			e.preTok = append(e.preTok, sp.split)
		}
	default:
		return fmt.Errorf("unsupported pre-tokenizer %q", c.Type)
	}
	return nil
}

// addedMatcher finds added tokens in text.
type addedMatcher struct {
	ids  map[string]TokenID
	lens [256][]int // distinct token lengths by first byte, longest first
}

func (m *addedMatcher) add(text string, id TokenID) {
	if text == "" {
		return
	}
	if m.ids == nil {
		m.ids = map[string]TokenID{}
	}
	if _, dup := m.ids[text]; dup {
		return
	}
	m.ids[text] = id
	l := &m.lens[text[0]]
	if !slices.Contains(*l, len(text)) {
		*l = append(*l, len(text))
		slices.SortFunc(*l, func(x, y int) int { return y - x })
	}
}

// split calls fn for each added token in s (with its id) and each stretch
// of text between them (with id -1), in order.
func (m *addedMatcher) split(s string, fn func(seg string, id TokenID)) {
	if m.ids == nil {
		if s != "" {
			fn(s, -1)
		}
		return
	}
	last := 0
	for i := 0; i < len(s); {
		found := false
		for _, n := range m.lens[s[i]] {
			if i+n > len(s) {
				continue
			}
			if id, ok := m.ids[s[i:i+n]]; ok {
				if last < i {
					fn(s[last:i], -1)
				}
				fn(s[i:i+n], id)
				i += n
				last, found = i, true
				break
			}
		}
		if !found {
			i++
		}
	}
	if last < len(s) {
		fn(s[last:], -1)
	}
}

// word appends the BPE encoding of one pre-token.
func (e *encoder) word(out []TokenID, w string) []TokenID {
	if w == "" {
		return out
	}
	cacheable := len(w) <= maxCachedLen
	if cacheable {
		e.mu.Lock()
		ids, ok := e.cache[w]
		e.mu.Unlock()
		if ok {
			return append(out, ids...)
		}
	}
	ids := e.bpe(w)
	if cacheable {
		e.mu.Lock()
		if len(e.cache) >= maxCached {
			clear(e.cache)
		}
		e.cache[w] = ids
		e.mu.Unlock()
	}
	return append(out, ids...)
}

// symbol is a node of the doubly linked list of a word's current tokens.
type symbol struct {
	id         TokenID
	prev, next int32 // -1 at the ends
}

// mergeCand is a possible merge of symbol pos with its successor.
type mergeCand struct {
	rank, pos int32
}

func (a mergeCand) less(b mergeCand) bool {
	return a.rank < b.rank || a.rank == b.rank && a.pos < b.pos
}

// bpe encodes one pre-token.
func (e *encoder) bpe(w string) []TokenID {
	if e.ignoreMerges {
		key := w
		if e.byteLevel {
			key = byteLevelString(w)
		}
		if id, ok := e.pieces[key]; ok {
			return []TokenID{id}
		}
	}

	// Initial symbols.
	var ids []TokenID
	if e.byteLevel {
		ids = make([]TokenID, len(w))
		for k := 0; k < len(w); k++ {
			ids[k] = e.byteIDs[w[k]]
		}
	} else {
		ids = make([]TokenID, 0, len(w))
		for k := 0; k < len(w); {
			_, n := runeAt(w, k)
			if id, ok := e.pieces[w[k:k+n]]; ok {
				ids = append(ids, id)
			} else if fb, ok := e.fallback(w[k : k+n]); ok {
				ids = append(ids, fb...)
			} else if e.unk >= 0 && !(e.fuseUnk && len(ids) > 0 && ids[len(ids)-1] == e.unk) {
				ids = append(ids, e.unk)
			}
			k += n
		}
	}
	if len(ids) < 2 {
		return ids
	}

	syms := make([]symbol, len(ids))
	for k, id := range ids {
		syms[k] = symbol{id: id, prev: int32(k - 1), next: int32(k + 1)}
	}
	syms[len(syms)-1].next = -1

	// A binary min-heap of merge candidates.
	var heap []mergeCand
	push := func(pos int32) {
		s := &syms[pos]
		if s.next < 0 {
			return
		}
		rank, _, ok := e.merges.get(s.id, syms[s.next].id)
		if !ok {
			return
		}
		heap = append(heap, mergeCand{rank, pos})
		for k := len(heap) - 1; k > 0; {
			p := (k - 1) / 2
			if !heap[k].less(heap[p]) {
				break
			}
			heap[k], heap[p] = heap[p], heap[k]
			k = p
		}
	}
	pop := func() mergeCand {
		top := heap[0]
		last := len(heap) - 1
		heap[0] = heap[last]
		heap = heap[:last]
		for k := 0; ; {
			c := 2*k + 1
			if c >= len(heap) {
				break
			}
			if c+1 < len(heap) && heap[c+1].less(heap[c]) {
				c++
			}
			if !heap[c].less(heap[k]) {
				break
			}
			heap[k], heap[c] = heap[c], heap[k]
			k = c
		}
		return top
	}
	for k := range syms {
		push(int32(k))
	}
	const dead = -2 // prev of a symbol merged into its predecessor
	for len(heap) > 0 {
		c := pop()
		s := &syms[c.pos]
		if s.prev == dead || s.next < 0 {
			continue
		}
		r := &syms[s.next]
		rank, result, ok := e.merges.get(s.id, r.id)
		if !ok || rank != c.rank {
			continue // stale
		}
		s.id = result
		s.next = r.next
		r.prev = dead
		if s.next >= 0 {
			syms[s.next].prev = c.pos
		}
		if s.prev >= 0 {
			push(s.prev)
		}
		push(c.pos)
	}
	ids = ids[:0]
	for k := int32(0); k >= 0; k = syms[k].next {
		ids = append(ids, syms[k].id)
	}
	return slices.Clip(ids)
}

// fallback returns the <0xNN> tokens of the bytes of ch, if the model
// has byte fallback and all of them exist.
func (e *encoder) fallback(ch string) ([]TokenID, bool) {
	if !e.byteFallback {
		return nil, false
	}
	ids := make([]TokenID, len(ch))
	for k := 0; k < len(ch); k++ {
		if ids[k] = e.byteIDs[ch[k]]; ids[k] < 0 {
			return nil, false
		}
	}
	return ids, true
}
