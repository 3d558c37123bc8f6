//go:build cuda && cgo

package cuda

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	goruntime "runtime"
	"sync"
	"unsafe"

	"gorgonia.org/cu"
)

// checkParams are the sampling procedures the device check compares.
var checkParams = []SampleParams{
	{},                                    // greedy
	{Temperature: 0.7},                    // Gumbel-max
	{Temperature: 1, TopK: 50, TopP: 0.9}, // top-k + top-p
	{Temperature: 0.8, TopP: 0.95},        // top-p alone (K = KMax)
	{Temperature: 1.3, TopK: KMax},        // the largest top-k
	{Temperature: 1, TopK: 2},
}

// checkBufs are the device check's buffers, sized for its largest shape.
type checkBufs struct {
	logits, masks, small cu.DevicePtr
	host                 pinned // logits staging
	hostMask             pinned
	hostSmall            pinned
	sb                   sampleBufs
}

// small buffer layout (bytes): rows int32 | mrows int32 | pos u32 | pad |
// seeds u64 | seqs u64 | bias ids int32 (MaxBias) | out int32, for up to R rows.
type smallLayout struct{ rows, mrows, pos, seeds, seqs, bias, out, size int }

func layoutFor(R int) smallLayout {
	var l smallLayout
	l.rows, l.mrows, l.pos = 0, 4*R, 8*R
	l.seeds = (12*R + 7) &^ 7
	l.seqs = l.seeds + 8*R
	l.bias = l.seqs + 8*R
	l.out = l.bias + 4*MaxBias
	l.size = l.out + 4*R
	return l
}

// CheckKernels runs every kernel on every shape of cfg and compares every
// element (apply, random logits) and every sampled row with the CPU
// reference. Rows cycle through mask patterns: one allowed token, none,
// all (with padding bits set), half at random, sparse; every 8th row is
// unconstrained for sampling; some rows carry NaN, ±Inf, ±0 and ties.
// Batch 7 uses an odd row stride (unaligned rows: the scalar paths) and
// compact masks. Progress goes to log.
func (d *Device) CheckKernels(cfg CheckConfig, log io.Writer) (*CheckReport, error) {
	if len(cfg.Vocabs) == 0 {
		cfg.Vocabs = DefaultVocabs()
	}
	if len(cfg.Batches) == 0 {
		cfg.Batches = DefaultBatches()
	}
	if len(cfg.DTypes) == 0 {
		cfg.DTypes = []DType{F32, F16, BF16}
	}
	maxR, maxW := 0, 0
	for _, b := range cfg.Batches {
		maxR = max(maxR, b)
	}
	for _, v := range cfg.Vocabs {
		maxW = max(maxW, v.Width)
	}
	maxStride := maxW + 3
	release := d.enter()
	defer release()
	var b checkBufs
	defer func() {
		free(b.logits)
		free(b.masks)
		free(b.small)
		b.host.free()
		b.hostMask.free()
		b.hostSmall.free()
		b.sb.free()
	}()
	var err error
	lay := layoutFor(maxR)
	logitBytes := int64(maxR) * int64(maxStride) * 4
	maskWords := maxR * ((maxW + 31) / 32)
	if b.logits, err = d.alloc(logitBytes); err != nil {
		return nil, err
	}
	if b.masks, err = d.alloc(int64(maskWords) * 4); err != nil {
		return nil, err
	}
	if b.small, err = d.alloc(int64(lay.size)); err != nil {
		return nil, err
	}
	if b.host, err = d.allocHost(int(logitBytes)); err != nil {
		return nil, err
	}
	if b.hostMask, err = d.allocHost(maskWords * 4); err != nil {
		return nil, err
	}
	if b.hostSmall, err = d.allocHost(lay.size); err != nil {
		return nil, err
	}
	if b.sb, err = d.newSampleBufs(maxR, maxW); err != nil {
		return nil, err
	}
	rep := &CheckReport{Device: d.info}
	for _, v := range cfg.Vocabs {
		for _, R := range cfg.Batches {
			for _, dt := range cfg.DTypes {
				if err := d.checkShape(&b, lay, v, R, dt, rep, log); err != nil {
					return rep, err
				}
			}
		}
	}
	return rep, nil
}

// failf records a mismatch (the first 50).
func (rep *CheckReport) failf(format string, args ...any) {
	if len(rep.Failures) < 50 {
		rep.Failures = append(rep.Failures, fmt.Sprintf(format, args...))
	}
}

// parallel runs f(0..n-1) on all CPUs.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range goruntime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

