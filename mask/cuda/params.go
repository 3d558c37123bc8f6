package cuda

import (
	"errors"
	"fmt"
	"math"
)

// Errors. Device errors wrap these so callers can test with errors.Is.
var (
	// ErrNoCUDA: the binary was built without the cuda tag (or cgo).
	ErrNoCUDA = errors.New("gramc: built without CUDA (rebuild with -tags cuda, see docs/GPU.md)")
	// ErrNoDevice: the CUDA driver is missing, unusable, or sees no GPU.
	ErrNoDevice = errors.New("gramc: no usable CUDA device")
	// ErrPTXNotBuilt: the embedded PTX is empty (kernels.cu was never
	// compiled; run go generate ./mask/cuda with nvcc available).
	ErrPTXNotBuilt = errors.New("gramc: PTX not built (run go generate ./mask/cuda with nvcc)")
	// ErrShape: logits, masks and parameters do not fit together.
	ErrShape = errors.New("gramc: shape mismatch")
	// ErrParams: invalid sampling parameters.
	ErrParams = errors.New("gramc: invalid sampling parameters")
)

// DType is the element type of a logits buffer.
type DType int

// Logits element types.
const (
	F32  DType = iota // IEEE binary32
	F16               // IEEE binary16
	BF16              // bfloat16
)

// Size is the element size in bytes.
func (t DType) Size() int {
	if t == F32 {
		return 4
	}
	return 2
}

// Vec is the number of elements in one 16-byte vector load.
func (t DType) Vec() int { return 16 / t.Size() }

func (t DType) String() string {
	switch t {
	case F32:
		return "f32"
	case F16:
		return "f16"
	case BF16:
		return "bf16"
	}
	return fmt.Sprintf("DType(%d)", int(t))
}

// ParseDType parses "f32", "f16" or "bf16".
func ParseDType(s string) (DType, error) {
	switch s {
	case "f32", "float32":
		return F32, nil
	case "f16", "float16", "half":
		return F16, nil
	case "bf16", "bfloat16":
		return BF16, nil
	}
	return 0, fmt.Errorf("unknown logits type %q (want f32, f16 or bf16)", s)
}

// Kernel constants shared with kernels.cu (keep in sync; TestPTXConstants
// checks the PTX's entry points, geometry tests check the Go side).
const (
	BlockThreads = 256  // threads per block of every kernel but gpu_sleep
	ApplyChunk   = 1024 // tokens per warp work item of the apply kernels
	KMax         = 256  // largest top-k; top-p alone considers the KMax best tokens
	CandCap      = 4096 // candidate slots per block in the top-k kernels (splits·K ≤ CandCap)

	saltGumbel = 0x47554D42 // "GUMB": Philox counter word 2 of the Gumbel noise
	saltTopK   = 0x544F504B // "TOPK": Philox counter word 2 of the top-k/top-p draw
)

// Mode is the sampling procedure SampleParams select.
type Mode int

// Sampling procedures.
const (
	Greedy Mode = iota // argmax
	Gumbel             // temperature only: Gumbel-max over all allowed tokens
	TopK               // top-k and/or top-p over the K best allowed tokens
)

func (m Mode) String() string {
	return [...]string{"greedy", "gumbel", "topk"}[m]
}

// SampleParams choose the sampling procedure.
type SampleParams struct {
	Temperature float32 // 0: greedy
	TopK        int     // 0: off; at most KMax
	TopP        float32 // 0 or 1: off; else in (0, 1)
}

// Validate checks the parameters.
func (p SampleParams) Validate() error {
	switch {
	case !(p.Temperature >= 0) || math.IsInf(float64(p.Temperature), 1):
		return fmt.Errorf("%w: temperature %v (want a finite value >= 0)", ErrParams, p.Temperature)
	case p.TopK < 0 || p.TopK > KMax:
		return fmt.Errorf("%w: top-k %d (want 0..%d)", ErrParams, p.TopK, KMax)
	case !(p.TopP >= 0 && p.TopP <= 1):
		return fmt.Errorf("%w: top-p %v (want 0..1)", ErrParams, p.TopP)
	}
	return nil
}

// Mode is the procedure the parameters select.
func (p SampleParams) Mode() Mode {
	switch {
	case p.Temperature == 0 || p.TopK == 1:
		return Greedy
	case p.TopK == 0 && (p.TopP == 0 || p.TopP == 1):
		return Gumbel
	}
	return TopK
}

// K is the number of candidates of the top-k procedure.
func (p SampleParams) K() int {
	if p.TopK > 0 {
		return p.TopK
	}
	return KMax
}

// Scale is c = log2(e)/T, the factor from logits to base-2 log weights,
// computed once on the host and passed to both the kernels and the CPU
// reference.
func (p SampleParams) Scale() float32 {
	if p.Temperature == 0 {
		return 0
	}
	return float32(math.Log2E / float64(p.Temperature))
}

// topP is the nucleus mass: 1 when off.
func (p SampleParams) topP() float32 {
	if p.TopP == 0 {
		return 1
	}
	return p.TopP
}
