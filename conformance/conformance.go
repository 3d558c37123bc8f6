// Package conformance runs the official JSON-Schema-Test-Suite through
// gramc's JSON Schema compiler (package grammar/jsonschema) and the
// byte-level recognizer, and scores it the JSONSchemaBench way.
//
// For every test case (a schema and its instances) the schema is compiled
// strictly. If it compiles, every instance's compact JSON text (json.Compact
// of the data as written: key order and number spellings kept) must be
// accepted by the grammar exactly when the suite says it is valid. A group
// passes when its schema compiles and every instance is classified right;
// a file's score is the fraction of its groups that pass. An accepted
// invalid instance is a false positive: the compiler promised exactness,
// so any false positive is a bug.
//
// A schema the compiler proves unsatisfiable (jsonschema.ErrUnsatisfiable,
// e.g. the schema false) counts as compiled to the empty language: every
// instance is rejected.
package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/jsonschema"
	"github.com/gramc/gramc/internal/shared"
	gramcrt "github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// Drafts are the suite's dialect folders that the compiler supports, in
// report order.
var Drafts = []string{"draft4", "draft6", "draft7", "draft2019-09", "draft2020-12", "v1"}

// Excluded are the top-level files left out of the headline score (as in
// JSONSchemaBench): format is an annotation there, refRemote needs
// remotes, vocabulary needs custom meta-schemas.
var Excluded = []string{"format.json", "refRemote.json", "vocabulary.json"}

// Category of a test file.
const (
	Required = "required"        // tests/<draft>/*.json
	Optional = "optional"        // tests/<draft>/optional/*.json
	Format   = "optional/format" // tests/<draft>/optional/format/*.json, tests/v1/format/*.json (format asserted)
)

// Options configure a run.
type Options struct {
	// Suite is the JSON-Schema-Test-Suite folder (with tests/ and
	// remotes/). Default: <shared>/corpora/JSON-Schema-Test-Suite.
	Suite string
	// Drafts to run (folder names such as "draft2020-12", or "2020-12",
	// "7"...). Default: all of Drafts.
	Drafts []string
	// Categories to run (Required, Optional, Format). Default: all.
	Categories []string
	// Whitespace policy of the compiled grammars (instances are compact).
	Whitespace jsonschema.Whitespace
	// NoOracle skips the cross-check with santhosh-tekuri's validator.
	NoOracle bool
	// Parallel is the number of groups compiled at once (default
	// GOMAXPROCS).
	Parallel int
	// Files restricts the run to these file names (e.g. "type.json").
	Files []string
	// Vocab, when set, runs every instance through the Matcher token by
	// token (tokenized with the vocabulary's encoder): FillMask before each
	// token, the token must be allowed and accepted, and EOS allowed at the
	// end. The byte-level recognizer must agree; a disagreement is an error.
	Vocab *vocab.Vocabulary
}

// Test is the outcome of one instance.
type Test struct {
	Description string `json:"description"`
	Valid       bool   `json:"valid"`    // the suite's answer
	Accepted    bool   `json:"accepted"` // the grammar's answer
	// Oracle is santhosh-tekuri's answer ("" when not run or it failed).
	Oracle string `json:"oracle,omitempty"`
}

// Group statuses.
const (
	StatusPass        = "pass"        // compiled, every instance right
	StatusFail        = "fail"        // compiled, some instance wrong
	StatusRefused     = "refused"     // ErrUnsupported
	StatusError       = "error"       // another compile error (size limit, bad schema)
	StatusUnsatisfied = "unsatisfied" // proven empty; counted as compiled
)

// Group is the outcome of one test case.
type Group struct {
	Description string `json:"description"`
	Status      string `json:"status"`
	Error       string `json:"error,omitempty"`
	Tests       []Test `json:"tests"`
}

