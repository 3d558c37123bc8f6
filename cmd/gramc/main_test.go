package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/internal/shared"
)

// gramc runs the command line in-process.
func gramc(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// want checks the exit code and prints the outputs on failure.
func want(t *testing.T, code, wantCode int, stdout, stderr string) {
	t.Helper()
	if code != wantCode {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, wantCode, stdout, stderr)
	}
}

// decode parses stdout as JSON into v.
func decode(t *testing.T, stdout string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(stdout), v); err != nil {
		t.Fatalf("stdout is not the expected JSON: %v\n%s", err, stdout)
	}
}

// writeFile writes content to name in a temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const tupleGBNF = `# a parenthesized list of small numbers
root ::= "(" num ("," [ \n]* num)* ")"
num  ::= [0-9] | [1-9] [0-9]
`

func TestUsage(t *testing.T) {
	code, stdout, stderr := gramc(t, "")
	want(t, code, exitUsage, stdout, stderr)
	if !strings.Contains(stderr, "Usage: gramc <command>") {
		t.Errorf("no usage on stderr:\n%s", stderr)
	}
	code, stdout, stderr = gramc(t, "", "frobnicate")
	want(t, code, exitUsage, stdout, stderr)
	if !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("stderr:\n%s", stderr)
	}
	code, stdout, stderr = gramc(t, "", "--help")
	want(t, code, exitOK, stdout, stderr)
	for _, c := range commands {
		if !strings.Contains(stdout, c.name) {
			t.Errorf("--help does not list %s", c.name)
		}
		code, stdout, stderr := gramc(t, "", c.name, "--help")
		want(t, code, exitOK, stdout, stderr)
		if !strings.Contains(stdout, "Usage: gramc "+c.name) || !strings.Contains(stdout, "-json") {
			t.Errorf("%s --help:\n%s", c.name, stdout)
		}
		code, stdout, stderr = gramc(t, "", "help", c.name)
		want(t, code, exitOK, stdout, stderr)
		code, stdout, stderr = gramc(t, "", c.name, "--no-such-flag")
		want(t, code, exitUsage, stdout, stderr)
		if !strings.Contains(stderr, "no-such-flag") || stdout != "" {
			t.Errorf("%s --no-such-flag: stdout %q stderr %q", c.name, stdout, stderr)
		}
		code, stdout, stderr = gramc(t, "", c.name, "stray")
		want(t, code, exitUsage, stdout, stderr)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, stderr := gramc(t, "", "version")
	want(t, code, exitOK, stdout, stderr)
	if !strings.HasPrefix(stdout, "gramc "+version) {
		t.Errorf("version: %q", stdout)
	}
	code, stdout, stderr = gramc(t, "", "version", "--json")
	want(t, code, exitOK, stdout, stderr)
	var r map[string]any
	decode(t, stdout, &r)
	if r["version"] != version || r["go"] == "" {
		t.Errorf("version --json: %v", r)
	}
}

func TestInputErrors(t *testing.T) {
	bad := writeFile(t, "bad.gbnf", "root ::= \"a\" num\nnum ::= [0-9\n")
	undef := writeFile(t, "undef.gbnf", "root ::= \"a\"\n  | missing\n")
	missing := filepath.Join(t.TempDir(), "missing.gbnf")
	posRE := func(file string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^\S*` + regexp.QuoteMeta(file) + `:\d+:\d+: \S`)
	}
	for _, cmd := range [][]string{
		{"compile"}, {"check", "--input", "-"}, {"verify"}, {"generate"}, {"bench", "--input", "-"},
	} {
		code, stdout, stderr := gramc(t, "{}", append(slices.Clone(cmd), "--grammar", bad)...)
		want(t, code, exitUsage, stdout, stderr)
		if !posRE("bad.gbnf").MatchString(stderr) {
			t.Errorf("%s: syntax error without file:line:col:\n%s", cmd[0], stderr)
		}
		code, stdout, stderr = gramc(t, "{}", append(slices.Clone(cmd), "--grammar", undef)...)
		want(t, code, exitUsage, stdout, stderr)
		if !posRE("undef.gbnf").MatchString(stderr) || !strings.Contains(stderr, "missing") {
			t.Errorf("%s: undefined rule without file:line:col:\n%s", cmd[0], stderr)
		}
		code, stdout, stderr = gramc(t, "{}", append(slices.Clone(cmd), "--grammar", missing)...)
		want(t, code, exitUsage, stdout, stderr)
		if !strings.Contains(stderr, "missing.gbnf") {
			t.Errorf("%s: missing file: %s", cmd[0], stderr)
		}
		code, stdout, stderr = gramc(t, "{}", append(slices.Clone(cmd), "--tokenizer", missing)...)
		want(t, code, exitUsage, stdout, stderr)
	}
	code, stdout, stderr := gramc(t, "", "check", "--input", missing)
	want(t, code, exitUsage, stdout, stderr)
	code, stdout, stderr = gramc(t, "", "bench")
	want(t, code, exitUsage, stdout, stderr)
	code, stdout, stderr = gramc(t, "", "generate", "--max-tokens", "0")
	want(t, code, exitUsage, stdout, stderr)
}

