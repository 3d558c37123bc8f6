package jsonschema

import (
	"strconv"
	"strings"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"
)

// JSON Schema v1 (the release after 2020-12; the test suite's tests/v1,
// formerly draft-next) is compiled as 2020-12 plus the differences that
// change validation:
//
//   - $dynamicRef has no bookending requirement and no initial static
//     resolution: "#name" always resolves to the outermost schema
//     resource of the dynamic scope that defines $dynamicAnchor "name".
//     That is exact when the root resource defines the anchor (it is the
//     outermost resource of every dynamic scope), or when the resource
//     of the reference defines it and no other resource does; anything
//     else, and a $dynamicRef that is not a plain "#name" fragment, is
//     refused.
//   - format is an annotation unless asserted (as in 2020-12).
//
// santhosh-tekuri/jsonschema does not know v1: the meta-schema URL
// https://json-schema.org/v1 is served by the in-memory loader as a
// 2020-12 meta-schema, so the library validates and loads v1 schemas
// with 2020-12 rules, and the loader rewrites the $dynamicRef values the
// library would resolve statically (recording the anchor names) before
// the library sees them.

// V1MetaSchema is the $schema of JSON Schema v1 documents.
const V1MetaSchema = "https://json-schema.org/v1"

// v1MetaSchemaDoc stands in for the v1 meta-schema: the 2020-12 one.
var v1MetaSchemaDoc = []byte(`{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://json-schema.org/v1","$dynamicAnchor":"meta","$ref":"https://json-schema.org/draft/2020-12/schema"}`)

// isV1 reports whether a $schema value names JSON Schema v1.
func isV1(s string) bool {
	s = strings.TrimSuffix(s, "#")
	s = strings.TrimSuffix(s, "/")
	if t, ok := strings.CutPrefix(s, "https://"); ok {
		s = t
	} else if t, ok := strings.CutPrefix(s, "http://"); ok {
		s = t
	}
	return s == "json-schema.org/v1" || s == "json-schema.org/v1/schema"
}

// v1DynRef is a $dynamicRef of a v1 schema resource.
type v1DynRef struct {
	anchor    string // the anchor name; "" when the value is not a plain "#name"
	bookended bool   // its own resource defines $dynamicAnchor anchor (the library then resolves it dynamically, like v1)
}

// v1Subschemas are the 2020-12 keywords whose value is a schema, an array
// of schemas or an object of schemas.
var (
	v1Single = []string{"not", "if", "then", "else", "items", "contains", "additionalProperties", "propertyNames",
		"unevaluatedItems", "unevaluatedProperties", "contentSchema", "additionalItems"}
	v1Arrays = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
	v1Maps   = []string{"$defs", "definitions", "properties", "patternProperties", "dependentSchemas", "dependencies"}
)

// scanV1 walks a document loaded from url, records the $dynamicRefs of its
// v1 resources in l.v1Refs (keyed by url#pointer) and rewrites those the
// library would resolve statically to "#" (the resource itself), so that
// the library loads them; the compiler resolves them (dynamicTarget).
// defaultV1 is the dialect of a root without $schema.
func (l *mapLoader) scanV1(url string, doc any, defaultV1 bool) {
	type ref struct {
		obj  map[string]any
		ptr  string
		res  int
		name string
	}
	var refs []ref
	var anchors []map[string]bool // per resource: the $dynamicAnchor names
	var walk func(v any, ptr string, res int, v1 bool)
	walk = func(v any, ptr string, res int, v1 bool) {
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		if _, has := obj["$id"].(string); has || ptr == "" {
			if s, ok := obj["$schema"].(string); ok {
				v1 = isV1(s)
			}
			anchors = append(anchors, map[string]bool{})
			res = len(anchors) - 1
		}
		if a, ok := obj["$dynamicAnchor"].(string); ok {
			anchors[res][a] = true
		}
		if r, ok := obj["$dynamicRef"].(string); ok && v1 {
			name := ""
			if frag, ok := strings.CutPrefix(r, "#"); ok && frag != "" && !strings.HasPrefix(frag, "/") {
				name = frag
			}
			refs = append(refs, ref{obj, ptr, res, name})
		}
		for _, k := range v1Single {
			if x, ok := obj[k]; ok {
				walk(x, ptr+"/"+escapePointer(k), res, v1)
			}
		}
		for _, k := range v1Arrays {
			if xs, ok := obj[k].([]any); ok {
				for i, x := range xs {
					walk(x, ptr+"/"+escapePointer(k)+"/"+strconv.Itoa(i), res, v1)
				}
			}
		}
		if xs, ok := obj["items"].([]any); ok {
			for i, x := range xs {
				walk(x, ptr+"/items/"+strconv.Itoa(i), res, v1)
			}
		}
		for _, k := range v1Maps {
			if m, ok := obj[k].(map[string]any); ok {
				for name, x := range m {
					walk(x, ptr+"/"+escapePointer(k)+"/"+escapePointer(name), res, v1)
				}
			}
		}
	}
	walk(doc, "", 0, defaultV1)
	for _, r := range refs {
		d := v1DynRef{anchor: r.name, bookended: r.name != "" && anchors[r.res][r.name]}
		if !d.bookended {
			r.obj["$dynamicRef"] = "#"
		}
		if l.v1Refs == nil {
			l.v1Refs = map[string]v1DynRef{}
		}
		l.v1Refs[url+"#"+r.ptr] = d
	}
}

// locKey is the key of s in mapLoader.v1Refs: its document and pointer.
func (c *compiler) locKey(s *sjs.Schema) string {
	doc, ptr := splitLocation(s.Location)
	return doc + "#" + ptr
}

// dynamicTargetV1 resolves the $dynamicRef of a v1 schema resource: the
// outermost resource of the dynamic scope that defines the anchor.
func (c *compiler) dynamicTargetV1(s *sjs.Schema, d v1DynRef) (*sjs.Schema, error) {
	if d.anchor == "" {
		return nil, c.strict(s, "$dynamicRef", `in JSON Schema v1 a $dynamicRef must be a fragment naming a $dynamicAnchor ("#name")`)
	}
	if t := c.rootDynamicAnchor(d.anchor); t != nil {
		return t, nil // the root resource is the outermost of every dynamic scope
	}
	if d.bookended && c.singleResource(d.anchor) {
		return s.DynamicRef.Ref, nil // its own resource, the only one defining the anchor, is always in scope
	}
	return nil, c.unsupported(s, "$dynamicRef", "the target depends on the dynamic scope")
}

// v1Root reports whether the root document is a JSON Schema v1 schema.
func (c *compiler) v1Root() bool {
	doc, ok := c.loader.parsed[c.rootDoc].(map[string]any)
	if !ok {
		return c.loader.defaultV1
	}
	if s, ok := doc["$schema"].(string); ok {
		return isV1(s)
	}
	return c.loader.defaultV1
}
