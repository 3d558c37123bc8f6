package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gramc/gramc/grammar/jsonschema"
	"github.com/gramc/gramc/internal/shared"
	"github.com/gramc/gramc/vocab"
)

// Generation soundness (issue 3): every output of `gramc generate --schema`
// must validate with santhosh-tekuri/jsonschema (jsonschema.NewValidator,
// the oracle), no walk may get stuck (no token allowed, output incomplete),
// and a walk whose budget covers the shortest output must end complete.
//
// TestGenerateSoundness is the quick version (first 25 Github_easy
// schemas, in process). TestGenerateSoundnessCorpus, behind
// -soundness.full, walks every schema of ../shared/corpora/jsonschemabench
// and ../shared/corpora/schemastore, each in a child process (this test
// binary again) under a time limit:
//
//	go test ./cmd/gramc -run TestGenerateSoundnessCorpus -soundness.full -timeout 0 -v \
//	    [-soundness.only Github_easy,schemastore] [-soundness.vocab ../shared/vocab/llama3_1] \
//	    [-soundness.n 20] [-soundness.max-tokens 1024] [-soundness.schema-timeout 60s] \
//	    [-soundness.log /tmp/soundness.jsonl] [-soundness.limit N] [-soundness.stride K] \
//	    [-soundness.interleave K]
//
// It reports, per subset and in total: schemas, compiled, refused (the
// compiler's exact-or-loud refusals, or a grammar too large), refused by
// the oracle, timeouts, samples validated, invalid outputs, stuck walks,
// walks that ran out of a budget covering the shortest output, and
// outputs the oracle rejects only through Go's regexp dialect. A schema
// whose shortest output exceeds the budget is sampled with the shortest
// output plus a quarter of the budget. The JSON-lines log of a run (also
// one stopped early) is summarized by
//
//	go test ./cmd/gramc -run TestGenerateSoundnessSummary -soundness.summary LOG -v
var (
	soundFull       = flag.Bool("soundness.full", false, "run TestGenerateSoundnessCorpus over the corpora")
	soundOnly       = flag.String("soundness.only", "", "comma-separated corpus subsets (jsonschemabench subfolders, or schemastore); default all")
	soundVocab      = flag.String("soundness.vocab", "", "vocabulary path (default: byte-level)")
	soundN          = flag.Int("soundness.n", 20, "samples per schema")
	soundSeed       = flag.Uint64("soundness.seed", 1, "generation seed")
	soundMaxTokens  = flag.Int("soundness.max-tokens", 1024, "--max-tokens per sample")
	soundTimeout    = flag.Duration("soundness.schema-timeout", 60*time.Second, "time limit per schema (compile, masks, samples, validation)")
	soundLog        = flag.String("soundness.log", "", "write one JSON line per schema to this file")
	soundSummaryLog = flag.String("soundness.summary", "", "TestGenerateSoundnessSummary: the log to summarize")
	soundLimit      = flag.Int("soundness.limit", 0, "at most this many schemas per subset (0: all)")
	soundStride     = flag.Int("soundness.stride", 1, "take every k-th schema of each subset")
	soundPasses     = flag.Int("soundness.interleave", 1, "visit the schemas in this many interleaved passes over all subsets (every k-th schema of each subset first), so that a partial run covers every subset")
)

// soundJob is one schema for the child process.
type soundJob struct {
	File      string `json:"file"`
	Store     bool   `json:"store"` // a SchemaStore schema (the file is the schema)
	Vocab     string `json:"vocab"`
	N         int    `json:"n"`
	Seed      uint64 `json:"seed"`
	MaxTokens int    `json:"max_tokens"`
}

