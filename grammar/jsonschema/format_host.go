package jsonschema

// hostname and email, exactly: rules of calls, by remaining length.
//
// The validator (validateHostname) takes a name of labels of 1 to 63
// letters, digits and hyphens, not starting or ending with a hyphen,
// joined by dots, at most 253 characters in all (a trailing dot dropped
// first). One automaton must count both the label and the name: about
// 24,000 states on code points, over 100,000 once every character may be
// JSON-escaped. Instead, as for the leap second (buildLeapRules), every
// character is a call of a small NoInline rule that holds its escapes
// (charPatterns), and the name is cut into rules by remaining length:
//
//	N(r): a name of at most r characters: a label, then E;
//	T(r): the last 1 to hostStep characters of a label, r characters
//	      left before them;
//	E(s): the letter or digit that ends a label, then the end of the
//	      name or "." and N(s-1).
//
// N(r) reads a label of up to four characters as a letter or digit and a
// tail, a longer one as its first four characters, chunks of hostStep
// characters (one shared rule) and a tail T: one state per chunk, T and E
// one per character, about 33 states per remaining length, 8,400 in all
// (one call per character would be 2 states per character of a label and
// remaining length, 28,000). A name of k labels is parsed about 3k calls
// deep. A chain of positions is written with one copy per position: C(m)
// = E(...) | [A-] C(m+1) reads the m-th character (a letter or digit may
// end the label), which the subset construction turns into one state per
// position.
//
// Where the validator and the test suite disagree the language is their
// intersection (see format.go): no trailing dot (the suite: "example." is
// not a host name) and, from draft 7 on, no label starting with "xn--" in
// any case (the suite checks A-labels, Punycode-encoded IDNA labels, as
// IDNA2008 does: no regular language; a valid one is a false negative).
// Drafts 4 and 6 (RFC 1034) take such labels (the suite: "xn--4gbwdl" is
// valid there): hostDraft6.
//
// validateEmail takes at most 254 bytes (UTF-8), split at the last "@": a
// local part of 1 to 64 bytes (the validator also takes an empty one, the
// suite does not), either a dot-atom (RFC 5322 atext separated by single
// dots) or a quoted string ("..." without \ or " in it, any other
// character: non-ASCII characters count 2 to 4 bytes), then a domain: an
// address literal ([IPv6:...] as net/netip parses it, [a.b.c.d]) or a
// host name as above (that of the dialect), N(253-k) after a local part of
// k bytes. The local part is read one character a rule (mailFamily).
//
// The validator reads the IPv4 literal with strconv.Atoi, which also takes
// "+1" and "-0" (and "+0001"): those spellings are left out, as in ipv4
// (the suite: "+1.2.3.4" is not an IPv4 address).
//
// The calls cost mask time: a state's mask is a walk of the token trie
// through the parser, not through the rule's DFA (docs/FORMATS.md).

import (
	"fmt"
	"strings"
	"sync"

	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/jsonschema/jsonlex"
)

const (
	maxLabel = 63  // characters of a label
	maxName  = 253 // characters of a host name (without a trailing dot)
	maxEmail = 254 // bytes of an email address
	maxLocal = 64  // bytes of its local part
)

// The character rules: each matches one JSON string character, raw or
// escaped, of its class.
const charRule = "fmt-c-"

var charPatterns = []struct{ name, pattern string }{
	{"alnum", `[A-Za-z0-9]`},
	{"hyphen", `-`},
	{"dot", `\.`},
	// The first two characters of a label, for "xn--": x, another
	// letter or digit; n, another.
	{"x", `[Xx]`},
	{"not-x", `[A-WYZa-wyz0-9]`},
	{"n", `[Nn]`},
	{"not-n", `[A-MO-Za-mo-z0-9]`},
	// Email: RFC 5322 atext, "@", the quote, and the characters of a
	// quoted local part by their UTF-8 length (not \ or ").
	{"atext", "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]"},
	{"at", `@`},
	{"quote", `"`},
	{"q1", `[\u0000-\u0021\u0023-\u005B\u005D-\u007F]`},
	{"q2", `[\u0080-\u07FF]`},
	{"q3", `[\u0800-\uD7FF\uE000-\uFFFF]`},
	{"q4", `[\u{10000}-\u{10FFFF}]`},
}

