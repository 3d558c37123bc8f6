package vocab

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pre-tokenizers split normalized text into pieces that BPE encodes one
// by one. The regular expressions of the known tokenizers use lookahead
// (\s+(?!\S)), which Go's regexp lacks, so each known pattern has a
// hand-written matcher here that reproduces the backtracking regex
// engine's leftmost-first result. \s is Unicode White_Space, as in the
// Hugging Face Rust library (it matches U+0085 but not U+FEFF).

// A preTokenizer appends the pieces of s to dst.
type preTokenizer func(dst []string, s string) []string

// A matcher returns the end of the match that starts exactly at byte i of
// s, or -1 if there is none. Matches are never empty.
type matcher func(s string, i int) int

// Regular expressions with a hand-written matcher, keyed by their text
// as it appears (decoded) in tokenizer.json.
var knownPatterns = map[string]matcher{
	// Llama 3.
	`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`: func(s string, i int) int {
		return matchLlama3(s, i, 3)
	},
	// Qwen2, Qwen3.
	`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`: func(s string, i int) int {
		return matchLlama3(s, i, 1)
	},
	// GPT-4o (o200k_base).
	`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`: matchO200k,
	// DeepSeek V3 (three Splits in a Sequence).
	`\p{N}{1,3}`: func(s string, i int) int {
		if r, _ := runeAt(s, i); isN(r) {
			return runMax(s, i, isN, 3)
		}
		return -1
	},
	"[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+": func(s string, i int) int {
		if e := run(s, i, isDeepSeekCJK); e > i {
			return e
		}
		return -1
	},
	"[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+": matchDeepSeek,
	// GPT-2 (the ByteLevel pre-tokenizer with use_regex).
	gpt2Pattern: matchGPT2,
}

