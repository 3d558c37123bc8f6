package jsonschema

// Formats: the string languages of the asserted "format" values.
//
// Every format is built as a code-point language (grammar IR, mostly from
// anchored ECMA-262 patterns through package regex) and escaped to JSON
// string content by jsonlex.Escape, as patterns are. A format is compiled
// only when its language is exact for the JSON Schema Test Suite and a
// subset of what the validator (santhosh-tekuri/jsonschema, which checks
// the generated documents) accepts; where the two disagree the language is
// their intersection (docs/CONFORMANCE.md lists the differences). The other
// formats are refused with an error naming the format.

import (
	"errors"
	"fmt"
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
	"period":       "not compiled (a date-time or duration range; date-time is refused)",
	// The next four are regular, but their exact automata are far too
	// large for a format (measured on the code points, before JSON
	// escaping multiplies the states by about six).
	"time": "second 60 is valid only at 23:59 UTC, whatever the offset: the local hour and minute must be " +
		"remembered across the fraction, an automaton of about 11,000 states (60,000 with JSON escapes)",
	"date-time": "its time is a full-time, refused for the leap-second rule (an automaton of about 60,000 states)",
	"hostname": "labels of at most 63 characters within a name of at most 253: the two counters make an " +
		"automaton of about 24,000 states (over 100,000 with JSON escapes)",
	"email": "its domain is a hostname (labels of at most 63 characters within 253), an automaton of over 100,000 states",
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
	if b, ok := formatBuilders[name]; ok {
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

func anchored(pattern string) (grammar.Expr, error) {
	return regex.Anchored(pattern, regex.Flags{Strict: true})
}

// --- dates and times (RFC 3339 §5.6) ---

const (
	// leapYear: divisible by 4 and not by 100, or by 400.
	leapYear = `(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)`
	fullDate = `(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|` +
		leapYear + `-02-29)`
)

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
