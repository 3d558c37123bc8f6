package conformance

import (
	"fmt"
	"io"
	"strings"
)

// WriteTable writes a Markdown report: per draft a summary line per
// category, then (when perFile) one row per file.
func (r *Report) WriteTable(w io.Writer, perFile bool) {
	var drafts []string
	for _, f := range r.Files {
		if len(drafts) == 0 || drafts[len(drafts)-1] != f.Draft {
			drafts = append(drafts, f.Draft)
		}
	}
	fmt.Fprintln(w, "| draft | scope | files | mean group score | files at 1.00 | groups passed | instances passed | false positives | false negatives | refused | errors |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	row := func(d, scope string, s Summary) {
		fmt.Fprintf(w, "| %s | %s | %d | **%.3f** | %d | %d/%d | %d/%d (%.1f%%) | %d | %d | %d | %d |\n",
			d, scope, s.Files, s.Mean, s.Perfect, s.GroupsPassed, s.Groups, s.Passed, s.Tests, pct(s.Passed, s.Tests),
			s.FalsePositives, s.FalseNegatives, s.Refused, s.Errors)
	}
	for _, d := range drafts {
		if s := r.Headline(d); s.Files > 0 {
			row(d, "headline (keyword files)", s)
		}
		if s := r.Summarize(func(f *File) bool { return f.Draft == d && f.Category == Required }); s.Files > 0 {
			row(d, "required (all files)", s)
		}
		if s := r.Summarize(func(f *File) bool { return f.Draft == d && f.Category == Optional }); s.Files > 0 {
			row(d, "optional", s)
		}
		if s := r.Summarize(func(f *File) bool { return f.Draft == d && f.Category == Format }); s.Files > 0 {
			row(d, categoryDir(d, Format), s)
		}
	}
	if !perFile {
		return
	}
	for _, d := range drafts {
		fmt.Fprintf(w, "\n### %s\n\n", d)
		fmt.Fprintln(w, "| file | score | groups | instances | FP | FN | refused | errors | refusals |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---|")
		for _, f := range r.Files {
			if f.Draft != d {
				continue
			}
			name := f.File
			if !f.Scored && f.Category == Required {
				name += " (not scored)"
			}
			reasons := strings.Join(shortReasons(f.Reasons), "; ")
			fmt.Fprintf(w, "| %s | %.2f | %d/%d | %d/%d | %d | %d | %d | %d | %s |\n", name, f.Score, f.GroupsPassed, f.Groups,
				f.Passed, f.Tests, f.FalsePositives, f.FalseNegatives, f.Refused, f.Errors, reasons)
		}
	}
}

// shortReasons keeps the keyword of each refusal, deduplicated.
func shortReasons(rs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rs {
		k, _, _ := strings.Cut(r, ":")
		if len(k) > 40 {
			k = k[:40]
		}
		k = strings.ReplaceAll(k, "|", "/")
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
