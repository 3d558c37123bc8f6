package jsonschema

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gramc/gramc/grammar"
)

// jtype is a JSON type; numbers (integers included) are one type.
type jtype int

const (
	tNull jtype = iota
	tBool
	tNum
	tStr
	tArr
	tObj
	nTypes
)

var typeNames = [nTypes]string{"null", "boolean", "number", "string", "array", "object"}

func (t jtype) String() string { return typeNames[t] }

// typeOfValue returns the JSON type of a value decoded by the library.
func typeOfValue(v any) jtype {
	switch v.(type) {
	case nil:
		return tNull
	case bool:
		return tBool
	case string:
		return tStr
	case []any:
		return tArr
	case map[string]any:
		return tObj
	}
	return tNum
}

// cset is a conjunction of schemas: a value is in its language when it is
// valid for every leaf and invalid for every neg. Leaves are closed under
// allOf and $ref (the flattening) and sorted by location. The other fields
// are constraints that resolving combinators introduces: object keys that
// must be present or absent, schemas that the value of a key (or an array
// item at a position, or every item) must fail, and bounds on the number
// of members or items.
type cset struct {
	leaves   []*sjs.Schema
	negs     []*sjs.Schema
	require  []string
	forbid   []string
	keyNegs  map[string][]*sjs.Schema
	posNegs  map[int][]*sjs.Schema
	itemNegs []*sjs.Schema
	cmin     int
	cmax     int // grammar.Unbounded for none
	isFalse  bool
	key      string
}

// spec describes a cset to build.
type spec struct {
	pos, negs, itemNegs []*sjs.Schema
	require, forbid     []string
	keyNegs             map[string][]*sjs.Schema
	posNegs             map[int][]*sjs.Schema
	cmin, cmax          int
}

func newSpec() spec { return spec{cmax: grammar.Unbounded} }

// spec returns a copy of cs's description, to extend.
func (cs *cset) spec() spec {
	sp := spec{
		pos: slices.Clone(cs.leaves), negs: slices.Clone(cs.negs), itemNegs: slices.Clone(cs.itemNegs),
		require: slices.Clone(cs.require), forbid: slices.Clone(cs.forbid), cmin: cs.cmin, cmax: cs.cmax,
		keyNegs: map[string][]*sjs.Schema{}, posNegs: map[int][]*sjs.Schema{},
	}
	for k, v := range cs.keyNegs {
		sp.keyNegs[k] = slices.Clone(v)
	}
	for k, v := range cs.posNegs {
		sp.posNegs[k] = slices.Clone(v)
	}
	if cs.isFalse {
		sp.pos = append(sp.pos, falseSchema)
	}
	return sp
}

// falseSchema stands for the schema false in a spec.
var falseSchema = func() *sjs.Schema { f := false; return &sjs.Schema{Bool: &f, Location: "false"} }()

func byLocation(a, b *sjs.Schema) int { return strings.Compare(a.Location, b.Location) }

func sortSchemas(xs []*sjs.Schema) []*sjs.Schema {
	if len(xs) == 0 {
		return nil
	}
	out := slices.Clone(xs)
	slices.SortFunc(out, byLocation)
	return slices.CompactFunc(out, func(a, b *sjs.Schema) bool { return a == b })
}

func (cs *cset) computeKey() {
	var b strings.Builder
	if cs.isFalse {
		b.WriteString("false")
	}
	locs := func(xs []*sjs.Schema) string {
		var l []string
		for _, x := range xs {
			l = append(l, x.Location)
		}
		return strings.Join(l, " & ")
	}
	b.WriteString(locs(cs.leaves))
	if len(cs.negs) > 0 {
		fmt.Fprintf(&b, " !(%s)", locs(cs.negs))
	}
	if len(cs.require) > 0 {
		fmt.Fprintf(&b, " +%q", cs.require)
	}
	if len(cs.forbid) > 0 {
		fmt.Fprintf(&b, " -%q", cs.forbid)
	}
	for _, k := range sortedKeys(cs.keyNegs) {
		fmt.Fprintf(&b, " %q!(%s)", k, locs(cs.keyNegs[k]))
	}
	for _, i := range sortedInts(cs.posNegs) {
		fmt.Fprintf(&b, " [%d]!(%s)", i, locs(cs.posNegs[i]))
	}
	if len(cs.itemNegs) > 0 {
		fmt.Fprintf(&b, " [*]!(%s)", locs(cs.itemNegs))
	}
	if cs.cmin > 0 || cs.cmax != grammar.Unbounded {
		fmt.Fprintf(&b, " #%d..%d", cs.cmin, cs.cmax)
	}
	cs.key = b.String()
}

