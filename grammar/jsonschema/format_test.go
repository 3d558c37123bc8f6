package jsonschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/internal/shared"
)

// formatProgram compiles the quoted JSON string language of a format.
func formatProgram(t testing.TB, name string) *automaton.Program {
	t.Helper()
	e, err := lexFormat(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	g := &grammar.Grammar{Root: "r", Rules: []*grammar.Rule{{Name: "r", Body: lexQuoted(e)}}}
	if cf, ok := callFormats[name]; ok {
		sets := map[string]bool{}
		for _, s := range cf.sets {
			sets[s] = true
		}
		g.Rules = append(g.Rules, formatRules(sets)...)
	}
	p, err := compile.Compile(g, nil, compile.Options{})
	if err != nil {
		t.Fatalf("%s: compile: %v", name, err)
	}
	return p
}

// allFormats are the compiled formats (not the keys of the drafts 4 and
// 6 languages, formatKey).
func allFormats() []string {
	var names []string
	for n := range formatBuilders {
		names = append(names, n)
	}
	for n := range callFormats {
		if n != formatKey("hostname", 6) && n != formatKey("email", 6) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

func jsonQuote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// escapeAllASCII writes every ASCII character of s as \u00XX (upper-case
// hex on odd positions), the other characters as encoding/json does.
func escapeAllASCII(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r < 0x80 && i%2 == 0:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r < 0x80:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			q := jsonQuote(string(r))
			b.WriteString(q[1 : len(q)-1])
		}
	}
	b.WriteByte('"')
	return b.String()
}

// formatCases are valid and invalid strings per compiled format, beyond
// the test suite's.
var formatCases = map[string]struct{ valid, invalid []string }{
	"date": {
		valid:   []string{"2000-02-29", "2024-02-29", "1900-02-28", "0000-02-29", "9999-12-31", "2023-11-30"},
		invalid: []string{"1900-02-29", "2023-02-29", "2023-11-31", "2023-1-01", "2023-01-01T00:00:00Z", "", "2023-13-01"},
	},
	"duration": {
		valid:   []string{"P1W", "PT1S", "P1Y2M3DT4H5M6S", "P0D", "PT10H0M", "P1MT1M"},
		invalid: []string{"P", "PT", "P1Y1W", "P1.5D", "p1D", "P1DT", "PT1S1M", "P1H", "PT10H0S"},
	},
	"ipv4": {
		valid:   []string{"0.0.0.0", "255.255.255.255", "10.0.0.1", "199.249.1.99"},
		invalid: []string{"01.0.0.0", "256.0.0.0", "1.2.3", "1.2.3.4.5", "1.2.3.4 ", "00.1.1.1"},
	},
	"ipv6": {
		valid: []string{"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::8",
			"fe80::1:2", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1::1.2.3.4", "ABCD:ef01::"},
		invalid: []string{":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "fe80::1%eth0",
			"12345::", "1:2:3:4:5:6:7", "::01.2.3.4", "::g"},
	},
	"uuid": {
		valid:   []string{"123e4567-e89b-12d3-a456-426614174000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"},
		invalid: []string{"123e4567e89b12d3a456426614174000", "{123e4567-e89b-12d3-a456-426614174000}", "123e4567-e89b-12d3-a456-42661417400g"},
	},
	"json-pointer": {
		valid:   []string{"", "/", "//", "/a~0b~1c", "/\u00e9/\U0001F600", "/\"\\"},
		invalid: []string{"a", "/~", "/~2", "#/a"},
	},
	"relative-json-pointer": {
		valid:   []string{"0", "0#", "10/a", "3//"},
		invalid: []string{"", "#", "00", "-1", "0/~", "1#/a", "0a"},
	},
	"uri": {
		valid: []string{"a:", "a:b", "http://example.com", "http://[::1]:8080/p?q#f", "http://u:p@h:1/", "x-y.z+w:/a//b",
			"http://%C3%A9.com/", "http://:80", "file:///etc/hosts", "mailto:a@b", "s://h/%2F?%3F#%23"},
		invalid: []string{"", "/a", "1a:b", "http://[::1", "http://[v1.x]/", "http://a b/", "http://%41.com/", "http://h:8a/",
			"http://a/%", "http://a/%g0", "http://[1.2.3.4]/", "http://é.com/", "http://a/b#c#d", "http://h/[x]"},
	},
	"uri-reference": {
		valid:   []string{"", "a", "./a:b", "?q", "#f", "//h", "//", "/a/b", "a/b:c", "%41"},
		invalid: []string{"a:b:c d", ":a", "a b", "/\\", "#\\", "%", "//h:p/"},
	},
	"iri": {
		valid:   []string{"http://é.com/ü?ß#ø", "urn:é", "http://h/?\U000F0000", "http://[::1]/\u00e9"},
		invalid: []string{"http://é:é@h/", "http://h/\U000F0000", "http://h/#\U000F0000", "http://h/\u0085", "é:x"},
	},
	"iri-reference": {
		valid:   []string{"é", "/é", "#é", "", "?\U000F0000"},
		invalid: []string{"\\", "é:x", "#\U000F0000"},
	},
	"uri-template": {
		valid: []string{"", "http://example.com/{a}/{b:3}{;c*}", "x:{/y}", "/p?{x}{?y}", "{x}/{y:1}", "?{/x}", "a'b",
			"http://h/{x}#{#y}", "mailto:{a}", "//h/{x}", "/{x.y,z}"},
		invalid: []string{"{", "}", "{x", "{}", "{a,}", "{v:0}", "{v:01}", "{v:10000}", "{=x}", "a b", "{x}{",
			// valid RFC 6570, rejected by the validator (net/url):
			"{v:1}", "{?x}", "{/x}", "/p{?x}", "{#x}", "a%7B{x}", "http://{h}/", "x:/{/y}"},
	},
	"semver": {
		valid:   []string{"0.0.0", "1.2.3-alpha.1+build.5", "1.0.0-0a", "1.0.0-x-y-z.--", "10.20.30+001"},
		invalid: []string{"1.2", "01.2.3", "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3-a..b", "v1.2.3"},
	},
}

func TestFormatCases(t *testing.T) {
	for name, cs := range formatCases {
		p := formatProgram(t, name)
		for _, s := range cs.valid {
			for _, text := range []string{jsonQuote(s), escapeAllASCII(s)} {
				if !accepts(p, text) {
					t.Errorf("%s: %s rejected", name, text)
				}
			}
		}
		for _, s := range cs.invalid {
			for _, text := range []string{jsonQuote(s), escapeAllASCII(s)} {
				if accepts(p, text) {
					t.Errorf("%s: %s accepted", name, text)
				}
			}
		}
	}
}

// TestFormatSuite checks every compiled format on the string instances of
// the JSON Schema Test Suite's format tests (all drafts), written plainly
// and with every ASCII character escaped.
func TestFormatSuite(t *testing.T) {
	dir, ok := shared.SharedDir()
	if !ok {
		t.Skip("no ../shared")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "corpora", "JSON-Schema-Test-Suite", "tests", "*", "optional", "format", "*.json"))
	if len(files) == 0 {
		t.Skip("JSON-Schema-Test-Suite not found")
	}
	// Valid for the suite, invalid for the validator: left out.
	known := map[string]bool{
		"http://[V1.fe]": true, // iri: IPvFuture; net/url requires an IPv6 address in brackets
		// uri-template: net/url cuts the path at "?" and "#" and splits
		// it at "/" even inside braces; a colon in the first segment of a
		// scheme-less URL is an error.
		"{#var}": true, "{/var}": true, "{?var}": true, "{v:1000}": true,
	}
	progs := map[string]*automaton.Program{}
	checked := 0
	for _, f := range files {
		if strings.Contains(f, "draft3") {
			continue // gramc reads drafts 4 and later (draft 3's time is hh:mm:ss)
		}
		draft := 2020
		for _, d := range []int{4, 6, 7} {
			if strings.Contains(f, fmt.Sprintf("draft%d", d)) {
				draft = d
			}
		}
		groups := readSuiteFile(t, f)
		for _, g := range groups {
			name, _ := g.Schema["format"].(string)
			if !slices.Contains(allFormats(), name) {
				continue
			}
			key := formatKey(name, draft)
			p := progs[key]
			if p == nil {
				p = formatProgram(t, key)
				progs[key] = p
			}
			for _, x := range g.Tests {
				s, ok := x.Data.(string)
				if !ok {
					continue
				}
				// From draft 7 on, A-labels ("xn--", Punycode) are left out.
				aLabel := key == "hostname" && xnLabel.MatchString(s)
				for _, text := range []string{jsonQuote(s), escapeAllASCII(s)} {
					checked++
					if got := accepts(p, text); got != x.Valid && !(x.Valid && (known[s] || aLabel)) {
						t.Errorf("%s: %s: %s accepted=%v, suite says valid=%v", f[len(dir):], name, text, got, x.Valid)
					}
				}
			}
		}
	}
	t.Logf("%d instances checked", checked)
}

// TestFormatSubsetOfValidator samples strings from every compiled format's
// automaton (random walks, escapes included) and checks that
// santhosh-tekuri/jsonschema's format checker, which validates generated
// documents, accepts each one. GRAMC_FORMAT_SAMPLES sets the number of
// samples per format (1,500).
func TestFormatSubsetOfValidator(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 300
	}
	if v, err := strconv.Atoi(os.Getenv("GRAMC_FORMAT_SAMPLES")); err == nil {
		n = v
	}
	for _, name := range allFormats() {
		p := formatProgram(t, name)
		c := sjs.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource("f.json", map[string]any{"format": name}); err != nil {
			t.Fatal(err)
		}
		sch, err := c.Compile("f.json")
		if err != nil {
			t.Fatal(err)
		}
		checkSamples(t, name, p, sch, n, 200)
	}
}

