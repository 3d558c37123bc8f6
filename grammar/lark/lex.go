package lark

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/gramc/gramc/grammar"
)

// Token types of the hand-written lexer. The lexer is hand-written because
// Lark's newlines are significant (a definition ends at a newline unless
// the next line starts with "|") and because %json embeds a JSON object
// whose balanced braces a regular lexer cannot find.
const (
	tName lexer.TokenType = -2 - iota
	tString
	tRegex
	tNumber
	tToken
	tDirective
	tJSON
	tRepeat
	tNL
	tPunct
)

var symbols = map[string]lexer.TokenType{
	"EOF":       lexer.EOF,
	"Name":      tName,
	"String":    tString,
	"Regex":     tRegex,
	"Number":    tNumber,
	"Token":     tToken,
	"Directive": tDirective,
	"JSON":      tJSON,
	"Repeat":    tRepeat,
	"NL":        tNL,
	"Punct":     tPunct,
}

// definition is the lexer.Definition that participle is built with. Only
// its symbol table is used: tokens come from lex, through tokenList.
type definition struct{}

func (definition) Symbols() map[string]lexer.TokenType { return symbols }

func (definition) LexString(filename, src string) (lexer.Lexer, error) {
	toks, eof, err := lex(filename, src)
	if err != nil {
		return nil, err
	}
	return &tokenList{toks: toks, eof: eof}, nil
}

func (d definition) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexString(filename, string(b))
}

// tokenList replays lexed tokens.
type tokenList struct {
	toks []lexer.Token
	eof  lexer.Token
}

func (l *tokenList) Next() (lexer.Token, error) {
	if len(l.toks) == 0 {
		return l.eof, nil
	}
	t := l.toks[0]
	l.toks = l.toks[1:]
	return t, nil
}

// scanner is the state of lex.
type scanner struct {
	file  string
	src   string
	i     int
	pos   lexer.Position // position of src[i]
	toks  []lexer.Token
	depth int // open ( and [
	open  []lexer.Position
}

func (s *scanner) errAt(pos lexer.Position, code grammar.ErrorCode, format string, args ...any) error {
	return grammar.Errorf(grammar.Pos{File: s.file, Line: pos.Line, Column: pos.Column}, code, format, args...)
}

func (s *scanner) advance(n int) {
	s.pos.Advance(s.src[s.i : s.i+n])
	s.i += n
}

func (s *scanner) emit(typ lexer.TokenType, start lexer.Position, value string) error {
	if len(s.toks) >= MaxTokens {
		return s.errAt(start, grammar.ErrTooLarge, "grammar has more than %d tokens", MaxTokens)
	}
	s.toks = append(s.toks, lexer.Token{Type: typ, Value: value, Pos: start})
	return nil
}

func isNameStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || '0' <= c && c <= '9' }

