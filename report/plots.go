package report

import (
	"fmt"
	"image/color"
	"math"

	"github.com/kiln-hls/kiln/internal/plotkit"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// latencyEnergy plots one model's designs and GPU runs: time per
// inference against energy per inference, log-log; colour is the
// platform, shape the precision.
func (r *Report) latencyEnergy(model string) (*plot.Plot, error) {
	p := plotkit.New(model+": time vs energy per inference (one marker per design or GPU run)",
		"time per inference (µs; GPU: batch latency ÷ batch)", "energy per inference (µJ)")
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	// The legend sits top right, above the points: GPUs lie top left,
	// the designs bottom right.
	p.Legend.Top = true
	p.Legend.YOffs = -vg.Points(4)
	var platforms []string
	var precs []string
	add := func(platform, prec string, x, y float64) error {
		pi, si := index(&platforms, platform), index(&precs, prec)
		s, err := plotter.NewScatter(plotter.XYs{{X: x, Y: y}})
		if err != nil {
			return err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: plotkit.Color(pi), Radius: vg.Points(4), Shape: plotkit.Shape(si)}
		p.Add(s)
		return nil
	}
	for _, d := range r.Designs {
		if d.Model == model {
			if err := add(fmt.Sprintf("%s @ %g ns", d.Target.Device, d.Target.ClockNS), d.Precision, d.Sim.LatencyUS, d.Sim.EnergyUJ); err != nil {
				return nil, err
			}
		}
	}
	for _, g := range r.GPUs {
		if g.Model == model {
			if err := add(fmt.Sprintf("%s, batch %d", g.GPU, g.Batch), g.Precision, g.PerInferenceUS, g.EnergyUJ); err != nil {
				return nil, err
			}
		}
	}
	xmin, xmax, ymin, ymax := dataRange(r, model)
	p.X.Min, p.X.Max = xmin/2, xmax*2
	p.Y.Min, p.Y.Max = ymin/2, ymax*math.Pow(10, 2.5) // head room for the legend
	for i, name := range platforms {
		p.Legend.Add(name, plotkit.GlyphKey{Color: plotkit.Color(i), Radius: vg.Points(4), Shape: draw.CircleGlyph{}})
	}
	for i, name := range precs {
		p.Legend.Add(name, plotkit.GlyphKey{Color: color.Black, Radius: vg.Points(4), Shape: plotkit.Shape(i)})
	}
	return p, nil
}

// dataRange is the extent of one model's points in latencyEnergy.
func dataRange(r *Report, model string) (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	see := func(x, y float64) {
		xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
		ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
	}
	for _, d := range r.Designs {
		if d.Model == model {
			see(d.Sim.LatencyUS, d.Sim.EnergyUJ)
		}
	}
	for _, g := range r.GPUs {
		if g.Model == model {
			see(g.PerInferenceUS, g.EnergyUJ)
		}
	}
	return xmin, xmax, ymin, ymax
}

// index is s's position in *list, appending it when new.
func index(list *[]string, s string) int {
	for i, x := range *list {
		if x == s {
			return i
		}
	}
	*list = append(*list, s)
	return len(*list) - 1
}

// speedUps plots every design's speed-up against one GPU at one batch
// (log10 bars: up is faster than the GPU), grouped by model and target,
// one bar per precision.
func (r *Report) speedUps(gpuName string, batch int) (*plot.Plot, error) {
	p := plotkit.New(fmt.Sprintf("speed-up against %s at batch %d (GPU at the matching precision)", gpuName, batch),
		"model / target", "speed-up (×, log scale; above 1: design faster)")
	p.Y.Tick.Marker = plotkit.Log10Ticks{}
	p.Legend.Top = true
	p.Legend.YOffs = -vg.Points(4)
	var groups []string
	for _, d := range r.Designs {
		index(&groups, d.Model+" / "+d.Target.Device)
	}
	n := len(r.Config.Precisions)
	lo, hi := 0.0, 0.0
	w := vg.Points(math.Min(60/float64(n), 18))
	for i, prec := range r.Config.Precisions {
		vals := make(plotter.Values, len(groups))
		for _, d := range r.Designs {
			if d.Precision != prec {
				continue
			}
			g, ok := r.GPU(d.Model, gpuName, batch, GPUPrecision(prec))
			if !ok {
				continue
			}
			v := math.Log10(Compare(d, g).SpeedUp)
			vals[index(&groups, d.Model+" / "+d.Target.Device)] = v
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, err
		}
		bars.Color = plotkit.Color(i)
		bars.LineStyle.Width = 0
		bars.Offset = w * vg.Length(float64(i)-float64(n-1)/2)
		p.Add(bars)
		p.Legend.Add(prec, bars)
	}
	p.Add(plotter.NewFunction(func(float64) float64 { return 0 }))
	p.Y.Min, p.Y.Max = math.Floor(lo)-0.2, math.Ceil(hi)+2 // head room for the legend
	p.NominalX(groups...)
	p.X.Tick.Label.Rotation = math.Pi / 8
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	return p, nil
}

// layerShares plots the share of cycles of each kernel of a model's
// chosen design.
func (r *Report) layerShares(model string) (*plot.Plot, bool, error) {
	d, ok := r.Chosen(model)
	if !ok {
		return nil, false, nil
	}
	s := d.Sim
	p := plotkit.New(fmt.Sprintf("%s: cycles per kernel, %s on %s (%d cycles in all)", model, d.Precision, d.Target.Device, s.Cycles),
		"kernel (in call order)", "share of the design's cycles (%)")
	vals := make(plotter.Values, len(s.Layers))
	names := make([]string, len(s.Layers))
	for i, l := range s.Layers {
		vals[i], names[i] = share(l.Cycles, s.Cycles), l.Kernel
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(math.Min(400/float64(max(len(vals), 1)), 30)))
	if err != nil {
		return nil, false, err
	}
	bars.Color = plotkit.Color(0)
	bars.LineStyle.Width = 0
	p.Add(bars)
	// Each bar's share written above it (shares under 0.1% are left bare).
	var xys plotter.XYs
	var texts []string
	for i, v := range vals {
		if v >= 0.1 {
			xys = append(xys, plotter.XY{X: float64(i), Y: v})
			texts = append(texts, fmt.Sprintf("%.1f%%", v))
		}
	}
	if len(xys) > 0 {
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
		if err != nil {
			return nil, false, err
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i].Font = plotkit.Font(9)
			labels.TextStyle[i].XAlign = draw.XCenter
		}
		labels.Offset = vg.Point{Y: vg.Points(3)}
		p.Add(labels)
	}
	p.NominalX(names...)
	p.Y.Min, p.Y.Max = 0, 105
	if len(names) > 6 {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	return p, true, nil
}

// plots renders every plot into files and returns their names (without
// extension) in the report's order.
func (r *Report) plots(files map[string][]byte) ([]string, error) {
	var names []string
	emit := func(p *plot.Plot, name string) error {
		names = append(names, name)
		return plotkit.Render(p, name, files)
	}
	for _, m := range r.Config.Models {
		p, err := r.latencyEnergy(m)
		if err == nil {
			err = emit(p, "latency_energy_"+m)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, g := range r.Config.GPUs {
		for _, b := range r.Config.Batches {
			p, err := r.speedUps(g, b)
			if err == nil {
				err = emit(p, fmt.Sprintf("speedup_%s_batch%d", g, b))
			}
			if err != nil {
				return nil, err
			}
		}
	}
	for _, m := range r.Config.Models {
		p, ok, err := r.layerShares(m)
		if err == nil && ok {
			err = emit(p, "layers_"+m)
		}
		if err != nil {
			return nil, err
		}
	}
	return names, nil
}

// Files is the report as files: report.md and each plot as PNG and SVG,
// by name relative to the report's folder.
func (r *Report) Files() (map[string][]byte, error) {
	files := map[string][]byte{}
	names, err := r.plots(files)
	if err != nil {
		return nil, err
	}
	files["report.md"] = []byte(r.markdown(names))
	return files, nil
}