func TestCompile(t *testing.T) {
	code, stdout, stderr := gramc(t, "", "compile")
	want(t, code, exitOK, stdout, stderr)
	for _, s := range []string{"json.gbnf", "automaton states", "byte classes", "eager state masks", "uncertain tokens", "mask memory", "compile time", "logits width"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("compile output lacks %q:\n%s", s, stdout)
		}
	}
	if stderr != "" {
		t.Errorf("stderr is not a terminal but got %q", stderr)
	}
	code, stdout, stderr = gramc(t, "", "compile", "--json", "--grammar", writeFile(t, "tuple.gbnf", tupleGBNF))
	want(t, code, exitOK, stdout, stderr)
	var r map[string]any
	decode(t, stdout, &r)
	for _, k := range []string{"rules", "automaton_rules", "automaton_states", "byte_classes", "token_sets", "eager_masks",
		"uncertain_tokens", "mask_bytes", "precompute_ms", "compile_ms", "vocab"} {
		if _, ok := r[k]; !ok {
			t.Errorf("compile --json lacks %q: %s", k, stdout)
		}
	}
	if r["rules"].(float64) != 2 || r["automaton_states"].(float64) < 3 || r["eager_masks"].(float64) < 1 {
		t.Errorf("compile --json: %s", stdout)
	}
	vocab := r["vocab"].(map[string]any)
	if vocab["size"].(float64) < 256 || vocab["logits_width"].(float64) < vocab["size"].(float64) {
		t.Errorf("vocab: %v", vocab)
	}
}

func TestCheck(t *testing.T) {
	tuple := writeFile(t, "tuple.gbnf", tupleGBNF)
	code, stdout, stderr := gramc(t, "(1, 22,3)", "check", "--grammar", tuple)
	want(t, code, exitOK, stdout, stderr)
	if !strings.HasPrefix(stdout, "match") {
		t.Errorf("stdout %q", stdout)
	}
	code, stdout, stderr = gramc(t, "(1,\n 2x)", "check", "--grammar", tuple)
	want(t, code, exitNo, stdout, stderr)
	if w := "<stdin>:2:3: no match at byte 6: found 'x', expected ')' | ',' | '0'-'9'\n"; stdout != w {
		t.Errorf("stdout %q, want %q", stdout, w)
	}
	code, stdout, stderr = gramc(t, "(1,\n 2x)", "check", "--json", "--grammar", tuple)
	want(t, code, exitNo, stdout, stderr)
	var r struct {
		Match             bool
		Offset, Line, Col int
		Found             string
		Expected          []string
	}
	decode(t, stdout, &r)
	if r.Match || r.Offset != 6 || r.Line != 2 || r.Col != 3 || r.Found != "'x'" || !slices.Equal(r.Expected, []string{"')'", "','", "'0'-'9'"}) {
		t.Errorf("check --json: %+v", r)
	}
	// Incomplete input: the failure is at the end.
	in := writeFile(t, "in.txt", "(12")
	code, stdout, stderr = gramc(t, "", "check", "--json", "--grammar", tuple, "--input", in)
	want(t, code, exitNo, stdout, stderr)
	decode(t, stdout, &r)
	if r.Offset != 3 || r.Found != "end of input" || !slices.Equal(r.Expected, []string{"')'", "','"}) {
		t.Errorf("check --json at end: %+v", r)
	}
	// The embedded JSON grammar: end of input is expected once the root
	// value is complete, whitespace is bounded.
	code, stdout, stderr = gramc(t, "{\"a\": [1, -2.5e3, true, null, \"\\u00e9\"]}\n", "check")
	want(t, code, exitOK, stdout, stderr)
	code, stdout, stderr = gramc(t, "[1]x", "check", "--json")
	want(t, code, exitNo, stdout, stderr)
	decode(t, stdout, &r)
	if r.Offset != 3 || !slices.Contains(r.Expected, "end of input") || !slices.Contains(r.Expected, "' '") {
		t.Errorf("check --json after root: %+v", r)
	}
	code, stdout, stderr = gramc(t, "[1,\n"+strings.Repeat(" ", 21)+"2]", "check")
	want(t, code, exitNo, stdout, stderr)
	code, stdout, stderr = gramc(t, "[1,\n"+strings.Repeat(" ", 20)+"2]", "check")
	want(t, code, exitOK, stdout, stderr)
	code, stdout, stderr = gramc(t, `"just a string"`, "check")
	want(t, code, exitNo, stdout, stderr)
	code, stdout, stderr = gramc(t, "{\"a\":1}", "check", "--json")
	want(t, code, exitOK, stdout, stderr)
	decode(t, stdout, &r)
	if !r.Match || r.Offset != 7 {
		t.Errorf("check --json match: %+v", r)
	}
}

