package cuda

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestDetLnAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	check := func(x float32) {
		got, want := float64(detLn(x)), math.Log(float64(x))
		if err := math.Abs(got - want); err > 3e-7*math.Max(math.Abs(want), 1e-30) && err > 1e-7 {
			t.Fatalf("detLn(%v) = %v, want %v (error %g)", x, got, want, err)
		}
	}
	for range 100000 {
		check(float32(math.Ldexp(0.5+r.Float64(), r.IntN(60)-40)))
	}
	// Near 1, where −ln U is small: relative accuracy must hold.
	for _, x := range []float32{1 - 0x1p-24, 1 - 0x1p-23, 1 + 0x1p-23, 0.999, 1.001, 0x1p-24, 0.7071067, 1.4142135} {
		got, want := float64(detLn(x)), math.Log(float64(x))
		if math.Abs(got-want) > 1e-6*math.Abs(want) {
			t.Errorf("detLn(%v) = %v, want %v", x, got, want)
		}
	}
}

func TestDetExp2Fixed(t *testing.T) {
	if got := detExp2Fixed(0); got != 1<<32 {
		t.Errorf("2^0 = %d", got)
	}
	for _, d := range []float32{-64, -100, float32(math.Inf(-1)), float32(math.NaN())} {
		if got := detExp2Fixed(d); got != 0 {
			t.Errorf("2^%v = %d, want 0", d, got)
		}
	}
	prev := uint64(1 << 32)
	for i := 1; i <= 30000; i++ {
		d := -float32(i) / 1000
		got := detExp2Fixed(d)
		want := math.Exp2(float64(d)) * (1 << 32)
		if math.Abs(float64(got)-want) > 1e-6*want+1 {
			t.Fatalf("2^%v = %d, want %.1f", d, got, want)
		}
		if got > prev {
			t.Fatalf("not monotonic at %v", d)
		}
		prev = got
	}
}

func TestOrderKey(t *testing.T) {
	vals := []float32{float32(math.Inf(-1)), -3e38, -1, -1e-40, float32(math.Copysign(0, -1)), 0, 1e-40, 1, 3e38, float32(math.Inf(1))}
	if orderKey(float32(math.NaN())) != 0 {
		t.Error("NaN key is not 0")
	}
	for i, v := range vals {
		if orderKey(v) == 0 {
			t.Errorf("key(%v) = 0", v)
		}
		if i > 0 && orderKey(vals[i-1]) >= orderKey(v) {
			t.Errorf("key(%v) >= key(%v)", vals[i-1], v)
		}
		if back := keyValue(orderKey(v)); math.Float32bits(back) != math.Float32bits(v) {
			t.Errorf("keyValue(key(%v)) = %v", v, back)
		}
	}
	if k := keyValue(0); k == k {
		t.Error("keyValue(0) is not NaN")
	}
	// Ties go to the lower id.
	if pack(5, 3) <= pack(5, 4) || pack(6, 100) <= pack(5, 0) || pack(0, 0) == 0 {
		t.Error("pack order")
	}
	if packedID(pack(123, 4567)) != 4567 {
		t.Error("packedID")
	}
}

func TestGumbelScoreFinite(t *testing.T) {
	for _, r := range []uint32{0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0xFFFFFE00} {
		s := gumbelScore(1, 1.4426950, r)
		if math.IsNaN(float64(s)) || math.IsInf(float64(s), 0) {
			t.Errorf("gumbelScore(1, c, %#x) = %v", r, s)
		}
	}
}
