package vocab

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Files of a vocabulary folder.
const (
	tokensFile  = "tokens.txt"  // one line per id: the token's bytes in hex
	specialFile = "special.txt" // special ids, one per line
	eosFile     = "eos.txt"     // EOS ids, one per line, primary first
	addedFile   = "added.txt"   // non-special added ids (optional)
	configFile  = "tokenizer_config.json"
)

// tokenizerFiles are the names Load looks for in a folder, in order.
var tokenizerFiles = []string{"tokenizer.json", "tokenizer.json.gz"}

// knownFamilies gives the logits width of the model families of the
// shared corpora whose models have more logits rows than token ids, keyed
// by folder name. The width applies only if the vocabulary has the
// family's size.
var knownFamilies = map[string]struct{ size, width int }{
	"qwen3":       {151669, 151936},
	"deepseek_v3": {128815, 129280},
	"gemma3":      {262145, 262208}, // the multimodal 4B/12B/27B models; 1B has 262144
}

// Load reads a vocabulary from path, which is one of:
//
//   - a folder with tokens.txt, special.txt and eos.txt (and optionally
//     added.txt): the token bytes and ids come from these files. If the
//     folder also has a tokenizer.json or tokenizer.json.gz, it is read too
//     so that Encode works, and its token bytes must agree with tokens.txt;
//     Without a tokenizer.json, a vocab.json ({"piece": id, ...}) of a
//     SentencePiece BPE model makes Encode work as for Llama 2: the merge
//     order is taken to be the piece order, and the text gets a ▁ prefix;
//   - a folder with only a tokenizer.json or tokenizer.json.gz (and
//     optionally tokenizer_config.json, whose eos_token becomes the primary
//     EOS): see LoadTokenizerJSON;
//   - a tokenizer.json file, plain or gzipped; a tokenizer_config.json
//     beside it is used as for a folder.
//
// The vocabulary is named after the folder (for a file, the folder that
// holds it). LogitsWidth is Size, except for the families of the shared
// corpora recognized by that folder name and their vocabulary size:
// qwen3 → 151936, deepseek_v3 → 129280, gemma3 → 262208 (the multimodal
// models; use WithLogitsWidth(262144) for Gemma 3 1B).
//
// Errors name the file, and the line for malformed lines.
func Load(path string) (*Vocabulary, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("vocab: %w", err)
	}
	var v *Vocabulary
	if fi.IsDir() {
		v, err = loadDir(path)
	} else {
		v, err = loadTokenizerFile(path, filepath.Dir(path))
	}
	if err != nil {
		return nil, fmt.Errorf("vocab: %w", err)
	}
	if f, ok := knownFamilies[v.name]; ok && f.size == v.Size() {
		v.width = f.width
	}
	return v, nil
}

// folderName returns the name of the folder dir.
func folderName(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return filepath.Base(abs)
}

// loadTokenizerFile loads a tokenizer.json file; dir is the folder whose
// tokenizer_config.json (if any) names the EOS token.
func loadTokenizerFile(path, dir string) (*Vocabulary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tf, err := readTokenizerJSON(f, path)
	if err != nil {
		return nil, err
	}
	tf.name = folderName(dir)
	eos, err := configEOS(filepath.Join(dir, configFile))
	if err != nil {
		return nil, err
	}
	return tf.vocabulary(eos)
}

