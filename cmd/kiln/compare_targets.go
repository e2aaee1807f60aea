package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/sim"
	"github.com/kiln-hls/kiln/targets"
)

// targetColumn is one FPGA/ASIC target in kiln compare: kiln sim's
// estimate of the model (one window per inference, no overlap between
// inferences) and how it stands against each GPU.
type targetColumn struct {
	Target         string             `json:"target"`
	Kind           string             `json:"kind"`
	ClockNS        float64            `json:"clock_ns"`
	Precision      string             `json:"precision"`
	Batch          int                `json:"batch"`
	Cycles         int64              `json:"cycles"`           // one inference
	PerInferenceUS float64            `json:"per_inference_us"` // = latency of one inference
	BatchLatencyUS float64            `json:"batch_latency_us"` // batch × per inference
	EnergyUJ       float64            `json:"energy_uj"`        // per inference
	PowerW         float64            `json:"power_w"`
	Resources      sim.Hardware       `json:"resources"`
	Feasible       bool               `json:"feasible"`
	Infeasible     []string           `json:"infeasible,omitempty"`
	SpeedupVs      map[string]float64 `json:"speedup_vs"`      // GPU per-inference time / this
	EnergyRatioVs  map[string]float64 `json:"energy_ratio_vs"` // GPU energy per inference / this
}

// fpgaPrecision is the precision spec a GPU precision means on an FPGA
// or ASIC; fp64 and tf32 have none (give --fpga-precision).
func fpgaPrecision(gpuPrec, override string) (string, error) {
	if override != "" {
		return override, nil
	}
	switch gpuPrec {
	case "fp32", "fp16", "bf16", "amp", "int8":
		return gpuPrec, nil
	}
	return "", fmt.Errorf("--precision %s has no FPGA/ASIC counterpart: give --fpga-precision (fp32, fp16, fixed<16,6>, …)", gpuPrec)
}

// targetColumns estimates the model on each target with kiln sim's
// schedule model, at batch 1 (one window per inference), and relates it
// to the GPU columns.
func targetColumns(gf *globalFlags, cf compareFlags, arg string, batch int, gpus []gpuColumn) ([]targetColumn, error) {
	if len(cf.targets) == 0 {
		return []targetColumn{}, nil
	}
	prec, err := fpgaPrecision(cf.precision, cf.fpgaPrecision)
	if err != nil {
		return nil, err
	}
	one := *gf
	one.batch = 0 // the hardware computes one window at a time
	lf := &lowerFlags{tables: defaultTables(), precision: noFP32(prec)}
	p, err := lf.lowered(&one, arg, map[string]string{})
	if err != nil {
		return nil, err
	}
	var out []targetColumn
	for _, t := range cf.targets {
		dev, err := targets.Lookup(t)
		if err != nil {
			return nil, fmt.Errorf("-t: %w", err)
		}
		if dev, err = cf.placing.memory(dev); err != nil {
			return nil, fmt.Errorf("-t %s: %w", t, err)
		}
		cfg, err := sim.ForDevice(dev, cf.clock, cf.channels)
		if err != nil {
			return nil, err
		}
		// Placed as kiln sim and kiln compile place it (--placement auto by default).
		placed, _, err := cf.placing.apply(p, dev)
		if err != nil {
			return nil, fmt.Errorf("%s on %s: %w", arg, dev.Name, err)
		}
		r, err := sim.Estimate(placed, cfg)
		if err != nil {
			return nil, fmt.Errorf("%s on %s: %w", arg, dev.Name, err)
		}
		sf := &simFlags{clock: cf.clock, channels: cf.channels, o2: true}
		c := targetColumn{Target: dev.Name, Kind: string(dev.Kind), ClockNS: cf.clock, Precision: prec, Batch: batch,
			Cycles: r.Cycles, PerInferenceUS: r.LatencyUS, BatchLatencyUS: float64(batch) * r.LatencyUS,
			EnergyUJ: r.EnergyUJ, PowerW: r.PowerW, Resources: simReport(r, dev, sf, arg, "shared", 1).Resources,
			Feasible: r.Feasible, Infeasible: r.Infeasible, SpeedupVs: map[string]float64{}, EnergyRatioVs: map[string]float64{}}
		for _, g := range gpus {
			c.SpeedupVs[g.GPU] = g.PerInferenceUS / r.LatencyUS
			c.EnergyRatioVs[g.GPU] = g.EnergyUJ / r.EnergyUJ
		}
		out = append(out, c)
	}
	return out, nil
}

// printTargets prints the target columns under the GPU table.
func printTargets(w io.Writer, ts []targetColumn) {
	if len(ts) == 0 {
		return
	}
	fmt.Fprintf(w, "\nFPGA/ASIC (kiln sim, one window per inference, precision %s)\n", ts[0].Precision)
	for _, t := range ts {
		var vs []string
		for _, g := range sortedKeysF(t.SpeedupVs) {
			vs = append(vs, fmt.Sprintf("%.3g× vs %s", t.SpeedupVs[g], g))
		}
		fit := "fits"
		if !t.Feasible {
			fit = "does not fit: " + strings.Join(t.Infeasible, "; ")
		}
		fmt.Fprintf(w, "  %s @ %g ns: %.4g µs per inference, %.4g µJ, %.3g W; speed-up %s; %s\n",
			t.Target, t.ClockNS, t.PerInferenceUS, t.EnergyUJ, t.PowerW, strings.Join(vs, ", "), fit)
	}
}

func sortedKeysF(m map[string]float64) []string {
	return slices.Sorted(maps.Keys(m))
}
