package regex

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gramc/gramc/grammar"
)

// Parse parses an ECMA-262 pattern with the u flag's syntax and semantics
// (code points, not UTF-16 units) and the given flags. It returns an *Error
// with CodeSyntax for an invalid pattern, CodeTooLarge when a limit is
// exceeded, and CodeUnsupported for a \p{...} property that Go's unicode
// tables lack (the set must be built while parsing). Other constructs that
// Anchored and Search refuse (backreferences, lookaround, \b, anchors with
// the m flag) parse fine: refusing them is the translation's business.
func Parse(pattern string, flags Flags) (n *Node, err error) {
	if len(pattern) > MaxPatternLen {
		return nil, tooLargeErr(MaxPatternLen, "pattern is %d bytes long, more than the limit %d", len(pattern), MaxPatternLen)
	}
	for i := 0; i < len(pattern); {
		r, size := utf8.DecodeRuneInString(pattern[i:])
		if r == utf8.RuneError && size == 1 {
			return nil, syntaxErr(i, "invalid UTF-8 in the pattern")
		}
		i += size
	}
	p := &parser{src: pattern, flags: flags, names: map[string]bool{}, sets: map[setKey][]grammar.Range{}}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(parseError)
			if !ok {
				panic(r)
			}
			n, err = nil, pe.err
		}
	}()
	n = p.disjunction()
	if p.pos < len(p.src) { // only ')' stops a top-level disjunction
		p.fail(syntaxErr(p.pos, "unmatched )"))
	}
	for _, ref := range p.refs {
		if ref.Name != "" {
			if !p.names[ref.Name] {
				p.fail(syntaxErr(ref.Pos, "backreference \\k<%s>: there is no group named %q", ref.Name, ref.Name))
			}
		} else if ref.Index > p.ncap {
			p.fail(syntaxErr(ref.Pos, "backreference \\%d: the pattern has only %d capturing groups", ref.Index, p.ncap))
		}
	}
	if p.hasNamed {
		if _, e := checkNames(n); e != nil {
			p.fail(e)
		}
	}
	return n, nil
}

type parseError struct{ err *Error }

// setKey identifies a class or class escape by its text and the flag that
// changes its set, so that a repeated one is built once.
type setKey struct {
	text string
	fold bool
}

// cachedSet returns the set of the class or escape at p.pos, building it
// with build (which must advance p.pos past it) the first time.
func (p *parser) cachedSet(build func() []grammar.Range) []grammar.Range {
	start := p.pos
	// The text of a class ends at the first unescaped ]; of an escape, at
	// the } of \p{...} or after the letter. Build first, then key by the
	// consumed text: the key is only used for later occurrences.
	end := p.skipSet()
	key := setKey{p.src[start:end], p.flags.IgnoreCase}
	if rs, ok := p.sets[key]; ok {
		p.pos = end
		return rs
	}
	rs := build()
	if p.pos == end {
		p.sets[key] = rs
	}
	return rs
}

