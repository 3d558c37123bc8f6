package regex

import (
	"errors"
	"fmt"
)

// Code classifies an *Error.
type Code string

// Error codes.
const (
	// CodeSyntax: the pattern is not a valid ECMA-262 pattern (u flag).
	CodeSyntax Code = "syntax error"
	// CodeUnsupported: the pattern is valid but uses a construct that has
	// no exact translation to the grammar IR (backreferences, lookaround,
	// word boundaries, some anchors, properties missing from Go's tables).
	CodeUnsupported Code = "unsupported"
	// CodeTooLarge: a limit was exceeded (pattern length, nesting depth,
	// repetition bound, size of the translation).
	CodeTooLarge Code = "too large"
)

// Limits.
const (
	MaxPatternLen = 64 << 10 // bytes
	MaxNesting    = 1000     // groups and lookarounds nested in each other
	MaxRepeat     = 100_000  // largest n or m in {n,m}
	// MaxIRSize bounds the number of IR nodes of a translation (anchors
	// inside repetitions are expanded by case, which can multiply sizes).
	MaxIRSize = 1 << 20
)

// Sentinel errors for errors.Is. An *Error with CodeSyntax is ErrSyntax;
// CodeUnsupported is ErrUnsupported; CodeTooLarge is both ErrTooLarge and
// ErrUnsupported (the pattern is valid, but it is refused).
var (
	ErrSyntax      = errors.New("regex: invalid pattern")
	ErrUnsupported = errors.New("regex: unsupported pattern")
	ErrTooLarge    = errors.New("regex: pattern too large")
)

// Error is an error in a pattern at byte offset Pos.
type Error struct {
	Pos  int // byte offset in the pattern
	Code Code
	Msg  string // names the construct
}

func (e *Error) Error() string {
	return fmt.Sprintf("regex: offset %d: %s", e.Pos, e.Msg)
}

// Is reports whether target is the sentinel error of e's code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrSyntax:
		return e.Code == CodeSyntax
	case ErrUnsupported:
		return e.Code == CodeUnsupported || e.Code == CodeTooLarge
	case ErrTooLarge:
		return e.Code == CodeTooLarge
	}
	return false
}

func syntaxErr(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Code: CodeSyntax, Msg: fmt.Sprintf(format, args...)}
}

func unsupportedErr(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Code: CodeUnsupported, Msg: fmt.Sprintf(format, args...)}
}

func tooLargeErr(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Code: CodeTooLarge, Msg: fmt.Sprintf(format, args...)}
}
