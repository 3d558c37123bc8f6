package vocab

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// maxTokens bounds the ids a tokenizer.json may use, so that a corrupt
// file cannot make the loader allocate without limit.
const maxTokens = 1 << 24

// addedToken is an entry of tokenizer.json's added_tokens.
type addedToken struct {
	ID         int64  `json:"id"`
	Content    string `json:"content"`
	Special    bool   `json:"special"`
	Normalized bool   `json:"normalized"`
	Lstrip     bool   `json:"lstrip"`
	Rstrip     bool   `json:"rstrip"`
	SingleWord bool   `json:"single_word"`
}

// component is a normalizer or pre-tokenizer of tokenizer.json. Only
// the fields this package reads are listed.
type component struct {
	Type          string            `json:"type"`
	Normalizers   []json.RawMessage `json:"normalizers"`
	Pretokenizers []json.RawMessage `json:"pretokenizers"`
	Pattern       struct {
		String *string `json:"String"`
		Regex  *string `json:"Regex"`
	} `json:"pattern"`
	Content        *string `json:"content"`
	Prepend        *string `json:"prepend"`
	Behavior       string  `json:"behavior"`
	Invert         bool    `json:"invert"`
	AddPrefixSpace bool    `json:"add_prefix_space"`
	UseRegex       bool    `json:"use_regex"`
}

// parseComponent decodes raw, which may be null (nil, nil).
func parseComponent(raw json.RawMessage) (*component, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	c := new(component)
	if err := json.Unmarshal(raw, c); err != nil {
		return nil, err
	}
	return c, nil
}

