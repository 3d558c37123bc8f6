package vocab

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"
)

// vocabJSONFile is a SentencePiece vocabulary without merges:
// {"piece": id, ...}, as extracted from llama-tokenizer-js for Llama 2.
const vocabJSONFile = "vocab.json"

// loadVocabJSON builds the encoder of a SentencePiece BPE vocabulary from
// its pieces alone, and checks that the pieces spell the bytes of v.
//
// A SentencePiece BPE model lists its pieces in merge order: a piece's
// score is minus its rank, so the piece with the lower id wins. Encoding
// therefore merges, at each step, the adjacent pair whose concatenation is
// the piece with the lowest id (leftmost on ties), as SentencePiece does.
// The exception are pieces made only of ▁ (runs of spaces), which Llama 2
// scores below all others, so they merge last. The text is normalized as
// Llama 2 does: a ▁ is put in front and every space becomes ▁. Characters
// with no piece fall back to <0xNN> pieces; special pieces (<s>, </s>,
// <unk>) are matched as whole tokens.
//
// This reproduces every reference encoding of the Llama 2 vocabulary in
// the shared corpora; for other vocab.json files it is a best effort.
func loadVocabJSON(v *Vocabulary, path string) (*encoder, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pieces, size, err := parseVocab(&jsonScanner{b: b, name: path})
	if err != nil {
		return nil, err
	}
	if size != v.Size() || len(pieces) != size {
		return nil, fmt.Errorf("%s has %d pieces for %d ids, but the vocabulary has %d tokens", path, len(pieces), size, v.Size())
	}
	pieceOf := make([]string, size)
	var buf []byte
	for p, t := range pieces {
		pieceOf[t] = p
		if !v.IsSpecial(t) {
			if buf = appendSentencePiece(buf[:0], p, true); !bytes.Equal(buf, v.Bytes(t)) {
				return nil, fmt.Errorf("%s: piece %q (id %d) does not spell the bytes %x of the vocabulary", path, p, t, v.Bytes(t))
			}
		}
	}

	e := &encoder{
		pieces:       pieces,
		byteFallback: true,
		unk:          -1,
		fuseUnk:      true,
		cache:        map[string][]TokenID{},
	}
	for b := range 256 {
		e.byteIDs[b] = -1
		if id, ok := pieces[fmt.Sprintf("<0x%02X>", b)]; ok {
			e.byteIDs[b] = id
		}
	}
	if id, ok := pieces["<unk>"]; ok {
		e.unk = id
	}
	e.normalize = []func(string) string{
		func(s string) string {
			if s == "" {
				return s
			}
			return "▁" + s
		},
		func(s string) string { return strings.ReplaceAll(s, " ", "▁") },
	}
	var merges []merge
	for t, p := range pieceOf {
		id := TokenID(t)
		if v.IsSpecial(id) {
			e.rawAdded.add(p, id)
			continue
		}
		if _, isByte := byteFallbackPiece(p); isByte {
			continue
		}
		// Every split of p into two pieces is a merge of rank id, or
		// after all others for a run of ▁.
		rank := id
		if strings.Trim(p, "▁") == "" {
			rank += 1 << 30
		}
		for k := 0; k < len(p); {
			_, n := utf8.DecodeRuneInString(p[k:])
			k += n
			if k == len(p) {
				break
			}
			l, okL := pieces[p[:k]]
			r, okR := pieces[p[k:]]
			_, byteL := byteFallbackPiece(p[:k])
			_, byteR := byteFallbackPiece(p[k:])
			if okL && okR && !byteL && !byteR {
				merges = append(merges, merge{l, r, id, rank})
			}
		}
	}
	e.merges = newMergeTable(merges)
	return e, nil
}