func (d *Device) checkShape(b *checkBufs, lay smallLayout, v VocabShape, R int, dt DType, rep *CheckReport, log io.Writer) error {
	W, real := v.Width, v.Real
	stride := W
	compact := false
	if R == 7 {
		stride, compact = W+3, true
	}
	es := dt.Size()
	words := (realWidth(real, W) + 31) / 32
	name := fmt.Sprintf("%s V=%d(%d) B=%d", dt, W, real, R)
	fmt.Fprintf(log, "check %s...\n", name)
	rng := rand.New(rand.NewPCG(uint64(W), uint64(R)*3+uint64(dt)))

	// Row data.
	sm := b.hostSmall
	rowsIdx := unsafe.Slice((*int32)(sm.at(lay.rows)), R)
	mrows := unsafe.Slice((*int32)(sm.at(lay.mrows)), R)
	pos := unsafe.Slice((*uint32)(sm.at(lay.pos)), R)
	seeds := unsafe.Slice((*uint64)(sm.at(lay.seeds)), R)
	seqs := unsafe.Slice((*uint64)(sm.at(lay.seqs)), R)
	biasIDs := unsafe.Slice((*int32)(sm.at(lay.bias)), MaxBias)
	out := unsafe.Slice((*int32)(sm.at(lay.out)), R)
	var cons []int32
	for r := range R {
		seeds[r] = SplitMix64(uint64(r) + 1000*uint64(W))
		seqs[r] = SplitMix64(uint64(r))
		pos[r] = uint32(5 + r%3)
		mrows[r] = int32(r)
		if r%8 == 7 {
			mrows[r] = -1
		} else {
			cons = append(cons, int32(r))
		}
	}
	copy(rowsIdx, cons)
	bias := &RandomBias{IDs: []int32{int32(min(3, W-1))}, Value: 2}
	copy(biasIDs, bias.IDs)
	dev := func(off int) cu.DevicePtr { return b.small + cu.DevicePtr(off) }
	if err := d.h2d(b.small, sm.p, int64(lay.size)); err != nil {
		return err
	}

	// 1. Random logits, padding between rows set to a sentinel first.
	lg := Logits{Ptr: uintptr(b.logits), Stride: stride, DType: dt}
	n := R * stride
	if err := cu.MemsetD8Async(b.logits, 0x5A, int64(n*es), d.stream); err != nil {
		return fmt.Errorf("memset: %v", err)
	}
	if err := d.launchRandom(lg, W, R, dev(lay.seqs), dev(lay.pos), 42, dev(lay.bias), len(bias.IDs), bias.Value); err != nil {
		return err
	}
	if err := d.d2h(b.host.p, b.logits, int64(n*es)); err != nil {
		return err
	}
	if err := d.sync(); err != nil {
		return fmt.Errorf("%s random logits: %v", name, err)
	}
	host := unsafe.Slice((*byte)(b.host.p), n*es)
	got := append([]byte(nil), host...) // GPU's random logits
	want := make([]byte, n*es)
	for i := range want {
		want[i] = 0x5A
	}
	parallel(R, func(r int) {
		row := make([]float32, W)
		RandomLogitsRow(row, 42, seqs[r], pos[r], bias)
		putRow(want, dt, r*stride, row)
	})
	rep.Cases++
	rep.Elements += int64(R * W)
	if i := firstDiff(got, want, es); i >= 0 {
		rep.failf("%s random logits: element %d (row %d, id %d): got %s, want %s", name, i, i/stride, i%stride, elemString(got, dt, i), elemString(want, dt, i))
	}

	// 2. Specials in every 6th row (from row 5): NaN, ±Inf, ±0, ties.
	logits := want // CPU copy, the input of everything below
	for r := 5; r < R; r += 6 {
		if real < 8 {
			break
		}
		ids := rng.Perm(realWidth(real, W))[:8]
		vals := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1))}
		for i, x := range vals {
			setElem(logits, dt, r*stride+ids[i], x)
		}
		// Ties: three ids get the row's largest finite value.
		big := float32(7.999)
		for _, id := range ids[5:] {
			setElem(logits, dt, r*stride+id, big)
		}
		if r%12 == 5 { // half of these rows: no +Inf, so the ties decide greedy
			setElem(logits, dt, r*stride+ids[1], -1)
		}
	}
	copy(host, logits)
	if err := d.h2d(b.logits, b.host.p, int64(n*es)); err != nil {
		return err
	}

	// 3. Masks.
	mw := b.hostMask.u32s()[:R*words]
	for r := range R {
		m := mw[r*words : (r+1)*words]
		clear(m)
		rl := realWidth(real, W)
		switch r % 6 {
		case 0: // one allowed token
			if rl > 0 {
				t := rng.IntN(rl)
				m[t>>5] |= 1 << (t & 31)
			}
		case 1: // none
		case 2: // all, and the padding bits of the last word too
			for i := range m {
				m[i] = ^uint32(0)
			}
		case 3, 5: // half
			for i := range m {
				m[i] = rng.Uint32()
			}
		case 4: // sparse
			for t := range rl {
				if rng.IntN(97) == 0 {
					m[t>>5] |= 1 << (t & 31)
				}
			}
		}
	}
	if err := d.h2d(b.masks, b.hostMask.p, int64(4*len(mw))); err != nil {
		return err
	}
	rowMask := func(r int) []uint32 {
		if mrows[r] < 0 {
			return nil // unconstrained
		}
		return mw[r*words : (r+1)*words : (r+1)*words]
	}

	// 4. Sampling, every procedure.
	for _, p := range checkParams {
		if err := d.launchSample(lg, R, W, real, b.masks, words, dev(lay.mrows), dev(lay.seeds), dev(lay.pos), p, &b.sb); err != nil {
			return err
		}
		if err := d.d2h(sm.at(lay.out), b.sb.out, int64(4*R)); err != nil {
			return err
		}
		if err := d.sync(); err != nil {
			return fmt.Errorf("%s sample %+v: %v", name, p, err)
		}
		wantTok := make([]int32, R)
		parallel(R, func(r int) {
			row := rowF32(logits, dt, r*stride, W)
			wantTok[r] = SampleRow(row, real, rowMask(r), p, seeds[r], pos[r])
		})
		rep.Cases++
		rep.Rows += int64(R)
		for r := range R {
			if out[r] != wantTok[r] {
				rep.failf("%s sample %s %+v: row %d (pattern %d): got %d, want %d", name, p.Mode(), p, r, r%6, out[r], wantTok[r])
			}
		}
	}

	// 5. Apply to the constrained rows (mask row = logits row; at batch 7
	// compact masks: mask row i for rowsIdx[i]).
	shape := &ApplyShape{Rows: R, Width: W, Stride: stride, Real: real, MaskStride: words, Index: cons, Mask: mw}
	maskPtr := b.masks
	if compact {
		cm := make([]uint32, len(cons)*words)
		for i, r := range cons {
			copy(cm[i*words:], mw[int(r)*words:(int(r)+1)*words])
		}
		shape.Compact, shape.Mask = true, cm
		copy(b.hostMask.u32s(), cm)
		if err := d.h2d(b.masks, b.hostMask.p, int64(4*len(cm))); err != nil {
			return err
		}
	}
	if err := d.launchApply(lg, W, real, maskPtr, words, dev(lay.rows), len(cons), compact); err != nil {
		return err
	}
	if err := d.d2h(b.host.p, b.logits, int64(n*es)); err != nil {
		return err
	}
	if err := d.sync(); err != nil {
		return fmt.Errorf("%s apply: %v", name, err)
	}
	if err := applyBytes(logits, dt, shape); err != nil {
		return err
	}
	rep.Cases++
	rep.Elements += int64(R * W)
	if i := firstDiff(host, logits, es); i >= 0 {
		rep.failf("%s apply: element %d (row %d, id %d): got %s, want %s", name, i, i/stride, i%stride, elemString(host, dt, i), elemString(logits, dt, i))
	}
	return nil
}

