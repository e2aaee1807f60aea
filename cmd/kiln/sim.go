package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/sim"
	"github.com/kiln-hls/kiln/targets"
)

// simFlags are kiln sim's options.
type simFlags struct {
	lower    lowerFlags
	target   string
	clock    float64
	channels int
	iface    string
	o2       bool
	noalias  bool
	aliasSet bool // --noalias was given
	planFile string
	plan     loops.Plan
	json     bool
	placing  placeFlags
}

func newSim(gf *globalFlags) *cobra.Command {
	sf := &simFlags{}
	cmd := &cobra.Command{
		Use:   "sim MODEL|FILE.kir -t DEVICE [--clock NS] [--channels N] [--precision P] [--tile …] [--json]",
		Short: "estimate a design's cycles, latency, resources, power and energy on a device (schedule-based model of Bambu)",
		Long: `sim lowers MODEL (a built-in name or an .onnx file) as kiln compile does (--precision, then the
loop transforms), or reads one kernel from FILE.kir, and estimates what Bambu would build for the
device at the clock: each basic block list-scheduled under the memory ports (--channels per memory)
with combinational operations chained within the period and the device's multi-cycle units
(soft-float, libm) at their latencies; loops run as a state machine, one iteration after another,
each pass through a latch costing a state; LLVM -O2's full unrolling of small constant loops is
modelled unless --llvm-unroll=false. Kernels run one after another, so the interval between
inferences is the latency. Resources are the units one state of any block needs at once, their
multiplexers, registers and the on-chip memories; power is static plus the operations' energy over
the latency. A design larger than the FPGA is reported infeasible, with the numbers.

--interface shared puts every array argument behind one memory interface (Bambu's default);
per-array gives each its own (SODA's full/nbt runs). A .kir file whose first line reads
"// variant: V, interface: I" (sim/testdata/polybench) chooses its own unless the flag is given,
and variant none means arguments that may alias (--noalias=false) unless --noalias is given.

--placement (default auto, as kiln compile) places every buffer of a model (passes/place):
registers, on-chip RAM/ROM by reuse and size within the device's block RAM (and UltraRAM), the
rest off chip behind the device's memory (DDR or HBM: kiln targets --sources), which then costs
its latency, bursts and bandwidth; --place KERNEL.BUFFER=reg|ram|rom|offchip|bram|uram overrides
one buffer; --placement none keeps every array on chip.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sf.lower.tables.given = changed(cmd, "lut-size", "lut-range", "lut-nearest")
			sf.aliasSet = changed(cmd, "noalias")
			return sf.run(cmd, gf, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVarP(&sf.target, "target", "t", "", "the device: an FPGA part or ASIC library by Bambu's name (kiln targets lists them)")
	f.Float64Var(&sf.clock, "clock", 10, "clock period in ns (Bambu's --clock-period)")
	f.IntVar(&sf.channels, "channels", 2, "memory ports per memory (Bambu's --channels-number)")
	f.StringVar(&sf.iface, "interface", "", "memory interface of the array arguments: shared or per-array (default: the .kir file's header, else shared)")
	f.BoolVar(&sf.o2, "llvm-unroll", true, "model LLVM -O2 fully unrolling small constant loops (Bambu's front end)")
	f.BoolVar(&sf.noalias, "noalias", true, "the array arguments never overlap, as kiln emits them (default for a .kir file: false when its header says variant none)")
	f.StringVar(&sf.planFile, "loops", "", "a .yaml/.json file of loop transforms, run before the flags' (as kiln compile --loops)")
	for _, op := range []loops.Op{loops.OpTile, loops.OpInterchange, loops.OpUnroll, loops.OpPartition, loops.OpCopy} {
		f.Var(&loopFlag{op: op, plan: &sf.plan}, op.String(), loopFlagHelp[op])
	}
	f.StringVar(&sf.lower.precision, "precision", "", "narrow the program to this precision spec (as kiln compile --precision; default fp32)")
	f.StringVar(&sf.lower.data, "data", "", "with --precision: calibrate on DIR/test_data_set_*/input_*.pb (default: a built-in model's validation data)")
	f.Float64Var(&sf.lower.sparseDensity, "sparse-density", 0, "as kiln lower --sparse-density")
	f.BoolVar(&sf.lower.noFuse, "no-fuse", false, "one kernel per node (as kiln lower --no-fuse)")
	f.BoolVar(&sf.json, "json", false, "print the estimate as JSON")
	sf.placing.add(cmd)
	sf.lower.tables.add(cmd)
	return cmd
}

func (sf *simFlags) run(cmd *cobra.Command, gf *globalFlags, arg string) error {
	dev, err := sf.check()
	if err != nil {
		return err
	}
	cfg, err := sim.ForDevice(dev, sf.clock, sf.channels)
	if err != nil {
		return err
	}
	cfg.LLVMUnroll, cfg.NoAlias = sf.o2, sf.noalias
	plan, err := readPlan(sf.planFile, sf.plan, &sf.placing)
	if err != nil {
		return err
	}
	var res *sim.Result
	iface := sf.iface
	if strings.HasSuffix(arg, ".kir") && (changed(cmd, "placement", "place") || len(sf.placing.fromFile) > 0) {
		return fmt.Errorf("%s: --placement, --place and place: entries apply to models; a loop-IR file's buffers keep the spaces it declares (reg, ram, rom, offchip)", arg)
	}
	if strings.HasSuffix(arg, ".kir") {
		res, iface, err = sf.kernelFile(arg, plan, cfg)
	} else {
		res, err = sf.model(gf, arg, plan, dev, cfg)
	}
	if err != nil {
		return err
	}
	out := simReport(res, dev, sf, arg, iface, gf.batch)
	if sf.json {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return out.text(cmd.OutOrStdout())
}

// check validates the flags that need no model.
func (sf *simFlags) check() (targets.Device, error) {
	dev, err := checkDevice(sf.target, sf.clock, sf.channels)
	if err != nil {
		return dev, err
	}
	if sf.iface != "" && sf.iface != "shared" && sf.iface != "per-array" {
		return dev, fmt.Errorf("--interface %q: want shared or per-array", sf.iface)
	}
	if _, _, err := sf.placing.check(); err != nil {
		return dev, err
	}
	if dev, err = sf.placing.memory(dev); err != nil {
		return dev, err
	}
	sf.lower.precision = noFP32(sf.lower.precision)
	return dev, nil
}

// model lowers a model (narrowed, transformed) and estimates the program.
func (sf *simFlags) model(gf *globalFlags, arg string, plan loops.Plan, dev targets.Device, cfg sim.Config) (*sim.Result, error) {
	p, err := sf.lower.lowered(gf, arg, map[string]string{})
	if err != nil {
		return nil, err
	}
	if p, err = plan.Apply(p); err != nil {
		return nil, err
	}
	if p, _, err = sf.placing.apply(p, dev); err != nil {
		return nil, err
	}
	if sf.iface == "per-array" {
		cfg.Interface = sim.ArrayInterface
	}
	return sim.Estimate(p, cfg)
}

// kernelFile estimates the one kernel of a .kir file as a top function of
// its own, with the interface its header names unless --interface does.
func (sf *simFlags) kernelFile(path string, plan loops.Plan, cfg sim.Config) (*sim.Result, string, error) {
	if sf.lower.precision != "" || sf.lower.data != "" || sf.lower.tables.given {
		return nil, "", fmt.Errorf("%s: --precision, --data and --lut-* apply to models, not to a loop-IR file", path)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	k, err := loop.Parse(string(src), nil)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	if err := loop.Verify(k); err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	if len(plan) > 0 {
		p, err := plan.Apply(&loop.Program{Name: k.Name + "_top", Kernels: []*loop.Kernel{k}})
		if err != nil {
			return nil, "", err
		}
		k = p.Kernels[0]
	}
	iface := sf.iface
	if variant, fromFile, err := sim.PolybenchHeader(string(src)); err == nil {
		if iface == "" {
			iface = fromFile
		}
		if !sf.aliasSet {
			cfg.NoAlias = variant != "none" // SODA's plain runs: no noalias
		}
	}
	if iface == "per-array" {
		cfg.Interface = sim.ArrayInterface
	}
	res, err := sim.EstimateKernel(k, cfg)
	return res, iface, err
}

// simJSON is kiln sim --json's object (DESIGN.md, "kiln sim --json"):
// the design point, then sim's figures.
type simJSON struct {
	Model      string  `json:"model"`
	Target     string  `json:"target"`
	Kind       string  `json:"kind"`
	ClockNS    float64 `json:"clock_ns"`
	ClockMHz   float64 `json:"clock_mhz"`
	Precision  string  `json:"precision"`
	Batch      int     `json:"batch"`
	Channels   int     `json:"channels"`
	Interface  string  `json:"interface"`
	LLVMUnroll bool    `json:"llvm_unroll"`
	// OffChipMemory is the memory off-chip buffers live in (the device's
	// default or --offchip-memory's): "HBM2 (hbm2)".
	OffChipMemory string `json:"offchip_memory,omitempty"`
	sim.Figures
}

func simReport(r *sim.Result, dev targets.Device, sf *simFlags, arg, iface string, batch int) simJSON {
	if iface == "" {
		iface = "shared"
	}
	out := simJSON{Model: strings.TrimSuffix(filepath.Base(arg), filepath.Ext(arg)), Target: dev.Name, Kind: string(dev.Kind),
		ClockNS: sf.clock, ClockMHz: 1000 / sf.clock, Precision: "fp32", Batch: max(batch, 1),
		Channels: sf.channels, Interface: iface, LLVMUnroll: sf.o2, Figures: r.Figures(dev.Kind == targets.ASIC)}
	if sf.lower.precision != "" {
		out.Precision = sf.lower.precision
	}
	if dev.Memory != nil && len(dev.Memory.OffChip) > 0 {
		m := dev.Memory.OffChip[0]
		out.OffChipMemory = m.Name + " (" + m.Kind + ")"
	}
	return out
}

// text prints the estimate for a person: the totals, then a line per layer.
func (s simJSON) text(w io.Writer) error {
	fmt.Fprintf(w, "%s on %s at %g ns (%.4g MHz), %s, %d channels, %s interface\n", s.Model, s.Target, s.ClockNS, s.ClockMHz, s.Precision, s.Channels, s.Interface)
	fmt.Fprintf(w, "cycles %d   latency %.4g µs   throughput %.4g inferences/s (no overlap between inferences)\n", s.Cycles, s.LatencyUS, s.ThroughputInfS)
	if r := s.Resources; r.AreaUM2 != nil {
		fmt.Fprintf(w, "area %.4g µm² (the units', their multiplexers' and memory interfaces', and the library's fixed area per design)\n", *r.AreaUM2)
		if r.MemoryBits != nil {
			fmt.Fprintf(w, "on-chip memory %d bits (%.4g KiB), not in the area\n", *r.MemoryBits, float64(*r.MemoryBits)/8192)
		}
	} else {
		fmt.Fprintf(w, "LUT %d   FF %d   DSP %d   BRAM36 %d", *r.LUT, *r.FF, *r.DSP, *r.BRAM)
		if r.URAM != nil {
			fmt.Fprintf(w, "   URAM %d", *r.URAM)
		}
		if u := r.Utilization; u != nil {
			fmt.Fprintf(w, "   (%.1f%%, %.1f%%, %.1f%%, %.1f%%", 100*u.LUT, 100*u.FF, 100*u.DSP, 100*u.BRAM)
			if r.URAM != nil {
				fmt.Fprintf(w, ", %.1f%%", 100*u.URAM)
			}
			fmt.Fprint(w, " of the device)")
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "power %.4g W (static %.4g, dynamic %.4g: the logic's activity %.4g, the operations %.4g)   energy %.4g µJ per inference\n",
		s.PowerW, s.StaticPowerW, s.DynamicPowerW, s.ActivityPowerW, s.DynamicPowerW-s.ActivityPowerW, s.EnergyUJ)
	if s.OffChipBytes > 0 {
		fmt.Fprintf(w, "off chip %d bytes per inference in %s, %.1f%% of the cycles waiting on its bandwidth\n", s.OffChipBytes, s.OffChipMemory, 100*s.BandwidthBoundShare)
	}
	if !s.Feasible {
		fmt.Fprintf(w, "INFEASIBLE on %s: %s\n", s.Target, strings.Join(s.Infeasible, "; "))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "cycles\tlatency µs\tshare\t\tkernel (nodes)")
	for _, l := range s.Layers {
		share := 0.0
		if s.Cycles > 0 {
			share = 100 * float64(l.Cycles) / float64(s.Cycles)
		}
		name := l.Kernel
		if len(l.Nodes) > 0 {
			name += " (" + strings.Join(l.Nodes, ", ") + ")"
		}
		fmt.Fprintf(tw, "%d\t%.4g\t%.1f%%\t\t%s\n", l.Cycles, l.LatencyUS, share, name)
	}
	return tw.Flush()
}
