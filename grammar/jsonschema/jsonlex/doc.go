// Package jsonlex builds the JSON lexical languages that a JSON Schema
// compiler needs, as grammar IR expressions over the bytes of JSON text:
// numbers under numeric constraints, string characters, JSON-escaped
// regular expressions, string lengths and string literals.
//
// The guiding rule is "exact or loud": every language here is exact (it
// never matches a text whose value violates the constraint), and what
// cannot be built exactly is refused with an error wrapping ErrUnsupported
// (or ErrInvalid for a malformed constraint). Where a language leaves out
// some valid texts, this documentation says which.
//
// # Numbers
//
// Number(Bounds) matches JSON number texts (RFC 8259) whose value
// satisfies minimum/maximum (inclusive or exclusive), "integer" (a value
// with no fraction: 1.0 and 1e2 are integers, -0 is 0) and multipleOf.
// Values are compared exactly (math/big); bounds of any size are handled
// digit by digit (integer ranges split into aligned blocks, fractions
// compared digit-wise), up to MaxBoundDigits digits.
//
// Exponent policy. Exponent-free texts are always complete: every one
// whose value satisfies the constraints is matched. Texts with an exponent
// are matched as follows, and never otherwise (under any constraint, the
// exponent's value k has |k| < 10^MaxExpDigits, leading zeros aside: math/big,
// which validators use to read such numbers, refuses larger exponents):
//
//   - No constraint at all: the whole RFC 8259 syntax.
//   - Zero mantissas (-?0(\.0+)?[eE][+-]?[0-9]+, value 0): matched whenever 0
//     satisfies the constraints.
//   - "integer" alone: m e k with m non-zero is matched when k ≥ 0 (any
//     leading zeros, "+" or no sign, or -0) and either m has no fraction
//     digit other than zeros (1e2, 3E+0, 15.00e-0) or m has j ≤ IntFracDigits
//     fraction digits, trailing zeros included, and k ≥ j (1.5e1, 0.25e2,
//     1.50E+03). So 1.50e1 (trailing zero, k < j) and 1500e-2 (negative k)
//     are integers that are not matched.
//   - minimum/maximum (not "integer"): m e k with m non-zero is matched when
//     its value is in range and either every value of m's sign is in range
//     (minimum ≤ 0 and no maximum, for positive m; maximum ≥ 0 and no
//     minimum, for negative m) or -ExpRange ≤ k ≤ ExpRange (k written with
//     any sign and leading zeros: 1e+006, 25E-0003).
//   - minimum/maximum with "integer": m e k with m non-zero is matched only
//     when every integer of m's sign is in range (minimum ≤ 1 and no
//     maximum, for positive m; maximum ≥ -1 and no minimum, for negative m)
//     and the text is one of the "integer" forms above.
//   - multipleOf (with or without other constraints): no exponent form with
//     a non-zero mantissa, except that multipleOf 1 (and, with "integer",
//     any multipleOf 1/q) is "integer" and follows the rules above.
//
// multipleOf m = p/q (lowest terms) is exact for exponent-free texts, for
// any m within the size limits: v is a multiple of m iff it has at most K
// significant fraction digits (K from the factors 2 and 5 of q), the last
// digits of v·10^K are a multiple of the {2,5}-part E = 2^x·5^y of m
// scaled to an integer, and the integer N formed by all the digits of v is
// a multiple of p', the factor of p coprime to 10. The last condition is
// an explicit automaton (grammar.Machine) over the remainders N mod p'
// (p'+4 states, p' ≤ MaxMultipleModulus = 10,000; since 10 is invertible
// mod p', it does not depend on where the point is). The {2,5} condition
// is an expression over the residues mod E when it fits MaxMultipleSize,
// else an automaton over (N mod E, fraction digits read) with E·(K+2)+1 ≤
// MaxMultipleStates states. The parts are intersected with the bounds
// (grammar.And); a product beyond the compiler's automaton limit is
// refused. Hence multipleOf 2, 7, 9, 11, 13, 99, 1024, 9973, 0.01, 0.3,
// 0.123, 1e-8, 11/7 are exact, while 10007, 65536 (E too large),
// 0.0009765625 (2^-10: E = 5^10) and 0.123456789 (numerator beyond
// MaxMultipleModulus) are refused with ErrUnsupported. With "integer",
// multipleOf p/q becomes multipleOf p. A text with an exponent and a
// non-zero mantissa is never matched under a multipleOf other than 1 (see
// the exponent policy).
//
// Bounds that are not terminating decimals (1/3) are refused when the
// number is not "integer" (integer bounds round them exactly). When no
// number satisfies the constraints (minimum > maximum, or no integer in
// range), Number returns &grammar.Alt{} (no alternative), which matches
// nothing; a schema compiler should treat that as "no number is valid".
//
// Sizes: the unconstrained number is 9 DFA states, "integer" 57, an
// integer range like [0, 100] 14; decimal bounds cost about 14 states per
// exponent value of the ExpRange window (about 100 for [0, 1]; 18 without
// exponent forms); multipleOf 0.01 13, 7 17 (about p'+10 for a divisor
// coprime to 10).
//
// # Strings
//
// Char matches one JSON string character, raw or escaped; Length repeats
// it; Literal matches every encoding of a given string; Escape turns a
// code-point-level regular expression (a pattern) into the language of its
// JSON encodings; Quoted adds the quotes. Escapes are exact: \uXXXX takes
// hex digits of either case, a code point above U+FFFF is a surrogate pair
// (high then low), and lone or reversed surrogate escapes, raw control
// characters and unknown escapes (\x, \U, \') are never matched.
package jsonlex