func sortedInts[V any](m map[int]V) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// make builds (or finds) the cset of sp.
func (c *compiler) make(sp spec) (*cset, error) {
	seen := map[*sjs.Schema]bool{}
	cs := &cset{cmin: sp.cmin, cmax: sp.cmax}
	for _, s := range sp.pos {
		if err := c.flattenInto(s, seen, &cs.isFalse); err != nil {
			return nil, err
		}
	}
	for s := range seen {
		cs.leaves = append(cs.leaves, s)
	}
	slices.SortFunc(cs.leaves, byLocation)
	for _, n := range sp.negs {
		switch {
		case isTrue(n):
			cs.isFalse = true
		case isFalse(n):
		default:
			cs.negs = append(cs.negs, n)
		}
	}
	cs.negs = sortSchemas(cs.negs)
	cs.itemNegs = sortSchemas(sp.itemNegs)
	cs.require = sortedSet(sp.require)
	cs.forbid = sortedSet(sp.forbid)
	for _, k := range cs.require {
		if slices.Contains(cs.forbid, k) {
			cs.isFalse = true
		}
	}
	if cs.cmax != grammar.Unbounded && cs.cmin > cs.cmax {
		cs.isFalse = true
	}
	for k, v := range sp.keyNegs {
		if v = sortSchemas(v); len(v) > 0 && !slices.Contains(cs.forbid, k) {
			if cs.keyNegs == nil {
				cs.keyNegs = map[string][]*sjs.Schema{}
			}
			cs.keyNegs[k] = v
		}
	}
	for k, v := range sp.posNegs {
		if v = sortSchemas(v); len(v) > 0 {
			if cs.posNegs == nil {
				cs.posNegs = map[int][]*sjs.Schema{}
			}
			cs.posNegs[k] = v
		}
	}
	if cs.isFalse {
		*cs = cset{isFalse: true, cmax: grammar.Unbounded}
	}
	cs.computeKey()
	if prev, ok := c.csets[cs.key]; ok {
		return prev, nil
	}
	c.csets[cs.key] = cs
	return cs, nil
}

// flatten returns the conjunction of the schemas ss.
func (c *compiler) flatten(ss []*sjs.Schema, negs []*sjs.Schema) (*cset, error) {
	sp := newSpec()
	sp.pos, sp.negs = ss, negs
	return c.make(sp)
}

// flattenInto adds s and everything s pulls in through allOf and
// (static) references to the set seen.
func (c *compiler) flattenInto(s *sjs.Schema, seen map[*sjs.Schema]bool, isFalse *bool) error {
	if s == nil || seen[s] {
		return nil
	}
	if s.Bool != nil {
		if !*s.Bool {
			*isFalse = true
		}
		return nil
	}
	seen[s] = true
	if s.Ref != nil {
		if err := c.flattenInto(s.Ref, seen, isFalse); err != nil {
			return err
		}
	}
	for _, x := range s.AllOf {
		if err := c.flattenInto(x, seen, isFalse); err != nil {
			return err
		}
	}
	if s.DynamicRef != nil {
		t, err := c.dynamicTarget(s)
		if err != nil {
			return err
		}
		if err := c.flattenInto(t, seen, isFalse); err != nil {
			return err
		}
	}
	if s.RecursiveRef != nil {
		t, err := c.recursiveTarget(s)
		if err != nil {
			return err
		}
		if err := c.flattenInto(t, seen, isFalse); err != nil {
			return err
		}
	}
	return nil
}

func (c *compiler) flat1(s *sjs.Schema) (*cset, error) { return c.flatten([]*sjs.Schema{s}, nil) }

