package cuda

import (
	"container/heap"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// ApplyShape describes a batch of logits rows and their bitmasks for the
// apply kernels (and their CPU reference).
type ApplyShape struct {
	Rows       int      // logits rows (the batch); with Index, the rows Index may name
	Width      int      // logits per row that the kernel covers
	Stride     int      // elements from one logits row to the next (>= Width)
	Real       int      // token ids >= Real are padding: always disallowed
	MaskStride int      // int32 words from one mask row to the next (>= MaskWords)
	Index      []int32  // nil: every row; else only these logits rows
	Compact    bool     // with Index: mask row i belongs to logits row Index[i]
	Mask       []uint32 // the bitmask (XGrammar's layout)
}

// realWidth is the number of ids that may be allowed.
func realWidth(real, width int) int { return max(min(real, width), 0) }

// MaskWords is the number of mask words a row needs: ceil(min(Real, Width)/32).
func (s *ApplyShape) MaskWords() int { return (realWidth(s.Real, s.Width) + 31) / 32 }

// items is the number of rows the kernel masks.
func (s *ApplyShape) items() int {
	if s.Index != nil {
		return len(s.Index)
	}
	return s.Rows
}

// rowOf returns the logits row and the mask row of item i.
func (s *ApplyShape) rowOf(i int) (row, mrow int) {
	row = i
	if s.Index != nil {
		row = int(s.Index[i])
	}
	mrow = row
	if s.Compact {
		mrow = i
	}
	return row, mrow
}

// Check validates the shape against a logits buffer of n elements.
func (s *ApplyShape) Check(n int) error {
	if s.Width <= 0 || s.Rows <= 0 || s.Stride < s.Width || s.Real < 0 {
		return fmt.Errorf("%w: rows %d, width %d, stride %d, real %d", ErrShape, s.Rows, s.Width, s.Stride, s.Real)
	}
	if s.Width >= 1<<31-1 || s.Rows > 1<<31-1 {
		return fmt.Errorf("%w: width %d or rows %d too large", ErrShape, s.Width, s.Rows)
	}
	if s.Compact && s.Index == nil {
		return fmt.Errorf("%w: compact masks need a row index", ErrShape)
	}
	if need := (s.Rows-1)*s.Stride + s.Width; n < need {
		return fmt.Errorf("%w: %d logits for %d rows of stride %d and width %d (need %d)", ErrShape, n, s.Rows, s.Stride, s.Width, need)
	}
	words := s.MaskWords()
	if s.MaskStride < words {
		return fmt.Errorf("%w: mask stride %d < %d words for %d real ids", ErrShape, s.MaskStride, words, realWidth(s.Real, s.Width))
	}
	mrows := s.Rows
	for i, r := range s.Index {
		if r < 0 || int(r) >= s.Rows {
			return fmt.Errorf("%w: row index %d (entry %d) outside 0..%d", ErrShape, r, i, s.Rows-1)
		}
	}
	if s.Compact {
		mrows = len(s.Index)
	}
	if mrows > 0 && words > 0 {
		if need := (mrows-1)*s.MaskStride + words; len(s.Mask) < need {
			return fmt.Errorf("%w: %d mask words for %d mask rows of stride %d (need %d)", ErrShape, len(s.Mask), mrows, s.MaskStride, need)
		}
	}
	return nil
}

// applyRef is the semantics of the apply kernels: in every masked row, each
// id below Width that is not allowed (at or beyond Real, or its bit clear)
// becomes ninf; allowed ids and other rows are not touched.
func applyRef[E any](data []E, s *ApplyShape, ninf E) error {
	if err := s.Check(len(data)); err != nil {
		return err
	}
	rl := realWidth(s.Real, s.Width)
	for i := range s.items() {
		row, mrow := s.rowOf(i)
		d := data[row*s.Stride : row*s.Stride+s.Width]
		var m []uint32
		if rl > 0 {
			m = s.Mask[mrow*s.MaskStride : mrow*s.MaskStride+s.MaskWords()]
		}
		for t := range d {
			if t >= rl || m[t>>5]>>(t&31)&1 == 0 {
				d[t] = ninf
			}
		}
	}
	return nil
}

// ApplyF32 is the CPU reference of the apply_f32 kernel.
func ApplyF32(logits []float32, s *ApplyShape) error {
	return applyRef(logits, s, math.Float32frombits(NegInfF32))
}

// ApplyF16 is the CPU reference of the apply_f16 kernel (binary16 bits).
func ApplyF16(logits []uint16, s *ApplyShape) error { return applyRef(logits, s, NegInfF16) }

// ApplyBF16 is the CPU reference of the apply_bf16 kernel (bfloat16 bits).
func ApplyBF16(logits []uint16, s *ApplyShape) error { return applyRef(logits, s, NegInfBF16) }

// SampleRow is the CPU reference of the sampling kernels for one row:
// row holds the row's logits (its width is len(row)), ids >= real are
// padding, words is the row's bitmask (nil: every id below real is
// allowed), seed and pos key the row's random numbers. It returns the
// token, or -1 when no token is allowed. p must be valid.
func SampleRow(row []float32, real int, words []uint32, p SampleParams, seed uint64, pos uint32) int32 {
	rl := realWidth(real, len(row))
	allowed := func(t int) bool { return words == nil || words[t>>5]>>(t&31)&1 != 0 }
	switch p.Mode() {
	case Greedy:
		var best uint64
		for t := range rl {
			if allowed(t) {
				best = max(best, pack(orderKey(row[t]), t))
			}
		}
		if best == 0 {
			return -1
		}
		return packedID(best)
	case Gumbel:
		c := p.Scale()
		var best uint64
		var r [4]uint32
		grp := -1
		for t := range rl {
			if !allowed(t) {
				continue
			}
			if t>>2 != grp { // one Philox call per group of 4 ids
				grp = t >> 2
				r = Philox([4]uint32{uint32(grp), pos, saltGumbel, 0}, seedKey(seed))
			}
			best = max(best, pack(orderKey(gumbelScore(row[t], c, r[t&3])), t))
		}
		if best == 0 {
			return -1
		}
		return packedID(best)
	}
	// Top-k / top-p: the K best allowed tokens.
	k := p.K()
	h := make(minHeap, 0, k)
	for t := range rl {
		if !allowed(t) {
			continue
		}
		key := pack(orderKey(row[t]), t)
		if len(h) < k {
			heap.Push(&h, key)
		} else if key > h[0] {
			h[0] = key
			heap.Fix(&h, 0)
		}
	}
	if len(h) == 0 {
		return -1
	}
	cands := []uint64(h)
	slices.SortFunc(cands, func(a, b uint64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	return topKPick(cands, p.Scale(), p.topP(), seed, pos)
}

// topKPick draws from candidates sorted best first (the top-k/top-p
// procedure of doc.go).
func topKPick(cands []uint64, c, topP float32, seed uint64, pos uint32) int32 {
	lmax := keyValue(uint32(cands[0] >> 32))
	if lmax != lmax || math.IsInf(float64(lmax), 0) {
		return packedID(cands[0])
	}
	w := make([]uint64, len(cands))
	var z uint64
	for j, k := range cands {
		w[j] = detExp2Fixed(fmul(fsub(keyValue(uint32(k>>32)), lmax), c))
		z += w[j]
	}
	pz := float64(topP) * float64(z)
	var s, cut uint64
	for _, x := range w {
		s += x
		if float64(s) >= pz {
			cut = s
			break
		}
	}
	x, _ := bits.Mul64(topKDraw(seed, pos), cut)
	s = 0
	for j, wj := range w {
		s += wj
		if s > x {
			return packedID(cands[j])
		}
	}
	return packedID(cands[0]) // unreachable: s reaches cut > x
}

type minHeap []uint64

func (h minHeap) Len() int           { return len(h) }
func (h minHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h minHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x any)        { *h = append(*h, x.(uint64)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// RandomBias adds Value to the random logits of IDs (at most MaxBias ids),
// e.g. to make EOS likelier or impossible (-Inf).
type RandomBias struct {
	IDs   []int32
	Value float32
}

// MaxBias bounds RandomBias.IDs (the kernel checks them one by one).
const MaxBias = 8

// RandomLogit is the logit the random-logits kernel writes for token t of
// a sequence seq at position pos: a multiple of 2^-20 in [-8, 8) from
// Philox keyed by modelSeed at counter (t/4, pos, seq low, seq high), word
// t%4, plus the bias if t is a biased id.
func RandomLogit(modelSeed, seq uint64, pos uint32, t int, bias *RandomBias) float32 {
	r := Philox([4]uint32{uint32(t) >> 2, pos, uint32(seq), uint32(seq >> 32)}, seedKey(modelSeed))[t&3]
	return biased(randomValue(r), t, bias)
}

func randomValue(r uint32) float32 { return fsub(fmul(float32(r>>8), 0x1p-20), 8) }

func biased(v float32, t int, bias *RandomBias) float32 {
	if bias != nil {
		for _, id := range bias.IDs {
			if int(id) == t {
				return fadd(v, bias.Value)
			}
		}
	}
	return v
}

// RandomLogitsRow fills dst (one row, its width len(dst)) like the
// random-logits kernel.
func RandomLogitsRow(dst []float32, modelSeed, seq uint64, pos uint32, bias *RandomBias) {
	key := seedKey(modelSeed)
	for t0 := 0; t0 < len(dst); t0 += 4 {
		r := Philox([4]uint32{uint32(t0) >> 2, pos, uint32(seq), uint32(seq >> 32)}, key)
		for j := 0; j < 4 && t0+j < len(dst); j++ {
			dst[t0+j] = biased(randomValue(r[j]), t0+j, bias)
		}
	}
}
