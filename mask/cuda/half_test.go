package cuda

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestF16RoundTrip(t *testing.T) {
	for h := range 1 << 16 {
		f := F16ToF32(uint16(h))
		back := F32ToF16(f)
		if f != f {
			if back&0x7C00 != 0x7C00 || back&0x3FF == 0 {
				t.Fatalf("NaN %#04x -> %#04x", h, back)
			}
			continue
		}
		if back != uint16(h) {
			t.Fatalf("%#04x -> %v -> %#04x", h, f, back)
		}
	}
}

func TestF16Known(t *testing.T) {
	cases := []struct {
		f    float32
		want uint16
	}{
		{1, 0x3C00}, {-2, 0xC000}, {65504, 0x7BFF}, {65519.99, 0x7BFF}, {65520, 0x7C00},
		{float32(math.Inf(-1)), 0xFC00}, {0x1p-24, 0x0001}, {0x1p-25, 0x0000}, {0x1.8p-25, 0x0001},
		{0x1p-14, 0x0400}, {0x1.ffcp-15, 0x0400}, {0x1.ff8p-15, 0x03FF}, {float32(math.Copysign(0, -1)), 0x8000},
		{1 + 0x1p-11, 0x3C00}, {1 + 0x1.8p-11, 0x3C01}, {1 + 0x1.8p-10, 0x3C02},
	}
	for _, c := range cases {
		if got := F32ToF16(c.f); got != c.want {
			t.Errorf("F32ToF16(%v) = %#04x, want %#04x", c.f, got, c.want)
		}
	}
}

// refF16 rounds a finite float32 to binary16 with exact rational arithmetic.
func refF16(f float32) uint16 {
	sign := uint16(0)
	if math.Signbit(float64(f)) {
		sign = 0x8000
	}
	x := new(big.Rat).SetFloat64(math.Abs(float64(f)))
	// Largest finite 65504; round to nearest even on the grid of its binade.
	best := uint16(0)
	var bestErr *big.Rat
	lo, hi := uint16(0), uint16(0x7C00)
	for lo < hi { // smallest h with value(h) >= x
		mid := (lo + hi) / 2
		if new(big.Rat).SetFloat64(float64(F16ToF32(mid))).Cmp(x) >= 0 {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	for _, h := range []uint16{lo - 1, lo} {
		if h > 0x7C00 || lo == 0 && h == 0xFFFF {
			continue
		}
		v := new(big.Rat).SetFloat64(float64(F16ToF32(h)))
		if h == 0x7C00 { // overflow threshold: 65520 rounds to Inf
			v = big.NewRat(65536, 1)
		}
		e := new(big.Rat).Abs(new(big.Rat).Sub(v, x))
		if bestErr == nil || e.Cmp(bestErr) < 0 || e.Cmp(bestErr) == 0 && h&1 == 0 {
			best, bestErr = h, e
		}
	}
	return sign | best
}

func TestF16Random(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		// Exponents around binary16's range, random mantissas.
		e := r.IntN(50) - 30
		f := float32(math.Ldexp(1+r.Float64(), e))
		if r.IntN(2) == 0 {
			f = -f
		}
		if got, want := F32ToF16(f), refF16(f); got != want {
			t.Fatalf("F32ToF16(%v = %#08x) = %#04x, want %#04x", f, math.Float32bits(f), got, want)
		}
	}
}

func TestBF16(t *testing.T) {
	cases := []struct {
		f    float32
		want uint16
	}{
		{1, 0x3F80}, {-1, 0xBF80}, {float32(math.Inf(-1)), 0xFF80},
		{math.Float32frombits(0x3F808000), 0x3F80}, // tie, even stays
		{math.Float32frombits(0x3F818000), 0x3F82}, // tie, odd rounds up
		{math.Float32frombits(0x3F808001), 0x3F81},
		{math.Float32frombits(0x7F7FFFFF), 0x7F80}, // rounds to Inf
	}
	for _, c := range cases {
		if got := F32ToBF16(c.f); got != c.want {
			t.Errorf("F32ToBF16(%#08x) = %#04x, want %#04x", math.Float32bits(c.f), got, c.want)
		}
	}
	if h := F32ToBF16(float32(math.NaN())); BF16ToF32(h) == BF16ToF32(h) {
		t.Errorf("NaN -> %#04x is not NaN", h)
	}
	for h := range 1 << 16 {
		f := BF16ToF32(uint16(h))
		if f == f && F32ToBF16(f) != uint16(h) {
			t.Fatalf("bf16 %#04x does not round-trip", h)
		}
	}
}