func TestVerify(t *testing.T) {
	tuple := writeFile(t, "tuple.gbnf", tupleGBNF)
	code, stdout, stderr := gramc(t, "", "verify", "--grammar", tuple, "--samples", "4", "--steps", "20")
	want(t, code, exitOK, stdout, stderr)
	if !strings.Contains(stdout, "mismatches      0") || !strings.Contains(stdout, "dead ends       0") {
		t.Errorf("verify:\n%s", stdout)
	}
	code, stdout, stderr = gramc(t, "", "verify", "--json", "--samples", "3", "--steps", "30", "--seed", "7")
	want(t, code, exitOK, stdout, stderr)
	var r struct {
		States        *int   `json:"states"`
		TokensChecked *int64 `json:"tokens_checked"`
		Mismatches    *int   `json:"mismatches"`
		DeadEnds      *int   `json:"dead_ends"`
	}
	decode(t, stdout, &r)
	if r.States == nil || r.TokensChecked == nil || r.Mismatches == nil || r.DeadEnds == nil {
		t.Fatalf("verify --json lacks fields: %s", stdout)
	}
	if *r.States < 3 || *r.TokensChecked < int64(*r.States)*256 || *r.Mismatches != 0 || *r.DeadEnds != 0 {
		t.Errorf("verify --json: %s", stdout)
	}
	code, stdout, stderr = gramc(t, "", "verify", "--samples", "0")
	want(t, code, exitUsage, stdout, stderr)
}

func TestGenerate(t *testing.T) {
	code, stdout, stderr := gramc(t, "", "generate", "-n", "5", "--seed", "1", "--json")
	want(t, code, exitOK, stdout, stderr)
	var texts []string
	decode(t, stdout, &texts)
	if len(texts) != 5 {
		t.Fatalf("%d texts, want 5", len(texts))
	}
	for _, s := range texts {
		if !json.Valid([]byte(s)) {
			t.Errorf("not JSON: %q", s)
		}
		if c := strings.TrimLeft(s, " \t\n"); c == "" || (c[0] != '{' && c[0] != '[') {
			t.Errorf("root is not an object or array: %q", s)
		}
		if code, out, errs := gramc(t, s, "check"); code != exitOK {
			t.Errorf("generated text rejected by check: %q\n%s%s", s, out, errs)
		}
	}
	// Deterministic, and the plain form prints the same texts.
	code, stdout2, stderr := gramc(t, "", "generate", "-n", "5", "--seed", "1")
	want(t, code, exitOK, stdout2, stderr)
	if stdout2 != strings.Join(texts, "\n")+"\n" {
		t.Errorf("plain output differs from --json:\n%s\nvs %q", stdout2, texts)
	}
	code, stdout3, _ := gramc(t, "", "generate", "-n", "5", "--seed", "2", "--json")
	if code != exitOK || stdout3 == stdout {
		t.Errorf("seed 2 gives the same output as seed 1 (exit %d)", code)
	}
	// Long walks are steered to an end within the budget.
	code, stdout, stderr = gramc(t, "", "generate", "-n", "20", "--seed", "3", "--max-tokens", "24", "--json")
	want(t, code, exitOK, stdout, stderr)
	decode(t, stdout, &texts)
	for _, s := range texts {
		if len(s) > 24 || !json.Valid([]byte(s)) {
			t.Errorf("bad text under --max-tokens 24: %q", s)
		}
	}
	// A budget too small for any output fails after the retries.
	code, stdout, stderr = gramc(t, "", "generate", "--max-tokens", "1")
	want(t, code, exitNo, stdout, stderr)
	if !strings.Contains(stderr, "token limit") {
		t.Errorf("stderr: %q", stderr)
	}
	// Another grammar.
	tuple := writeFile(t, "tuple.gbnf", tupleGBNF)
	code, stdout, stderr = gramc(t, "", "generate", "--grammar", tuple, "-n", "10", "--json")
	want(t, code, exitOK, stdout, stderr)
	decode(t, stdout, &texts)
	re := regexp.MustCompile(`^\((\d|[1-9]\d)(,[ \n]*(\d|[1-9]\d))*\)$`)
	for _, s := range texts {
		if !re.MatchString(s) {
			t.Errorf("tuple grammar generated %q", s)
		}
	}
	code, stdout, stderr = gramc(t, "", "generate", "-n", "0", "--json")
	want(t, code, exitOK, stdout, stderr)
	if strings.TrimSpace(stdout) != "[]" {
		t.Errorf("-n 0 --json: %q", stdout)
	}
}

