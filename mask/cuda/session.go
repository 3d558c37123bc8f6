//go:build cuda && cgo

package cuda

import (
	"fmt"
	"slices"

	"github.com/gramc/gramc/mask"
	"gorgonia.org/cu"
)

// Session is the device state of a decoding batch: a logits buffer, one
// mask slot per row, the sampling workspace, and pinned staging buffers.
// Each step: SetMasks (only rows whose mask changed are copied), logits
// (RandomLogits, UploadLogits, or a model's own device buffer), then Sample
// (one launch, token ids back). Methods serialize on the device.
type Session struct {
	d     *Device
	cfg   SessionConfig
	words int // mask words per row

	logits cu.DevicePtr
	masks  cu.DevicePtr // Rows × words
	// Per-row data, one buffer: mrows | crows | spos | mpos (int32/uint32
	// × Rows each), seeds | seqs (uint64 × Rows each), bias ids (MaxBias).
	rowData cu.DevicePtr
	sb      sampleBufs

	stMask   pinned // Rows × words, mirrors the device mask slots
	stRow    pinned // mirrors rowData
	stOut    pinned // Rows int32
	stLogits pinned // Rows × Width float32 (UploadLogits), allocated on first use

	last    [][]uint32 // the mask last copied into each slot (nil: none)
	ncons   int        // constrained rows of the last SetMasks
	pending [nRegions]bool
	stats   UploadStats
	closed  bool
}

// Staging regions (a region's pinned memory must not be rewritten while a
// copy from it may be in flight).
const (
	regMask = iota
	regModel
	regSample
	regLogits
	nRegions
)

// rowData layout, in bytes from the start.
func (s *Session) offMrows() int   { return 0 }
func (s *Session) offCrows() int   { return 4 * s.cfg.Rows }
func (s *Session) offSpos() int    { return 8 * s.cfg.Rows }
func (s *Session) offMpos() int    { return 12 * s.cfg.Rows }
func (s *Session) offSeeds() int   { return (16*s.cfg.Rows + 7) &^ 7 }
func (s *Session) offSeqs() int    { return s.offSeeds() + 8*s.cfg.Rows }
func (s *Session) offBias() int    { return s.offSeqs() + 8*s.cfg.Rows }
func (s *Session) rowDataLen() int { return s.offBias() + 4*MaxBias }

// NewSession allocates a Session's device and pinned buffers.
func (d *Device) NewSession(cfg SessionConfig) (*Session, error) {
	if cfg.Rows <= 0 || cfg.Rows > 65535 || cfg.Width <= 0 || cfg.Width >= 1<<31-1 || cfg.Real < 0 {
		return nil, fmt.Errorf("%w: session of %d rows, width %d, real %d", ErrShape, cfg.Rows, cfg.Width, cfg.Real)
	}
	release := d.enter()
	defer release()
	if d.closed {
		return nil, errClosed
	}
	s := &Session{d: d, cfg: cfg, words: (realWidth(cfg.Real, cfg.Width) + 31) / 32}
	s.last = make([][]uint32, cfg.Rows)
	var err error
	fail := func(e error) (*Session, error) {
		s.release()
		return nil, e
	}
	if s.logits, err = d.alloc(int64(cfg.Rows) * int64(cfg.Width) * int64(cfg.DType.Size())); err != nil {
		return fail(err)
	}
	if s.masks, err = d.alloc(int64(cfg.Rows) * int64(s.words) * 4); err != nil {
		return fail(err)
	}
	if s.rowData, err = d.alloc(int64(s.rowDataLen())); err != nil {
		return fail(err)
	}
	if s.sb, err = d.newSampleBufs(cfg.Rows, cfg.Width); err != nil {
		return fail(err)
	}
	if s.stMask, err = d.allocHost(cfg.Rows * s.words * 4); err != nil {
		return fail(err)
	}
	if s.stRow, err = d.allocHost(s.rowDataLen()); err != nil {
		return fail(err)
	}
	if s.stOut, err = d.allocHost(cfg.Rows * 4); err != nil {
		return fail(err)
	}
	return s, nil
}

func (s *Session) release() {
	free(s.logits)
	free(s.masks)
	free(s.rowData)
	s.sb.free()
	s.stMask.free()
	s.stRow.free()
	s.stOut.free()
	s.stLogits.free()
	s.logits, s.masks, s.rowData = 0, 0, 0
}

// Close frees the session's buffers.
func (s *Session) Close() error {
	release := s.d.enter()
	defer release()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.d.sync()
	s.release()
	return err
}

// Config returns the session's shape.
func (s *Session) Config() SessionConfig { return s.cfg }

// Logits is the session's own logits buffer (Rows × Width of DType).
func (s *Session) Logits() Logits {
	return Logits{Ptr: uintptr(s.logits), Stride: s.cfg.Width, DType: s.cfg.DType}
}

