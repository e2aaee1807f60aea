package sweep

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Objective is a quantity a Front minimises, read from a results line's
// figures: a sum of numeric fields named by dotted paths
// ("resources.lut+resources.dsp"), with alternatives tried in order where
// a field is missing ("resources.lut+resources.dsp|resources.area_um2":
// FPGA and ASIC designs on one front), and a leading '-' to maximise
// ("-throughput_inf_s").
type Objective struct {
	Name   string       // as written
	alts   [][][]string // alternatives → terms → path
	negate bool
}

// ParseObjectives reads a comma-separated list of objectives.
func ParseObjectives(text string) ([]Objective, error) {
	var out []Objective
	seen := map[string]bool{}
	for item := range strings.SplitSeq(text, ",") {
		item = strings.TrimSpace(item)
		o := Objective{Name: item}
		body, neg := strings.CutPrefix(item, "-")
		o.negate = neg
		for alt := range strings.SplitSeq(body, "|") {
			var terms [][]string
			for term := range strings.SplitSeq(alt, "+") {
				path := strings.Split(strings.TrimSpace(term), ".")
				for _, p := range path {
					if p == "" {
						return nil, fmt.Errorf("sweep: objective %q: want FIELD[.FIELD…][+…][|…], with a leading - to maximise", item)
					}
				}
				terms = append(terms, path)
			}
			o.alts = append(o.alts, terms)
		}
		if seen[item] {
			return nil, fmt.Errorf("sweep: objective %q given twice", item)
		}
		seen[item] = true
		out = append(out, o)
	}
	return out, nil
}

// Names are the objectives' names, for NewFront.
func Names(objs []Objective) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.Name
	}
	return out
}

// Values reads every objective from figures (a JSON object).
func Values(objs []Objective, figures json.RawMessage) ([]float64, error) {
	var m map[string]any
	if err := json.Unmarshal(figures, &m); err != nil {
		return nil, fmt.Errorf("sweep: figures: %w", err)
	}
	out := make([]float64, len(objs))
	for i, o := range objs {
		v, err := o.Value(m)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// Value is o's value in figures (a decoded JSON object).
func (o Objective) Value(figures map[string]any) (float64, error) {
	var missing string
	for _, terms := range o.alts {
		sum, ok := 0.0, true
		for _, path := range terms {
			x, found := field(figures, path)
			if !found {
				missing, ok = strings.Join(path, "."), false
				break
			}
			sum += x
		}
		if ok {
			if o.negate {
				sum = -sum
			}
			return sum, nil
		}
	}
	return math.NaN(), fmt.Errorf("sweep: objective %s: the figures have no number %s", o.Name, missing)
}

// field is the number at path in m.
func field(m map[string]any, path []string) (float64, bool) {
	var v any = m
	for _, p := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return 0, false
		}
		if v, ok = obj[p]; !ok {
			return 0, false
		}
	}
	x, ok := v.(float64)
	return x, ok
}
