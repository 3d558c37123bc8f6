package lark

import (
	"errors"
	"strings"
	"testing"

	"github.com/gramc/gramc/grammar"
)

// parseTests maps Lark source to the Dump of its grammar (without the
// "# root" line).
var parseTests = []struct {
	src, dump string
}{
	// Literals.
	{`start: "abc"`, `start ::= "abc"`},
	{`start: ""`, `start ::= ""`},
	{`start: "\n\r\t\f\\\""`, `start ::= "\n\r\t\x0C\\\""`},
	{`start: "\x41\u00e9\U0001F600"`, `start ::= "Aé😀"`},
	{`start: "日本"`, `start ::= "日本"`},
	{`start: "ab1"i`, `start ::= [Aa] [Bb] "1"`},
	{`start: "k"i`, `start ::= [KkK]`},
	{`start: "a".."z"`, `start ::= [a-z]`},
	{`start: "0".."0"`, `start ::= "0"`},
	{`start: /[0-9]+/`, `start ::= [0-9]+`},
	{`start: /a|b/`, `start ::= [a-b]`},
	{`start: /ab/i`, `start ::= [Aa] [Bb]`},
	{`start: /./s`, `start ::= .`},
	{`start: /(?P<x>a)b/`, `start ::= "ab"`},
	{`start: /a\/b/`, `start ::= "a/b"`},
	// Operators.
	{`start: "a"*`, `start ::= "a"*`},
	{`start: "a"+ "b"?`, `start ::= "a"+ "b"?`},
	{`start: "a" ~ 3`, `start ::= "a"{3}`},
	{`start: "a" ~ 2..5`, `start ::= "a"{2,5}`},
	{`start: "a"{2,}`, `start ::= "a"{2,}`},
	{`start: "a"{,4}`, `start ::= "a"{0,4}`},
	{`start: "a"{ 3 }`, `start ::= "a"{3}`},
	{`start: ["a"] "b"`, `start ::= "a"? "b"`},
	{`start: ("a" | "b") "c"`, `start ::= ("a" | "b") "c"`},
	{`start: ("a"+)?`, `start ::= "a"+?`},
	{`start: ()`, `start ::= ()`},
	{`start: | "a"`, `start ::= () | "a"`},
	{"start: \"a\"\n    | \"b\"\n    | \"c\"", `start ::= "a" | "b" | "c"`},
	{"start: (\"a\"\n  \"b\")", `start ::= "a" "b"`},
	{`start: "a" -> x | "b" -> y`, `start ::= "a" | "b"`},
	// Rules and terminals.
	{"start: a\na: \"x\"", "start ::= a\na ::= \"x\""},
	{"?start: _a\n_a: A\nA: B \"x\"\nB: \"y\"", "start ::= _a\n_a ::= A\nA ::= B \"x\"\nB ::= \"y\""},
	{"start: a-b\na-b: \"x\"", "start ::= a-b\na-b ::= \"x\""},
	{"start: A\nA: ~/.*x.*/ & /[a-z]*/", "start ::= A\nA ::= (~([^\\n\\r\\u2028-\\u2029]* \"x\" [^\\n\\r\\u2028-\\u2029]*) & [a-z]*)"},
	{"start: A\nA: ~\"x\"*", "start ::= A\nA ::= ~(\"x\"*)"},
	{"start: A // comment\n# another\nA: \"x\" # trailing", "start ::= A\nA ::= \"x\""},
	// Special tokens.
	{`start: <|eot_id|>`, `start ::= <|eot_id|>`},
	{`start: <[128010]>`, `start ::= <[128010]>`},
	{`start: <[1, 3-5]>`, `start ::= <[1, 3, 4, 5]>`},
	{`start: <[^7]>`, `start ::= !<[7]>`},
	{`start: <[*]>`, `start ::= !<[]>`},
	{`start: <[5, "<|x|>"]>`, `start ::= <[5, "<|x|>"]>`},
	// %ignore: after every lexeme of a rule, and at the start only with
	// allow_initial_skip.
	{"start: a \"b\"\na: A\nA: \"x\" \"y\"\n%ignore \" \"",
		"start ::= a (\"b\" Ignore_)\na ::= A Ignore_\nA ::= \"x\" \"y\"\nIgnore_ ::= \" \"*"},
	{"start: \"a\"\n%ignore \" \"\n%ignore /#[^\\n]*/",
		"start ::= \"a\" Ignore_\nIgnore_ ::= (\" \" | \"#\" [^\\n]*)*"},
	{"%llguidance {\"allow_initial_skip\": true}\nstart: \"a\"\n%ignore \" \"",
		"start ::= Ignore_ (\"a\" Ignore_)\nIgnore_ ::= \" \"*"},
	{"%grammar_options {\"allow_initial_skip\": true, \"no_forcing\": true, \"allow_invalid_utf8\": false}\nstart: \"a\"",
		"start ::= \"a\""},
	// %import common.
	{"start: INT\n%import common.INT", "start ::= INT\nINT ::= [0-9]+"},
	{"start: N\n%import common.INT -> N", "start ::= N\nN ::= [0-9]+"},
	{"start: WS LF\n%import common (WS, LF)", "start ::= WS LF\nWS ::= [\\t-\\n\\x0C-\\r ]+\nLF ::= \"\\n\""},
	// %regex.
	{`start: %regex {"pattern": "a+", "flags": "i"}`, `start ::= [Aa]+`},
	{`start: %regex /b+/`, `start ::= "b"+`},
	{`start: %regex {"substring_chunks": ["ab", "c"]}`, "start ::= () | \"ab\" Substr1_1 | \"c\"\nSubstr1_1 ::= () | \"c\""},
	{`start: %regex {"substring_chars": "xy"}`, "start ::= () | \"x\" Substr1_1 | \"y\"\nSubstr1_1 ::= () | \"y\""},
	// Options that change nothing.
	{"%llguidance {}\nstart: \"a\"", `start ::= "a"`},
	{"start[capture]: \"a\"", `start ::= "a"`},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		g, err := Parse("t.lark", []byte(tt.src))
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		got := strings.TrimSpace(strings.SplitN(Dump(g), "\n", 2)[1])
		if got != tt.dump {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tt.src, got, tt.dump)
		}
		if g.Root != "start" {
			t.Errorf("Parse(%q): root %q", tt.src, g.Root)
		}
	}
}