// lex splits src into tokens. Comments (// and #) and blank space are
// dropped; a newline outside parentheses and brackets becomes an NL token
// (runs of them one), and an NL followed by "|" is dropped (the definition
// continues).
func lex(file, src string) ([]lexer.Token, lexer.Token, error) {
	s := &scanner{file: file, src: src, pos: lexer.Position{Filename: file, Line: 1, Column: 1}}
	for s.i < len(src) {
		c := src[s.i]
		start := s.pos
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			s.advance(1)
		case c == '\n':
			s.advance(1)
			if s.depth == 0 && len(s.toks) > 0 && s.toks[len(s.toks)-1].Type != tNL {
				if err := s.emit(tNL, start, "\n"); err != nil {
					return nil, lexer.Token{}, err
				}
			}
		case c == '#' || strings.HasPrefix(src[s.i:], "//"):
			n := strings.IndexByte(src[s.i:], '\n')
			if n < 0 {
				n = len(src) - s.i
			}
			s.advance(n)
		case c == '"':
			n, err := s.quoted('"', "string literal")
			if err != nil {
				return nil, lexer.Token{}, err
			}
			if s.i+n < len(src) && src[s.i+n] == 'i' {
				n++
			}
			if err := s.token(tString, n); err != nil {
				return nil, lexer.Token{}, err
			}
		case c == '/':
			n, err := s.quoted('/', "regular expression")
			if err != nil {
				return nil, lexer.Token{}, err
			}
			for s.i+n < len(src) && strings.IndexByte("imslux", src[s.i+n]) >= 0 {
				n++
			}
			if err := s.token(tRegex, n); err != nil {
				return nil, lexer.Token{}, err
			}
		case c == '<':
			n := tokenRefLen(src[s.i:])
			if n == 0 {
				return nil, lexer.Token{}, s.errAt(start, grammar.ErrBadToken, "malformed special token reference: want <name>, <[id]>, <[id-id, ...]> or <[^id, ...]>")
			}
			if err := s.token(tToken, n); err != nil {
				return nil, lexer.Token{}, err
			}
		case c == '%':
			n := 1
			for s.i+n < len(src) && (src[s.i+n] == '_' || 'a' <= src[s.i+n] && src[s.i+n] <= 'z') {
				n++
			}
			if n == 1 {
				return nil, lexer.Token{}, s.errAt(start, grammar.ErrSyntax, `"%%" must start a directive such as %%ignore or %%import`)
			}
			name := src[s.i : s.i+n]
			if err := s.token(tDirective, n); err != nil {
				return nil, lexer.Token{}, err
			}
			if name == "%json" || name == "%regex" || name == "%llguidance" || name == "%grammar_options" {
				if err := s.jsonObject(); err != nil {
					return nil, lexer.Token{}, err
				}
			}
		case c == '{':
			if n := repeatLen(src[s.i:]); n > 0 {
				if err := s.token(tRepeat, n); err != nil {
					return nil, lexer.Token{}, err
				}
				break
			}
			if err := s.token(tPunct, 1); err != nil {
				return nil, lexer.Token{}, err
			}
		case '0' <= c && c <= '9':
			n := 0
			for s.i+n < len(src) && '0' <= src[s.i+n] && src[s.i+n] <= '9' {
				n++
			}
			if err := s.token(tNumber, n); err != nil {
				return nil, lexer.Token{}, err
			}
		case isNameStart(c):
			n := 1
			for s.i+n < len(src) {
				if isNameChar(src[s.i+n]) {
					n++
				} else if src[s.i+n] == '-' && s.i+n+1 < len(src) && isNameChar(src[s.i+n+1]) {
					n += 2
				} else {
					break
				}
			}
			if err := s.token(tName, n); err != nil {
				return nil, lexer.Token{}, err
			}
		case strings.HasPrefix(src[s.i:], "..") || strings.HasPrefix(src[s.i:], "->"):
			if err := s.token(tPunct, 2); err != nil {
				return nil, lexer.Token{}, err
			}
		case strings.IndexByte(":|()[]*+?~&!.,}-=", c) >= 0:
			switch c {
			case '(', '[':
				s.depth++
				s.open = append(s.open, start)
				if s.depth > MaxDepth {
					return nil, lexer.Token{}, s.errAt(start, grammar.ErrTooLarge, "parentheses nested more than %d deep", MaxDepth)
				}
			case ')', ']':
				if s.depth == 0 {
					return nil, lexer.Token{}, s.errAt(start, grammar.ErrSyntax, "unexpected %q without a matching opening bracket", c)
				}
				s.depth--
				s.open = s.open[:len(s.open)-1]
			case '|':
				// A line that starts with "|" continues the definition.
				if k := len(s.toks); k > 0 && s.toks[k-1].Type == tNL {
					s.toks = s.toks[:k-1]
				}
			}
			if err := s.token(tPunct, 1); err != nil {
				return nil, lexer.Token{}, err
			}
		case c == '@':
			return nil, lexer.Token{}, s.errAt(start, ErrUnsupported, "references to other grammars (@name) are not supported")
		default:
			r, _ := utf8.DecodeRuneInString(src[s.i:])
			return nil, lexer.Token{}, s.errAt(start, grammar.ErrSyntax, "unexpected character %q", r)
		}
	}
	if len(s.open) > 0 {
		return nil, lexer.Token{}, s.errAt(s.open[len(s.open)-1], grammar.ErrSyntax, "unclosed bracket")
	}
	return s.toks, lexer.Token{Type: lexer.EOF, Pos: s.pos}, nil
}

