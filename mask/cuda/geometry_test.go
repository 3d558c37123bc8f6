package cuda

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestApplyGeometry(t *testing.T) {
	for _, c := range []struct{ rows, width int }{{1, 1}, {1, 1024}, {1, 1025}, {7, 50257}, {256, 262144}} {
		g := ApplyGeometry(c.rows, c.width)
		chunks := (c.width + ApplyChunk - 1) / ApplyChunk
		if g.Items != int64(c.rows*chunks) || g.Block != BlockThreads || g.Grid < 1 || int64(g.Grid)*int64(g.Block/32) < min(g.Items, maxApplyGrid*8) {
			t.Errorf("%+v: %+v", c, g)
		}
	}
}

func TestSampleGeometry(t *testing.T) {
	params := []SampleParams{{}, {Temperature: 1}, {Temperature: 1, TopK: 50}, {Temperature: 1, TopP: 0.9}, {Temperature: 1, TopK: 2}}
	for _, v := range DefaultVocabs() {
		for _, rows := range append(DefaultBatches(), 65535) {
			for _, dt := range []DType{F32, F16, BF16} {
				for _, p := range params {
					g, err := SampleGeometry(rows, v.Width, dt, p, 132)
					if err != nil {
						t.Fatal(err)
					}
					if g.Seg%g.Tile != 0 || g.Tile != BlockThreads*dt.Vec() || g.Splits < 1 ||
						g.Splits*g.Seg < v.Width || (g.Splits-1)*g.Seg >= v.Width {
						t.Errorf("V=%d B=%d %s %+v: %+v", v.Width, rows, dt, p, g)
					}
					if g.Mode == TopK && g.Splits*g.K > CandCap {
						t.Errorf("top-k candidates %d×%d > %d", g.Splits, g.K, CandCap)
					}
					if g.Partials != rows*g.Splits*g.K || g.Partials > MaxPartials(rows, v.Width) {
						t.Errorf("partials %d (max %d)", g.Partials, MaxPartials(rows, v.Width))
					}
				}
			}
		}
	}
	// Batch 1 splits a large row across many blocks.
	g, _ := SampleGeometry(1, 128256, F32, SampleParams{}, 132)
	if g.Splits < 100 {
		t.Errorf("1×128256 greedy: %d splits", g.Splits)
	}
	g, _ = SampleGeometry(256, 128256, F32, SampleParams{}, 132)
	if g.Splits > 4 {
		t.Errorf("256×128256 greedy: %d splits", g.Splits)
	}
	for _, c := range []struct{ rows, width int }{{0, 10}, {65536, 10}, {1, 0}, {1, math.MaxInt32}} {
		if _, err := SampleGeometry(c.rows, c.width, F32, SampleParams{}, 0); !errors.Is(err, ErrShape) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if _, err := SampleGeometry(1, 10, F32, SampleParams{TopK: 999}, 0); !errors.Is(err, ErrParams) {
		t.Errorf("top-k 999: %v", err)
	}
}

func TestArgs(t *testing.T) {
	a := Args{}.F32(-1.5).I64(-2).Ptr(0x1000).U64(1 << 63)
	if a[0] != uint64(math.Float32bits(-1.5)) || a[1] != uint64(1<<64-2) || a[2] != 0x1000 || a[3] != 1<<63 {
		t.Errorf("%#x", a)
	}
}

// ptxParams maps each entry of the PTX to its parameter types.
func ptxParams(t *testing.T, ptx string) map[string][]string {
	t.Helper()
	entries := map[string][]string{}
	re := regexp.MustCompile(`(?s)\.entry (\w+)\((.*?)\)`)
	param := regexp.MustCompile(`\.param (\.\w+) `)
	for _, m := range re.FindAllStringSubmatch(ptx, -1) {
		var types []string
		for _, p := range param.FindAllStringSubmatch(m[2], -1) {
			types = append(types, p[1])
		}
		entries[m[1]] = types
	}
	return entries
}

// TestPTX checks the embedded PTX against the Go side: every kernel is
// there, every parameter is 64-bit (gorgonia.org/cu copies 8 bytes per
// argument), and the argument lists the Go side packs have the kernels'
// lengths.
func TestPTX(t *testing.T) {
	b, err := os.ReadFile("kernels.ptx")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	if missing := MissingKernels(src); len(missing) > 0 {
		t.Fatalf("kernels.ptx lacks %v", missing)
	}
	if Built {
		if emb, _, err := PTX(); err != nil || emb != src {
			t.Errorf("the embedded PTX is not kernels.ptx (%v)", err)
		}
	}
	entries := ptxParams(t, src)
	for _, name := range KernelNames() {
		for i, typ := range entries[name] {
			if typ != ".u64" {
				t.Errorf("%s parameter %d is %s, want .u64", name, i, typ)
			}
		}
	}
	g, _ := SampleGeometry(1, 100, F32, SampleParams{}, 0)
	want := map[string]int{
		applyKernel(F32):          len(applyArgs(Logits{}, 1, 1, 0, 1, 0, 1, false)),
		sampleKernel(BF16, TopK):  len(sampleArgs(Logits{}, 1, 1, 0, 1, 0, 0, 0, SampleParams{}, g, 0, 0, 0)),
		sampleKernel(F16, Greedy): len(sampleArgs(Logits{}, 1, 1, 0, 1, 0, 0, 0, SampleParams{}, g, 0, 0, 0)),
		randomKernel(F32):         len(randomArgs(Logits{}, 1, 1, 0, 0, 0, 0, 0, 0)),
		sleepKernel:               1,
		copyKernel:                3,
		sampleKernel(F32, Gumbel): 16,
		applyKernel(BF16):         9,
		randomKernel(BF16):        10,
	}
	for name, n := range want {
		if len(entries[name]) != n {
			t.Errorf("%s: %d parameters in the PTX, the Go side packs %d", name, len(entries[name]), n)
		}
	}
	if info := PTXInfo(); Built && !strings.Contains(info, ".target") {
		t.Errorf("PTXInfo: %q", info)
	}
	// The PTX must not be stale: kernels.cu names the same constants.
	cu, err := os.ReadFile("kernels.cu")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{
		fmt.Sprintf("#define BLOCK %d ", BlockThreads), fmt.Sprintf("#define APPLY_CHUNK %d ", ApplyChunk),
		fmt.Sprintf("#define KMAX %d ", KMax), fmt.Sprintf("#define CAND_CAP %d ", CandCap),
		fmt.Sprintf("#define MAX_BIAS %d", MaxBias),
		fmt.Sprintf("#define SALT_GUMBEL %#Xu", saltGumbel), fmt.Sprintf("#define SALT_TOPK %#Xu", saltTopK),
	} {
		if !strings.Contains(strings.ReplaceAll(string(cu), "0X", "0x"), strings.ReplaceAll(c, "0X", "0x")) {
			t.Errorf("kernels.cu lacks %q (out of sync with params.go)", c)
		}
	}
	// Every constant of the deterministic math appears in kernels.cu.
	consts := []float32{cSqrt2, cLn2, cLog2E, cInv3, cInv5, cInv7, cInv9, 0x1p-24, 0x1p-20, 0x1p32}
	consts = append(consts, cExp[2:]...)
	for _, c := range consts {
		if hex := fmt.Sprintf("F(0x%08X)", math.Float32bits(c)); !strings.Contains(string(cu), hex) {
			t.Errorf("kernels.cu lacks the constant %v as %s", c, hex)
		}
	}
	// The PTX was made from this kernels.cu (build-ptx.sh records its hash).
	sum := fmt.Sprintf("%x", sha256.Sum256(cu))
	if !strings.Contains(src, "kernels.cu sha256 "+sum) {
		t.Errorf("kernels.ptx is stale or was not made by scripts/build-ptx.sh: run go generate ./mask/cuda (kernels.cu sha256 %s)", sum)
	}
}

func TestPTXOverride(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ptx")
	os.WriteFile(bad, []byte("// nothing\n"), 0o644)
	t.Setenv(PTXEnv, bad)
	if _, _, err := PTX(); !errors.Is(err, ErrPTXNotBuilt) {
		t.Errorf("bad override: %v", err)
	}
	t.Setenv(PTXEnv, filepath.Join(dir, "missing.ptx"))
	if _, _, err := PTX(); err == nil {
		t.Error("missing override accepted")
	}
	if m := MissingKernels(""); len(m) != len(KernelNames()) {
		t.Errorf("MissingKernels(\"\") = %v", m)
	}
}
