package jsonschema

// Formats: the string languages of the asserted "format" values.
//
// Every format is built as a code-point language (grammar IR, mostly from
// anchored ECMA-262 patterns through package regex) and escaped to JSON
// string content by jsonlex.Escape, as patterns are; time, date-time,
// hostname and email, too large as one automaton once every character may
// be escaped, call rules of their own (callFormats). A format is compiled
// only when its language is exact for the JSON Schema Test Suite and a
// subset of what the validator (santhosh-tekuri/jsonschema, which checks
// the generated documents) accepts; where the two disagree the language is
// their intersection (docs/CONFORMANCE.md lists the differences). The other
// formats are refused with an error naming the format; in Lenient mode
// some of them compile to a sound subset instead (lenientFormat).

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/jsonschema/jsonlex"
	"github.com/gramc/gramc/grammar/regex"
)

// errFormatUnsupported is wrapped by the error of a refused format.
var errFormatUnsupported = errors.New("format is not compiled")

// formatError refuses an asserted format that has no exact grammar. Compile
// reports it as an *UnsupportedError on "format" with this message.
type formatError struct {
	Format string
	Reason string
}

func (e *formatError) Error() string { return fmt.Sprintf("format %q: %s", e.Format, e.Reason) }
func (e *formatError) Unwrap() error { return errFormatUnsupported }

// refusedFormats are the asserted formats that are refused, and why.
var refusedFormats = map[string]string{
	"regex":        "ECMA-262 regular expressions are not a regular language (nested groups)",
	"idn-hostname": "IDNA2008 (Punycode, contextual rules, Bidi) has no exact regular grammar here",
	"idn-email":    "its domain is an idn-hostname (IDNA2008), which has no exact regular grammar here",
	"period":       "not compiled (a range of date-times or a date-time and a duration)",
}

// formatBuilders build the code-point language of each compiled format.
var formatBuilders = map[string]func() (grammar.Expr, error){
	"date":                  func() (grammar.Expr, error) { return anchored(fullDate) },
	"duration":              func() (grammar.Expr, error) { return anchored(duration) },
	"ipv4":                  func() (grammar.Expr, error) { return anchored(ipv4) },
	"ipv6":                  func() (grammar.Expr, error) { return anchored(ipv6) },
	"uuid":                  func() (grammar.Expr, error) { return anchored(uuid) },
	"json-pointer":          func() (grammar.Expr, error) { return anchored(jsonPointer) },
	"relative-json-pointer": func() (grammar.Expr, error) { return anchored(relJSONPointer) },
	"uri":                   func() (grammar.Expr, error) { return anchored(uriPattern(false, false)) },
	"uri-reference":         func() (grammar.Expr, error) { return anchored(uriPattern(false, true)) },
	"iri":                   func() (grammar.Expr, error) { return anchored(uriPattern(true, false)) },
	"iri-reference":         func() (grammar.Expr, error) { return anchored(uriPattern(true, true)) },
	"semver":                func() (grammar.Expr, error) { return anchored(semver) },
	"uri-template":          func() (grammar.Expr, error) { return anchored(uriTemplate()) },
}

// callFormat is a format whose JSON string content calls rules of its
// own, which Compile adds to the grammar of a schema that uses the format
// (formatRules): its exact automaton would be too large to build once
// every character may be escaped. build builds the content, sets names
// the rule sets it calls, refusal is the reason it is refused where its
// language must be one automaton (compile builds the operands of an
// intersection or complement as byte DFAs, without calls).
type callFormat struct {
	build   func() (grammar.Expr, error)
	sets    []string
	refusal string
}