func TestBenchInput(t *testing.T) {
	text := "{\"name\": \"gramc\", \"tags\": [\"a\", \"b\"], \"n\": 12}\n"
	in := writeFile(t, "in.json", text)
	prof := filepath.Join(t.TempDir(), "cpu.pprof")
	code, stdout, stderr := gramc(t, "", "bench", "--input", in, "--json", "--cpuprofile", prof)
	want(t, code, exitOK, stdout, stderr)
	var r struct {
		CompileMS *float64           `json:"compile_ms"`
		Masks     int                `json:"masks"`
		Tokens    int                `json:"tokens"`
		Instances int                `json:"instances"`
		Rejected  int                `json:"rejected"`
		MaskUS    map[string]float64 `json:"mask_us"`
	}
	decode(t, stdout, &r)
	// Byte-level vocabulary: one token per byte, one mask per token + EOS.
	if r.CompileMS == nil || r.Tokens != len(text) || r.Masks != len(text)+1 || r.Instances != 1 || r.Rejected != 0 {
		t.Errorf("bench --json: %s", stdout)
	}
	for _, k := range []string{"p50", "p90", "p99", "max", "mean"} {
		if _, ok := r.MaskUS[k]; !ok {
			t.Errorf("mask_us lacks %s: %s", k, stdout)
		}
	}
	if r.MaskUS["p50"] > r.MaskUS["p99"] || r.MaskUS["p99"] > r.MaskUS["max"] {
		t.Errorf("percentiles out of order: %v", r.MaskUS)
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Errorf("no CPU profile: %v", err)
	}
	code, stdout, stderr = gramc(t, "", "bench", "--input", in)
	want(t, code, exitOK, stdout, stderr)
	if !strings.Contains(stdout, "p50") || !strings.Contains(stdout, fmt.Sprintf("masks       %d", len(text)+1)) {
		t.Errorf("bench:\n%s", stdout)
	}
	// A text the grammar rejects.
	code, stdout, stderr = gramc(t, "[1,]", "bench", "--input", "-")
	want(t, code, exitNo, stdout, stderr)
	if !strings.Contains(stderr, "<stdin>:1:4: no match at byte 3: found ']'") {
		t.Errorf("stderr: %q", stderr)
	}
	code, stdout, stderr = gramc(t, "", "bench", "--input", in, "--jsonschemabench", t.TempDir())
	want(t, code, exitUsage, stdout, stderr)
}

func TestBenchJSONSchemaBench(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "Sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "Sub", "a.json"), []byte(`{"schema": {"type": "object"}, "tests": [
		{"data": {"z": 1.50, "a": [true, null, {}], "m": "x\"y"}, "valid": true},
		{"data": {"z": "wrong"}, "valid": false},
		{"data": "a scalar root", "valid": true}
	]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "b.json"), []byte(`{"schema": true, "tests": []}`), 0o644)
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`[{"file": "Sub/a.json"}]`), 0o644)
	code, stdout, stderr := gramc(t, "", "bench", "--jsonschemabench", dir, "--json")
	want(t, code, exitOK, stdout, stderr)
	var r struct {
		Masks, Tokens, Instances, Rejected, Files int
	}
	decode(t, stdout, &r)
	compact := `{"z":1.50,"a":[true,null,{}],"m":"x\"y"}`
	pretty := "{\n  \"z\": 1.50,\n  \"a\": [\n    true,\n    null,\n    {}\n  ],\n  \"m\": \"x\\\"y\"\n}"
	if r.Files != 2 || r.Instances != 2 || r.Rejected != 2 || r.Tokens != len(compact)+len(pretty) || r.Masks != r.Tokens+2 {
		t.Errorf("bench --jsonschemabench: %+v (want tokens %d)", r, len(compact)+len(pretty))
	}
}