// soundResult is what the child reports for one schema.
type soundResult struct {
	File      string   `json:"file"`
	Status    string   `json:"status"` // generated, refused, oracle-refused, timeout, error
	Reason    string   `json:"reason,omitempty"`
	Samples   int      `json:"samples"`
	Invalid   int      `json:"invalid"`
	Stuck     int      `json:"stuck"`      // dead ends: no token allowed, output incomplete
	Exhausted int      `json:"exhausted"`  // budget ran out on every attempt although it covers the shortest output
	Below     int      `json:"below"`      // budget below the shortest output, reported as such
	RegexDiff int      `json:"regex_diff"` // rejected by the oracle only because Go's regexp reads a pattern differently from ECMA-262 (\s, \w, ., ...)
	Retried   int      `json:"retried"`    // samples that needed more than one attempt
	Shortest  int      `json:"shortest"`   // bytes of the shortest output
	Budget    int      `json:"budget"`     // --max-tokens used: the runner's, or the shortest output plus a quarter of it when larger
	Errors    []string `json:"errors,omitempty"`
	Millis    int64    `json:"ms"`
}

const soundJobEnv = "GRAMC_SOUNDNESS_JOB"
const soundMarker = "SOUNDNESS-RESULT "

// soundStoreRemotes serves SchemaStore schemas at their
// https://json.schemastore.org/ URLs (with and without .json).
func soundStoreRemotes(dir string) map[string][]byte {
	remotes := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		remotes["https://json.schemastore.org/"+name+".json"] = b
		remotes["https://json.schemastore.org/"+name] = b
	}
	return remotes
}

// soundSchema returns the schema bytes and options of a job.
func soundSchema(job soundJob) ([]byte, jsonschema.Options, error) {
	data, err := os.ReadFile(job.File)
	if err != nil {
		return nil, jsonschema.Options{}, err
	}
	if job.Store {
		name := strings.TrimSuffix(filepath.Base(job.File), ".json")
		opts := jsonschema.Options{BaseURL: "https://json.schemastore.org/" + name + ".json", Remotes: soundStoreRemotes(filepath.Dir(job.File))}
		return data, opts, nil
	}
	var doc struct {
		Schema json.RawMessage `json:"schema"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || len(doc.Schema) == 0 {
		return nil, jsonschema.Options{}, fmt.Errorf("no schema in %s", job.File)
	}
	return doc.Schema, jsonschema.Options{}, nil
}

// soundRun compiles one schema, generates job.N samples as `gramc
// generate --schema` does and validates each with the oracle.
func soundRun(job soundJob) (res soundResult) {
	start := time.Now()
	res = soundResult{File: job.File}
	defer func() { res.Millis = time.Since(start).Milliseconds() }()
	src, opts, err := soundSchema(job)
	if err != nil {
		res.Status, res.Reason = "error", err.Error()
		return res
	}
	cr, err := jsonschema.CompileResult(src, opts)
	if err != nil {
		res.Status, res.Reason = "refused", firstLine(err.Error())
		return res
	}
	v := vocab.ByteLevel()
	if job.Vocab != "" {
		if v, err = vocab.Load(job.Vocab); err != nil {
			res.Status, res.Reason = "error", err.Error()
			return res
		}
	}
	c, err := compileFor(cr.Grammar, v)
	if err != nil {
		res.Status, res.Reason = "refused", firstLine(err.Error())
		return res
	}
	oracle, err := jsonschema.NewValidator(src, opts)
	if err != nil {
		res.Status, res.Reason = "oracle-refused", firstLine(err.Error())
		return res
	}
	res.Status = "generated"
	res.Shortest = c.NewMatcher().Parser().CompletionCost()
	res.Budget = job.MaxTokens
	if res.Shortest > job.MaxTokens && job.MaxTokens > 0 {
		// A budget below the shortest output is reported as such (see
		// TestGenerateBudget); sample such a schema with a budget that fits.
		res.Budget = res.Shortest + job.MaxTokens/4
	}
	gen := newGenerator(c.Compiled, res.Budget)
	note := func(format string, args ...any) {
		if len(res.Errors) < 5 {
			res.Errors = append(res.Errors, fmt.Sprintf(format, args...))
		}
	}
	for i := range job.N {
		tokens, attempts, err := gen.generate(job.Seed, i)
		if attempts > 1 {
			res.Retried++
		}
		switch {
		case err == nil:
		case errors.Is(err, errUnfinished) && res.Shortest > res.Budget:
			res.Below++
			continue
		case errors.Is(err, errUnfinished):
			res.Exhausted++
			note("%v", err)
			continue
		case strings.Contains(err.Error(), "dead end"):
			res.Stuck++
			note("%v", err)
			continue
		default:
			res.Stuck++ // a rejected token or a failed recheck: the walk cannot go on
			note("%v", err)
			continue
		}
		res.Samples++
		text := gen.text(tokens)
		ok, err := soundValid(oracle, text)
		if err == nil && !ok && soundECMAValid(src, opts, text) {
			// Valid under the schema's own regex dialect (ECMA-262), with
			// every other keyword checked by the oracle: a pattern that Go's
			// regexp reads differently (\s is Unicode whitespace in ECMA).
			res.RegexDiff++
			if len(res.Errors) < 5 {
				res.Errors = append(res.Errors, fmt.Sprintf("regex dialect: %q", truncate(string(text), 300)))
			}
			continue
		}
		if err != nil || !ok {
			res.Invalid++
			note("invalid output %q: %v", truncate(string(text), 1500), err)
		}
	}
	return res
}

// soundValid asks the oracle, turning a panic of the validator (math/big
// on a number it cannot read) into an error.
func soundValid(v *jsonschema.Validator, text []byte) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			ok, err = false, fmt.Errorf("oracle panic: %v", r)
		}
	}()
	if k, dup := duplicateKey(text); dup {
		return false, fmt.Errorf("duplicate key %q (the oracle would keep the last value)", k)
	}
	return v.Valid(text)
}