// checkSamples draws n random texts of at most max bytes from p (a
// format's string grammar) and checks that each is a JSON string that the
// validator sch accepts; it stops after 5 failures.
func checkSamples(t *testing.T, name string, p *automaton.Program, sch *sjs.Schema, n, max int) {
	t.Helper()
	rng := rand.New(rand.NewSource(int64(len(name))))
	bad := 0
	for i := 0; i < n && bad < 5; i++ {
		text, ok := randomText(p, rng, max)
		if !ok {
			continue
		}
		var s string
		if err := json.Unmarshal([]byte(text), &s); err != nil {
			t.Errorf("%s: sampled %s is not a JSON string: %v", name, text, err)
			bad++
			continue
		}
		if err := sch.Validate(s); err != nil {
			t.Errorf("%s: sampled %s (%q) is rejected by the validator: %v", name, text, s, err)
			bad++
		}
	}
}

// randomText walks p from its start to an accepting state, choosing bytes
// at random among those with a transition (every state of a trimmed
// automaton can reach acceptance). It gives up after max bytes.
func randomText(p *automaton.Program, rng *rand.Rand, max int) (string, bool) {
	ps := automaton.NewParser(p)
	var out []byte
	var next []byte
	for len(out) < max {
		if ps.CanStop() && rng.Intn(4) == 0 {
			return string(out), true
		}
		next = next[:0]
		bs := ps.NextBytes() // the bytes Push accepts
		for b := 0; b < 256; b++ {
			if bs.Has(byte(b)) {
				next = append(next, byte(b))
			}
		}
		if len(next) == 0 {
			return string(out), ps.CanStop()
		}
		b := next[rng.Intn(len(next))]
		ps.Push(b)
		out = append(out, b)
	}
	return "", false
}

func TestFormatSizes(t *testing.T) {
	for _, n := range allFormats() {
		start := time.Now()
		p := formatProgram(t, n)
		t.Logf("%-22s %6d states  %v", n, p.NumStates(), time.Since(start).Round(time.Millisecond))
	}
}

func TestFormatRefused(t *testing.T) {
	for _, n := range []string{"regex", "idn-hostname", "idn-email", "period"} {
		_, err := lexFormat(n)
		var fe *formatError
		if !errors.As(err, &fe) || fe.Format != n || !errors.Is(err, errFormatUnsupported) {
			t.Errorf("%s: got %v, want a *formatError naming it", n, err)
		}
	}
}

// BenchmarkFormatCompile measures lexFormat and compile.Compile per format.
func BenchmarkFormatCompile(b *testing.B) {
	for _, n := range allFormats() {
		b.Run(n, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				formatCache.Delete(n)
				formatProgram(b, n)
			}
		})
	}
}