func char(name string) grammar.Expr { return &grammar.Ref{Name: charRule + name} }

// buildCharRules returns the character rules, the chunk of host names and
// the address literal of email.
func buildCharRules() ([]*grammar.Rule, error) {
	var rules []*grammar.Rule
	for _, c := range charPatterns {
		e, err := escapedAnchored(c.pattern)
		if err != nil {
			return nil, err
		}
		rules = append(rules, &grammar.Rule{Name: charRule + c.name, Body: e, NoInline: true})
	}
	chunk := make([]grammar.Expr, hostStep)
	for i := range chunk {
		chunk[i] = ldhChar()
	}
	rules = append(rules, &grammar.Rule{Name: hostChunk, Body: seq(chunk...), NoInline: true})
	// The domain literal: an IPv6 address (netip.ParseAddr, no zone)
	// after "IPv6:", or an IPv4 address without signs. Its characters are
	// calls too: 163 states instead of 1,488 with the escapes inline.
	e, err := anchored(`\[(?:` + ipv4 + `|IPv6:` + ipv6 + `)\]`)
	if err != nil {
		return nil, err
	}
	byName := map[string]bool{}
	if e, err = callChars(e, func(r *grammar.Rule) {
		if !byName[r.Name] {
			byName[r.Name] = true
			rules = append(rules, r)
		}
	}); err != nil {
		return nil, err
	}
	rules = append(rules, &grammar.Rule{Name: mailLiteral, Body: e, NoInline: true})
	return rules, nil
}

// callChars rewrites the code-point language e so that each character is
// a call of a character rule (its JSON escapes included) named by its
// code points, passed to add.
func callChars(e grammar.Expr, add func(*grammar.Rule)) (grammar.Expr, error) {
	class := func(rs []grammar.Range) (grammar.Expr, error) {
		rs = grammar.NormalizeRanges(rs)
		var b strings.Builder
		b.WriteString(charRule)
		for i, r := range rs {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%x-%x", r.Lo, r.Hi)
		}
		body, err := jsonlex.Escape(&grammar.Class{Ranges: rs})
		if err != nil {
			return nil, err
		}
		add(&grammar.Rule{Name: b.String(), Body: body, NoInline: true})
		return &grammar.Ref{Name: b.String()}, nil
	}
	all := func(xs []grammar.Expr) ([]grammar.Expr, error) {
		out := make([]grammar.Expr, len(xs))
		for i, x := range xs {
			y, err := callChars(x, add)
			if err != nil {
				return nil, err
			}
			out[i] = y
		}
		return out, nil
	}
	switch e := e.(type) {
	case *grammar.Class:
		rs := grammar.ClassRanges(e)
		return class(rs)
	case *grammar.Bytes:
		var items []grammar.Expr
		for _, r := range string(e.B) {
			c, err := class([]grammar.Range{{Lo: r, Hi: r}})
			if err != nil {
				return nil, err
			}
			items = append(items, c)
		}
		return &grammar.Seq{Items: items}, nil
	case *grammar.Seq:
		items, err := all(e.Items)
		return &grammar.Seq{Items: items}, err
	case *grammar.Alt:
		alts, err := all(e.Alts)
		return &grammar.Alt{Alts: alts}, err
	case *grammar.Repeat:
		x, err := callChars(e.X, add)
		return &grammar.Repeat{X: x, Min: e.Min, Max: e.Max}, err
	}
	return nil, fmt.Errorf("callChars: %T", e)
}

const mailLiteral = "fmt-mail-literal"

// A host name family: the rules of the names of a dialect.
type hostFamily struct {
	prefix string // rule names: prefix-<r> (N), -e<s> (E), -t<r> (T)
	noXN   bool   // no label starting with "xn--" (drafts 7 and later)
}

var (
	hostDraft7 = hostFamily{prefix: "fmt-host", noXN: true}
	hostDraft6 = hostFamily{prefix: "fmt-host6"}
)

// hostStep is the length of the chunks in which N(r) reads a long label.
const hostStep = 8

const hostChunk = "fmt-host-chunk" // hostStep letters, digits or hyphens

