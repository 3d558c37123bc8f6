package vocab

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestByteLevel(t *testing.T) {
	v := ByteLevel()
	if v.Name() != "bytes" || v.Size() != 257 || v.LogitsWidth() != 257 {
		t.Fatalf("Name %q Size %d LogitsWidth %d", v.Name(), v.Size(), v.LogitsWidth())
	}
	for i := range 256 {
		if b := v.Bytes(TokenID(i)); len(b) != 1 || b[0] != byte(i) || !v.Normal(TokenID(i)) || v.IsSpecial(TokenID(i)) {
			t.Fatalf("id %d: bytes %x normal %v", i, b, v.Normal(TokenID(i)))
		}
	}
	if string(v.Bytes(256)) != "</s>" || !v.IsEOS(256) || !v.IsSpecial(256) || v.Normal(256) {
		t.Errorf("EOS 256: %q eos %v special %v normal %v", v.Bytes(256), v.IsEOS(256), v.IsSpecial(256), v.Normal(256))
	}
	if !slices.Equal(v.EOS(), []TokenID{256}) {
		t.Errorf("EOS() = %v", v.EOS())
	}
	if v.MaxTokenLen() != 1 {
		t.Errorf("MaxTokenLen() = %d, want 1", v.MaxTokenLen())
	}
	if id, ok := v.Lookup("</s>"); !ok || id != 256 {
		t.Errorf(`Lookup("</s>") = %d, %v`, id, ok)
	}
	if id, ok := v.Lookup("A"); !ok || id != 'A' {
		t.Errorf(`Lookup("A") = %d, %v`, id, ok)
	}
	if _, ok := v.Lookup("AB"); ok {
		t.Error(`Lookup("AB") found a token`)
	}
	if ByteLevel() != v {
		t.Error("ByteLevel() is not shared")
	}
	if _, err := v.Encode("a"); !errors.Is(err, ErrNoEncoder) || v.CanEncode() {
		t.Errorf("Encode: %v, CanEncode %v; want ErrNoEncoder", err, v.CanEncode())
	}
}

func TestNew(t *testing.T) {
	tokens := [][]byte{[]byte("a"), []byte("bc"), nil, []byte("<s>"), []byte("a"), []byte("</s>"), []byte("defg")}
	v, err := New("tiny", tokens, []TokenID{3}, []TokenID{5})
	if err != nil {
		t.Fatal(err)
	}
	tokens[0][0] = 'z' // New copies
	want := []struct {
		special, eos, normal bool
	}{
		{false, false, true},
		{false, false, true},
		{false, false, false}, // empty
		{true, false, false},
		{false, false, true},
		{true, true, false}, // EOS not listed as special
		{false, false, true},
	}
	for id, w := range want {
		id := TokenID(id)
		if v.IsSpecial(id) != w.special || v.IsEOS(id) != w.eos || v.Normal(id) != w.normal {
			t.Errorf("id %d: special %v eos %v normal %v; want %+v", id, v.IsSpecial(id), v.IsEOS(id), v.Normal(id), w)
		}
	}
	if string(v.Bytes(0)) != "a" {
		t.Errorf("Bytes(0) = %q", v.Bytes(0))
	}
	for _, id := range []TokenID{-1, 7, 1000} {
		if v.Bytes(id) != nil || v.IsSpecial(id) || v.IsEOS(id) || v.Normal(id) || v.IsAdded(id) {
			t.Errorf("id %d out of range is not rejected", id)
		}
	}
	if v.MaxTokenLen() != 4 {
		t.Errorf("MaxTokenLen() = %d, want 4", v.MaxTokenLen())
	}
	for text, want := range map[string]TokenID{"a": 0, "<s>": 3, "</s>": 5, "defg": 6} {
		if id, ok := v.Lookup(text); !ok || id != want {
			t.Errorf("Lookup(%q) = %d, %v; want %d", text, id, ok, want)
		}
	}
	if _, ok := v.Lookup(""); ok {
		t.Error(`Lookup("") found a token`)
	}

	// Bytes cannot be appended to in place.
	b := v.Bytes(1)
	_ = append(b, 'X')
	if string(v.Bytes(2)) != "" || string(v.Bytes(3)) != "<s>" {
		t.Error("append to Bytes() overwrote the next token")
	}

	for _, bad := range []struct {
		special, eos []TokenID
	}{{[]TokenID{7}, nil}, {nil, []TokenID{-1}}, {[]TokenID{-5}, nil}} {
		if _, err := New("bad", tokens, bad.special, bad.eos); err == nil {
			t.Errorf("New with special %v eos %v: no error", bad.special, bad.eos)
		}
	}
}

