// Package tags builds tag-triggered grammars, the shape of tool calling:
// the model writes free text until a trigger — a string such as
// <tool_call> or a special token such as Llama's <|python_tag|> — appears,
// then a sub-grammar (a JSON function call, say) is enforced, then the
// output returns to free text or ends.
//
// The construction is exact, in the IR: free text is
//
//	grammar.Not{X: Any* (t1 | t2 | ...) Any*, Within: Any*}
//
// over code points (Any is the class of all code points), where t1, t2 ...
// are the text triggers and the excluded strings, so free text never
// contains a trigger and a complete trigger always starts its section.
// When a trigger could begin inside the free text and end inside the
// trigger that follows (a string whose proper prefix is a proper suffix of
// some trigger, like "aab" after "a"), the free text and its trigger are
// built together as the strings that end with the trigger and contain no
// trigger that ends earlier (an And of two regular expressions), so that
// the first complete trigger is the one that starts the section, as an
// Aho-Corasick dispatcher (XGrammar's TagDispatch) would decide. Special
// tokens are not text: a token trigger is a token edge (grammar.Token)
// after the free text, which then excludes only the text triggers.
//
// Free text may end anywhere, even in the middle of a trigger's prefix
// (a final "<tool_ca" is free text), unless Spec.Required asks for at
// least one section.
//
// Tool-call formats: ToolCall builds the JSON function-call grammar
// {"name": "<tool>", "<args>": <arguments>} for a list of tools (each with
// a JSON Schema for its arguments, compiled by package jsonschema), and
// Qwen3, Llama31 and Generic return the Spec of three families' formats.
package tags

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gramc/gramc/grammar"
)

// Marker is a piece of output matched either as text (its bytes) or as
// one token. Exactly one of Text and Token is set; the zero Marker is
// empty (used for an absent End).
type Marker struct {
	Text  string
	Token *grammar.Token // a token by id or by text, as in grammar.Token
}

func (m Marker) empty() bool { return m.Text == "" && m.Token == nil }

func (m Marker) expr() grammar.Expr {
	if m.Token != nil {
		t := *m.Token
		t.IDs = append([]int32(nil), m.Token.IDs...)
		t.Names = append([]string(nil), m.Token.Names...)
		return &t
	}
	return grammar.Lit(m.Text)
}

func (m Marker) String() string {
	if m.Token != nil {
		return grammar.Format(m.Token)
	}
	return fmt.Sprintf("%q", m.Text)
}

// Tag is one kind of constrained section: its trigger (Begin), what must
// follow (Content, whose root rule is matched right after Begin) and an
// optional closing marker (End).
type Tag struct {
	Begin   Marker
	Content *grammar.Grammar // nil: nothing between Begin and End
	End     Marker
}

// Spec describes a tag-triggered grammar.
type Spec struct {
	// Tags are the sections that may interrupt the free text. Several tags
	// may share a trigger: the section is then any of their contents.
	Tags []Tag
	// Stop ends the output after the first section (the model emits EOS
	// there). Otherwise free text resumes after each section and more
	// sections may follow.
	Stop bool
	// Required refuses outputs without a section: free text alone does not
	// match.
	Required bool
	// MaxFreeBytes bounds every run of free text to that many bytes (0:
	// unbounded). The bound is exact and compiled into the automaton: the
	// free-text automaton gets about MaxFreeBytes × (trigger length + 1)
	// states, each with a precomputed mask, so compile time grows with
	// it (about 3 s for 20 bytes and a <tool_call> trigger with a 128k
	// vocabulary). Keep it small, or bound tokens in the engine instead.
	MaxFreeBytes int
	// Excludes are strings that free text may not contain, besides the
	// text triggers (an outer stop string, for example).
	Excludes []string
}

// MaxFreeBytesLimit is the largest Spec.MaxFreeBytes accepted.
const MaxFreeBytesLimit = 4096

// ErrSpec is the error code of a malformed Spec.
const ErrSpec grammar.ErrorCode = "bad tag specification"

// Rule names of the output. Content grammars are embedded with their rules
// renamed tag<i>-<name> (i counts tags from 1).
const (
	RootRule    = "root"
	FreeRule    = "free-text"
	SectionRule = "section"
)