func (f hostFamily) name(r int) string { return fmt.Sprintf("%s-%d", f.prefix, r) }
func (f hostFamily) end(s int) string  { return fmt.Sprintf("%s-e%d", f.prefix, s) }
func (f hostFamily) tail(r int) string { return fmt.Sprintf("%s-t%d", f.prefix, r) }

func ldhChar() grammar.Expr { return alt(char("alnum"), char("hyphen")) }

// rules returns the rules of the family, each after the rules it needs to
// derive a string (prune and compile then find every rule productive in
// one pass): E, T, N.
func (f hostFamily) rules() []*grammar.Rule {
	var rules []*grammar.Rule
	add := func(name string, e grammar.Expr) {
		rules = append(rules, &grammar.Rule{Name: name, Body: e, NoInline: true})
	}
	// E(s): the letter or digit that ends a label, then the end of the
	// name or "." and N(s-1) (s characters are left after the label).
	for s := 0; s < maxName; s++ {
		e := char("alnum")
		if s >= 2 {
			e = seq(e, alt(&grammar.Seq{}, seq(char("dot"), &grammar.Ref{Name: f.name(s - 1)})))
		}
		add(f.end(s), e)
	}
	// T(r): the last 1 to hostStep characters of a label, r characters
	// left before them.
	for r := hostStep; r <= maxName; r++ {
		add(f.tail(r), f.tailExpr(r, hostStep))
	}
	for r := 1; r <= maxName; r++ {
		add(f.name(r), f.nameBody(r))
	}
	return rules
}

// tailExpr is the last 1 to n characters of a label, r characters left
// before them: C(1), where C(m) = E(r-m) | [A-] C(m+1) reads the m-th
// character (a letter or digit may end the label).
func (f hostFamily) tailExpr(r, n int) grammar.Expr {
	var e grammar.Expr
	for m := n; m >= 1; m-- {
		c := grammar.Expr(&grammar.Ref{Name: f.end(r - m)})
		if e != nil {
			c = alt(c, seq(ldhChar(), e))
		}
		e = c
	}
	return e
}

// nameBody is N(r): a label (at most min(63, r) characters) ending in
// E(s), s the characters left after it. A label of up to four characters
// is a letter or digit and a tail (never "xn--..."); a longer one is the
// head, chunks of hostStep characters and a tail: the chain of N(r) has a
// state per chunk, T and E a state per character, so that a label costs
// about 63/hostStep + hostStep states per remaining length instead of
// 2*63.
func (f hostFamily) nameBody(r int) grammar.Expr {
	l := min(maxLabel, r)
	short := grammar.Expr(&grammar.Ref{Name: f.end(r - 1)})
	if l >= 2 {
		short = alt(short, seq(char("alnum"), f.tailExpr(r-1, min(3, l-1))))
	}
	if l < 5 {
		return short
	}
	// chain(j): after j characters (j = 4 + k*hostStep < l), a tail or a
	// chunk and chain(j+hostStep).
	var chain grammar.Expr
	for j := 4 + (l-5)/hostStep*hostStep; j >= 4; j -= hostStep {
		t := grammar.Expr(&grammar.Ref{Name: f.tail(r - j)})
		if l-j < hostStep {
			t = f.tailExpr(r-j, l-j)
		}
		if chain != nil {
			t = alt(t, seq(&grammar.Ref{Name: hostChunk}, chain))
		}
		chain = t
	}
	return alt(short, seq(f.head(), chain))
}

// head is the first four characters of a label of five or more (not
// "xn--" where noXN).
func (f hostFamily) head() grammar.Expr {
	if !f.noXN {
		return seq(char("alnum"), ldhChar(), ldhChar(), ldhChar())
	}
	return alt(
		seq(char("not-x"), ldhChar(), ldhChar(), ldhChar()),
		seq(char("x"), alt(char("not-n"), char("hyphen")), ldhChar(), ldhChar()),
		seq(char("x"), char("n"), char("alnum"), ldhChar()),
		seq(char("x"), char("n"), char("hyphen"), char("alnum")), // not "xn--"
	)
}

// A mail family: the rules of an email address whose domain names are of
// a host family.
type mailFamily struct {
	prefix string // the address rule; prefix-at<k> (AT), -l<k> (L), -q<b> (Q)
	host   hostFamily
}