func TestWithLogitsWidthAndFingerprint(t *testing.T) {
	v := ByteLevel()
	w, err := v.WithLogitsWidth(300)
	if err != nil {
		t.Fatal(err)
	}
	if w.LogitsWidth() != 300 || v.LogitsWidth() != 257 || w.Size() != 257 {
		t.Errorf("widths %d %d, size %d", w.LogitsWidth(), v.LogitsWidth(), w.Size())
	}
	if w.Normal(280) || w.Bytes(280) != nil {
		t.Error("padding id 280 is normal")
	}
	if _, err := v.WithLogitsWidth(256); err == nil {
		t.Error("WithLogitsWidth(256) < Size: no error")
	}
	if v.Fingerprint() == w.Fingerprint() {
		t.Error("fingerprint ignores the logits width")
	}
	same, _ := v.WithLogitsWidth(257)
	if v.Fingerprint() != same.Fingerprint() {
		t.Error("fingerprints of equal vocabularies differ")
	}
	tokens := make([][]byte, 257)
	for i := range 256 {
		tokens[i] = []byte{byte(i)}
	}
	tokens[256] = []byte("</s>")
	for _, c := range []struct {
		name         string
		special, eos []TokenID
		differs      bool
	}{
		{"same", []TokenID{256}, []TokenID{256}, false},
		{"other special", []TokenID{255, 256}, []TokenID{256}, true},
		{"other eos", []TokenID{255, 256}, []TokenID{255, 256}, true},
	} {
		u, err := New("x", tokens, c.special, c.eos)
		if err != nil {
			t.Fatal(err)
		}
		if (u.Fingerprint() != v.Fingerprint()) != c.differs {
			t.Errorf("%s: fingerprint differs = %v, want %v", c.name, !c.differs, c.differs)
		}
	}
	tokens[65] = []byte("AA")
	u, _ := New("x", tokens, []TokenID{256}, []TokenID{256})
	if u.Fingerprint() == v.Fingerprint() {
		t.Error("fingerprint ignores token bytes")
	}
}

// tinyTokenizer returns a small byte-level BPE tokenizer.json.
func tinyTokenizer(t *testing.T) []byte {
	t.Helper()
	vocab := map[string]int{}
	for b := range 256 {
		vocab[string(byteRune[b])] = b
	}
	merges := []string{"h e", "l l", "he ll", "hell o", "Ġ hello"}
	for k, m := range merges {
		vocab[strings.ReplaceAll(m, " ", "")] = 256 + k
	}
	doc := map[string]any{
		"version": "1.0",
		"added_tokens": []map[string]any{
			{"id": 261, "content": "<|end|>", "special": true},
			{"id": 262, "content": "<tag>", "special": false},
		},
		"normalizer":    nil,
		"pre_tokenizer": map[string]any{"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
		"decoder":       map[string]any{"type": "ByteLevel"},
		"model": map[string]any{
			"type":   "BPE",
			"vocab":  vocab,
			"merges": merges,
		},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTokenizerJSON(t *testing.T) {
	src := tinyTokenizer(t)
	v, err := LoadTokenizerJSON(bytes.NewReader(src), "tiny")
	if err != nil {
		t.Fatal(err)
	}
	if v.Size() != 263 || v.Name() != "tiny" {
		t.Fatalf("Size %d Name %q", v.Size(), v.Name())
	}
	if string(v.Bytes(' ')) != " " || string(v.Bytes(260)) != " hello" || string(v.Bytes(261)) != "<|end|>" {
		t.Errorf("bytes: %q %q %q", v.Bytes(' '), v.Bytes(260), v.Bytes(261))
	}
	if !v.IsSpecial(261) || v.IsEOS(261) || !v.IsAdded(262) || !v.Normal(262) {
		t.Errorf("261 special %v eos %v; 262 added %v normal %v", v.IsSpecial(261), v.IsEOS(261), v.IsAdded(262), v.Normal(262))
	}
	for text, want := range map[string][]TokenID{
		"":                   nil,
		"hello hello!":       {259, 260, '!'},
		"hello<|end|>x<tag>": {259, 261, 'x', 262},
		"hellO  he":          {258, 'O', ' ', ' ', 256},
		"\xff":               {0xff},
	} {
		got, err := v.Encode(text)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Encode(%q) = %v, want %v", text, got, want)
		}
	}

	// The same, gzipped, through Load.
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(src)
	zw.Close()
	path := filepath.Join(dir, "tokenizer.json.gz")
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"eos_token": {"content": "<|end|>"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, dir} {
		w, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if w.Fingerprint() == v.Fingerprint() || !slices.Equal(w.EOS(), []TokenID{261}) {
			t.Errorf("Load(%s): EOS %v", p, w.EOS())
		}
		if w.Name() != filepath.Base(dir) {
			t.Errorf("Load(%s): Name() = %q", p, w.Name())
		}
		ids, err := w.Encode("hello")
		if err != nil || !slices.Equal(ids, []TokenID{259}) {
			t.Errorf("Load(%s): Encode = %v, %v", p, ids, err)
		}
	}
}

// TestConcurrent runs the lazily initialized methods from many goroutines
// (run with -race).
func TestConcurrent(t *testing.T) {
	v, err := LoadTokenizerJSON(bytes.NewReader(tinyTokenizer(t)), "tiny")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				v.Lookup("hello")
				v.Fingerprint()
				if ids, err := v.Encode("hello hello hell"); err != nil || len(ids) != 4 {
					t.Errorf("Encode: %v, %v", ids, err)
				}
			}
		})
	}
	wg.Wait()
}

