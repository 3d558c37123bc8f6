package cuda

import "math"

// Deterministic float32 math: every operation is a single correctly
// rounded IEEE float32 add, subtract, multiply or divide in a fixed order,
// with no fused multiply-add (the explicit float32 conversions below keep
// the Go compiler from fusing; kernels.cu uses __fmul_rn and friends, and
// is compiled with -fmad=false). The same inputs give the same bits on the
// CPU and the GPU. Constants are given as bit patterns on both sides.

var (
	cSqrt2 = math.Float32frombits(0x3FB504F3)
	cLn2   = math.Float32frombits(0x3F317218)
	cLog2E = math.Float32frombits(0x3FB8AA3B)
	cInv3  = math.Float32frombits(0x3EAAAAAB)
	cInv5  = math.Float32frombits(0x3E4CCCCD)
	cInv7  = math.Float32frombits(0x3E124925)
	cInv9  = math.Float32frombits(0x3DE38E39)
	// 1/k! for k = 0..9 (e^y by Horner).
	cExp = [10]float32{
		math.Float32frombits(0x3F800000), math.Float32frombits(0x3F800000),
		math.Float32frombits(0x3F000000), math.Float32frombits(0x3E2AAAAB),
		math.Float32frombits(0x3D2AAAAB), math.Float32frombits(0x3C088889),
		math.Float32frombits(0x3AB60B61), math.Float32frombits(0x39500D01),
		math.Float32frombits(0x37D00D01), math.Float32frombits(0x3638EF1D),
	}
)

func fmul(a, b float32) float32 { return float32(a * b) }
func fadd(a, b float32) float32 { return float32(a + b) }
func fsub(a, b float32) float32 { return float32(a - b) }
func fdiv(a, b float32) float32 { return float32(a / b) }

// detLn is ln(x) for positive normal float32 x, to about 1e-7 relative:
// x = m·2^e with m in [√½, √2), ln m = 2·atanh(t), t = (m−1)/(m+1).
func detLn(x float32) float32 {
	b := math.Float32bits(x)
	e := int32(b>>23&0xFF) - 127
	m := math.Float32frombits(b&0x007FFFFF | 0x3F800000)
	if m > cSqrt2 {
		m = math.Float32frombits(math.Float32bits(m) - 0x00800000) // m/2, exactly
		e++
	}
	t := fdiv(fsub(m, 1), fadd(m, 1))
	t2 := fmul(t, t)
	p := fadd(fmul(t2, cInv9), cInv7)
	p = fadd(fmul(t2, p), cInv5)
	p = fadd(fmul(t2, p), cInv3)
	p = fadd(fmul(t2, p), 1)
	lnm := fmul(fmul(2, t), p)
	return fadd(fmul(float32(e), cLn2), lnm)
}

// gumbelScore is the Gumbel-max score of a logit: l·c − log2(−ln U).
func gumbelScore(l, c float32, r uint32) float32 {
	e := -detLn(uniform24(r)) // in (0, 17.33]
	return fsub(fmul(l, c), fmul(detLn(e), cLog2E))
}

// detExp2Fixed is 2^d in 32.32 fixed point for d <= 0 (0 below -64 or for
// NaN): d = −(n+f), 2^−f = e^(−f·ln2) by a degree-9 Taylor polynomial,
// scaled by 2^32, truncated, shifted right by n.
func detExp2Fixed(d float32) uint64 {
	if !(d > -64) {
		return 0
	}
	nd := -d
	fl := float32(math.Floor(float64(nd)))
	n := uint(fl)
	f := fsub(nd, fl)
	y := fmul(f, -cLn2)
	p := cExp[9]
	for k := 8; k >= 0; k-- {
		p = fadd(fmul(p, y), cExp[k])
	}
	return uint64(fmul(p, 0x1p32)) >> n
}

// orderKey maps a float32 to a uint32 whose unsigned order is the float
// order, with -0 < +0 and every NaN (key 0) below -Inf.
func orderKey(v float32) uint32 {
	if v != v {
		return 0
	}
	b := math.Float32bits(v)
	if b&0x80000000 != 0 {
		return ^b
	}
	return b | 0x80000000
}

// keyValue inverts orderKey (NaN for key 0).
func keyValue(k uint32) float32 {
	if k&0x80000000 != 0 {
		return math.Float32frombits(k ^ 0x80000000)
	}
	return math.Float32frombits(^k)
}

// pack orders (key, id) pairs: larger key first, then lower id. Never 0.
func pack(key uint32, id int) uint64 { return uint64(key)<<32 | uint64(^uint32(id)) }

// packedID is the token id of a packed pair.
func packedID(p uint64) int32 { return int32(^uint32(p)) }