var (
	mailDraft7 = mailFamily{prefix: "fmt-mail", host: hostDraft7}
	mailDraft6 = mailFamily{prefix: "fmt-mail6", host: hostDraft6}
)

func (f mailFamily) ref(kind string, n int) grammar.Expr {
	return &grammar.Ref{Name: fmt.Sprintf("%s-%s%d", f.prefix, kind, n)}
}

// rules returns the rules of the address (each after the rules it needs
// to derive a string: AT, L, Q, the address). The local part is read one
// character a rule: L(k), after an atext character that is byte k, is
// "@" and the domain, another atext character and L(k+1), or "." and an
// atext character and L(k+2); Q(b) is the rest of a quoted local part
// after b bytes.
func (f mailFamily) rules() []*grammar.Rule {
	var rules []*grammar.Rule
	add := func(name string, e grammar.Expr) {
		rules = append(rules, &grammar.Rule{Name: name, Body: e, NoInline: true})
	}
	// AT(k): "@", then a host name of at most 254-k-1 characters or the
	// address literal (at most 52).
	for k := 1; k <= maxLocal; k++ {
		add(fmt.Sprintf("%s-at%d", f.prefix, k), seq(char("at"),
			alt(&grammar.Ref{Name: f.host.name(maxEmail - k - 1)}, &grammar.Ref{Name: mailLiteral})))
	}
	for k := maxLocal; k >= 1; k-- {
		alts := []grammar.Expr{f.ref("at", k)}
		if k+1 <= maxLocal {
			alts = append(alts, seq(char("atext"), f.ref("l", k+1)))
		}
		if k+2 <= maxLocal {
			alts = append(alts, seq(char("dot"), char("atext"), f.ref("l", k+2)))
		}
		add(fmt.Sprintf("%s-l%d", f.prefix, k), alt(alts...))
	}
	// Q(b): after b bytes of a quoted local part (its quote included), a
	// character and Q(b + its UTF-8 length), or the closing quote (byte
	// b+1).
	for b := maxLocal - 1; b >= 1; b-- {
		alts := []grammar.Expr{seq(char("quote"), f.ref("at", b+1))}
		for n := 1; n <= 4 && b+n+1 <= maxLocal; n++ {
			alts = append(alts, seq(char(fmt.Sprintf("q%d", n)), f.ref("q", b+n)))
		}
		add(fmt.Sprintf("%s-q%d", f.prefix, b), alt(alts...))
	}
	add(f.prefix, alt(seq(char("atext"), f.ref("l", 1)), seq(char("quote"), f.ref("q", 1))))
	return rules
}

// The rule sets of the call formats (see callFormats), built once.
type ruleSet struct {
	once  sync.Once
	build func() ([]*grammar.Rule, error)
	rules []*grammar.Rule
	err   error
}

func (s *ruleSet) get() []*grammar.Rule {
	s.once.Do(func() { s.rules, s.err = s.build() })
	if s.err != nil {
		panic(fmt.Sprintf("format rules: %v", s.err))
	}
	return s.rules
}

func staticRules(f func() []*grammar.Rule) func() ([]*grammar.Rule, error) {
	return func() ([]*grammar.Rule, error) { return f(), nil }
}

// ruleSets by name, in ruleSetOrder: callees first.
var (
	ruleSetOrder = []string{"leap", "chars", "host6", "host", "mail6", "mail"}
	ruleSets     = map[string]*ruleSet{
		"leap":  {build: buildLeapRules},
		"chars": {build: buildCharRules},
		"host6": {build: staticRules(hostDraft6.rules)},
		"host":  {build: staticRules(hostDraft7.rules)},
		"mail6": {build: staticRules(mailDraft6.rules)},
		"mail":  {build: staticRules(mailDraft7.rules)},
	}
)

// formatRules returns the rules of the named sets (a copy: callers own
// their IR).
func formatRules(sets map[string]bool) []*grammar.Rule {
	var out []*grammar.Rule
	for _, name := range ruleSetOrder {
		if !sets[name] {
			continue
		}
		for _, r := range ruleSets[name].get() {
			out = append(out, &grammar.Rule{Name: r.Name, Body: grammar.Clone(r.Body), NoInline: true})
		}
	}
	return out
}