// TestFormatSchemas goes through Compile: a compiled format constrains
// the strings of a schema (and only strings), a refused one is an
// *UnsupportedError on "format" whose reason names it, and with Lenient
// it is listed and dropped.
func TestFormatSchemas(t *testing.T) {
	opts := Options{AssertFormat: true}
	p := mustProgram(t, `{"format": "date", "maxLength": 10}`, opts)
	for text, want := range map[string]bool{
		`"2020-02-29"`: true, `"\u0032020-02-29"`: true, `"2021-02-29"`: false, `12`: true, `null`: true,
		`"2020-02-2"`: false, `"x"`: false,
	} {
		if got := accepts(p, text); got != want {
			t.Errorf("date: %s accepted=%v, want %v", text, got, want)
		}
	}
	for _, x := range []struct{ name, schema string }{
		{"regex", `{"format": "regex"}`},
		// hostname and email where the language must be one automaton.
		{"hostname", `{"format": "hostname", "maxLength": 40}`},
		{"email", `{"not": {"format": "email"}}`},
		// time and date-time where the language must be one automaton.
		{"date-time", `{"format": "date-time", "maxLength": 40}`},
		{"time", `{"not": {"format": "time"}}`},
		{"date-time", `{"oneOf": [{"format": "date-time"}, {"format": "date"}]}`},
	} {
		name, schema := x.name, x.schema
		_, err := Compile([]byte(schema), opts)
		var ue *UnsupportedError
		if !errors.As(err, &ue) || ue.Keyword != "format" || !strings.Contains(ue.Reason, `"`+name+`"`) ||
			strings.Count(err.Error(), `"`+name+`"`) != 1 {
			t.Errorf("%s: got %v, want an UnsupportedError on format naming it once", name, err)
		}
		lenient := opts
		lenient.Lenient = true
		if _, err := Compile([]byte(schema), lenient); err != nil {
			t.Errorf("%s, lenient: %v", name, err)
		}
	}
	// Drafts 4 to 7 assert format by default.
	p = mustProgram(t, `{"$schema": "http://json-schema.org/draft-07/schema#", "format": "ipv4"}`, Options{})
	if accepts(p, `"1.2.3.04"`) || !accepts(p, `"1.2.3.4"`) {
		t.Errorf("draft 7 ipv4 not asserted")
	}
}

// subsetProgram compiles the quoted JSON string language of a format's
// lenient subset (with complement, the complement within its domain).
func subsetProgram(t testing.TB, name string, complement bool) *automaton.Program {
	t.Helper()
	sub, ok := lenientFormat(name)
	if !ok {
		t.Fatalf("%s: no lenient subset", name)
	}
	e := sub.e
	if complement {
		e = &grammar.Not{X: sub.e, Within: sub.dom}
	}
	g := &grammar.Grammar{Root: "r", Rules: []*grammar.Rule{{Name: "r", Body: lexQuoted(e)}}}
	p, err := compile.Compile(g, nil, compile.Options{})
	if err != nil {
		t.Fatalf("%s: compile: %v", name, err)
	}
	return p
}

