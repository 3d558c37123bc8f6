package gramc_test

import (
	"fmt"
	"math"

	"github.com/gramc/gramc"
)

// The decode loop: fill the mask, apply it to the logits, sample, accept.
// Here the "model" prefers the highest token id that is allowed.
func Example() {
	v := gramc.ByteVocabulary()
	g, err := gramc.ParseGBNF("answer.gbnf", []byte(`root ::= "answer: " ("yes" | "no") "."`))
	if err != nil {
		panic(err)
	}
	c, err := gramc.Compile(g, v)
	if err != nil {
		panic(err)
	}
	m, k := c.NewMatcher(), c.NewMask()
	logits := make([]float32, v.LogitsWidth())
	var out []byte
	for !m.Done() {
		for i := range logits {
			logits[i] = float32(i % 200) // a stand-in for a model's forward pass
		}
		m.FillMask(k)
		gramc.ApplyMask(logits, k)
		best := 0
		for i, x := range logits {
			if x > logits[best] {
				best = i
			}
		}
		if logits[best] == float32(math.Inf(-1)) {
			break
		}
		if err := m.Accept(int32(best)); err != nil {
			panic(err)
		}
		out = append(out, v.Bytes(int32(best))...)
	}
	fmt.Printf("%s (forced after 'a': %q)\n", out, forced(c))
	// Output: answer: yes. (forced after 'a': "nswer: ")
}

func forced(c *gramc.Compiled) []byte {
	m := c.NewMatcher()
	m.Accept('a')
	return m.ForcedBytes()
}

// A JSON Schema compiled through a cache: the second request for the same
// schema and vocabulary is a lookup, and its masks are already computed.
// A keyword that cannot be enforced exactly is refused, naming it.
func ExampleCompileSchemaCached() {
	v := gramc.ByteVocabulary()
	cache := gramc.NewCache(64)
	schema := []byte(`{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"],"additionalProperties":false}`)
	c1, err := gramc.CompileSchemaCached(cache, schema, v, gramc.SchemaOptions{})
	if err != nil {
		panic(err)
	}
	c2, _ := gramc.CompileSchemaCached(cache, schema, v, gramc.SchemaOptions{})
	m := c2.NewMatcher()
	fmt.Println(c1 == c2, m.AcceptBytes([]byte(`{"ok":true}`)) == nil && m.CanStop())
	_, err = gramc.CompileSchema([]byte(`{"type":"string","format":"regex"}`), v, gramc.SchemaOptions{AssertFormat: true})
	fmt.Println(err)
	// Output:
	// true true
	// jsonschema: format at #/format is not supported: format "regex": ECMA-262 regular expressions are not a regular language (nested groups)
}
