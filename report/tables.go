package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/kiln-hls/kiln/sim/gpu"
	"github.com/kiln-hls/kiln/targets"
)

// Budget is the largest relative RMSE against fp32 a precision may have
// for its design to be a model's chosen design (the per-layer breakdown):
// 1%, the budget kiln eval --precision auto's help gives as its example.
const Budget = 0.01

// num formats a table number: four significant digits.
func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 0):
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%.4g", v)
}

// markdown is report.md.
func (r *Report) markdown(plots []string) string {
	var b strings.Builder
	r.header(&b)
	r.summary(&b)
	r.designTable(&b)
	r.gpuTable(&b)
	for _, batch := range r.Config.Batches {
		r.compareTable(&b, batch)
	}
	r.accuracyTable(&b)
	r.layerTables(&b)
	b.WriteString("## Plots\n\n")
	for _, p := range plots {
		fmt.Fprintf(&b, "![%s](%s.png) ([SVG](%s.svg))\n\n", p, p, p)
	}
	return b.String()
}

func (r *Report) header(b *strings.Builder) {
	c := r.Config
	b.WriteString("# kiln report: the built-in models on FPGA and ASIC against GPUs\n\n")
	b.WriteString("All figures are **model estimates**, not measurements: the FPGA/ASIC designs come from kiln's schedule model of Bambu (`sim`, as `kiln sim` prints them), the GPUs from kiln's model of PyTorch's kernels (`sim/gpu`, as `kiln compare` prints them).\n\n")
	fmt.Fprintf(b, "- models: %s (built-in, one validation window per inference)\n", strings.Join(c.Models, ", "))
	for _, t := range c.Targets {
		fmt.Fprintf(b, "- target `%s` at %g ns (%g MHz): %s", t.Device, t.ClockNS, 1000/t.ClockNS, t.Why)
		b.WriteString(powerNote(t))
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "- precisions: %s; %d memory channels; kernels run one after another, so the interval between inferences is the latency\n", strings.Join(c.Precisions, ", "), c.Channels)
	b.WriteString("- memory placed as `kiln sim` and `kiln compile` place it by default (passes/place, auto): the model's inputs and outputs and what the device's block RAM does not hold are off chip, in the board's DDR or HBM, whose latency, bursts and bandwidth the estimate includes (an uncalibrated model)\n")
	fmt.Fprintf(b, "- GPUs: %s at batch %s (%d is the study's batch); each design precision is compared with the GPU running %s\n",
		strings.Join(c.GPUs, ", "), joinInts(c.Batches), StudyBatch, gpuPrecisions(c.Precisions))
	var ws []string
	for _, m := range c.Models {
		if w := c.Windows[m]; w > 0 {
			ws = append(ws, fmt.Sprintf("%s %d", m, w))
		} else {
			ws = append(ws, m+" all")
		}
	}
	fmt.Fprintf(b, "- accuracy: relative RMSE of the narrowed design's outputs against the fp32 reference evaluator (loop interpreter) on the first validation windows of each model (%s; the int8 designs are calibrated on the same windows)\n\n", strings.Join(ws, ", "))
}

// powerNote says what t's power figures include (kiln targets --sources
// says where each comes from).
func powerNote(t Target) string {
	d, err := targets.Lookup(t.Device)
	if err != nil {
		return ""
	}
	var s string
	if d.Activity != nil {
		s = "; power = the logic's activity power (per LUT/DSP or µm², times the clock) + the operations' energy"
	} else {
		s = "; power = the operations' energy only (no activity figure for this device)"
	}
	switch {
	case d.StaticPowerW == 0 && d.Kind == targets.ASIC && d.Activity != nil:
		s += " (its activity figure comes from a total power, leakage included)"
	case d.StaticPowerW == 0:
		s += ", **without static power: kiln's device tables have no sourced figure for it**"
	default:
		s += fmt.Sprintf(" + %g W static", d.StaticPowerW)
	}
	return s + " (`kiln targets --sources`)"
}

func gpuPrecisions(ps []string) string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s→%s", p, GPUPrecision(p)))
	}
	return strings.Join(out, ", ")
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, " and ")
}