// subsetChecker is the validator's format whose checker the subset of
// name must pass: the validator does not check the idn formats, their
// ASCII subsets are checked as hostname and email.
func subsetChecker(t testing.TB, name string) *sjs.Schema {
	t.Helper()
	check := strings.TrimPrefix(name, "idn-")
	c := sjs.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("f.json", map[string]any{"format": check}); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("f.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

var subsetNames = []string{"date-time", "email", "hostname", "idn-email", "idn-hostname", "time"}

var long62 = strings.Repeat("a", 62)

var subsetCases = map[string]struct{ valid, invalid []string }{
	"time": {
		valid: []string{"08:30:06Z", "23:59:59.999+14:00", "00:00:00z", "12:34:56-00:00", "23:20:50.52Z", "01:02:03+23:59"},
		invalid: []string{"23:59:60Z", "01:29:60+01:30", "24:00:00Z", "12:00:00", "08:30:06 PST", "1:02:03Z",
			"01:02:03+24:00", "01:02:03Z+00:30", "08:30:06.Z", ""},
	},
	"date-time": {
		valid:   []string{"1963-06-19T08:30:06.283185Z", "1963-06-19t08:30:06z", "2024-02-29T00:00:00+05:30", "1985-04-12T00:59:59.999999999999999Z"},
		invalid: []string{"1998-12-31T23:59:60Z", "2023-02-29T00:00:00Z", "1963-06-19 08:30:06Z", "1990-12-31T15:59:59-24:00", "1985-04-12T23:20:50+01"},
	},
	"hostname": {
		valid: []string{"example.com", "www.example.com", "a", "1host", "a--b.com", "h0stn4me", "a.b.c.d", "x-1.y-2.zz",
			long62 + "." + long62 + "." + long62 + "." + long62, "EXAMPLE.ORG", "ab-c.d1"},
		invalid: []string{"", ".", "example.", ".example", "-a", "a-", "a_b", "a..b", "xn--9n2bp8q.com", "ab--c", "a.b.c.d.e",
			long62 + "a", "1.2.3.4", "example.123", "a.b-", "example.com\n", "exa mple"},
	},
	"email": {
		valid: []string{"joe.bloggs@example.com", "te~st@example.com", "~test@example.com", "a@b", "x+y@a.b.c",
			strings.Repeat("a", 64) + "@" + long62 + "." + long62 + "." + long62, "o'neil@x.org", "a.b.c@d-e.f"},
		invalid: []string{"@example.com", "joe.bloggs@", ".a@b.c", "a.@b.c", "a..b@c.d", `"joe"@example.com`, "a@[127.0.0.1]",
			"a@b.c.d.e", strings.Repeat("a", 65) + "@b.c", "a b@c.d", "a@b@c.d", "a@1.2.3.4", "a@xn--ab.com", "a@b.c."},
	},
}

// complementCases: valid says whether the string is in the complement of
// the subset within its domain (the validator must reject those).
var complementCases = map[string][]suiteInstance{
	"time": {{"+1:30:06Z", false}, {"-0:00:00Z", false}, {"08:+0:00Z", false}, {"08:30:06+-0:00", false},
		{"08:30:06+00:+5", false}, {"23:59:60Z", false}, {"08:30:06", true}, {"24:00:00Z", true}, {"x", true}, {"", true}},
	"date-time": {{"2000-01-01T+1:30:06Z", false}, {"2000-01-01T08:30:06-+1:00", false}, {"2000-01-01T23:59:60Z", false},
		{"2000-01-01T08:30:06.1-00:00", false}, {"2000-02-30T08:30:06Z", true}, {"2000-01-01 08:30:06Z", true}},
	"hostname": {{"example.com", false}, {"a.b.c.d.e", false}, {"xn--ab.com", false}, {"example.com.", false},
		{"1.2.3.4", false}, {long62 + "a.com", false}, {"a_b.com", true}, {"-a.com", true}, {"a..b", true}},
	"email": {{"a@b.com", false}, {`"a b"@c.com`, false}, {"a@[1.2.3.4]", false}, {"a@b.c.d.e", false}, {"a@b.com.", false},
		{"@b.com", false}, {"a..b@c.com", true}, {"a@-b.com", true}, {"a b@c.com", true}},
}

func init() {
	subsetCases["idn-hostname"] = subsetCases["hostname"]
	subsetCases["idn-email"] = subsetCases["email"]
}

// TestFormatLenientSubsets checks each lenient subset: table cases,
// random walks accepted by the validator's checker, random walks of the
// complement within its domain rejected by it, the test suite's invalid
// instances rejected, and the automaton sizes.
func TestFormatLenientSubsets(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 300
	}
	if v, err := strconv.Atoi(os.Getenv("GRAMC_FORMAT_SAMPLES")); err == nil {
		n = v
	}
	suite := suiteFormatInstances(t)
	for _, name := range subsetNames {
		start := time.Now()
		subsetCache.Delete(name)
		p := subsetProgram(t, name, false)
		t.Logf("%-13s %5d states  %v", name, p.NumStates(), time.Since(start).Round(time.Millisecond))
		cs := subsetCases[name]
		for _, s := range cs.valid {
			if !accepts(p, jsonQuote(s)) {
				t.Errorf("%s: %q rejected", name, s)
			}
		}
		for _, s := range cs.invalid {
			if accepts(p, jsonQuote(s)) {
				t.Errorf("%s: %q accepted", name, s)
			}
		}
		if accepts(p, escapeAllASCII("a.b")) || accepts(p, escapeAllASCII("08:30:06Z")) {
			t.Errorf("%s: an escaped string accepted", name)
		}
		for _, x := range suite[name] {
			if !x.valid && accepts(p, jsonQuote(x.s)) {
				t.Errorf("%s: suite-invalid %q accepted", name, x.s)
			}
		}
		sch := subsetChecker(t, name)
		checkSamples(t, name, p, sch, n, 400)
		// The complement within the domain (what "not" compiles to) holds
		// no valid string. The idn domains are empty: the validator does
		// not check those formats, every string is valid.
		if strings.HasPrefix(name, "idn-") {
			continue
		}
		start = time.Now()
		cp := subsetProgram(t, name, true)
		t.Logf("%-13s %5d states in the complement within the domain  %v", name, cp.NumStates(), time.Since(start).Round(time.Millisecond))
		rng := rand.New(rand.NewSource(int64(len(name)) + 1))
		bad, walks := 0, 0
		for i := 0; i < n && bad < 5; i++ {
			text, ok := randomText(cp, rng, 400)
			if !ok {
				continue
			}
			walks++
			var s string
			if err := json.Unmarshal([]byte(text), &s); err != nil {
				t.Errorf("%s: complement sampled %s is not a JSON string: %v", name, text, err)
				bad++
				continue
			}
			if sch.Validate(s) == nil && !strings.HasPrefix(name, "idn-") {
				t.Errorf("%s: complement sampled %q is valid", name, s)
				bad++
			}
		}
		if walks == 0 {
			t.Errorf("%s: %d complement walks", name, walks)
		}
		for _, x := range complementCases[name] {
			if got := accepts(cp, jsonQuote(x.s)); got != x.valid {
				t.Errorf("%s: %q in the complement: %v, want %v", name, x.s, got, x.valid)
			}
			if x.valid && sch.Validate(x.s) == nil {
				t.Errorf("%s: %q is valid", name, x.s)
			}
		}
		for _, x := range suite[name] {
			if x.valid && accepts(cp, jsonQuote(x.s)) {
				t.Errorf("%s: suite-valid %q in the complement", name, x.s)
			}
		}
	}
}

type suiteInstance struct {
	s     string
	valid bool
}

// suiteFormatInstances reads the string instances of the test suite's
// format tests, per format.
func suiteFormatInstances(t *testing.T) map[string][]suiteInstance {
	out := map[string][]suiteInstance{}
	dir, ok := shared.SharedDir()
	if !ok {
		return out
	}
	files, _ := filepath.Glob(filepath.Join(dir, "corpora", "JSON-Schema-Test-Suite", "tests", "*", "optional", "format", "*.json"))
	for _, f := range files {
		if strings.Contains(f, "draft3") { // another "time" (no offset)
			continue
		}
		groups := readSuiteFile(t, f)
		for _, g := range groups {
			name, _ := g.Schema["format"].(string)
			for _, x := range g.Tests {
				if s, ok := x.Data.(string); ok {
					out[name] = append(out[name], suiteInstance{s, x.Valid})
				}
			}
		}
	}
	return out
}

// TestFormatLenientSchemas goes through Compile: in Lenient mode a
// refused format with a subset is compiled to it and recorded; strict
// mode still refuses it; regex and period are still dropped. time and
// date-time are refused only where their language must be one automaton
// (here with maxLength).
func TestFormatLenientSchemas(t *testing.T) {
	strict := Options{AssertFormat: true}
	lenient := Options{AssertFormat: true, Lenient: true}
	for _, name := range subsetNames {
		schema := `{"properties": {"x": {"format": "` + name + `"}}}`
		if _, ok := callFormats[name]; ok {
			schema = `{"properties": {"x": {"format": "` + name + `", "maxLength": 64}}}`
		}
		_, err := Compile([]byte(schema), strict)
		var ue *UnsupportedError
		if !errors.As(err, &ue) || ue.Keyword != "format" || ue.Pointer != "#/properties/x/format" ||
			!strings.Contains(ue.Reason, `"`+name+`"`) || strings.Contains(ue.Reason, "subset") {
			t.Errorf("%s, strict: got %v", name, err)
		}
		r, err := CompileResult([]byte(schema), lenient)
		if err != nil {
			t.Fatalf("%s, lenient: %v", name, err)
		}
		if len(r.Approximations) != 1 || r.Approximations[0].Keyword != "format" ||
			r.Approximations[0].Pointer != "#/properties/x/format" || !strings.Contains(r.Approximations[0].Reason, "subset") ||
			!strings.Contains(r.Approximations[0].Reason, `"`+name+`"`) {
			t.Errorf("%s: approximations %+v", name, r.Approximations)
		}
	}
	p := mustProgram(t, `{"format": "hostname"}`, lenient)
	for text, want := range map[string]bool{`"example.com"`: true, `"a_b"`: false, `"xn--ab.com"`: false, `12`: true} {
		if got := accepts(p, text); got != want {
			t.Errorf("hostname: %s accepted=%v, want %v", text, got, want)
		}
	}
	// Under not, the complement is taken within the domain: sound.
	p = mustProgram(t, `{"type": "string", "not": {"format": "date-time"}}`, lenient)
	for text, want := range map[string]bool{`"1998-12-31T23:59:59Z"`: false, `"1998-12-31T23:59:60Z"`: false,
		`"1998-02-30T00:00:00Z"`: true, `"x"`: true, `"\u0078"`: false} {
		if got := accepts(p, text); got != want {
			t.Errorf("not date-time: %s accepted=%v, want %v", text, got, want)
		}
	}
	p = mustProgram(t, `{"anyOf": [{"type": "null"}, {"not": {"format": "idn-hostname"}}]}`, lenient)
	if accepts(p, `"x"`) || accepts(p, `"a_b"`) || !accepts(p, `null`) {
		t.Errorf("not idn-hostname: a string accepted")
	}
	for _, name := range []string{"regex", "period"} {
		r, err := CompileResult([]byte(`{"format": "`+name+`"}`), lenient)
		if err != nil || len(r.Approximations) != 1 || strings.Contains(r.Approximations[0].Reason, "subset") {
			t.Errorf("%s: %v %+v", name, err, r)
		}
	}
}

// timeOracle is the validator's checker of format name (time or
// date-time).
func timeOracle(t testing.TB, name string) func(string) bool {
	sch := subsetChecker(t, name)
	return func(s string) bool { return sch.Validate(s) == nil }
}

// plainTime matches the time strings without the validator's
// strconv.Atoi spellings ("+1", "-0" for a two-digit number), which the
// compiled language leaves out.
var plainTime = regexp.MustCompile(`^(\d{4}-\d\d-\d\d[Tt])?\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+\-]\d\d:\d\d)$`)

// checkTime compares the compiled format with the validator on s, written
// plainly and with escapes: an accepted string must be valid, and a valid
// plain one accepted. With escapes it also checks s with \u escapes.
func checkTime(t *testing.T, p *automaton.Program, valid func(string) bool, name, s string, escapes bool) (bad bool) {
	want := valid(s)
	texts := []string{jsonQuote(s)}
	if escapes {
		texts = append(texts, escapeAllASCII(s), escapeSome(s))
	}
	for _, text := range texts {
		got := accepts(p, text)
		if got && !want {
			t.Errorf("%s: %s accepted, the validator rejects %q", name, text, s)
			return true
		}
		if !got && want && plainTime.MatchString(s) {
			t.Errorf("%s: %s rejected, the validator accepts %q", name, text, s)
			return true
		}
	}
	return false
}

// escapeSome writes every third character as \u00XX and a slash (none in
// a time) as \/.
func escapeSome(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		if r < 0x80 && i%3 == 1 {
			fmt.Fprintf(&b, `\u%04X`, r)
		} else {
			q := jsonQuote(string(r))
			b.WriteString(q[1 : len(q)-1])
		}
	}
	b.WriteByte('"')
	return b.String()
}

