package tags

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// reference decides whether text matches the looping spec with text
// triggers, each followed by [0-9]+ and ";", by scanning: from each
// position, the stop string (trigger or excluded string) whose occurrence
// ends first decides; free text runs are at most max bytes (0: no bound).
func reference(triggers, excludes []string, max int, text string) bool {
	if !utf8.ValidString(text) {
		return false
	}
	isTrigger := map[string]bool{}
	for _, t := range triggers {
		isTrigger[t] = true
	}
	stops := append(append([]string(nil), triggers...), excludes...)
	pos := 0
	for {
		end, stop := -1, ""
		for e := pos + 1; e <= len(text) && end < 0; e++ {
			for _, s := range stops {
				if e-len(s) >= pos && text[e-len(s):e] == s {
					end, stop = e, s
					break
				}
			}
		}
		if end < 0 {
			return max == 0 || len(text)-pos <= max
		}
		if !isTrigger[stop] || max > 0 && end-len(stop)-pos > max {
			return false
		}
		pos = end
		digits := 0
		for pos < len(text) && '0' <= text[pos] && text[pos] <= '9' {
			pos++
			digits++
		}
		if digits == 0 || pos >= len(text) || text[pos] != ';' {
			return false
		}
		pos++
	}
}

// FuzzTriggered builds specs from fuzzed triggers and checks that
// Triggered never panics and that its grammar agrees with reference on
// fuzzed texts.
func FuzzTriggered(f *testing.F) {
	f.Add("<tool_call>", "", "", 0, "hi <tool_call>12; bye")
	f.Add("abab", "", "", 0, "ababab1;")
	f.Add("aa", "b", "", 3, "xaa1;ab")
	f.Add("<a>", "<b>", "STOP", 0, "<b>1;<a>2;STO")
	f.Add("ab", "ba", "", 2, "aba1;")
	f.Add("x", "", "yx", 0, "yx")
	f.Fuzz(func(t *testing.T, t1, t2, ex string, max int, text string) {
		if max < 0 || max > 6 || len(t1) > 6 || len(t2) > 6 || len(ex) > 6 || len(text) > 40 {
			return
		}
		triggers := []string{t1}
		if t2 != "" && t2 != t1 {
			triggers = append(triggers, t2)
		}
		var excludes []string
		if ex != "" {
			excludes = []string{ex}
		}
		spec := Spec{MaxFreeBytes: max, Excludes: excludes}
		for _, tr := range triggers {
			spec.Tags = append(spec.Tags, Tag{Begin: Marker{Text: tr}, Content: digitsGrammar, End: Marker{Text: ";"}})
		}
		g, err := Triggered(spec)
		if err != nil {
			return
		}
		for _, s := range append(excludes, triggers...) {
			if s == ";" || strings.ContainsAny(s, "0123456789;") {
				return // the reference's content scan assumes stops avoid digits and ";"
			}
		}
		p := program(t, g)
		if got, want := matches(p, text), reference(triggers, excludes, max, text); got != want {
			t.Fatalf("triggers %q excludes %q max %d: %q: grammar %v, reference %v\n%s", triggers, excludes, max, text, got, want, g)
		}
	})
}
