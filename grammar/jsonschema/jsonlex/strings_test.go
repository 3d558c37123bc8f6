package jsonlex

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gramc/gramc/grammar"
)

// encodeRune writes c as one random valid JSON string encoding.
func encodeRune(r *rand.Rand, c rune) string {
	var forms []string
	if c >= 0x20 && c != '"' && c != '\\' {
		forms = append(forms, string(c))
	}
	for _, s := range shortEscapes {
		if s.r == c {
			forms = append(forms, `\`+string(s.letter))
		}
	}
	hex := func(v int) string {
		h := []byte(fmt.Sprintf("%04x", v))
		for i := range h {
			if h[i] >= 'a' && r.Intn(2) == 0 {
				h[i] -= 'a' - 'A'
			}
		}
		return `\u` + string(h)
	}
	if c < 0x10000 {
		forms = append(forms, hex(int(c)))
	} else {
		h, l := surrogates(c)
		forms = append(forms, hex(h)+hex(l))
	}
	return forms[r.Intn(len(forms))]
}

// encode writes s as random valid JSON string content.
func encode(r *rand.Rand, s string) string {
	var b strings.Builder
	for _, c := range s {
		b.WriteString(encodeRune(r, c))
	}
	return b.String()
}

// runePool are the code points the string tests draw from.
var runePool = []rune{
	'a', 'b', 'c', 'x', 'y', 'z', 'A', '0', '9', ' ', '"', '\\', '/', '\'', 0, 1, '\b', '\t', '\n', '\f', '\r', 0x1F, 0x7F,
	0x80, 'é', 'ü', 0x7FF, 0x800, '€', 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x1F64F, 0x10400, 0x10401,
	0x10FFFF, '中', 'u', 'D', 'd',
}

func randString(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(runePool[r.Intn(len(runePool))])
	}
	return b.String()
}

// checkDecodes verifies the test generator against encoding/json.
func checkDecodes(t *testing.T, enc, want string) {
	t.Helper()
	var got string
	if err := json.Unmarshal([]byte(`"`+enc+`"`), &got); err != nil || got != want {
		t.Fatalf("generator: %q decodes to %q (%v), want %q", enc, got, err, want)
	}
}

// invalidStrings are quoted texts that are not JSON strings.
var invalidStrings = []string{
	`"\x41"`, `"\U0041"`, `"\'"`, `"\0"`, `"\a"`, `"\ud800"`, `"\uDC00"`, `"\uDC00\uD800"`, `"\ud800x"`, `"\ud800\u0041"`,
	`"\uD83D\uD83D"`, `"\u12"`, `"\u00G1"`, `"\u{41}"`, `"\"`, `"a"b"`, `"abc`, `abc"`, `"\`, "\"\x01\"", "\"\n\"",
	"\"\t\"", "\"\x1f\"", "\"\xff\"", "\"\xed\xa0\x80\"", "\"\xc0\xaf\"", "\"a\x80\"", `"\u00e"`, `"\uD83D\u"`, `"\uD83D\uDE0"`,
}

func TestChar(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(3))
	l := compileExpr(t, Quoted(Length(0, grammar.Unbounded)))
	for range 3000 {
		s := randString(r, r.Intn(8))
		enc := encode(r, s)
		checkDecodes(t, enc, s)
		if !l.accepts(`"` + enc + `"`) {
			t.Errorf("valid string %q rejected", enc)
		}
	}
	for _, s := range []string{`"\uD83D\uDE00"`, `"\ud83d\ude00"`, `"\uDbFf\uDfFf"`, `"\uD800\uDC00"`, `"\u0000"`, `"\uFFFF"`, `"\uFfFf"`, `"\/"`, `"\b\f\n\r\t\"\\"`, "\"\x7f\"", `""`} {
		if !l.accepts(s) {
			t.Errorf("valid string %s rejected", s)
		}
	}
	for _, s := range invalidStrings {
		if l.accepts(s) {
			t.Errorf("invalid string %q accepted", s)
		}
	}
}

func TestLength(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(4))
	for _, c := range [][2]int{{0, 0}, {2, 4}, {1, grammar.Unbounded}, {3, 3}} {
		l := compileExpr(t, Quoted(Length(c[0], c[1])))
		for range 1500 {
			s := randString(r, r.Intn(7))
			n := utf8.RuneCountInString(s)
			want := n >= c[0] && (c[1] == grammar.Unbounded || n <= c[1])
			if got := l.accepts(`"` + encode(r, s) + `"`); got != want {
				t.Errorf("Length(%d, %d): %q (%d code points) accepted=%v", c[0], c[1], s, n, got)
			}
		}
		for _, s := range invalidStrings {
			if l.accepts(s) {
				t.Errorf("Length(%d, %d): invalid string %q accepted", c[0], c[1], s)
			}
		}
	}
}

// mutate changes s a little (replace, insert or delete one code point).
func mutate(r *rand.Rand, s string) string {
	rs := []rune(s)
	i := r.Intn(len(rs) + 1)
	switch r.Intn(3) {
	case 0:
		if i < len(rs) {
			rs[i] = runePool[r.Intn(len(runePool))]
			break
		}
		fallthrough
	case 1:
		rs = append(rs[:i], append([]rune{runePool[r.Intn(len(runePool))]}, rs[i:]...)...)
	case 2:
		if i < len(rs) {
			rs = append(rs[:i], rs[i+1:]...)
		}
	}
	return string(rs)
}

func TestLiteral(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(5))
	for range 150 {
		s := randString(r, r.Intn(6))
		l := compileExpr(t, Quoted(Literal(s)))
		for range 20 {
			enc := encode(r, s)
			checkDecodes(t, enc, s)
			if !l.accepts(`"` + enc + `"`) {
				t.Errorf("Literal(%q): encoding %q rejected", s, enc)
			}
			o := mutate(r, s)
			if got := l.accepts(`"` + encode(r, o) + `"`); got != (o == s) {
				t.Errorf("Literal(%q): %q accepted=%v", s, o, got)
			}
		}
		for _, bad := range invalidStrings {
			if l.accepts(bad) {
				t.Errorf("Literal(%q): invalid %q accepted", s, bad)
			}
		}
	}
	// Invalid UTF-8 stands for U+FFFD.
	l := compileExpr(t, Quoted(Literal("a\xffb")))
	if !l.accepts("\"a\uFFFDb\"") || !l.accepts(`"a\ufffdb"`) || l.accepts("\"a\xffb\"") {
		t.Error(`Literal("a\xffb") is not the literal "a\uFFFDb"`)
	}
}

