package lark

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/jsonschema"
	"github.com/gramc/gramc/grammar/regex"
)

// JSONOptions are the options of the JSON Schema compiler for %json
// blocks: flexible whitespace between JSON tokens, as llguidance's %json
// has by default.
var JSONOptions = jsonschema.Options{Whitespace: jsonschema.Flexible}

// regexLit compiles /pattern/flags with package regex (ECMA-262, whole
// lexeme). Flags i, s and m map to the ECMA-262 flags; u is accepted and
// changes nothing (patterns are always over code points); l and x are
// refused.
func (b *builder) regexLit(tok string, start lexer.Position) grammar.Expr {
	pos := b.pos(start)
	last := strings.LastIndexByte(tok, '/')
	body, flagStr := tok[1:last], tok[last+1:]
	var flags regex.Flags
	for _, f := range flagStr {
		switch f {
		case 'i':
			flags.IgnoreCase = true
		case 's':
			flags.DotAll = true
		case 'm':
			flags.Multiline = true
		case 'u':
		default:
			b.errorf(pos, ErrUnsupported, "regular expression flag %c is not supported (gramc supports i, s, m and u)", f)
			return &grammar.Seq{Pos: pos}
		}
	}
	return b.compileRegex(body, flags, start, 1)
}

// compileRegex translates pattern; off is the byte offset of the pattern
// in the token at start, for error positions.
func (b *builder) compileRegex(pattern string, flags regex.Flags, start lexer.Position, off int) grammar.Expr {
	pos := b.pos(start)
	// Python's named groups (?P<name>...) are ECMA-262's (?<name>...).
	pattern = strings.ReplaceAll(pattern, "(?P<", "(?<")
	e, err := regex.Anchored(pattern, flags)
	if err != nil {
		var re *regex.Error
		msg := err.Error()
		epos := pos
		if errors.As(err, &re) {
			msg = re.Msg
			if off >= 0 && re.Pos >= 0 && re.Pos <= len(pattern) {
				p := start
				p.Advance(strings.Repeat(" ", off))
				p.Advance(pattern[:re.Pos])
				epos = b.pos(p)
			}
		}
		code := grammar.ErrSyntax
		if errors.Is(err, regex.ErrUnsupported) {
			code = ErrUnsupported
		}
		b.errorf(epos, code, "regular expression: %s", msg)
		return &grammar.Seq{Pos: pos}
	}
	setPos(e, pos)
	return e
}

// regexObject decodes %regex {...}: {"pattern": "...", "flags": "is"} or
// llguidance's {"substring_chunks": [...]}, {"substring_words": "..."} and
// {"substring_chars": "..."}.
func (b *builder) regexObject(js string, pos grammar.Pos) grammar.Expr {
	empty := &grammar.Seq{Pos: pos}
	var obj map[string]json.RawMessage
	if err := strictUnmarshal([]byte(js), &obj); err != nil {
		b.errorf(pos, grammar.ErrSyntax, "%%regex: %v", err)
		return empty
	}
	kinds := 0
	for _, k := range []string{"pattern", "substring_chunks", "substring_words", "substring_chars"} {
		if _, ok := obj[k]; ok {
			kinds++
		}
	}
	for k := range obj {
		switch k {
		case "pattern", "flags", "substring_chunks", "substring_words", "substring_chars":
		default:
			b.errorf(pos, ErrUnsupported, "%%regex: unknown key %q (want pattern, substring_chunks, substring_words or substring_chars)", k)
			return empty
		}
	}
	if kinds != 1 {
		b.errorf(pos, grammar.ErrSyntax, "%%regex: want exactly one of pattern, substring_chunks, substring_words or substring_chars")
		return empty
	}
	if _, ok := obj["flags"]; ok {
		if _, ok := obj["pattern"]; !ok {
			b.errorf(pos, grammar.ErrSyntax, "%%regex: flags only go with pattern")
			return empty
		}
	}
	str := func(key string) (string, bool) {
		var s string
		if err := json.Unmarshal(obj[key], &s); err != nil {
			b.errorf(pos, grammar.ErrSyntax, "%%regex: %s must be a string", key)
			return "", false
		}
		return s, true
	}
	switch {
	case obj["pattern"] != nil:
		pattern, ok := str("pattern")
		if !ok {
			return empty
		}
		var flags regex.Flags
		if obj["flags"] != nil {
			fs, ok := str("flags")
			if !ok {
				return empty
			}
			for _, f := range fs {
				switch f {
				case 'i':
					flags.IgnoreCase = true
				case 's':
					flags.DotAll = true
				case 'm':
					flags.Multiline = true
				case 'u':
				default:
					b.errorf(pos, ErrUnsupported, "%%regex: flag %c is not supported (gramc supports i, s, m and u)", f)
					return empty
				}
			}
		}
		return b.compileRegex(pattern, flags, lexer.Position{Line: pos.Line, Column: pos.Column}, -1)
	case obj["substring_chunks"] != nil:
		var chunks []string
		if err := json.Unmarshal(obj["substring_chunks"], &chunks); err != nil {
			b.errorf(pos, grammar.ErrSyntax, "%%regex: substring_chunks must be a list of strings")
			return empty
		}
		return b.substring(chunks, pos)
	case obj["substring_words"] != nil:
		s, ok := str("substring_words")
		if !ok {
			return empty
		}
		return b.substring(splitWords(s), pos)
	default:
		s, ok := str("substring_chars")
		if !ok {
			return empty
		}
		var chunks []string
		for _, r := range s {
			chunks = append(chunks, string(r))
		}
		return b.substring(chunks, pos)
	}
}

