package cuda

import "math"

// Half-precision conversions in pure Go. F16ToF32 and BF16ToF32 are exact;
// F32ToF16 and F32ToBF16 round to nearest, ties to even, like the GPU's
// cvt.rn.f16.f32 and the bf16 rounding in kernels.cu.

// Negative infinity in each format.
const (
	NegInfF32  uint32 = 0xFF800000
	NegInfF16  uint16 = 0xFC00
	NegInfBF16 uint16 = 0xFF80
)

// F16ToF32 converts IEEE binary16 bits to float32 (exactly).
func F16ToF32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1F
	man := uint32(h) & 0x3FF
	switch {
	case exp == 0x1F: // Inf, NaN (payload kept, quiet bit as is)
		return math.Float32frombits(sign | 0x7F800000 | man<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+112)<<23 | man<<13)
	case man == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal: man·2^-24, exact in float32.
	f := float32(man) * 0x1p-24
	if sign != 0 {
		f = -f
	}
	return f
}

// F32ToF16 converts float32 to IEEE binary16 bits, rounding to nearest
// even; overflow gives ±Inf, NaN a quiet NaN with the top payload bits.
func F32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xFF
	man := b & 0x7FFFFF
	if exp == 0xFF {
		if man == 0 {
			return sign | 0x7C00
		}
		return sign | 0x7E00 | uint16(man>>13)
	}
	// Unbiased exponent; float32 subnormals are far below binary16's range.
	e := exp - 127
	if e > 15 {
		return sign | 0x7C00
	}
	if exp == 0 || e < -25 {
		return sign // rounds to ±0 (|f| < 2^-25 is below half the smallest subnormal)
	}
	full := man | 0x800000 // 24-bit significand, value = full·2^(e-23)
	var shift int          // bits dropped from full
	var biased uint32      // binary16 exponent field for normals
	if e >= -14 {
		shift = 13
		biased = uint32(e + 15)
	} else {
		shift = 13 + (-14 - e) // subnormal: value = m·2^-24
		biased = 0
	}
	m := full >> uint(shift)
	rem := full & (1<<uint(shift) - 1)
	half := uint32(1) << uint(shift-1)
	if rem > half || rem == half && m&1 == 1 {
		m++
	}
	if biased == 0 {
		// m ≤ 0x400: 0x400 carries into the smallest normal, which the
		// encoding below gets right (exponent field 1, mantissa 0).
		return sign | uint16(m)
	}
	// Normal: m has the implicit bit at 10; a carry to bit 11 bumps the exponent.
	v := biased<<10 + (m - 0x400)
	if v >= 0x7C00 {
		return sign | 0x7C00
	}
	return sign | uint16(v)
}

// BF16ToF32 converts bfloat16 bits to float32 (exactly).
func BF16ToF32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// F32ToBF16 converts float32 to bfloat16 bits, rounding to nearest even;
// NaN gives a quiet NaN.
func F32ToBF16(f float32) uint16 {
	b := math.Float32bits(f)
	if b&0x7FFFFFFF > 0x7F800000 {
		return uint16(b>>16) | 0x40
	}
	return uint16((b + 0x7FFF + (b>>16)&1) >> 16)
}