// configEOS returns the eos_token of a tokenizer_config.json, or "" if
// the file does not exist or names none.
func configEOS(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var cfg struct {
		EOS json.RawMessage `json:"eos_token"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	var s string
	var tok struct {
		Content string `json:"content"`
	}
	switch {
	case len(cfg.EOS) == 0 || string(cfg.EOS) == "null":
	case json.Unmarshal(cfg.EOS, &s) == nil:
	case json.Unmarshal(cfg.EOS, &tok) == nil:
		s = tok.Content
	default:
		return "", fmt.Errorf("%s: eos_token is neither a string nor a token object", path)
	}
	return s, nil
}

func loadDir(dir string) (*Vocabulary, error) {
	tokPath := ""
	for _, name := range tokenizerFiles {
		if p := filepath.Join(dir, name); fileExists(p) {
			tokPath = p
			break
		}
	}
	tokensPath := filepath.Join(dir, tokensFile)
	if !fileExists(tokensPath) {
		if tokPath == "" {
			return nil, fmt.Errorf("%s: no %s, tokenizer.json or tokenizer.json.gz", dir, tokensFile)
		}
		return loadTokenizerFile(tokPath, dir)
	}

	data, off, err := readTokens(tokensPath)
	if err != nil {
		return nil, err
	}
	size := len(off) - 1
	special, err := readIDs(filepath.Join(dir, specialFile), size, true)
	if err != nil {
		return nil, err
	}
	eos, err := readIDs(filepath.Join(dir, eosFile), size, true)
	if err != nil {
		return nil, err
	}
	added, err := readIDs(filepath.Join(dir, addedFile), size, false)
	if err != nil {
		return nil, err
	}
	v, err := build(folderName(dir), data, off, special, eos, added)
	if err != nil {
		return nil, err
	}
	if tokPath == "" {
		// A SentencePiece vocabulary without merges (Llama 2).
		if p := filepath.Join(dir, vocabJSONFile); fileExists(p) {
			if v.enc, err = loadVocabJSON(v, p); err != nil {
				return nil, err
			}
			v.encErr = nil
		}
		return v, nil
	}

	// Take the encoder from tokenizer.json, after checking that it
	// describes the same tokens.
	f, err := os.Open(tokPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tf, err := readTokenizerJSON(f, tokPath)
	if err != nil {
		return nil, err
	}
	if n := len(tf.off) - 1; n != size {
		return nil, fmt.Errorf("%s has %d tokens but %s has %d", tokensPath, size, tokPath, n)
	}
	for t := range TokenID(size) {
		if tb := tf.data[tf.off[t]:tf.off[t+1]]; !bytes.Equal(tb, v.Bytes(t)) {
			return nil, fmt.Errorf("%s and %s disagree on the bytes of id %d: %x vs %x", tokensPath, tokPath, t, v.Bytes(t), tb)
		}
	}
	v.enc, v.encErr = tf.enc, tf.encErr
	return v, nil
}

func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir()
}

// readTokens reads tokens.txt: line i holds the bytes of id i as hex.
func readTokens(path string) ([]byte, []int32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(b) == 0 {
		return nil, nil, fmt.Errorf("%s: empty file", path)
	}
	data := make([]byte, 0, len(b)/2)
	off := make([]int32, 1, bytes.Count(b, []byte{'\n'})+2)
	for line := 1; len(b) > 0; line++ {
		l, rest, _ := bytes.Cut(b, []byte{'\n'})
		b = rest
		l = bytes.TrimSuffix(l, []byte{'\r'})
		if len(l)%2 != 0 {
			return nil, nil, fmt.Errorf("%s:%d: odd number of hex digits", path, line)
		}
		n := len(data)
		data = data[:n+len(l)/2]
		if _, err := hex.Decode(data[n:], l); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		if len(data) > 1<<31-1 {
			return nil, nil, fmt.Errorf("%s: too large", path)
		}
		off = append(off, int32(len(data)))
	}
	return data, off, nil
}

// readIDs reads a file of decimal ids, one per line, each in [0, size).
// A missing file is an error if required, else an empty list.
func readIDs(path string, size int, required bool) ([]TokenID, error) {
	b, err := os.ReadFile(path)
	if !required && errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []TokenID
	for line, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		l = strings.TrimSpace(l)
		if l == "" && len(b) <= 1 {
			break // empty file
		}
		x, err := strconv.ParseInt(l, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: want a decimal token id, got %q", path, line+1, l)
		}
		if x < 0 || int(x) >= size {
			return nil, fmt.Errorf("%s:%d: id %d out of range [0, %d)", path, line+1, x, size)
		}
		ids = append(ids, TokenID(x))
	}
	return ids, nil
}
