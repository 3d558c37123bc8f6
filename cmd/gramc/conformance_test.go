package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// miniSuite writes a JSON-Schema-Test-Suite layout with one file; its last
// instance is labelled invalid although it is valid when wrong is set (so
// the compiler's correct answer counts as a false positive).
func miniSuite(t *testing.T, wrong bool) string {
	t.Helper()
	dir := t.TempDir()
	label := "true"
	if wrong {
		label = "false"
	}
	files := map[string]string{
		"tests/draft2020-12/minimum.json": `[
  {"description": "minimum", "schema": {"minimum": 2},
   "tests": [
     {"description": "below", "data": 1, "valid": false},
     {"description": "above", "data": 3, "valid": ` + label + `}]},
  {"description": "remote ref", "schema": {"$ref": "http://localhost:1234/int.json"},
   "tests": [
     {"description": "integer", "data": 1, "valid": true},
     {"description": "string", "data": "x", "valid": false}]},
  {"description": "refused", "schema": {"type": "array", "uniqueItems": true},
   "tests": [{"description": "dup", "data": [1, 1], "valid": false}]}
]`,
		"remotes/int.json": `{"type": "integer"}`,
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestConformance(t *testing.T) {
	suite := miniSuite(t, false)
	code, stdout, stderr := gramc(t, "", "conformance", "--suite", suite, "--draft", "2020-12", "--json")
	want(t, code, exitOK, stdout, stderr)
	var files []struct {
		Draft          string  `json:"draft"`
		File           string  `json:"file"`
		Optional       bool    `json:"optional"`
		Groups         int     `json:"groups"`
		GroupsPassed   int     `json:"groups_passed"`
		Tests          int     `json:"tests"`
		Passed         int     `json:"passed"`
		FalsePositives int     `json:"false_positives"`
		FalseNegatives int     `json:"false_negatives"`
		Refused        int     `json:"refused"`
		Score          float64 `json:"score"`
	}
	decode(t, stdout, &files)
	if len(files) != 1 {
		t.Fatalf("%d files", len(files))
	}
	f := files[0]
	if f.Draft != "draft2020-12" || f.File != "minimum.json" || f.Optional || f.Groups != 3 || f.GroupsPassed != 2 ||
		f.Tests != 5 || f.Passed != 4 || f.Refused != 1 || f.FalsePositives != 0 {
		t.Errorf("unexpected report %+v", f)
	}

	code, stdout, stderr = gramc(t, "", "conformance", "--suite", suite)
	want(t, code, exitOK, stdout, stderr)
	if !strings.Contains(stdout, "| draft2020-12 | headline") || !strings.Contains(stdout, "minimum.json | 0.67") {
		t.Errorf("table:\n%s", stdout)
	}
}

func TestConformanceFalsePositive(t *testing.T) {
	code, stdout, stderr := gramc(t, "", "conformance", "--suite", miniSuite(t, true), "--draft", "draft2020-12")
	want(t, code, exitNo, stdout, stderr)
	if !strings.Contains(stdout, "1 false positives") {
		t.Errorf("stdout:\n%s", stdout)
	}
}

func TestConformanceUsage(t *testing.T) {
	code, stdout, stderr := gramc(t, "", "conformance", "--draft", "5")
	want(t, code, exitUsage, stdout, stderr)
	code, stdout, stderr = gramc(t, "", "conformance", "--category", "nope")
	want(t, code, exitUsage, stdout, stderr)
	code, stdout, stderr = gramc(t, "", "conformance", "--suite", t.TempDir()+"/missing", "--draft", "7")
	if code != exitOK && code != exitUsage {
		t.Errorf("missing suite: exit %d\n%s%s", code, stdout, stderr)
	}
}