func sortedSet(xs []string) []string {
	if len(xs) == 0 {
		return nil
	}
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// dynamicTarget resolves $dynamicRef. It is static unless the target
// carries the same $dynamicAnchor, in which case the outermost schema
// resource of the dynamic scope that defines the anchor wins: the root
// resource when it defines it (it is outermost in every dynamic scope).
func (c *compiler) dynamicTarget(s *sjs.Schema) (*sjs.Schema, error) {
	dr := s.DynamicRef
	if d, ok := c.loader.v1Refs[c.locKey(s)]; ok {
		return c.dynamicTargetV1(s, d)
	}
	if dr.Anchor == "" || dr.Ref.DynamicAnchor != dr.Anchor {
		return dr.Ref, nil
	}
	if t := c.rootDynamicAnchor(dr.Anchor); t != nil {
		return t, nil
	}
	if c.singleResource(dr.Anchor) {
		return dr.Ref, nil
	}
	return nil, c.unsupported(s, "$dynamicRef", "the target depends on the dynamic scope")
}

// recursiveTarget resolves $recursiveRef (2019-09) like dynamicTarget.
func (c *compiler) recursiveTarget(s *sjs.Schema) (*sjs.Schema, error) {
	t := s.RecursiveRef
	if !t.RecursiveAnchor {
		return t, nil
	}
	if c.root.RecursiveAnchor {
		return c.root, nil
	}
	return nil, c.unsupported(s, "$recursiveRef", "the target depends on the dynamic scope")
}

// rootDynamicAnchor returns the schema of the root resource that defines
// $dynamicAnchor name, or nil.
func (c *compiler) rootDynamicAnchor(name string) *sjs.Schema {
	rootRes := c.resourceOf(c.root)
	for _, s := range c.dynamicAnchors(name) {
		if c.resourceOf(s) == rootRes {
			return s
		}
	}
	return nil
}

// singleResource reports whether only one schema resource defines the
// dynamic anchor name: then every dynamic resolution finds it.
func (c *compiler) singleResource(name string) bool {
	for _, s := range c.allSchemas() {
		if strings.HasPrefix(s.Location, "https://json-schema.org/") || strings.HasPrefix(s.Location, "http://json-schema.org/") {
			return false // embedded meta-schemas are not scanned for anchors
		}
	}
	res := map[string]bool{}
	for _, s := range c.dynamicAnchors(name) {
		res[c.resourceOf(s)] = true
	}
	return len(res) == 1
}

// dynamicAnchors returns the schemas of every loaded document that define
// $dynamicAnchor name.
func (c *compiler) dynamicAnchors(name string) []*sjs.Schema {
	var out []*sjs.Schema
	docs := []string{c.rootDoc}
	for d := range c.loader.parsed {
		if d != c.rootDoc {
			docs = append(docs, d)
		}
	}
	slices.Sort(docs[1:])
	for _, d := range docs {
		ptrs := []string{}
		for ptr, keys := range c.orderOf(d) {
			if slices.Contains(keys, "$dynamicAnchor") {
				ptrs = append(ptrs, ptr)
			}
		}
		slices.Sort(ptrs)
		for _, ptr := range ptrs {
			s, err := c.lc.Compile(locationOf(d, ptr))
			if err == nil && s.DynamicAnchor == name {
				out = append(out, s)
			}
		}
	}
	return out
}

// locationOf formats a document URL and a JSON pointer like the library.
func locationOf(doc, ptr string) string {
	toks := strings.Split(ptr, "/")
	for i, t := range toks {
		toks[i] = url.PathEscape(t)
	}
	return doc + "#" + strings.Join(toks, "/")
}

// allSchemas lists every schema reachable from the root.
func (c *compiler) allSchemas() []*sjs.Schema {
	if c.all != nil {
		return c.all
	}
	seen := map[*sjs.Schema]bool{}
	var walk func(s *sjs.Schema)
	walk = func(s *sjs.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		c.all = append(c.all, s)
		for _, x := range subschemas(s) {
			walk(x)
		}
	}
	walk(c.root)
	return c.all
}

// subschemas lists the direct subschemas and reference targets of s.
func subschemas(s *sjs.Schema) []*sjs.Schema {
	var out []*sjs.Schema
	add := func(xs ...*sjs.Schema) {
		for _, x := range xs {
			if x != nil {
				out = append(out, x)
			}
		}
	}
	add(s.Ref, s.RecursiveRef, s.Not, s.If, s.Then, s.Else, s.PropertyNames, s.UnevaluatedProperties,
		s.Contains, s.Items2020, s.UnevaluatedItems, s.ContentSchema)
	if s.DynamicRef != nil {
		add(s.DynamicRef.Ref)
	}
	add(s.AllOf...)
	add(s.AnyOf...)
	add(s.OneOf...)
	add(s.PrefixItems...)
	for _, k := range sortedKeys(s.Properties) {
		add(s.Properties[k])
	}
	for _, x := range s.PatternProperties {
		add(x)
	}
	if x, ok := s.AdditionalProperties.(*sjs.Schema); ok {
		add(x)
	}
	for _, x := range s.Dependencies {
		if x, ok := x.(*sjs.Schema); ok {
			add(x)
		}
	}
	for _, k := range sortedKeys(s.DependentSchemas) {
		add(s.DependentSchemas[k])
	}
	switch it := s.Items.(type) {
	case *sjs.Schema:
		add(it)
	case []*sjs.Schema:
		add(it...)
	}
	if x, ok := s.AdditionalItems.(*sjs.Schema); ok {
		add(x)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// splitLocation splits a library location into its document URL and its
// (unescaped path) JSON pointer.
func splitLocation(loc string) (doc, ptr string) {
	doc, frag, _ := strings.Cut(loc, "#")
	if p, err := url.PathUnescape(frag); err == nil {
		frag = p
	}
	return doc, frag
}

// resourceOf returns an identifier of the schema resource that contains
// s: its document and the pointer of the innermost enclosing object with
// an id.
func (c *compiler) resourceOf(s *sjs.Schema) string {
	doc, ptr := splitLocation(s.Location)
	ids := c.idsOf(doc)
	best := ""
	for p := range ids {
		if (ptr == p || strings.HasPrefix(ptr, p+"/")) && len(p) > len(best) {
			best = p
		}
	}
	return doc + "#" + best
}

// idsOf returns the pointers of the objects of document doc that have an
// $id (or id) member.
func (c *compiler) idsOf(doc string) map[string]bool {
	if ids, ok := c.ids[doc]; ok {
		return ids
	}
	ids := map[string]bool{}
	for ptr, keys := range c.orderOf(doc) {
		if ptr != "" && (slices.Contains(keys, "$id") || slices.Contains(keys, "id")) {
			ids[ptr] = true
		}
	}
	c.ids[doc] = ids
	return ids
}

// orderOf returns the key orders of document doc.
func (c *compiler) orderOf(doc string) keyOrders {
	if o, ok := c.orders[doc]; ok {
		return o
	}
	var o keyOrders
	if b, ok := c.loader.docs[doc]; ok {
		o = scanKeyOrders(b)
	}
	c.orders[doc] = o
	return o
}

// propertyOrder returns the keys of s.Properties in the order the schema
// writes them.
func (c *compiler) propertyOrder(s *sjs.Schema) []string {
	doc, ptr := splitLocation(s.Location)
	keys := c.orderOf(doc)[ptr+"/properties"]
	out := make([]string, 0, len(s.Properties))
	seen := map[string]bool{}
	for _, k := range keys {
		if _, ok := s.Properties[k]; ok && !seen[k] {
			out = append(out, k)
			seen[k] = true
		}
	}
	for _, k := range sortedKeys(s.Properties) {
		if !seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// pointer formats the location of keyword kw of s for error messages: a
// fragment for the root document, the absolute location otherwise.
func (c *compiler) pointer(s *sjs.Schema, kw string) string {
	doc, ptr := splitLocation(s.Location)
	if kw != "" {
		ptr += "/" + escapePointer(kw)
	}
	if doc == strings.TrimSuffix(c.rootURL, "#") || doc == c.rootDoc {
		return "#" + ptr
	}
	return doc + "#" + ptr
}