// duplicateKey reports a key that occurs twice in one object of the JSON
// text (which the oracle, like every JSON parser that keeps the last
// value, cannot see).
func duplicateKey(text []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(text))
	type frame struct {
		keys   map[string]bool
		object bool
		key    bool // the next string token of this object is a key
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // io.EOF, or not JSON (the oracle says so)
		}
		top := len(stack) - 1
		isKey := top >= 0 && stack[top].object && stack[top].key
		if top >= 0 && stack[top].object {
			stack[top].key = !stack[top].key
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{':
				stack = append(stack, frame{keys: map[string]bool{}, object: true, key: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:top]
				if top > 0 && stack[top-1].object {
					stack[top-1].key = true
				}
			}
		case string:
			if isKey {
				if stack[top].keys[tok] {
					return tok, true
				}
				stack[top].keys[tok] = true
			}
		}
	}
}

// soundECMAValid validates with the oracle configured with ECMA-262
// regular expressions (package regex) instead of Go's.
func soundECMAValid(src []byte, opts jsonschema.Options, text []byte) bool {
	v, err := jsonschema.NewECMAValidator(src, opts)
	if err != nil {
		return false
	}
	ok, err := soundValid(v, text)
	return ok && err == nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return truncate(s, 300)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// TestGenerateSoundnessChild is the child half of the corpus runner: it
// runs one job given in the environment and prints its result.
func TestGenerateSoundnessChild(t *testing.T) {
	spec := os.Getenv(soundJobEnv)
	if spec == "" {
		t.Skip("child of TestGenerateSoundnessCorpus")
	}
	var job soundJob
	if err := json.Unmarshal([]byte(spec), &job); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(soundRun(job))
	fmt.Printf("\n%s%s\n", soundMarker, b)
}

// soundFiles lists the schemas of the corpora, by subset.
func soundFiles(dir string) (subsets []string, files map[string][]soundJob) {
	only := map[string]bool{}
	for _, s := range strings.Split(*soundOnly, ",") {
		if s != "" {
			only[s] = true
		}
	}
	files = map[string][]soundJob{}
	add := func(subset string, paths []string, store bool) {
		if len(only) > 0 && !only[subset] {
			return
		}
		sort.Strings(paths)
		var jobs []soundJob
		for i, p := range paths {
			if *soundStride > 1 && i%*soundStride != 0 {
				continue
			}
			if filepath.Base(p) == "manifest.json" {
				continue
			}
			jobs = append(jobs, soundJob{File: p, Store: store})
		}
		if *soundLimit > 0 && len(jobs) > *soundLimit {
			jobs = jobs[:*soundLimit]
		}
		subsets = append(subsets, subset)
		files[subset] = jobs
	}
	bench := filepath.Join(dir, "corpora/jsonschemabench")
	entries, _ := os.ReadDir(bench)
	for _, e := range entries {
		if e.IsDir() {
			paths, _ := filepath.Glob(filepath.Join(bench, e.Name(), "*.json"))
			add(e.Name(), paths, false)
		}
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "corpora/schemastore/schemas/*.json"))
	add("schemastore", paths, true)
	return subsets, files
}