// TestFormatLeapSeconds checks the leap second of time exhaustively: every
// local time with its valid offsets and near misses (and every offset for
// a few local times), with and without a fraction, against the validator.
func TestFormatLeapSeconds(t *testing.T) {
	p := formatProgram(t, "time")
	valid := timeOracle(t, "time")
	fmtOff := func(sign byte, v int) string {
		v = (v%1440 + 1440) % 1440
		return fmt.Sprintf("%c%02d:%02d", sign, v/60, v%60)
	}
	n, accepted := 0, 0
	for l := 0; l < 1440; l++ {
		if testing.Short() && l%5 != 4 {
			continue
		}
		local := fmt.Sprintf("%02d:%02d:60", l/60, l%60)
		offs := []string{"Z", "z", "+00:00", "-00:00"}
		for _, d := range []int{-60, -1, 0, 1, 60} {
			offs = append(offs, fmtOff('+', l+1+d), fmtOff('-', 1439-l+d))
		}
		if l%239 == 0 {
			for v := 0; v < 1440; v++ {
				offs = append(offs, fmtOff('+', v), fmtOff('-', v))
			}
		}
		for _, frac := range []string{"", ".0123456789"} {
			for _, off := range offs {
				s := local + frac + off
				n++
				if valid(s) {
					accepted++
				}
				if checkTime(t, p, valid, "time", s, l%7 == 0) {
					return
				}
			}
		}
	}
	if !testing.Short() && accepted < 2*2*1440 {
		t.Errorf("only %d of %d leap seconds are valid", accepted, n)
	}
	t.Logf("%d leap-second strings, %d valid", n, accepted)
}

// TestFormatTimeDifferential compares time and date-time with the
// validator on random strings near the format and their mutations.
func TestFormatTimeDifferential(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 3000
	}
	rng := rand.New(rand.NewSource(1))
	two := func(max int) string {
		switch rng.Intn(20) {
		case 0:
			return fmt.Sprintf("+%d", rng.Intn(10))
		case 1:
			return "-0"
		case 2:
			return fmt.Sprintf("%d", rng.Intn(10))
		}
		return fmt.Sprintf("%02d", rng.Intn(max))
	}
	randTime := func() string {
		var b strings.Builder
		h, m := rng.Intn(24), rng.Intn(60)
		if rng.Intn(4) == 0 {
			b.WriteString(two(30) + ":" + two(70))
		} else {
			fmt.Fprintf(&b, "%02d:%02d", h, m)
		}
		if rng.Intn(2) == 0 {
			b.WriteString(":60")
		} else {
			b.WriteString(":" + two(62))
		}
		if rng.Intn(2) == 0 {
			b.WriteString("." + strconv.Itoa(rng.Intn(1000)))
		}
		switch rng.Intn(8) {
		case 0:
			b.WriteString("Z")
		case 1:
			b.WriteString("z")
		case 2, 3:
			l := (h*60 + m + 1) % 1440
			fmt.Fprintf(&b, "+%02d:%02d", l/60, l%60)
		case 4, 5:
			l := 1439 - (h*60 + m)
			fmt.Fprintf(&b, "-%02d:%02d", l/60, l%60)
		default:
			b.WriteString("+-"[rng.Intn(2):][:1] + two(26) + ":" + two(62))
		}
		return b.String()
	}
	randDate := func() string {
		if rng.Intn(3) == 0 {
			return fmt.Sprintf("%04d-%02d-%02d", rng.Intn(10000), rng.Intn(14), rng.Intn(33))
		}
		return fmt.Sprintf("%04d-%02d-%02d", rng.Intn(10000), 1+rng.Intn(12), 1+rng.Intn(28))
	}
	const chars = "0123456789:+-.TtZz 6"
	mutate := func(s string) string { return mutateOnce(rng, s, chars) }
	for _, name := range []string{"time", "date-time"} {
		p := formatProgram(t, name)
		valid := timeOracle(t, name)
		bad, ok := 0, 0
		for i := 0; i < n && bad < 5; i++ {
			s := randTime()
			if name == "date-time" {
				s = randDate() + "Tt"[rng.Intn(2):][:1] + s
			}
			if rng.Intn(3) == 0 {
				s = mutate(s)
			}
			if valid(s) {
				ok++
			}
			if checkTime(t, p, valid, name, s, true) {
				bad++
			}
		}
		t.Logf("%s: %d strings, %d valid", name, n, ok)
	}
}

