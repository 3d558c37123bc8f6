//go:build cuda && cgo

package cuda

import (
	"errors"
	"io"
	"os"
	"testing"

	"github.com/gramc/gramc/mask"
)

// openOrSkip opens GPU 0, or skips (a clean error, never a crash, when the
// driver or the device is missing: CI runs these tests with the stub
// libcuda).
func openOrSkip(t *testing.T) *Device {
	t.Helper()
	d, err := Open(0)
	if err != nil {
		if !errors.Is(err, ErrNoDevice) && !errors.Is(err, ErrPTXNotBuilt) {
			t.Fatalf("Open: unexpected error %v", err)
		}
		t.Skipf("no GPU: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestDeviceCheckSmall(t *testing.T) {
	d := openOrSkip(t)
	log := io.Discard
	if testing.Verbose() {
		log = os.Stderr
	}
	rep, err := d.CheckKernels(CheckConfig{Vocabs: []VocabShape{{33, 33}, {5000, 4990}}, Batches: []int{1, 7}}, log)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Failures {
		t.Error(f)
	}
	t.Logf("%s: %d cases, %d elements, %d rows", rep.Device.Name, rep.Cases, rep.Elements, rep.Rows)
}

func TestSessionMatchesReference(t *testing.T) {
	d := openOrSkip(t)
	const R, W, real = 5, 3000, 2990
	s, err := d.NewSession(SessionConfig{Rows: R, Width: W, Real: real, DType: F32})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	masks := make([]*mask.Mask, R)
	cons := make([]bool, R)
	for r := range R {
		masks[r] = mask.New(W)
		for t := r; t < W; t += r + 2 {
			masks[r].Set(int32(t))
		}
		cons[r] = r != 3
	}
	seqs := []uint64{11, 12, 13, 14, 15}
	seeds := []uint64{1, 2, 3, 4, 5}
	pos := []uint32{0, 1, 2, 3, 4}
	for step := range 3 {
		if _, err := s.SetMasks(masks, cons); err != nil {
			t.Fatal(err)
		}
		lg, err := s.RandomLogits(9, seqs, pos, &RandomBias{IDs: []int32{7}, Value: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []SampleParams{{}, {Temperature: 0.9}, {Temperature: 1, TopK: 20, TopP: 0.8}} {
			out := make([]int32, R)
			if err := s.Sample(lg, p, seeds, pos, out); err != nil {
				t.Fatal(err)
			}
			for r := range R {
				row := make([]float32, W)
				RandomLogitsRow(row, 9, seqs[r], pos[r], &RandomBias{IDs: []int32{7}, Value: 3})
				var w []uint32
				if cons[r] {
					w = masks[r].Words32()
				}
				if want := SampleRow(row, real, w, p, seeds[r], pos[r]); out[r] != want {
					t.Errorf("step %d %+v row %d: GPU %d, CPU %d", step, p, r, out[r], want)
				}
			}
		}
		for r := range R {
			pos[r]++
		}
	}
	st := s.Stats()
	if st.Steps != 3 || st.Changed != 4 { // masks never change after the first step
		t.Errorf("upload stats %+v", st)
	}
	if _, err := s.SetMasks(masks[:2], nil); !errors.Is(err, ErrShape) {
		t.Errorf("short masks: %v", err)
	}
}
