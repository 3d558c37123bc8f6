// Package lark parses grammars in a Lark dialect — the one llguidance
// accepts (its docs/syntax.md), itself a variant of the Python Lark
// toolkit's grammar language — into gramc's grammar IR, and prints IR
// grammars back in that dialect (Print) or as a faithful IR dump (Dump).
// It also reads XGrammar's EBNF dialect (ParseXGrammar), the other format
// users bring from other engines.
//
// # Syntax
//
// A grammar is a list of definitions and directives, each starting a line.
// A definition ends at the end of its line unless the next line starts
// with "|"; newlines inside parentheses and brackets are ignored. Comments
// start with // or # and run to the end of the line.
//
//	start: expr          a rule: lowercase name (a leading _ and inner "-"
//	                     are allowed); Lark's ?rule and !rule modifiers
//	                     are accepted and change nothing
//	NUMBER: /[0-9]+/     a terminal: uppercase name; its body may use only
//	                     strings, regular expressions and other terminals,
//	                     and may not refer to itself (terminals are regular)
//
// The start rule is named start. Bodies:
//
//	"text"         string literal (escapes \\ \" \n \r \t \f \xHH \uHHHH
//	               \UHHHHHHHH; the hex escapes denote code points) → Bytes
//	"text"i        case-insensitive string: each character with other case
//	               forms (simple case folding) becomes a class of them
//	"a".."z"       character range → Class
//	/regex/flags   ECMA-262 regular expression (package regex, u flag
//	               always on) matching the whole lexeme; flags i, s, m
//	               (u accepted, l and x refused)
//	name NAME      reference to a rule or a terminal → Ref
//	<|eot_id|>     special token by text → Token{Names}
//	<[128010]>     special tokens by id; <[128000-128255]> ranges,
//	               <[1,5-9]> lists, <[^1,2]> any text token but these,
//	               <[*]> any text token; as an extension, quoted texts may
//	               be listed: <[1, "<|eot_id|>"]> → Token
//	%json {...}    an inline JSON Schema (package jsonschema, flexible
//	               whitespace): its grammar is embedded with rules renamed
//	               Json<n>_<name>, and the block refers to its root
//	%regex {...}   {"pattern": "...", "flags": "is"}, or llguidance's
//	               {"substring_chunks": [...]}, {"substring_words": "..."},
//	               {"substring_chars": "..."}: any run of consecutive chunks
//	               (words split into runs of letters, digits and "_" and
//	               single other characters); %regex /.../ is /.../
//	( ... )        grouping
//	[ ... ]        optional, same as ( ... )?
//	x? x* x+       repetition → Repeat {0,1} {0,∞} {1,∞}
//	x ~ n          exactly n times; x ~ m..n between m and n times
//	x{n} x{m,} x{m,n} x{,n}
//	               llguidance's bounded repetition
//	a b            sequence → Seq
//	a | b          alternation → Alt; an alternative may be empty
//	a -> name      tree alias: accepted, changes nothing
//
// One operator may follow an item (as in Lark: write (x+)? for two). In
// terminals only, two more operators (llguidance's planned regex algebra):
//
//	A & B          intersection → grammar.And (binds looser than a
//	               sequence, tighter than |)
//	~X             complement within all strings → grammar.Not{X, Any*};
//	               it applies to the item that follows, operator included:
//	               ~x* is ~(x*)
//
// Directives:
//
//	%ignore TERM             what may appear between lexemes (below); any
//	                         terminal expression; several %ignore add up
//	%import common.NAME      a terminal of Lark's common.lark, written by
//	%import common.NAME -> ALIAS   gramc: DIGIT HEXDIGIT INT SIGNED_INT
//	%import common (A, B)    DECIMAL FLOAT SIGNED_FLOAT NUMBER
//	                         SIGNED_NUMBER ESCAPED_STRING LCASE_LETTER
//	                         UCASE_LETTER LETTER WORD CNAME WS_INLINE WS CR
//	                         LF NEWLINE SH_COMMENT CPP_COMMENT C_COMMENT
//	                         SQL_COMMENT
//	%llguidance {...}        grammar options (XGrammar spells it
//	%grammar_options {...}   %grammar_options): allow_initial_skip lets
//	                         %ignore match before the first lexeme;
//	                         no_forcing and allow_invalid_utf8: false
//	                         change nothing; other options are refused
//
// # Meaning
//
// The language of a grammar is the context-free language of its rules,
// with each terminal standing for the regular language of its definition.
// Lexemes are the strings, character ranges, regular expressions,
// terminal references, special tokens, %json and %regex blocks that appear
// in rules (not those inside terminal definitions). When the grammar has
// %ignore directives, what they match may appear any number of times after
// every lexeme, and nowhere else — never inside a terminal, and not before
// the first lexeme unless the option allow_initial_skip is set (as in
// llguidance and XGrammar). This is implemented in the IR by a rule
// Ignore_ = (ignored)* that follows every lexeme in a rule (and, with
// allow_initial_skip, starts the start rule).
//
// Lark and llguidance run a lexer: a lexeme ends where the longest match
// ends (llguidance lexemes are "greedy"). gramc has no lexer: its language
// is the context-free one, in which a lexeme may also end earlier (Lark's
// lexer='dynamic_complete'). The two agree whenever no lexeme can be
// followed by a continuation of itself, which is the case in ordinary
// grammars (keywords and punctuation, identifiers followed by
// non-identifier characters); they differ for, say, start: A A with
// A: /a+/, which gramc accepts on "aa" and a greedy lexer does not.
//
// Regular expressions follow ECMA-262 (as JSON Schema's pattern does), not
// Python's re or Rust's regex: \d, \w and \b are ASCII-only, \s is
// ECMA-262's white space. Python's (?P<name>...) is read as (?<name>...).
//
// # Refused
//
// Parse reports an error, with code ErrUnsupported, rather than change the
// meaning of: priorities (rule.2, TERM.2), templates (_sep{x, sep}),
// %declare, %override, %extend, imports other than common, lexeme options
// other than capture and temperature (lazy, stop, suffix, max_tokens),
// references to other grammars (@name), regular expressions with
// lookarounds, backreferences or other constructs that package regex
// refuses, flags l and x, grammar options that change the language,
// and JSON Schemas that package jsonschema refuses (its error, with the
// position of the %json block). Special tokens and %json cannot appear in
// terminals, & and ~ not in rules, and unknown escapes in strings are
// errors (Lark would keep the backslash).
//
// # Errors
//
// Parse reports *grammar.Error values (several as a grammar.ErrorList),
// formatted "file:line:col: message". After parsing it runs
// grammar.Validate, so an empty language and rules that can never
// terminate are reported too. Left recursion is allowed.
package lark