// TestFormatLeapSchemas compiles time and date-time through Compile: alone,
// in properties and in anyOf they are exact, leap seconds included. As
// property names they are refused: whether keeping keys distinct could
// leave a dead end is not decided for a key language with the leap rules.
func TestFormatLeapSchemas(t *testing.T) {
	opts := Options{AssertFormat: true}
	for _, x := range []struct {
		schema         string
		accept, reject []string
	}{
		{`{"type": "string", "format": "date-time"}`,
			[]string{`"1998-12-31T23:59:60Z"`, `"1998-12-31T15:59:60.123-08:00"`, `"1998-12-31t23:59:60\u002B00:00"`, `"2024-02-29T01:02:03+05:30"`},
			[]string{`"1998-12-31T23:59:60+01:00"`, `"1998-12-31T23:58:60Z"`, `"2023-02-29T01:02:03Z"`, `12`}},
		{`{"type": "object", "properties": {"a": {"type": "string", "format": "date-time"}, "b": {"type": "string", "format": "time"}}}`,
			[]string{`{"a":"2000-01-01T00:00:00Z","b":"00:00:60+00:01"}`, `{"b":"12:30:60-11:29"}`, `{}`},
			[]string{`{"b":"12:30:60+11:29"}`, `{"a":"2000-01-01T00:00:60Z"}`}},
		{`{"anyOf": [{"format": "time"}, {"format": "date"}, {"type": "integer"}]}`,
			[]string{`"23:59:60z"`, `"2020-01-01"`, `3`, `"00:00:60-23:59"`},
			[]string{`"00:00:60Z"`, `"x"`}},
		{`{"if": {"format": "time"}, "then": {"type": "string"}, "else": {"type": "integer"}}`,
			[]string{`"23:59:60Z"`, `"00:00:00+23:59"`},
			[]string{`"00:00:60Z"`, `"x"`, `3`}}, // 3 passes "if", then is not a string
	} {
		p := mustProgram(t, x.schema, opts)
		for _, s := range x.accept {
			if !accepts(p, s) {
				t.Errorf("%s: %s rejected", x.schema, s)
			}
		}
		for _, s := range x.reject {
			if accepts(p, s) {
				t.Errorf("%s: %s accepted", x.schema, s)
			}
		}
	}
	_, err := Compile([]byte(`{"type": "object", "propertyNames": {"format": "time"}}`), opts)
	var ue *UnsupportedError
	if !errors.As(err, &ue) || ue.Keyword != "propertyNames" {
		t.Errorf("propertyNames time: %v, want refused naming propertyNames", err)
	}
	// Lenient: where the language must be one automaton, the subset.
	r, err := CompileResult([]byte(`{"format": "date-time", "maxLength": 40}`), Options{AssertFormat: true, Lenient: true})
	if err != nil || len(r.Approximations) != 1 || !strings.Contains(r.Approximations[0].Reason, "subset") {
		t.Fatalf("lenient date-time with maxLength: %v %+v", err, r)
	}
	p, err := compile.Compile(r.Grammar, nil, compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !accepts(p, `"2000-01-01T00:00:00Z"`) || accepts(p, `"1998-12-31T23:59:60Z"`) {
		t.Errorf("lenient date-time with maxLength: not the no-leap subset")
	}
}

// suiteGroup is a test case of a JSON-Schema-Test-Suite file.
type suiteGroup struct {
	Schema map[string]any `json:"schema"`
	Tests  []struct {
		Data  any  `json:"data"`
		Valid bool `json:"valid"`
	} `json:"tests"`
}

// readSuiteFile reads the test cases of a suite file.
func readSuiteFile(t *testing.T, f string) []suiteGroup {
	t.Helper()
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	var groups []suiteGroup
	if err := json.Unmarshal(data, &groups); err != nil {
		t.Fatal(err)
	}
	return groups
}

// xnLabel matches the names with a label that starts with "xn--" in any
// case: A-labels, left out of hostname (and of email domains) from draft 7
// on.
var xnLabel = regexp.MustCompile(`(?i)(^|\.)xn--`)

// plainIPv4 is an IPv4 address without the validator's strconv.Atoi
// spellings ("+1", "-0").
var plainIPv4 = regexp.MustCompile(`^` + ipv4 + `$`)

// hostLeftOut reports whether a host name that the validator takes is
// left out of the language of key (hostname, or hostname6 for drafts 4
// and 6): a trailing dot (the suite rejects it), from draft 7 on an
// A-label.
func hostLeftOut(key, s string) bool {
	return strings.HasSuffix(s, ".") || (!strings.HasSuffix(key, "6") && xnLabel.MatchString(s))
}

// emailLeftOut reports whether an address that the validator takes is
// left out of the language of key (email or email6): an empty local part
// (the suite rejects it), a domain host name left out, an IPv4 literal
// with signs.
func emailLeftOut(key, s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return at == 0
	}
	domain := s[at+1:]
	if strings.HasPrefix(domain, "[") && strings.HasSuffix(domain, "]") {
		return !strings.HasPrefix(domain, "[IPv6:") && !plainIPv4.MatchString(domain[1:len(domain)-1])
	}
	return hostLeftOut(strings.Replace(key, "email", "hostname", 1), domain)
}

// checkHostEmail compares the compiled language of key (hostname,
// hostname6, email or email6) with the validator on s, written plainly,
// with every ASCII character escaped and with some escaped: the grammar
// must accept exactly the valid strings that are not left out.
func checkHostEmail(t *testing.T, p *automaton.Program, valid func(string) bool, key, s string) (bad bool) {
	t.Helper()
	want := valid(s)
	if want && strings.HasPrefix(key, "email") && emailLeftOut(key, s) ||
		want && strings.HasPrefix(key, "hostname") && hostLeftOut(key, s) {
		want = false
	}
	for _, text := range []string{jsonQuote(s), escapeAllASCII(s), escapeSome(s)} {
		if got := accepts(p, text); got != want {
			t.Errorf("%s: %s accepted=%v, want %v (validator: %v)", key, text, got, want, valid(s))
			return true
		}
	}
	return false
}

