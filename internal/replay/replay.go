// Package replay loads JSONSchemaBench-style instance files and measures
// mask latency by replaying token paths through a Matcher. It backs the
// benchmarks and `gramc bench`.
package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// Document is one file of the JSONSchemaBench layout: a schema and its
// test instances.
type Document struct {
	Schema json.RawMessage `json:"schema"`
	Tests  []Test          `json:"tests"`
}

// Test is one instance of a Document; Valid is nil when the file does not
// say.
type Test struct {
	Data  json.RawMessage `json:"data"`
	Valid *bool           `json:"valid"`
}

// ReadDocument reads and decodes a JSONSchemaBench file; a file that is
// not JSON or has no schema is an error naming it.
func ReadDocument(path string) (*Document, error) {
	doc, err := readDocument(path)
	if err == nil && len(doc.Schema) == 0 {
		err = fmt.Errorf("%s: no schema", path)
	}
	return doc, err
}

// readDocument reads and decodes a JSONSchemaBench file, schema or not.
func readDocument(path string) (*Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &doc, nil
}

// Texts returns the valid instances of every *.json file in dir (the
// JSONSchemaBench layout: {"schema": …, "tests": [{"data": …, "valid": …}]}),
// each serialized compactly and pretty-printed with two spaces, keys in
// their original order. limit > 0 caps the number of files read.
func Texts(dir string, limit int) ([][]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("replay: no *.json files in %s", dir)
	}
	sort.Strings(files)
	if limit > 0 && len(files) > limit {
		files = files[:limit]
	}
	var out [][]byte
	for _, f := range files {
		doc, err := readDocument(f)
		if err != nil {
			return nil, err
		}
		for _, tc := range doc.Tests {
			if tc.Valid == nil || !*tc.Valid {
				continue
			}
			var compact, pretty bytes.Buffer
			if json.Compact(&compact, tc.Data) != nil || json.Indent(&pretty, compact.Bytes(), "", "  ") != nil {
				continue
			}
			out = append(out, compact.Bytes(), pretty.Bytes())
		}
	}
	return out, nil
}

// Tokenize encodes text with the vocabulary's BPE encoder when it has one,
// and by greedy longest match otherwise (vocab.Vocabulary.Tokenize).
func Tokenize(v *vocab.Vocabulary, text []byte) ([]int32, error) {
	return v.Tokenize(string(text))
}

// Result summarizes a replay.
type Result struct {
	Instances int
	Rejected  int // instances the grammar refused at some token or at EOS
	Masks     []time.Duration
}

// Run replays every token path: before each token FillMask is timed, then
// the token must be allowed and accepted; at the end EOS must be allowed.
func Run(c *runtime.Compiled, paths [][]int32) Result {
	var r Result
	k := c.NewMask()
	for _, path := range paths {
		r.Instances++
		m := c.NewMatcher()
		ok := true
		for _, t := range path {
			s := time.Now()
			m.FillMask(k)
			r.Masks = append(r.Masks, time.Since(s))
			if !k.Has(t) || m.Accept(t) != nil {
				ok = false
				break
			}
		}
		if ok {
			s := time.Now()
			m.FillMask(k)
			r.Masks = append(r.Masks, time.Since(s))
			ok = k.Has(c.Vocab.EOS()[0]) && m.CanStop()
		}
		if !ok {
			r.Rejected++
		}
	}
	return r
}

// Quantile returns the q-quantile (0..1) of sorted durations.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(q*float64(len(sorted)-1)+0.5)]
}

// Summary is a latency summary in microseconds.
type Summary struct {
	P25  float64 `json:"p25"`
	P50  float64 `json:"p50"`
	P75  float64 `json:"p75"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Summarize sorts d in place and summarizes it.
func Summarize(d []time.Duration) Summary {
	slices.Sort(d)
	us := func(x time.Duration) float64 { return float64(x.Nanoseconds()) / 1000 }
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	s := Summary{
		P25: us(Quantile(d, .25)), P50: us(Quantile(d, .5)), P75: us(Quantile(d, .75)), P90: us(Quantile(d, .9)),
		P99: us(Quantile(d, .99)), P999: us(Quantile(d, .999)),
	}
	if len(d) > 0 {
		s.Max = us(d[len(d)-1])
		s.Mean = us(sum / time.Duration(len(d)))
	}
	return s
}