// Triggered builds the grammar of spec. Its root rule is "root". Errors
// are *grammar.Error values with code ErrSpec, or the content grammars'
// validation errors.
func Triggered(spec Spec) (*grammar.Grammar, error) {
	g := &grammar.Grammar{Root: RootRule}
	content := make([]grammar.Expr, len(spec.Tags))
	var embedded []*grammar.Rule
	for i, tg := range spec.Tags {
		if tg.Content == nil {
			continue
		}
		if tg.Content.Rule(tg.Content.Root) == nil {
			return nil, grammar.Errorf(grammar.Pos{}, ErrSpec, "tag %d: content grammar has no root rule %q", i+1, tg.Content.Root)
		}
		sub := &grammar.Grammar{}
		content[i] = ref(embed(sub, tg.Content, fmt.Sprintf("tag%d-", i+1)))
		embedded = append(embedded, sub.Rules...)
	}
	rules, err := Rules(spec, "", content)
	if err != nil {
		return nil, err
	}
	g.Rules = append(rules, embedded...)
	if err := grammar.Validate(g); err != nil {
		return nil, err
	}
	return g, nil
}

// Rules returns the rules of spec's grammar for embedding in another
// grammar: their names are RootRule, FreeRule and SectionRule with prefix
// in front, the first is the root, and the content of tag i is content[i]
// (nil for none; typically a reference to a rule of the enclosing grammar)
// instead of Tag.Content, which is ignored. Front ends use it for dispatch
// constructs written inside a grammar, such as XGrammar's TagDispatch.
func Rules(spec Spec, prefix string, content []grammar.Expr) ([]*grammar.Rule, error) {
	if err := check(spec); err != nil {
		return nil, err
	}
	if len(content) != len(spec.Tags) {
		return nil, grammar.Errorf(grammar.Pos{}, ErrSpec, "%d contents for %d tags", len(content), len(spec.Tags))
	}
	var stops []string // what free text may not contain
	seen := map[string]bool{}
	for _, tg := range spec.Tags {
		if tg.Begin.Token == nil && !seen[tg.Begin.Text] {
			seen[tg.Begin.Text] = true
			stops = append(stops, tg.Begin.Text)
		}
	}
	for _, x := range spec.Excludes {
		if !seen[x] {
			seen[x] = true
			stops = append(stops, x)
		}
	}
	rootName, freeName, sectionName := prefix+RootRule, prefix+FreeRule, prefix+SectionRule
	root := &grammar.Rule{Name: rootName}
	rules := []*grammar.Rule{root, {Name: freeName, Body: freeText(stops, spec.MaxFreeBytes)}}
	var sections []grammar.Expr
	for i, tg := range spec.Tags {
		var lead grammar.Expr
		switch {
		case tg.Begin.Token != nil:
			lead = seq(ref(freeName), tg.Begin.expr())
		case straddles(tg.Begin.Text, stops):
			lead = freeThen(tg.Begin.Text, stops, spec.MaxFreeBytes)
		default:
			lead = seq(ref(freeName), tg.Begin.expr())
		}
		items := []grammar.Expr{lead}
		if content[i] != nil {
			items = append(items, grammar.Clone(content[i]))
		}
		if !tg.End.empty() {
			items = append(items, tg.End.expr())
		}
		sections = append(sections, seq(items...))
	}
	var section grammar.Expr = &grammar.Alt{Alts: sections}
	if len(sections) == 1 {
		section = sections[0]
	}
	rules = append(rules, &grammar.Rule{Name: sectionName, Body: section})
	switch {
	case spec.Stop && spec.Required:
		root.Body = ref(sectionName)
	case spec.Stop:
		root.Body = &grammar.Alt{Alts: []grammar.Expr{ref(freeName), ref(sectionName)}}
	case spec.Required:
		root.Body = seq(&grammar.Repeat{X: ref(sectionName), Min: 1, Max: grammar.Unbounded}, ref(freeName))
	default:
		root.Body = seq(&grammar.Repeat{X: ref(sectionName), Min: 0, Max: grammar.Unbounded}, ref(freeName))
	}
	return rules, nil
}

func check(spec Spec) error {
	bad := func(format string, args ...any) error {
		return grammar.Errorf(grammar.Pos{}, ErrSpec, format, args...)
	}
	if len(spec.Tags) == 0 {
		return bad("no tags")
	}
	if spec.MaxFreeBytes < 0 || spec.MaxFreeBytes > MaxFreeBytesLimit {
		return bad("MaxFreeBytes %d is not between 0 and %d", spec.MaxFreeBytes, MaxFreeBytesLimit)
	}
	var texts []string
	for i, tg := range spec.Tags {
		switch {
		case tg.Begin.Text != "" && tg.Begin.Token != nil:
			return bad("tag %d: Begin has both a text and a token", i+1)
		case tg.Begin.empty():
			return bad("tag %d: empty trigger (Begin)", i+1)
		case tg.End.Text != "" && tg.End.Token != nil:
			return bad("tag %d: End has both a text and a token", i+1)
		case tg.Begin.Token != nil && len(tg.Begin.Token.IDs)+len(tg.Begin.Token.Names) == 0:
			return bad("tag %d: trigger token lists no token", i+1)
		case tg.Begin.Token != nil && tg.Begin.Token.Negated:
			return bad("tag %d: a trigger token cannot be negated", i+1)
		}
		if !utf8.ValidString(tg.Begin.Text) || !utf8.ValidString(tg.End.Text) {
			return bad("tag %d: marker text is not valid UTF-8", i+1)
		}
		if tg.Begin.Token == nil {
			texts = append(texts, tg.Begin.Text)
		}
	}
	for _, x := range spec.Excludes {
		if x == "" || !utf8.ValidString(x) {
			return bad("excluded string %q is empty or not valid UTF-8", x)
		}
		texts = append(texts, x)
	}
	for _, t := range texts {
		for _, u := range texts {
			if u != t && strings.Contains(t, u) {
				return bad("trigger or excluded string %q contains %q: it could never start a section", t, u)
			}
		}
	}
	return nil
}

