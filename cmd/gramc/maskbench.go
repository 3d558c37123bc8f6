package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/jsonschema"
	"github.com/gramc/gramc/internal/replay"
	"github.com/gramc/gramc/internal/shared"
	"github.com/gramc/gramc/mask"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// maskbenchReport is the --json output of `gramc bench maskbench`; scripts
// rely on these names.
type maskbenchReport struct {
	Corpus               string             `json:"corpus"`
	Vocab                vocabInfo          `json:"vocab"`
	Schemas              int                `json:"schemas"`
	Compiled             int                `json:"compiled"`
	Refused              int                `json:"refused"`
	Passing              int                `json:"passing"`
	ValidAccepted        int                `json:"valid_accepted"`
	ValidRejected        int                `json:"valid_rejected"`
	InvalidRejected      int                `json:"invalid_rejected"`
	InvalidAccepted      int                `json:"invalid_accepted"`
	Stuck                int                `json:"stuck"`
	Timeouts             int                `json:"timeouts"`
	Skipped              []string           `json:"skipped_files,omitempty"`
	Masks                int                `json:"masks"`
	MaskUS               replay.Summary     `json:"mask_us"`
	TTFMms               map[string]float64 `json:"ttfm_ms"`
	PeakRSSMB            float64            `json:"peak_rss_mb"`
	WallSeconds          float64            `json:"wall_s"`
	InvalidAcceptedFiles []string           `json:"invalid_accepted_files,omitempty"`
	// Jump-forward: tokens of valid instances that the grammar forced
	// (Matcher.ForcedTokens returned them before they were sampled).
	Tokens       int     `json:"tokens"`
	ForcedTokens int     `json:"forced_tokens"`
	ForcedShare  float64 `json:"forced_share"`
	// State masks computed on first visit during the replays, the time
	// they took, and the masks slower than 1 ms.
	StateMasks  int     `json:"state_masks_computed"`
	StateMaskMS float64 `json:"state_mask_compute_ms"`
	// StateMaskPaths: how the first visits were computed (mask.Path:
	// "slice", "callee", "trie"); "trie" counts the fallbacks to the
	// general, bounded walk of the whole token trie.
	StateMaskPaths map[string]int `json:"state_mask_paths"`
	// StateMaskPathMS: their compute time by path.
	StateMaskPathMS map[string]float64 `json:"state_mask_path_ms"`
	// ParserWalks: state masks whose trie walk left direct mode for the
	// Earley parser somewhere (mask.Stats.ParserWalks).
	ParserWalks  int `json:"state_masks_parser_walks"`
	MasksOver1ms int `json:"masks_over_1ms"`
	// Subsets: the same report for each subset folder, when --corpus
	// names the whole corpus.
	Subsets map[string]*maskbenchReport `json:"subsets,omitempty"`
}

// schemaResult is one schema's outcome.
type schemaResult struct {
	file                          string
	compiled, refused, timeout    bool
	ttfm                          time.Duration
	masks                         []time.Duration
	validAcc, validRej            int
	invalidRej, invalidAcc, stuck int
	skipped, unsupported          bool
	tokens, forced                int
	maskStats                     mask.Stats // the table's state masks computed during the replays
}

