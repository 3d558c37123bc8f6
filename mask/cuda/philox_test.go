package cuda

import "testing"

// Random123's published known-answer vectors for Philox4x32-10
// (kat_vectors: counter, key, expected).
func TestPhiloxKnownAnswers(t *testing.T) {
	cases := []struct {
		ctr  [4]uint32
		key  [2]uint32
		want [4]uint32
	}{
		{[4]uint32{0, 0, 0, 0}, [2]uint32{0, 0}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{[4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff}, [4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{[4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0}, [4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	}
	for _, c := range cases {
		if got := Philox(c.ctr, c.key); got != c.want {
			t.Errorf("Philox(%08x, %08x) = %08x, want %08x", c.ctr, c.key, got, c.want)
		}
	}
}

func TestUniform24(t *testing.T) {
	if u := uniform24(0); u != 0x1p-24 {
		t.Errorf("uniform24(0) = %v", u)
	}
	if u := uniform24(0xFFFFFFFF); u != 1-0x1p-24 {
		t.Errorf("uniform24(max) = %v", u)
	}
	for _, r := range []uint32{1, 511, 512, 0x80000000, 0xDEADBEEF} {
		u := uniform24(r)
		if !(u > 0 && u < 1) || float64(u)*(1<<24) != float64((r>>9)<<1|1) {
			t.Errorf("uniform24(%#x) = %v", r, u)
		}
	}
}

func TestSplitMix64(t *testing.T) {
	// Reference values of SplitMix64 seeded at 0: the first outputs are
	// splitmix64(0x9E3779B97F4A7C15·k) for k = 1, 2.
	if got := SplitMix64(0); got != 0xE220A8397B1DCDAF {
		t.Errorf("SplitMix64(0) = %#x", got)
	}
	if got := SplitMix64(0x9E3779B97F4A7C15); got != 0x6E789E6AA1B965F4 {
		t.Errorf("SplitMix64(gamma) = %#x", got)
	}
}
