package regex

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
)

// FuzzParse checks that no pattern panics or hangs, that errors are
// *Errors, that a translation compiles (or exceeds a size limit), and that
// a string the pattern matches in full also contains a match.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`^(?:[a-z]+|\d{2,4})*$`, `^a|b$`, `(?:^|,)x(?:,|$)`, `[^\s\w]+?\.(?i:ab)`, `\p{Lu}\P{Script=Greek}`,
		`(?<n>a)\k<n>`, `(?=a)b`, `\u{1F600}\uD83D\uDE00[\uD800-\uDFFF]`, `a{2,3}{`, `((a|)*)*`,
		`(?:(?:^a|b$)*c)+`, `\cA\x7f\0[\b]`, `a^b|$c`, `x{99999}`, `(?s:.)(?m:^)`,
	} {
		f.Add(s, uint8(0), "ab")
	}
	f.Fuzz(func(t *testing.T, pattern string, fl uint8, probe string) {
		if len(pattern) > 2000 || len(probe) > 32 {
			return
		}
		flags := Flags{IgnoreCase: fl&1 != 0, DotAll: fl&2 != 0, Multiline: fl&4 != 0, Strict: fl&8 != 0}
		ae, aerr := Anchored(pattern, flags)
		se, serr := Search(pattern, flags)
		for _, err := range []error{aerr, serr} {
			var e *Error
			if err != nil && !errors.As(err, &e) {
				t.Fatalf("%q: error %v is not an *Error", pattern, err)
			}
		}
		if (aerr == nil) != (serr == nil) {
			t.Fatalf("%q: Anchored error %v, Search error %v", pattern, aerr, serr)
		}
		if aerr != nil {
			return
		}
		opts := compile.Options{MaxRuleStates: 5000, MaxStates: 20000}
		build := func(e grammar.Expr) (*automaton.Program, bool) {
			if a, ok := e.(*grammar.Alt); ok && len(a.Alts) == 0 {
				return nil, true // the empty language
			}
			g := &grammar.Grammar{Rules: []*grammar.Rule{{Name: "root", Body: e}}, Root: "root"}
			p, err := compile.Compile(g, nil, opts)
			if err != nil {
				var ge *grammar.Error
				if errors.Is(err, compile.ErrTooLarge) || errors.As(err, &ge) && ge.Code == grammar.ErrTooLarge {
					return nil, false
				}
				t.Fatalf("%q: compile %s: %v", pattern, dump(e), err)
			}
			return p, true
		}
		ap, aok := build(ae)
		sp, sok := build(se)
		if aok && sok && accepts(ap, probe) && !accepts(sp, probe) {
			t.Fatalf("%q: %q matches in full but Search rejects it", pattern, probe)
		}
	})
}

// FuzzDifferential compares Search and Anchored with Go's regexp on
// patterns over a small alphabet where the two dialects agree.
func FuzzDifferential(f *testing.F) {
	for _, s := range []string{`^a|b$`, `(?:^|a)+b`, `(a|$){2}(^|b)`, `a{2,3}?[ab]*$`, `((a|)*)*`, `a]}{b`} {
		f.Add(s, "aab")
	}
	f.Fuzz(func(t *testing.T, pattern, probe string) {
		if len(pattern) > 64 || len(probe) > 16 {
			return
		}
		for _, c := range pattern {
			if !strings.ContainsRune("ab^$|()*+?{}0123,:[]-", c) {
				return
			}
		}
		// RE2 reads []a] and [^]a] as classes holding ], ECMA-262 as [] and [^].
		if strings.Contains(pattern, "[]") || strings.Contains(pattern, "[^]") || strings.Contains(pattern, "[:") {
			return
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return
		}
		full := regexp.MustCompile(`^(?:` + pattern + `)$`)
		se, err := Search(pattern, Flags{})
		if err != nil {
			return
		}
		ae, err := Anchored(pattern, Flags{})
		if err != nil {
			t.Fatalf("%q: Search succeeds, Anchored fails: %v", pattern, err)
		}
		opts := compile.Options{MaxRuleStates: 5000, MaxStates: 20000}
		var progs [2]*automaton.Program
		for i, e := range []grammar.Expr{se, ae} {
			if a, ok := e.(*grammar.Alt); ok && len(a.Alts) == 0 {
				continue
			}
			g := &grammar.Grammar{Rules: []*grammar.Rule{{Name: "root", Body: e}}, Root: "root"}
			p, err := compile.Compile(g, nil, opts)
			if err != nil {
				return // size limits
			}
			progs[i] = p
		}
		for _, s := range []string{probe, "", "a", "b", "ab", "ba", "aab", "abb"} {
			if !utf8.ValidString(s) {
				continue
			}
			if got, want := accepts(progs[0], s), re.MatchString(s); got != want {
				t.Fatalf("Search(%q) on %q = %v, regexp says %v\nIR: %s", pattern, s, got, want, dump(se))
			}
			if got, want := accepts(progs[1], s), full.MatchString(s); got != want {
				t.Fatalf("Anchored(%q) on %q = %v, regexp says %v\nIR: %s", pattern, s, got, want, dump(ae))
			}
		}
	})
}