func TestSplitBehaviors(t *testing.T) {
	for behavior, want := range map[int][]string{
		splitRemoved:            {"the", "final", "countdown"},
		splitIsolated:           {"the", "-", "final", "-", "-", "countdown"},
		splitMergedWithPrevious: {"the-", "final-", "-", "countdown"},
		splitMergedWithNext:     {"the", "-final", "-", "-countdown"},
		splitContiguous:         {"the", "-", "final", "--", "countdown"},
	} {
		sp := &splitter{find: stringFinder("-"), behavior: behavior}
		if got := sp.split(nil, "the-final--countdown"); !slices.Equal(got, want) {
			t.Errorf("behavior %d: %q, want %q", behavior, got, want)
		}
	}
}

func TestPreTokenizerPatterns(t *testing.T) {
	split := func(pattern, s string) []string {
		sp := &splitter{find: regexFinder(knownPatterns[pattern]), behavior: splitIsolated}
		return sp.split(nil, s)
	}
	llama3 := `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
	for s, want := range map[string][]string{
		"Hello world":     {"Hello", " world"},
		"I'LL go":         {"I", "'LL", " go"},
		"12345":           {"123", "45"},
		"a  b":            {"a", " ", " b"},
		"a \n\n b":        {"a", " \n\n", " b"},
		"x   ":            {"x", "   "},
		"(foo) {}\n":      {"(foo", ")", " {}\n"},
		"a\u0085b":        {"a", "\u0085b"},
		"a\ufeffb":        {"a", "\ufeffb"},
		"\xff\xfeabc":     {"\xff\xfe", "abc"},
		"über-Straße 42!": {"über", "-Straße", " ", "42", "!"},
	} {
		if got := split(llama3, s); !slices.Equal(got, want) {
			t.Errorf("llama3 %q: %q, want %q", s, got, want)
		}
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	wantErr := func(what string, err error, parts ...string) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", what)
			return
		}
		for _, p := range parts {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%s: error %q does not mention %q", what, err, p)
			}
		}
	}

	// Unknown model types.
	for _, typ := range []string{"WordPiece", "Unigram", "WordLevel"} {
		src := `{"model": {"type": "` + typ + `", "vocab": {"a": 0}}}`
		if typ == "Unigram" {
			src = `{"model": {"type": "Unigram", "vocab": [["a", -1.5]]}}`
		}
		_, err := LoadTokenizerJSON(strings.NewReader(src), "x.json")
		wantErr(typ, err, typ, "x.json")
		_, err = Load(write(typ+"/tokenizer.json", src))
		wantErr(typ+" via Load", err, typ, filepath.Join(dir, typ, "tokenizer.json"))
	}

	// Malformed tokenizer.json.
	for _, src := range []string{"", "{", `{"model": {"type": "BPE", "vocab": {"a": "x"}}}`, `[1, 2]`,
		`{"model": {"type": "BPE", "vocab": {"a": 0, "b": 0}, "merges": []}}`,
		`{"model": {"type": "BPE", "vocab": {"a": -3}, "merges": []}}`,
		`{"model": {"type": "BPE", "vocab": {"a": 0}}, "added_tokens": [{"id": 99999999999, "content": "x"}]}`,
		`{"model": {"type": "BPE", "vocab": {"a": 0}}} trailing`} {
		_, err := LoadTokenizerJSON(strings.NewReader(src), "bad.json")
		wantErr("tokenizer.json "+src, err, "bad.json")
	}

	// A BPE model without merges loads, but cannot encode.
	v, err := LoadTokenizerJSON(strings.NewReader(`{"model": {"type": "BPE", "vocab": {"a": 0, "<s>": 1}}}`), "nomerges")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Encode("a"); !errors.Is(err, ErrNoEncoder) {
		t.Errorf("Encode without merges: %v", err)
	}

	// An unknown pre-tokenizer loads, but cannot encode, and says why.
	v, err = LoadTokenizerJSON(strings.NewReader(`{"pre_tokenizer": {"type": "Whitespace"},
		"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}}`), "ws")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Encode("ab"); !errors.Is(err, ErrNoEncoder) || !strings.Contains(err.Error(), "Whitespace") {
		t.Errorf("Encode with an unknown pre-tokenizer: %v", err)
	}

	// Missing paths and files.
	_, err = Load(filepath.Join(dir, "nope"))
	wantErr("missing path", err, filepath.Join(dir, "nope"))
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	_, err = Load(empty)
	wantErr("empty folder", err, empty, "tokens.txt")

	write("f/tokens.txt", "61\n6263\n3c2f733e\n")
	write("f/special.txt", "2\n")
	_, err = Load(filepath.Join(dir, "f"))
	wantErr("missing eos.txt", err, filepath.Join(dir, "f", "eos.txt"))

	write("f/eos.txt", "2\n")
	v, err = Load(filepath.Join(dir, "f"))
	if err != nil {
		t.Fatal(err)
	}
	if v.Size() != 3 || string(v.Bytes(1)) != "bc" || !v.IsEOS(2) || v.Name() != "f" {
		t.Errorf("folder f: size %d bytes(1) %q eos %v name %q", v.Size(), v.Bytes(1), v.EOS(), v.Name())
	}

	// Malformed lines name file and line.
	for _, c := range []struct{ file, content, want string }{
		{"tokens.txt", "61\nzz\n", "tokens.txt:2"},
		{"tokens.txt", "61\n626\n", "tokens.txt:2"},
		{"special.txt", "x\n", "special.txt:1"},
		{"special.txt", "1\n7\n", "special.txt:2"},
		{"eos.txt", "-1\n", "eos.txt:1"},
		{"added.txt", "0\n\n1\n", "added.txt:2"},
	} {
		d := filepath.Join(dir, "m", c.file)
		for _, f := range []string{"tokens.txt", "special.txt", "eos.txt", "added.txt"} {
			content := map[string]string{"tokens.txt": "61\n62\n", "special.txt": "1\n", "eos.txt": "1\n", "added.txt": ""}[f]
			if f == c.file {
				content = c.content
			}
			write(filepath.Join("m", c.file, f), content)
		}
		_, err := Load(d)
		wantErr(c.file+" "+c.content, err, c.want)
	}

	// tokens.txt and tokenizer.json must agree.
	write("g/tokens.txt", "61\n")
	write("g/special.txt", "")
	write("g/eos.txt", "")
	write("g/tokenizer.json", string(tinyTokenizer(t)))
	_, err = Load(filepath.Join(dir, "g"))
	wantErr("disagreeing tokenizer.json", err, "tokens.txt")
}