func cls(neg bool, rs ...rune) *grammar.Class {
	c := &grammar.Class{Negated: neg}
	for i := 0; i+1 < len(rs); i += 2 {
		c.Ranges = append(c.Ranges, grammar.Range{Lo: rs[i], Hi: rs[i+1]})
	}
	return c
}

// sample draws a random string of the code-point language of e.
func sample(r *rand.Rand, e grammar.Expr) string {
	switch e := e.(type) {
	case *grammar.Bytes:
		return string(e.B)
	case *grammar.Class:
		rs := grammar.NormalizeRanges(e.Ranges)
		if e.Negated {
			rs = grammar.NegateRanges(rs)
		}
		x := rs[r.Intn(len(rs))]
		switch r.Intn(4) {
		case 0:
			return string(x.Lo)
		case 1:
			return string(x.Hi)
		}
		return string(x.Lo + rune(r.Int63n(int64(x.Hi-x.Lo)+1)))
	case *grammar.Seq:
		var b strings.Builder
		for _, x := range e.Items {
			b.WriteString(sample(r, x))
		}
		return b.String()
	case *grammar.Alt:
		return sample(r, e.Alts[r.Intn(len(e.Alts))])
	case *grammar.Repeat:
		hi := e.Max
		if hi == grammar.Unbounded {
			hi = e.Min + 4
		}
		var b strings.Builder
		for range e.Min + r.Intn(hi-e.Min+1) {
			b.WriteString(sample(r, e.X))
		}
		return b.String()
	case *grammar.And:
		return sample(r, e.Items[r.Intn(len(e.Items))])
	case *grammar.Not:
		return sample(r, e.Within)
	}
	panic(fmt.Sprintf("sample %T", e))
}