// Stats counts the mask uploads so far.
func (s *Session) Stats() UploadStats { return s.stats }

// enter locks the device and checks the session is open.
func (s *Session) enter() (func(), error) {
	release := s.d.enter()
	if s.closed || s.d.closed {
		release()
		return nil, errClosed
	}
	return release, nil
}

// stage waits, if needed, until no copy from region r is in flight.
func (s *Session) stage(r int) error {
	if !s.pending[r] {
		return nil
	}
	return s.syncAll()
}

func (s *Session) syncAll() error {
	err := s.d.sync()
	s.pending = [nRegions]bool{}
	return err
}

// SetMasks stages the masks of the next Sample or Apply: masks[i] for row
// i, used where constrained[i] (nil: all rows). Only the rows whose mask
// differs from the one already in their device slot are copied, with one
// async copy per run of changed rows (one spanning copy when the runs are
// many). It returns the mask bytes copied.
func (s *Session) SetMasks(masks []*mask.Mask, constrained []bool) (int, error) {
	release, err := s.enter()
	if err != nil {
		return 0, err
	}
	defer release()
	R := s.cfg.Rows
	if len(masks) != R || constrained != nil && len(constrained) != R {
		return 0, fmt.Errorf("%w: %d masks, %d flags for %d rows", ErrShape, len(masks), len(constrained), R)
	}
	if err := s.stage(regMask); err != nil {
		return 0, err
	}
	mrows := s.stRow.i32s()[s.offMrows()/4 : s.offMrows()/4+R]
	crows := s.stRow.i32s()[s.offCrows()/4 : s.offCrows()/4+R]
	st := s.stMask.u32s()
	n := 0
	var runs [][2]int // [first, last] changed rows
	for r := range R {
		if constrained != nil && !constrained[r] || masks[r] == nil {
			mrows[r] = -1
			continue
		}
		w := masks[r].Words32()
		if len(w) < s.words {
			return 0, fmt.Errorf("%w: mask of row %d covers %d ids, the session %d", ErrShape, r, masks[r].Width(), realWidth(s.cfg.Real, s.cfg.Width))
		}
		w = w[:s.words]
		mrows[r] = int32(r)
		crows[n] = int32(r)
		n++
		if s.last[r] != nil && slices.Equal(s.last[r], w) {
			continue
		}
		if s.last[r] == nil {
			s.last[r] = make([]uint32, s.words)
		}
		copy(s.last[r], w)
		copy(st[r*s.words:(r+1)*s.words], w)
		if k := len(runs); k > 0 && runs[k-1][1] == r-1 {
			runs[k-1][1] = r
		} else {
			runs = append(runs, [2]int{r, r})
		}
		s.stats.Changed++
	}
	if len(runs) > 8 {
		runs = [][2]int{{runs[0][0], runs[len(runs)-1][1]}}
	}
	bytes := 0
	rowBytes := s.words * 4
	for _, run := range runs {
		off := run[0] * rowBytes
		nb := (run[1] - run[0] + 1) * rowBytes
		if err := s.d.h2d(s.masks+cu.DevicePtr(off), s.stMask.at(off), int64(nb)); err != nil {
			return 0, err
		}
		bytes += nb
	}
	// mrows and crows are adjacent: one copy.
	if err := s.d.h2d(s.rowData, s.stRow.at(0), int64(8*R)); err != nil {
		return 0, err
	}
	s.pending[regMask] = true
	s.ncons = n
	s.stats.Steps++
	s.stats.Rows += n
	s.stats.Bytes += int64(bytes)
	s.stats.FullBytes += int64(R * rowBytes)
	return bytes, nil
}

// RandomLogits writes the built-in random model's logits for the rows
// (sequence seqs[i] at position pos[i]) into the session's buffer on the
// device (nothing is copied in but the row data).
func (s *Session) RandomLogits(modelSeed uint64, seqs []uint64, pos []uint32, bias *RandomBias) (Logits, error) {
	release, err := s.enter()
	if err != nil {
		return Logits{}, err
	}
	defer release()
	R := s.cfg.Rows
	if len(seqs) != R || len(pos) != R {
		return Logits{}, fmt.Errorf("%w: %d seqs, %d positions for %d rows", ErrShape, len(seqs), len(pos), R)
	}
	nb := 0
	var bv float32
	if bias != nil {
		if len(bias.IDs) > MaxBias {
			return Logits{}, fmt.Errorf("%w: %d biased ids (at most %d)", ErrShape, len(bias.IDs), MaxBias)
		}
		nb, bv = len(bias.IDs), bias.Value
	}
	if err := s.stage(regModel); err != nil {
		return Logits{}, err
	}
	copy(s.stRow.u32s()[s.offMpos()/4:], pos)
	copy(s.stRow.u64s()[s.offSeqs()/8:], seqs)
	if nb > 0 {
		copy(s.stRow.i32s()[s.offBias()/4:], bias.IDs)
	}
	if err := s.d.h2d(s.rowData+cu.DevicePtr(s.offMpos()), s.stRow.at(s.offMpos()), int64(4*R)); err != nil {
		return Logits{}, err
	}
	if err := s.d.h2d(s.rowData+cu.DevicePtr(s.offSeqs()), s.stRow.at(s.offSeqs()), int64(8*R+4*MaxBias)); err != nil {
		return Logits{}, err
	}
	s.pending[regModel] = true
	lg := s.Logits()
	err = s.d.launchRandom(lg, s.cfg.Width, R, s.rowData+cu.DevicePtr(s.offSeqs()), s.rowData+cu.DevicePtr(s.offMpos()),
		modelSeed, s.rowData+cu.DevicePtr(s.offBias()), nb, bv)
	return lg, err
}

