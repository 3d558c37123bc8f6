package cuda

import "math/bits"

// Philox4x32-10 (Salmon et al., "Parallel Random Numbers: As Easy as 1, 2,
// 3", SC11): a counter-based generator, a pure function of a 128-bit
// counter and a 64-bit key. kernels.cu implements the same rounds.
const (
	philoxM0 = 0xD2511F53
	philoxM1 = 0xCD9E8D57
	philoxW0 = 0x9E3779B9
	philoxW1 = 0xBB67AE85
)

// Philox returns Philox4x32-10 of counter ctr under key.
func Philox(ctr [4]uint32, key [2]uint32) [4]uint32 {
	c0, c1, c2, c3 := ctr[0], ctr[1], ctr[2], ctr[3]
	k0, k1 := key[0], key[1]
	for i := range 10 {
		if i > 0 {
			k0 += philoxW0
			k1 += philoxW1
		}
		hi0, lo0 := bits.Mul32(philoxM0, c0)
		hi1, lo1 := bits.Mul32(philoxM1, c2)
		c0, c1, c2, c3 = hi1^c1^k0, lo1, hi0^c3^k1, lo0
	}
	return [4]uint32{c0, c1, c2, c3}
}

// seedKey splits a 64-bit seed into a Philox key.
func seedKey(seed uint64) [2]uint32 { return [2]uint32{uint32(seed), uint32(seed >> 32)} }

// uniform24 maps a random word to an odd multiple of 2^-24 in (0, 1),
// exactly: ((r>>9)·2 + 1)·2^-24.
func uniform24(r uint32) float32 {
	q := (r>>9)<<1 | 1
	return float32(q) * 0x1p-24
}

// gumbelWord is the random word of token t in row state (seed, pos).
func gumbelWord(seed uint64, pos uint32, t int) uint32 {
	return Philox([4]uint32{uint32(t) >> 2, pos, saltGumbel, 0}, seedKey(seed))[t&3]
}

// topKDraw is the 64-bit draw of the top-k/top-p procedure.
func topKDraw(seed uint64, pos uint32) uint64 {
	r := Philox([4]uint32{0xFFFFFFFF, pos, saltTopK, 0}, seedKey(seed))
	return uint64(r[0]) | uint64(r[1])<<32
}

// SplitMix64 is a 64-bit mixer (Steele et al.), used to derive per-sequence
// seeds from one seed.
func SplitMix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	return x ^ x>>31
}
