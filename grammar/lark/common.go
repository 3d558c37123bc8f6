package lark

import (
	"slices"

	"github.com/gramc/gramc/grammar"
)

// commonTerminals are the terminals of Lark's common.lark, written directly
// in the IR (each self-contained, so importing one imports nothing else).
// They match what common.lark's definitions match, with two notes: "." in
// common.lark is any character but "\n" (Python's re), and
// ESCAPED_STRING's lazy regex is written as the equivalent
// "(?:[^"\\\n]|\\[^\n])*".
var commonTerminals = map[string]func(grammar.Pos) grammar.Expr{
	"DIGIT":          func(p grammar.Pos) grammar.Expr { return digit(p) },
	"HEXDIGIT":       func(p grammar.Pos) grammar.Expr { return class(p, false, 'a', 'f', 'A', 'F', '0', '9') },
	"INT":            func(p grammar.Pos) grammar.Expr { return intT(p) },
	"SIGNED_INT":     func(p grammar.Pos) grammar.Expr { return seq(p, sign(p), intT(p)) },
	"DECIMAL":        func(p grammar.Pos) grammar.Expr { return decimal(p) },
	"FLOAT":          func(p grammar.Pos) grammar.Expr { return float(p) },
	"SIGNED_FLOAT":   func(p grammar.Pos) grammar.Expr { return seq(p, sign(p), float(p)) },
	"NUMBER":         func(p grammar.Pos) grammar.Expr { return number(p) },
	"SIGNED_NUMBER":  func(p grammar.Pos) grammar.Expr { return seq(p, sign(p), number(p)) },
	"ESCAPED_STRING": escapedString,
	"LCASE_LETTER":   func(p grammar.Pos) grammar.Expr { return class(p, false, 'a', 'z') },
	"UCASE_LETTER":   func(p grammar.Pos) grammar.Expr { return class(p, false, 'A', 'Z') },
	"LETTER":         func(p grammar.Pos) grammar.Expr { return letter(p) },
	"WORD":           func(p grammar.Pos) grammar.Expr { return plus(p, letter(p)) },
	"CNAME": func(p grammar.Pos) grammar.Expr {
		return seq(p, class(p, false, '_', '_', 'A', 'Z', 'a', 'z'), star(p, class(p, false, '0', '9', '_', '_', 'A', 'Z', 'a', 'z')))
	},
	"WS_INLINE": func(p grammar.Pos) grammar.Expr { return plus(p, class(p, false, '\t', '\t', ' ', ' ')) },
	"WS":        func(p grammar.Pos) grammar.Expr { return plus(p, class(p, false, '\t', '\n', '\f', '\r', ' ', ' ')) },
	"CR":        func(p grammar.Pos) grammar.Expr { return lit(p, "\r") },
	"LF":        func(p grammar.Pos) grammar.Expr { return lit(p, "\n") },
	"NEWLINE": func(p grammar.Pos) grammar.Expr {
		return plus(p, seq(p, opt(p, lit(p, "\r")), lit(p, "\n")))
	},
	"SH_COMMENT":  func(p grammar.Pos) grammar.Expr { return seq(p, lit(p, "#"), star(p, notNewline(p))) },
	"CPP_COMMENT": func(p grammar.Pos) grammar.Expr { return seq(p, lit(p, "//"), star(p, notNewline(p))) },
	"SQL_COMMENT": func(p grammar.Pos) grammar.Expr { return seq(p, lit(p, "--"), star(p, notNewline(p))) },
	// "/*" /(.|\n)*?/ "*/": the shortest match, so the body has no "*/":
	// "/*" ([^*] | "*"+ [^*/])* "*"+ "/".
	"C_COMMENT": func(p grammar.Pos) grammar.Expr {
		return seq(p, lit(p, "/*"),
			star(p, alt(p, class(p, true, '*', '*'), seq(p, plus(p, lit(p, "*")), class(p, true, '*', '*', '/', '/')))),
			plus(p, lit(p, "*")), lit(p, "/"))
	},
}

// commonNames lists the common terminals, sorted.
func commonNames() []string {
	var names []string
	for n := range commonTerminals {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func lit(p grammar.Pos, s string) grammar.Expr { return &grammar.Bytes{B: []byte(s), Pos: p} }

func class(p grammar.Pos, negated bool, bounds ...rune) grammar.Expr {
	c := &grammar.Class{Negated: negated, Pos: p}
	for i := 0; i+1 < len(bounds); i += 2 {
		c.Ranges = append(c.Ranges, grammar.Range{Lo: bounds[i], Hi: bounds[i+1]})
	}
	c.Ranges = grammar.NormalizeRanges(c.Ranges)
	return c
}

func seq(p grammar.Pos, xs ...grammar.Expr) grammar.Expr { return &grammar.Seq{Items: xs, Pos: p} }
func alt(p grammar.Pos, xs ...grammar.Expr) grammar.Expr { return &grammar.Alt{Alts: xs, Pos: p} }
func star(p grammar.Pos, x grammar.Expr) grammar.Expr {
	return &grammar.Repeat{X: x, Min: 0, Max: grammar.Unbounded, Pos: p}
}
func plus(p grammar.Pos, x grammar.Expr) grammar.Expr {
	return &grammar.Repeat{X: x, Min: 1, Max: grammar.Unbounded, Pos: p}
}
func opt(p grammar.Pos, x grammar.Expr) grammar.Expr {
	return &grammar.Repeat{X: x, Min: 0, Max: 1, Pos: p}
}

func digit(p grammar.Pos) grammar.Expr      { return class(p, false, '0', '9') }
func intT(p grammar.Pos) grammar.Expr       { return plus(p, digit(p)) }
func sign(p grammar.Pos) grammar.Expr       { return opt(p, class(p, false, '+', '+', '-', '-')) }
func letter(p grammar.Pos) grammar.Expr     { return class(p, false, 'A', 'Z', 'a', 'z') }
func notNewline(p grammar.Pos) grammar.Expr { return class(p, true, '\n', '\n') }

// DECIMAL: INT "." INT? | "." INT
func decimal(p grammar.Pos) grammar.Expr {
	return alt(p, seq(p, intT(p), lit(p, "."), opt(p, intT(p))), seq(p, lit(p, "."), intT(p)))
}

// FLOAT: INT _EXP | DECIMAL _EXP?, with _EXP: ("e"|"E") SIGNED_INT
func float(p grammar.Pos) grammar.Expr {
	exp := func() grammar.Expr { return seq(p, class(p, false, 'E', 'E', 'e', 'e'), sign(p), intT(p)) }
	return alt(p, seq(p, intT(p), exp()), seq(p, decimal(p), opt(p, exp())))
}

// NUMBER: FLOAT | INT
func number(p grammar.Pos) grammar.Expr { return alt(p, float(p), intT(p)) }

// ESCAPED_STRING: "\"" _STRING_ESC_INNER "\"", where the inner text is the
// shortest run of non-newline characters that ends in an even number of
// backslashes.
func escapedString(p grammar.Pos) grammar.Expr {
	return seq(p, lit(p, `"`),
		star(p, alt(p, class(p, true, '"', '"', '\\', '\\', '\n', '\n'), seq(p, lit(p, `\`), notNewline(p)))),
		lit(p, `"`))
}