// callFormats: time and date-time (their leap seconds), hostname and email
// (their length counters). Keys hostname6 and email6 are the languages of
// drafts 4 and 6 (formatKey).
var callFormats = map[string]callFormat{
	"time":      {func() (grammar.Expr, error) { return leapFormat("") }, []string{"leap"}, leapRefusal},
	"date-time": {func() (grammar.Expr, error) { return leapFormat(fullDate + `[Tt]`) }, []string{"leap"}, leapRefusal},
	"hostname":  {refTo(hostDraft7.name(maxName)), []string{"chars", "host"}, hostRefusal},
	"hostname6": {refTo(hostDraft6.name(maxName)), []string{"chars", "host6"}, hostRefusal},
	"email":     {refTo(mailDraft7.prefix), []string{"chars", "host", "mail"}, emailRefusal},
	"email6":    {refTo(mailDraft6.prefix), []string{"chars", "host6", "mail6"}, emailRefusal},
}

// formatEntries are the rules that the content of a call format refers
// to, all productive (they derive strings).
var formatEntries = map[string]bool{
	leapRule: true, hostDraft7.name(maxName): true, hostDraft6.name(maxName): true,
	mailDraft7.prefix: true, mailDraft6.prefix: true,
}

func refTo(name string) func() (grammar.Expr, error) {
	return func() (grammar.Expr, error) { return &grammar.Ref{Name: name}, nil }
}

// formatKey is the key of format name's language (formatBuilders,
// callFormats) in a schema of the given draft: before draft 7 a host name
// (also the domain of an email address) may have an A-label ("xn--...").
func formatKey(name string, draft int) string {
	if draft > 0 && draft < 7 && (name == "hostname" || name == "email") {
		return name + "6"
	}
	return name
}

// The reasons call formats are refused where their language must be one
// automaton.
const (
	refusedWhere = "where the language must be one automaton (an intersection or complement: beside minLength, " +
		"maxLength or pattern, under not, contains...) "
	leapRefusal = "second 60 is valid only at 23:59 UTC, whatever the offset: " + refusedWhere + "the local " +
		"hour and minute must be remembered across the fraction, about 11,000 states (60,000 with JSON escapes); " +
		"alone, or in anyOf, the format is compiled exactly"
	hostRefusal = "labels of at most 63 characters within a name of at most 253: " + refusedWhere + "the two counters " +
		"make an automaton of about 24,000 states (over 100,000 with JSON escapes); alone, or in anyOf, the format " +
		"is compiled exactly"
	emailRefusal = "at most 254 bytes, a local part of at most 64 and a host name (labels of at most 63): " +
		refusedWhere + "the counters make an automaton of over 100,000 states with JSON escapes; alone, or in anyOf, " +
		"the format is compiled exactly"
)

var formatCache sync.Map // name -> formatResult

type formatResult struct {
	e   grammar.Expr
	err error
}

// lexFormat returns the JSON-escaped string-content language of the
// strings valid for an asserted format, or a *formatError naming the format.
func lexFormat(name string) (grammar.Expr, error) {
	if r, ok := formatCache.Load(name); ok {
		r := r.(formatResult)
		if r.err != nil {
			return nil, r.err
		}
		return grammar.Clone(r.e), nil // callers own their IR
	}
	var r formatResult
	if cf, ok := callFormats[name]; ok {
		e, err := cf.build()
		if err != nil {
			err = &formatError{Format: name, Reason: err.Error()}
		}
		r = formatResult{e, err}
	} else if b, ok := formatBuilders[name]; ok {
		e, err := b()
		if err == nil {
			e, err = jsonlex.Escape(e)
		}
		if err != nil {
			err = &formatError{Format: name, Reason: err.Error()}
		}
		r = formatResult{e, err}
	} else {
		reason, ok := refusedFormats[name]
		if !ok {
			reason = "unknown format"
		}
		r.err = &formatError{Format: name, Reason: reason}
	}
	formatCache.Store(name, r)
	if r.err != nil {
		return nil, r.err
	}
	return grammar.Clone(r.e), nil
}

// errFlatFormats makes Compile start again with compiler.flatFormats.
var errFlatFormats = errors.New("jsonschema: the rules of a format are in an intersection or complement")

