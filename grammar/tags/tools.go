package tags

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/jsonschema"
)

// Tool is a function the model may call: its name and the JSON Schema of
// its arguments (nil means any JSON object).
type Tool struct {
	Name       string          `json:"name"`
	Parameters json.RawMessage `json:"parameters"`
}

// ToolOptions configure ToolCall.
type ToolOptions struct {
	// ArgsKey is the key of the arguments: "arguments" (Qwen, Hermes,
	// OpenAI) or "parameters" (Llama 3.1). Default "arguments".
	ArgsKey string
	// JSON are the options of the argument schemas' compilation. Its
	// Whitespace also decides the whitespace around the call's own keys.
	// The zero value is package jsonschema's: compact, strict.
	JSON jsonschema.Options
}

// ToolCall returns the grammar of one JSON function call to any of tools:
//
//	{"name": "<tool>", "<ArgsKey>": <arguments>}
//
// with the name first, as chat templates write it, the tool's name as
// json.Marshal writes it, and the arguments valid for the tool's schema.
// With jsonschema.Flexible whitespace, JSON whitespace may appear between
// the call's tokens (and the arguments', as the schema compiler allows);
// with Compact, none. Errors name the tool whose schema failed.
func ToolCall(tools []Tool, opts ToolOptions) (*grammar.Grammar, error) {
	if len(tools) == 0 {
		return nil, grammar.Errorf(grammar.Pos{}, ErrSpec, "no tools")
	}
	key := opts.ArgsKey
	if key == "" {
		key = "arguments"
	}
	var ws grammar.Expr = &grammar.Seq{}
	if opts.JSON.Whitespace == jsonschema.Flexible {
		ws = &grammar.Repeat{X: &grammar.Class{Ranges: []grammar.Range{{Lo: '\t', Hi: '\n'}, {Lo: '\r', Hi: '\r'}, {Lo: ' ', Hi: ' '}}}, Min: 0, Max: grammar.Unbounded}
	}
	g := &grammar.Grammar{Root: "call"}
	call := &grammar.Alt{}
	g.Rules = append(g.Rules, &grammar.Rule{Name: "call", Body: call})
	seen := map[string]bool{}
	for i, tool := range tools {
		if tool.Name == "" || seen[tool.Name] {
			return nil, grammar.Errorf(grammar.Pos{}, ErrSpec, "tool %d: empty or duplicate name %q", i+1, tool.Name)
		}
		seen[tool.Name] = true
		schema := tool.Parameters
		if len(bytes.TrimSpace(schema)) == 0 {
			schema = json.RawMessage(`{"type": "object"}`)
		}
		args, err := jsonschema.Compile(schema, opts.JSON)
		if err != nil {
			return nil, fmt.Errorf("tool %q: %w", tool.Name, err)
		}
		name := fmt.Sprintf("tool%d", i+1)
		argsRoot := embed(g, args, name+"-")
		g.Rules = append(g.Rules, &grammar.Rule{Name: name, Body: &grammar.Seq{Items: []grammar.Expr{
			grammar.Lit(`{`), grammar.Clone(ws), grammar.Lit(`"name"`), grammar.Clone(ws), grammar.Lit(`:`), grammar.Clone(ws),
			grammar.Lit(jsonString(tool.Name)), grammar.Clone(ws), grammar.Lit(`,`), grammar.Clone(ws),
			grammar.Lit(jsonString(key)), grammar.Clone(ws), grammar.Lit(`:`), grammar.Clone(ws),
			&grammar.Ref{Name: argsRoot}, grammar.Clone(ws), grammar.Lit(`}`),
		}}})
		call.Alts = append(call.Alts, &grammar.Ref{Name: name})
	}
	if len(call.Alts) == 1 {
		g.Rules[0].Body = call.Alts[0]
	}
	if err := grammar.Validate(g); err != nil {
		return nil, err
	}
	return g, nil
}

// jsonString encodes s as json.Marshal does, without HTML escaping.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return string(bytes.TrimRight(b.Bytes(), "\n"))
}

