package cuda

import (
	"fmt"
	"math"
)

// Kernel entry points in kernels.cu.
func applyKernel(dt DType) string { return "apply_" + dt.String() }

func sampleKernel(dt DType, m Mode) string { return "sample_" + m.String() + "_" + dt.String() }

func randomKernel(dt DType) string { return "random_logits_" + dt.String() }

const (
	sleepKernel = "gpu_sleep"
	copyKernel  = "copy_u4"
)

// KernelNames lists every entry point the PTX must define.
func KernelNames() []string {
	var names []string
	for _, dt := range []DType{F32, F16, BF16} {
		names = append(names, applyKernel(dt), randomKernel(dt))
		for _, m := range []Mode{Greedy, Gumbel, TopK} {
			names = append(names, sampleKernel(dt, m))
		}
	}
	return append(names, sleepKernel, copyKernel)
}

// ApplyLaunch is the geometry of an apply kernel: one warp per ApplyChunk
// tokens of a row (lane i owns mask word i of the chunk), 8 warps a block,
// a grid-stride loop over the work items.
type ApplyLaunch struct {
	Items int64 // (row, chunk) work items
	Grid  int   // blocks
	Block int   // threads per block
}

// maxApplyGrid caps the apply grid (the kernel loops over the rest).
const maxApplyGrid = 1 << 20

// ApplyGeometry is the launch of an apply kernel over rows masked rows of
// width logits.
func ApplyGeometry(rows, width int) ApplyLaunch {
	chunks := int64((width + ApplyChunk - 1) / ApplyChunk)
	items := int64(rows) * chunks
	warps := int64(BlockThreads / 32)
	grid := (items + warps - 1) / warps
	return ApplyLaunch{Items: items, Grid: int(max(min(grid, maxApplyGrid), 1)), Block: BlockThreads}
}

// SampleLaunch is the geometry of a sampling kernel: grid (Splits, Rows),
// each block reducing Seg tokens of its row (a multiple of Tile, the
// tokens one pass of the block covers with 16-byte loads), then the last
// block of each row reducing the Splits partial results.
type SampleLaunch struct {
	Mode     Mode
	K        int // partial results per block: 1, or the top-k candidates
	Rows     int
	Splits   int
	Seg      int
	Tile     int
	Block    int
	Partials int // uint64 workspace slots: Rows·Splits·K
}

// DefaultSMs is the multiprocessor count assumed when the device's is
// unknown (an H100 SXM has 132).
const DefaultSMs = 132

// SampleGeometry splits rows of width logits of type dt for the sampling
// procedure p on a device with sms multiprocessors: about 4 blocks per
// multiprocessor in all, at least one tile per block; the top-k procedure
// keeps Splits·K within CandCap.
func SampleGeometry(rows, width int, dt DType, p SampleParams, sms int) (SampleLaunch, error) {
	if err := p.Validate(); err != nil {
		return SampleLaunch{}, err
	}
	if rows <= 0 || rows > 65535 || width <= 0 || width >= math.MaxInt32 {
		return SampleLaunch{}, fmt.Errorf("%w: sampling %d rows of width %d (rows 1..65535)", ErrShape, rows, width)
	}
	if sms <= 0 {
		sms = DefaultSMs
	}
	g := SampleLaunch{Mode: p.Mode(), K: 1, Rows: rows, Tile: BlockThreads * dt.Vec(), Block: BlockThreads}
	tiles := (width + g.Tile - 1) / g.Tile
	want := min(max((4*sms+rows-1)/rows, 1), tiles)
	if g.Mode == TopK {
		g.K = p.K()
		want = min(want, CandCap/g.K)
	}
	perSplit := (tiles + want - 1) / want
	g.Seg = perSplit * g.Tile
	g.Splits = (width + g.Seg - 1) / g.Seg
	g.Partials = rows * g.Splits * g.K
	return g, nil
}

// MaxPartials is the largest workspace SampleGeometry asks for rows of
// width logits, whatever the type and parameters.
func MaxPartials(rows, width int) int {
	tiles := (width + BlockThreads*4 - 1) / (BlockThreads * 4)
	return rows * max(tiles, CandCap)
}

// Args packs kernel arguments, one 8-byte slot each: gorgonia.org/cu's
// Launch copies 8 bytes from every argument pointer, so every kernel
// parameter in kernels.cu is 64-bit (pointers, long long, and float
// parameters passed as the low half of an unsigned long long).
type Args []uint64

// Ptr appends a device pointer (0 for NULL).
func (a Args) Ptr(p uintptr) Args { return append(a, uint64(p)) }

// I64 appends a signed integer.
func (a Args) I64(v int64) Args { return append(a, uint64(v)) }

// U64 appends an unsigned integer.
func (a Args) U64(v uint64) Args { return append(a, v) }

// F32 appends a float32 as the low 32 bits of its slot.
func (a Args) F32(v float32) Args { return append(a, uint64(math.Float32bits(v))) }

// Logits locates a device logits buffer: rows of Stride elements of type
// DType from Ptr (a device address in the primary context).
type Logits struct {
	Ptr    uintptr
	Stride int
	DType  DType
}

// applyArgs is the parameter list of apply_*:
// (logits, stride, width, real, mask, mask_stride, rows, nrows, compact).
func applyArgs(lg Logits, width, real int, mask uintptr, maskStride int, rows uintptr, nrows int, compact bool) Args {
	c := int64(0)
	if compact {
		c = 1
	}
	return Args{}.Ptr(lg.Ptr).I64(int64(lg.Stride)).I64(int64(width)).I64(int64(real)).
		Ptr(mask).I64(int64(maskStride)).Ptr(rows).I64(int64(nrows)).I64(c)
}

// sampleArgs is the parameter list of sample_*:
// (logits, stride, width, real, mask, mask_stride, mrows, seeds, pos,
// c, top_p, k, seg, partials, counters, out).
func sampleArgs(lg Logits, width, real int, mask uintptr, maskStride int, mrows, seeds, pos uintptr,
	p SampleParams, g SampleLaunch, partials, counters, out uintptr) Args {
	return Args{}.Ptr(lg.Ptr).I64(int64(lg.Stride)).I64(int64(width)).I64(int64(real)).
		Ptr(mask).I64(int64(maskStride)).Ptr(mrows).Ptr(seeds).Ptr(pos).
		F32(p.Scale()).F32(p.topP()).I64(int64(g.K)).I64(int64(g.Seg)).
		Ptr(partials).Ptr(counters).Ptr(out)
}

// randomArgs is the parameter list of random_logits_*:
// (out, stride, width, nrows, seqs, pos, model_seed, bias_ids, nbias, bias).
func randomArgs(lg Logits, width, rows int, seqs, pos uintptr, modelSeed uint64, biasIDs uintptr, nbias int, bias float32) Args {
	return Args{}.Ptr(lg.Ptr).I64(int64(lg.Stride)).I64(int64(width)).I64(int64(rows)).
		Ptr(seqs).Ptr(pos).U64(modelSeed).Ptr(biasIDs).I64(int64(nbias)).F32(bias)
}
