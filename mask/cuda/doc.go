// Package cuda applies grammar masks to logits and samples tokens on an
// NVIDIA GPU, with a CPU reference of every kernel's exact semantics.
//
// The kernels live in kernels.cu; the PTX made from it (kernels.ptx, `go
// generate`) is committed and embedded. The package has two halves:
//
//   - Untagged Go, built and tested everywhere: the kernels' semantics as a
//     CPU reference (ApplyF32, ApplyF16, ApplyBF16, SampleRow, RandomLogit),
//     Philox4x32-10, half-float conversions, launch geometry and argument
//     packing. The CPU reference defines the results: for the same inputs
//     and seeds the GPU must return the same bits and the same token ids.
//   - Code behind the build tag `cuda` (and cgo): the device, module load,
//     memory, pinned host buffers, streams and kernel launches through
//     gorgonia.org/cu. Without the tag Open returns ErrNoCUDA.
//
// # Bitmask layout
//
// XGrammar's: int32 words, ceil(V/32) per row (the row stride may be
// larger), bit t%32 of word t/32, least significant bit first, 1 = token t
// allowed. Token ids at or beyond Real (the tokenizer's size, below the
// logits width: padding) are always disallowed whatever the mask says.
//
// # Apply
//
// In place, for f32, f16 and bf16 logits of shape (rows, width) with a row
// stride: every disallowed logit becomes -Inf; allowed ones are not
// touched. An optional list of row indices restricts the work to
// constrained rows; the mask row used is the logits row, or the position in
// the list ("compact" masks).
//
// # Sampling
//
// One token per row from (masked) logits, reading the row once:
//
//   - Greedy (temperature 0, or top-k 1): the allowed token with the
//     largest logit, ties to the lowest id. Logits are ordered as floats
//     with -0 < +0 and NaN below -Inf. A row with no allowed token gives -1.
//   - Temperature only (top-k 0, top-p 1): Gumbel-max. Token t scores
//     logit·c − log2(−ln U_t) with c = log2(e)/T and U_t drawn from
//     Philox4x32-10 keyed by the row's seed at counter (t/4, pos, saltGumbel,
//     0), word t%4; the highest score wins (ties to the lowest id). Logs use
//     a fixed sequence of correctly rounded float32 operations (detLn), so
//     the CPU and the GPU agree to the bit.
//   - Top-k and/or top-p: the K = top-k (or KMax when only top-p is set)
//     allowed tokens with the largest logits, sorted; weights 2^((l−lmax)·c)
//     in 32.32 fixed point (detExp2Fixed); the shortest prefix whose weight
//     reaches top-p of the total; one 64-bit Philox draw picks within it by
//     integer inverse CDF. Sums are integers, so the order of reduction
//     does not matter.
//
// The row is split across many blocks (a segment each); the last block of
// a row to finish reduces the partial results (a two-pass reduction in one
// launch, counters reset by that block).
package cuda
