package cuda

// Types shared by the CUDA build and the stub (device.go, stub.go).

// Info describes an open device.
type Info struct {
	Name     string `json:"name"`
	Ordinal  int    `json:"ordinal"`
	SMs      int    `json:"sms"`
	MemBytes int64  `json:"mem_bytes"`
	CC       string `json:"compute_capability"`
	Driver   int    `json:"driver_version"` // e.g. 13000 for CUDA 13.0
	L2Bytes  int    `json:"l2_bytes"`
	PTX      string `json:"ptx"` // where the PTX came from, and its header
}

// SessionConfig sizes a Session: Rows sequences decoded together, logits
// of Width per row (the model's), of which ids >= Real are padding, and
// the element type of the session's own logits buffer.
type SessionConfig struct {
	Rows  int
	Width int
	Real  int
	DType DType
}

// UploadStats counts the mask bytes a Session sent to the device.
type UploadStats struct {
	Steps     int   `json:"steps"`
	Rows      int   `json:"rows"`      // constrained rows over all steps
	Changed   int   `json:"changed"`   // rows whose mask changed (uploaded)
	Bytes     int64 `json:"bytes"`     // mask bytes copied
	FullBytes int64 `json:"fullBytes"` // bytes a full upload every step would copy
}

// VocabShape is a logits width and the tokenizer's part of it.
type VocabShape struct {
	Width int `json:"width"`
	Real  int `json:"real"`
}

// DefaultVocabs are the shapes of the device check and benchmark: tiny
// edge cases, Llama 2, GPT-2, Llama 3, Qwen 3 (151669 real ids in 151936
// logits) and Gemma 3.
func DefaultVocabs() []VocabShape {
	return []VocabShape{{1, 1}, {33, 33}, {32000, 32000}, {50257, 50257}, {128256, 128256}, {151936, 151669}, {262144, 262144}}
}

// DefaultBatches are the batch sizes of the device check and benchmark.
func DefaultBatches() []int { return []int{1, 7, 64, 256} }

// BenchConfig selects the kernel benchmark's shapes.
type BenchConfig struct {
	Vocabs  []VocabShape
	Batches []int
	DTypes  []DType
	Reps    int // timed launches per figure (median)
}

// KernelTiming is one row of the kernel benchmark (times are medians of
// CUDA-event timings, launches queued behind a GPU sleep).
type KernelTiming struct {
	Width      int     `json:"width"`
	Real       int     `json:"real"`
	Rows       int     `json:"rows"`
	DType      string  `json:"dtype"`
	ApplyUS    float64 `json:"apply_us"`
	ApplyGBs   float64 `json:"apply_gbs"`      // logits read+write plus mask read
	ApplyPct   float64 `json:"apply_pct_copy"` // of the measured copy bandwidth
	GreedyUS   float64 `json:"greedy_us"`
	GumbelUS   float64 `json:"gumbel_us"`
	TopKUS     float64 `json:"topk_us"` // top-k 50, top-p 0.9
	UploadUS   float64 `json:"upload_us"`
	UploadByte int64   `json:"upload_bytes"`
}

// BenchReport is the kernel benchmark's result.
type BenchReport struct {
	Device      Info           `json:"device"`
	CopyGBs     float64        `json:"copy_gbs"`      // cuMemcpyDtoD, read+write
	CopyKernGBs float64        `json:"copy_kern_gbs"` // the copy_u4 kernel, read+write
	CopyBytes   int64          `json:"copy_bytes"`
	Kernels     []KernelTiming `json:"kernels"`
}

// CheckConfig selects the device check's shapes.
type CheckConfig struct {
	Vocabs  []VocabShape
	Batches []int
	DTypes  []DType
}

// CheckReport is the device check's result.
type CheckReport struct {
	Device   Info     `json:"device"`
	Cases    int      `json:"cases"`    // (shape, dtype, kernel) combinations
	Elements int64    `json:"elements"` // logits compared
	Rows     int64    `json:"rows"`     // sampled rows compared
	Failures []string `json:"failures"` // the first mismatches
}