// TestGenerateSoundnessCorpus is the full runner (see the top of the file).
func TestGenerateSoundnessCorpus(t *testing.T) {
	if !*soundFull {
		t.Skip("run with -soundness.full")
	}
	dir, ok := shared.SharedDir()
	if !ok {
		t.Skip("needs ../shared")
	}
	vocabPath := *soundVocab
	if vocabPath != "" && !filepath.IsAbs(vocabPath) {
		// Relative to the repository root (go test runs in cmd/gramc),
		// as the commands in docs/CONFORMANCE.md write it.
		if _, err := os.Stat(vocabPath); err != nil {
			vocabPath = filepath.Join("..", "..", vocabPath)
		}
		if abs, err := filepath.Abs(vocabPath); err == nil {
			vocabPath = abs
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var logw *bufio.Writer
	if *soundLog != "" {
		f, err := os.Create(*soundLog)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		logw = bufio.NewWriter(f)
		defer logw.Flush()
	}
	var jobs []soundJob
	subsets, files := soundFiles(dir)
	passes := max(*soundPasses, 1)
	for pass := range passes {
		for _, subset := range subsets {
			for i, job := range files[subset] {
				if i%passes == pass {
					jobs = append(jobs, job)
				}
			}
		}
	}
	start := time.Now()
	var results []soundResult
	for n, job := range jobs {
		job.Vocab, job.N, job.Seed, job.MaxTokens = vocabPath, *soundN, *soundSeed, *soundMaxTokens
		res := soundChild(exe, job)
		results = append(results, res)
		if res.Invalid > 0 || res.Stuck > 0 || res.Exhausted > 0 {
			t.Errorf("%s: %d invalid, %d stuck, %d budget exhausted: %s", res.File, res.Invalid, res.Stuck, res.Exhausted, strings.Join(res.Errors, " | "))
		}
		if res.Status == "error" {
			t.Errorf("%s: %s", res.File, res.Reason)
		}
		if logw != nil {
			b, _ := json.Marshal(res)
			logw.Write(append(b, '\n'))
			logw.Flush()
		}
		if (n+1)%200 == 0 {
			fmt.Fprintf(os.Stderr, "soundness: %d/%d schemas, %s\n", n+1, len(jobs), time.Since(start).Round(time.Second))
		}
	}
	for _, line := range soundSummary(results, subsets) {
		t.Log(line)
	}
	t.Logf("wall time %s", time.Since(start).Round(time.Second))
}

// soundCounts are the runner's counts over a set of schemas.
type soundCounts struct {
	Schemas, Compiled, Refused, OracleRefused, Timeouts, Errors   int
	Samples, Invalid, Stuck, Exhausted, Below, RegexDiff, Retried int
}

func (c *soundCounts) add(r soundResult) {
	c.Schemas++
	switch r.Status {
	case "generated":
		c.Compiled++
	case "refused":
		c.Refused++
	case "oracle-refused":
		c.OracleRefused++
	case "timeout":
		c.Timeouts++
	default:
		c.Errors++
	}
	c.Samples += r.Samples
	c.Invalid += r.Invalid
	c.Stuck += r.Stuck
	c.Exhausted += r.Exhausted
	c.Below += r.Below
	c.RegexDiff += r.RegexDiff
	c.Retried += r.Retried
}

func (c soundCounts) String() string {
	return fmt.Sprintf("schemas %5d compiled %5d refused %5d oracle-refused %3d timeouts %3d errors %3d | samples %6d invalid %d stuck %d exhausted %d below-shortest %d regex-dialect %d retried %d",
		c.Schemas, c.Compiled, c.Refused, c.OracleRefused, c.Timeouts, c.Errors, c.Samples, c.Invalid, c.Stuck, c.Exhausted, c.Below, c.RegexDiff, c.Retried)
}

// soundSummary is one line per subset and a total.
func soundSummary(results []soundResult, subsets []string) []string {
	per := map[string]*soundCounts{}
	var total soundCounts
	for _, r := range results {
		sub := filepath.Base(filepath.Dir(r.File))
		if sub == "schemas" {
			sub = "schemastore"
		}
		if per[sub] == nil {
			per[sub] = &soundCounts{}
		}
		per[sub].add(r)
		total.add(r)
	}
	var lines []string
	for _, sub := range subsets {
		if c := per[sub]; c != nil {
			lines = append(lines, fmt.Sprintf("%-24s %s", sub, c))
		}
	}
	return append(lines, fmt.Sprintf("%-24s %s", "TOTAL", total))
}

// TestGenerateSoundnessSummary summarizes a runner log
// (-soundness.summary FILE.jsonl), e.g. of a run stopped early.
func TestGenerateSoundnessSummary(t *testing.T) {
	if *soundSummaryLog == "" {
		t.Skip("run with -soundness.summary LOG")
	}
	data, err := os.ReadFile(*soundSummaryLog)
	if err != nil {
		t.Fatal(err)
	}
	var results []soundResult
	seen := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		var r soundResult
		if json.Unmarshal([]byte(line), &r) == nil && r.File != "" && !seen[r.File] {
			seen[r.File] = true
			results = append(results, r)
		}
	}
	dir, _ := shared.SharedDir()
	subsets, _ := soundFiles(dir)
	for _, line := range soundSummary(results, subsets) {
		t.Log(line)
	}
}

// soundChild runs one job in a child process under the per-schema limit.
func soundChild(exe string, job soundJob) soundResult {
	spec, _ := json.Marshal(job)
	ctx, cancel := context.WithTimeout(context.Background(), *soundTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^TestGenerateSoundnessChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), soundJobEnv+"="+string(spec))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		return soundResult{File: job.File, Status: "timeout", Reason: fmt.Sprintf("over %v", *soundTimeout), Millis: time.Since(start).Milliseconds()}
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, soundMarker); ok {
			var res soundResult
			if json.Unmarshal([]byte(rest), &res) == nil {
				return res
			}
		}
	}
	return soundResult{File: job.File, Status: "error", Reason: fmt.Sprintf("child failed (%v): %s", err, truncate(out.String(), 2000)), Millis: time.Since(start).Milliseconds()}
}

