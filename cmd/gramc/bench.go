package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gramc/gramc/internal/replay"
	"github.com/gramc/gramc/mask"
	"github.com/gramc/gramc/runtime"
)

type latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

type benchReport struct {
	Grammar   string    `json:"grammar"`
	Vocab     vocabInfo `json:"vocab"`
	CompileMS float64   `json:"compile_ms"`      // lowering plus mask precompute
	Masks     int       `json:"masks"`           // FillMask calls timed
	Tokens    int       `json:"tokens"`          // tokens accepted
	Instances int       `json:"instances"`       // texts replayed
	Rejected  int       `json:"rejected"`        // texts the grammar rejects (skipped)
	Files     int       `json:"files,omitempty"` // JSONSchemaBench files read
	MaskUS    latency   `json:"mask_us"`
	TotalMS   float64   `json:"mask_total_ms"`
}

// bencher replays token paths and records FillMask latencies.
type bencher struct {
	c      *runtime.Compiled
	k      *mask.Mask
	times  []time.Duration
	tokens int
}

// replay walks tokens through a fresh matcher, timing FillMask before each
// token and once more before EOS. The latencies are kept only if the whole
// path, EOS included, is accepted.
func (b *bencher) replay(tokens []int32) error {
	m := b.c.NewMatcher()
	n := len(b.times)
	for i, t := range tokens {
		start := time.Now()
		m.FillMask(b.k)
		b.times = append(b.times, time.Since(start))
		allowed := b.k.Has(t)
		if err := m.Accept(t); err != nil {
			b.times = b.times[:n]
			return fmt.Errorf("token %d (#%d, %q): %w", t, i, b.c.Vocab.Bytes(t), err)
		}
		if !allowed {
			return fmt.Errorf("internal error: token %d (#%d, %q) accepted but not in the mask", t, i, b.c.Vocab.Bytes(t))
		}
	}
	start := time.Now()
	m.FillMask(b.k)
	b.times = append(b.times, time.Since(start))
	if !m.CanStop() {
		b.times = b.times[:n]
		return errors.New("the text is incomplete")
	}
	b.tokens += len(tokens)
	return nil
}