// lexFormat is the package's lexFormat for a format of a schema of the
// given draft, with the compiler's handling of the call formats (see
// compiler.flatFormats).
func (c *compiler) lexFormat(name string, draft int) (grammar.Expr, error) {
	key := formatKey(name, draft)
	if cf, ok := callFormats[key]; ok {
		if c.flatFormats {
			return nil, &formatError{Format: name, Reason: cf.refusal}
		}
		for _, s := range cf.sets {
			c.fmtSets[s] = true
		}
	}
	e, err := lexFormat(key)
	if fe, ok := err.(*formatError); ok && fe.Format != name {
		return nil, &formatError{Format: name, Reason: fe.Reason}
	}
	return e, err
}

func anchored(pattern string) (grammar.Expr, error) {
	return regex.Anchored(pattern, regex.Flags{Strict: true})
}

// escapedAnchored is the JSON string content (every escape included) of
// the strings the anchored pattern matches.
func escapedAnchored(pattern string) (grammar.Expr, error) {
	e, err := anchored(pattern)
	if err != nil {
		return nil, err
	}
	return jsonlex.Escape(e)
}

// --- dates and times (RFC 3339 §5.6) ---

const (
	// leapYear: divisible by 4 and not by 100, or by 400.
	leapYear = `(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)`
	fullDate = `(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|` +
		leapYear + `-02-29)`
)

// leapFormat is the JSON string content of the strings made of a string
// of the pattern prefix (code points) and an RFC 3339 full-time, exactly
// as the validator checks it (validateTime): seconds 00 to 59 with any
// offset, the leap second 60 only when the local time minus the offset is
// 23:59. The validator reads the two-digit numbers with strconv.Atoi,
// which also takes "+1" and "-0"; those spellings are left out (a false
// negative, never a false positive; the language is never complemented:
// see leapRefusal).
func leapFormat(prefix string) (grammar.Expr, error) {
	head := grammar.Expr(&grammar.Seq{})
	if prefix != "" {
		var err error
		if head, err = escapedAnchored(prefix); err != nil {
			return nil, err
		}
	}
	noLeap, err := escapedAnchored(timeNoLeap)
	if err != nil {
		return nil, err
	}
	return &grammar.Seq{Items: []grammar.Expr{head, &grammar.Alt{Alts: []grammar.Expr{noLeap, &grammar.Ref{Name: leapRule}}}}}, nil
}

// The leap second. With L = h*60+m the local hour and minute, the
// validator computes L+offset for "-hh:mm", L-offset for "+hh:mm" (plus
// 1440 when negative), and second 60 is valid when that is 23:59 (1439):
// so the offset is "-" (1439-L), "+" (L+1) mod 1440 ("+00:00" at 23:59), or
// Z/z at 23:59. For "-" that is hour 23-h and minute 59-m; for "+" hour
// h (h+1 mod 24 at minute 59) and minute m+1 mod 60.
//
// The local time must be remembered across the fraction: 1,440 states
// that, with JSON escapes in every character, make an automaton of about
// 60,000 states (seconds to build). Instead every character is a call:
// small rules (a digit, two digits, ":", the signs, ":60" and the
// fraction), kept out of line (Rule.NoInline), so that the JSON escapes
// are built once, and the leap rule itself is an automaton of calls: a
// state per hour, per (hour, minute) and per offset minute, about 1,600
// states. Its alternatives are grouped by the local minute and the sign,
// so that the subset construction shares the offset minute at once.
const leapRule = "fmt-leap"

func leapName(kind string, n int) string { return fmt.Sprintf("%s-%s%02d", leapRule, kind, n) }

