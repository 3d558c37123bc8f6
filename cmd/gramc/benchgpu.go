package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gramc/gramc/mask/cuda"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// withBenchGPU routes `gramc bench gpu ...` to runBenchGPU and everything
// else to the bench command.
func withBenchGPU(bench func(e *env, args []string) int) func(e *env, args []string) int {
	return func(e *env, args []string) int {
		if len(args) > 0 && args[0] == "gpu" {
			return runBenchGPU(e, args[1:])
		}
		return bench(e, args)
	}
}

// gpuReport is `gramc bench gpu --json`.
type gpuReport struct {
	Device  cuda.Info          `json:"device"`
	Kernels *cuda.BenchReport  `json:"kernels,omitempty"`
	Decode  []decodeStepTiming `json:"decode,omitempty"`
	Check   *cuda.CheckReport  `json:"check,omitempty"`
	Decoder []decoderCompare   `json:"decoder_check,omitempty"`
}

// decodeStepTiming is one decode-step figure: the median wall time of a
// step with a simulated forward, constrained (JSON grammar, masks on the
// CPU overlapped with the forward, uploaded, fused apply+sample on the
// GPU) and unconstrained (the same model and sampler, no masks).
type decodeStepTiming struct {
	Width           int     `json:"width"`
	Real            int     `json:"real"`
	Rows            int     `json:"rows"`
	ForwardMS       float64 `json:"forward_ms"`
	UnconstrainedMS float64 `json:"unconstrained_ms"`
	ConstrainedMS   float64 `json:"constrained_ms"`
	OverheadPct     float64 `json:"overhead_pct"`
	PrepareUS       float64 `json:"prepare_us_per_step"` // accept + jump-forward + masks + upload, overlapped
	UploadKiB       float64 `json:"upload_kib_per_step"`
	FullKiB         float64 `json:"full_kib_per_step"` // what uploading every mask every step would copy
}

// decoderCompare is the CPU-versus-GPU decoder comparison of --check.
type decoderCompare struct {
	Width   int    `json:"width"`
	Real    int    `json:"real"`
	Rows    int    `json:"rows"`
	Params  string `json:"params"`
	Tokens  int    `json:"tokens"`
	Match   bool   `json:"match"`
	Problem string `json:"problem,omitempty"`
}