// File is the outcome of one test file.
type File struct {
	Draft          string   `json:"draft"`
	File           string   `json:"file"`               // path below the draft folder, e.g. "optional/bignum.json"
	Category       string   `json:"category"`           // Required, Optional or Format
	Optional       bool     `json:"optional"`           // Category != Required
	Scored         bool     `json:"scored"`             // counts in the headline
	Groups         int      `json:"groups"`             // test cases
	GroupsPassed   int      `json:"groups_passed"`      // cases compiled with every instance right
	Tests          int      `json:"tests"`              // instances
	Passed         int      `json:"passed"`             // instances classified right (in compiled groups)
	FalsePositives int      `json:"false_positives"`    // invalid instances accepted
	FalseNegatives int      `json:"false_negatives"`    // valid instances rejected
	Refused        int      `json:"refused"`            // groups refused (ErrUnsupported)
	Errors         int      `json:"errors"`             // groups that failed to compile otherwise
	Unsatisfiable  int      `json:"unsatisfiable"`      // groups proven empty
	OracleDiffers  int      `json:"oracle_disagrees"`   // instances where the validator disagrees with the suite
	Score          float64  `json:"score"`              // GroupsPassed / Groups
	Cases          []Group  `json:"cases,omitempty"`    // per group details
	Reasons        []string `json:"refusals,omitempty"` // distinct refusal keywords
}

// Report is a whole run.
type Report struct {
	Files []*File `json:"files"`
}

// Summary aggregates files.
type Summary struct {
	Files, Groups, GroupsPassed, Tests, Passed, FalsePositives, FalseNegatives, Refused, Errors, Unsatisfiable, OracleDiffers int
	// Mean is the unweighted mean of the file scores.
	Mean float64
	// Perfect counts files with score 1.
	Perfect int
}

// Summarize aggregates the files for which keep returns true.
func (r *Report) Summarize(keep func(*File) bool) Summary {
	var s Summary
	sum := 0.0
	for _, f := range r.Files {
		if !keep(f) {
			continue
		}
		s.Files++
		s.Groups += f.Groups
		s.GroupsPassed += f.GroupsPassed
		s.Tests += f.Tests
		s.Passed += f.Passed
		s.FalsePositives += f.FalsePositives
		s.FalseNegatives += f.FalseNegatives
		s.Refused += f.Refused
		s.Errors += f.Errors
		s.Unsatisfiable += f.Unsatisfiable
		s.OracleDiffers += f.OracleDiffers
		sum += f.Score
		if f.Score == 1 {
			s.Perfect++
		}
	}
	if s.Files > 0 {
		s.Mean = sum / float64(s.Files)
	}
	return s
}

// Headline is the JSONSchemaBench score of a draft: the mean over the
// scored top-level files.
func (r *Report) Headline(draft string) Summary {
	return r.Summarize(func(f *File) bool { return f.Draft == draft && f.Scored })
}

// FalsePositives is the total number of accepted invalid instances.
func (r *Report) FalsePositives() int {
	n := 0
	for _, f := range r.Files {
		n += f.FalsePositives
	}
	return n
}

// DefaultSuite locates the suite in the shared corpora.
func DefaultSuite() (string, bool) {
	dir, ok := shared.SharedDir()
	if !ok {
		return "", false
	}
	p := filepath.Join(dir, "corpora", "JSON-Schema-Test-Suite")
	if fi, err := os.Stat(filepath.Join(p, "tests")); err != nil || !fi.IsDir() {
		return "", false
	}
	return p, true
}

// DraftDir maps "2020-12", "draft2020-12", "7", "draft-07", "v1"... to
// the suite folder name.
func DraftDir(name string) (string, error) {
	d, err := jsonschema.ParseDraft(name)
	if err != nil {
		return "", err
	}
	if d == "v1" {
		return "v1", nil
	}
	return "draft" + d, nil
}

// categoryDir is the folder of a category below a draft's folder: v1 keeps
// its format tests in format/ (format is an annotation by default there
// too; optional/format-annotation.json checks that).
func categoryDir(draft, cat string) string {
	switch cat {
	case Optional:
		return "optional"
	case Format:
		if draft == "v1" {
			return "format"
		}
		return "optional/format"
	}
	return ""
}

// Remotes loads the suite's remotes/ folder as http://localhost:1234/...
func Remotes(suite string) (map[string][]byte, error) {
	root := filepath.Join(suite, "remotes")
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out["http://localhost:1234/"+filepath.ToSlash(rel)] = b
		return nil
	})
	return out, err
}

type testCase struct {
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Tests       []struct {
		Description string          `json:"description"`
		Data        json.RawMessage `json:"data"`
		Valid       bool            `json:"valid"`
	} `json:"tests"`
}