var (
	label63 = strings.Repeat("a", 62) + "9"
	label64 = strings.Repeat("a", 63) + "9"
	// names of 253 and 254 characters.
	name253 = label63 + "." + label63 + "." + label63 + "." + strings.Repeat("b", 61)
	name254 = label63 + "." + label63 + "." + label63 + "." + strings.Repeat("b", 62)
	// 127 and 128 one-character labels: 253 and 255 characters.
	dots253 = strings.TrimSuffix(strings.Repeat("a.", 127), ".")
	dots255 = strings.TrimSuffix(strings.Repeat("a.", 128), ".")
	local64 = strings.Repeat("x", 64)
	// a domain of 189 characters: with a local part of 64, 254 in all.
	domain189 = label63 + "." + label63 + "." + strings.Repeat("c", 61)
)

// hostEmailCases are valid and invalid strings of the compiled languages
// (hostname and email from draft 7 on; the drafts 4 and 6 languages take
// A-labels too, see TestFormatHostEmail).
var hostEmailCases = map[string]struct{ valid, invalid []string }{
	"hostname": {
		valid: []string{"a", "example.com", "www.example.com", "a-b.c-d", "a--b", "ab--cd.example", "xn-a.com", "xna--b.c",
			"1.2.3.4", "EXAMPLE.COM", "0", label63, label63 + ".com", name253, dots253, "x", "xn", "xn-b", "Xn-9"},
		invalid: []string{"", ".", "a.", "example.", ".a", "a..b", "-a", "a-", "a-.b", "a.-b", "a_b", "a b", "a\n", "é.com",
			label64, label64 + ".com", "a." + label64, name254, dots255, name253 + ".", "xn--abc", "XN--abc.com", "a.xN--b",
			"xn--", "a/b", "a@b", "[1.2.3.4]"},
	},
	"email": {
		valid: []string{"a@b", "joe.bloggs@example.com", "te~st@x.org", "a.b.c@d", "!#$%&'*+-/=?^_`{|}~@x", `"joe bloggs"@example.com`,
			`""@x`, `"a@b"@c.d`, `"é"@x.com`, "\"\x00\x1f\"@x", `"..."@x`, "a@[127.0.0.1]", "a@[0.0.0.0]", "a@[IPv6:::1]",
			"a@[IPv6:fe80::1:2]", "a@[IPv6:::ffff:1.2.3.4]", "a@[IPv6:1:2:3:4:5:6:7:8]", local64 + "@b", local64 + "@" + domain189,
			"a@" + name253[:252], `"` + strings.Repeat("é", 31) + `"@x`, `"` + strings.Repeat("\U0001F600", 15) + `aa"@x`,
			"a@1.2.3.4", "a@ab--cd.e"},
		invalid: []string{"", "a", "@example.com", "a@", ".a@b", "a.@b", "a..b@c", "a b@c", "a@b@c", "a@-b", "a@b.", "a@b..c",
			local64 + "x@b", local64 + "@" + domain189 + "c", "a@" + name253, `"a"b"@c`, `"a\b"@c`, `"@c`, `"a@c`, `a"@c`,
			"a@[1.2.3.256]", "a@[+1.2.3.4]", "a@[1.2.3.-0]", "a@[01.2.3.4]", "a@[IPv6:1.2.3.4]", "a@[ipv6:::1]", "a@[::1]",
			"a@[IPv6:::1%eth0]", "a@[IPv6:::1", "a@[]", "a@xn--ab.com", "a@b.XN--c", `"` + strings.Repeat("é", 31) + `a"@x`,
			"é@x", "a@é.com", "a@b_c.d", "a@" + label64},
	},
}

// TestFormatHostEmail checks hostname and email: the table cases, plainly
// and escaped (each valid one is valid for the validator, each invalid
// one invalid unless deliberately left out), then the drafts 4 and 6
// languages, which take A-labels.
func TestFormatHostEmail(t *testing.T) {
	for _, key := range []string{"hostname", "email"} {
		p := formatProgram(t, key)
		sch := subsetChecker(t, key)
		for _, s := range hostEmailCases[key].valid {
			if sch.Validate(s) != nil {
				t.Errorf("%s: %q is invalid for the validator", key, s)
			}
			for _, text := range []string{jsonQuote(s), escapeAllASCII(s), escapeSome(s)} {
				if !accepts(p, text) {
					t.Errorf("%s: %s rejected", key, text)
				}
			}
		}
		for _, s := range hostEmailCases[key].invalid {
			if sch.Validate(s) == nil && !(key == "hostname" && hostLeftOut(key, s) || key == "email" && emailLeftOut(key, s)) {
				t.Errorf("%s: %q is valid for the validator and not left out", key, s)
			}
			for _, text := range []string{jsonQuote(s), escapeAllASCII(s), escapeSome(s)} {
				if accepts(p, text) {
					t.Errorf("%s: %s accepted", key, text)
				}
			}
		}
	}
	for key, cases := range map[string]map[string]bool{
		"hostname6": {"xn--abc": true, "XN--4gbwdl.xn--wgbh1c": true, "example.": false, "a-": false, label64: false},
		"email6":    {"a@xn--ab.com": true, "a@b.": false, "@b.c": false},
	} {
		p := formatProgram(t, key)
		for s, want := range cases {
			if got := accepts(p, jsonQuote(s)); got != want {
				t.Errorf("%s: %q accepted=%v, want %v", key, s, got, want)
			}
		}
	}
}

