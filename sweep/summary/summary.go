// Package summary reads a sweep's results file and writes what an
// architect looks at: the Pareto front over the objectives they name
// (pareto.jsonl), plots of the designs and the front (latency against
// area coloured by precision, energy against accuracy loss; PNG and
// SVG), and a README.md with the front as a table. It streams the results
// (the front is kept incrementally: memory is the front's size, whatever
// the number of designs), so it works the same on a finished, a resumed
// and a merged sweep.
package summary

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/sweep"
)

// An Objective is a figure every design is scored on, minimised.
type Objective struct {
	Name string
	Doc  string
	of   func(f *figures) (float64, bool)
}

// Objectives are the objectives a front can be built over, by name.
var Objectives = []Objective{
	{"latency", "latency per inference, µs", func(f *figures) (float64, bool) { return f.LatencyUS, true }},
	{"area", "LUT + DSP on an FPGA, µm² on an ASIC (the two are separate fronts)", area},
	{"energy", "energy per inference, µJ", func(f *figures) (float64, bool) { return f.EnergyUJ, true }},
	{"accuracy", "accuracy loss: relative RMSE against fp32", func(f *figures) (float64, bool) {
		if f.Accuracy == nil {
			return 0, false
		}
		return f.Accuracy.RelRMSE, true
	}},
	{"power", "power, W", func(f *figures) (float64, bool) { return f.PowerW, true }},
	{"cycles", "cycles per inference", func(f *figures) (float64, bool) { return float64(f.Cycles), true }},
	{"lut", "LUTs (FPGA)", func(f *figures) (float64, bool) { return fpga(f.Resources.LUT) }},
	{"dsp", "DSP slices (FPGA)", func(f *figures) (float64, bool) { return fpga(f.Resources.DSP) }},
	{"bram", "36 Kb block RAMs (FPGA)", func(f *figures) (float64, bool) { return fpga(f.Resources.BRAM) }},
}

// DefaultObjectives is the front kiln sweep builds unless told otherwise.
var DefaultObjectives = []string{"latency", "area", "energy", "accuracy"}

func area(f *figures) (float64, bool) {
	r := f.Resources
	if r.AreaUM2 != nil {
		return *r.AreaUM2, true
	}
	if r.LUT == nil || r.DSP == nil {
		return 0, false
	}
	return float64(*r.LUT + *r.DSP), true
}

func fpga(n *int) (float64, bool) {
	if n == nil {
		return 0, false
	}
	return float64(*n), true
}

// LookupObjectives resolves names (empty: DefaultObjectives).
func LookupObjectives(names []string) ([]Objective, error) {
	if len(names) == 0 {
		names = DefaultObjectives
	}
	var out []Objective
	for _, n := range names {
		i := slices.IndexFunc(Objectives, func(o Objective) bool { return o.Name == n })
		if i < 0 {
			var known []string
			for _, o := range Objectives {
				known = append(known, o.Name)
			}
			return nil, fmt.Errorf("summary: unknown objective %q (known: %s)", n, strings.Join(known, ", "))
		}
		if slices.ContainsFunc(out, func(o Objective) bool { return o.Name == n }) {
			return nil, fmt.Errorf("summary: objective %q named twice", n)
		}
		out = append(out, Objectives[i])
	}
	return out, nil
}

// figures is the part of a result line's figures the summary reads
// (sweep/eval.Figures as written).
type figures struct {
	Cycles    int64   `json:"cycles"`
	LatencyUS float64 `json:"latency_us"`
	PowerW    float64 `json:"power_w"`
	EnergyUJ  float64 `json:"energy_uj"`
	Feasible  bool    `json:"feasible"`
	Resources struct {
		LUT     *int     `json:"lut"`
		FF      *int     `json:"ff"`
		DSP     *int     `json:"dsp"`
		BRAM    *int     `json:"bram"`
		AreaUM2 *float64 `json:"area_um2"`
	} `json:"resources"`
	Accuracy *struct {
		RelRMSE float64 `json:"rel_rmse"`
	} `json:"accuracy"`
}