func runBenchGPU(e *env, args []string) int {
	f := newFlags("bench gpu", "[--check] [--vocab LIST] [--batch LIST] [--dtype LIST] [--reps N] [--steps N] [--forward D] [--no-decode] [--json] [--json-out FILE]", `
Benchmark the CUDA kernels (a cuda build; see docs/GPU.md): the device's
copy bandwidth, then for every vocabulary size and batch the apply kernel
(µs, GB/s of logits read+write plus mask read, % of the copy bandwidth),
the fused masked samplers (greedy, temperature, top-k 50 + top-p 0.9) and
the pinned mask upload; then a full decode step with a simulated forward
pass, constrained by the JSON grammar versus unconstrained, on synthetic
vocabularies of those sizes.

With --check, compare instead every kernel with the CPU reference on every
element (rows with one allowed token, none, all; f32, f16, bf16), and the
decoder's outputs on the GPU with the CPU path's; exit 1 on any mismatch.

--vocab takes widths, or width:real where the tokenizer is smaller than the
logits (default 1,33,32000,50257,128256,151936:151669,262144).`)
	check := f.Bool("check", false, "compare the kernels and the decoder with the CPU reference instead of timing")
	vocabs := f.String("vocab", "", "comma-separated vocabulary sizes, width or width:real")
	batches := f.String("batch", "", "comma-separated batch sizes (default 1,7,64,256)")
	dtypes := f.String("dtype", "", "comma-separated logits types: f32, f16, bf16 (default f32 for timing, all for --check)")
	reps := f.Int("reps", 200, "timed launches per kernel figure (median)")
	steps := f.Int("steps", 20, "timed decode steps per figure (after 3 warm-up steps)")
	forward := f.Duration("forward", 5*time.Millisecond, "simulated forward time of the decode-step benchmark")
	noDecode := f.Bool("no-decode", false, "skip the decode-step benchmark")
	jsonOut := f.String("json-out", "", "also write the --json report to `file`")
	if code, ok := f.parse(e, args); !ok {
		return code
	}
	if !cuda.Built {
		return e.errorf(exitUsage, "gramc bench gpu: built without CUDA (rebuild with -tags cuda: scripts/build-cuda.sh; see docs/GPU.md)")
	}
	var vs []cuda.VocabShape
	var bs []int
	var dts []cuda.DType
	var err error
	if vs, err = parseVocabs(*vocabs); err == nil {
		if bs, err = parseInts(*batches); err == nil {
			dts, err = parseDTypes(*dtypes)
		}
	}
	if err != nil || *reps <= 0 || *steps <= 0 || *forward < 0 {
		if err == nil {
			err = errors.New("--reps and --steps must be positive, --forward >= 0")
		}
		return e.errorf(exitUsage, "gramc bench gpu: %v", err)
	}
	dev, err := cuda.Open(0)
	if err != nil {
		return e.errorf(exitUsage, "gramc bench gpu: %s", errText(err))
	}
	defer dev.Close()
	info := dev.Info()
	fmt.Fprintf(e.stderr, "device: %s (%d SMs, %.0f GiB, compute %s, driver %d); PTX: %s\n",
		info.Name, info.SMs, float64(info.MemBytes)/(1<<30), info.CC, info.Driver, info.PTX)
	rep := gpuReport{Device: info}
	log := e.stderr // progress; the results go to stdout
	if *check {
		cr, err := dev.CheckKernels(cuda.CheckConfig{Vocabs: vs, Batches: bs, DTypes: dts}, log)
		if err != nil {
			return e.fail("bench gpu", exitNo, err)
		}
		rep.Check = cr
		rep.Decoder = compareDecoders(dev, vs, log)
		failed := len(cr.Failures) > 0
		for _, c := range rep.Decoder {
			failed = failed || !c.Match
		}
		if code := writeReport(e, f.json, *jsonOut, rep, printCheck); code != exitOK {
			return code
		}
		if failed {
			return exitNo
		}
		return exitOK
	}
	if len(dts) == 0 {
		dts = []cuda.DType{cuda.F32}
	}
	kr, err := dev.BenchKernels(cuda.BenchConfig{Vocabs: vs, Batches: bs, DTypes: dts, Reps: *reps}, log)
	if err != nil {
		return e.fail("bench gpu", exitNo, err)
	}
	rep.Kernels = kr
	if !*noDecode {
		if len(bs) == 0 {
			bs = cuda.DefaultBatches()
		}
		if len(vs) == 0 {
			vs = cuda.DefaultVocabs()
		}
		for _, v := range vs {
			for _, b := range bs {
				if v.Real < 300 {
					continue // too small for a vocabulary with every byte
				}
				t, err := benchDecodeStep(dev, v, b, *steps, *forward)
				if err != nil {
					return e.fail("bench gpu", exitNo, err)
				}
				fmt.Fprintf(log, "decode V=%d B=%d: unconstrained %.3f ms, constrained %.3f ms (%+.2f%%)\n", v.Width, b, t.UnconstrainedMS, t.ConstrainedMS, t.OverheadPct)
				rep.Decode = append(rep.Decode, t)
			}
		}
	}
	return writeReport(e, f.json, *jsonOut, rep, printBench)
}

// writeReport prints rep (JSON or text) and writes its JSON to path.
func writeReport(e *env, asJSON bool, path string, rep gpuReport, text func(*env, *gpuReport)) int {
	if asJSON {
		e.writeJSON(rep)
	} else {
		text(e, &rep)
	}
	if path != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err == nil {
			err = os.WriteFile(path, append(b, '\n'), 0o644)
		}
		if err != nil {
			return e.errorf(exitUsage, "gramc bench gpu: %v", err)
		}
	}
	return exitOK
}

func parseVocabs(s string) ([]cuda.VocabShape, error) {
	if s == "" {
		return nil, nil
	}
	var out []cuda.VocabShape
	for _, part := range strings.Split(s, ",") {
		w, r, found := strings.Cut(strings.TrimSpace(part), ":")
		width, err := strconv.Atoi(w)
		real := width
		if err == nil && found {
			real, err = strconv.Atoi(r)
		}
		if err != nil || width <= 0 || real <= 0 || real > width {
			return nil, fmt.Errorf("--vocab: bad size %q (want width or width:real, 0 < real <= width)", part)
		}
		out = append(out, cuda.VocabShape{Width: width, Real: real})
	}
	return out, nil
}