// Run runs the suite.
func Run(opts Options) (*Report, error) {
	if opts.Suite == "" {
		s, ok := DefaultSuite()
		if !ok {
			return nil, errors.New("conformance: the JSON-Schema-Test-Suite was not found (set --suite or GRAMC_SHARED)")
		}
		opts.Suite = s
	}
	drafts := Drafts
	if len(opts.Drafts) > 0 {
		drafts = nil
		for _, d := range opts.Drafts {
			dd, err := DraftDir(d)
			if err != nil {
				return nil, err
			}
			drafts = append(drafts, dd)
		}
	}
	cats := opts.Categories
	if len(cats) == 0 {
		cats = []string{Required, Optional, Format}
	}
	if opts.Parallel <= 0 {
		opts.Parallel = runtime.GOMAXPROCS(0)
	}
	remotes, err := Remotes(opts.Suite)
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	rep := &Report{}
	type job struct {
		f    *File
		i    int
		tc   *testCase
		opts jsonschema.Options
	}
	var jobs []job
	for _, d := range drafts {
		for _, cat := range cats {
			sub := categoryDir(d, cat)
			dir := filepath.Join(opts.Suite, "tests", d, filepath.FromSlash(sub))
			ents, err := os.ReadDir(dir)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return nil, err
			}
			for _, e := range ents {
				if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
					continue
				}
				if len(opts.Files) > 0 && !slices.Contains(opts.Files, e.Name()) {
					continue
				}
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					return nil, err
				}
				var tcs []*testCase
				if err := json.Unmarshal(b, &tcs); err != nil {
					return nil, fmt.Errorf("conformance: %s: %w", e.Name(), err)
				}
				name := e.Name()
				if sub != "" {
					name = sub + "/" + name
				}
				f := &File{Draft: d, File: name, Category: cat, Optional: cat != Required,
					Scored: cat == Required && !slices.Contains(Excluded, e.Name()), Cases: make([]Group, len(tcs))}
				rep.Files = append(rep.Files, f)
				jo := jsonschema.Options{Draft: strings.TrimPrefix(d, "draft"), Whitespace: opts.Whitespace,
					AssertFormat: cat == Format, Remotes: remotes}
				for i, tc := range tcs {
					jobs = append(jobs, job{f, i, tc, jo})
				}
			}
		}
	}
	var wg sync.WaitGroup
	ch := make(chan job)
	for range opts.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				j.f.Cases[j.i] = runCase(j.tc, j.opts, !opts.NoOracle, opts.Vocab)
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	for _, f := range rep.Files {
		tally(f)
	}
	sort.SliceStable(rep.Files, func(i, j int) bool {
		a, b := rep.Files[i], rep.Files[j]
		if a.Draft != b.Draft {
			return slices.Index(Drafts, a.Draft) < slices.Index(Drafts, b.Draft)
		}
		if a.Category != b.Category {
			order := []string{Required, Optional, Format}
			return slices.Index(order, a.Category) < slices.Index(order, b.Category)
		}
		return a.File < b.File
	})
	return rep, nil
}

func tally(f *File) {
	reasons := map[string]bool{}
	for _, g := range f.Cases {
		f.Groups++
		f.Tests += len(g.Tests)
		switch g.Status {
		case StatusRefused:
			f.Refused++
			reasons[g.Error] = true
			continue
		case StatusError:
			f.Errors++
			reasons[g.Error] = true
			continue
		case StatusUnsatisfied:
			f.Unsatisfiable++
		}
		ok := true
		for _, t := range g.Tests {
			switch {
			case t.Accepted == t.Valid:
				f.Passed++
			case t.Accepted:
				f.FalsePositives++
				ok = false
			default:
				f.FalseNegatives++
				ok = false
			}
			if t.Oracle != "" && (t.Oracle == "valid") != t.Valid {
				f.OracleDiffers++
			}
		}
		if ok {
			f.GroupsPassed++
		}
	}
	if f.Groups > 0 {
		f.Score = float64(f.GroupsPassed) / float64(f.Groups)
	}
	for r := range reasons {
		f.Reasons = append(f.Reasons, r)
	}
	sort.Strings(f.Reasons)
}

