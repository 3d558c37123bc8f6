package regex

import (
	"errors"
	"strings"
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
)

var (
	noFlags = Flags{}
	iFlag   = Flags{IgnoreCase: true}
	sFlag   = Flags{DotAll: true}
	strict  = Flags{Strict: true}
)

func TestAnchoredDump(t *testing.T) {
	tests := []struct {
		pattern string
		flags   Flags
		want    string
	}{
		{``, noFlags, `""`},
		{`abc`, noFlags, `"abc"`},
		{`a|b|c`, noFlags, `[a-c]`},
		{`ab|ac`, noFlags, `("ab" | "ac")`},
		{`a*b+c?`, noFlags, `("a"* "b"+ "c"?)`},
		{`a*?b+?c??d{1,2}?`, noFlags, `("a"* "b"+ "c"? "d"{1,2})`},
		{`(?:ab){2,5}`, noFlags, `"ab"{2,5}`},
		{`a{3}x{3,}`, noFlags, `("a"{3} "x"{3,})`},
		{`a{0}b`, noFlags, `"b"`},
		{`(a)(?<n>b)(?:c)`, noFlags, `"abc"`},
		{`[a-c]`, noFlags, `[a-c]`},
		{`[^a-c]`, noFlags, `[^a-c]`},
		{`[]`, noFlags, `<none>`},
		{`[]|x`, noFlags, `"x"`},
		{`[^]`, noFlags, `[^]`},
		{`.`, noFlags, `[^\n\r\u{2028}-\u{2029}]`},
		{`.`, sFlag, `[^]`},
		{`a(?s:.)`, noFlags, `("a" [^])`},
		{`\d\D`, noFlags, `([0-9] [^0-9])`},
		{`\w`, noFlags, `[0-9A-Z_a-z]`},
		{`\W`, noFlags, `[^0-9A-Z_a-z]`},
		{`\s`, noFlags, `[\t-\r \u{A0}\u{1680}\u{2000}-\u{200A}\u{2028}-\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}]`},
		{`\S`, noFlags, `[^\t-\r \u{A0}\u{1680}\u{2000}-\u{200A}\u{2028}-\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}]`},
		{`[\d_]`, noFlags, `[0-9_]`},
		{`[\-a-c-]`, noFlags, `[\-a-c]`},
		{`[\b]`, noFlags, `"\b"`},
		{`[^\S]`, noFlags, `[\t-\r \u{A0}\u{1680}\u{2000}-\u{200A}\u{2028}-\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}]`},
		{`k`, iFlag, `[Kk\u{212A}]`},
		{`s`, iFlag, `[Ss\u{17F}]`},
		{`ab1`, iFlag, `([Aa] [Bb] "1")`},
		{`[a-b]`, iFlag, `[A-Ba-b]`},
		{`[^k]`, iFlag, `[^Kk\u{212A}]`},
		{`\w`, iFlag, `[0-9A-Z_a-z\u{17F}\u{212A}]`},
		{`\W`, iFlag, `[^0-9A-Z_a-z\u{17F}\u{212A}]`},
		{`σ`, iFlag, `[\u{3A3}\u{3C2}-\u{3C3}]`},
		{`1(?i:a)2`, noFlags, `("1" [Aa] "2")`},
		{`(?i:a(?-i:b))`, noFlags, `([Aa] "b")`},
		{`\x41\u0042\u{43}\t\n\v\f\r\0\cJ\cj`, noFlags, `"ABC\t\n\v\f\r\x00\n\n"`},
		{`\^\$\\\.\*\+\?\(\)\[\]\{\}\|\/\-\_`, noFlags, `"^$\\.*+?()[]{}|/-_"`},
		{`\^\$\\\.\*\+\?\(\)\[\]\{\}\|\/[\-]`, strict, `"^$\\.*+?()[]{}|/-"`},
		{`a]}{x}{`, noFlags, `"a]}{x}{"`},
		{`\{\{.+}}`, noFlags, `("{{" [^\n\r\u{2028}-\u{2029}]+ "}}")`},
		{`x{ns}|{`, noFlags, `("x{ns}" | "{")`},
		{`\uD83D\uDE00+`, noFlags, `"😀"+`},
		{`\u{1F600}|é`, noFlags, `[\u{E9}\u{1F600}]`},
		{`\uD83D`, noFlags, `<none>`},
		{`a|\uD83D`, noFlags, `"a"`},
		{`[\uD800-\uDFFF]`, noFlags, `<none>`},
		{`\p{Script=Greek}`, noFlags, `[\u{370}-\u{373}\u{375}-\u{377}\u{37A}-\u{37D}\u{37F}\u{384}\u{386}\u{388}-\u{38A}\u{38C}\u{38E}-\u{3A1}\u{3A3}-\u{3E1}\u{3F0}-\u{3FF}\u{1D26}-\u{1D2A}\u{1D5D}-\u{1D61}\u{1D66}-\u{1D6A}\u{1DBF}\u{1F00}-\u{1F15}\u{1F18}-\u{1F1D}\u{1F20}-\u{1F45}\u{1F48}-\u{1F4D}\u{1F50}-\u{1F57}\u{1F59}\u{1F5B}\u{1F5D}\u{1F5F}-\u{1F7D}\u{1F80}-\u{1FB4}\u{1FB6}-\u{1FC4}\u{1FC6}-\u{1FD3}\u{1FD6}-\u{1FDB}\u{1FDD}-\u{1FEF}\u{1FF2}-\u{1FF4}\u{1FF6}-\u{1FFE}\u{2126}\u{AB65}\u{10140}-\u{1018E}\u{101A0}\u{1D200}-\u{1D245}]`},
		{`\p{ASCII}\P{Any}`, noFlags, `<none>`},
		{`[\p{ASCII}-]`, noFlags, `[\u{0}-\u{7F}]`},
		{`(?<a>x)|(?<a>y)`, noFlags, `[x-y]`},
		// Anchors.
		{`^`, noFlags, `""`},
		{`^$`, noFlags, `""`},
		{`$^`, noFlags, `""`},
		{`^a$`, noFlags, `"a"`},
		{`^a|b$`, noFlags, `[a-b]`},
		{`a^b`, noFlags, `<none>`},
		{`a$b`, noFlags, `<none>`},
		{`a$|b`, noFlags, `[a-b]`},
		{`(?:^a)+`, noFlags, `"a"`},
		{`(?:a$)*`, noFlags, `"a"?`},
		{`(?:^a|b)*c`, noFlags, `(("b"* "c") | ("a" "b"* "c"))`},
		{`(?:^|a)+b`, noFlags, `(("a"+ "b") | ("a"* "b"))`},
		{`(?:^|$)+`, noFlags, `""`},
		{`(?:^|a)(?:$|b)`, noFlags, `("ab" | [a-b] | "")`},
	}
	for _, tt := range tests {
		e, err := Anchored(tt.pattern, tt.flags)
		if err != nil {
			t.Errorf("Anchored(%q, %+v): %v", tt.pattern, tt.flags, err)
			continue
		}
		if got := dump(e); got != tt.want {
			t.Errorf("Anchored(%q, %+v)\n got %s\nwant %s", tt.pattern, tt.flags, got, tt.want)
		}
	}
}