func runBench(e *env, args []string) int {
	if len(args) > 0 && args[0] == "maskbench" {
		return runMaskBench(e, args[1:])
	}
	f := newFlags("bench", "[--grammar FILE] [--tokenizer PATH] (--input FILE | --jsonschemabench DIR) [--cpuprofile FILE] [--json]", `
Replay texts token by token and time the masks. The text is tokenized with
the vocabulary's encoder when it has one, else by greedy longest match; the
grammar is compiled (compile_ms includes the mask precompute), then for each
token FillMask is timed and the token accepted, and a last FillMask is timed
before EOS.

With --jsonschemabench DIR every *.json file under DIR (JSONSchemaBench
layout: {"schema": ..., "tests": [{"data": ..., "valid": true}, ...]}) is
read, and the data of every valid test is replayed twice, compact and
indented by 2 spaces, with key order and numbers as written. Texts that the
grammar rejects are skipped and counted. The schema itself is not compiled:
the grammar is --grammar (default: the embedded JSON grammar).

Reports compile_ms, the number of masks and texts, and FillMask latency
percentiles in microseconds.`)
	f.grammarFlag()
	f.tokenizerFlag()
	input := f.String("input", "", "text `file` to replay (- for stdin)")
	dir := f.String("jsonschemabench", "", "JSONSchemaBench `dir` whose valid instances are replayed")
	cpuprofile := f.String("cpuprofile", "", "write a CPU profile of the compile and the replay to `file`")
	noCache := f.Bool("no-context-cache", false, "walk context-dependent tokens at every mask instead of caching them per parse context (first-visit cost)")
	lazy := f.Bool("lazy", false, "compute state masks on first use instead of precomputing them all at compile time")
	if code, ok := f.parse(e, args); !ok {
		return code
	}
	if (*input == "") == (*dir == "") {
		return e.errorf(exitUsage, "gramc bench: exactly one of --input and --jsonschemabench is required")
	}
	g, name, v, code, ok := f.loadBoth(e)
	if !ok {
		return code
	}
	var texts []string // --input
	var files []string // --jsonschemabench
	if *input != "" {
		var data []byte
		var err error
		if *input == "-" {
			data, err = io.ReadAll(e.stdin)
		} else {
			data, err = os.ReadFile(*input)
		}
		if err != nil {
			return e.fail("bench", exitUsage, err)
		}
		texts = []string{string(data)}
	} else {
		var err error
		if files, err = jsonFiles(*dir); err != nil {
			return e.fail("bench", exitUsage, err)
		}
		if len(files) == 0 {
			return e.errorf(exitUsage, "gramc bench: no *.json files under %s", *dir)
		}
	}
	stop, err := startCPUProfile(*cpuprofile)
	if err != nil {
		return e.fail("bench", exitUsage, err)
	}
	defer stop()
	e.progressf("compiling %s for %s (%d tokens)...", name, v.Name(), v.Size())
	start := time.Now()
	c, err := compileFor(g, v)
	if err != nil {
		return e.fail("bench", exitUsage, err)
	}
	if !*lazy {
		c.Precompute()
		c.total = time.Since(start)
	}
	c.Table.NoContextCache = *noCache
	b := &bencher{c: c.Compiled, k: c.NewMask()}
	r := benchReport{Grammar: name, Vocab: infoOf(v), CompileMS: ms(c.total.Nanoseconds())}
	if *input != "" {
		if m := matchText(c.Prog, []byte(texts[0])); !m.Match {
			return e.errorf(exitNo, "%s: the grammar rejects the input", m.describe(*input))
		}
		tokens, err := v.Tokenize(texts[0])
		if err != nil {
			return e.fail("bench", exitUsage, err)
		}
		if err := b.replay(tokens); err != nil {
			return e.fail("bench", exitNo, err)
		}
		r.Instances = 1
	} else {
		for i, path := range files {
			if e.progress() && i%100 == 0 {
				fmt.Fprintf(e.stderr, "\r%d/%d files", i, len(files))
			}
			forms, err := instances(path)
			if err != nil {
				continue // not a JSONSchemaBench file (manifest.json, ...)
			}
			r.Files++
			for _, text := range forms {
				if !matchText(c.Prog, []byte(text)).Match {
					r.Rejected++
					continue
				}
				tokens, err := v.Tokenize(text)
				if err != nil {
					return e.fail("bench", exitUsage, fmt.Errorf("%s: %w", path, err))
				}
				if err := b.replay(tokens); err != nil {
					return e.fail("bench", exitNo, fmt.Errorf("%s: %w", path, err))
				}
				r.Instances++
			}
		}
		if e.progress() {
			fmt.Fprintf(e.stderr, "\r%d/%d files\n", len(files), len(files))
		}
	}
	r.Masks, r.Tokens = len(b.times), b.tokens
	r.MaskUS, r.TotalMS = percentiles(b.times)
	if f.json {
		e.writeJSON(r)
		return exitOK
	}
	w := e.stdout
	fmt.Fprintf(w, "grammar     %s\n", r.Grammar)
	fmt.Fprintf(w, "vocabulary  %s (%d tokens)\n", r.Vocab.Name, r.Vocab.Size)
	fmt.Fprintf(w, "compile     %.2f ms (lowering and mask precompute)\n", r.CompileMS)
	if r.Files > 0 {
		fmt.Fprintf(w, "files       %d\n", r.Files)
	}
	fmt.Fprintf(w, "instances   %d replayed, %d rejected by the grammar\n", r.Instances, r.Rejected)
	fmt.Fprintf(w, "tokens      %d\n", r.Tokens)
	fmt.Fprintf(w, "masks       %d (%.2f ms in FillMask)\n", r.Masks, r.TotalMS)
	fmt.Fprintf(w, "mask µs     p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f\n", r.MaskUS.P50, r.MaskUS.P90, r.MaskUS.P99, r.MaskUS.Max, r.MaskUS.Mean)
	return exitOK
}

// percentiles returns the latency summary in µs and the total in ms.
func percentiles(ts []time.Duration) (latency, float64) {
	if len(ts) == 0 {
		return latency{}, 0
	}
	s := slices.Clone(ts)
	slices.Sort(s)
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
	at := func(q float64) float64 { return us(s[int(q*float64(len(s)-1)+0.5)]) }
	var total time.Duration
	for _, d := range s {
		total += d
	}
	return latency{
		P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: us(s[len(s)-1]),
		Mean: us(total) / float64(len(s)),
	}, ms(total.Nanoseconds())
}

// jsonFiles lists the *.json files under dir, sorted.
func jsonFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".json") {
			out = append(out, path)
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}

// instances returns the texts to replay from one JSONSchemaBench file:
// each valid test's data, compact and indented.
func instances(path string) ([]string, error) {
	file, err := replay.ReadDocument(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range file.Tests {
		if t.Valid == nil || !*t.Valid || t.Data == nil {
			continue
		}
		v, err := parseOrdered(t.Data)
		if err != nil {
			return nil, err
		}
		out = append(out, v.compact(), v.indent())
	}
	return out, nil
}
