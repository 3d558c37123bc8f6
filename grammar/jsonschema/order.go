package jsonschema

import (
	"bytes"
	"encoding/json"
	"strings"
)

// keyOrders records, for every object in a JSON document, its keys in the
// order they are written (Go maps lose it). Keys are JSON pointers.
type keyOrders map[string][]string

// scanKeyOrders parses doc and returns the key order of each object. It
// returns nil when doc is not valid JSON.
func scanKeyOrders(doc []byte) keyOrders {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	o := keyOrders{}
	if err := o.value(d, ""); err != nil {
		return nil
	}
	return o
}

func (o keyOrders) value(d *json.Decoder, ptr string) error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	switch t {
	case json.Delim('{'):
		keys := []string{}
		for d.More() {
			kt, err := d.Token()
			if err != nil {
				return err
			}
			k, _ := kt.(string)
			keys = append(keys, k)
			if err := o.value(d, ptr+"/"+escapePointer(k)); err != nil {
				return err
			}
		}
		o[ptr] = keys
		_, err = d.Token()
		return err
	case json.Delim('['):
		for i := 0; d.More(); i++ {
			if err := o.value(d, ptr+"/"+itoa(i)); err != nil {
				return err
			}
		}
		_, err = d.Token()
		return err
	}
	return nil
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// escapePointer escapes a JSON pointer reference token.
func escapePointer(s string) string {
	return pointerEscaper.Replace(s)
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")
