package cuda

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

var ninf = float32(math.Inf(-1))

func TestApplyF32(t *testing.T) {
	// 3 rows of width 40 (stride 43), 37 real ids; mask words per row: 2.
	const W, S, real = 40, 43, 37
	logits := make([]float32, 3*S)
	for i := range logits {
		logits[i] = float32(i)
	}
	mask := []uint32{
		0b1011, 0xFFFFFFFF, // row 0: ids 0,1,3 and 32..36 (37..39 padding)
		0, 0, // row 1: none
		0xFFFFFFFF, 0xFFFFFFFF, // row 2: all real ids
	}
	s := &ApplyShape{Rows: 3, Width: W, Stride: S, Real: real, MaskStride: 2, Index: []int32{0, 2}, Mask: mask}
	if err := ApplyF32(logits, s); err != nil {
		t.Fatal(err)
	}
	for r := range 3 {
		for i := range S {
			v := logits[r*S+i]
			orig := float32(r*S + i)
			var allowed bool
			switch {
			case i >= W || r == 1: // beyond the width, or a row not in the index
				allowed = true
			case i >= real:
				allowed = false
			case r == 0:
				allowed = i == 0 || i == 1 || i == 3 || i >= 32
			case r == 2:
				allowed = true
			}
			if allowed && v != orig || !allowed && v != ninf {
				t.Errorf("row %d id %d: %v (allowed %v)", r, i, v, allowed)
			}
		}
	}
	// Compact: mask row i for Index[i].
	logits2 := make([]float32, 3*S)
	s2 := &ApplyShape{Rows: 3, Width: W, Stride: S, Real: real, MaskStride: 2, Index: []int32{1}, Compact: true, Mask: mask[4:6]}
	if err := ApplyF32(logits2, s2); err != nil {
		t.Fatal(err)
	}
	if logits2[S+36] != 0 || logits2[S+37] != ninf || logits2[0] != 0 {
		t.Errorf("compact apply: %v %v %v", logits2[S+36], logits2[S+37], logits2[0])
	}
}

func TestApplyHalf(t *testing.T) {
	data := []uint16{0x3C00, 0x3C00, 0x3C00}
	s := &ApplyShape{Rows: 1, Width: 3, Stride: 3, Real: 2, MaskStride: 1, Mask: []uint32{0b101}}
	if err := ApplyF16(data, s); err != nil {
		t.Fatal(err)
	}
	if data[0] != 0x3C00 || data[1] != NegInfF16 || data[2] != NegInfF16 {
		t.Errorf("f16: %04x", data)
	}
	data = []uint16{0x3F80, 0x3F80}
	if err := ApplyBF16(data, &ApplyShape{Rows: 1, Width: 2, Stride: 2, Real: 2, MaskStride: 1, Mask: []uint32{0b10}}); err != nil {
		t.Fatal(err)
	}
	if data[0] != NegInfBF16 || data[1] != 0x3F80 || BF16ToF32(NegInfBF16) != ninf || F16ToF32(NegInfF16) != ninf {
		t.Errorf("bf16: %04x", data)
	}
}

func TestApplyShapeErrors(t *testing.T) {
	bad := []ApplyShape{
		{Rows: 2, Width: 10, Stride: 10, Real: 10, MaskStride: 1, Mask: make([]uint32, 2)}, // 19 logits only
		{Rows: 1, Width: 40, Stride: 40, Real: 40, MaskStride: 1, Mask: make([]uint32, 2)}, // stride < words
		{Rows: 1, Width: 40, Stride: 40, Real: 40, MaskStride: 2, Mask: make([]uint32, 1)}, // short mask
		{Rows: 2, Width: 10, Stride: 9, Real: 10, MaskStride: 1, Mask: make([]uint32, 2)},  // stride < width
		{Rows: 1, Width: 10, Stride: 10, Real: 10, MaskStride: 1, Mask: make([]uint32, 1), Index: []int32{1}},
		{Rows: 1, Width: 10, Stride: 10, Real: 10, MaskStride: 1, Mask: make([]uint32, 1), Compact: true},
	}
	for i, s := range bad {
		if err := ApplyF32(make([]float32, 19), &s); !errors.Is(err, ErrShape) {
			t.Errorf("case %d: %v", i, err)
		}
	}
}