// DefaultToolOptions are the options the family presets use: flexible
// whitespace (models write {"name": "f", "arguments": {...}} with blanks).
func DefaultToolOptions(argsKey string) ToolOptions {
	return ToolOptions{ArgsKey: argsKey, JSON: jsonschema.Options{Whitespace: jsonschema.Flexible}}
}

// Qwen3 returns the Spec of Qwen3's (and Qwen2.5's, Hermes-style) tool
// calls: free text, in which any number of
//
//	<tool_call>
//	{"name": "<tool>", "arguments": <arguments>}
//	</tool_call>
//
// blocks may appear. <tool_call> is an ordinary added token of Qwen3's
// vocabulary (not special), so it is a text trigger.
func Qwen3(tools []Tool) (Spec, error) {
	call, err := ToolCall(tools, DefaultToolOptions("arguments"))
	if err != nil {
		return Spec{}, err
	}
	return Spec{Tags: []Tag{{
		Begin:   Marker{Text: "<tool_call>"},
		Content: Wrap("\n", call, "\n"),
		End:     Marker{Text: "</tool_call>"},
	}}}, nil
}

// Wrap returns a grammar that matches before, then g, then after.
func Wrap(before string, g *grammar.Grammar, after string) *grammar.Grammar {
	out := &grammar.Grammar{Root: "wrapped"}
	root := &grammar.Rule{Name: out.Root}
	out.Rules = append(out.Rules, root)
	inner := embed(out, g, "in-")
	root.Body = &grammar.Seq{Items: []grammar.Expr{grammar.Lit(before), &grammar.Ref{Name: inner}, grammar.Lit(after)}}
	return out
}

// Llama31 returns the Spec of Llama 3.1's JSON tool calls as llguidance
// documents them: either a plain answer, or the special token
// <|python_tag|> followed by
//
//	{"name": "<tool>", "parameters": <arguments>}
//
// after which the output ends (the model emits <|eom_id|>, one of the
// vocabulary's EOS tokens).
func Llama31(tools []Tool) (Spec, error) {
	call, err := ToolCall(tools, DefaultToolOptions("parameters"))
	if err != nil {
		return Spec{}, err
	}
	return Spec{
		Tags: []Tag{{Begin: Marker{Token: &grammar.Token{Names: []string{"<|python_tag|>"}}}, Content: call}},
		Stop: true,
	}, nil
}

// Generic returns the Spec of the generic form: free text with any number
// of <tool_call>{"name": "<tool>", "arguments": <arguments>}</tool_call>
// blocks.
func Generic(tools []Tool) (Spec, error) {
	call, err := ToolCall(tools, DefaultToolOptions("arguments"))
	if err != nil {
		return Spec{}, err
	}
	return Spec{Tags: []Tag{{
		Begin:   Marker{Text: "<tool_call>"},
		Content: call,
		End:     Marker{Text: "</tool_call>"},
	}}}, nil
}

// ParseTools decodes a JSON list of tools, either in the OpenAI form
// [{"type": "function", "function": {"name": ..., "parameters": {...}}}]
// or plainly [{"name": ..., "parameters": {...}}]. Descriptions and other
// keys are ignored.
func ParseTools(data []byte) ([]Tool, error) {
	var list []struct {
		Type     string          `json:"type"`
		Function *Tool           `json:"function"`
		Name     string          `json:"name"`
		Params   json.RawMessage `json:"parameters"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("tools: %w", err)
	}
	var tools []Tool
	for i, item := range list {
		switch {
		case item.Function != nil:
			if item.Type != "" && item.Type != "function" {
				return nil, fmt.Errorf("tools: item %d: type %q is not function", i+1, item.Type)
			}
			tools = append(tools, *item.Function)
		case item.Name != "":
			tools = append(tools, Tool{Name: item.Name, Parameters: item.Params})
		default:
			return nil, fmt.Errorf("tools: item %d has no name", i+1)
		}
	}
	return tools, nil
}
