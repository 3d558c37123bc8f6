package jsonesc

import (
	"encoding/json"
	"testing"
)

// TestShort agrees with encoding/json on every two-character escape.
func TestShort(t *testing.T) {
	for c := range 256 {
		var s string
		err := json.Unmarshal([]byte{'"', '\\', byte(c), '"'}, &s)
		b, ok := Short(byte(c))
		if c == 'u' {
			if ok {
				t.Errorf(`Short('u') = ok`)
			}
			continue
		}
		if ok != (err == nil) || (ok && s != string([]byte{b})) {
			t.Errorf("Short(%q) = %q, %v; encoding/json: %q, %v", byte(c), b, ok, s, err)
		}
	}
}