func runMaskBench(e *env, args []string) int {
	f := newFlags("bench maskbench", "[--corpus DIR] [--tokenizer PATH] [--threads N] [--limit N] [--stride K] [--timeout D] [--cpuprofile FILE] [--json]", `
MaskBench: compile every JSONSchemaBench schema (one JSON file per schema with
"schema" and "tests") with the JSON Schema compiler (compact JSON), then replay
each test instance's compact serialization, tokenized with the vocabulary's
BPE encoder: FillMask is timed before every token, then the token is
accepted if the mask allows it. A valid instance must be accepted to the end
with EOS allowed; an invalid one must be rejected at some token or at EOS.
Time to first mask (TTFM) is the compile plus the first FillMask.

A schema the compiler refuses (exact or loud) counts as refused, not passing.
"passing" = compiled and every instance classified right. invalid_accepted
must be 0. stuck counts states where nothing, not even EOS, is allowed.`)
	corpus := f.String("corpus", "", "JSONSchemaBench `dir` (a subset folder or the whole corpus; default ../shared/corpora/jsonschemabench)")
	f.tokenizerFlag()
	threads := f.Int("threads", 1, "schemas compiled and replayed in parallel (each mask is timed on one thread)")
	limit := f.Int("limit", 0, "read at most `N` schema files (0 = all)")
	stride := f.Int("stride", 1, "take every `K`-th schema file of each subset folder (a sample that covers every subset)")
	timeout := f.Duration("timeout", 30*time.Second, "per-schema compile limit; beyond it the schema counts as a timeout")
	cpuprofile := f.String("cpuprofile", "", "write a CPU profile of the whole run to `file`")
	if code, ok := f.parse(e, args); !ok {
		return code
	}
	stop, err := startCPUProfile(*cpuprofile)
	if err != nil {
		return e.fail("bench maskbench", exitUsage, err)
	}
	defer stop()
	dir := *corpus
	if dir == "" || f.tokenizer == "" {
		sh, ok := shared.SharedDir()
		if !ok {
			return e.errorf(exitUsage, "gramc bench maskbench: --corpus and --tokenizer are required when ../shared is absent")
		}
		if dir == "" {
			dir = filepath.Join(sh, "corpora", "jsonschemabench")
		}
		if f.tokenizer == "" {
			f.tokenizer = filepath.Join(sh, "vocab", "llama3_1")
		}
	}
	v, err := vocab.Load(f.tokenizer)
	if err != nil {
		return e.fail("bench maskbench", exitUsage, err)
	}
	if !v.CanEncode() {
		return e.errorf(exitUsage, "gramc bench maskbench: %s has no BPE encoder", f.tokenizer)
	}
	files, err := jsonFiles(dir)
	if err != nil {
		return e.fail("bench maskbench", exitUsage, err)
	}
	sort.Strings(files)
	if *stride > 1 {
		files = everyKth(files, *stride)
	}
	if *limit > 0 && len(files) > *limit {
		files = files[:*limit]
	}
	start := time.Now()
	results := make([]schemaResult, len(files))
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	done := 0
	for range max(*threads, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(files) {
					return
				}
				results[i] = maskbenchSchema(files[i], v, *timeout)
				mu.Lock()
				done++
				if e.progress() && done%20 == 0 {
					fmt.Fprintf(e.stderr, "\r%d/%d schemas", done, len(files))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if e.progress() {
		fmt.Fprintln(e.stderr)
	}
	r := summarizeMaskBench(results)
	r.Corpus, r.Vocab = dir, infoOf(v)
	bySubset := map[string][]schemaResult{}
	for _, s := range results {
		rel, err := filepath.Rel(dir, filepath.Dir(s.file))
		if err == nil && rel != "." {
			bySubset[rel] = append(bySubset[rel], s)
		}
	}
	if len(bySubset) > 1 {
		r.Subsets = map[string]*maskbenchReport{}
		for name, rs := range bySubset {
			sub := summarizeMaskBench(rs)
			sub.Skipped = nil
			r.Subsets[name] = &sub
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		r.PeakRSSMB = float64(ru.Maxrss) / 1024
	}
	r.WallSeconds = time.Since(start).Seconds()
	if f.json {
		e.writeJSON(r)
	} else {
		w := e.stdout
		fmt.Fprintf(w, "corpus            %s (%s)\n", dir, v.Name())
		fmt.Fprintf(w, "schemas           %d: compiled %d, refused %d, timeouts %d, passing %d (%.1f%%)\n", r.Schemas, r.Compiled, r.Refused, r.Timeouts, r.Passing, 100*float64(r.Passing)/float64(max(r.Schemas, 1)))
		fmt.Fprintf(w, "valid             accepted %d, rejected %d\n", r.ValidAccepted, r.ValidRejected)
		fmt.Fprintf(w, "invalid           rejected %d, ACCEPTED %d\n", r.InvalidRejected, r.InvalidAccepted)
		fmt.Fprintf(w, "stuck             %d\n", r.Stuck)
		m := r.MaskUS
		fmt.Fprintf(w, "masks             %d: p25 %.2f p50 %.2f p75 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.1f mean %.2f µs\n", r.Masks, m.P25, m.P50, m.P75, m.P90, m.P99, m.P999, m.Max, m.Mean)
		fmt.Fprintf(w, "ttfm              p50 %.2f p99 %.2f max %.1f ms\n", r.TTFMms["p50"], r.TTFMms["p99"], r.TTFMms["max"])
		fmt.Fprintf(w, "first visits      %d state masks computed during the replays, %.1f ms in all; %d masks over 1 ms\n", r.StateMasks, r.StateMaskMS, r.MasksOver1ms)
		fmt.Fprintf(w, "                  by path: slice %d (%.1f ms), callee %d (%.1f ms), whole-trie walk %d (%.1f ms)\n",
			r.StateMaskPaths["slice"], r.StateMaskPathMS["slice"], r.StateMaskPaths["callee"], r.StateMaskPathMS["callee"], r.StateMaskPaths["trie"], r.StateMaskPathMS["trie"])
		fmt.Fprintf(w, "                  %d of them ran the parser somewhere (direct mode's fallback)\n", r.ParserWalks)
		fmt.Fprintf(w, "jump-forward      %d of %d valid-instance tokens forced (%.1f%%)\n", r.ForcedTokens, r.Tokens, 100*r.ForcedShare)
		fmt.Fprintf(w, "peak rss          %.0f MB, wall %.1f s\n", r.PeakRSSMB, r.WallSeconds)
		if len(r.Subsets) > 0 {
			names := make([]string, 0, len(r.Subsets))
			for n := range r.Subsets {
				names = append(names, n)
			}
			sort.Strings(names)
			fmt.Fprintf(w, "\n%-24s %7s %8s %7s %8s %7s %9s %9s %9s %9s %10s\n", "subset", "schemas", "compiled", "passing", "inv.acc", "stuck", "p50 µs", "p99 µs", "mean µs", "max ms", "ttfm50 ms")
			for _, n := range names {
				x := r.Subsets[n]
				fmt.Fprintf(w, "%-24s %7d %8d %7d %8d %7d %9.2f %9.1f %9.1f %9.1f %10.1f\n", n, x.Schemas, x.Compiled, x.Passing, x.InvalidAccepted, x.Stuck, x.MaskUS.P50, x.MaskUS.P99, x.MaskUS.Mean, x.MaskUS.Max/1000, x.TTFMms["p50"])
			}
		}
		for _, s := range r.Skipped {
			fmt.Fprintf(e.stderr, "skipped %s: not a JSONSchemaBench file\n", s)
		}
	}
	if r.InvalidAccepted > 0 || r.Stuck > 0 {
		return exitNo
	}
	return exitOK
}

// summarizeMaskBench aggregates schema results: counts, mask and TTFM
// percentiles, first visits and jump-forward.
func summarizeMaskBench(results []schemaResult) maskbenchReport {
	r := maskbenchReport{TTFMms: map[string]float64{}, StateMaskPaths: map[string]int{}, StateMaskPathMS: map[string]float64{}}
	var masks, ttfm []time.Duration
	for _, s := range results {
		if s.skipped {
			r.Skipped = append(r.Skipped, s.file)
			continue
		}
		r.Schemas++
		switch {
		case s.timeout:
			r.Timeouts++
			continue
		case s.refused:
			r.Refused++
			continue
		}
		r.Compiled++
		ttfm = append(ttfm, s.ttfm)
		masks = append(masks, s.masks...)
		r.ValidAccepted += s.validAcc
		r.ValidRejected += s.validRej
		r.InvalidRejected += s.invalidRej
		r.InvalidAccepted += s.invalidAcc
		r.Stuck += s.stuck
		r.Tokens += s.tokens
		r.ForcedTokens += s.forced
		r.StateMasks += s.maskStats.States
		r.StateMaskMS += ms(s.maskStats.Compute.Nanoseconds())
		r.ParserWalks += s.maskStats.ParserWalks
		for k, n := range s.maskStats.ByPath {
			r.StateMaskPaths[mask.Path(k).String()] += n
			r.StateMaskPathMS[mask.Path(k).String()] += ms(s.maskStats.ByPathTime[k].Nanoseconds())
		}
		if s.invalidAcc > 0 {
			r.InvalidAcceptedFiles = append(r.InvalidAcceptedFiles, s.file)
		}
		if s.validRej == 0 && s.invalidAcc == 0 && s.stuck == 0 {
			r.Passing++
		}
	}
	r.Masks = len(masks)
	r.MaskUS = replay.Summarize(masks)
	for _, d := range masks {
		if d > time.Millisecond {
			r.MasksOver1ms++
		}
	}
	r.ForcedShare = float64(r.ForcedTokens) / float64(max(r.Tokens, 1))
	t := replay.Summarize(ttfm)
	r.TTFMms["p50"], r.TTFMms["p99"], r.TTFMms["max"], r.TTFMms["mean"] = t.P50/1000, t.P99/1000, t.Max/1000, t.Mean/1000
	return r
}

// maskbenchSchema compiles one schema file and replays its instances.
func maskbenchSchema(path string, v *vocab.Vocabulary, timeout time.Duration) schemaResult {
	res := schemaResult{file: path}
	doc, err := replay.ReadDocument(path)
	if err != nil {
		res.skipped = true
		return res
	}
	type compiled struct {
		c   *runtime.Compiled
		err error
	}
	ch := make(chan compiled, 1)
	t0 := time.Now()
	go func() {
		g, err := jsonschema.Compile(doc.Schema, jsonschema.Options{AssertFormat: true}) // JSONSchemaBench labels instances with formats asserted
		if err != nil {
			ch <- compiled{nil, err}
			return
		}
		// The deadline stops the lowering soon after a timeout, so a
		// timed-out schema does not keep a core busy for the rest of the run.
		p, err := compile.Compile(g, v, compile.Options{Deadline: t0.Add(timeout)})
		if err != nil {
			ch <- compiled{nil, err}
			return
		}
		ch <- compiled{runtime.New(p, v), nil}
	}()
	var c *runtime.Compiled
	select {
	case out := <-ch:
		if out.err != nil {
			// A refused keyword, or a schema the compiler or the automaton
			// limits reject: it did not compile.
			res.refused = true
			res.unsupported = errors.Is(out.err, jsonschema.ErrUnsupported)
			return res
		}
		c = out.c
	case <-time.After(timeout):
		res.timeout = true
		return res
	}
	k := c.NewMask()
	first := true
	for _, tc := range doc.Tests {
		if tc.Valid == nil {
			continue
		}
		var compact bytes.Buffer
		if json.Compact(&compact, tc.Data) != nil {
			continue
		}
		ids, err := v.Encode(compact.String())
		if err != nil {
			continue
		}
		m := c.NewMatcher()
		ok := true
		forcedUntil := 0 // ids[:forcedUntil] were forced
		for i, t := range ids {
			if *tc.Valid && i >= forcedUntil {
				// Untimed: would jump-forward have supplied this token?
				if toks, _ := m.ForcedTokens(); len(toks) > 0 && len(toks) <= len(ids)-i && slices.Equal(toks, ids[i:i+len(toks)]) {
					forcedUntil = i + len(toks)
				}
			}
			if *tc.Valid && i < forcedUntil {
				res.forced++
			}
			s := time.Now()
			m.FillMask(k)
			d := time.Since(s)
			if first {
				res.ttfm = time.Since(t0)
				first = false
			}
			res.masks = append(res.masks, d)
			if k.Count() == 0 {
				res.stuck++ // nothing allowed, not even EOS
				ok = false
				break
			}
			if !k.Has(t) {
				ok = false
				break
			}
			if m.Accept(t) != nil {
				ok = false
				break
			}
		}
		if ok {
			s := time.Now()
			m.FillMask(k)
			res.masks = append(res.masks, time.Since(s))
			ok = m.CanStop()
			if k.Count() == 0 {
				res.stuck++
			}
		}
		if *tc.Valid {
			res.tokens += len(ids)
		}
		switch {
		case *tc.Valid && ok:
			res.validAcc++
		case *tc.Valid:
			res.validRej++
		case ok:
			res.invalidAcc++
			if os.Getenv("GRAMC_DEBUG") != "" {
				fmt.Fprintf(os.Stderr, "invalid accepted: %s: %s\n", path, compact.String())
			}
		default:
			res.invalidRej++
		}
	}
	if first {
		res.ttfm = time.Since(t0)
	}
	res.maskStats = c.Table.Stats()
	res.compiled = true
	return res
}

// everyKth keeps every k-th file of each folder (the first, the k+1-th...).
func everyKth(files []string, k int) []string {
	var out []string
	n := map[string]int{}
	for _, f := range files {
		d := filepath.Dir(f)
		if n[d]%k == 0 {
			out = append(out, f)
		}
		n[d]++
	}
	return out
}