func ref(name string) grammar.Expr { return &grammar.Ref{Name: name} }

func seq(items ...grammar.Expr) grammar.Expr {
	if len(items) == 1 {
		return items[0]
	}
	return &grammar.Seq{Items: items}
}

func anyChar() grammar.Expr { return &grammar.Class{Negated: true} }

func anyString() grammar.Expr {
	return &grammar.Repeat{X: anyChar(), Min: 0, Max: grammar.Unbounded}
}

func alt(strs []string) grammar.Expr {
	if len(strs) == 1 {
		return grammar.Lit(strs[0])
	}
	a := &grammar.Alt{}
	for _, s := range strs {
		a.Alts = append(a.Alts, grammar.Lit(s))
	}
	return a
}

// freeText matches the strings that contain none of stops, of at most max
// bytes when max > 0.
func freeText(stops []string, max int) grammar.Expr {
	var free grammar.Expr = anyString()
	if len(stops) > 0 {
		free = &grammar.Not{X: seq(anyString(), alt(stops), anyString()), Within: anyString()}
	}
	return bounded(free, max)
}

// freeThen matches free text followed by the trigger t, when a stop string
// could straddle the two: the strings that end with t and in which no stop
// string ends before the last character.
func freeThen(t string, stops []string, max int) grammar.Expr {
	e := &grammar.And{Items: []grammar.Expr{
		seq(anyString(), grammar.Lit(t)),
		&grammar.Not{X: seq(anyString(), alt(stops), anyChar(), anyString()), Within: anyString()},
	}}
	if max > 0 {
		return bounded(e, max+len(t))
	}
	return e
}

// bounded intersects e with the strings of at most max bytes (max > 0).
func bounded(e grammar.Expr, max int) grammar.Expr {
	if max <= 0 {
		return e
	}
	// One byte: an ASCII character, or any byte 0x80-0xFF (e keeps the
	// whole string well-formed UTF-8).
	oneByte := &grammar.Alt{Alts: []grammar.Expr{&grammar.Class{Ranges: []grammar.Range{{Lo: 0, Hi: 0x7F}}}}}
	for b := 0x80; b <= 0xFF; b++ {
		if b == 0xC0 || b == 0xC1 || b >= 0xF5 {
			continue // never in UTF-8
		}
		oneByte.Alts = append(oneByte.Alts, &grammar.Bytes{B: []byte{byte(b)}})
	}
	return &grammar.And{Items: []grammar.Expr{e, &grammar.Repeat{X: oneByte, Min: 0, Max: max}}}
}

// straddles reports whether a stop string could start in the free text
// and end inside t before its end: whether some non-empty proper prefix
// of t is a proper suffix of a stop string.
func straddles(t string, stops []string) bool {
	for k := 1; k < len(t); k++ {
		for _, s := range stops {
			if len(s) > k && strings.HasSuffix(s, t[:k]) {
				return true
			}
		}
	}
	return false
}

// embed copies sub's rules into g under the prefix and returns the new
// name of sub's root.
func embed(g *grammar.Grammar, sub *grammar.Grammar, prefix string) string {
	rename := map[string]string{}
	for _, r := range sub.Rules {
		rename[r.Name] = prefix + r.Name
	}
	for _, r := range sub.Rules {
		body := grammar.Clone(r.Body)
		grammar.Walk(body, func(e grammar.Expr) bool {
			if x, ok := e.(*grammar.Ref); ok {
				if n, ok := rename[x.Name]; ok {
					x.Name = n
				}
			}
			return true
		})
		nr := *r // every field of the rule, renamed
		nr.Name, nr.Body = rename[r.Name], body
		g.Rules = append(g.Rules, &nr)
	}
	return rename[sub.Root]
}