func TestEscape(t *testing.T) {
	t.Parallel()
	any := cls(true)
	re := func(p string) func(string) bool { return regexp.MustCompile(`^(?s:` + p + `)$`).MatchString }
	abc := &grammar.Repeat{X: cls(false, 'a', 'c'), Min: 0, Max: grammar.Unbounded}
	for _, c := range []struct {
		name string
		e    grammar.Expr
		in   func(string) bool
	}{
		{"any", any, re(`.`)},
		{"a-z", cls(false, 'a', 'z'), re(`[a-z]`)},
		{"not a", cls(true, 'a', 'a'), re(`[^a]`)},
		{"specials", cls(false, 0, 0x1F, '"', '"', '\\', '\\'), re(`[\x00-\x1f"\\]`)},
		{"non-ascii", cls(false, 0x80, 0x10FFFF), re(`[\x{80}-\x{10FFFF}]`)},
		{"astral parts", cls(false, 0x1F600, 0x1F64F, 0x10000, 0x10400), re(`[\x{1F600}-\x{1F64F}\x{10000}-\x{10400}]`)},
		{"around surrogates", cls(false, 0xD000, 0xE100), re(`[\x{D000}-\x{E100}]`)},
		{"surrogate ends", cls(false, 0xD7FF, 0xD7FF, 0xE000, 0xE000, '/', '/', '\n', '\n'), re(`[\x{D7FF}\x{E000}/\n]`)},
		{"seq", &grammar.Seq{Items: []grammar.Expr{cls(false, 'a', 'c'), &grammar.Repeat{X: cls(true, '"', '"', '\\', '\\'), Min: 0, Max: 3},
			grammar.Lit("é😀\t\"/"), &grammar.Alt{Alts: []grammar.Expr{grammar.Lit("x"), grammar.Lit("yz")}}}},
			re(`[a-c][^"\\]{0,3}é😀\t"/(?:x|yz)`)},
		{"ascii+", &grammar.Repeat{X: cls(false, 0, 0x7F), Min: 1, Max: grammar.Unbounded}, re(`[\x00-\x7f]+`)},
		{"and", &grammar.And{Items: []grammar.Expr{abc, &grammar.Repeat{X: any, Min: 2, Max: 3}}}, re(`[a-c]{2,3}`)},
		{"not", &grammar.Not{X: grammar.Lit("ab"), Within: &grammar.Repeat{X: cls(false, 'a', 'b'), Min: 0, Max: 3}}, func(s string) bool {
			return s != "ab" && regexp.MustCompile(`^[ab]{0,3}$`).MatchString(s)
		}},
	} {
		r := rand.New(rand.NewSource(6))
		x, err := Escape(c.e)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		l := compileExpr(t, Quoted(x))
		pos := 0
		for range 800 {
			var s string
			switch r.Intn(3) {
			case 0:
				s = sample(r, c.e)
			case 1:
				s = mutate(r, sample(r, c.e))
			default:
				s = randString(r, r.Intn(4))
			}
			enc := encode(r, s)
			checkDecodes(t, enc, s)
			want := c.in(s)
			if want {
				pos++
			}
			if got := l.accepts(`"` + enc + `"`); got != want {
				t.Errorf("%s: %q (encoded %q) accepted=%v, want %v", c.name, s, enc, got, want)
			}
		}
		for _, bad := range invalidStrings {
			if l.accepts(bad) {
				t.Errorf("%s: invalid %q accepted", c.name, bad)
			}
		}
		if pos < 50 {
			t.Errorf("%s: only %d members tested", c.name, pos)
		}
	}
}

func TestEscapeErrors(t *testing.T) {
	for _, e := range []grammar.Expr{
		&grammar.Ref{Name: "x"},
		&grammar.Token{IDs: []int32{1}},
		&grammar.Perm{Open: grammar.Lit("{"), Sep: grammar.Lit(","), Close: grammar.Lit("}")},
		&grammar.Seq{Items: []grammar.Expr{grammar.Lit("a"), &grammar.Ref{Name: "x"}}},
		&grammar.Bytes{B: []byte{'a', 0xff}},
		nil,
	} {
		if _, err := Escape(e); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Escape(%T): err = %v, want ErrUnsupported", e, err)
		}
	}
	// An empty class escapes to the empty language.
	x, err := Escape(&grammar.Class{})
	if err != nil || !isNone(x) {
		t.Errorf("Escape(empty class) = %v, %v", x, err)
	}
}

// TestStringSizes keeps the string automata small.
func TestStringSizes(t *testing.T) {
	for _, c := range []struct {
		name string
		e    grammar.Expr
		max  int
	}{
		{"Char", Char(), 60},
		{"any", must(Escape(cls(true))), 60},
		{"[^a]", must(Escape(cls(true, 'a', 'a'))), 100},
		{"[^a]*", must(Escape(&grammar.Repeat{X: cls(true, 'a', 'a'), Min: 0, Max: grammar.Unbounded})), 100},
		{"astral parts", must(Escape(cls(false, 0x1F600, 0x1F64F, 0x10000, 0x10400))), 100},
		{"Literal", Literal("héllo😀"), 100},
	} {
		n := compileExpr(t, c.e).states()
		t.Logf("%s: %d states, %d expression nodes", c.name, n, treeSize(c.e))
		if n > c.max {
			t.Errorf("%s: %d states, more than %d", c.name, n, c.max)
		}
	}
}

func must(e grammar.Expr, err error) grammar.Expr {
	if err != nil {
		panic(err)
	}
	return e
}