func buildLeapRules() ([]*grammar.Rule, error) {
	var rules []*grammar.Rule
	add := func(name string, e grammar.Expr) {
		rules = append(rules, &grammar.Rule{Name: name, Body: e, NoInline: true})
	}
	ref := func(name string) grammar.Expr { return &grammar.Ref{Name: name} }
	seq := func(xs ...grammar.Expr) grammar.Expr { return &grammar.Seq{Items: xs} }
	for _, x := range []struct{ name, pattern string }{
		{"colon", `:`}, {"plus", `\+`}, {"minus", `-`}, {"zulu", `[Zz]`},
		{"sixty", `:60(?:\.\d+)?`}, // ":60" and the fraction
	} {
		e, err := escapedAnchored(x.pattern)
		if err != nil {
			return nil, err
		}
		add(leapRule+"-"+x.name, e)
	}
	for k := 0; k < 10; k++ {
		e, err := escapedAnchored(fmt.Sprint(k))
		if err != nil {
			return nil, err
		}
		add(leapName("c", k), e)
	}
	for k := 0; k < 60; k++ {
		add(leapName("d", k), seq(ref(leapName("c", k/10)), ref(leapName("c", k%10)))) // two digits
		add(leapName("m", k), seq(ref(leapName("d", k)), ref(leapRule+"-sixty")))      // minute, :60, fraction
	}
	for h := 0; h < 24; h++ {
		add(leapName("p", h), seq(ref(leapRule+"-plus"), ref(leapName("d", h)))) // offset sign and hour
		add(leapName("n", h), seq(ref(leapRule+"-minus"), ref(leapName("d", h))))
	}
	colon := ref(leapRule + "-colon")
	var alts []grammar.Expr
	for m := 0; m < 60; m++ {
		var plus, minus []grammar.Expr
		for h := 0; h < 24; h++ {
			l := h*60 + m
			local := func() []grammar.Expr {
				return []grammar.Expr{ref(leapName("d", h)), grammar.Clone(colon), ref(leapName("m", m))}
			}
			plus = append(plus, seq(append(local(), ref(leapName("p", (l+1)%1440/60)))...))
			minus = append(minus, seq(append(local(), ref(leapName("n", 23-h)))...))
		}
		alts = append(alts,
			seq(&grammar.Alt{Alts: plus}, grammar.Clone(colon), ref(leapName("d", (m+1)%60))),
			seq(&grammar.Alt{Alts: minus}, grammar.Clone(colon), ref(leapName("d", 59-m))))
	}
	alts = append(alts, seq(ref(leapName("d", 23)), grammar.Clone(colon), ref(leapName("m", 59)), ref(leapRule+"-zulu")))
	add(leapRule, &grammar.Alt{Alts: alts})
	return rules, nil
}

// formatRulePrefix starts the names of the rules of the call formats.
const formatRulePrefix = "fmt-"

// refersToFormatRules reports whether e references a rule of a call format.
func refersToFormatRules(e grammar.Expr) bool {
	found := false
	grammar.Walk(e, func(x grammar.Expr) bool {
		if r, ok := x.(*grammar.Ref); ok && strings.HasPrefix(r.Name, formatRulePrefix) {
			found = true
		}
		return !found
	})
	return found
}

