//go:build cuda && cgo

package cuda

import (
	"fmt"
	"io"
	"math/rand/v2"

	"gorgonia.org/cu"
)

// benchParams are the sampling procedures the benchmark times.
var (
	benchGreedy = SampleParams{}
	benchGumbel = SampleParams{Temperature: 0.7}
	benchTopK   = SampleParams{Temperature: 1, TopK: 50, TopP: 0.9}
)

// BenchKernels times the kernels on every shape of cfg: the device's copy
// bandwidth (cuMemcpyDtoD and a copy kernel) once, then per shape the
// apply kernel (every row, masks with half the bits set), the fused
// samplers, and a pinned mask upload. Each figure is the median of
// cfg.Reps CUDA-event timings of launches queued behind a GPU sleep.
func (d *Device) BenchKernels(cfg BenchConfig, log io.Writer) (*BenchReport, error) {
	if len(cfg.Vocabs) == 0 {
		cfg.Vocabs = DefaultVocabs()
	}
	if len(cfg.Batches) == 0 {
		cfg.Batches = DefaultBatches()
	}
	if len(cfg.DTypes) == 0 {
		cfg.DTypes = []DType{F32}
	}
	if cfg.Reps <= 0 {
		cfg.Reps = 200
	}
	maxR, maxW := 0, 0
	for _, b := range cfg.Batches {
		maxR = max(maxR, b)
	}
	for _, v := range cfg.Vocabs {
		maxW = max(maxW, v.Width)
	}
	release := d.enter()
	defer release()
	rep := &BenchReport{Device: d.info}

	var logits, masks, small cu.DevicePtr
	var hostMask, hostSmall pinned
	var sb sampleBufs
	defer func() {
		free(logits)
		free(masks)
		free(small)
		hostMask.free()
		hostSmall.free()
		sb.free()
	}()
	logitBytes := int64(maxR) * int64(maxW) * 4
	maskWords := maxR * ((maxW + 31) / 32)
	lay := layoutFor(maxR)
	var err error
	if logits, err = d.alloc(logitBytes); err != nil {
		return nil, err
	}
	if masks, err = d.alloc(int64(maskWords) * 4); err != nil {
		return nil, err
	}
	if small, err = d.alloc(int64(lay.size)); err != nil {
		return nil, err
	}
	if hostMask, err = d.allocHost(maskWords * 4); err != nil {
		return nil, err
	}
	if hostSmall, err = d.allocHost(lay.size); err != nil {
		return nil, err
	}
	if sb, err = d.newSampleBufs(maxR, maxW); err != nil {
		return nil, err
	}
	t, err := d.newTimer(cfg.Reps)
	if err != nil {
		return nil, err
	}
	defer t.close()

	// Copy bandwidth: 256 MiB or the largest logits buffer, whichever is larger.
	if err := d.benchCopy(rep, max(logitBytes, 256<<20)); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "copy bandwidth: cuMemcpyDtoD %.0f GB/s, copy kernel %.0f GB/s (read+write, %d MiB)\n", rep.CopyGBs, rep.CopyKernGBs, rep.CopyBytes>>20)
	copyBW := max(rep.CopyGBs, rep.CopyKernGBs)

	// Row data: seeds, positions, sequences; random masks (half the bits).
	sm := hostSmall
	for r := range maxR {
		*(*uint64)(sm.at(lay.seeds + 8*r)) = SplitMix64(uint64(r))
		*(*uint64)(sm.at(lay.seqs + 8*r)) = uint64(r)
		*(*uint32)(sm.at(lay.pos + 4*r)) = 1
		*(*int32)(sm.at(lay.mrows + 4*r)) = int32(r)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, w := 0, hostMask.u32s(); i < len(w); i++ {
		w[i] = rng.Uint32()
	}
	if err := d.h2d(small, sm.p, int64(lay.size)); err != nil {
		return nil, err
	}
	dev := func(off int) cu.DevicePtr { return small + cu.DevicePtr(off) }

	for _, dt := range cfg.DTypes {
		for _, v := range cfg.Vocabs {
			for _, R := range cfg.Batches {
				W, real := v.Width, v.Real
				words := (realWidth(real, W) + 31) / 32
				lg := Logits{Ptr: uintptr(logits), Stride: W, DType: dt}
				if err := d.launchRandom(lg, W, R, dev(lay.seqs), dev(lay.pos), 7, 0, 0, 0); err != nil {
					return nil, err
				}
				maskBytes := int64(R * words * 4)
				if err := d.h2d(masks, hostMask.p, maskBytes); err != nil {
					return nil, err
				}
				k := KernelTiming{Width: W, Real: real, Rows: R, DType: dt.String(), UploadByte: maskBytes}
				if k.ApplyUS, err = t.median(func() error {
					return d.launchApply(lg, W, real, masks, words, 0, R, false)
				}); err != nil {
					return nil, err
				}
				// Re-randomize: the timed applies left the logits masked.
				if err := d.launchRandom(lg, W, R, dev(lay.seqs), dev(lay.pos), 7, 0, 0, 0); err != nil {
					return nil, err
				}
				bytes := 2*float64(R)*float64(W)*float64(dt.Size()) + float64(maskBytes)
				k.ApplyGBs = bytes / k.ApplyUS / 1e3
				k.ApplyPct = 100 * k.ApplyGBs / copyBW
				sample := func(p SampleParams) (float64, error) {
					return t.median(func() error {
						return d.launchSample(lg, R, W, real, masks, words, dev(lay.mrows), dev(lay.seeds), dev(lay.pos), p, &sb)
					})
				}
				if k.GreedyUS, err = sample(benchGreedy); err != nil {
					return nil, err
				}
				if k.GumbelUS, err = sample(benchGumbel); err != nil {
					return nil, err
				}
				if k.TopKUS, err = sample(benchTopK); err != nil {
					return nil, err
				}
				if k.UploadUS, err = t.median(func() error { return d.h2d(masks, hostMask.p, maskBytes) }); err != nil {
					return nil, err
				}
				fmt.Fprintf(log, "%-5s V=%-6d B=%-3d apply %8.2f µs %6.0f GB/s (%3.0f%%)  greedy %7.2f µs  gumbel %7.2f µs  top-k/p %7.2f µs  upload %7.2f µs\n",
					dt, W, R, k.ApplyUS, k.ApplyGBs, k.ApplyPct, k.GreedyUS, k.GumbelUS, k.TopKUS, k.UploadUS)
				rep.Kernels = append(rep.Kernels, k)
			}
		}
	}
	return rep, nil
}

// benchCopy measures device-to-device copy bandwidth (read+write).
func (d *Device) benchCopy(rep *BenchReport, n int64) error {
	n &^= 15
	a, err := d.alloc(n)
	if err != nil {
		return err
	}
	defer free(a)
	b, err := d.alloc(n)
	if err != nil {
		return err
	}
	defer free(b)
	if err := cu.MemsetD8Async(a, 1, n, d.stream); err != nil {
		return fmt.Errorf("memset: %v", err)
	}
	t, err := d.newTimer(20)
	if err != nil {
		return err
	}
	defer t.close()
	us, err := t.median(func() error {
		if err := cu.MemcpyDtoDAsync(b, a, n, d.stream); err != nil {
			return fmt.Errorf("cuMemcpyDtoDAsync: %v", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	rep.CopyBytes = n
	rep.CopyGBs = 2 * float64(n) / us / 1e3
	grid := max(d.info.SMs, 1) * 16
	us, err = t.median(func() error {
		return d.launch(copyKernel, grid, 1, BlockThreads, Args{}.Ptr(uintptr(b)).Ptr(uintptr(a)).I64(n/16))
	})
	if err != nil {
		return err
	}
	rep.CopyKernGBs = 2 * float64(n) / us / 1e3
	return nil
}
