package loops

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/internal/yamlx"

	"go.yaml.in/yaml/v3"
)

// ReadPlanFile reads a plan from a .yaml, .yml or .json file: a list of
// one-key mappings, run in order, whose key is the transform and whose
// value is a spec string (or a list of them, or several specs separated
// by commas as on the command line):
//
//	# plan.yaml
//	- tile: dense_layer_Gemm.j=16,8
//	- unroll: dense_layer_Gemm.k=4:expand
//	- partition: [dense_layer_Gemm.w=cyclic:4:1, dense_layer_Gemm.b=complete]
//	- copy: dense_layer_Gemm.w=j.outer
//
// Each step's Source is the file and the line of its spec (YAML) or its
// index in the list (JSON: "plan.json[2]", "plan.json[2][0]" within a
// list value).
func ReadPlanFile(path string) (Plan, error) { return ReadPlanFileWith(path, nil) }

// ReadPlanFileWith is ReadPlanFile for a file that may also hold steps
// of other passes: each key of extra ("place") is accepted beside the
// transforms, and its function gets each of the key's spec strings with
// where it is ("plan.yaml:7"), in the file's order. An error it returns
// stops the reading.
func ReadPlanFileWith(path string, extra map[string]func(text, source string) error) (Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("loops: plan file: %w", err)
	}
	return ParsePlanWith(data, filepath.Ext(path), path, extra)
}

// ParsePlan reads a plan from data, YAML when ext is .yaml or .yml and
// JSON when it is .json; name is the file's name for Sources and errors.
func ParsePlan(data []byte, ext, name string) (Plan, error) {
	return ParsePlanWith(data, ext, name, nil)
}

// ParsePlanWith is ParsePlan with other passes' keys (ReadPlanFileWith).
func ParsePlanWith(data []byte, ext, name string, extra map[string]func(text, source string) error) (Plan, error) {
	var items []planItem
	var err error
	switch strings.ToLower(strings.TrimPrefix(ext, ".")) {
	case "yaml", "yml":
		items, err = yamlPlan(data, name)
	case "json":
		items, err = jsonPlan(data, name)
	default:
		return nil, fmt.Errorf("loops: plan file %s: extension %q: want .yaml, .yml or .json", name, ext)
	}
	if err != nil {
		return nil, err
	}
	var plan Plan
	for _, it := range items {
		if f, ok := extra[it.key]; ok {
			if err := f(it.text, it.source); err != nil {
				return nil, err
			}
			continue
		}
		op, err := ParseOp(it.key)
		if err != nil {
			want := []string{"tile", "interchange", "unroll", "partition", "copy"}
			want = append(want, slices.Sorted(maps.Keys(extra))...)
			return nil, fmt.Errorf("%s: loops: plan: unknown key %q (want %s)", it.keyAt, it.key, strings.Join(want, ", "))
		}
		steps, err := ParseSteps(op, it.text, it.source)
		if err != nil {
			return nil, err
		}
		plan = append(plan, steps...)
	}
	return plan, nil
}

// planItem is one spec string of a plan file under its key.
type planItem struct {
	key, text     string
	keyAt, source string // where the key and the text are
}

// planErrorf is an error at where ("plan.yaml:3", "plan.json[1]").
func planErrorf(where, format string, args ...any) error {
	return fmt.Errorf("%s: loops: plan: "+format, append([]any{where}, args...)...)
}

