package summary

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/kiln-hls/kiln/internal/plotkit"
)

// TableRows is how many front designs README.md lists per front (the
// fastest first); pareto.jsonl has them all.
const TableRows = 40

// Files are the summary's files by name: pareto.jsonl, README.md and the
// plots. command is the sweep's command line, for the README.
func (s *Summary) Files(command string) (map[string][]byte, error) {
	files := map[string][]byte{"pareto.jsonl": s.paretoJSONL()}
	var plots []string
	for _, name := range s.FrontNames() {
		for _, pl := range []struct {
			file string
			make func(string) (*plot.Plot, error)
		}{{"latency_area_" + name, s.latencyArea}, {"energy_accuracy_" + name, s.energyAccuracy}} {
			p, err := pl.make(name)
			if err != nil {
				return nil, err
			}
			if p == nil {
				continue
			}
			if err := plotkit.Render(p, pl.file, files); err != nil {
				return nil, err
			}
			plots = append(plots, pl.file)
		}
	}
	files["README.md"] = []byte(s.readme(command, plots))
	return files, nil
}

// paretoJSONL is one line per front design: front, index, key, knobs and
// the objectives by name; fronts in FrontNames' order, designs by index.
func (s *Summary) paretoJSONL() []byte {
	var b bytes.Buffer
	for _, name := range s.FrontNames() {
		for _, d := range s.Front(name) {
			obj := make([]string, len(s.Objectives))
			for i, o := range s.Objectives {
				obj[i] = strconv.Quote(o.Name) + ":" + strconv.FormatFloat(d.Objective[i], 'g', -1, 64)
			}
			key, _ := json.Marshal(d.Key)
			fmt.Fprintf(&b, `{"front":%q,"index":%d,"key":%s,"knobs":%s,"objectives":{%s}}`+"\n",
				name, d.Index, key, d.Knobs, strings.Join(obj, ","))
		}
	}
	return b.Bytes()
}

// precisions are the precisions of the designs drawn, in order of first
// appearance by index (a stable colour per precision).
func precisions(groups ...[]Design) []string {
	var all []Design
	for _, g := range groups {
		all = append(all, g...)
	}
	slices.SortFunc(all, func(a, b Design) int { return cmp.Compare(a.Index, b.Index) })
	var out []string
	for _, d := range all {
		if !slices.Contains(out, d.Precision) {
			out = append(out, d.Precision)
		}
	}
	return out
}

// scatter draws the designs as xy (log10 both), small for the cloud and
// large rings for the front, coloured by precision.
func scatter(title, x, y string, cloud, front []Design, xy func(Design) (float64, float64)) (*plot.Plot, error) {
	p := plotkit.New(title, x, y)
	p.X.Tick.Marker, p.Y.Tick.Marker = plotkit.Log10Ticks{}, plotkit.Log10Ticks{}
	precs := precisions(cloud, front)
	for _, layer := range []struct {
		ds     []Design
		radius vg.Length
		shape  draw.GlyphDrawer
	}{{cloud, 1.5, draw.CircleGlyph{}}, {front, 4, draw.RingGlyph{}}} {
		for pi, prec := range precs {
			var pts plotter.XYs
			for _, d := range layer.ds {
				if d.Precision != prec {
					continue
				}
				a, b := xy(d)
				pts = append(pts, plotter.XY{X: math.Log10(a), Y: math.Log10(b)})
			}
			if len(pts) == 0 {
				continue
			}
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: plotkit.Color(pi), Radius: vg.Points(float64(layer.radius)), Shape: layer.shape}
			p.Add(sc)
		}
	}
	for pi, prec := range precs {
		name := prec
		if name == "" {
			name = "(one precision)"
		}
		p.Legend.Add(name, plotkit.GlyphKey{Color: plotkit.Color(pi), Radius: vg.Points(4), Shape: draw.CircleGlyph{}})
	}
	p.Legend.Add("on the Pareto front", plotkit.GlyphKey{Color: plotkit.Color(0), Radius: vg.Points(4), Shape: draw.RingGlyph{}})
	p.Legend.Top = true
	return p, nil
}