func TestOrderedJSON(t *testing.T) {
	src := `{"b": [1, 2.50, -3e+2], "a": {"y": null, "x": "é\u0001\\/<>"}, "e": [], "o": {}}`
	v, err := parseOrdered([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	wantCompact := `{"b":[1,2.50,-3e+2],"a":{"y":null,"x":"é\u0001\\/<>"},"e":[],"o":{}}`
	if got := v.compact(); got != wantCompact {
		t.Errorf("compact:\n%s\nwant\n%s", got, wantCompact)
	}
	var ind bytes.Buffer
	json.Indent(&ind, []byte(wantCompact), "", "  ")
	if got := v.indent(); got != ind.String() {
		t.Errorf("indent:\n%s\nwant\n%s", got, ind.String())
	}
	for _, bad := range []string{`{"a":}`, `[1] 2`, ``} {
		if _, err := parseOrdered([]byte(bad)); err == nil {
			t.Errorf("parseOrdered(%q) succeeded", bad)
		}
	}
}

func mustProgram(t *testing.T, src string) *automaton.Program {
	t.Helper()
	g, err := ebnf.Parse("test.gbnf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile.Compile(g, nil, compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestByteRanges(t *testing.T) {
	r := matchText(mustProgram(t, `root ::= [a-cx'\\] | "\n" | [\x80-\xff]`), []byte("?"))
	want := []string{`'\n'`, `'\''`, `'\\'`, `'a'-'c'`, `'x'`, `'\xc2'-'\xc3'`}
	if r.Match || r.Found != "'?'" || r.Offset != 0 || r.Line != 1 || r.Col != 1 || !slices.Equal(r.Expected, want) {
		t.Errorf("%+v, want expected %q", r, want)
	}
	if got := quoteByte(0); got != `'\x00'` {
		t.Errorf("quoteByte(0) = %s", got)
	}
}

// TestShared runs the commands on a real tokenizer when ../shared exists.
func TestShared(t *testing.T) {
	dir, ok := shared.SharedDir()
	if !ok {
		t.Skip("shared corpora not found")
	}
	tok := filepath.Join(dir, "vocab", "llama3_1")
	if _, err := os.Stat(tok); err != nil {
		t.Skip("no llama3_1 vocabulary")
	}
	if testing.Short() {
		t.Skip("short")
	}
	code, stdout, stderr := gramc(t, "", "generate", "--tokenizer", tok, "-n", "3", "--seed", "5", "--max-tokens", "64", "--json")
	want(t, code, exitOK, stdout, stderr)
	var texts []string
	decode(t, stdout, &texts)
	for _, s := range texts {
		if !json.Valid([]byte(s)) {
			t.Errorf("not JSON: %q", s)
		}
	}
	in := writeFile(t, "in.json", `{"name": "gramc", "tags": ["a", "b"], "n": 12}`)
	code, stdout, stderr = gramc(t, "", "bench", "--tokenizer", tok, "--input", in, "--json")
	want(t, code, exitOK, stdout, stderr)
	var r struct{ Masks, Tokens int }
	decode(t, stdout, &r)
	if r.Tokens == 0 || r.Tokens > 30 || r.Masks != r.Tokens+1 {
		t.Errorf("bench with llama3_1: %s", stdout)
	}
	bench := filepath.Join(dir, "corpora", "jsonschemabench", "Handwritten")
	if _, err := os.Stat(bench); err != nil {
		return
	}
	code, stdout, stderr = gramc(t, "", "bench", "--tokenizer", tok, "--jsonschemabench", bench, "--json")
	want(t, code, exitOK, stdout, stderr)
	var b struct{ Masks, Tokens, Instances, Files int }
	decode(t, stdout, &b)
	if b.Files == 0 || b.Instances == 0 || b.Masks != b.Tokens+b.Instances {
		t.Errorf("bench --jsonschemabench Handwritten: %s", stdout)
	}
}
