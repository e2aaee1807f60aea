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
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/sweep"
)

// An Objective is a figure every design is scored on, minimised: one of
// Objectives by name, or a path into the figures as sweep.ParseObjectives
// reads it ("resources.bram", "-throughput_inf_s").
type Objective struct {
	Name string
	Doc  string
	of   func(f *figures) (float64, bool)
	path *sweep.Objective
}

// Objectives are the objectives a front can be built over, by name.
var Objectives = []Objective{
	named("latency", "latency per inference, µs", func(f *figures) (float64, bool) { return f.LatencyUS, true }),
	named("area", "LUT + DSP on an FPGA, µm² on an ASIC (the two are separate fronts)", area),
	named("energy", "energy per inference, µJ", func(f *figures) (float64, bool) { return f.EnergyUJ, true }),
	named("accuracy", "accuracy loss: relative RMSE against fp32", func(f *figures) (float64, bool) {
		if f.Accuracy == nil {
			return 0, false
		}
		return f.Accuracy.RelRMSE, true
	}),
	named("power", "power, W", func(f *figures) (float64, bool) { return f.PowerW, true }),
	named("cycles", "cycles per inference", func(f *figures) (float64, bool) { return float64(f.Cycles), true }),
	named("lut", "LUTs (FPGA)", func(f *figures) (float64, bool) { return fpga(f.Resources.LUT) }),
	named("dsp", "DSP slices (FPGA)", func(f *figures) (float64, bool) { return fpga(f.Resources.DSP) }),
	named("bram", "36 Kb block RAMs (FPGA)", func(f *figures) (float64, bool) { return fpga(f.Resources.BRAM) }),
}

// named is an objective of the list above.
func named(name, doc string, of func(f *figures) (float64, bool)) Objective {
	return Objective{Name: name, Doc: doc, of: of}
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

// LookupObjectives resolves names (empty: DefaultObjectives): a name of
// Objectives, or a path into a result line's figures (a name with a dot,
// a '+', a '|' or a leading '-', as sweep.ParseObjectives reads it).
func LookupObjectives(names []string) ([]Objective, error) {
	if len(names) == 0 {
		names = DefaultObjectives
	}
	var out []Objective
	for _, n := range names {
		o, err := lookup(n)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(o Objective) bool { return o.Name == n }) {
			return nil, fmt.Errorf("summary: objective %q named twice", n)
		}
		out = append(out, o)
	}
	return out, nil
}

func lookup(n string) (Objective, error) {
	if i := slices.IndexFunc(Objectives, func(o Objective) bool { return o.Name == n }); i >= 0 {
		return Objectives[i], nil
	}
	if strings.ContainsAny(n, ".+|") || strings.HasPrefix(n, "-") {
		ps, err := sweep.ParseObjectives(n)
		if err == nil && len(ps) == 1 {
			return Objective{Name: n, Doc: "the figures' " + n, path: &ps[0]}, nil
		}
		if err != nil {
			return Objective{}, fmt.Errorf("summary: %w", err)
		}
	}
	var known []string
	for _, o := range Objectives {
		known = append(known, o.Name)
	}
	return Objective{}, fmt.Errorf("summary: unknown objective %q (known: %s; or a path into the figures: resources.bram, -throughput_inf_s)", n, strings.Join(known, ", "))
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
	Unscored   uint64 // feasible designs an objective has no value for (accuracy without data)
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
			s.Unscored++
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
	var m map[string]any // the figures decoded whole, for path objectives
	for i, o := range s.Objectives {
		var v float64
		ok := true
		if o.path != nil {
			if m == nil && json.Unmarshal(l.Figures, &m) != nil {
				return d, false
			}
			var err error
			v, err = o.path.Value(m)
			ok = err == nil
		} else {
			v, ok = o.of(f)
		}
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
	slices.SortFunc(out, func(a, b Design) int { return cmp.Compare(a.Index, b.Index) })
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
