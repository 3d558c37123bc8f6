package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/gramc/gramc/mask/cuda"
)

func TestBenchGPUWithoutCUDA(t *testing.T) {
	code, stdout, stderr := gramc(t, "", "bench", "gpu", "--help")
	want(t, code, exitOK, stdout, stderr)
	if !strings.Contains(stdout, "Usage: gramc bench gpu") || !strings.Contains(stdout, "-check") {
		t.Errorf("bench gpu --help:\n%s", stdout)
	}
	code, stdout, stderr = gramc(t, "", "bench", "gpu", "--no-such-flag")
	want(t, code, exitUsage, stdout, stderr)
	if cuda.Built {
		t.Skip("a cuda build")
	}
	for _, args := range [][]string{{"bench", "gpu"}, {"bench", "gpu", "--check", "--json"}} {
		code, stdout, stderr = gramc(t, "", args...)
		want(t, code, exitUsage, stdout, stderr)
		if !strings.Contains(stderr, "built without CUDA") || stdout != "" {
			t.Errorf("%v: stdout %q stderr %q", args, stdout, stderr)
		}
	}
}

func TestParseGPULists(t *testing.T) {
	vs, err := parseVocabs("33, 151936:151669")
	if err != nil || !slices.Equal(vs, []cuda.VocabShape{{Width: 33, Real: 33}, {Width: 151936, Real: 151669}}) {
		t.Errorf("parseVocabs: %v %v", vs, err)
	}
	for _, bad := range []string{"x", "0", "10:20", "10:0", "5,"} {
		if _, err := parseVocabs(bad); err == nil {
			t.Errorf("parseVocabs(%q) accepted", bad)
		}
	}
	if bs, err := parseInts("1,7"); err != nil || !slices.Equal(bs, []int{1, 7}) {
		t.Errorf("parseInts: %v %v", bs, err)
	}
	if _, err := parseInts("0"); err == nil {
		t.Error("batch 0 accepted")
	}
	if ds, err := parseDTypes("f32,bf16,f16"); err != nil || !slices.Equal(ds, []cuda.DType{cuda.F32, cuda.BF16, cuda.F16}) {
		t.Errorf("parseDTypes: %v %v", ds, err)
	}
	if _, err := parseDTypes("f64"); err == nil {
		t.Error("f64 accepted")
	}
}

func TestSyntheticVocab(t *testing.T) {
	c, err := compiledJSON(2048, 2000)
	if err != nil {
		t.Fatal(err)
	}
	v := c.Vocab
	if v.Size() != 2000 || v.LogitsWidth() != 2048 || len(v.EOS()) != 1 || !v.IsEOS(1999) {
		t.Errorf("size %d width %d eos %v", v.Size(), v.LogitsWidth(), v.EOS())
	}
	for b := range 256 {
		if got := v.Bytes(int32(b)); len(got) != 1 || got[0] != byte(b) {
			t.Fatalf("token %d = %q", b, got)
		}
	}
}

func TestGenerateDecoder(t *testing.T) {
	code, stdout, stderr := gramc(t, "", "generate", "--device", "cpu", "--batch", "3", "-n", "5", "--seed", "2", "--json")
	want(t, code, exitOK, stdout, stderr)
	var texts []string
	decode(t, stdout, &texts)
	if len(texts) != 5 {
		t.Fatalf("%d texts", len(texts))
	}
	for _, s := range texts {
		if !json.Valid([]byte(s)) {
			t.Errorf("not JSON: %q", s)
		}
		if code, out, errs := gramc(t, s, "check"); code != exitOK {
			t.Errorf("rejected by check: %q\n%s%s", s, out, errs)
		}
	}
	// The batch size does not change the outputs; --batch alone means the CPU decoder.
	code, stdout2, stderr := gramc(t, "", "generate", "--batch", "1", "-n", "5", "--seed", "2", "--json")
	want(t, code, exitOK, stdout2, stderr)
	if stdout2 != stdout {
		t.Errorf("--batch 1 differs from --batch 3:\n%s\nvs\n%s", stdout2, stdout)
	}
	// Sampling, another grammar.
	tuple := writeFile(t, "tuple.gbnf", tupleGBNF)
	code, stdout, stderr = gramc(t, "", "generate", "--grammar", tuple, "--temperature", "0.9", "--top-k", "20", "--top-p", "0.95", "-n", "6", "--json")
	want(t, code, exitOK, stdout, stderr)
	decode(t, stdout, &texts)
	for _, s := range texts {
		if code, out, errs := gramc(t, s, "check", "--grammar", tuple); code != exitOK {
			t.Errorf("tuple: %q rejected\n%s%s", s, out, errs)
		}
	}
	// Bad options.
	for _, args := range [][]string{{"--device", "gpu"}, {"--top-k", "999"}, {"--top-p", "2"}, {"--temperature", "-1"}, {"--batch", "-1"}} {
		code, stdout, stderr = gramc(t, "", append([]string{"generate"}, args...)...)
		want(t, code, exitUsage, stdout, stderr)
	}
	if cuda.Built {
		return
	}
	// Without CUDA: auto falls back with a message, cuda fails.
	code, stdout, stderr = gramc(t, "", "generate", "--device", "auto", "-n", "2", "--seed", "2", "--json")
	want(t, code, exitOK, stdout, stderr)
	if !strings.Contains(stderr, "CUDA unavailable") || !strings.Contains(stderr, "on the CPU") {
		t.Errorf("auto: stderr %q", stderr)
	}
	code, stdout, stderr = gramc(t, "", "generate", "--device", "cuda")
	want(t, code, exitUsage, stdout, stderr)
	if !strings.Contains(stderr, "built without CUDA") {
		t.Errorf("cuda: stderr %q", stderr)
	}
}