func yamlPlan(data []byte, name string) ([]planItem, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: loops: plan: %w", name, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, planErrorf(name, "empty file")
	}
	root := doc.Content[0]
	at := func(n *yaml.Node) string { return fmt.Sprintf("%s:%d", name, n.Line) }
	if root.Kind != yaml.SequenceNode {
		return nil, planErrorf(at(root), "want a list of steps (- tile: KERNEL.LOOP=16), not %s", yamlx.Describe(root))
	}
	if len(root.Content) == 0 {
		return nil, planErrorf(at(root), "the list has no steps")
	}
	var items []planItem
	for _, step := range root.Content {
		if step.Kind != yaml.MappingNode || len(step.Content) != 2 {
			return nil, planErrorf(at(step), "a step is a mapping with one key (- tile: KERNEL.LOOP=16), not %s", yamlx.Describe(step))
		}
		k, v := step.Content[0], step.Content[1]
		if k.Kind != yaml.ScalarNode {
			return nil, planErrorf(at(k), "a key must be a string, not %s", yamlx.Describe(k))
		}
		values := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			if len(v.Content) == 0 {
				return nil, planErrorf(at(v), "%s: an empty list", k.Value)
			}
			values = v.Content
		}
		for _, x := range values {
			if x.Kind != yaml.ScalarNode || x.Tag == "!!null" {
				return nil, planErrorf(at(x), "%s: want a spec string or a list of them, not %s", k.Value, yamlx.Describe(x))
			}
			items = append(items, planItem{key: k.Value, text: x.Value, keyAt: at(k), source: at(x)})
		}
	}
	return items, nil
}

func jsonPlan(data []byte, name string) ([]planItem, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	switch {
	case err == io.EOF:
		return nil, planErrorf(name, "empty file")
	case err != nil:
		return nil, planErrorf(name, "%v", err)
	case tok != json.Delim('['):
		return nil, planErrorf(name, "want a list of steps ([{\"tile\": \"KERNEL.LOOP=16\"}]), not %s", jsonKind(tok))
	}
	var items []planItem
	for i := 0; dec.More(); i++ {
		got, err := jsonStep(dec, fmt.Sprintf("%s[%d]", name, i))
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, planErrorf(name, "%v", err)
	}
	if len(items) == 0 {
		return nil, planErrorf(name, "the list has no steps")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, planErrorf(name, "data after the list")
	}
	return items, nil
}

// jsonStep reads one step, an object with one key, at where.
func jsonStep(dec *json.Decoder, where string) ([]planItem, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, planErrorf(where, "%v", err)
	}
	if tok != json.Delim('{') {
		return nil, planErrorf(where, "a step is an object with one key ({\"tile\": \"KERNEL.LOOP=16\"}), not %s", jsonKind(tok))
	}
	var items []planItem
	keys := 0
	for ; dec.More(); keys++ {
		tok, err := dec.Token()
		if err != nil {
			return nil, planErrorf(where, "%v", err)
		}
		key, _ := tok.(string)
		if keys > 0 {
			return nil, planErrorf(where, "a step is an object with one key, but %q follows %q", key, items[0].key)
		}
		texts, sources, err := jsonValue(dec, where, key)
		if err != nil {
			return nil, err
		}
		for j, t := range texts {
			items = append(items, planItem{key: key, text: t, keyAt: where, source: sources[j]})
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, planErrorf(where, "%v", err)
	}
	if keys == 0 {
		return nil, planErrorf(where, "a step is an object with one key, not an empty object")
	}
	return items, nil
}

// jsonValue reads a step's value: a string or a list of strings.
func jsonValue(dec *json.Decoder, where, key string) (texts, sources []string, err error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, planErrorf(where, "%v", err)
	}
	if s, ok := tok.(string); ok {
		return []string{s}, []string{where}, nil
	}
	if tok != json.Delim('[') {
		return nil, nil, planErrorf(where, "%s: want a spec string or a list of them, not %s", key, jsonKind(tok))
	}
	for j := 0; dec.More(); j++ {
		at := fmt.Sprintf("%s[%d]", where, j)
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, planErrorf(at, "%v", err)
		}
		s, ok := tok.(string)
		if !ok {
			return nil, nil, planErrorf(at, "%s: want a spec string, not %s", key, jsonKind(tok))
		}
		texts, sources = append(texts, s), append(sources, at)
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, nil, planErrorf(where, "%v", err)
	}
	if len(texts) == 0 {
		return nil, nil, planErrorf(where, "%s: an empty list", key)
	}
	return texts, sources, nil
}

// jsonKind names a JSON token, for errors.
func jsonKind(tok json.Token) string {
	switch tok := tok.(type) {
	case json.Delim:
		return map[json.Delim]string{'{': "an object", '[': "a list"}[tok]
	case string:
		return fmt.Sprintf("the string %q", tok)
	case json.Number:
		return "the number " + tok.String()
	case bool:
		return fmt.Sprintf("%v", tok)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}