// Design is one design as the summary keeps it.
type Design struct {
	Index     uint64          `json:"index"`
	Key       string          `json:"key"`
	Front     string          `json:"front"` // fpga or asic
	Knobs     json.RawMessage `json:"knobs"`
	Objective []float64       `json:"objectives"` // in the summary's objective order
	Precision string          `json:"-"`
	Device    string          `json:"-"`
	LatencyUS float64         `json:"-"`
	Area      float64         `json:"-"`
	EnergyUJ  float64         `json:"-"`
	RelRMSE   float64         `json:"-"`
	Accuracy  bool            `json:"-"` // RelRMSE is known
}

// Summary is what a results file holds: counts, the fronts, and a
// thinned cloud of all feasible designs for the plots.
type Summary struct {
	Header     sweep.Header
	Objectives []Objective
	Designs    uint64 // result lines read
	Failed     uint64 // lines with an error (the tool chain refused the design)
	Infeasible uint64 // designs larger than their device
	Fronts     map[string]*sweep.Front[Design]
	cloud      map[string]*cloud
}

// Read streams the results file at path into a Summary over objectives.
func Read(path string, objectives []Objective) (*Summary, error) {
	s := &Summary{Objectives: objectives, Fronts: map[string]*sweep.Front[Design]{}, cloud: map[string]*cloud{}}
	names := make([]string, len(objectives))
	for i, o := range objectives {
		names[i] = o.Name
	}
	h, err := sweep.ReadResults(path, func(l *sweep.Line) error {
		s.Designs++
		if l.Error != "" {
			s.Failed++
			return nil
		}
		var f figures
		if err := json.Unmarshal(l.Figures, &f); err != nil {
			return fmt.Errorf("summary: %s: design %d: %w", path, l.Index, err)
		}
		if !f.Feasible {
			s.Infeasible++
			return nil
		}
		d, ok := s.design(l, &f)
		if !ok {
			return nil
		}
		fr := s.Fronts[d.Front]
		if fr == nil {
			fr = sweep.NewFront[Design](names...)
			s.Fronts[d.Front] = fr
		}
		fr.Add(sweep.Point[Design]{Values: d.Objective, Item: d})
		c := s.cloud[d.Front]
		if c == nil {
			c = newCloud()
			s.cloud[d.Front] = c
		}
		c.add(d)
		return nil
	})
	s.Header = h
	return s, err
}

// design is line l as kept, or false when an objective has no value for
// it (accuracy without a bench).
func (s *Summary) design(l *sweep.Line, f *figures) (Design, bool) {
	d := Design{Index: l.Index, Key: l.Key, Knobs: slices.Clone(l.Knobs), Front: "fpga",
		LatencyUS: f.LatencyUS, EnergyUJ: f.EnergyUJ}
	if f.Resources.AreaUM2 != nil {
		d.Front = "asic"
	}
	d.Area, _ = area(f)
	if f.Accuracy != nil {
		d.RelRMSE, d.Accuracy = f.Accuracy.RelRMSE, true
	}
	var knobs struct {
		Precision string `json:"precision"`
		Device    string `json:"device"`
	}
	_ = json.Unmarshal(l.Knobs, &knobs) // knobs the space lacks stay empty
	d.Precision, d.Device = knobs.Precision, knobs.Device
	d.Objective = make([]float64, len(s.Objectives))
	for i, o := range s.Objectives {
		v, ok := o.of(f)
		if !ok || math.IsNaN(v) {
			return d, false
		}
		d.Objective[i] = v
	}
	return d, true
}

// Front is the named front's designs (fpga, asic), by index.
func (s *Summary) Front(name string) []Design {
	fr := s.Fronts[name]
	if fr == nil {
		return nil
	}
	var out []Design
	for _, p := range fr.Points() {
		out = append(out, p.Item)
	}
	slices.SortFunc(out, func(a, b Design) int {
		switch {
		case a.Index < b.Index:
			return -1
		case a.Index > b.Index:
			return 1
		}
		return 0
	})
	return out
}

// FrontNames are the fronts there are, fpga before asic.
func (s *Summary) FrontNames() []string {
	var out []string
	for _, n := range []string{"fpga", "asic"} {
		if s.Fronts[n] != nil {
			out = append(out, n)
		}
	}
	return out
}