// formatRulesInBoolean reports whether an intersection or complement in
// one of the rules references a rule of a call format (compile builds
// those operands as byte DFAs, without calls).
func formatRulesInBoolean(rules []*grammar.Rule) bool {
	found := false
	for _, r := range rules {
		grammar.Walk(r.Body, func(x grammar.Expr) bool {
			switch x.(type) {
			case *grammar.And, *grammar.Not:
				if refersToFormatRules(x) {
					found = true
				}
				return false
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// duration is RFC 3339 appendix A (ISO 8601): no fractions, no sign,
// weeks alone.
const duration = `P(?:(?:\d+D|\d+M(?:\d+D)?|\d+Y(?:\d+M(?:\d+D)?)?)(?:T` + durTime + `)?|T` + durTime + `|\d+W)`
const durTime = `(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S)`

// --- addresses ---

const (
	decOctet = `(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`
	ipv4     = decOctet + `(?:\.` + decOctet + `){3}`
	h16      = `[0-9A-Fa-f]{1,4}`
	ls32     = `(?:` + h16 + `:` + h16 + `|` + ipv4 + `)`
	// ipv6 is RFC 3986's IPv6address: every compressed form, an embedded
	// IPv4 address in the last 32 bits, no zone.
	ipv6 = `(?:(?:` + h16 + `:){6}` + ls32 +
		`|::(?:` + h16 + `:){5}` + ls32 +
		`|(?:` + h16 + `)?::(?:` + h16 + `:){4}` + ls32 +
		`|(?:(?:` + h16 + `:){0,1}` + h16 + `)?::(?:` + h16 + `:){3}` + ls32 +
		`|(?:(?:` + h16 + `:){0,2}` + h16 + `)?::(?:` + h16 + `:){2}` + ls32 +
		`|(?:(?:` + h16 + `:){0,3}` + h16 + `)?::` + h16 + `:` + ls32 +
		`|(?:(?:` + h16 + `:){0,4}` + h16 + `)?::` + ls32 +
		`|(?:(?:` + h16 + `:){0,5}` + h16 + `)?::` + h16 +
		`|(?:(?:` + h16 + `:){0,6}` + h16 + `)?::)`
	uuid = `[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`
)

// --- JSON pointers (RFC 6901, draft-handrews-relative-json-pointer) ---

const (
	jsonPointer    = `(?:/(?:[^~/]|~[01])*)*`
	relJSONPointer = `(?:0|[1-9]\d*)(?:#|` + jsonPointer + `)`
)

// --- URIs (RFC 3986) and IRIs (RFC 3987) ---

const (
	ucschar  = `\u{A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}\u{10000}-\u{1FFFD}\u{20000}-\u{2FFFD}\u{30000}-\u{3FFFD}\u{40000}-\u{4FFFD}\u{50000}-\u{5FFFD}\u{60000}-\u{6FFFD}\u{70000}-\u{7FFFD}\u{80000}-\u{8FFFD}\u{90000}-\u{9FFFD}\u{A0000}-\u{AFFFD}\u{B0000}-\u{BFFFD}\u{C0000}-\u{CFFFD}\u{D0000}-\u{DFFFD}\u{E1000}-\u{EFFFD}`
	iprivate = `\u{E000}-\u{F8FF}\u{F0000}-\u{FFFFD}\u{100000}-\u{10FFFD}`
	pct      = `%[0-9A-Fa-f]{2}`
)

// uriPattern is RFC 3986's URI (or URI-reference), or with iri RFC 3987's
// IRI (IRI-reference), intersected with what Go's net/url (the validator)
// parses: no IPvFuture literal (the validator requires an IPv6 address in
// brackets), no percent-encoded ASCII byte in a host name, and no
// non-ASCII character in the user information.
func uriPattern(iri, reference bool) string {
	unreserved := `A-Za-z0-9\-._~`
	if iri {
		unreserved += ucschar
	}
	sub := `!$&'()*+,;=`
	pchar := `(?:[` + unreserved + sub + `:@]|` + pct + `)`
	pcharNC := `(?:[` + unreserved + sub + `@]|` + pct + `)` // no colon
	authority := uriAuthority(iri)
	abempty := `(?:/` + pchar + `*)*`
	// path-absolute, path-rootless or path-empty, in one: an optional
	// slash, then nothing or a non-empty segment and more segments.
	noAuthority := `/?(?:` + pchar + `+` + abempty + `)?`
	// path-absolute, path-noscheme or path-empty.
	relNoAuthority := `(?:/(?:` + pchar + `+` + abempty + `)?|` + pcharNC + `+` + abempty + `|)`
	qchars := `(?:` + pchar + `|[/?])*`
	query := qchars
	if iri {
		query = `(?:` + pchar + `|[/?` + iprivate + `])*`
	}
	tail := `(?:\?` + query + `)?(?:#` + qchars + `)?`
	scheme := `[A-Za-z][A-Za-z0-9+\-.]*:`
	withAuthority := `//` + authority + abempty
	if !reference {
		return scheme + `(?:` + withAuthority + `|` + noAuthority + `)` + tail
	}
	// URI or relative-ref, with the authority written once.
	return `(?:(?:` + scheme + `)?` + withAuthority + `|` + scheme + noAuthority + `|` + relNoAuthority + `)` + tail
}

// uriAuthority is RFC 3986's authority (RFC 3987's iauthority with iri)
// as net/url parses it: the user information is ASCII, a host name has no
// percent-encoded ASCII byte, a literal in brackets is an IPv6 address.
func uriAuthority(iri bool) string {
	unreserved := `A-Za-z0-9\-._~`
	if iri {
		unreserved += ucschar
	}
	sub := `!$&'()*+,;=`
	userinfo := `(?:[A-Za-z0-9\-._~` + sub + `:]|` + pct + `)*`
	regName := `(?:[` + unreserved + sub + `]|%[89A-Fa-f][0-9A-Fa-f])*`
	host := `(?:\[` + ipv6 + `\]|` + regName + `)` // IPv4address is a reg-name too
	return `(?:` + userinfo + `@)?` + host + `(?::\d*)?`
}

// uriTemplate is RFC 6570 (level 4; an apostrophe is a literal, as in the
// errata; the operators reserved for extensions are left out) intersected
// with what the validator accepts. The validator parses a template as a
// URL with net/url and requires the braces of each path segment to pair
// up, so: the first "?" or "#" is a literal (it ends the path for net/url;
// after it anything goes), a scheme-less template has no colon in its first
// segment, an authority has no expression, and in the path no expression
// has the "/" operator and no %7B or %7D stands for a brace.
func uriTemplate() string {
	const (
		lits    = `&-.0-9;=@-\[\]_a-z~` + ucschar + iprivate // literals but ! $ # ? / :
		pctAny  = pct
		pctSafe = `%(?:[0-689A-Fa-f][0-9A-Fa-f]|7[0-9ACE-Face-f])` // not %7B, %7D
	)
	expr := func(ops, pct string, prefix bool) string {
		varchar := `(?:[A-Za-z0-9_]|` + pct + `)`
		varspec := varchar + `(?:\.?` + varchar + `)*(?:\*`
		if prefix {
			varspec += `|:[1-9]\d{0,3}`
		}
		varspec += `)?`
		return `\{[` + ops + `]?` + varspec + `(?:,` + varspec + `)*\}`
	}
	piece := func(litExtra, ops string, prefix bool) string {
		return `(?:[` + lits + `!$` + litExtra + `]|` + pctSafe + `|` + expr(ops, pctSafe, prefix) + `)`
	}
	seg := piece(`:`, `+.;&`, true) + `*`                                            // a path segment
	segNC := piece(``, `+.;&`, false) + `+`                                          // a first segment without colon
	opaque := `(?:` + piece(`:`, `+./;&`, true) + piece(`:/`, `+./;&`, true) + `*)?` // not "/"...: not parsed further
	abs := `(?:/` + seg + `)*`
	rootless := `(?:/(?:` + piece(`:`, `+.;&`, true) + `+` + abs + `)?)` // "/" not followed by "/"
	scheme := `[A-Za-z][A-Za-z0-9+\-.]*:`
	head := `(?:(?:` + scheme + `)?(?://` + uriAuthority(false) + abs + `|` + rootless + `)|` +
		scheme + opaque + `|` + segNC + abs + `)?`
	tail := `(?:[?#](?:[` + lits + `!$#?/:]|` + pctAny + `|` + expr(`+#./;?&`, pctAny, true) + `)*)?`
	return head + tail
}

// semver is Semantic Versioning 2.0.0.
const (
	semverNum = `(?:0|[1-9]\d*)`
	semverID  = `(?:0|[1-9]\d*|\d*[A-Za-z\-][0-9A-Za-z\-]*)`
	semver    = semverNum + `\.` + semverNum + `\.` + semverNum + `(?:-` + semverID + `(?:\.` + semverID + `)*)?(?:\+[0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*)?`
)

// --- lenient subsets ---
//
// With Options.Lenient a refused format that has a sound subset is
// compiled to it instead of being dropped: every string of the subset is
// valid for the format (for the validator and for the test suite), so
// generation stays sound, and the approximation is recorded. Each subset
// is written without JSON escapes (its characters need none) and comes
// with a domain: a language D with subset = format ∩ D exactly, so that
// the complement of the subset within D (under "not") is sound too.

// formatSubset is the lenient approximation of a refused format: e is the
// string-content language (a subset of the format's), dom the domain on
// which it is exact, reason the recorded approximation.
type formatSubset struct {
	e, dom grammar.Expr
	reason string
}

// Subset patterns on code points; their characters need no JSON escape.
const (
	// timeNoLeap is RFC 3339's full-time without the leap second 60.
	timeNoLeap = `(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:[Zz]|[+\-](?:[01]\d|2[0-3]):[0-5]\d)`
	// ldh is a letter or digit; a label is 1 to 62 of them and hyphens,
	// starting and ending with a letter or digit, and with no "--" in its
	// third and fourth places (those are reserved for A-labels, "xn--").
	ldh      = `[A-Za-z0-9]`
	ldhLabel = `(?:` + ldh + `(?:[A-Za-z0-9\-]?` + ldh + `)?|` + ldh + `[A-Za-z0-9\-]{2}` + ldh + `|` +
		ldh + `[A-Za-z0-9\-](?:` + ldh + `[A-Za-z0-9\-]|-` + ldh + `)[A-Za-z0-9\-]{0,57}` + ldh + `)`
	// hostPart is a dot-separated part of a domain: a label of the domain
	// when it is a host name (no escape, no "[" of an address literal, no
	// "@"), of at most 62 characters, no "--" in its third and fourth places.
	hostPartCh = `[^.\\\[@]`
	hostPartNH = `[^.\\\[@\-]`
	hostPart   = `(?:` + hostPartCh + `{0,3}|` + hostPartCh + `{2}(?:` + hostPartNH + hostPartCh + `|-` + hostPartNH + `)` + hostPartCh + `{0,58})`
	// atext is RFC 5322's; the local part is a dot-atom of at most 64.
	atext      = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]"
	localPart  = atext + `+(?:\.` + atext + `+)*`
	anyNoSlash = `[^\\]*`
)

// subsetHost is the host name subset of at most labels labels, the last
// with a letter, and its domain (a name of at most labels parts of at most
// 62 characters, no escape, the last part with a letter).
func subsetHost(labels int) (e, dom grammar.Expr, err error) {
	letter, err := anchored(`[^\\]*[A-Za-z][^\\]*`)
	if err != nil {
		return nil, nil, err
	}
	label, err := anchored(ldhLabel)
	if err != nil {
		return nil, nil, err
	}
	part, err := anchored(hostPart)
	if err != nil {
		return nil, nil, err
	}
	build := func(l grammar.Expr) grammar.Expr {
		return &grammar.Seq{Items: []grammar.Expr{
			&grammar.Repeat{X: &grammar.Seq{Items: []grammar.Expr{l, grammar.Lit(".")}}, Min: 0, Max: labels - 1},
			&grammar.And{Items: []grammar.Expr{grammar.Clone(l), grammar.Clone(letter)}},
		}}
	}
	return build(label), build(part), nil
}

// noLeapDomain is the domain of a time subset whose time starts at offset
// at: the escape-free strings whose seconds are not "60" and with no sign
// where the validator reads a number (it parses the two-character numbers
// with strconv.Atoi, which takes "+1" and "-0"): none at the start of the
// time, after a colon or after a sign.
func noLeapDomain(at int) (grammar.Expr, error) {
	bad, err := anchored(fmt.Sprintf(`[^]{%d}60[^]*|[^]{%d}[+\-][^]*|[^]*[:+\-][+\-][^]*`, at+6, at))
	if err != nil {
		return nil, err
	}
	free, err := anchored(anyNoSlash)
	if err != nil {
		return nil, err
	}
	return &grammar.Not{X: bad, Within: free}, nil
}

const (
	literalNote = "; characters are written literally, without JSON escapes"
	hostNote    = "at most %d dot-separated labels of 1 to 62 letters, digits and hyphens, not starting or ending with " +
		"a hyphen, without \"--\" in the third and fourth places (no Punycode A-labels), the last label with a letter, " +
		"no trailing dot"
)

// subsetBuilders build the lenient subsets, on JSON string content.
var subsetBuilders = map[string]func() (formatSubset, error){
	"time": func() (formatSubset, error) {
		e, err := anchored(timeNoLeap)
		if err != nil {
			return formatSubset{}, err
		}
		dom, err := noLeapDomain(0)
		return formatSubset{e, dom, "approximated by a subset: seconds 00 to 59 only (no leap second 60)" + literalNote}, err
	},
	"date-time": func() (formatSubset, error) {
		e, err := anchored(fullDate + `[Tt]` + timeNoLeap)
		if err != nil {
			return formatSubset{}, err
		}
		dom, err := noLeapDomain(11)
		return formatSubset{e, dom, "approximated by a subset: seconds 00 to 59 only (no leap second 60)" + literalNote}, err
	},
	"hostname": func() (formatSubset, error) {
		e, dom, err := subsetHost(4)
		return formatSubset{e, dom, "approximated by a subset: " + fmt.Sprintf(hostNote, 4) + literalNote}, err
	},
	"idn-hostname": func() (formatSubset, error) {
		e, _, err := subsetHost(4)
		return formatSubset{e, &grammar.Alt{}, "approximated by an ASCII subset: " + fmt.Sprintf(hostNote, 4) + literalNote}, err
	},
	"email":     func() (formatSubset, error) { return subsetEmail(false) },
	"idn-email": func() (formatSubset, error) { return subsetEmail(true) },
}

// subsetEmail is a dot-atom local part of at most 64 characters, "@", and
// a host name of at most 3 labels (at most 64+1+188 = 253 characters).
func subsetEmail(idn bool) (formatSubset, error) {
	local, err := anchored(localPart)
	if err != nil {
		return formatSubset{}, err
	}
	upTo64, err := anchored(`[^\\]{1,64}`)
	if err != nil {
		return formatSubset{}, err
	}
	localDom, err := anchored(`[^"@\\]{1,64}`)
	if err != nil {
		return formatSubset{}, err
	}
	host, hostDom, err := subsetHost(3)
	if err != nil {
		return formatSubset{}, err
	}
	at := grammar.Lit("@")
	e := &grammar.Seq{Items: []grammar.Expr{&grammar.And{Items: []grammar.Expr{local, upTo64}}, at, host}}
	var dom grammar.Expr = &grammar.Seq{Items: []grammar.Expr{localDom, grammar.Lit("@"), hostDom}}
	reason := "approximated by a subset: an unquoted local part (a dot-atom of RFC 5322 atext, at most 64 characters), " +
		"then \"@\" and a host name of " + fmt.Sprintf(hostNote, 3) + literalNote
	if idn {
		// The validator does not check idn-email: no complement is sound.
		dom = &grammar.Alt{}
		reason = strings.Replace(reason, "by a subset", "by an ASCII subset", 1)
	}
	return formatSubset{e, dom, reason}, nil
}

var subsetCache sync.Map // name -> subsetResult

type subsetResult struct {
	s  formatSubset
	ok bool
}

// lenientFormat returns the lenient subset of a refused format, as JSON
// string content, and its domain; ok is false when the format has none.
func lenientFormat(name string) (formatSubset, bool) {
	r, ok := subsetCache.Load(name)
	if !ok {
		var res subsetResult
		if b, has := subsetBuilders[name]; has {
			s, err := b()
			if err != nil {
				panic(fmt.Sprintf("format %q: lenient subset: %v", name, err))
			}
			// The domain's classes include characters that JSON escapes.
			s.dom = &grammar.And{Items: []grammar.Expr{s.dom, lexLength(0, grammar.Unbounded)}}
			res = subsetResult{s, true}
		}
		subsetCache.Store(name, res)
		r = res
	}
	res := r.(subsetResult)
	if !res.ok {
		return formatSubset{}, false
	}
	return formatSubset{grammar.Clone(res.s.e), grammar.Clone(res.s.dom), res.s.reason}, true
}
