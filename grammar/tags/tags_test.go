package tags

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/ebnf"
)

var digitsGrammar = func() *grammar.Grammar {
	g, err := ebnf.Parse("digits", []byte(`root ::= [0-9]+`))
	if err != nil {
		panic(err)
	}
	return g
}()

func mustGBNF(t *testing.T, src string) *grammar.Grammar {
	t.Helper()
	g, err := ebnf.Parse("content", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func program(t *testing.T, g *grammar.Grammar) *automaton.Program {
	t.Helper()
	p, err := compile.Compile(g, nil, compile.Options{})
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, g)
	}
	return p
}

func matches(p *automaton.Program, s string) bool {
	ps := automaton.NewParser(p)
	for i := 0; i < len(s); i++ {
		if !ps.Push(s[i]) {
			return false
		}
	}
	return ps.CanStop()
}

func TestLanguages(t *testing.T) {
	digits := mustGBNF(t, `root ::= [0-9]+`)
	tests := []struct {
		name     string
		spec     Spec
		yes, not []string
	}{
		{"loop", Spec{Tags: []Tag{{Begin: Marker{Text: "<n>"}, Content: digits, End: Marker{Text: "</n>"}}}},
			[]string{"", "hello", "a<n>12</n>b", "<n>1</n><n>2</n>", "x <tool_ca", "<n", "</n>"},
			[]string{"<n>", "a<n>x</n>", "a<n>1</n", "<n>1</n><n>"}},
		{"stop", Spec{Tags: []Tag{{Begin: Marker{Text: "<n>"}, Content: digits}}, Stop: true},
			[]string{"", "text", "text<n>42"},
			[]string{"<n>1<n>2", "<n>1 more"}},
		{"required", Spec{Tags: []Tag{{Begin: Marker{Text: "<n>"}, Content: digits, End: Marker{Text: "."}}}, Required: true},
			[]string{"<n>1.", "a<n>1.b<n>2.c"},
			[]string{"", "text"}},
		{"stop+required", Spec{Tags: []Tag{{Begin: Marker{Text: "<n>"}, Content: digits}}, Stop: true, Required: true},
			[]string{"<n>7", "say <n>7"},
			[]string{"say", "<n>7 "}},
		{"two tags", Spec{Tags: []Tag{
			{Begin: Marker{Text: "<a>"}, Content: digits, End: Marker{Text: "</a>"}},
			{Begin: Marker{Text: "<b>"}, Content: mustGBNF(t, `root ::= [x-z]+`), End: Marker{Text: "</b>"}},
		}},
			[]string{"<a>1</a><b>xy</b>", "q<b>z</b>"},
			[]string{"<a>x</a>", "<b>1</b>"}},
		{"shared trigger", Spec{Tags: []Tag{
			{Begin: Marker{Text: "<t>"}, Content: digits},
			{Begin: Marker{Text: "<t>"}, Content: mustGBNF(t, `root ::= "x"`)},
		}},
			[]string{"<t>1", "<t>x", "<t>1<t>x"},
			[]string{"<t>y"}},
		{"excludes", Spec{Tags: []Tag{{Begin: Marker{Text: "<n>"}, Content: digits}}, Excludes: []string{"STOP"}},
			[]string{"go", "<n>1 go"},
			[]string{"STOP", "a STOP b", "<n>1 STOP"}},
		// The first complete trigger starts the section: after free text
		// "ab", "abab" would complete a trigger early.
		{"self-overlapping trigger", Spec{Tags: []Tag{{Begin: Marker{Text: "abab"}, Content: mustGBNF(t, `root ::= "X"`)}}},
			[]string{"ababX", "aababX", "abaX", "x ababX"},
			[]string{"abababX", "ababab", "ababXabab"}},
		{"max bytes", Spec{Tags: []Tag{{Begin: Marker{Text: "<n>"}, Content: digits}}, MaxFreeBytes: 4},
			[]string{"", "abcd", "éab", "€a", "abcd<n>1", "ab<n>1wxyz"},
			[]string{"abcde", "é€", "€ab", "abcde<n>1", "<n>1vwxyz"}},
		{"max bytes, overlapping trigger", Spec{Tags: []Tag{{Begin: Marker{Text: "aa"}, Content: digits}}, MaxFreeBytes: 2},
			[]string{"xyaa1", "aa1", "a"},
			[]string{"xyzaa1", "aaa1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := Triggered(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			p := program(t, g)
			for _, s := range tt.yes {
				if !matches(p, s) {
					t.Errorf("rejects %q\n%s", s, g)
				}
			}
			for _, s := range tt.not {
				if matches(p, s) {
					t.Errorf("accepts %q\n%s", s, g)
				}
			}
		})
	}
}