func TestSearchDump(t *testing.T) {
	tests := []struct {
		pattern string
		want    string
	}{
		{``, `[^]*`},
		{`a*`, `[^]*`},
		{`abc`, `([^]* "abc" [^]*)`},
		{`^abc`, `("abc" [^]*)`},
		{`abc$`, `([^]* "abc")`},
		{`^abc$`, `"abc"`},
		{`^`, `[^]*`},
		{`$`, `[^]*`},
		{`^$`, `""`},
		{`^a|b$`, `(("a" [^]*) | ([^]* "b"))`},
		{`^a|b$|c`, `(([^]* "c" [^]*) | ("a" [^]*) | ([^]* "b"))`},
		{`^(a|b)$`, `[a-b]`},
		{`(^a)`, `("a" [^]*)`},
		{`^(?:a)+$`, `"a"+`},
		{`(?:^a|b)*c`, `(([^]* "b"* "c" [^]*) | ("a" "b"* "c" [^]*))`},
		{`a(?:b|$)*`, `(([^]* "a" "b"* [^]*) | ([^]* "a" "b"*))`},
		{`(?:^|a)(?:$|b)`, `(([^]* "ab" [^]*) | ("b" [^]*) | ([^]* "a") | "")`},
		{`(?:^|,)x(?:,|$)`, `(([^]* ",x," [^]*) | ("x," [^]*) | ([^]* ",x") | "x")`},
		{`a^b`, `<none>`},
		{`[]`, `<none>`},
	}
	for _, tt := range tests {
		e, err := Search(tt.pattern, noFlags)
		if err != nil {
			t.Errorf("Search(%q): %v", tt.pattern, err)
			continue
		}
		if got := dump(e); got != tt.want {
			t.Errorf("Search(%q)\n got %s\nwant %s", tt.pattern, got, tt.want)
		}
	}
}