func BenchmarkLoadLlama3(b *testing.B) {
	dir := filepath.Join(vocabDir(b), "llama3_1")
	for b.Loop() {
		if _, err := Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeLlama3(b *testing.B) {
	v, err := Load(filepath.Join(vocabDir(b), "llama3_1"))
	if err != nil {
		b.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(vocabDir(b), "README.md"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := v.Encode(string(text)); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzLoadTokenizerJSON checks that no input makes the loader or the
// encoder panic.
func FuzzLoadTokenizerJSON(f *testing.F) {
	f.Add([]byte(`{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}}`), "abab")
	f.Add([]byte(`{"added_tokens": [{"id": 3, "content": "<s>", "special": true}], "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]}, "model": {"type": "BPE", "byte_fallback": true, "vocab": {"▁": 0, "<0x41>": 1, "a": 2}, "merges": [["▁", "a"]]}}`), "a A<s>")
	f.Add([]byte(`{"pre_tokenizer": {"type": "Split", "pattern": {"String": "-"}, "behavior": "MergedWithNext", "invert": true}, "model": {"type": "BPE", "vocab": {"-": 0}, "merges": []}}`), "--x-")
	f.Fuzz(func(t *testing.T, src []byte, text string) {
		v, err := LoadTokenizerJSON(bytes.NewReader(src), "fuzz")
		if err != nil {
			return
		}
		v.Encode(text)
		v.Lookup(text)
		v.Fingerprint()
	})
}

// TestByteTokens: each byte maps to the lowest normal id spelled by that
// byte alone, or -1.
func TestByteTokens(t *testing.T) {
	v, err := New("t", [][]byte{[]byte("ab"), []byte("a"), []byte("b"), []byte("a")}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	bt := v.ByteTokens()
	if bt['a'] != 1 || bt['b'] != 2 || bt['c'] != -1 {
		t.Errorf("ByteTokens: a %d, b %d, c %d; want 1, 2, -1", bt['a'], bt['b'], bt['c'])
	}
	bl := ByteLevel().ByteTokens()
	for b := range 256 {
		if id := bl[b]; id < 0 || string(ByteLevel().Bytes(id)) != string([]byte{byte(b)}) {
			t.Fatalf("byte-level ByteTokens[%d] = %d", b, id)
		}
	}
}
