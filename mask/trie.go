package mask

import (
	"bytes"
	"slices"
	"sync"

	"github.com/gramc/gramc/vocab"
)

// Trie is the token trie of a vocabulary's text tokens, laid out in DFS
// order: a node's subtree is the nodes from it up to (not including) End,
// so a failed prefix skips its whole subtree in O(1). Node i's own tokens
// are Tokens[Tok : Tok+NTok]; its subtree's tokens are Tokens[Tok :
// Nodes[End].Tok] (or to the end).
type Trie struct {
	Nodes  []TrieNode
	Tokens []int32 // token ids in DFS (byte-sorted) order
	Sorted []Entry // the same tokens with their bytes and LCPs
}

// TrieNode is one byte of the trie.
type TrieNode struct {
	End   uint32 // index after the subtree
	Tok   uint32 // first token of the subtree in Trie.Tokens
	NTok  uint16 // tokens ending at this node
	Depth uint16 // 1 for children of the root
	B     byte
}

var trieCache sync.Map // *vocab.Vocabulary -> *Trie

// TrieOf returns the token trie of v, built once per vocabulary and shared
// by every grammar compiled for it.
func TrieOf(v *vocab.Vocabulary) *Trie {
	if t, ok := trieCache.Load(v); ok {
		return t.(*Trie)
	}
	t := buildTrie(v, func(int32) bool { return true })
	actual, _ := trieCache.LoadOrStore(v, t)
	return actual.(*Trie)
}

// buildTrie builds the trie of v's text tokens for which keep is true.
func buildTrie(v *vocab.Vocabulary, keep func(int32) bool) *Trie {
	return buildTrieBy(v, keep, v.Bytes)
}

// buildTrieBy is buildTrie with each token spelled by bytesOf (which must
// not return an empty string for a kept token): tokens spelled alike end
// at the same node.
func buildTrieBy(v *vocab.Vocabulary, keep func(int32) bool, bytesOf func(int32) []byte) *Trie {
	t := &Trie{}
	// Sort by an 8-byte big-endian prefix first (cheap integer compares),
	// falling back to the whole bytes on ties.
	type key struct {
		prefix uint64
		id     int32
	}
	keys := make([]key, 0, v.Size())
	for id := 0; id < v.Size(); id++ {
		if v.Normal(int32(id)) && keep(int32(id)) {
			var p uint64
			for i, b := range bytesOf(int32(id)) {
				if i == 8 {
					break
				}
				p |= uint64(b) << (56 - 8*i)
			}
			keys = append(keys, key{p, int32(id)})
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.prefix != b.prefix {
			if a.prefix < b.prefix {
				return -1
			}
			return 1
		}
		if c := bytes.Compare(bytesOf(a.id), bytesOf(b.id)); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	t.Sorted = make([]Entry, len(keys))
	for i, k := range keys {
		t.Sorted[i] = Entry{ID: k.id, B: bytesOf(k.id)}
	}
	t.Tokens = make([]int32, 0, len(keys))
	t.Nodes = make([]TrieNode, 0, 2*len(keys)+256)
	setLCP(t.Sorted)
	var stack []uint32 // open nodes, by depth
	for _, e := range t.Sorted {
		l := int(e.LCP)
		for len(stack) > l {
			t.Nodes[stack[len(stack)-1]].End = uint32(len(t.Nodes))
			stack = stack[:len(stack)-1]
		}
		for d := l; d < len(e.B); d++ {
			stack = append(stack, uint32(len(t.Nodes)))
			t.Nodes = append(t.Nodes, TrieNode{B: e.B[d], Depth: uint16(d + 1), Tok: uint32(len(t.Tokens))})
		}
		t.Tokens = append(t.Tokens, e.ID)
		t.Nodes[stack[len(stack)-1]].NTok++
	}
	for _, i := range stack {
		t.Nodes[i].End = uint32(len(t.Nodes))
	}
	return t
}

// subtreeTokens returns the tokens at and below node i.
func (t *Trie) subtreeTokens(i int) []int32 {
	end := uint32(len(t.Tokens))
	if e := t.Nodes[i].End; int(e) < len(t.Nodes) {
		end = t.Nodes[e].Tok
	}
	return t.Tokens[t.Nodes[i].Tok:end]
}

// Extends reports whether some text token is longer than p and starts
// with p.
func (t *Trie) Extends(p []byte) bool {
	i, _ := slices.BinarySearchFunc(t.Sorted, p, func(e Entry, p []byte) int { return bytes.Compare(e.B, p) })
	for ; i < len(t.Sorted) && bytes.HasPrefix(t.Sorted[i].B, p); i++ {
		if len(t.Sorted[i].B) > len(p) {
			return true
		}
	}
	return false
}
