package sweep

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kiln-hls/kiln/internal/yamlx"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/passes/place"
	"github.com/kiln-hls/kiln/targets"
)

// Limits on values, against a typo that asks for a billion designs.
const (
	maxRange    = 1 << 16 // values one range may give
	maxClockNS  = 1e6     // a clock period (1 ms)
	maxChannels = 1024
	maxBatch    = 1 << 20
)

// raw is one value as written: its text and line.
type raw struct {
	text string
	line int
}

// rawValues reads a knob's value node: a scalar, a list of scalars or a
// range.
func rawValues(v *yaml.Node) ([]raw, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return nil, errors.New("no value (want a value, a list or a range {from, to, step})")
		}
		return []raw{{v.Value, v.Line}}, nil
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			return nil, errors.New("an empty list")
		}
		out := make([]raw, 0, len(v.Content))
		for _, x := range v.Content {
			if x.Kind != yaml.ScalarNode || x.Tag == "!!null" {
				return nil, fmt.Errorf("line %d: a list holds values, not %s", x.Line, yamlx.Describe(x))
			}
			out = append(out, raw{x.Value, x.Line})
		}
		return out, nil
	case yaml.MappingNode:
		return rangeValues(v)
	}
	return nil, fmt.Errorf("want a value, a list or a range {from, to, step}, not %s", yamlx.Describe(v))
}

// rangeValues expands {from, to, step} or {from, to, times}.
func rangeValues(v *yaml.Node) ([]raw, error) {
	nums, err := rangeFields(v)
	if err != nil {
		return nil, err
	}
	from, okFrom := nums["from"]
	to, okTo := nums["to"]
	step, okStep := nums["step"]
	times, okTimes := nums["times"]
	switch {
	case !okFrom || !okTo:
		return nil, errors.New("a range needs from and to")
	case okStep && okTimes:
		return nil, errors.New("a range takes step or times, not both")
	case from > to:
		return nil, fmt.Errorf("empty range: from %v > to %v", from, to)
	case okTimes && (times <= 1 || from <= 0):
		return nil, fmt.Errorf("empty or endless range: times %v (want > 1) from %v (want > 0)", times, from)
	case okStep && step <= 0:
		return nil, fmt.Errorf("endless range: step %v (want > 0)", step)
	case !okStep:
		step = 1
	}
	var out []raw
	limit := to + math.Abs(to)*1e-9
	for n := 0; ; n++ {
		x := from + float64(n)*step
		if okTimes {
			x = from * math.Pow(times, float64(n))
		}
		if x > limit {
			return out, nil
		}
		if len(out) == maxRange {
			return nil, fmt.Errorf("the range gives more than %d values", maxRange)
		}
		out = append(out, raw{formatNum(x), v.Line})
	}
}

// rangeFields reads a range's keys: from, to, step, times, each a finite
// number, once.
func rangeFields(v *yaml.Node) (map[string]float64, error) {
	nums := map[string]float64{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, x := v.Content[i], v.Content[i+1]
		switch k.Value {
		case "from", "to", "step", "times":
		default:
			return nil, fmt.Errorf("range key %q (want from, to and step or times)", k.Value)
		}
		if _, dup := nums[k.Value]; dup {
			return nil, fmt.Errorf("range key %s given twice", k.Value)
		}
		if x.Kind != yaml.ScalarNode || x.Tag == "!!null" {
			return nil, fmt.Errorf("range %s: want a number, not %s", k.Value, yamlx.Describe(x))
		}
		f, err := strconv.ParseFloat(x.Value, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("range %s: %q is not a finite number", k.Value, x.Value)
		}
		nums[k.Value] = f
	}
	return nums, nil
}