// splitWords splits s into runs of letters, digits and "_", and single
// other characters: "foo bar. baz" gives foo, " ", bar, ".", " ", baz.
func splitWords(s string) []string {
	var out []string
	word := func(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		j := i + n
		if word(r) {
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !word(r2) {
					break
				}
				j += n2
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

// substring matches chunks[i:j] joined, for any 0 <= i <= j <= len(chunks).
// It is built from a chain of rules N_i = ε | chunk_i N_{i+1}, so that its
// size is linear in the number of chunks: the match starts at any chunk
// and stops after any later one.
func (b *builder) substring(chunks []string, pos grammar.Pos) grammar.Expr {
	b.nSub++
	name := func(i int) string { return b.fresh(fmt.Sprintf("Substr%d_%d", b.nSub, i)) }
	names := make([]string, len(chunks)+1)
	for i := range names {
		names[i] = name(i)
	}
	lit := func(i int) grammar.Expr { return &grammar.Bytes{B: []byte(chunks[i]), Pos: pos} }
	start := &grammar.Alt{Alts: []grammar.Expr{&grammar.Seq{Pos: pos}}, Pos: pos}
	for i := range chunks {
		if i == len(chunks)-1 {
			start.Alts = append(start.Alts, lit(i))
			break
		}
		start.Alts = append(start.Alts, &grammar.Seq{Items: []grammar.Expr{lit(i), &grammar.Ref{Name: names[i+1], Pos: pos}}, Pos: pos})
	}
	for i := 1; i < len(chunks); i++ {
		var rest grammar.Expr = lit(i)
		if i < len(chunks)-1 {
			rest = &grammar.Seq{Items: []grammar.Expr{lit(i), &grammar.Ref{Name: names[i+1], Pos: pos}}, Pos: pos}
		}
		b.extra = append(b.extra, &grammar.Rule{Name: names[i], Pos: pos,
			Body: &grammar.Alt{Alts: []grammar.Expr{&grammar.Seq{Pos: pos}, rest}, Pos: pos}})
	}
	if len(start.Alts) == 1 {
		return start.Alts[0]
	}
	return start
}

// fresh returns name, or name with a numeric suffix, unused so far, and
// reserves it.
func (b *builder) fresh(name string) string {
	cand := name
	for i := 2; b.names[cand]; i++ {
		cand = fmt.Sprintf("%s%d", name, i)
	}
	b.names[cand] = true
	return cand
}

// jsonSchema compiles %json {...} with package jsonschema and embeds the
// result: its rules are renamed with a prefix Json<n>_ and the block
// becomes a reference to its root.
func (b *builder) jsonSchema(js string, pos grammar.Pos) grammar.Expr {
	if !json.Valid([]byte(js)) {
		var v any
		err := json.Unmarshal([]byte(js), &v)
		b.errorf(pos, grammar.ErrSyntax, "%%json: invalid JSON: %v", err)
		return &grammar.Seq{Pos: pos}
	}
	sub, err := jsonschema.Compile([]byte(js), JSONOptions)
	if err != nil {
		code := grammar.ErrSyntax
		if errors.Is(err, jsonschema.ErrUnsupported) {
			code = ErrUnsupported
		}
		b.errorf(pos, code, "%%json: %v", strings.ReplaceAll(err.Error(), "\n", "; "))
		return &grammar.Seq{Pos: pos}
	}
	b.nJSON++
	root := b.embed(sub, fmt.Sprintf("Json%d_", b.nJSON), pos)
	return &grammar.Ref{Name: root, Pos: pos}
}

// embed copies sub's rules into the output under fresh names that start
// with prefix, with every position set to pos, and returns the new name of
// sub's root.
func (b *builder) embed(sub *grammar.Grammar, prefix string, pos grammar.Pos) string {
	rename := map[string]string{}
	for _, r := range sub.Rules {
		rename[r.Name] = b.fresh(prefix + sanitize(r.Name))
	}
	for _, r := range sub.Rules {
		body := grammar.Clone(r.Body)
		setPos(body, pos)
		grammar.Walk(body, func(e grammar.Expr) bool {
			if ref, ok := e.(*grammar.Ref); ok {
				if n, ok := rename[ref.Name]; ok {
					ref.Name = n
				}
			}
			return true
		})
		nr := *r // every field of the rule, renamed and positioned here
		nr.Name, nr.Body, nr.Pos = rename[r.Name], body, pos
		b.extra = append(b.extra, &nr)
	}
	return rename[sub.Root]
}

// sanitize maps a rule name to [a-zA-Z0-9_-]+.
func sanitize(name string) string {
	var sb strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' {
			sb.WriteByte(c)
		} else {
			sb.WriteByte('-')
		}
	}
	if sb.Len() == 0 {
		return "r"
	}
	return sb.String()
}

// setPos sets the position of e and every expression below it.
func setPos(e grammar.Expr, pos grammar.Pos) {
	grammar.Walk(e, func(x grammar.Expr) bool {
		switch x := x.(type) {
		case *grammar.Bytes:
			x.Pos = pos
		case *grammar.Class:
			x.Pos = pos
		case *grammar.Seq:
			x.Pos = pos
		case *grammar.Alt:
			x.Pos = pos
		case *grammar.Repeat:
			x.Pos = pos
		case *grammar.Ref:
			x.Pos = pos
		case *grammar.Token:
			x.Pos = pos
		case *grammar.Perm:
			x.Pos = pos
		case *grammar.And:
			x.Pos = pos
		case *grammar.Not:
			x.Pos = pos
		}
		return true
	})
}

// strictUnmarshal decodes one JSON value and nothing after it.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}