// hasType reports whether the component raw, or a component of a
// Sequence in it, has the given type. It reads only the type fields, so
// that a component this package does not otherwise understand still
// parses.
func hasType(raw json.RawMessage, typ string) bool {
	var c struct {
		Type          string            `json:"type"`
		Normalizers   []json.RawMessage `json:"normalizers"`
		Pretokenizers []json.RawMessage `json:"pretokenizers"`
		Decoders      []json.RawMessage `json:"decoders"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &c) != nil {
		return false
	}
	if c.Type == typ {
		return true
	}
	for _, list := range [][]json.RawMessage{c.Normalizers, c.Pretokenizers, c.Decoders} {
		for _, sub := range list {
			if hasType(sub, typ) {
				return true
			}
		}
	}
	return false
}

// bpeModel is tokenizer.json's model, without vocab and merges.
type bpeModel struct {
	Type                    string   `json:"type"`
	UnkToken                *string  `json:"unk_token"`
	FuseUnk                 bool     `json:"fuse_unk"`
	ByteFallback            bool     `json:"byte_fallback"`
	IgnoreMerges            bool     `json:"ignore_merges"`
	ContinuingSubwordPrefix *string  `json:"continuing_subword_prefix"`
	EndOfWordSuffix         *string  `json:"end_of_word_suffix"`
	Dropout                 *float64 `json:"dropout"`
}

// tokenizerFile is a parsed tokenizer.json.
type tokenizerFile struct {
	name     string
	data     []byte
	off      []int32
	special  []TokenID
	added    []TokenID // non-special added tokens
	specials map[string]TokenID
	enc      *encoder
	encErr   error
}

// LoadTokenizerJSON reads a Hugging Face tokenizer.json (plain or gzipped)
// from r. name names the vocabulary and appears in errors. Only BPE models
// are supported; other model types (WordPiece, Unigram, ...) are an error
// naming the type.
//
// Special tokens are the added tokens marked "special": true and any id
// with no token. Without a tokenizer_config.json to name the EOS token,
// EOS is every special token whose text is a well-known end marker
// (</s>, <eos>, <|endoftext|>, <|end_of_text|>, <|eot_id|>, <|eom_id|>,
// <|im_end|>, <end_of_turn>, <｜end▁of▁sentence｜>), in id order. Load,
// given a file or folder with a tokenizer_config.json, puts its eos_token
// first.
func LoadTokenizerJSON(r io.Reader, name string) (*Vocabulary, error) {
	tf, err := readTokenizerJSON(r, name)
	if err != nil {
		return nil, err
	}
	return tf.vocabulary("")
}

// vocabulary builds the Vocabulary of tf, with the EOS token named by
// configEOS (if any) first.
func (tf *tokenizerFile) vocabulary(configEOS string) (*Vocabulary, error) {
	var eos []TokenID
	if configEOS != "" {
		id, ok := tf.specials[configEOS]
		if !ok {
			return nil, fmt.Errorf("%s: eos_token %q of tokenizer_config.json is not a special token", tf.name, configEOS)
		}
		eos = append(eos, id)
	}
	for _, t := range tf.special {
		if knownEOS[string(tf.data[tf.off[t]:tf.off[t+1]])] {
			eos = append(eos, t)
		}
	}
	v, err := build(tf.name, tf.data, tf.off, tf.special, eos, tf.added)
	if err != nil {
		return nil, err
	}
	v.enc, v.encErr = tf.enc, tf.encErr
	return v, nil
}

// knownEOS lists the texts of special tokens that end generation.
var knownEOS = map[string]bool{
	"</s>":                true,
	"<eos>":               true,
	"<|endoftext|>":       true,
	"<|end_of_text|>":     true,
	"<|eot_id|>":          true,
	"<|eom_id|>":          true,
	"<|im_end|>":          true,
	"<end_of_turn>":       true,
	"<｜end▁of▁sentence｜>": true,
}

// readTokenizerJSON parses a tokenizer.json, gunzipping it if needed.
func readTokenizerJSON(r io.Reader, name string) (*tokenizerFile, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		r = zr
	} else {
		r = br
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return parseTokenizerJSON(b, name)
}

func parseTokenizerJSON(b []byte, name string) (*tokenizerFile, error) {
	s := &jsonScanner{b: b, name: name}
	var (
		top                 = map[string]json.RawMessage{}
		modelRaw            = map[string]json.RawMessage{}
		vocabRaw, mergesRaw []byte
		haveModel           bool
	)
	err := s.object(func(key []byte) error {
		if string(key) != "model" {
			raw, err := s.skip()
			top[string(key)] = raw
			return err
		}
		haveModel = true
		return s.object(func(key []byte) error {
			raw, err := s.skip()
			switch string(key) {
			case "vocab":
				vocabRaw = raw
			case "merges":
				mergesRaw = raw
			default:
				modelRaw[string(key)] = raw
			}
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	if s.peek() != 0 {
		return nil, s.errorf("unexpected data after the top-level object")
	}
	if !haveModel {
		return nil, fmt.Errorf("%s: no \"model\" object", name)
	}
	var model bpeModel
	if err := unmarshalFields(modelRaw, &model); err != nil {
		return nil, fmt.Errorf("%s: model: %w", name, err)
	}
	if model.Type == "" && mergesRaw != nil {
		model.Type = "BPE" // older files omit the type
	}
	if model.Type != "BPE" {
		return nil, fmt.Errorf("%s: unsupported tokenizer model type %q (only BPE is supported)", name, model.Type)
	}
	if vocabRaw == nil {
		return nil, fmt.Errorf("%s: model has no vocab", name)
	}
	var added []addedToken
	if raw := top["added_tokens"]; raw != nil {
		if err := json.Unmarshal(raw, &added); err != nil {
			return nil, fmt.Errorf("%s: added_tokens: %w", name, err)
		}
	}
	byteLevel := hasType(top["pre_tokenizer"], "ByteLevel") || hasType(top["decoder"], "ByteLevel")

	// The vocab: piece -> id.
	pieces, size, err := parseVocab(&jsonScanner{b: vocabRaw, name: name + ": model.vocab"})
	if err != nil {
		return nil, err
	}
	tf := &tokenizerFile{name: name, specials: map[string]TokenID{}}
	content := map[TokenID]*addedToken{}
	for k := range added {
		a := &added[k]
		if a.ID < 0 || a.ID >= maxTokens {
			return nil, fmt.Errorf("%s: added token %q has id %d out of range", name, a.Content, a.ID)
		}
		if a.Content == "" {
			return nil, fmt.Errorf("%s: added token %d has no content", name, a.ID)
		}
		content[TokenID(a.ID)] = a
		size = max(size, int(a.ID)+1)
	}

	// Token bytes, in id order.
	pieceOf := make([]string, size)
	has := make([]bool, size)
	for p, t := range pieces {
		if has[t] {
			return nil, fmt.Errorf("%s: model.vocab: id %d is used by %q and %q", name, t, pieceOf[t], p)
		}
		pieceOf[t], has[t] = p, true
	}
	tf.off = make([]int32, 1, size+1)
	tf.data = make([]byte, 0, size*8)
	for t := range TokenID(size) {
		switch a := content[t]; {
		case a != nil:
			if a.Special {
				tf.data = append(tf.data, a.Content...)
				tf.special = append(tf.special, t)
				if _, dup := tf.specials[a.Content]; !dup {
					tf.specials[a.Content] = t
				}
			} else {
				if byteLevel {
					tf.data = append(tf.data, a.Content...)
				} else {
					tf.data = appendSentencePiece(tf.data, a.Content, false)
				}
				tf.added = append(tf.added, t)
			}
		case has[t]:
			if byteLevel {
				var ok bool
				if tf.data, ok = appendByteLevel(tf.data, pieceOf[t]); !ok {
					return nil, fmt.Errorf("%s: model.vocab: %q (id %d) is not a byte-level string", name, pieceOf[t], t)
				}
			} else {
				tf.data = appendSentencePiece(tf.data, pieceOf[t], model.ByteFallback)
			}
		default:
			tf.special = append(tf.special, t) // no token
		}
		tf.off = append(tf.off, int32(len(tf.data)))
	}
	if len(tf.data) > 1<<31-1 {
		return nil, fmt.Errorf("%s: vocabulary too large", name)
	}

	tf.enc, tf.encErr = newEncoder(name, encoderConfig{
		model:      &model,
		pieces:     pieces,
		merges:     mergesRaw,
		added:      added,
		normalizer: top["normalizer"],
		preTok:     top["pre_tokenizer"],
		byteLevel:  byteLevel,
	})
	return tf, nil
}

// unmarshalFields decodes an object given as raw fields into v.
func unmarshalFields(fields map[string]json.RawMessage, v any) error {
	b, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// parseVocab reads the vocab object {"piece": id, ...}. It returns the
// map and one more than the largest id.
func parseVocab(s *jsonScanner) (map[string]TokenID, int, error) {
	// Decode all keys into one buffer, then make one string of it, so
	// that the map keys share memory.
	var (
		buf  []byte
		ends []int
		ids  []TokenID
	)
	err := s.object(func(key []byte) error {
		x, err := s.integer()
		if err != nil {
			return err
		}
		if x < 0 || x >= maxTokens {
			return s.errorf("id %d of %q out of range", x, key)
		}
		buf = append(buf, key...)
		ends = append(ends, len(buf))
		ids = append(ids, TokenID(x))
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	all := string(buf)
	pieces := make(map[string]TokenID, len(ids))
	size, start := 0, 0
	for k, end := range ends {
		p := all[start:end]
		start = end
		if _, dup := pieces[p]; dup {
			return nil, 0, fmt.Errorf("%s: duplicate piece %q", s.name, p)
		}
		pieces[p] = ids[k]
		size = max(size, int(ids[k])+1)
	}
	return pieces, size, nil
}

// GPT-2's bytes_to_unicode table and its inverse: byte-level BPE writes
// byte b as the character byteRune[b].
var (
	byteRune    [256]rune
	runeByteTab [324]int16 // runeByte for r < 324, -1 if none
)

func init() {
	n := 0
	for b := range 256 {
		if '!' <= b && b <= '~' || 0xa1 <= b && b <= 0xac || 0xae <= b && b <= 0xff {
			byteRune[b] = rune(b)
		} else {
			byteRune[b] = rune(256 + n)
			n++
		}
	}
	for k := range runeByteTab {
		runeByteTab[k] = -1
	}
	for b, r := range byteRune {
		runeByteTab[r] = int16(b)
	}
}

// appendByteLevel appends the bytes that the byte-level string p stands
// for. It reports false if p has a character outside the table.
func appendByteLevel(dst []byte, p string) ([]byte, bool) {
	for _, r := range p {
		if r < 0 || int(r) >= len(runeByteTab) || runeByteTab[r] < 0 {
			return dst, false
		}
		dst = append(dst, byte(runeByteTab[r]))
	}
	return dst, true
}

// byteLevelString returns the byte-level string of the bytes w.
func byteLevelString(w string) string {
	var sb strings.Builder
	sb.Grow(2 * len(w))
	for k := 0; k < len(w); k++ {
		sb.WriteRune(byteRune[w[k]])
	}
	return sb.String()
}

// appendSentencePiece appends the bytes of a SentencePiece piece: <0xNN>
// is the byte 0xNN (with byte fallback), and ▁ is a space.
func appendSentencePiece(dst []byte, p string, byteFallback bool) []byte {
	if byteFallback {
		if b, ok := byteFallbackPiece(p); ok {
			return append(dst, b)
		}
	}
	for {
		k := strings.Index(p, "▁")
		if k < 0 {
			return append(dst, p...)
		}
		dst = append(dst, p[:k]...)
		dst = append(dst, ' ')
		p = p[k+len("▁"):]
	}
}

// byteFallbackPiece parses a piece of the form <0xNN> (upper-case hex).
func byteFallbackPiece(p string) (byte, bool) {
	if len(p) != 6 || p[:3] != "<0x" || p[5] != '>' {
		return 0, false
	}
	hi, ok1 := hexDigit(p[3])
	lo, ok2 := hexDigit(p[4])
	return hi<<4 | lo, ok1 && ok2
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}