// runCase compiles one test case and classifies its instances.
func runCase(tc *testCase, opts jsonschema.Options, oracle bool, v *vocab.Vocabulary) (g Group) {
	g.Description = tc.Description
	texts := make([][]byte, len(tc.Tests))
	for i, t := range tc.Tests {
		var b bytes.Buffer
		if err := json.Compact(&b, t.Data); err != nil {
			b.Reset()
			b.Write(t.Data)
		}
		texts[i] = b.Bytes()
		g.Tests = append(g.Tests, Test{Description: t.Description, Valid: t.Valid})
	}
	if oracle {
		if v, err := jsonschema.NewValidator(tc.Schema, opts); err == nil {
			for i := range tc.Tests {
				if ok, err := v.Valid(texts[i]); err == nil {
					g.Tests[i].Oracle = map[bool]string{true: "valid", false: "invalid"}[ok]
				}
			}
		}
	}
	defer func() {
		if r := recover(); r != nil {
			g.Status, g.Error = StatusError, fmt.Sprintf("panic: %v", r)
			for i := range g.Tests {
				g.Tests[i].Accepted = false
			}
		}
	}()
	gr, err := jsonschema.Compile(tc.Schema, opts)
	switch {
	case errors.Is(err, jsonschema.ErrUnsatisfiable):
		g.Status = StatusUnsatisfied
		return g
	case errors.Is(err, jsonschema.ErrUnsupported):
		g.Status, g.Error = StatusRefused, refusal(err)
		return g
	case err != nil:
		g.Status, g.Error = StatusError, err.Error()
		return g
	}
	var resolver compile.TokenResolver
	if v != nil {
		resolver = v
	}
	p, err := compile.Compile(gr, resolver, compile.Options{})
	if err != nil {
		g.Status, g.Error = StatusError, "compile: "+err.Error()
		return g
	}
	var rc *gramcrt.Compiled
	if v != nil {
		rc = gramcrt.New(p, v)
	}
	g.Status = StatusPass
	for i := range tc.Tests {
		acc := Accepts(p, texts[i])
		if rc != nil {
			tokAcc, err := AcceptsTokens(rc, texts[i])
			if err != nil || tokAcc != acc {
				g.Status, g.Error = StatusError, fmt.Sprintf("instance %d: token-level %v, byte-level %v (%v)", i, tokAcc, acc, err)
				return g
			}
		}
		if opts.Whitespace == jsonschema.Flexible {
			// Also the pretty-printed text: an instance counts as
			// accepted if either form is (a false positive), as
			// rejected only if both are.
			var pretty bytes.Buffer
			if json.Indent(&pretty, texts[i], " ", "\t") == nil {
				pacc := Accepts(p, append(append([]byte("\n "), pretty.Bytes()...), '\n'))
				if pacc != acc {
					acc = !g.Tests[i].Valid // the two forms disagree: count it wrong
				}
			}
		}
		g.Tests[i].Accepted = acc
		if acc != g.Tests[i].Valid {
			g.Status = StatusFail
		}
	}
	return g
}

// refusal is the keyword and reason of an unsupported error.
func refusal(err error) string {
	var ue *jsonschema.UnsupportedError
	if errors.As(err, &ue) {
		return ue.Keyword + ": " + ue.Reason
	}
	return err.Error()
}

// AcceptsTokens replays text through a Matcher token by token: the text is
// tokenized with the vocabulary's encoder, FillMask runs before every
// token, which must be allowed and accepted, and EOS must be allowed at
// the end.
func AcceptsTokens(c *gramcrt.Compiled, text []byte) (bool, error) {
	ids, err := c.Vocab.Encode(string(text))
	if err != nil {
		return false, err
	}
	m, k := c.NewMatcher(), c.NewMask()
	for _, t := range ids {
		m.FillMask(k)
		if !k.Has(t) {
			return false, nil
		}
		if err := m.Accept(t); err != nil {
			return false, fmt.Errorf("token %d allowed by the mask but refused: %w", t, err)
		}
	}
	m.FillMask(k)
	eos := k.Has(c.Vocab.EOS()[0])
	if eos != m.CanStop() {
		return false, fmt.Errorf("EOS allowed %v but CanStop %v", eos, m.CanStop())
	}
	return eos, nil
}

// Accepts runs the byte-level recognizer over text.
func Accepts(p *automaton.Program, text []byte) bool {
	ps := automaton.NewParser(p)
	for _, b := range text {
		if !ps.Push(b) {
			return false
		}
	}
	return ps.CanStop()
}