// TestGenerateSoundness samples through the masks of real-world schemas
// (the first 25 of JSONSchemaBench Github_easy, byte-level vocabulary) and
// validates every output with the oracle: no output may be invalid, no
// walk may get stuck, and no walk may run out of budget (600 tokens covers
// the shortest output of each).
func TestGenerateSoundness(t *testing.T) {
	dir, ok := shared.SharedDir()
	if !ok || testing.Short() {
		t.Skip("needs ../shared; skipped in -short")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "corpora/jsonschemabench/Github_easy/*.json"))
	sort.Strings(files)
	compiled, samples := 0, 0
	for _, f := range files[:min(25, len(files))] {
		res := soundRun(soundJob{File: f, N: 4, Seed: 7, MaxTokens: 600})
		if res.Status != "generated" {
			continue // refused (exact or loud), or the oracle cannot compile it
		}
		compiled++
		samples += res.Samples
		if res.Invalid > 0 || res.Stuck > 0 || res.Exhausted > 0 || res.Below > 0 {
			t.Errorf("%s: %d invalid, %d stuck, %d budget exhausted, %d below the shortest output: %s", f, res.Invalid, res.Stuck, res.Exhausted, res.Below, strings.Join(res.Errors, " | "))
		}
	}
	t.Logf("%d schemas generated, %d samples validated", compiled, samples)
	if compiled < 10 {
		t.Fatalf("only %d schemas compiled", compiled)
	}
}

