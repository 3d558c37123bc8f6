package conformance

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/baseline.json from this run")

const baselineFile = "testdata/baseline.json"

// Baseline is the ratchet: per draft and file, the groups that passed.
type Baseline struct {
	Comment  string                          `json:"comment"`
	Headline map[string]float64              `json:"headline"`
	Files    map[string]map[string]FileScore `json:"files"` // draft -> file -> score
}

// FileScore is one file's score in the baseline.
type FileScore struct {
	Groups       int `json:"groups"`
	GroupsPassed int `json:"groups_passed"`
}

// TestSuite runs the JSON-Schema-Test-Suite (drafts 2020-12 and v1, every
// category; all drafts with GRAMC_CONFORMANCE_ALL=1) and fails on any false positive and on any file whose score
// drops below the baseline. go test -run TestSuite -update rewrites the
// baseline.
func TestSuite(t *testing.T) {
	if _, ok := DefaultSuite(); !ok {
		t.Skip("JSON-Schema-Test-Suite not found (../shared/corpora)")
	}
	drafts := []string{"draft2020-12", "v1"}
	if *update || os.Getenv("GRAMC_CONFORMANCE_ALL") != "" {
		drafts = Drafts
	}
	rep, err := Run(Options{Drafts: drafts, NoOracle: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Files {
		for _, g := range f.Cases {
			for _, x := range g.Tests {
				if x.Accepted && !x.Valid {
					t.Errorf("false positive: %s/%s: %q: %q accepted", f.Draft, f.File, g.Description, x.Description)
				}
			}
			if g.Status == StatusError {
				t.Logf("%s/%s: %q: %s", f.Draft, f.File, g.Description, g.Error)
			}
		}
	}
	for _, d := range drafts {
		s := rep.Headline(d)
		t.Logf("%s: headline %.3f over %d files (%d at 1.00), instances %d/%d, false positives %d",
			d, s.Mean, s.Files, s.Perfect, s.Passed, s.Tests, s.FalsePositives)
	}
	if *update {
		b := Baseline{
			Comment:  "written by: go test ./conformance -run TestSuite -update; the test fails when a file's groups_passed drops",
			Headline: map[string]float64{},
			Files:    map[string]map[string]FileScore{},
		}
		for _, d := range drafts {
			b.Headline[d] = round3(rep.Headline(d).Mean)
		}
		for _, f := range rep.Files {
			if b.Files[f.Draft] == nil {
				b.Files[f.Draft] = map[string]FileScore{}
			}
			b.Files[f.Draft][f.File] = FileScore{Groups: f.Groups, GroupsPassed: f.GroupsPassed}
		}
		out, _ := json.MarshalIndent(b, "", "  ")
		if err := os.MkdirAll(filepath.Dir(baselineFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(baselineFile, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(baselineFile)
	if err != nil {
		t.Fatalf("no baseline (run with -update): %v", err)
	}
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	var regressions []string
	for _, f := range rep.Files {
		want, ok := b.Files[f.Draft][f.File]
		if !ok {
			continue
		}
		if f.GroupsPassed < want.GroupsPassed {
			regressions = append(regressions, f.Draft+"/"+f.File)
			t.Errorf("%s/%s: %d/%d groups pass, the baseline is %d/%d", f.Draft, f.File, f.GroupsPassed, f.Groups, want.GroupsPassed, want.Groups)
		} else if f.GroupsPassed > want.GroupsPassed {
			t.Logf("%s/%s improved: %d/%d groups (baseline %d); run with -update to ratchet", f.Draft, f.File, f.GroupsPassed, f.Groups, want.GroupsPassed)
		}
	}
	sort.Strings(regressions)
	if len(regressions) > 0 {
		t.Logf("regressions: %s", strings.Join(regressions, ", "))
	}
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }
