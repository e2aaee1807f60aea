package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kiln-hls/kiln/internal/yamlx"

	"go.yaml.in/yaml/v3"
)

// maxErrors is how many errors ParseSpace reports at once.
const maxErrors = 20

// ParseSpace reads a space from YAML or JSON (JSON is read as the YAML it
// also is, so that errors quote lines the same way); name is the file's
// name for errors. The top level is a mapping of knobs:
//
//	model: lstm                         # optional: the model the loop names belong to
//	precision: [fp32, fp16, "fixed<16,6>", int8]
//	device: [xc7z020-1clg484-VVD, nangate45]
//	clock: {from: 5, to: 10, step: 2.5}  # ns: 5, 7.5, 10
//	channels: [1, 2]
//	batch: 1
//	placement: [auto, offchip-weights]  # memory placement, as kiln sim --placement
//	place: [none, "dense_layer_Gemm.dense_layer_weight=offchip"]  # overrides, as --place
//	tile:   {dense_layer_Gemm.j: [none, 8, 16, "16,8"]}
//	copy:   {dense_layer_Gemm.dense_layer_weight: [none, j.outer]}  # stage a tile on chip, as --copy
//	unroll: {lstm_layer_LSTM.i: {from: 2, to: 16, times: 2}, dense_layer_Gemm.k: [none, full]}
//	partition: {dense_layer_Gemm.dense_layer_weight: [none, "cyclic:4:1"]}
//
// placement takes auto, onchip, offchip-weights or none (passes/place's
// policies; none places nothing); place takes lists of overrides
// (place.ParseOverrides: KERNEL.BUFFER=SPACE,…; quote a list in a flow
// list) or none. A knob's value is one scalar, a list of scalars or a
// range: {from, to, step} (arithmetic, step 1 by default) or {from, to,
// times} (geometric). Loop knobs (tile, interchange, copy, unroll,
// partition) map KERNEL.LOOP (the buffer for copy and partition) to
// values as the --tile … flags write them, or none for no step; a band
// tiling is one string ("16,8"). In a flow list [a, b] YAML splits fixed<16,6> at its comma:
// quote it. Every error names the file, the line and the knob; all are
// reported at once (up to 20).
func ParseSpace(name string, data []byte) (*Space, error) {
	root, err := parseDoc(name, data)
	if err != nil {
		return nil, err
	}
	p := &parser{name: name, space: &Space{Name: name}}
	p.top(root)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	slices.SortStableFunc(p.space.Knobs, func(a, b Knob) int { return int(a.Kind) - int(b.Kind) })
	if err := p.space.finish(); err != nil {
		return nil, err
	}
	return p.space, nil
}

// parseDoc reads data as YAML (valid JSON with its tab whitespace made
// spaces, which YAML does not allow everywhere) and returns the top node.
func parseDoc(name string, data []byte) (*yaml.Node, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if json.Valid(data) {
		data = yamlJSON(data)
	} else if strings.EqualFold(filepath.Ext(name), ".json") {
		var v any
		err := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%s:%d: sweep: space: %v", name, 1+bytes.Count(data[:min(int(se.Offset), len(data))], []byte{'\n'}), err)
		}
		return nil, fmt.Errorf("%s: sweep: space: not JSON: %v", name, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: sweep: space: %w", name, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: sweep: space: empty file", name)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: sweep: space: want a mapping of knobs (precision: [fp16, int8]), not %s", name, root.Line, yamlx.Describe(root))
	}
	return root, nil
}

// yamlJSON rewrites valid JSON into the same values in YAML's flow
// syntax, line for line: tabs outside strings become spaces (a valid JSON
// string holds no raw tab), and strings with escapes YAML does not know
// (\/, surrogate pairs), invalid UTF-8 (U+FFFD, as JSON reads it) or
// characters YAML does not read raw as themselves (DEL, C1 controls,
// U+2028/9, U+FFFE) are quoted again in Go's syntax, whose escapes YAML
// reads.
func yamlJSON(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\t' {
			out = append(out, ' ')
			continue
		}
		if c != '"' {
			out = append(out, c)
			continue
		}
		j, escaped := i+1, false
		for ; data[j] != '"'; j++ { // valid JSON: the string ends
			if data[j] == '\\' {
				escaped = true
				j++
			}
		}
		tok := data[i : j+1]
		if escaped || !utf8.Valid(tok) || !yamlPrintable(tok) {
			var str string
			_ = json.Unmarshal(tok, &str) // valid JSON: a valid string
			tok = []byte(strconv.Quote(str))
		}
		out = append(out, tok...)
		i = j
	}
	return out
}

// parser collects a space and every error found on the way.
type parser struct {
	name  string
	space *Space
	errs  []error
}

func (p *parser) errorf(line int, format string, args ...any) {
	if len(p.errs) == maxErrors {
		p.errs = append(p.errs, fmt.Errorf("%s: sweep: more errors not shown", p.name))
	}
	if len(p.errs) > maxErrors {
		return
	}
	p.errs = append(p.errs, fmt.Errorf("%s:%d: sweep: "+format, append([]any{p.name, line}, args...)...))
}