// UploadLogits copies host logits (Rows × Width float32) into the
// session's buffer (a session of type F32), through pinned memory.
func (s *Session) UploadLogits(host []float32) (Logits, error) {
	release, err := s.enter()
	if err != nil {
		return Logits{}, err
	}
	defer release()
	n := s.cfg.Rows * s.cfg.Width
	if s.cfg.DType != F32 || len(host) != n {
		return Logits{}, fmt.Errorf("%w: %d host logits for a %s session of %d×%d", ErrShape, len(host), s.cfg.DType, s.cfg.Rows, s.cfg.Width)
	}
	if err := s.stage(regLogits); err != nil {
		return Logits{}, err
	}
	if s.stLogits.p == nil {
		if s.stLogits, err = s.d.allocHost(4 * n); err != nil {
			return Logits{}, err
		}
	}
	copy(s.stLogits.f32s(), host)
	if err := s.d.h2d(s.logits, s.stLogits.p, int64(4*n)); err != nil {
		return Logits{}, err
	}
	s.pending[regLogits] = true
	return s.Logits(), nil
}

// checkLogits validates a logits buffer against the session's shape.
func (s *Session) checkLogits(lg Logits) error {
	if lg.Ptr == 0 || lg.Stride < s.cfg.Width {
		return fmt.Errorf("%w: logits at %#x with stride %d for width %d", ErrShape, lg.Ptr, lg.Stride, s.cfg.Width)
	}
	return nil
}

// Apply masks the constrained rows of lg in place (the masks of the last
// SetMasks): disallowed logits become -Inf.
func (s *Session) Apply(lg Logits) error {
	release, err := s.enter()
	if err != nil {
		return err
	}
	defer release()
	if err := s.checkLogits(lg); err != nil {
		return err
	}
	return s.d.launchApply(lg, s.cfg.Width, s.cfg.Real, s.masks, s.words, s.rowData+cu.DevicePtr(s.offCrows()), s.ncons, false)
}

// Sample draws one token per row of lg (masked by the last SetMasks) with
// the fused kernel, row i keyed by seeds[i] at position pos[i], and waits
// for the token ids: out[i], or -1 where no token is allowed.
func (s *Session) Sample(lg Logits, p SampleParams, seeds []uint64, pos []uint32, out []int32) error {
	release, err := s.enter()
	if err != nil {
		return err
	}
	defer release()
	R := s.cfg.Rows
	if len(seeds) != R || len(pos) != R || len(out) != R {
		return fmt.Errorf("%w: %d seeds, %d positions, %d outputs for %d rows", ErrShape, len(seeds), len(pos), len(out), R)
	}
	if err := s.checkLogits(lg); err != nil {
		return err
	}
	if err := s.stage(regSample); err != nil {
		return err
	}
	copy(s.stRow.u32s()[s.offSpos()/4:], pos)
	copy(s.stRow.u64s()[s.offSeeds()/8:], seeds)
	if err := s.d.h2d(s.rowData+cu.DevicePtr(s.offSpos()), s.stRow.at(s.offSpos()), int64(4*R)); err != nil {
		return err
	}
	if err := s.d.h2d(s.rowData+cu.DevicePtr(s.offSeeds()), s.stRow.at(s.offSeeds()), int64(8*R)); err != nil {
		return err
	}
	s.pending[regSample] = true
	mrows := s.rowData + cu.DevicePtr(s.offMrows())
	masks := s.masks
	if s.stats.Steps == 0 {
		masks = 0 // no SetMasks yet: unconstrained
	}
	if err := s.d.launchSample(lg, R, s.cfg.Width, s.cfg.Real, masks, s.words, mrows,
		s.rowData+cu.DevicePtr(s.offSeeds()), s.rowData+cu.DevicePtr(s.offSpos()), p, &s.sb); err != nil {
		return err
	}
	if err := s.d.d2h(s.stOut.p, s.sb.out, int64(4*R)); err != nil {
		return err
	}
	if err := s.syncAll(); err != nil {
		return err
	}
	copy(out, s.stOut.i32s()[:R])
	return nil
}