// token emits the next n bytes as a token of type typ.
func (s *scanner) token(typ lexer.TokenType, n int) error {
	start := s.pos
	v := s.src[s.i : s.i+n]
	s.advance(n)
	return s.emit(typ, start, v)
}

// quoted returns the length of the literal delimited by q that starts at
// s.i, escapes included. Newlines may not appear inside.
func (s *scanner) quoted(q byte, what string) (int, error) {
	src := s.src[s.i:]
	for n := 1; n < len(src); n++ {
		switch src[n] {
		case '\\':
			n++
			if n < len(src) && src[n] == '\n' {
				return 0, s.errAt(s.pos, grammar.ErrSyntax, "unterminated %s", what)
			}
		case '\n':
			return 0, s.errAt(s.pos, grammar.ErrSyntax, "unterminated %s (a newline must be written \\n)", what)
		case q:
			if q == '/' && n == 1 {
				return 0, s.errAt(s.pos, grammar.ErrSyntax, "empty regular expression")
			}
			return n + 1, nil
		}
	}
	return 0, s.errAt(s.pos, grammar.ErrSyntax, "unterminated %s", what)
}

// jsonObject lexes the JSON object that may follow %json, %regex or
// %llguidance or %grammar_options (after blank space), as one JSON token.
func (s *scanner) jsonObject() error {
	j := s.i
	for j < len(s.src) && strings.IndexByte(" \t\r\n", s.src[j]) >= 0 {
		j++
	}
	if j >= len(s.src) || s.src[j] != '{' {
		return nil
	}
	s.advance(j - s.i)
	start := s.pos
	depth, inStr := 0, false
	for k := s.i; k < len(s.src); k++ {
		c := s.src[k]
		switch {
		case inStr && c == '\\':
			k++
		case inStr && c == '"':
			inStr = false
		case inStr:
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
			if depth > MaxDepth {
				return s.errAt(start, grammar.ErrTooLarge, "JSON nested more than %d deep", MaxDepth)
			}
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return s.token(tJSON, k+1-s.i)
			}
		}
	}
	return s.errAt(start, grammar.ErrSyntax, "unterminated JSON object")
}

// tokenRefLen returns the length of the special token reference at the
// start of src: <[...]> (no newline inside) or <text> (no blank space, "<"
// or ">" inside), or 0.
func tokenRefLen(src string) int {
	if strings.HasPrefix(src, "<[") {
		inStr := false
		for n := 2; n < len(src); n++ {
			switch c := src[n]; {
			case c == '\n':
				return 0
			case inStr && c == '\\':
				n++
			case c == '"':
				inStr = !inStr
			case !inStr && c == ']' && n+1 < len(src) && src[n+1] == '>':
				return n + 2
			}
		}
		return 0
	}
	for n := 1; n < len(src); n++ {
		switch c := src[n]; {
		case c == '>':
			if n == 1 {
				return 0
			}
			return n + 1
		case c == '<' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return 0
		}
	}
	return 0
}

// repeatLen returns the length of a repetition {n}, {m,n}, {m,} or {,n}
// (blanks allowed) at the start of src, or 0.
func repeatLen(src string) int {
	digits := 0
	for n := 1; n < len(src); n++ {
		switch c := src[n]; {
		case '0' <= c && c <= '9':
			digits++
		case c == ' ' || c == '\t' || c == ',':
		case c == '}':
			if digits == 0 {
				return 0
			}
			return n + 1
		default:
			return 0
		}
	}
	return 0
}
