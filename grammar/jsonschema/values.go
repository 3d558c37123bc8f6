package jsonschema

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/gramc/gramc/grammar"
)

// ratOf returns the exact value of a number decoded by the library.
func ratOf(v any) (*big.Rat, bool) {
	var s string
	switch v := v.(type) {
	case json.Number:
		s = string(v)
	case float64, float32, int, int64, int32, uint64:
		s = fmt.Sprint(v)
	default:
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// canonical returns a string that is equal for JSON-equal values (numbers
// by value, objects regardless of key order).
func canonical(v any) string {
	var b strings.Builder
	writeCanonical(&b, v)
	return b.String()
}

func writeCanonical(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		fmt.Fprint(b, v)
	case string:
		q, _ := json.Marshal(v)
		b.Write(q)
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonical(b, x)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				b.WriteByte(',')
			}
			q, _ := json.Marshal(k)
			b.Write(q)
			b.WriteByte(':')
			writeCanonical(b, v[k])
		}
		b.WriteByte('}')
	default:
		if r, ok := ratOf(v); ok {
			b.WriteString("n" + r.RatString())
		} else {
			fmt.Fprintf(b, "?%v", v)
		}
	}
}

// punctuation with the whitespace policy
func (c *compiler) objOpen() grammar.Expr  { return seq(grammar.Lit("{"), c.ws) }
func (c *compiler) objSep() grammar.Expr   { return seq(grammar.Lit(","), c.ws) }
func (c *compiler) objClose() grammar.Expr { return grammar.Lit("}") }

// member is `"key": value` followed by whitespace; key is string content.
func (c *compiler) member(key, value grammar.Expr) grammar.Expr {
	return seq(grammar.Lit(`"`), key, grammar.Lit(`"`), c.ws, grammar.Lit(":"), c.ws, value, c.ws)
}

// maxPermItems is the permutation limit of the engine.
const maxPermItems = 48

// valueText returns every JSON text of the value v (all string
// encodings, every spelling of a number with its value, object members in
// any order).
func (c *compiler) valueText(v any) (grammar.Expr, error) {
	switch v := v.(type) {
	case nil:
		return grammar.Lit("null"), nil
	case bool:
		if v {
			return grammar.Lit("true"), nil
		}
		return grammar.Lit("false"), nil
	case string:
		return lexQuoted(lexLiteral(v)), nil
	case []any:
		if len(v) == 0 {
			return seq(grammar.Lit("["), c.ws, grammar.Lit("]")), nil
		}
		items := []grammar.Expr{grammar.Lit("["), c.ws}
		for i, x := range v {
			if i > 0 {
				items = append(items, grammar.Lit(","), c.ws)
			}
			e, err := c.valueText(x)
			if err != nil {
				return nil, err
			}
			items = append(items, e, c.ws)
		}
		items = append(items, grammar.Lit("]"))
		return seq(items...), nil
	case map[string]any:
		keys := sortedKeys(v)
		if len(keys) > maxPermItems {
			return nil, fmt.Errorf("an object value with %d members (the limit is %d)", len(keys), maxPermItems)
		}
		p := &grammar.Perm{Open: c.objOpen(), Sep: c.objSep(), Close: c.objClose(), Max: grammar.Unbounded}
		for _, k := range keys {
			e, err := c.valueText(v[k])
			if err != nil {
				return nil, err
			}
			p.Items = append(p.Items, c.member(lexLiteral(k), e))
			p.Required = append(p.Required, true)
		}
		return p, nil
	}
	r, ok := ratOf(v)
	if !ok {
		return nil, fmt.Errorf("unexpected value %T", v)
	}
	return lexNumber(numBounds{Min: r, Max: r})
}

func containsStr(xs []string, x string) bool { return slices.Contains(xs, x) }
