package vocab

import (
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// A merge says that the adjacent tokens left, right become result; merges
// of lower rank are applied first.
type merge struct {
	left, right, result TokenID
	rank                int32
}

// mergeTable maps a pair of token ids to its merge. It is an
// open-addressing hash table: the BPE loop looks pairs up constantly, and
// a tokenizer has up to a few hundred thousand merges.
type mergeTable struct {
	slots []mergeSlot
	shift uint // 64 - log2(len(slots))
}

type mergeSlot struct {
	key uint64 // pairKey(left, right), or emptyKey
	val uint64 // rank<<32 | result
}

const emptyKey = ^uint64(0) // no pair has it: ids are below 2^31

func pairKey(left, right TokenID) uint64 { return uint64(uint32(left))<<32 | uint64(uint32(right)) }

// newMergeTable builds the table of merges; a repeated pair keeps its last
// merge, as in the Rust library.
func newMergeTable(merges []merge) *mergeTable {
	n := max(8, 2*len(merges))
	logSize := bits.Len(uint(n - 1))
	t := &mergeTable{slots: make([]mergeSlot, 1<<logSize), shift: uint(64 - logSize)}
	for k := range t.slots {
		t.slots[k].key = emptyKey
	}
	for _, m := range merges {
		key := pairKey(m.left, m.right)
		i := t.home(key)
		for t.slots[i].key != emptyKey && t.slots[i].key != key {
			i = (i + 1) & (len(t.slots) - 1)
		}
		t.slots[i] = mergeSlot{key, uint64(uint32(m.rank))<<32 | uint64(uint32(m.result))}
	}
	return t
}

func (t *mergeTable) home(key uint64) int { return int((key * 0x9e3779b97f4a7c15) >> t.shift) }

// get returns the rank and result of merging left and right.
func (t *mergeTable) get(left, right TokenID) (rank int32, result TokenID, ok bool) {
	key := pairKey(left, right)
	for i := t.home(key); ; i = (i + 1) & (len(t.slots) - 1) {
		switch s := t.slots[i]; s.key {
		case key:
			return int32(s.val >> 32), TokenID(uint32(s.val)), true
		case emptyKey:
			return 0, 0, false
		}
	}
}

// parseMerges reads the merges array, whose elements are "left right"
// strings or ["left", "right"] pairs. A merge's rank is its index. Merges
// whose parts or result are not in the vocabulary are ignored.
func parseMerges(s *jsonScanner, pieces map[string]TokenID) (*mergeTable, error) {
	// Decode all parts into one buffer, left and right side by side, so
	// that buf[start[k]:end[k]] is the result of merge k and mid[k] splits
	// it into its parts.
	var (
		buf             []byte
		start, mid, end []int32
	)
	err := s.array(func() error {
		var err error
		start = append(start, int32(len(buf)))
		switch s.peek() {
		case '"':
			k := len(buf)
			if buf, err = s.str(buf); err != nil {
				return err
			}
			sp := strings.IndexByte(string(buf[k:]), ' ')
			if sp < 0 {
				return s.errorf("merge %q has no space", buf[k:])
			}
			mid = append(mid, int32(k+sp))
			buf = append(buf[:k+sp], buf[k+sp+1:]...)
		case '[':
			n := 0
			err = s.array(func() error {
				var err error
				if n > 1 {
					return s.errorf("merge with more than two parts")
				}
				if buf, err = s.str(buf); err == nil && n == 0 {
					mid = append(mid, int32(len(buf)))
				}
				n++
				return err
			})
			if err == nil && n != 2 {
				err = s.errorf("merge with %d parts", n)
			}
			if err != nil {
				return err
			}
		default:
			return s.errorf("merge must be a string or an array")
		}
		end = append(end, int32(len(buf)))
		if len(buf) > 1<<31-1 {
			return s.errorf("merges too large")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Resolve the pieces to ids, in parallel: the map lookups dominate
	// the loading time of large tokenizers.
	merges := make([]merge, len(start))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(merges)/10000))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(merges)/workers, (w+1)*len(merges)/workers
		wg.Go(func() {
			for k := lo; k < hi; k++ {
				left, ok1 := pieces[string(buf[start[k]:mid[k]])]
				right, ok2 := pieces[string(buf[mid[k]:end[k]])]
				result, ok3 := pieces[string(buf[start[k]:end[k]])]
				merges[k] = merge{left, right, result, int32(k)}
				if !ok1 || !ok2 || !ok3 {
					merges[k].rank = -1
				}
			}
		})
	}
	wg.Wait()
	merges = slices.DeleteFunc(merges, func(m merge) bool { return m.rank < 0 })
	return newMergeTable(merges), nil
}
