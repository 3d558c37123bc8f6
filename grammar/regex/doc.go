// Package regex translates ECMA-262 regular expressions to the grammar IR.
//
// It is the regex front end of gramc: the JSON Schema compiler uses it for
// "pattern", "patternProperties" and formats, and `gramc compile --regex`
// for whole grammars. Anchored gives the strings a pattern matches in full;
// Search gives the strings that contain a match (JSON Schema's and
// RegExp.prototype.test's semantics). Both are exact: a pattern is either
// translated to an expression with exactly its language, or refused with an
// *Error. Nothing is approximated.
//
// # Dialect
//
// Patterns are ECMA-262 (2025) with the u flag, as JSON Schema prescribes:
// they denote sequences of code points, \u{...} and surrogate pairs written
// \uD83D\uDE00 are single code points, and the syntax is the strict one of
// the u flag. The flags i, s and m are given by Flags, and the modifier
// groups (?i:...), (?-i:...), (?s:...), (?m:...) set them locally.
// Supported:
//
//   - literals, ., [...] and [^...] with ranges and escapes, \d \D \w \W
//     \s \S (ECMA's sets: \s is WhiteSpace plus LineTerminator, including
//     U+00A0, U+FEFF, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F,
//     U+3000; \d is [0-9]; \w is [A-Za-z0-9_]);
//   - escapes \t \n \r \v \f \0 \xHH \uHHHH \u{H...} \cX, [\b] (backspace),
//     and identity escapes of the syntax characters and /;
//   - \p{...} and \P{...}: General_Category values (short and long names and
//     their aliases: L, Letter, Lu, Nd, digit, punct, ...), gc=V and
//     General_Category=V, Script=V and sc=V (long names such as Greek, Han,
//     and common four-letter codes such as Grek, Latn), and the binary
//     properties for which Go's unicode package has tables, plus Any, ASCII,
//     Assigned, Alphabetic, Lowercase, Uppercase, Cased, Math, ID_Start and
//     ID_Continue, derived from them. The sets are those of Go's Unicode
//     version (unicode.Version), which may lag the one of a JavaScript engine;
//   - groups ( ), (?: ), (?<name> ), alternation, the quantifiers * + ? {n}
//     {n,} {n,m} and their lazy forms (laziness does not change which
//     strings match, so it does not change the translation);
//   - ^ and $ without the m flag, anywhere: in the middle of a pattern
//     (a^b has the empty language), under alternations (^a|b$ searches for
//     a at the start or b at the end) and under repetitions ((?:^a|b)*c).
//     The translation splits the language of every sub-pattern by the
//     anchors its matches pass and combines the parts exactly;
//   - the i flag, by simple case folding as ECMA-262 specifies with the u
//     flag: a character matches every code point of its unicode.SimpleFold
//     orbit (k matches K and U+212A KELVIN SIGN), [^...] is the complement
//     of the folded set, and \w includes U+017F and U+212A;
//   - the s flag (. matches everything); without it . excludes \n, \r,
//     U+2028 and U+2029.
//
// A lone surrogate (\uD800) matches nothing: no UTF-8 string contains one.
// A pattern whose language is empty gives an empty *grammar.Alt, which
// package compile reports as an empty language.
//
// Unless Flags.Strict is set, two web-compatibility extensions of ECMA-262
// (its Annex B, which every engine applies without the u flag) are
// accepted, where they cannot mean anything else: identity escapes of
// ASCII punctuation (\-, \_, \:, \" ...) and the literal characters ], }
// and a { that does not start a quantifier (as in .*\{\{.+}} or /{id}/).
// A brace that looks like a broken quantifier ({1, {,5}) stays an error,
// and so do escapes of letters and digits (\a, \1 without a group, \01),
// whose meaning differs between engines.
//
// # Refused
//
// Valid patterns that have no exact translation are refused with an *Error
// for which errors.Is(err, ErrUnsupported) holds; its message names the
// construct and its offset:
//
//   - backreferences \1 and \k<name>: their language is not regular;
//   - lookahead and lookbehind (?= ) (?! ) (?<= ) (?<! ): they are regular
//     but need intersection with the context of the whole match (a later
//     version may lower them to grammar.And and grammar.Not);
//   - word boundaries \b and \B: regular too, but they depend on the
//     characters on both sides, inside and outside the match;
//   - ^ and $ with the m flag, for the same reason;
//   - properties valid in ECMA-262 that Go has no data for (Emoji,
//     Script_Extensions, Grapheme_Base, ...).
//
// Invalid patterns give errors.Is(err, ErrSyntax). Limits give
// errors.Is(err, ErrTooLarge) (and ErrUnsupported): patterns longer than
// MaxPatternLen bytes, groups nested deeper than MaxNesting, repetition
// bounds above MaxRepeat, and translations larger than MaxIRSize (anchors
// inside repetitions are expanded case by case, which can multiply sizes).
//
// # The IR
//
// The expressions use only *grammar.Bytes, *grammar.Class, *grammar.Seq,
// *grammar.Alt and *grammar.Repeat, with zero positions. Any code point is
// &grammar.Class{Negated: true}. Sub-expressions may be shared between
// parts of the tree: treat the result as read-only.
package regex