// skipSet returns where the class or class escape at p.pos ends, or p.pos
// when that is not easy to tell (the set is then not cached).
func (p *parser) skipSet() int {
	s := p.src[p.pos:]
	switch {
	case strings.HasPrefix(s, `\p{`) || strings.HasPrefix(s, `\P{`):
		if i := strings.IndexByte(s, '}'); i > 0 {
			return p.pos + i + 1
		}
	case strings.HasPrefix(s, `\`) && len(s) >= 2:
		return p.pos + 2
	case strings.HasPrefix(s, "["):
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case ']':
				return p.pos + i + 1
			}
		}
	}
	return p.pos
}

type parser struct {
	src      string
	pos      int
	flags    Flags
	depth    int
	ncap     int
	names    map[string]bool
	sets     map[setKey][]grammar.Range // classes and class escapes already built
	hasNamed bool
	refs     []*Node
}

func (p *parser) fail(e *Error) { panic(parseError{e}) }

func (p *parser) more() bool { return p.pos < len(p.src) }

func (p *parser) at(s string) bool { return strings.HasPrefix(p.src[p.pos:], s) }

func (p *parser) enter(pos int) {
	p.depth++
	if p.depth > MaxNesting {
		p.fail(tooLargeErr(pos, "groups nested more than %d deep", MaxNesting))
	}
}

func (p *parser) disjunction() *Node {
	start := p.pos
	alts := []*Node{p.alternative()}
	for p.more() && p.src[p.pos] == '|' {
		p.pos++
		alts = append(alts, p.alternative())
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return &Node{Op: OpAlternate, Pos: start, Subs: alts}
}

func (p *parser) alternative() *Node {
	start := p.pos
	var terms []*Node
	for p.more() && p.src[p.pos] != '|' && p.src[p.pos] != ')' {
		terms = append(terms, p.term())
	}
	switch len(terms) {
	case 0:
		return &Node{Op: OpEmpty, Pos: start}
	case 1:
		return terms[0]
	}
	return &Node{Op: OpConcat, Pos: start, Subs: terms}
}

func (p *parser) term() *Node {
	start := p.pos
	var n *Node
	switch {
	case p.at("^"):
		p.pos++
		n = &Node{Op: OpBegin, Pos: start, Multiline: p.flags.Multiline}
	case p.at("$"):
		p.pos++
		n = &Node{Op: OpEnd, Pos: start, Multiline: p.flags.Multiline}
	case p.at(`\b`):
		p.pos += 2
		n = &Node{Op: OpWordBoundary, Pos: start}
	case p.at(`\B`):
		p.pos += 2
		n = &Node{Op: OpNotWordBoundary, Pos: start}
	case p.at("(?="), p.at("(?!"), p.at("(?<="), p.at("(?<!"):
		p.enter(start)
		n = &Node{Op: OpLookaround, Pos: start, Behind: p.src[p.pos+2] == '<'}
		p.pos += 3
		if n.Behind {
			p.pos++
		}
		n.Negate = p.src[p.pos-1] == '!'
		n.Subs = []*Node{p.disjunction()}
		p.closeGroup(start)
		p.depth--
	default:
		return p.quantifier(p.atom())
	}
	if p.more() && strings.IndexByte("*+?{", p.src[p.pos]) >= 0 {
		p.fail(syntaxErr(p.pos, "nothing to repeat: the assertion %s cannot be quantified", p.src[start:p.pos]))
	}
	return n
}

func (p *parser) closeGroup(start int) {
	if !p.more() {
		p.fail(syntaxErr(start, "unterminated group: missing )"))
	}
	p.pos++ // ')': disjunction stops only at ')' or the end
}

func (p *parser) quantifier(atom *Node) *Node {
	if !p.more() {
		return atom
	}
	start := p.pos
	n := &Node{Op: OpRepeat, Pos: start, Subs: []*Node{atom}}
	switch p.src[p.pos] {
	case '*':
		n.Min, n.Max = 0, grammar.Unbounded
		p.pos++
	case '+':
		n.Min, n.Max = 1, grammar.Unbounded
		p.pos++
	case '?':
		n.Min, n.Max = 0, 1
		p.pos++
	case '{':
		if !p.quantifierAhead() {
			if p.flags.Strict {
				p.fail(syntaxErr(start, "lone { is not a quantifier {n}, {n,} or {n,m} (write \\{ for a literal brace)"))
			}
			return atom // a literal {, read by the next atom
		}
		n.Min, n.Max = p.braces()
	default:
		return atom
	}
	if p.more() && p.src[p.pos] == '?' {
		n.Lazy = true
		p.pos++
	}
	if p.more() && strings.IndexByte("*+?{", p.src[p.pos]) >= 0 {
		p.fail(syntaxErr(p.pos, "nothing to repeat: %q follows the quantifier %s", p.src[p.pos], p.src[start:p.pos]))
	}
	return n
}

// quantifierAhead reports whether the { at p.pos starts a quantifier or
// something too close to one to read as a literal brace ({1 or {,5}).
func (p *parser) quantifierAhead() bool {
	rest := p.src[p.pos+1:]
	if strings.HasPrefix(rest, ",") {
		rest = rest[1:]
	}
	return rest != "" && '0' <= rest[0] && rest[0] <= '9'
}

// braces parses {n}, {n,} or {n,m} at p.pos.
func (p *parser) braces() (lo, hi int) {
	start := p.pos
	p.pos++
	d1 := p.digits()
	if d1 == "" {
		p.fail(syntaxErr(start, "{,n} is not a quantifier in ECMA-262 (write {0,n}, or \\{ for a literal brace)"))
	}
	d2, open := d1, false
	if p.more() && p.src[p.pos] == ',' {
		p.pos++
		d2 = p.digits()
		open = d2 == ""
	}
	if !p.more() || p.src[p.pos] != '}' {
		p.fail(syntaxErr(start, "incomplete quantifier %s (write \\{ for a literal brace)", p.src[start:p.pos]))
	}
	p.pos++
	if !open && cmpDecimal(d1, d2) > 0 {
		p.fail(syntaxErr(start, "numbers out of order in quantifier %s", p.src[start:p.pos]))
	}
	lo = decimal(d1)
	hi = grammar.Unbounded
	if !open {
		hi = decimal(d2)
	}
	if lo > MaxRepeat || hi > MaxRepeat {
		p.fail(tooLargeErr(start, "repetition bound in %s is larger than the limit %d", p.src[start:p.pos], MaxRepeat))
	}
	return lo, hi
}

func (p *parser) digits() string {
	start := p.pos
	for p.more() && '0' <= p.src[p.pos] && p.src[p.pos] <= '9' {
		p.pos++
	}
	return p.src[start:p.pos]
}

// decimal converts a digit string, saturating above MaxRepeat.
func decimal(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
		if n > MaxRepeat {
			return MaxRepeat + 1
		}
	}
	return n
}

func cmpDecimal(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func (p *parser) atom() *Node {
	start := p.pos
	switch c := p.src[p.pos]; c {
	case '.':
		p.pos++
		rs := allChars
		if !p.flags.DotAll {
			rs = complement(lineTerminators)
		}
		return &Node{Op: OpClass, Pos: start, Ranges: rs}
	case '(':
		return p.group()
	case '[':
		return p.class()
	case '\\':
		return p.atomEscape()
	case '*', '+', '?':
		p.fail(syntaxErr(start, "nothing to repeat: quantifier %c has no operand", c))
	case '{':
		if p.quantifierAhead() {
			p.braces() // reports a malformed quantifier first
			p.fail(syntaxErr(start, "nothing to repeat: quantifier %s has no operand", p.src[start:p.pos]))
		}
		if p.flags.Strict {
			p.fail(syntaxErr(start, "lone { (write \\{ for a literal brace)"))
		}
	case '}':
		if p.flags.Strict {
			p.fail(syntaxErr(start, "lone } (write \\} for a literal brace)"))
		}
	case ']':
		if p.flags.Strict {
			p.fail(syntaxErr(start, "lone ] (write \\] for a literal bracket)"))
		}
	}
	r, size := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += size
	return p.char(r, start)
}

func (p *parser) char(r rune, pos int) *Node {
	n := &Node{Op: OpChar, Pos: pos, Rune: r}
	if p.flags.IgnoreCase && unicode.SimpleFold(r) != r {
		n.Fold = true
	}
	return n
}

func (p *parser) group() *Node {
	start := p.pos
	p.enter(start)
	defer func() { p.depth-- }()
	p.pos++ // (
	name := ""
	if p.at("?") {
		p.pos++
		switch {
		case p.at(":"):
			p.pos++
			n := p.disjunction()
			p.closeGroup(start)
			return n
		case p.at("<"):
			p.pos++
			name = p.groupName(start)
			p.hasNamed = true
			p.names[name] = true
		default:
			saved := p.flags
			p.modifiers(start)
			n := p.disjunction()
			p.closeGroup(start)
			p.flags = saved
			return n
		}
	}
	p.ncap++
	n := &Node{Op: OpGroup, Pos: start, Index: p.ncap, Name: name}
	n.Subs = []*Node{p.disjunction()}
	p.closeGroup(start)
	return n
}

// modifiers parses the flags of (?ims-ims: ...) (ECMA-262 2025) and applies
// them to p.flags.
func (p *parser) modifiers(start int) {
	seen := map[byte]bool{}
	remove := false
	count := 0
	for {
		if !p.more() {
			p.fail(syntaxErr(start, "unterminated group: missing )"))
		}
		c := p.src[p.pos]
		switch {
		case c == ':':
			if count == 0 {
				p.fail(syntaxErr(start, "modifier group (?-:...) sets and clears no flag"))
			}
			p.pos++
			return
		case c == '-' && !remove:
			remove = true
			p.pos++
			continue
		case c == 'i' || c == 'm' || c == 's':
			if seen[c] {
				p.fail(syntaxErr(p.pos, "flag %c repeated in a modifier group", c))
			}
			seen[c] = true
			count++
			on := !remove
			switch c {
			case 'i':
				p.flags.IgnoreCase = on
			case 'm':
				p.flags.Multiline = on
			case 's':
				p.flags.DotAll = on
			}
			p.pos++
			continue
		}
		if c == ')' && count > 0 {
			p.fail(syntaxErr(start, "inline flags %s are not ECMA-262: write a modifier group (?%s:...)", p.src[start:p.pos+1], p.src[start+2:p.pos]))
		}
		if count == 0 && !remove {
			p.fail(syntaxErr(start, "invalid group: (? must be followed by :, =, !, <=, <!, <name> or modifier flags"))
		}
		p.fail(syntaxErr(p.pos, "invalid flag in a modifier group (only i, m and s, followed by :)"))
	}
}

// groupName parses name> of (?<name> or \k<name>.
func (p *parser) groupName(start int) string {
	var b strings.Builder
	for {
		if !p.more() {
			p.fail(syntaxErr(start, "unterminated group name: missing >"))
		}
		if p.src[p.pos] == '>' {
			p.pos++
			break
		}
		at := p.pos
		var r rune
		if p.at(`\u`) {
			p.pos++
			r = p.unicodeEscape(at)
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(p.src[p.pos:])
			p.pos += size
		}
		first := b.Len() == 0
		if !(r == '$' || r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r) ||
			!first && (r == 0x200C || r == 0x200D || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue))) {
			p.fail(syntaxErr(at, "invalid character in group name"))
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		p.fail(syntaxErr(start, "empty group name"))
	}
	return b.String()
}

func (p *parser) atomEscape() *Node {
	start := p.pos
	p.pos++ // backslash
	if !p.more() {
		p.fail(syntaxErr(start, "\\ at the end of the pattern"))
	}
	switch c := p.src[p.pos]; {
	case '1' <= c && c <= '9':
		n := &Node{Op: OpBackref, Pos: start, Index: decimal(p.digits())}
		p.refs = append(p.refs, n)
		return n
	case c == 'k':
		p.pos++
		if !p.at("<") {
			p.fail(syntaxErr(start, "\\k must be followed by <name>"))
		}
		p.pos++
		n := &Node{Op: OpBackref, Pos: start, Name: p.groupName(start)}
		p.refs = append(p.refs, n)
		return n
	case strings.IndexByte("dDsSwWpP", c) >= 0:
		p.pos = start
		rs := p.cachedSet(func() []grammar.Range {
			p.pos++
			rs := p.classEscape(start)
			if p.flags.IgnoreCase {
				rs = fold(rs)
			}
			return rs
		})
		return &Node{Op: OpClass, Pos: start, Ranges: rs}
	}
	return p.char(p.characterEscape(start), start)
}

// classEscape parses d, D, s, S, w, W or p{...}, P{...} after a backslash
// (at p.pos) and returns its set, before case folding.
func (p *parser) classEscape(start int) []grammar.Range {
	c := p.src[p.pos]
	p.pos++
	switch c {
	case 'd':
		return digitSet
	case 'D':
		return complement(digitSet)
	case 's':
		return spaceSet
	case 'S':
		return complement(spaceSet)
	case 'w', 'W':
		rs := wordSet
		if p.flags.IgnoreCase { // ECMA WordCharacters adds ſ and K (Kelvin) under /iu
			rs = fold(rs)
		}
		if c == 'W' {
			rs = complement(rs)
		}
		return rs
	}
	// p or P
	if !p.at("{") {
		p.fail(syntaxErr(start, "\\%c must be followed by {property}", c))
	}
	p.pos++
	end := strings.IndexByte(p.src[p.pos:], '}')
	if end < 0 {
		p.fail(syntaxErr(start, "unterminated \\%c{...}", c))
	}
	body := p.src[p.pos : p.pos+end]
	p.pos += end + 1
	name, value, hasValue := strings.Cut(body, "=")
	valid := func(s string, digits bool) bool {
		if s == "" {
			return false
		}
		for i := 0; i < len(s); i++ {
			ch := s[i]
			if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || ch == '_' || digits && '0' <= ch && ch <= '9') {
				return false
			}
		}
		return true
	}
	if !valid(name, !hasValue) || hasValue && !valid(value, true) {
		p.fail(syntaxErr(start, "invalid Unicode property escape \\%c{%s}", c, body))
	}
	rs, e := property(name, value, hasValue, start)
	if e != nil {
		p.fail(e)
	}
	if c == 'P' {
		rs = complement(rs)
	}
	return rs
}

func isSyntaxChar(c byte) bool { return strings.IndexByte(`^$\.*+?()[]{}|/`, c) >= 0 }

// characterEscape parses a CharacterEscape after a backslash (p.pos is
// just past the backslash at start).
func (p *parser) characterEscape(start int) rune {
	c := p.src[p.pos]
	switch c {
	case 't':
		p.pos++
		return '\t'
	case 'n':
		p.pos++
		return '\n'
	case 'v':
		p.pos++
		return '\v'
	case 'f':
		p.pos++
		return '\f'
	case 'r':
		p.pos++
		return '\r'
	case 'c':
		if p.pos+1 < len(p.src) {
			if l := p.src[p.pos+1] | 0x20; 'a' <= l && l <= 'z' {
				p.pos += 2
				return rune(p.src[p.pos-1] % 32)
			}
		}
		p.fail(syntaxErr(start, "\\c must be followed by an ASCII letter"))
	case '0':
		p.pos++
		if p.more() && '0' <= p.src[p.pos] && p.src[p.pos] <= '9' {
			p.fail(syntaxErr(start, "\\0 followed by a digit: octal escapes are not allowed (u flag)"))
		}
		return 0
	case 'x':
		p.pos++
		if p.pos+2 <= len(p.src) && isHex(p.src[p.pos]) && isHex(p.src[p.pos+1]) {
			p.pos += 2
			return rune(hexVal(p.src[p.pos-2 : p.pos]))
		}
		p.fail(syntaxErr(start, "\\x must be followed by two hex digits"))
	case 'u':
		return p.unicodeEscape(start)
	}
	if isSyntaxChar(c) || !p.flags.Strict && c < 0x80 && c >= 0x20 && c != 0x7F && !('a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9') {
		// ECMA-262 allows only the syntax characters and /; other ASCII
		// punctuation (\- \_ \: \" ...) is accepted as itself, as every
		// engine without the u flag does, unless Strict.
		p.pos++
		return rune(c)
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	p.fail(syntaxErr(start, "invalid escape \\%c", r))
	return 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
}

func hexVal(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c <= '9':
			n = n*16 + int(c-'0')
		default:
			n = n*16 + int(c|0x20-'a'+10)
		}
		if n > utf8.MaxRune {
			return utf8.MaxRune + 1
		}
	}
	return n
}

// unicodeEscape parses u{H...} or uHHHH (joining a surrogate pair written
// as two escapes) with p.pos at the u.
func (p *parser) unicodeEscape(start int) rune {
	p.pos++ // u
	if p.at("{") {
		p.pos++
		s := p.pos
		for p.more() && isHex(p.src[p.pos]) {
			p.pos++
		}
		digits := p.src[s:p.pos]
		if digits == "" || !p.at("}") {
			p.fail(syntaxErr(start, "\\u{ must be followed by hex digits and }"))
		}
		p.pos++
		v := hexVal(digits)
		if v > utf8.MaxRune {
			p.fail(syntaxErr(start, "\\u{%s} is beyond U+10FFFF", digits))
		}
		return rune(v)
	}
	hex4 := func(at int) (int, bool) {
		if at+4 > len(p.src) {
			return 0, false
		}
		for i := at; i < at+4; i++ {
			if !isHex(p.src[i]) {
				return 0, false
			}
		}
		return hexVal(p.src[at : at+4]), true
	}
	v, ok := hex4(p.pos)
	if !ok {
		p.fail(syntaxErr(start, "\\u must be followed by four hex digits or {hex}"))
	}
	p.pos += 4
	if 0xD800 <= v && v <= 0xDBFF && p.at(`\u`) {
		if t, ok := hex4(p.pos + 2); ok && 0xDC00 <= t && t <= 0xDFFF {
			p.pos += 6
			return rune(0x10000 + (v-0xD800)<<10 + (t - 0xDC00))
		}
	}
	return rune(v)
}

func (p *parser) class() *Node {
	start := p.pos
	return &Node{Op: OpClass, Pos: start, Ranges: p.cachedSet(p.buildClass)}
}

func (p *parser) buildClass() []grammar.Range {
	start := p.pos
	p.pos++ // [
	neg := false
	if p.at("^") {
		neg = true
		p.pos++
	}
	var set []grammar.Range
	for {
		if !p.more() {
			p.fail(syntaxErr(start, "unterminated character class: missing ]"))
		}
		if p.src[p.pos] == ']' {
			p.pos++
			break
		}
		aPos := p.pos
		a, aSet := p.classAtom(start)
		if p.pos+1 < len(p.src) && p.src[p.pos] == '-' && p.src[p.pos+1] != ']' {
			dash := p.pos
			p.pos++
			b, bSet := p.classAtom(start)
			if aSet != nil || bSet != nil {
				p.fail(syntaxErr(dash, "a character class escape cannot be a range bound (write \\- for a literal -)"))
			}
			if a > b {
				p.fail(syntaxErr(aPos, "range out of order in character class: %s", p.src[aPos:p.pos]))
			}
			set = append(set, grammar.Range{Lo: a, Hi: b})
			continue
		}
		if aSet != nil {
			set = append(set, aSet...)
		} else {
			set = append(set, grammar.Range{Lo: a, Hi: a})
		}
	}
	set = norm(set)
	if p.flags.IgnoreCase {
		set = fold(set)
	}
	if neg {
		set = complement(set)
	}
	return set
}

// classAtom returns one code point, or a non-nil set for a class escape.
func (p *parser) classAtom(classStart int) (rune, []grammar.Range) {
	if !p.more() {
		p.fail(syntaxErr(classStart, "unterminated character class: missing ]"))
	}
	if p.src[p.pos] != '\\' {
		r, size := utf8.DecodeRuneInString(p.src[p.pos:])
		p.pos += size
		return r, nil
	}
	start := p.pos
	p.pos++
	if !p.more() {
		p.fail(syntaxErr(start, "\\ at the end of the pattern"))
	}
	switch c := p.src[p.pos]; {
	case c == 'b':
		p.pos++
		return '\b', nil
	case c == '-':
		p.pos++
		return '-', nil
	case strings.IndexByte("dDsSwWpP", c) >= 0:
		rs := p.classEscape(start)
		if rs == nil {
			rs = []grammar.Range{} // an empty set is still a set
		}
		return 0, rs
	case '1' <= c && c <= '9':
		p.fail(syntaxErr(start, "invalid escape \\%c in a character class (no backreferences there, and no octal escapes with the u flag)", c))
	}
	return p.characterEscape(start), nil
}

// checkNames applies ECMA-262's rule on duplicate group names: two groups
// may share a name only when they are in different alternatives of some
// disjunction. It returns the names in n with their positions.
func checkNames(n *Node) (map[string]int, *Error) {
	switch n.Op {
	case OpConcat:
		var all map[string]int
		for _, s := range n.Subs {
			m, e := checkNames(s)
			if e != nil {
				return nil, e
			}
			if all == nil {
				all = m
				continue
			}
			for k, pos := range m {
				if _, dup := all[k]; dup {
					return nil, syntaxErr(pos, "duplicate group name %q", k)
				}
				all[k] = pos
			}
		}
		return all, nil
	case OpAlternate:
		var all map[string]int
		for _, s := range n.Subs {
			m, e := checkNames(s)
			if e != nil {
				return nil, e
			}
			if all == nil {
				all = m
				continue
			}
			for k, pos := range m {
				if _, ok := all[k]; !ok {
					all[k] = pos
				}
			}
		}
		return all, nil
	case OpGroup, OpRepeat, OpLookaround:
		m, e := checkNames(n.Subs[0])
		if e != nil {
			return nil, e
		}
		if n.Op == OpGroup && n.Name != "" {
			if _, dup := m[n.Name]; dup {
				return nil, syntaxErr(m[n.Name], "duplicate group name %q", n.Name)
			}
			if m == nil {
				m = map[string]int{}
			}
			m[n.Name] = n.Pos
		}
		return m, nil
	}
	return nil, nil
}
