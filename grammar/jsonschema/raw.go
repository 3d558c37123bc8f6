package jsonschema

import (
	"strings"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"
)

// rawValue returns the JSON value of keyword kw of schema s as written in
// its document (the library keeps only what it asserts).
func (c *compiler) rawValue(s *sjs.Schema, kw string) (any, bool) {
	doc, ptr := splitLocation(s.Location)
	v, ok := c.rawAt(doc, ptr)
	if !ok {
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	x, ok := m[kw]
	return x, ok
}

// unescapePointer undoes a JSON pointer reference token's escapes.
var unescapePointer = strings.NewReplacer("~1", "/", "~0", "~")

// rawAt returns the value at a JSON pointer of a loaded document.
func (c *compiler) rawAt(doc, ptr string) (any, bool) {
	v, ok := c.loader.parsed[doc]
	if !ok {
		return nil, false
	}
	if ptr == "" {
		return v, true
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescapePointer.Replace(tok)
		switch x := v.(type) {
		case map[string]any:
			if v, ok = x[tok]; !ok {
				return nil, false
			}
		case []any:
			i := 0
			for _, ch := range tok {
				if ch < '0' || ch > '9' {
					return nil, false
				}
				i = i*10 + int(ch-'0')
			}
			if i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// assertedFormats are the formats that the specification defines or the
// library validates: when format is asserted they must be compiled or
// refused. Other names are unknown formats, which assert nothing.
var assertedFormats = map[string]bool{
	"date-time": true, "date": true, "time": true, "duration": true, "email": true, "idn-email": true,
	"hostname": true, "idn-hostname": true, "ipv4": true, "ipv6": true, "uri": true, "uri-reference": true,
	"iri": true, "iri-reference": true, "uuid": true, "uri-template": true, "json-pointer": true,
	"relative-json-pointer": true, "regex": true, "period": true, "semver": true,
}

// formatOf returns the format of leaf l when it is asserted: with
// Options.AssertFormat, when the dialect's meta-schema lists the
// format-assertion vocabulary, or in drafts 4 to 7 unless
// Options.FormatAnnotation (the validator asserts it there too).
func (c *compiler) formatOf(l *sjs.Schema) (string, bool) {
	v, ok := c.rawValue(l, "format")
	if !ok {
		return "", false
	}
	name, ok := v.(string)
	if !ok || !assertedFormats[name] {
		return "", false
	}
	if c.opts.AssertFormat || c.formatVocabulary(l) || (l.DraftVersion <= 7 && !c.opts.FormatAnnotation) {
		return name, true
	}
	return "", false
}

// formatVocabulary reports whether the meta-schema of l's document lists
// the format-assertion vocabulary.
func (c *compiler) formatVocabulary(l *sjs.Schema) bool {
	doc, _ := splitLocation(l.Location)
	if v, ok := c.fmtVocab[doc]; ok {
		return v
	}
	res := false
	if root, ok := c.rawAt(doc, ""); ok {
		if m, ok := root.(map[string]any); ok {
			if ms, ok := m["$schema"].(string); ok {
				meta, err := c.loader.Load(strings.TrimSuffix(ms, "#"))
				if mm, ok := meta.(map[string]any); err == nil && ok {
					if vocab, ok := mm["$vocabulary"].(map[string]any); ok {
						for k := range vocab {
							if strings.HasSuffix(k, "/vocab/format-assertion") {
								res = true
							}
						}
					}
				}
			}
		}
	}
	c.fmtVocab[doc] = res
	return res
}