func parseInts(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n <= 0 || n > 65535 {
			return nil, fmt.Errorf("--batch: bad size %q (want 1..65535)", part)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseDTypes(s string) ([]cuda.DType, error) {
	if s == "" {
		return nil, nil
	}
	var out []cuda.DType
	for _, part := range strings.Split(s, ",") {
		dt, err := cuda.ParseDType(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		out = append(out, dt)
	}
	return out, nil
}

// syntheticVocab is a vocabulary of real tokens (every byte, then random
// printable strings of 2 to 8 bytes, then EOS) padded to width logits.
func syntheticVocab(width, real int) (*vocab.Vocabulary, error) {
	r := rand.New(rand.NewPCG(uint64(real), 17))
	toks := make([][]byte, 0, real)
	seen := map[string]bool{}
	for b := range 256 {
		toks = append(toks, []byte{byte(b)})
		seen[string([]byte{byte(b)})] = true
	}
	for len(toks) < real-1 {
		n := 2 + r.IntN(7)
		t := make([]byte, n)
		for i := range t {
			t[i] = byte(32 + r.IntN(95))
		}
		if !seen[string(t)] {
			seen[string(t)] = true
			toks = append(toks, t)
		}
	}
	toks = append(toks, []byte("</s>"))
	eos := int32(len(toks) - 1)
	v, err := vocab.New(fmt.Sprintf("synthetic-%d", real), toks, []int32{eos}, []int32{eos})
	if err != nil {
		return nil, err
	}
	return v.WithLogitsWidth(width)
}

// compiledJSON compiles the embedded JSON grammar for a synthetic vocabulary.
func compiledJSON(width, real int) (*runtime.Compiled, error) {
	v, err := syntheticVocab(width, real)
	if err != nil {
		return nil, err
	}
	g, _, err := loadGrammar("")
	if err != nil {
		return nil, err
	}
	c, err := compileFor(g, v)
	if err != nil {
		return nil, err
	}
	return c.Compiled, nil
}

// benchDecodeStep times decode steps with a simulated forward, constrained
// and unconstrained. EOS is disabled (bias -Inf) so every row stays active.
func benchDecodeStep(dev *cuda.Device, v cuda.VocabShape, rows, steps int, forward time.Duration) (decodeStepTiming, error) {
	t := decodeStepTiming{Width: v.Width, Real: v.Real, Rows: rows, ForwardMS: ms(forward.Nanoseconds())}
	c, err := compiledJSON(v.Width, v.Real)
	if err != nil {
		return t, err
	}
	seeds := make([]uint64, rows)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	const warm = 3
	run := func(unconstrained bool) (float64, runtime.DecodeStats, error) {
		m := &runtime.RandomModel{Seed: 1, Vocab: v.Width, Bias: &cuda.RandomBias{IDs: c.Vocab.EOS(), Value: float32(math.Inf(-1))}, Delay: forward}
		d, err := runtime.NewDecoder(c, m, runtime.DecoderOptions{MaxTokens: warm + steps, Device: dev, Unconstrained: unconstrained})
		if err != nil {
			return 0, runtime.DecodeStats{}, err
		}
		defer d.Close()
		if _, err := d.Run(seeds); err != nil {
			return 0, runtime.DecodeStats{}, err
		}
		s := d.Stats()
		if len(s.StepTimes) <= warm {
			return 0, s, fmt.Errorf("decode V=%d B=%d: only %d steps", v.Width, rows, len(s.StepTimes))
		}
		times := slices.Clone(s.StepTimes[warm:])
		slices.Sort(times)
		return ms(times[len(times)/2].Nanoseconds()), s, nil
	}
	var err2 error
	if t.UnconstrainedMS, _, err = run(true); err != nil {
		return t, err
	}
	var s runtime.DecodeStats
	if t.ConstrainedMS, s, err2 = run(false); err2 != nil {
		return t, err2
	}
	t.OverheadPct = 100 * (t.ConstrainedMS - t.UnconstrainedMS) / t.UnconstrainedMS
	if s.Steps > 0 {
		t.PrepareUS = float64(s.Prepare.Microseconds()) / float64(s.Steps)
	}
	if s.Upload.Steps > 0 {
		t.UploadKiB = float64(s.Upload.Bytes) / 1024 / float64(s.Upload.Steps)
		t.FullKiB = float64(s.Upload.FullBytes) / 1024 / float64(s.Upload.Steps)
	}
	return t, nil
}

// compareDecoders decodes the same seeds on the CPU and on the GPU, greedy
// and sampled, and compares the outputs token by token.
func compareDecoders(dev *cuda.Device, vs []cuda.VocabShape, log interface{ Write([]byte) (int, error) }) []decoderCompare {
	var shapes []cuda.VocabShape // at most two, not too wide (the CPU side is slow)
	for _, v := range vs {
		if v.Real >= 300 && v.Width <= 160000 && len(shapes) < 2 {
			shapes = append(shapes, v)
		}
	}
	if len(vs) == 0 {
		shapes = []cuda.VocabShape{{Width: 32000, Real: 32000}, {Width: 151936, Real: 151669}}
	}
	vs = shapes
	var out []decoderCompare
	params := []cuda.SampleParams{{}, {Temperature: 0.8, TopK: 40, TopP: 0.9}, {Temperature: 1}}
	for _, v := range vs {
		if v.Real < 300 {
			continue
		}
		c, err := compiledJSON(v.Width, v.Real)
		for _, p := range params {
			r := decoderCompare{Width: v.Width, Real: v.Real, Rows: 7, Params: fmt.Sprintf("%+v", p)}
			if err != nil {
				r.Problem = err.Error()
				out = append(out, r)
				continue
			}
			seeds := []uint64{1, 2, 3, 4, 5, 6, 7}
			decode := func(d *cuda.Device) ([]runtime.SeqResult, error) {
				m := &runtime.RandomModel{Seed: 3, Vocab: v.Width, Bias: &cuda.RandomBias{IDs: c.Vocab.EOS(), Value: 4}}
				dc, err := runtime.NewDecoder(c, m, runtime.DecoderOptions{MaxTokens: 40, Sampling: p, Device: d})
				if err != nil {
					return nil, err
				}
				defer dc.Close()
				return dc.Run(seeds)
			}
			cpu, err1 := decode(nil)
			gpu, err2 := decode(dev)
			switch {
			case err1 != nil:
				r.Problem = "cpu: " + err1.Error()
			case err2 != nil:
				r.Problem = "gpu: " + err2.Error()
			default:
				r.Match = true
				for i := range cpu {
					r.Tokens += len(cpu[i].Tokens)
					if !slices.Equal(cpu[i].Tokens, gpu[i].Tokens) {
						r.Match = false
						r.Problem = fmt.Sprintf("sequence %d: cpu %v, gpu %v", i, cpu[i].Tokens, gpu[i].Tokens)
						break
					}
				}
			}
			fmt.Fprintf(log, "decoder CPU vs GPU V=%d %s: match %v %s\n", v.Width, r.Params, r.Match, r.Problem)
			out = append(out, r)
		}
	}
	return out
}

func printCheck(e *env, rep *gpuReport) {
	c := rep.Check
	fmt.Fprintf(e.stdout, "kernel check on %s: %d cases, %d logits and %d sampled rows compared with the CPU reference\n",
		rep.Device.Name, c.Cases, c.Elements, c.Rows)
	for _, f := range c.Failures {
		fmt.Fprintf(e.stdout, "  MISMATCH %s\n", f)
	}
	for _, d := range rep.Decoder {
		status := "identical"
		if !d.Match {
			status = "DIFFERENT: " + d.Problem
		}
		fmt.Fprintf(e.stdout, "decoder V=%d B=%d %s: CPU and GPU outputs %s (%d tokens)\n", d.Width, d.Rows, d.Params, status, d.Tokens)
	}
	if len(c.Failures) == 0 {
		fmt.Fprintln(e.stdout, "kernels: PASS")
	} else {
		fmt.Fprintln(e.stdout, "kernels: FAIL")
	}
}

func printBench(e *env, rep *gpuReport) {
	k := rep.Kernels
	w := e.stdout
	fmt.Fprintf(w, "device: %s, %d SMs, compute %s, driver %d\nPTX: %s\n", rep.Device.Name, rep.Device.SMs, rep.Device.CC, rep.Device.Driver, rep.Device.PTX)
	fmt.Fprintf(w, "copy bandwidth (read+write): cuMemcpyDtoD %.0f GB/s, copy kernel %.0f GB/s, %d MiB\n\n", k.CopyGBs, k.CopyKernGBs, k.CopyBytes>>20)
	fmt.Fprintln(w, "| vocab (real) | batch | dtype | apply µs | apply GB/s | % of copy | greedy µs | temperature µs | top-k/p µs | mask upload µs (KiB) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, t := range k.Kernels {
		fmt.Fprintf(w, "| %s | %d | %s | %.2f | %.0f | %.0f%% | %.2f | %.2f | %.2f | %.2f (%d) |\n",
			vocabLabel(t.Width, t.Real), t.Rows, t.DType, t.ApplyUS, t.ApplyGBs, t.ApplyPct, t.GreedyUS, t.GumbelUS, t.TopKUS, t.UploadUS, t.UploadByte>>10)
	}
	if len(rep.Decode) > 0 {
		fmt.Fprintf(w, "\ndecode step, simulated forward %.1f ms, JSON grammar on a synthetic vocabulary (median step):\n", rep.Decode[0].ForwardMS)
		fmt.Fprintln(w, "| vocab (real) | batch | unconstrained ms | constrained ms | overhead | CPU prepare µs/step (overlapped) | upload KiB/step (of full) |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
		for _, t := range rep.Decode {
			fmt.Fprintf(w, "| %s | %d | %.3f | %.3f | %+.2f%% | %.0f | %.1f (%.1f) |\n",
				vocabLabel(t.Width, t.Real), t.Rows, t.UnconstrainedMS, t.ConstrainedMS, t.OverheadPct, t.PrepareUS, t.UploadKiB, t.FullKiB)
		}
	}
}

func vocabLabel(width, real int) string {
	if real != width {
		return fmt.Sprintf("%d (%d)", width, real)
	}
	return strconv.Itoa(width)
}