func TestSpecErrors(t *testing.T) {
	digits := mustGBNF(t, `root ::= [0-9]`)
	tests := []struct {
		spec Spec
		msg  string
	}{
		{Spec{}, "no tags"},
		{Spec{Tags: []Tag{{Content: digits}}}, "tag 1: empty trigger"},
		{Spec{Tags: []Tag{{Begin: Marker{Text: "a", Token: &grammar.Token{IDs: []int32{1}}}}}}, "both a text and a token"},
		{Spec{Tags: []Tag{{Begin: Marker{Token: &grammar.Token{}}}}}, "lists no token"},
		{Spec{Tags: []Tag{{Begin: Marker{Token: &grammar.Token{IDs: []int32{1}, Negated: true}}}}}, "cannot be negated"},
		{Spec{Tags: []Tag{{Begin: Marker{Text: "<a>"}}, {Begin: Marker{Text: "<a>b"}}}}, `"<a>b" contains "<a>"`},
		{Spec{Tags: []Tag{{Begin: Marker{Text: "<call>"}}}, Excludes: []string{"call"}}, `"<call>" contains "call"`},
		{Spec{Tags: []Tag{{Begin: Marker{Text: "x"}}}, MaxFreeBytes: -1}, "MaxFreeBytes -1"},
		{Spec{Tags: []Tag{{Begin: Marker{Text: "x"}, Content: &grammar.Grammar{Root: "nope"}}}}, `no root rule "nope"`},
	}
	for _, tt := range tests {
		_, err := Triggered(tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Triggered(%+v): %v, want ...%s...", tt.spec, err, tt.msg)
		}
	}
}

func TestToolCall(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "grammars", "tools", "tools.json"))
	if err != nil {
		t.Fatal(err)
	}
	tools, err := ParseTools(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(tools) != 2 || tools[0].Name != "get_weather" || tools[1].Name != "search" {
		t.Fatalf("ParseTools: %+v", tools)
	}
	g, err := ToolCall(tools, DefaultToolOptions("arguments"))
	if err != nil {
		t.Fatal(err)
	}
	p := program(t, g)
	for _, s := range []string{
		`{"name": "get_weather", "arguments": {"location": "Paris"}}`,
		`{"name":"get_weather","arguments":{"unit":"celsius","location":"Oslo"}}`,
		"{\n  \"name\": \"search\",\n  \"arguments\": {\"query\": \"x\", \"max_results\": 10}\n}",
	} {
		if !matches(p, s) {
			t.Errorf("rejects %s", s)
		}
	}
	for _, s := range []string{
		`{"name": "get_weather", "arguments": {}}`,
		`{"name": "get_weather", "arguments": {"location": "Paris", "extra": 1}}`,
		`{"name": "search", "arguments": {"query": ""}}`,
		`{"name": "search", "arguments": {"query": "x", "max_results": 11}}`,
		`{"arguments": {"location": "Paris"}, "name": "get_weather"}`,
		`{"name": "delete_all", "arguments": {}}`,
	} {
		if matches(p, s) {
			t.Errorf("accepts %s", s)
		}
	}
	compact, err := ToolCall(tools[:1], ToolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pc := program(t, compact)
	if !matches(pc, `{"name":"get_weather","arguments":{"location":"Rome"}}`) || matches(pc, `{"name": "get_weather","arguments":{"location":"Rome"}}`) {
		t.Errorf("compact tool call:\n%s", compact)
	}
	if _, err := ToolCall([]Tool{{Name: "f", Parameters: []byte(`{"type": "object", "uniqueItems": "x"}`)}}, ToolOptions{}); err == nil || !strings.Contains(err.Error(), `tool "f"`) {
		t.Errorf("bad schema: %v", err)
	}
	if _, err := ToolCall([]Tool{{Name: "f"}, {Name: "f"}}, ToolOptions{}); err == nil {
		t.Error("duplicate tool names accepted")
	}
	if _, err := ParseTools([]byte(`[{"type": "retrieval", "function": {"name": "x"}}]`)); err == nil {
		t.Error("non-function tool accepted")
	}
}
