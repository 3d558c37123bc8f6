//go:build !cuda || !cgo

package cuda

import (
	"io"

	"github.com/gramc/gramc/mask"
)

// Built reports whether this binary was built with CUDA support.
const Built = false

// Available reports why no device can be opened: always ErrNoCUDA here.
func Available() error { return ErrNoCUDA }

// Device is a GPU (unavailable in this build).
type Device struct{}

// Open returns ErrNoCUDA: the binary was built without the cuda tag.
func Open(ordinal int) (*Device, error) { return nil, ErrNoCUDA }

// Close does nothing.
func (d *Device) Close() error { return ErrNoCUDA }

// Info is empty.
func (d *Device) Info() Info { return Info{} }

// NewSession returns ErrNoCUDA.
func (d *Device) NewSession(cfg SessionConfig) (*Session, error) { return nil, ErrNoCUDA }

// BenchKernels returns ErrNoCUDA.
func (d *Device) BenchKernels(cfg BenchConfig, log io.Writer) (*BenchReport, error) {
	return nil, ErrNoCUDA
}

// CheckKernels returns ErrNoCUDA.
func (d *Device) CheckKernels(cfg CheckConfig, log io.Writer) (*CheckReport, error) {
	return nil, ErrNoCUDA
}

// Session is the device state of a decoding batch (unavailable here).
type Session struct{}

// Config is empty.
func (s *Session) Config() SessionConfig { return SessionConfig{} }

// Logits returns the zero Logits.
func (s *Session) Logits() Logits { return Logits{} }

// SetMasks returns ErrNoCUDA.
func (s *Session) SetMasks(masks []*mask.Mask, constrained []bool) (int, error) {
	return 0, ErrNoCUDA
}

// RandomLogits returns ErrNoCUDA.
func (s *Session) RandomLogits(modelSeed uint64, seqs []uint64, pos []uint32, bias *RandomBias) (Logits, error) {
	return Logits{}, ErrNoCUDA
}

// UploadLogits returns ErrNoCUDA.
func (s *Session) UploadLogits(host []float32) (Logits, error) { return Logits{}, ErrNoCUDA }

// Apply returns ErrNoCUDA.
func (s *Session) Apply(lg Logits) error { return ErrNoCUDA }

// Sample returns ErrNoCUDA.
func (s *Session) Sample(lg Logits, p SampleParams, seeds []uint64, pos []uint32, out []int32) error {
	return ErrNoCUDA
}

// Stats is empty.
func (s *Session) Stats() UploadStats { return UploadStats{} }

// Close does nothing.
func (s *Session) Close() error { return nil }