const gpt2Pattern = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`

// Character classes. A byte that is not valid UTF-8 decodes to badRune,
// which is in no class.
const badRune = -1

func runeAt(s string, i int) (rune, int) {
	if i >= len(s) {
		return badRune, 0
	}
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && n == 1 {
		return badRune, 1
	}
	return r, n
}

func isL(r rune) bool  { return r >= 0 && unicode.IsLetter(r) }
func isN(r rune) bool  { return r >= 0 && unicode.IsNumber(r) }
func isM(r rune) bool  { return r >= 0 && unicode.IsMark(r) }
func isP(r rune) bool  { return r >= 0 && unicode.IsPunct(r) }
func isS(r rune) bool  { return r >= 0 && unicode.IsSymbol(r) }
func isLM(r rune) bool { return isL(r) || isM(r) }
func isPS(r rune) bool { return isP(r) || isS(r) }

// isWS is \s: Unicode White_Space.
func isWS(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || '\t' <= r && r <= '\r'
	}
	return unicode.Is(unicode.White_Space, r)
}

func isCRLF(r rune) bool { return r == '\r' || r == '\n' }

// isOther is [^\s\p{L}\p{N}].
func isOther(r rune) bool { return !isWS(r) && !isL(r) && !isN(r) }

// isPrefix is [^\r\n\p{L}\p{N}].
func isPrefix(r rune) bool { return !isCRLF(r) && !isL(r) && !isN(r) }

// isUpperish is [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}].
func isUpperish(r rune) bool {
	return r >= 0 && (unicode.In(r, unicode.Lu, unicode.Lt, unicode.Lm, unicode.Lo) || unicode.IsMark(r))
}

// isLowerish is [\p{Ll}\p{Lm}\p{Lo}\p{M}].
func isLowerish(r rune) bool {
	return r >= 0 && (unicode.In(r, unicode.Ll, unicode.Lm, unicode.Lo) || unicode.IsMark(r))
}

func isDeepSeekCJK(r rune) bool {
	return 0x4e00 <= r && r <= 0x9fa5 || 0x3040 <= r && r <= 0x309f || 0x30a0 <= r && r <= 0x30ff
}

func isASCIILetter(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }

// run returns the end of the longest run of runes in class starting at i.
func run(s string, i int, class func(rune) bool) int {
	for i < len(s) {
		r, n := runeAt(s, i)
		if !class(r) {
			break
		}
		i += n
	}
	return i
}

// runMax is run limited to max runes.
func runMax(s string, i int, class func(rune) bool, max int) int {
	for k := 0; k < max && i < len(s); k++ {
		r, n := runeAt(s, i)
		if !class(r) {
			break
		}
		i += n
	}
	return i
}

// matchContraction matches '(s|t|re|ve|m|ll|d) at i, ASCII case folded
// if fold is set.
func matchContraction(s string, i int, fold bool) int {
	if i+1 >= len(s) || s[i] != '\'' {
		return -1
	}
	lower := func(c byte) byte {
		if fold && 'A' <= c && c <= 'Z' {
			return c + 'a' - 'A'
		}
		return c
	}
	switch lower(s[i+1]) {
	case 's', 't', 'm', 'd':
		return i + 2
	case 'r', 'v':
		if i+2 < len(s) && lower(s[i+2]) == 'e' {
			return i + 3
		}
	case 'l':
		if i+2 < len(s) && lower(s[i+2]) == 'l' {
			return i + 3
		}
	}
	return -1
}

// matchSpaces matches the common tail of the patterns,
// \s*[\r\n]+|\s+(?!\S)|\s+, at i; crlf enables the first alternative.
func matchSpaces(s string, i int, crlf bool) int {
	e := run(s, i, isWS)
	if e == i {
		return -1
	}
	if crlf {
		// \s* backtracks to the last \r or \n of the run.
		if k := strings.LastIndexAny(s[i:e], "\r\n"); k >= 0 {
			return i + k + 1
		}
	}
	if e == len(s) {
		return e
	}
	// \s+(?!\S) gives back the last whitespace character.
	if _, n := utf8.DecodeLastRuneInString(s[i:e]); e-n > i {
		return e - n
	}
	return e
}

// matchPunct matches " ?[^\s\p{L}\p{N}]+" followed by a run of the bytes
// in tail, at i.
func matchPunct(s string, i int, class func(rune) bool, tail string) int {
	j := i
	if j < len(s) && s[j] == ' ' {
		j++
	}
	e := run(s, j, class)
	if e == j {
		return -1
	}
	for e < len(s) && strings.IndexByte(tail, s[e]) >= 0 {
		e++
	}
	return e
}

// matchLlama3 matches the Llama 3 pattern (maxDigits 3) or the Qwen
// pattern (maxDigits 1) at i.
func matchLlama3(s string, i int, maxDigits int) int {
	if e := matchContraction(s, i, true); e >= 0 {
		return e
	}
	r, n := runeAt(s, i)
	// [^\r\n\p{L}\p{N}]?\p{L}+
	if isPrefix(r) {
		if e := run(s, i+n, isL); e > i+n {
			return e
		}
	} else if isL(r) {
		return run(s, i, isL)
	}
	// \p{N}{1,3}
	if isN(r) {
		return runMax(s, i, isN, maxDigits)
	}
	// ?[^\s\p{L}\p{N}]+[\r\n]*
	if e := matchPunct(s, i, isOther, "\r\n"); e >= 0 {
		return e
	}
	return matchSpaces(s, i, true)
}

// matchGPT2 matches the GPT-2 pattern at i.
func matchGPT2(s string, i int) int {
	if e := matchContraction(s, i, false); e >= 0 {
		return e
	}
	j := i
	if j < len(s) && s[j] == ' ' {
		j++
	}
	for _, class := range []func(rune) bool{isL, isN, isOther} {
		if e := run(s, j, class); e > j {
			return e
		}
	}
	return matchSpaces(s, i, false)
}

// matchO200k matches the GPT-4o pattern at i.
func matchO200k(s string, i int) int {
	r, n := runeAt(s, i)
	// The two word alternatives, each first with and then without the
	// optional [^\r\n\p{L}\p{N}] prefix, then an optional contraction.
	for _, word := range []func(string, int) int{o200kWordLower, o200kWordUpper} {
		e := -1
		if isPrefix(r) {
			e = word(s, i+n)
		}
		if e < 0 {
			e = word(s, i)
		}
		if e >= 0 {
			if c := matchContraction(s, e, true); c >= 0 {
				return c
			}
			return e
		}
	}
	if isN(r) {
		return runMax(s, i, isN, 3)
	}
	if e := matchPunct(s, i, isOther, "\r\n/"); e >= 0 {
		return e
	}
	return matchSpaces(s, i, true)
}

// o200kWordLower matches [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+
// at i. The first class takes the longest run it can and gives back
// characters until the second class can start.
func o200kWordLower(s string, i int) int {
	e := run(s, i, isUpperish)
	for k := e; ; {
		if r, _ := runeAt(s, k); isLowerish(r) {
			return run(s, k, isLowerish)
		}
		if k == i {
			return -1
		}
		_, n := utf8.DecodeLastRuneInString(s[i:k])
		k -= n
	}
}

// o200kWordUpper matches [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*
// at i.
func o200kWordUpper(s string, i int) int {
	e := run(s, i, isUpperish)
	if e == i {
		return -1
	}
	return run(s, e, isLowerish)
}

// matchDeepSeek matches the third DeepSeek V3 pattern at i.
func matchDeepSeek(s string, i int) int {
	r, n := runeAt(s, i)
	// [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+
	if r < utf8.RuneSelf && r > ' ' && r < 0x7f && !isASCIILetter(r) && !('0' <= r && r <= '9') {
		if e := run(s, i+1, isASCIILetter); e > i+1 {
			return e
		}
	}
	// [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
	if !isCRLF(r) && !isL(r) && !isPS(r) {
		if e := run(s, i+n, isLM); e > i+n {
			return e
		}
	}
	if e := run(s, i, isLM); e > i {
		return e
	}
	// ?[\p{P}\p{S}]+[\r\n]*
	if e := matchPunct(s, i, isPS, "\r\n"); e >= 0 {
		return e
	}
	return matchSpaces(s, i, true)
}

// Split behaviours of the Hugging Face Split pre-tokenizer.
const (
	splitRemoved = iota
	splitIsolated
	splitMergedWithPrevious
	splitMergedWithNext
	splitContiguous
)

// splitter is the Split pre-tokenizer: it cuts s at the matches of a
// pattern (find returns the next match at or after i) and treats the
// matches (or, with invert, the text between them) as delimiters.
type splitter struct {
	find     func(s string, i int) (start, end int)
	behavior int
	invert   bool
}

// regexFinder returns a find function that reports the leftmost match of m.
func regexFinder(m matcher) func(string, int) (int, int) {
	return func(s string, i int) (int, int) {
		for i < len(s) {
			if e := m(s, i); e > i {
				return i, e
			}
			_, n := runeAt(s, i)
			i += n
		}
		return -1, -1
	}
}

// stringFinder returns a find function for a literal pattern.
func stringFinder(pat string) func(string, int) (int, int) {
	return func(s string, i int) (int, int) {
		if pat == "" {
			return -1, -1
		}
		k := strings.Index(s[i:], pat)
		if k < 0 {
			return -1, -1
		}
		return i + k, i + k + len(pat)
	}
}

func (p *splitter) split(dst []string, s string) []string {
	type span struct {
		lo, hi int
		delim  bool
	}
	var spans []span
	add := func(lo, hi int, match bool) {
		if lo < hi {
			spans = append(spans, span{lo, hi, match != p.invert})
		}
	}
	last := 0
	for i := 0; i < len(s); {
		lo, hi := p.find(s, i)
		if lo < 0 {
			break
		}
		add(last, lo, false)
		add(lo, hi, true)
		last, i = hi, hi
	}
	add(last, len(s), false)

	var out []span
	switch p.behavior {
	case splitRemoved:
		for _, sp := range spans {
			if !sp.delim {
				out = append(out, sp)
			}
		}
	case splitIsolated:
		out = spans
	case splitMergedWithPrevious:
		prevDelim := false
		for _, sp := range spans {
			if sp.delim && !prevDelim && len(out) > 0 {
				out[len(out)-1].hi = sp.hi
			} else {
				out = append(out, sp)
			}
			prevDelim = sp.delim
		}
	case splitMergedWithNext:
		nextDelim := false
		for k := len(spans) - 1; k >= 0; k-- {
			sp := spans[k]
			if sp.delim && !nextDelim && len(out) > 0 {
				out[len(out)-1].lo = sp.lo
			} else {
				out = append(out, sp)
			}
			nextDelim = sp.delim
		}
		for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
			out[a], out[b] = out[b], out[a]
		}
	case splitContiguous:
		prevDelim := false
		for _, sp := range spans {
			if sp.delim == prevDelim && len(out) > 0 {
				out[len(out)-1].hi = sp.hi
			} else {
				out = append(out, sp)
			}
			prevDelim = sp.delim
		}
	}
	for _, sp := range out {
		dst = append(dst, s[sp.lo:sp.hi])
	}
	return dst
}