func (s *Summary) latencyArea(name string) (*plot.Plot, error) {
	unit := "LUT + DSP"
	if name == "asic" {
		unit = "area µm²"
	}
	return scatter(fmt.Sprintf("%s designs: latency vs %s (dots: a sample of all feasible designs; rings: the front)", strings.ToUpper(name), unit),
		"latency per inference (µs)", unit, s.cloud[name].designs(), s.Front(name),
		func(d Design) (float64, float64) { return d.LatencyUS, d.Area })
}

// floorRMSE keeps fp32's near-zero error on a log axis.
const floorRMSE = 1e-9

func (s *Summary) energyAccuracy(name string) (*plot.Plot, error) {
	cl := s.cloud[name].designs()
	if !slices.ContainsFunc(cl, func(d Design) bool { return d.Accuracy }) {
		return nil, nil // no accuracy figures (no validation data)
	}
	keep := func(ds []Design) []Design {
		return slices.DeleteFunc(slices.Clone(ds), func(d Design) bool { return !d.Accuracy })
	}
	return scatter(fmt.Sprintf("%s designs: energy vs accuracy loss (relative RMSE against fp32, floored at %g)", strings.ToUpper(name), floorRMSE),
		"relative RMSE", "energy per inference (µJ)", keep(cl), keep(s.Front(name)),
		func(d Design) (float64, float64) { return max(d.RelRMSE, floorRMSE), d.EnergyUJ })
}

// readme is DIR/README.md: what was swept, the counts, the fronts.
func (s *Summary) readme(command string, plots []string) string {
	var b strings.Builder
	h := s.Header
	fmt.Fprintf(&b, "# kiln sweep: %s over %s\n\n", h.Model, h.Space)
	if command != "" {
		fmt.Fprintf(&b, "Command: `%s`\n\n", command)
	}
	fmt.Fprintf(&b, "All figures are kiln's **model estimates** (the schedule model of Bambu, `kiln sim`), not synthesis results. ")
	fmt.Fprintf(&b, "Space %s: %d designs (%s). Results read: %d; the tool chain refused %d (their lines carry the error); %d exceed their device; %d lack an objective's figure; the rest are candidates.\n\n",
		h.Space, h.Designs, h.Digest, s.Designs, s.Failed, s.Infeasible, s.Unscored)
	var names []string
	for _, o := range s.Objectives {
		names = append(names, fmt.Sprintf("%s (%s)", o.Name, o.Doc))
	}
	fmt.Fprintf(&b, "Pareto front, every objective minimised: %s. FPGA and ASIC designs form separate fronts (their areas are in different units). `pareto.jsonl` lists every front design.\n\n", strings.Join(names, "; "))
	for _, name := range s.FrontNames() {
		front := s.Front(name)
		slices.SortStableFunc(front, func(a, c Design) int {
			return cmp.Or(cmp.Compare(a.LatencyUS, c.LatencyUS), cmp.Compare(a.Index, c.Index))
		})
		fmt.Fprintf(&b, "## %s front: %d designs\n\n", strings.ToUpper(name), len(front))
		unit := "LUT+DSP"
		if name == "asic" {
			unit = "area µm²"
		}
		fmt.Fprintf(&b, "| # | design | latency µs | %s | energy µJ | rel. RMSE |\n|---:|---|---:|---:|---:|---:|\n", unit)
		for i, d := range front {
			if i == TableRows {
				fmt.Fprintf(&b, "\n%d more in pareto.jsonl.\n", len(front)-TableRows)
				break
			}
			acc := "–"
			if d.Accuracy {
				acc = num(d.RelRMSE)
			}
			fmt.Fprintf(&b, "| %d | `%s` | %s | %s | %s | %s |\n", d.Index, d.Key, num(d.LatencyUS), num(d.Area), num(d.EnergyUJ), acc)
		}
		b.WriteString("\n")
	}
	if len(plots) > 0 {
		b.WriteString("## Plots\n\n")
		for _, p := range plots {
			fmt.Fprintf(&b, "![%s](%s.png) ([SVG](%s.svg))\n\n", p, p, p)
		}
	}
	return b.String()
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