// TestGenerateBudget: with any-order required properties (a permutation),
// the steering knows the exact shortest completion, so a budget equal to
// the shortest output still ends complete and valid, and a smaller one is
// reported as such (issue 3).
func TestGenerateBudget(t *testing.T) {
	schema := `{"type":"object","properties":{"alpha":{"type":"string"},"beta":{"type":"integer"},"gamma":{"type":"object","properties":{"x":{"type":"boolean"},"y":{"type":"null"}},"required":["y","x"]}},"required":["gamma","alpha","beta"]}`
	file := writeFile(t, "budget.json", schema)
	// Shortest: {"alpha":"","beta":0,"gamma":{"x":true,"y":null}} (49 bytes).
	const shortest = 49
	oracle, err := jsonschema.NewValidator([]byte(schema), jsonschema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, max := range []int{shortest, shortest + 1, 60, 100} {
		code, out, errOut := gramc(t, "", "generate", "--schema", file, "-n", "20", "--seed", "3", "--max-tokens", fmt.Sprint(max), "--json")
		want(t, code, 0, out, errOut)
		var texts []string
		decode(t, out, &texts)
		for _, s := range texts {
			if ok, err := oracle.Valid([]byte(s)); !ok || err != nil || len(s) > max {
				t.Errorf("--max-tokens %d: output %q (valid %v, %v)", max, s, ok, err)
			}
		}
	}
	// The batched decoder (random-logits model) is held to the budget too.
	for _, max := range []int{shortest, 60} {
		code, out, errOut := gramc(t, "", "generate", "--schema", file, "--device", "cpu", "-n", "16", "--seed", "5", "--temperature", "1", "--max-tokens", fmt.Sprint(max), "--json")
		want(t, code, 0, out, errOut)
		var texts []string
		decode(t, out, &texts)
		for _, s := range texts {
			if ok, err := oracle.Valid([]byte(s)); !ok || err != nil {
				t.Errorf("decoder, --max-tokens %d: output %q (valid %v, %v)", max, s, ok, err)
			}
		}
	}
	code, out, errOut := gramc(t, "", "generate", "--schema", file, "--max-tokens", fmt.Sprint(shortest-1))
	want(t, code, 1, out, errOut)
	if !strings.Contains(errOut, fmt.Sprintf("--max-tokens %d is below the shortest valid output (%d bytes)", shortest-1, shortest)) {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestDuplicateKeyCheck(t *testing.T) {
	for text, want := range map[string]bool{
		`{"a":1,"b":2}`:                     false,
		`{"a":1,"a":2}`:                     true,
		`{"a":1,"\u0061":2}`:                true,
		`{"a":{"a":1},"b":[{"a":1,"b":2}]}`: false,
		`{"a":[1,{"x":1,"x":2}]}`:           true,
		`[{"a":"a"},{"a":"a"}]`:             false,
		`{"a":"b","b":"a"}`:                 false,
		`{"a":{},"b":[],"a":3}`:             true,
	} {
		if _, got := duplicateKey([]byte(text)); got != want {
			t.Errorf("%s: %v, want %v", text, got, want)
		}
	}
}