// summary is each model's chosen design against every GPU and batch.
func (r *Report) summary(b *strings.Builder) {
	b.WriteString("## Summary: each model's chosen design\n\n")
	fmt.Fprintf(b, "The chosen design is the fastest feasible one whose precision keeps the relative RMSE within %g%% of fp32 (fp32 always qualifies). Speed-up and energy ratio: the GPU's time and energy per inference ÷ the design's, GPU at the matching precision; above 1 the design is better. The designs run their kernels one after another and Bambu does not pipeline loops, so one inference takes the sum of every loop iteration's states.\n\n", 100*Budget)
	b.WriteString("| model | design | latency µs | energy µJ |")
	sep := "|---|---|---:|---:|"
	for _, g := range r.Config.GPUs {
		for _, bt := range r.Config.Batches {
			fmt.Fprintf(b, " %s batch %d: speed-up, energy ratio |", g, bt)
			sep += "---|"
		}
	}
	b.WriteString("\n" + sep + "\n")
	for _, m := range r.Config.Models {
		d, ok := r.Chosen(m)
		if !ok {
			continue
		}
		fmt.Fprintf(b, "| %s | %s on %s | %s | %s |", m, d.Precision, d.Target.Device, num(d.Sim.LatencyUS), num(d.Sim.EnergyUJ))
		for _, name := range r.Config.GPUs {
			for _, bt := range r.Config.Batches {
				g, ok := r.GPU(m, name, bt, GPUPrecision(d.Precision))
				if !ok {
					b.WriteString(" – |")
					continue
				}
				q := Compare(d, g)
				fmt.Fprintf(b, " %s×, %s× |", num(q.SpeedUp), num(q.EnergyRatio))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func (r *Report) designTable(b *strings.Builder) {
	b.WriteString("## FPGA and ASIC designs (one inference)\n\n")
	b.WriteString("| model | target | precision | cycles | latency µs | energy µJ/inference | power W | resources | feasible |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---|---|\n")
	for _, d := range r.Designs {
		s := d.Sim
		feas := "yes"
		if !s.Feasible {
			feas = "**no**: " + strings.Join(s.Infeasible, "; ")
		}
		fmt.Fprintf(b, "| %s | %s | %s | %d | %s | %s | %s | %s | %s |\n", d.Model, d.Target.Device, d.Precision, s.Cycles,
			num(s.LatencyUS), num(s.EnergyUJ), num(s.PowerW), resources(d), feas)
	}
	b.WriteString("\n")
}

func resources(d Design) string {
	res := d.Sim.Resources
	if d.Kind == targets.ASIC {
		if res.MemoryBits > 0 { // its area is not in kiln's data (sim.Resources)
			return fmt.Sprintf("%s µm² + %s KiB of on-chip memory (not in the area)", num(res.AreaUM2), num(float64(res.MemoryBits)/8192))
		}
		return fmt.Sprintf("%s µm²", num(res.AreaUM2))
	}
	return fmt.Sprintf("LUT %d, FF %d, DSP %d, BRAM36 %d", res.LUT, res.FF, res.DSP, res.BRAM)
}

func (r *Report) gpuTable(b *strings.Builder) {
	b.WriteString("## GPUs (sim/gpu, PyTorch-style kernels, end to end with host transfers)\n\n")
	b.WriteString("| model | GPU | precision | batch | batch latency µs | µs/inference | energy µJ/inference | power W |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---:|\n")
	for _, g := range r.GPUs {
		fmt.Fprintf(b, "| %s | %s | %s | %d | %s | %s | %s | %s |\n", g.Model, g.GPU, g.Precision, g.Batch,
			num(g.BatchLatencyUS), num(g.PerInferenceUS), num(g.EnergyUJ), num(g.PowerW))
	}
	b.WriteString("\n")
}

// Ratios are a design against one GPU run: SpeedUp is the GPU's time per
// inference over the design's (at batch 1 the GPU's batch latency, at a
// larger batch its batch latency over the batch against the design's
// interval, a throughput ratio); EnergyRatio the GPU's energy per
// inference over the design's. Above 1 the design is better.
type Ratios struct{ SpeedUp, EnergyRatio float64 }

// Compare is d against g.
func Compare(d Design, g gpu.Result) Ratios {
	interval := float64(d.Sim.IntervalCycles) * d.Sim.ClockNS / 1000
	return Ratios{SpeedUp: g.PerInferenceUS / interval, EnergyRatio: g.EnergyUJ / d.Sim.EnergyUJ}
}

func (r *Report) compareTable(b *strings.Builder, batch int) {
	fmt.Fprintf(b, "## Speed-up and energy ratio against the GPUs at batch %d\n\n", batch)
	b.WriteString("GPU time per inference ÷ the design's, and GPU energy per inference ÷ the design's: above 1 the design is faster / uses less energy.\n\n")
	b.WriteString("| model | target | precision | GPU precision |")
	sep := "|---|---|---|---|"
	for _, g := range r.Config.GPUs {
		fmt.Fprintf(b, " speed-up vs %s | energy ratio vs %s |", g, g)
		sep += "---:|---:|"
	}
	b.WriteString("\n" + sep + "\n")
	for _, d := range r.Designs {
		gp := GPUPrecision(d.Precision)
		fmt.Fprintf(b, "| %s | %s | %s | %s |", d.Model, d.Target.Device, d.Precision, gp)
		for _, name := range r.Config.GPUs {
			g, ok := r.GPU(d.Model, name, batch, gp)
			if !ok {
				b.WriteString(" – | – |")
				continue
			}
			q := Compare(d, g)
			fmt.Fprintf(b, " %s | %s |", num(q.SpeedUp), num(q.EnergyRatio))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func (r *Report) accuracyTable(b *strings.Builder) {
	b.WriteString("## Accuracy loss per precision (against fp32)\n\n")
	b.WriteString("| model | precision | relative RMSE | RMSE | max abs error | windows | values compared |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|\n")
	for _, a := range r.Accuracy {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %d | %d |\n", a.Model, a.Precision, num(a.RelRMSE), num(a.RMSE), num(a.MaxAbs), a.Windows, a.Compared)
	}
	b.WriteString("\n")
}

// accuracyOf is the relative RMSE of model at precision, NaN if unknown.
func (r *Report) accuracyOf(model, precision string) float64 {
	for _, a := range r.Accuracy {
		if a.Model == model && a.Precision == precision {
			return a.RelRMSE
		}
	}
	return math.NaN()
}

// Chosen is model's chosen design: the lowest-latency feasible design
// whose precision keeps the relative RMSE within Budget (fp32 always
// does); if no design is feasible, the lowest-latency one.
func (r *Report) Chosen(model string) (Design, bool) {
	var best Design
	found, bestFeasible := false, false
	for _, d := range r.Designs {
		if d.Model != model {
			continue
		}
		if d.Precision != "fp32" && !(r.accuracyOf(model, d.Precision) <= Budget) {
			continue
		}
		better := !found || (d.Sim.Feasible && !bestFeasible) ||
			(d.Sim.Feasible == bestFeasible && d.Sim.LatencyUS < best.Sim.LatencyUS)
		if better {
			best, found, bestFeasible = d, true, d.Sim.Feasible
		}
	}
	return best, found
}

func (r *Report) layerTables(b *strings.Builder) {
	b.WriteString("## Per-layer breakdown of each model's chosen design\n\n")
	for _, m := range r.Config.Models {
		d, ok := r.Chosen(m)
		if !ok {
			continue
		}
		s := d.Sim
		fmt.Fprintf(b, "### %s: %s on %s at %g ns (%d cycles, %s µs)\n\n", m, d.Precision, d.Target.Device, d.Target.ClockNS, s.Cycles, num(s.LatencyUS))
		b.WriteString("| kernel | nodes | cycles | share | latency µs | energy µJ |\n|---|---|---:|---:|---:|---:|\n")
		for _, l := range s.Layers {
			fmt.Fprintf(b, "| %s | %s | %d | %s%% | %s | %s |\n", l.Kernel, strings.Join(l.Nodes, ", "), l.Cycles,
				num(share(l.Cycles, s.Cycles)), num(l.LatencyUS), num(l.EnergyUJ))
		}
		b.WriteString("\n")
	}
}

func share(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}