// errorTests maps malformed source to the code and a substring of the
// first error (with its position).
var errorTests = []struct {
	src  string
	code grammar.ErrorCode
	msg  string
}{
	// Lexical errors.
	{`start: "abc`, grammar.ErrSyntax, "1:8: unterminated string literal"},
	{"start: \"a\nb\"", grammar.ErrSyntax, "1:8: unterminated string literal"},
	{`start: /abc`, grammar.ErrSyntax, "1:8: unterminated regular expression"},
	{`start: (`, grammar.ErrSyntax, "1:8: unclosed bracket"},
	{`start: )`, grammar.ErrSyntax, `1:8: unexpected ')'`},
	{`start: <|x`, grammar.ErrBadToken, "1:8: malformed special token reference"},
	{`start: $`, grammar.ErrSyntax, `1:8: unexpected character '$'`},
	{`start: @foo`, ErrUnsupported, "1:8: references to other grammars"},
	{"start: \"a\"\n%declare X", ErrUnsupported, "2:1: %declare is not supported"},
	{"start: \"a\"\n%override a: \"b\"", ErrUnsupported, "2:1: %override is not supported"},
	{"start: \"a\"\n%extend a: \"b\"", ErrUnsupported, "2:1: %extend is not supported"},
	{"start: \"a\"\n%frob", grammar.ErrSyntax, "2:1: unknown directive %frob"},
	{"start: %json {\"type\": ", grammar.ErrSyntax, "1:14: unterminated JSON object"},
	{"start: \"\xff\"", grammar.ErrInvalidUTF8, "1:9: invalid UTF-8 byte 0xFF"},
	// Syntax errors.
	{"start: \"a\"\n\"b\"", grammar.ErrSyntax, `2:1: unexpected "\"b\"" at the start of a line`},
	{`start: "a"**`, grammar.ErrSyntax, "1:12: only one repetition operator"},
	{`start: * "a"`, grammar.ErrSyntax, "1:8: repetition operator \"*\" must follow an expression"},
	{`start "a"`, grammar.ErrSyntax, `1:7: unexpected "\"a\""`},
	{"start: a\na: \"x\" b: \"y\"", grammar.ErrSyntax, `2:9: unexpected ":": a definition must start a line`},
	{"start: \"a\"\n%ignore", grammar.ErrSyntax, "2:1: %ignore needs a terminal"},
	// Refused Lark features.
	{`start.2: "a"`, ErrUnsupported, "1:6: priorities (start.2) are not supported"},
	{"start: A\nA.-1: \"a\"", ErrUnsupported, "2:2: priorities (A.1) are not supported"},
	{"start: _sep{\"a\", \",\"}\n_sep{x, sep}: x (sep x)*", ErrUnsupported, "templates"},
	{"start: _sep{\"a\", \",\"}", ErrUnsupported, "1:8: templates (_sep{...}) are not supported"},
	{`start[lazy]: "a"`, ErrUnsupported, "1:7: rule option lazy is not supported"},
	{`start[stop="x"]: "a"`, ErrUnsupported, "1:7: rule option stop is not supported"},
	{"start: \"a\"\n%import foo.BAR", ErrUnsupported, "2:1: only %import common.NAME is supported"},
	{"start: \"a\"\n%import .foo.BAR", ErrUnsupported, "2:1: only %import common.NAME is supported"},
	{"start: X\n%import common.FOO", grammar.ErrUndefinedRule, "2:1: common has no terminal FOO"},
	{`start: /(?=a)a/`, ErrUnsupported, "1:9: regular expression: lookahead"},
	{`start: /a(?<=a)/`, ErrUnsupported, "1:10: regular expression: lookbehind"},
	{`start: /(a)\1/`, ErrUnsupported, "regular expression: backreference"},
	{`start: /a/x`, ErrUnsupported, "1:8: regular expression flag x is not supported"},
	{`start: /a(/`, grammar.ErrSyntax, "1:10: regular expression: unterminated group"},
	{`start: %regex {"pattern": "(?!a)b"}`, ErrUnsupported, "1:8: regular expression: negative lookahead"},
	{`start: %regex {"type": "number"}`, ErrUnsupported, `1:8: %regex: unknown key "type"`},
	{`start: %regex {"flags": "i"}`, grammar.ErrSyntax, "1:8: %regex: want exactly one of"},
	{"%llguidance {\"allow_invalid_utf8\": true}\nstart: \"a\"", ErrUnsupported, `1:1: %llguidance option "allow_invalid_utf8" is not supported`},
	{"%llguidance {\"lazy\": 1}\nstart: \"a\"", grammar.ErrSyntax, `1:1: %llguidance: option "lazy" must be true or false`},
	{`start: %json {"type": "string", }`, grammar.ErrSyntax, "1:8: %json: invalid JSON"},
	{`start: %json {"type": "string", "uniqueItems": 3}`, grammar.ErrSyntax, "1:8: %json:"},
	// Names and definitions.
	{`start: x`, grammar.ErrUndefinedRule, "1:8: undefined rule x"},
	{`start: WS`, grammar.ErrUndefinedRule, "1:8: undefined terminal WS (add %import common.WS)"},
	{`start: FOO`, grammar.ErrUndefinedRule, "1:8: undefined terminal FOO"},
	{`a: "x"`, grammar.ErrNoRoot, "1:1: missing start rule"},
	{`START: "x"`, grammar.ErrNoRoot, "missing start rule"},
	{"start: \"a\"\nstart: \"b\"", grammar.ErrDuplicateRule, `2:1: rule "start" defined twice (first at t.lark:1:1)`},
	{"start: WS\n%import common.WS\nWS: \" \"", grammar.ErrDuplicateRule, `3:1: terminal "WS" defined twice`},
	{`Start: "a"`, grammar.ErrSyntax, `1:1: bad name "Start"`},
	{"start: A\nA: a\na: \"x\"", grammar.ErrSyntax, "2:4: terminal A refers to rule a"},
	{"start: A\nA: \"x\" A?", grammar.ErrSyntax, "2:1: terminal A is recursive (A → A)"},
	{"start: A\nA: B\nB: \"x\" A", grammar.ErrSyntax, "terminal A is recursive (A → B → A)"},
	{"start: A\nA: <|x|>", grammar.ErrBadToken, "2:4: special token <|x|> cannot be used in terminal A"},
	{"start: A\nA: %json {}", grammar.ErrSyntax, "2:4: %json cannot be used in terminal A"},
	{`start: "a" & "b"`, grammar.ErrSyntax, "1:12: & (intersection) is only allowed in terminal definitions"},
	{`start: ~"a"`, grammar.ErrSyntax, "1:8: ~ (complement) is only allowed in terminal definitions"},
	{"?A: \"a\"\nstart: A", grammar.ErrSyntax, `1:1: modifier "?" applies to rules`},
	// Literals.
	{`start: "\d"`, grammar.ErrSyntax, `1:9: unknown escape sequence "\\d"`},
	{`start: "\x4"`, grammar.ErrSyntax, `1:9: escape \x must be followed by 2 hex digits`},
	{`start: "\uD800"`, grammar.ErrSyntax, `1:9: escape \uD800 is a surrogate half`},
	{`start: "ab".."z"`, grammar.ErrBadClass, "1:8: range bound \"ab\" must be one character"},
	{`start: "z".."a"`, grammar.ErrBadClass, "1:8: bad range"},
	{`start: "a" ~ 5..2`, grammar.ErrBadRepeat, "1:12: bad repetition ~ 5..2"},
	{`start: "a"{5,2}`, grammar.ErrBadRepeat, "1:11: bad repetition {5,2}"},
	{`start: "a" ~ 99999999999`, grammar.ErrBadRepeat, "1:12: repetition count exceeds the limit"},
	{`start: <[5-2]>`, grammar.ErrBadToken, "bad token range 5-2"},
	{`start: <[x]>`, grammar.ErrBadToken, "1:10: want a token id"},
	{`start: <[0-2000000]>`, grammar.ErrBadToken, "more than 1048576 token ids"},
	// Languages.
	{"start: a\na: a \"x\"", grammar.ErrEmptyLanguage, "can never derive a finite string"},
	{`start: /[]/`, grammar.ErrEmptyLanguage, ""},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range errorTests {
		g, err := Parse("t.lark", []byte(tt.src))
		if err == nil {
			t.Errorf("Parse(%q): no error, got\n%s", tt.src, Dump(g))
			continue
		}
		if g != nil {
			t.Errorf("Parse(%q): non-nil grammar with an error", tt.src)
		}
		e := firstError(err)
		if e == nil {
			t.Errorf("Parse(%q): error %T %v is not a grammar error", tt.src, err, err)
			continue
		}
		if e.Code != tt.code || !strings.Contains(e.Error(), tt.msg) {
			t.Errorf("Parse(%q):\n got [%s] %v\nwant [%s] ...%s...", tt.src, e.Code, e, tt.code, tt.msg)
		}
		if !strings.HasPrefix(e.Error(), "t.lark:") {
			t.Errorf("Parse(%q): error %q has no file:line:col", tt.src, e)
		}
	}
}

func firstError(err error) *grammar.Error {
	var e *grammar.Error
	if errors.As(err, &e) {
		return e
	}
	var list grammar.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return list[0]
	}
	return nil
}
