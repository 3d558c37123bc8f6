package regex

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// Go equivalents of ECMA-262 constructs where RE2 differs.
const (
	goDot   = `[^\n\r\x{2028}\x{2029}]`
	goSpace = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`
)

// diffCases are patterns in the common subset of ECMA-262 and RE2, with
// the RE2 spelling where it differs (empty: the same text).
var diffCases = []struct {
	ecma  string
	flags Flags
	goRE  string
}{
	{`abc`, noFlags, ``},
	{`a|b|cd`, noFlags, ``},
	{`^abc$`, noFlags, ``},
	{`^a|b$`, noFlags, ``},
	{`^(a|b)$`, noFlags, ``},
	{`(^a)`, noFlags, ``},
	{`^(?:a)+$`, noFlags, ``},
	{`a^b`, noFlags, ``},
	{`a$b|c`, noFlags, ``},
	{`(?:^|,)a(?:,|$)`, noFlags, ``},
	{`a*`, noFlags, ``},
	{`a+b*`, noFlags, ``},
	{`(ab)*c`, noFlags, ``},
	{`a{2}`, noFlags, ``},
	{`^a{2,}$`, noFlags, ``},
	{`a{1,3}b`, noFlags, ``},
	{`a{0,2}?b`, noFlags, ``},
	{`[a-c]+`, noFlags, ``},
	{`^[^a-c]$`, noFlags, ``},
	{`[^a-c]*x`, noFlags, ``},
	{`^\d+$`, noFlags, ``},
	{`\D\d`, noFlags, ``},
	{`^\w+$`, noFlags, ``},
	{`\W`, noFlags, ``},
	{`a\sb`, noFlags, `a[` + goSpace + `]b`},
	{`^\S+$`, noFlags, `^[^` + goSpace + `]+$`},
	{`a.b`, noFlags, `a` + goDot + `b`},
	{`^.*a.*$`, noFlags, `^` + goDot + `*a` + goDot + `*$`},
	{`a.b`, sFlag, `(?s)a.b`},
	{`[.]|\.x`, noFlags, ``},
	{`^[-a]+$|[a-]b|[\-]c`, noFlags, `^[-a]+$|[a-]b|[\-]c`},
	{`\x61\u0062\u{63}\t\n`, noFlags, `abc\t\n`},
	{`^[\d_-]+$`, noFlags, ``},
	{`abc`, iFlag, `(?i)abc`},
	{`^[a-c]+$`, iFlag, `(?i)^[a-c]+$`},
	{`k|s`, iFlag, `(?i)k|s`},
	{`σ`, iFlag, `(?i)σ`},
	{`^[^k]$`, iFlag, `(?i)^[^k]$`},
	{`^\w$`, iFlag, `^[\w\x{17f}\x{212a}]$`},
	{`(a|ab)(c|bcd)(d*)`, noFlags, ``},
	{`^(?:a|b)*abb$`, noFlags, ``},
	{`^$`, noFlags, ``},
	{`^`, noFlags, ``},
	{`$`, noFlags, ``},
	{`(?:^)*a`, noFlags, ``},
	{`(?:a$)+`, noFlags, ``},
	{`(?:^a|b)+$`, noFlags, ``},
	{`(^|a)+b`, noFlags, ``},
	{`(?:a|^)(?:b|$)`, noFlags, ``},
	{`x*(?:^y)`, noFlags, ``},
	{`(?:$|a)b`, noFlags, ``},
	{`a(?:$|b)*`, noFlags, ``},
	{`(?:^a)?b`, noFlags, ``},
	{`(?:^|x)(?:y|$)+`, noFlags, ``},
	{`(?:(?:^|a)(?:b|$)){2,3}`, noFlags, ``},
	{`(?:^a|b$|c){2}`, noFlags, ``},
	{`(?:^a|b$|c|){1,3}d`, noFlags, ``},
	{`^(?:a|b)*$|c`, noFlags, ``},
	{`[^\s]`, noFlags, `[^` + goSpace + `]`},
	{`^\p{L}+$`, noFlags, ``},
	{`\p{Lu}\P{L}`, noFlags, ``},
	{`\p{Script=Greek}`, noFlags, `\p{Greek}`},
	{`^[\p{Lu}\d]+$`, noFlags, ``},
	{`\u00e9|e\u0301`, noFlags, `é|e\x{301}`},
	{`(?<year>\d{4})-(?<m>\d\d)`, noFlags, `(?P<year>\d{4})-(?P<m>\d\d)`},
	{`(?:ab|a)(?:bc|c)`, noFlags, ``},
	{`^[\u0000-\u007f]*$`, noFlags, `^[\x00-\x7f]*$`},
	{`😀+`, noFlags, ``},
	{`^[😀-😂]$`, noFlags, ``},
	{`^[^😀]$`, noFlags, ``},
	{`(?i:a)b`, noFlags, ``},
	{`\cJ|\0`, noFlags, `\n|\x00`},
	{`[\b]`, noFlags, `[\x08]`},
	{`^(?:(?:a|b)c|d)+e$`, noFlags, ``},
	{`(?:a{2}|b){2,3}$`, noFlags, ``},
	{`(?:a|$)(?:^b|c)`, noFlags, ``},
	{`(?:$|a)(?:^|b)c?`, noFlags, ``},
	{`(?:a|$){2}(?:^|b)`, noFlags, ``},
	{`(?:^|a){2}b`, noFlags, ``},
	{`a(?:$|b){2}`, noFlags, ``},
	{`(?:^a$|$){2}`, noFlags, ``},
	{`(?:^a$|^){2}`, noFlags, ``},
	{`(?:^a|b|c$){3}`, noFlags, ``},
	{`(?:^|a){2,3}(?:$|b){2}`, noFlags, ``},
}

func diffAlphabet(pattern string) []string {
	alpha := []string{"a", "b", "c", "d", "x", "y", "0", "9", "_", "-", ".", ",", " ", "\n", "\r", "\t",
		"\u00a0", "\u2028", "é", "É", "K", "k", "\u212a", "ſ", "s", "S", "Σ", "σ", "ς", "😀", "😁", "中", "α", "\u0301", "\x08", "\x00"}
	seen := map[string]bool{}
	for _, a := range alpha {
		seen[a] = true
	}
	for _, r := range pattern {
		if s := string(r); !seen[s] && r != utf8.RuneError {
			seen[s] = true
			alpha = append(alpha, s)
		}
	}
	return alpha
}

func TestDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 7))
	total, accepted := 0, 0
	for _, c := range diffCases {
		goRE := c.goRE
		if goRE == "" {
			goRE = c.ecma
		}
		search := regexp.MustCompile(goRE)
		full := regexp.MustCompile(`^(?:` + goRE + `)$`)
		se, err := Search(c.ecma, c.flags)
		if err != nil {
			t.Errorf("Search(%q): %v", c.ecma, err)
			continue
		}
		ae, err := Anchored(c.ecma, c.flags)
		if err != nil {
			t.Errorf("Anchored(%q): %v", c.ecma, err)
			continue
		}
		sp, ap := compileExpr(t, se), compileExpr(t, ae)
		// The pattern's own characters, biased towards short strings.
		alpha := diffAlphabet(c.ecma)
		own := diffAlphabet("")[:0]
		for _, r := range c.ecma {
			own = append(own, string(r))
		}
		var inputs []string
		for _, a := range alpha { // every string of length <= 2
			inputs = append(inputs, a)
			for _, b := range alpha {
				inputs = append(inputs, a+b)
			}
		}
		inputs = append(inputs, "")
		for range 3000 {
			var b strings.Builder
			for n := rng.IntN(9); n > 0; n-- {
				if len(own) > 0 && rng.IntN(3) > 0 {
					b.WriteString(own[rng.IntN(len(own))])
				} else {
					b.WriteString(alpha[rng.IntN(len(alpha))])
				}
			}
			inputs = append(inputs, b.String())
		}
		bad := 0
		for _, s := range inputs {
			total++
			want := search.MatchString(s)
			if want {
				accepted++
			}
			if got := accepts(sp, s); got != want && bad < 5 {
				bad++
				t.Errorf("Search(%q) on %q = %v, regexp %q says %v\nIR: %s", c.ecma, s, got, goRE, want, dump(se))
			}
			if got, want := accepts(ap, s), full.MatchString(s); got != want && bad < 5 {
				bad++
				t.Errorf("Anchored(%q) on %q = %v, regexp says %v\nIR: %s", c.ecma, s, got, want, dump(ae))
			}
		}
	}
	t.Logf("%d patterns, %d strings checked twice (search and anchored), %d matched by search", len(diffCases), total, accepted)
}

// TestRandomPatterns compares random patterns over {a, b, ^, $} with Go's
// regexp on every string over {a, b, c} up to length 5: it exercises the
// anchor algebra (anchors under alternations and repetitions).
func TestRandomPatterns(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var gen func(depth int) string
	gen = func(depth int) string {
		if depth <= 0 || rng.IntN(4) == 0 {
			return []string{"a", "b", "^", "$", "[ab]", "(?:)", "a", "b", "^a", "b$"}[rng.IntN(10)]
		}
		switch rng.IntN(3) {
		case 0:
			n := 2 + rng.IntN(2)
			var b strings.Builder
			for range n {
				b.WriteString(gen(depth - 1))
			}
			return b.String()
		case 1:
			n := 2 + rng.IntN(2)
			parts := make([]string, n)
			for i := range parts {
				parts[i] = gen(depth - 1)
			}
			return "(?:" + strings.Join(parts, "|") + ")"
		}
		q := []string{"*", "+", "?", "{0,2}", "{1,3}", "{2}", "{2,}", "*?", "{3}", "{2,4}"}[rng.IntN(10)]
		return "(?:" + gen(depth-1) + ")" + q
	}
	var inputs []string
	var walk func(s string)
	walk = func(s string) {
		inputs = append(inputs, s)
		if len(s) < 5 {
			for _, c := range []string{"a", "b", "c"} {
				walk(s + c)
			}
		}
	}
	walk("")
	const n = 1000
	for i := range n {
		pat := gen(4)
		search := regexp.MustCompile(pat)
		full := regexp.MustCompile(`^(?:` + pat + `)$`)
		se, err := Search(pat, noFlags)
		if err != nil {
			t.Fatalf("Search(%q): %v", pat, err)
		}
		ae, err := Anchored(pat, noFlags)
		if err != nil {
			t.Fatalf("Anchored(%q): %v", pat, err)
		}
		sp, ap := compileExpr(t, se), compileExpr(t, ae)
		for _, s := range inputs {
			if got, want := accepts(sp, s), search.MatchString(s); got != want {
				t.Fatalf("pattern %d: Search(%q) on %q = %v, regexp says %v\nIR: %s", i, pat, s, got, want, dump(se))
			}
			if got, want := accepts(ap, s), full.MatchString(s); got != want {
				t.Fatalf("pattern %d: Anchored(%q) on %q = %v, regexp says %v\nIR: %s", i, pat, s, got, want, dump(ae))
			}
		}
	}
	t.Logf("%d random patterns x %d strings agree with regexp", n, len(inputs))
}
