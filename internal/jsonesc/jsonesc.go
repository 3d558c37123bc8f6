// Package jsonesc holds the one table of JSON string escapes that the
// parser's key decoder (package automaton) and the tokenizer.json reader
// (package vocab) share.
package jsonesc

// Short returns the byte that the two-character escape \c stands for
// (\" \\ \/ \b \f \n \r \t); ok is false for any other c (\u is not
// short).
func Short(c byte) (b byte, ok bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}