func TestSampleGreedy(t *testing.T) {
	nan := float32(math.NaN())
	row := []float32{1, 5, nan, 5, 2, 9} // id 5 is padding (real 5)
	p := SampleParams{}
	if got := SampleRow(row, 5, nil, p, 0, 0); got != 1 {
		t.Errorf("greedy = %d, want 1 (tie to the lower id, padding ignored)", got)
	}
	if got := SampleRow(row, 5, []uint32{0b10101}, p, 0, 0); got != 4 {
		t.Errorf("masked greedy = %d, want 4", got)
	}
	if got := SampleRow(row, 5, []uint32{0b100}, p, 0, 0); got != 2 {
		t.Errorf("only NaN allowed: %d, want 2", got)
	}
	if got := SampleRow(row, 5, []uint32{0b100000}, p, 0, 0); got != -1 {
		t.Errorf("only padding allowed: %d, want -1", got)
	}
	if got := SampleRow([]float32{ninf, ninf}, 2, nil, p, 0, 0); got != 0 {
		t.Errorf("all -Inf: %d, want 0", got)
	}
	for _, q := range []SampleParams{{Temperature: 1}, {Temperature: 1, TopK: 3}, {Temperature: 1, TopP: 0.5}} {
		if got := SampleRow(row, 5, []uint32{0}, q, 1, 2); got != -1 {
			t.Errorf("%+v with nothing allowed: %d", q, got)
		}
		if got := SampleRow([]float32{1, float32(math.Inf(1)), 2}, 3, nil, q, 1, 2); got != 1 {
			t.Errorf("%+v with +Inf: %d, want 1", q, got)
		}
	}
}

// frequencies samples row n times (seeds 0..n-1) and returns the counts.
func frequencies(row []float32, words []uint32, p SampleParams, n int) map[int32]int {
	c := map[int32]int{}
	for s := range n {
		c[SampleRow(row, len(row), words, p, uint64(s)*0x9E3779B97F4A7C15, 7)]++
	}
	return c
}

// checkDist compares counts with probabilities (within 5 standard deviations).
func checkDist(t *testing.T, name string, counts map[int32]int, probs map[int32]float64, n int) {
	t.Helper()
	for id, c := range counts {
		if probs[id] == 0 {
			t.Errorf("%s: token %d drawn %d times, probability 0", name, id, c)
		}
	}
	for id, p := range probs {
		mean := p * float64(n)
		sd := math.Sqrt(mean * (1 - p))
		if math.Abs(float64(counts[id])-mean) > 5*sd+1 {
			t.Errorf("%s: token %d drawn %d times, expected %.0f ± %.0f", name, id, counts[id], mean, sd)
		}
	}
}

func softmax(row []float32, ids []int32, temp float64) map[int32]float64 {
	p := map[int32]float64{}
	z := 0.0
	for _, id := range ids {
		p[id] = math.Exp(float64(row[id]) / temp)
		z += p[id]
	}
	for id := range p {
		p[id] /= z
	}
	return p
}

