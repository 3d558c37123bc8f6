// Package ebnf parses GBNF, the grammar format of llama.cpp (see its
// grammars/README.md), into gramc's grammar IR.
//
// # Syntax
//
// A grammar is a list of rules, name ::= body. Rule names match
// [a-zA-Z0-9_-]+ and the start rule is named root. A body is an alternation
// of sequences:
//
//	"text"       string literal → *grammar.Bytes (UTF-8 of its code points)
//	[a-z_]       character class → *grammar.Class; [^...] is negated
//	.            any code point → &grammar.Class{Negated: true}
//	name         rule reference → *grammar.Ref
//	( ... )      grouping
//	x*  x+  x?   repetition → *grammar.Repeat {0,∞} {1,∞} {0,1}
//	x{m} x{m,} x{m,n} x{,n}
//	             bounded repetition ({,n} is {0,n}); spaces allowed inside
//	a b          sequence → *grammar.Seq
//	a | b        alternation → *grammar.Alt; an alternative may be empty (ε)
//	<[123]>      the token with id 123 → *grammar.Token{IDs: {123}}
//	<think>      the token whose text is "<think>" → Token{Names: {"<think>"}}
//	!<[123]>     any one token but 123 (also !<text>) → Token{Negated: true}
//	# ...        comment to the end of the line
//
// String literals and classes take the escapes \n \r \t \\ \" \' \[ \] and
// \xHH, \uHHHH, \UHHHHHHHH with exactly 2, 4 or 8 hex digits. All three hex
// forms denote a Unicode code point, which is encoded as UTF-8: "\xFF" is
// U+00FF, the bytes C3 BF. In a class, a character followed by "-" and
// anything but the closing "]" starts a range, so "-" is literal as the
// first or last character; "^" negates only right after "[". [] matches
// nothing and [^] is the same as ".". Classes may name surrogate code points
// (they never match); string literals may not.
//
// # Tree shape
//
// The parser builds the smallest tree: a sequence of one item is the item
// itself and an alternation of one alternative is that alternative. The
// empty sequence, &grammar.Seq{}, stands for ε: an empty alternative, an
// empty rule body, or (). Parentheses are not recorded, so "(a b) c" is a Seq
// whose first item is a Seq. Each operator after an atom wraps it in one
// more Repeat: "a*?" is Repeat{Repeat{a,0,∞},0,1}.
//
// Every rule and expression records its position: the first token of the
// expression (for a parenthesized sequence or alternation, its "("). Lines
// and columns start at 1; columns count code points.
//
// # Token sets
//
// As an extension, a Token that lists several tokens is written as a token
// set: "<[" followed by comma-separated token ids and quoted token texts,
// then "]>". For example <[1, 2, "<|eot_id|>"]> matches token 1, token 2 or
// the token whose text is <|eot_id|>, and !<[1, 2]> matches any one token
// except 1 and 2. <[]> matches no token and !<[]> any token. The printer
// (grammar.Print) writes this form for any Token that is not a single id or
// a single text of the shape <...>.
//
// # Deviations from llama.cpp
//
//   - Newlines are insignificant. llama.cpp ends a rule at a newline outside
//     parentheses (a rule continues only after "::=", after "|" or inside
//     parentheses); here a rule ends where the next "name ::=" begins. Every
//     grammar llama.cpp accepts means the same here, but some it rejects are
//     accepted: a stray line after a rule becomes part of that rule.
//   - The escape \' is accepted.
//   - A rule defined twice is an error (llama.cpp keeps the last definition).
//   - Surrogates (\uD800–\uDFFF) are rejected in string literals and code
//     points beyond U+10FFFF everywhere.
//   - {,} is accepted and means *.
//   - Token sets (above) are an extension. A token text <...> is kept as
//     written and resolved against the vocabulary at compile time.
//   - Limits: sources over MaxSize bytes or MaxTokens tokens, parentheses
//     and repetition operators nested over MaxDepth, and repetition counts
//     over grammar.MaxRepeatBound are rejected.
//
// # Errors
//
// Parse reports errors as *grammar.Error values (several as a
// grammar.ErrorList), formatted "file:line:col: message", with a code such
// as grammar.ErrSyntax, grammar.ErrBadRepeat, grammar.ErrInvalidUTF8 or
// grammar.ErrTooLarge. After parsing it runs grammar.Validate, so undefined
// and duplicate rules, an empty language and rules that can never terminate
// are reported too. Left recursion is allowed.
package ebnf