// formatNum prints x to 12 significant digits, without an exponent, so
// that 5+3·0.1 is 5.3.
func formatNum(x float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// parseValue checks one value of k and makes it canonical.
func parseValue(file string, k *Knob, r raw) (Value, error) {
	v := Value{Line: r.line}
	text := strings.TrimSpace(r.text)
	var err error
	switch k.Kind {
	case KindPrecision:
		v.Precision, err = passes.ParsePrecisionSpec(text)
		if err != nil && strings.Count(text, "<") > strings.Count(text, ">") {
			err = fmt.Errorf("%w (in a [a, b] list YAML splits fixed<16,6> at its comma: quote it)", err)
		}
		v.Text = v.Precision.String()
	case KindDevice:
		var d targets.Device
		d, err = targets.Lookup(text)
		v.Text = d.Name
	case KindClock:
		v.Num, err = number(text, 0, maxClockNS, false)
		v.Text = formatNum(v.Num)
	case KindChannels:
		v.Num, err = number(text, 1, maxChannels, true)
		v.Text = formatNum(v.Num)
	case KindBatch:
		v.Num, err = number(text, 1, maxBatch, true)
		v.Text = formatNum(v.Num)
	case KindPlacement:
		v.Text, err = placementPolicy(text)
	case KindPlace:
		v.Overrides, v.Text, err = overrides(text, fmt.Sprintf("%s:%d", file, r.line))
	default:
		v.Step, v.Text, err = loopStep(k, text, fmt.Sprintf("%s:%d", file, r.line))
	}
	return v, err
}

// Placements are the placement knob's values: passes/place's policies and
// none (no placement: every array on chip, as kiln sim --placement none).
var Placements = []string{string(place.Auto), string(place.OnChip), string(place.OffChipWeights), None}

// placementPolicy reads a placement value: a policy's word, any case.
func placementPolicy(text string) (string, error) {
	w := strings.ToLower(text)
	if w == None {
		return None, nil
	}
	if pol, err := place.ParsePolicy(w); err == nil && w != "" {
		return string(pol), nil
	}
	return "", fmt.Errorf("%q is not a placement (want %s)", text, strings.Join(Placements, ", "))
}

// overrides reads a place value: a comma-separated list of
// KERNEL.BUFFER=SPACE and BUFFER=SPACE (place.ParseOverrides), or none;
// its canonical text is the overrides' own, in the order written.
func overrides(text, source string) ([]place.Override, string, error) {
	if text == None {
		return nil, None, nil
	}
	ovs, err := place.ParseOverrides(text, source)
	if err != nil {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, source+": place: ") // the knob and the line say where
		return nil, "", errors.New(msg)
	}
	texts := make([]string, len(ovs))
	for i, o := range ovs {
		texts[i] = o.String()
	}
	return ovs, strings.Join(texts, ","), nil
}

// number reads a number in (lo, hi] (integer: [lo, hi] and whole).
func number(text string, lo, hi float64, integer bool) (float64, error) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number", text)
	}
	if integer && f != math.Trunc(f) {
		return 0, fmt.Errorf("%s is not an integer", text)
	}
	if f < lo || f > hi || !integer && f == lo {
		want := map[bool]string{true: "≤", false: "<"}[integer]
		return 0, fmt.Errorf("%s is out of range (want %v %s x ≤ %v)", text, lo, want, hi)
	}
	return f, nil
}

// loopStep reads one value of a loop knob as the step it adds (nil for
// none) and its canonical text.
func loopStep(k *Knob, text, source string) (*loops.Step, string, error) {
	if text == None || k.Kind == KindUnroll && text == "1" {
		return nil, None, nil
	}
	op := map[Kind]loops.Op{KindTile: loops.OpTile, KindInterchange: loops.OpInterchange,
		KindCopy: loops.OpCopy, KindUnroll: loops.OpUnroll, KindPartition: loops.OpPartition}[k.Kind]
	steps, err := loops.ParseSteps(op, k.Target+"="+text, source)
	if err != nil {
		msg := err.Error()
		if _, after, ok := strings.Cut(msg, "loops: "+op.String()+": "); ok {
			msg = after // the knob and the value say the rest
		}
		return nil, "", errors.New(msg)
	}
	if len(steps) != 1 || steps[0].Spec.Kernel+"."+steps[0].Spec.Loop != k.Target {
		return nil, "", fmt.Errorf("want one %s value for %s, not %q", k.Kind, k.Target, text)
	}
	s := steps[0]
	return &s, strings.Join(s.Spec.Values, ","), nil
}