// top reads the top mapping: each key once, each a known knob.
func (p *parser) top(root *yaml.Node) {
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k.Line, "a knob name must be a string, not %s", yamlx.Describe(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			p.errorf(k.Line, "knob %s given twice (first at line %d)", k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		switch k.Value {
		case "model":
			p.model(v)
			continue
		case "accuracy_windows":
			p.windows(v)
			continue
		}
		kind, ok := knobKind(k.Value)
		switch {
		case !ok:
			p.errorf(k.Line, "unknown knob %q (want model, accuracy_windows, %s)", k.Value, strings.Join(kindNames[:], ", "))
		case kind.IsLoop():
			p.loopKnobs(kind, k, v)
		default:
			p.knob(Knob{Kind: kind, Name: kind.String(), Line: k.Line}, v)
		}
	}
}

func knobKind(name string) (Kind, bool) {
	for k := range numKinds {
		if k.String() == name {
			return k, true
		}
	}
	return 0, false
}

func (p *parser) model(v *yaml.Node) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || v.Value == "" || strings.ContainsAny(v.Value, " \t\n") {
		p.errorf(v.Line, "model: want a model's name (lstm), not %s", yamlx.Describe(v))
		return
	}
	p.space.Model = v.Value
}

// windows reads accuracy_windows: how many validation windows (the first
// ones) each precision's accuracy is measured on; 0 or absent: all.
func (p *parser) windows(v *yaml.Node) {
	n, err := strconv.Atoi(v.Value)
	if v.Kind != yaml.ScalarNode || err != nil || n < 0 || n > maxWindows {
		p.errorf(v.Line, "accuracy_windows: want a number of validation windows from 0 (all) to %d, not %s", maxWindows, quoteKey(v.Value))
		return
	}
	p.space.Windows = n
}

// yamlPrintable reports whether a valid UTF-8 token holds only
// characters YAML 1.2 reads as themselves: its c-printable set (JSON has
// already refused the C0 controls in strings) less the line breaks
// U+0085, U+2028 and U+2029, which would fold the string and shift the
// lines errors quote.
func yamlPrintable(tok []byte) bool {
	for _, r := range string(tok) {
		switch {
		case r == 0x7f, r >= 0x80 && r <= 0x9f, r == 0x2028, r == 0x2029, r == 0xfffe, r == 0xffff:
			return false
		}
	}
	return true
}

// maxWindows bounds accuracy_windows against a typo.
const maxWindows = 1 << 20

// loopKnobs reads a mapping KERNEL.LOOP → values: one knob per target.
func (p *parser) loopKnobs(kind Kind, k, v *yaml.Node) {
	if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
		p.errorf(v.Line, "knob %s: want a mapping of KERNEL.LOOP to values ({gemm.j: [8, 16]}), not %s", kind, yamlx.Describe(v))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		t, vals := v.Content[i], v.Content[i+1]
		name := kind.String() + ":" + t.Value
		if t.Kind != yaml.ScalarNode || t.Tag == "!!null" {
			p.errorf(t.Line, "knob %s: a loop's name must be a string (KERNEL.LOOP), not %s", kind, yamlx.Describe(t))
			continue
		}
		if err := checkTarget(t.Value); err != nil {
			p.errorf(t.Line, "knob %s: %v", name, err)
			continue
		}
		if line, dup := seen[t.Value]; dup {
			p.errorf(t.Line, "knob %s given twice (first at line %d)", name, line)
			continue
		}
		seen[t.Value] = t.Line
		p.knob(Knob{Kind: kind, Target: t.Value, Name: name, Line: t.Line}, vals)
	}
}

// checkTarget refuses a loop knob's key that is not KERNEL.LOOP.
func checkTarget(t string) error {
	kernel, lp, ok := strings.Cut(t, ".")
	switch {
	case !ok || kernel == "" || lp == "":
		return fmt.Errorf("%q is not KERNEL.LOOP (KERNEL.BUFFER for copy and partition)", t)
	case strings.ContainsAny(t, ",= \t\r\n\""):
		return fmt.Errorf("%q has a ',', an '=', a space or a '\"'", t)
	}
	return nil
}

// knob reads k's values from v and adds k to the space.
func (p *parser) knob(k Knob, v *yaml.Node) {
	raws, err := rawValues(v)
	if err != nil {
		p.errorf(v.Line, "knob %s: %v", k.Name, err)
		return
	}
	lines := make(map[string]int, len(raws))
	k.Values = make([]Value, 0, len(raws))
	bad := false
	for _, r := range raws {
		if len(p.errs) > maxErrors {
			return
		}
		val, err := parseValue(p.name, &k, r)
		if err != nil {
			p.errorf(r.line, "knob %s: value %s: %v", k.Name, quoteKey(r.text), err)
			bad = true
			continue
		}
		if line, dup := lines[val.Text]; dup {
			p.errorf(r.line, "knob %s: value %s given twice (as %s, first at line %d)", k.Name, quoteKey(r.text), quoteKey(val.Text), line)
			bad = true
			continue
		}
		lines[val.Text] = r.line
		k.Values = append(k.Values, val)
	}
	if !bad {
		p.space.Knobs = append(p.space.Knobs, k)
	}
}