// putRow stores a float32 row into a byte buffer of dt at element off.
func putRow(buf []byte, dt DType, off int, row []float32) {
	for i, x := range row {
		setElem(buf, dt, off+i, x)
	}
}

func setElem(buf []byte, dt DType, i int, x float32) {
	switch dt {
	case F32:
		*(*uint32)(unsafe.Pointer(&buf[4*i])) = math.Float32bits(x)
	case F16:
		*(*uint16)(unsafe.Pointer(&buf[2*i])) = F32ToF16(x)
	case BF16:
		*(*uint16)(unsafe.Pointer(&buf[2*i])) = F32ToBF16(x)
	}
}

func getElem(buf []byte, dt DType, i int) float32 {
	switch dt {
	case F16:
		return F16ToF32(*(*uint16)(unsafe.Pointer(&buf[2*i])))
	case BF16:
		return BF16ToF32(*(*uint16)(unsafe.Pointer(&buf[2*i])))
	}
	return math.Float32frombits(*(*uint32)(unsafe.Pointer(&buf[4*i])))
}

func elemString(buf []byte, dt DType, i int) string {
	if dt == F32 {
		return fmt.Sprintf("%v (%#08x)", getElem(buf, dt, i), *(*uint32)(unsafe.Pointer(&buf[4*i])))
	}
	return fmt.Sprintf("%v (%#04x)", getElem(buf, dt, i), *(*uint16)(unsafe.Pointer(&buf[2*i])))
}

// rowF32 converts a row of dt to float32.
func rowF32(buf []byte, dt DType, off, w int) []float32 {
	row := make([]float32, w)
	for i := range row {
		row[i] = getElem(buf, dt, off+i)
	}
	return row
}

// firstDiff is the first element (of es bytes) where a and b differ, or -1.
func firstDiff(a, b []byte, es int) int {
	for i := range a {
		if a[i] != b[i] {
			return i / es
		}
	}
	return -1
}

// applyBytes runs the CPU apply reference on a byte buffer of dt.
func applyBytes(buf []byte, dt DType, s *ApplyShape) error {
	switch dt {
	case F32:
		return ApplyF32(unsafe.Slice((*float32)(unsafe.Pointer(&buf[0])), len(buf)/4), s)
	case F16:
		return ApplyF16(unsafe.Slice((*uint16)(unsafe.Pointer(&buf[0])), len(buf)/2), s)
	}
	return ApplyBF16(unsafe.Slice((*uint16)(unsafe.Pointer(&buf[0])), len(buf)/2), s)
}