func TestParseString(t *testing.T) {
	tests := []struct{ pattern, want string }{
		{`a|bc*`, `(a|(bc*))`},
		{`(?<x>a)\k<x>\1`, `((?<x>a)\k<x>\1)`},
		{`(?=a)(?<!b)^$\b\B`, `((?=a)(?<!b)^$\b\B)`},
		{`[^a]+?x{2,}`, `([^a]+?x{2,})`},
		{`(?:)`, `()`},
	}
	for _, tt := range tests {
		n, err := Parse(tt.pattern, noFlags)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.pattern, err)
			continue
		}
		if got := n.String(); got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.pattern, got, tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		pattern string
		flags   Flags
		code    Code
		pos     int
		msg     string // a substring of the message
	}{
		{`(`, noFlags, CodeSyntax, 0, "unterminated group"},
		{`(?:a`, noFlags, CodeSyntax, 0, "unterminated group"},
		{`)`, noFlags, CodeSyntax, 0, "unmatched )"},
		{`a)`, noFlags, CodeSyntax, 1, "unmatched )"},
		{`[a`, noFlags, CodeSyntax, 0, "unterminated character class"},
		{`[a-`, noFlags, CodeSyntax, 0, "unterminated character class"},
		{`x[b-a]`, noFlags, CodeSyntax, 2, "out of order"},
		{`[\d-z]`, noFlags, CodeSyntax, 3, "range bound"},
		{`[a-\w]`, noFlags, CodeSyntax, 2, "range bound"},
		{`*a`, noFlags, CodeSyntax, 0, "nothing to repeat"},
		{`a|+`, noFlags, CodeSyntax, 2, "nothing to repeat"},
		{`a**`, noFlags, CodeSyntax, 2, "nothing to repeat"},
		{`a{2}{3}`, noFlags, CodeSyntax, 4, "nothing to repeat"},
		{`a???`, noFlags, CodeSyntax, 3, "nothing to repeat"},
		{`a{2,1}`, noFlags, CodeSyntax, 1, "out of order"},
		{`a{`, strict, CodeSyntax, 1, "lone {"},
		{`a{x}`, strict, CodeSyntax, 1, "lone {"},
		{`a{1`, noFlags, CodeSyntax, 1, "incomplete quantifier"},
		{`a{1,2`, noFlags, CodeSyntax, 1, "incomplete quantifier"},
		{`a{,5}`, noFlags, CodeSyntax, 1, "{,n} is not a quantifier"},
		{`{`, strict, CodeSyntax, 0, "lone {"},
		{`{2}`, noFlags, CodeSyntax, 0, "nothing to repeat"},
		{`a|{2,}`, noFlags, CodeSyntax, 2, "nothing to repeat"},
		{`{2`, noFlags, CodeSyntax, 0, "incomplete quantifier"},
		{`a}`, strict, CodeSyntax, 1, "lone }"},
		{`a]`, strict, CodeSyntax, 1, "lone ]"},
		{`\-`, strict, CodeSyntax, 0, `invalid escape \-`},
		{`[\_]`, strict, CodeSyntax, 1, `invalid escape \_`},
		{`\`, noFlags, CodeSyntax, 0, `\ at the end`},
		{`ab\`, noFlags, CodeSyntax, 2, `\ at the end`},
		{`\a`, noFlags, CodeSyntax, 0, `invalid escape \a`},
		{`x\e`, noFlags, CodeSyntax, 1, `invalid escape \e`},
		{`[\a]`, noFlags, CodeSyntax, 1, `invalid escape \a`},
		{`[\B]`, noFlags, CodeSyntax, 1, `invalid escape \B`},
		{`\c1`, noFlags, CodeSyntax, 0, `\c must be followed`},
		{`\x4`, noFlags, CodeSyntax, 0, `\x must be followed`},
		{`\u12`, noFlags, CodeSyntax, 0, `\u must be followed`},
		{`\u{}`, noFlags, CodeSyntax, 0, `\u{ must be followed`},
		{`\u{110000}`, noFlags, CodeSyntax, 0, `beyond U+10FFFF`},
		{`\01`, noFlags, CodeSyntax, 0, "octal"},
		{`[\1]`, noFlags, CodeSyntax, 1, "character class"},
		{`\1`, noFlags, CodeSyntax, 0, "only 0 capturing groups"},
		{`(a)\2`, noFlags, CodeSyntax, 3, "only 1 capturing groups"},
		{`\k<x>`, noFlags, CodeSyntax, 0, "no group named"},
		{`\k`, noFlags, CodeSyntax, 0, `\k must be followed by <name>`},
		{`(?<a>x)(?<a>y)`, noFlags, CodeSyntax, 7, "duplicate group name"},
		{`(?<a>(?<a>y))`, noFlags, CodeSyntax, 5, "duplicate group name"},
		{`(?<>x)`, noFlags, CodeSyntax, 0, "empty group name"},
		{`(?<1a>x)`, noFlags, CodeSyntax, 3, "invalid character in group name"},
		{`(?<a`, noFlags, CodeSyntax, 0, "unterminated group name"},
		{`(?i)a`, noFlags, CodeSyntax, 0, "inline flags"},
		{`(?ii:a)`, noFlags, CodeSyntax, 3, "repeated"},
		{`[\p{ASCII}--]`, noFlags, CodeSyntax, 10, "range bound"},
		{`(?-:a)`, noFlags, CodeSyntax, 0, "no flag"},
		{`(?x:a)`, noFlags, CodeSyntax, 0, "invalid group"},
		{`(?i-x:a)`, noFlags, CodeSyntax, 4, "invalid flag"},
		{`(?P<n>a)`, noFlags, CodeSyntax, 0, "invalid group"},
		{`\p{Foo}`, noFlags, CodeSyntax, 0, "unknown Unicode property"},
		{`\p{Greek}`, noFlags, CodeSyntax, 0, `\p{Script=Greek}`},
		{`\p{Script=Foo}`, noFlags, CodeSyntax, 0, "unknown script"},
		{`\p{gc=Foo}`, noFlags, CodeSyntax, 0, "General_Category"},
		{`\p{Other_Alphabetic}`, noFlags, CodeSyntax, 0, "unknown Unicode property"},
		{`\pL`, noFlags, CodeSyntax, 0, `\p must be followed by {property}`},
		{`\p{L`, noFlags, CodeSyntax, 0, `unterminated`},
		{`\p{L-u}`, noFlags, CodeSyntax, 0, `invalid Unicode property escape`},
		{`^*`, noFlags, CodeSyntax, 1, "cannot be quantified"},
		{`a$+`, noFlags, CodeSyntax, 2, "cannot be quantified"},
		{`\b+`, noFlags, CodeSyntax, 2, "cannot be quantified"},
		{`(?=a)*`, noFlags, CodeSyntax, 5, "cannot be quantified"},
		{"a\xffb", noFlags, CodeSyntax, 1, "invalid UTF-8"},
		// Valid but refused.
		{`\bfoo`, noFlags, CodeUnsupported, 0, `word boundary \b`},
		{`a\B`, noFlags, CodeUnsupported, 1, `non-word-boundary \B`},
		{`(a)\1`, noFlags, CodeUnsupported, 3, `backreference \1`},
		{`(?<n>a)\k<n>`, noFlags, CodeUnsupported, 7, `backreference \k<n>`},
		{`(?=a)`, noFlags, CodeUnsupported, 0, "lookahead (?="},
		{`a(?!b)`, noFlags, CodeUnsupported, 1, "negative lookahead (?!"},
		{`(?<=a)b`, noFlags, CodeUnsupported, 0, "lookbehind (?<="},
		{`x(?<!a)b`, noFlags, CodeUnsupported, 1, "negative lookbehind (?<!"},
		{`x^a`, Flags{Multiline: true}, CodeUnsupported, 1, "anchor ^ with the m (multiline) flag"},
		{`a(?m:$)`, noFlags, CodeUnsupported, 5, "anchor $ with the m (multiline) flag"},
		{`\p{Emoji}`, noFlags, CodeUnsupported, 0, "no table"},
		{`[\p{EPres}]`, noFlags, CodeUnsupported, 1, "no table"},
		{`\p{scx=Greek}`, noFlags, CodeUnsupported, 0, "Script_Extensions"},
		// Limits.
		{`a{100001}`, noFlags, CodeTooLarge, 1, "limit 100000"},
		{`a{0,100001}`, noFlags, CodeTooLarge, 1, "limit 100000"},
		{`a{99999999999999999999999,}`, noFlags, CodeTooLarge, 1, "limit 100000"},
		{`a{99999999999999999999999,9999999999999999999998}`, noFlags, CodeSyntax, 1, "out of order"},
		{strings.Repeat("a", MaxPatternLen+1), noFlags, CodeTooLarge, MaxPatternLen, "more than the limit"},
		{strings.Repeat("(", MaxNesting+1) + strings.Repeat(")", MaxNesting+1), noFlags, CodeTooLarge, MaxNesting, "nested more than"},
		{strings.Repeat("(?:", 200) + "^a|b$|c" + strings.Repeat("|^d|e$)*", 200), noFlags, CodeTooLarge, -1, "larger than the limit"},
	}
	for _, tt := range tests {
		name := tt.pattern
		if len(name) > 40 {
			name = name[:40] + "..."
		}
		for _, f := range []func(string, Flags) (grammar.Expr, error){Anchored, Search} {
			_, err := f(tt.pattern, tt.flags)
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("%q: got %v, want an *Error", name, err)
				break
			}
			if e.Code != tt.code || (tt.pos >= 0 && e.Pos != tt.pos) || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("%q: got %s (code %q, pos %d), want code %q, pos %d, message with %q", name, e, e.Code, e.Pos, tt.code, tt.pos, tt.msg)
			}
			if errors.Is(err, ErrSyntax) != (tt.code == CodeSyntax) ||
				errors.Is(err, ErrUnsupported) != (tt.code != CodeSyntax) ||
				errors.Is(err, ErrTooLarge) != (tt.code == CodeTooLarge) {
				t.Errorf("%q: errors.Is does not match code %q", name, e.Code)
			}
			if !strings.Contains(e.Error(), "offset") {
				t.Errorf("%q: message %q does not give the offset", name, e.Error())
			}
		}
		// Parse refuses invalid patterns, limits and properties it has no
		// data for; the rest is refused by the translation.
		wantParseErr := tt.code == CodeSyntax || tt.code == CodeTooLarge && tt.pos >= 0 || strings.Contains(tt.pattern, `\p`)
		if _, err := Parse(tt.pattern, tt.flags); (err != nil) != wantParseErr {
			t.Errorf("Parse(%q): %v", name, err)
		}
	}
}

// compileExpr compiles e as the root of a grammar; a nil program is the
// empty language.
func compileExpr(t testing.TB, e grammar.Expr) *automaton.Program {
	t.Helper()
	if a, ok := e.(*grammar.Alt); ok && len(a.Alts) == 0 {
		return nil
	}
	g := &grammar.Grammar{Rules: []*grammar.Rule{{Name: "root", Body: e}}, Root: "root"}
	p, err := compile.Compile(g, nil, compile.Options{})
	if err != nil {
		t.Fatalf("compile %s: %v", dump(e), err)
	}
	return p
}

func accepts(p *automaton.Program, s string) bool {
	if p == nil {
		return false
	}
	ps := automaton.NewParser(p)
	for i := 0; i < len(s); i++ {
		if !ps.Push(s[i]) {
			return false
		}
	}
	return ps.CanStop()
}

func TestLanguages(t *testing.T) {
	tests := []struct {
		pattern        string
		flags          Flags
		search         bool
		accept, reject []string
	}{
		{`^\ud83d\udc32*$`, noFlags, true, []string{"", "🐲", "🐲🐲"}, []string{"\xf0\x9f\x90", "🐉", "🐲a"}},
		{`^.$`, noFlags, true, []string{"a", "é", "😀", "\u2027"}, []string{"", "\n", "\r", "\u2028", "\u2029", "ab"}},
		{`^.$`, sFlag, true, []string{"\n", "\u2028"}, []string{""}},
		{`\P{Lu}`, iFlag, false, []string{"a", "A", "1"}, nil},                     // /\P{Lu}/iu matches A: a is not Lu
		{`^[^\P{Lu}]$`, iFlag, false, []string{"\u03d2"}, []string{"a", "A", "1"}}, // Lu without a lower case
		{`\u212A`, iFlag, false, []string{"k", "K", "\u212A"}, []string{"x"}},
		{`\u0130`, iFlag, false, []string{"\u0130"}, []string{"i", "I", "\u0131"}},
		{`^\p{digit}+$`, noFlags, true, []string{"42", "৪২"}, []string{"-", "4a"}},
		{`\p{Lowercase}\p{Alpha}\p{White_Space}`, noFlags, false, []string{"aB ", "ªb\u3000"}, []string{"AB "}},
		{`\p{Script=Han}+`, noFlags, false, []string{"中文"}, []string{"ab"}},
		{`\p{sc=Grek}`, noFlags, false, []string{"α"}, []string{"a"}},
		{`\p{Cn}`, noFlags, false, []string{"\u0378"}, []string{"a"}},
		{`\p{C}`, noFlags, false, []string{"\u0378", "\x01"}, []string{"a"}},
		{`x{1000}`, noFlags, false, []string{strings.Repeat("x", 1000)}, []string{strings.Repeat("x", 999)}},
	}
	for _, tt := range tests {
		f := Anchored
		if tt.search {
			f = Search
		}
		e, err := f(tt.pattern, tt.flags)
		if err != nil {
			t.Errorf("%q: %v", tt.pattern, err)
			continue
		}
		p := compileExpr(t, e)
		for _, s := range tt.accept {
			if !accepts(p, s) {
				t.Errorf("%q rejects %q", tt.pattern, s)
			}
		}
		for _, s := range tt.reject {
			if accepts(p, s) {
				t.Errorf("%q accepts %q", tt.pattern, s)
			}
		}
	}
}