func TestSampleDistributions(t *testing.T) {
	row := []float32{0, 1, 2, 0.5, -1, 1.5}
	const n = 20000
	all := []int32{0, 1, 2, 3, 4, 5}
	checkDist(t, "temperature 1", frequencies(row, nil, SampleParams{Temperature: 1}, n), softmax(row, all, 1), n)
	checkDist(t, "temperature 0.5", frequencies(row, nil, SampleParams{Temperature: 0.5}, n), softmax(row, all, 0.5), n)
	masked := []uint32{0b011011}
	checkDist(t, "masked", frequencies(row, masked, SampleParams{Temperature: 1}, n), softmax(row, []int32{0, 1, 3, 4}, 1), n)
	checkDist(t, "top-k 2", frequencies(row, nil, SampleParams{Temperature: 1, TopK: 2}, n), softmax(row, []int32{2, 5}, 1), n)
	checkDist(t, "top-k 3 masked", frequencies(row, masked, SampleParams{Temperature: 2, TopK: 3}, n), softmax(row, []int32{1, 3, 0}, 2), n)
	// Top-p 0.6: p(2) = 0.40 < 0.6, p(2)+p(5) = 0.64 >= 0.6.
	full := softmax(row, all, 1)
	if full[2] >= 0.6 || full[2]+full[5] < 0.6 {
		t.Fatalf("fixture: %v", full)
	}
	checkDist(t, "top-p 0.6", frequencies(row, nil, SampleParams{Temperature: 1, TopP: 0.6}, n), softmax(row, []int32{2, 5}, 1), n)
}

func TestSampleDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	row := make([]float32, 3000)
	for i := range row {
		row[i] = float32(r.NormFloat64())
	}
	for _, p := range []SampleParams{{Temperature: 0.8}, {Temperature: 1, TopK: 40, TopP: 0.9}} {
		a := SampleRow(row, len(row), nil, p, 42, 3)
		if b := SampleRow(row, len(row), nil, p, 42, 3); a != b {
			t.Errorf("%+v: %d then %d", p, a, b)
		}
		diff := 0
		for s := range uint64(20) {
			if SampleRow(row, len(row), nil, p, s, 3) != a {
				diff++
			}
		}
		if diff == 0 {
			t.Errorf("%+v: every seed gives %d", p, a)
		}
	}
}

func TestParams(t *testing.T) {
	for _, c := range []struct {
		p    SampleParams
		mode Mode
		k    int
	}{
		{SampleParams{}, Greedy, KMax},
		{SampleParams{Temperature: 1, TopK: 1}, Greedy, 1},
		{SampleParams{Temperature: 1}, Gumbel, KMax},
		{SampleParams{Temperature: 1, TopP: 1}, Gumbel, KMax},
		{SampleParams{Temperature: 1, TopK: 5}, TopK, 5},
		{SampleParams{Temperature: 1, TopP: 0.9}, TopK, KMax},
	} {
		if c.p.Mode() != c.mode || c.p.K() != c.k || c.p.Validate() != nil {
			t.Errorf("%+v: mode %v k %d err %v", c.p, c.p.Mode(), c.p.K(), c.p.Validate())
		}
	}
	for _, p := range []SampleParams{{Temperature: -1}, {Temperature: float32(math.NaN())}, {TopK: KMax + 1}, {TopK: -1}, {TopP: 1.5}, {TopP: -0.1}} {
		if !errors.Is(p.Validate(), ErrParams) {
			t.Errorf("%+v accepted", p)
		}
	}
	if s := (SampleParams{Temperature: 2}).Scale(); s != float32(math.Log2E/2) {
		t.Errorf("scale %v", s)
	}
}

func TestRandomLogits(t *testing.T) {
	row := make([]float32, 37)
	bias := &RandomBias{IDs: []int32{3, 36}, Value: -100}
	RandomLogitsRow(row, 1, 2, 3, bias)
	for i, v := range row {
		if got := RandomLogit(1, 2, 3, i, bias); got != v {
			t.Fatalf("id %d: row %v, single %v", i, v, got)
		}
		base := RandomLogit(1, 2, 3, i, nil)
		if base < -8 || base >= 8 || float64(base)*(1<<20) != math.Trunc(float64(base)*(1<<20)) {
			t.Fatalf("id %d: %v not a multiple of 2^-20 in [-8, 8)", i, base)
		}
		if (i == 3 || i == 36) != (v != base) {
			t.Fatalf("bias at %d: %v vs %v", i, v, base)
		}
	}
	other := make([]float32, 37)
	RandomLogitsRow(other, 1, 2, 4, nil)
	same := 0
	for i := range row {
		if row[i] == other[i] {
			same++
		}
	}
	if same > 3 {
		t.Errorf("positions 3 and 4 share %d logits", same)
	}
}