// TestFormatHostEmailDifferential compares hostname and email (all four
// languages) with the validator on random strings near the formats
// (label lengths about 63, names about 253, local parts about 64 bytes,
// quoted local parts with any characters, address literals) and their
// mutations, written plainly and escaped.
func TestFormatHostEmailDifferential(t *testing.T) {
	n := 2500
	if testing.Short() {
		n = 500
	}
	rng := rand.New(rand.NewSource(2))
	pick := func(s string) string {
		rs := []rune(s)
		return string(rs[rng.Intn(len(rs))])
	}
	labelLen := func() int {
		switch rng.Intn(6) {
		case 0:
			return 61 + rng.Intn(4) // 61..64
		case 1:
			return 1
		}
		return 1 + rng.Intn(12)
	}
	label := func() string {
		var b strings.Builder
		n := labelLen()
		if rng.Intn(12) == 0 {
			b.WriteString([]string{"xn--", "XN--", "xn-", "x", "xN"}[rng.Intn(5)])
		}
		for b.Len() < n {
			switch rng.Intn(14) {
			case 0:
				b.WriteByte('-')
			default:
				b.WriteString(pick("abcxnXN019Z"))
			}
		}
		return b.String()
	}
	name := func() string {
		var parts []string
		k := 1 + rng.Intn(5)
		if rng.Intn(4) == 0 {
			k = 60 + rng.Intn(80) // short labels up to about 253
		}
		total := -1
		target := 180 + rng.Intn(80)
		for i := 0; i < k; i++ {
			l := label()
			if k > 5 {
				l = pick("ab9")
			}
			parts = append(parts, l)
			total += len(l) + 1
			if k <= 5 && rng.Intn(3) == 0 && total < target { // fill up to about 253
				for total < target {
					l := label()
					parts = append(parts, l)
					total += len(l) + 1
				}
				break
			}
		}
		s := strings.Join(parts, ".")
		if rng.Intn(10) == 0 {
			s += "."
		}
		return s
	}
	local := func() string {
		if rng.Intn(4) == 0 {
			var b strings.Builder
			b.WriteByte('"')
			n := rng.Intn(66)
			for b.Len() < n {
				b.WriteString(pick("ab @.\"\\\x00\x1féß€\U0001F600"))
			}
			b.WriteByte('"')
			return b.String()
		}
		var b strings.Builder
		n := 1 + rng.Intn(10)
		if rng.Intn(5) == 0 {
			n = 60 + rng.Intn(8)
		}
		for b.Len() < n {
			b.WriteString(pick("ab9.!#$%&'*+-/=?^_`{|}~ "))
		}
		return b.String()
	}
	octet := func() string {
		switch rng.Intn(12) {
		case 0:
			return "+" + strconv.Itoa(rng.Intn(300))
		case 1:
			return "-0"
		case 2:
			return "0" + strconv.Itoa(rng.Intn(10))
		}
		return strconv.Itoa(rng.Intn(270))
	}
	domain := func() string {
		switch rng.Intn(6) {
		case 0:
			return "[" + octet() + "." + octet() + "." + octet() + "." + octet() + "]"
		case 1:
			return "[IPv6:" + []string{"::1", "fe80::1:2", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8", "1::2::3", "12345::", ":::"}[rng.Intn(7)] + "]"
		}
		return name()
	}
	const chars = "a-.9@\"[]:xn\\"
	mutate := func(s string) string { return mutateOnce(rng, s, chars) }
	for _, key := range []string{"hostname", "hostname6", "email", "email6"} {
		p := formatProgram(t, key)
		name6 := strings.TrimSuffix(key, "6")
		sch := subsetChecker(t, name6)
		valid := func(s string) bool { return utf8.ValidString(s) && sch.Validate(s) == nil }
		bad, ok := 0, 0
		for i := 0; i < n && bad < 5; i++ {
			s := name()
			if name6 == "email" {
				s = local() + "@" + domain()
			}
			if rng.Intn(3) == 0 {
				s = mutate(s)
			}
			if !utf8.ValidString(s) {
				continue
			}
			if valid(s) {
				ok++
			}
			if checkHostEmail(t, p, valid, key, s) {
				bad++
			}
		}
		t.Logf("%s: %d strings, %d valid", key, n, ok)
	}
}

// TestFormatHostEmailSchemas compiles hostname and email through Compile:
// alone, in properties and in anyOf they are exact, with the language of
// the schema's draft; where the language must be one automaton they are
// refused (lenient: their subsets).
func TestFormatHostEmailSchemas(t *testing.T) {
	opts := Options{AssertFormat: true}
	for _, x := range []struct {
		schema         string
		accept, reject []string
	}{
		{`{"type": "string", "format": "hostname"}`,
			[]string{`"example.com"`, `"\u0065xample.c\u006Fm"`, `"a\u002Db"`, `"` + name253 + `"`},
			[]string{`"example."`, `"xn--abc"`, `"a_b"`, `"` + name254 + `"`, `12`}},
		{`{"$schema": "http://json-schema.org/draft-06/schema#", "format": "hostname"}`,
			[]string{`"xn--abc"`, `"example.com"`, `12`}, []string{`"example."`, `"a-"`}},
		{`{"$schema": "http://json-schema.org/draft-07/schema#", "format": "hostname"}`,
			[]string{`"example.com"`}, []string{`"xn--abc"`}},
		{`{"type": "object", "properties": {"a": {"type": "string", "format": "email"}, "b": {"type": "string", "format": "hostname"}}}`,
			[]string{`{"a":"joe@example.com","b":"example.com"}`, `{"a":"\"x y\"@[IPv6:::1]"}`, `{}`},
			[]string{`{"a":"@example.com"}`, `{"b":"joe@example.com"}`}},
		{`{"anyOf": [{"format": "email"}, {"format": "hostname"}, {"type": "integer"}]}`,
			[]string{`"joe@example.com"`, `"example.com"`, `3`},
			[]string{`"joe@example.com."`, `"x y"`}},
	} {
		p := mustProgram(t, x.schema, opts)
		for _, s := range x.accept {
			if !accepts(p, s) {
				t.Errorf("%s: %s rejected", x.schema, s)
			}
		}
		for _, s := range x.reject {
			if accepts(p, s) {
				t.Errorf("%s: %s accepted", x.schema, s)
			}
		}
	}
	// Where the language must be one automaton: refused, or the subset.
	for _, schema := range []string{`{"format": "hostname", "maxLength": 40}`, `{"not": {"format": "email"}}`,
		`{"type": "string", "format": "email", "pattern": "^a"}`} {
		_, err := Compile([]byte(schema), opts)
		var ue *UnsupportedError
		if !errors.As(err, &ue) || ue.Keyword != "format" {
			t.Errorf("%s: got %v, want refused", schema, err)
		}
		r, err := CompileResult([]byte(schema), Options{AssertFormat: true, Lenient: true})
		if err != nil || len(r.Approximations) != 1 || !strings.Contains(r.Approximations[0].Reason, "subset") {
			t.Errorf("%s, lenient: %v %+v", schema, err, r)
		}
	}
}

// mutateOnce inserts, deletes or replaces one byte of s (inserted and
// replacing bytes drawn from chars): the differential tests' near misses.
func mutateOnce(rng *rand.Rand, s, chars string) string {
	b := []byte(s)
	switch k := rng.Intn(4); {
	case len(b) == 0 || k == 0:
		i := rng.Intn(len(b) + 1)
		b = append(b[:i], append([]byte{chars[rng.Intn(len(chars))]}, b[i:]...)...)
	case k == 1:
		i := rng.Intn(len(b))
		b = append(b[:i], b[i+1:]...)
	default:
		b[rng.Intn(len(b))] = chars[rng.Intn(len(chars))]
	}
	return string(b)
}
