package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/hls"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/passes/place"
	"github.com/kiln-hls/kiln/sim"
	"github.com/kiln-hls/kiln/targets"
)

// compileFlags are kiln compile's options.
type compileFlags struct {
	lower    lowerFlags
	target   string
	clock    float64
	channels int
	memory   string
	planFile string
	plan     loops.Plan // the flags' steps, in command-line order
	explain  bool
	placing  placeFlags
}

func newCompile(gf *globalFlags) *cobra.Command {
	cf := &compileFlags{}
	cf.lower.dataAlways = true
	cmd := &cobra.Command{
		Use:   "compile MODEL -t DEVICE [--precision P] [--tile K.L=N,…] [--unroll K.L=N|full] [--partition K.B=MODE:F] -o DIR",
		Short: "write the HLS project of a model for PandA-Bambu: LLVM IR, C, testbenches, golden outputs, Bambu scripts, Makefile",
		Long: `compile lowers MODEL (a built-in name or an .onnx file) as kiln lower does, narrows it to
--precision, applies the loop transforms, and writes the HLS project for PandA-Bambu into DIR: per
kernel and for the top function (forward_kernel) the LLVM IR Bambu reads, the same code in C, a C
testbench (Bambu 2024.x style) and an XML one, golden outputs, Bambu scripts for the device (and
the ASIC libraries for the top), a Makefile (make csim | sim | synth | asic) and a README saying
what each file is. The project is written to a temporary folder and renamed into place, so DIR is
complete or untouched; an existing DIR is replaced only if kiln wrote it (its kiln.json), keeping
its build/ folder. The same command writes the same bytes.

Loop transforms run in order: those of --loops FILE, then the flags in command-line order. A
kernel is named by its loop-IR name or by the ONNX node it computes (kiln compile --explain and
kiln lower print the names):
  --tile K.L=S1[,S2…]         tile loop L by S1 (and the loops nested in it by S2…; tile loops outside)
  --interchange K.A=B         swap loops A and B
  --unroll K.L=N|full[:expand] unroll by N or fully: a directive for Bambu, or :expand in the IR
  --partition K.B=MODE[:F][:DIM] bank buffer B: cyclic:F, block:F or complete (complete::DIM) on DIM (0)
  --copy K.B=L                copy the part of buffer B one iteration of loop L reads into an on-chip
                              buffer B_tile at the start of the iteration, and read that instead
The --loops file may also place buffers: - place: K.B=SPACE (as --place).
--explain prints the loop IR after every pass (and writes nothing without -o).

The testbenches take the first validation window of the model's data (a built-in model's own or
--data DIR's); a model without data gets seeded pseudo-random inputs in [-1, 1).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cf.lower.tables.given = changed(cmd, "lut-size", "lut-range", "lut-nearest")
			return cf.run(cmd, gf, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVarP(&cf.target, "target", "t", "", "the device: an FPGA part or ASIC library by Bambu's name (kiln targets lists them)")
	f.Float64Var(&cf.clock, "clock", 10, "clock period in ns (Bambu's --clock-period)")
	f.IntVar(&cf.channels, "channels", 2, "memory channels (Bambu's --channels-number)")
	f.StringVar(&cf.memory, "memory-policy", "ALL_BRAM", "Bambu's --memory-allocation-policy: ALL_BRAM, NO_BRAM, LSS, GSS, EXT_PIPELINED_BRAM")
	f.StringVar(&cf.planFile, "loops", "", "a .yaml/.json file of loop transforms, run before the flags' (a list of {tile|interchange|unroll|partition|copy|place: SPEC})")
	for _, op := range []loops.Op{loops.OpTile, loops.OpInterchange, loops.OpUnroll, loops.OpPartition, loops.OpCopy} {
		f.Var(&loopFlag{op: op, plan: &cf.plan}, op.String(), loopFlagHelp[op])
	}
	f.BoolVar(&cf.explain, "explain", false, "print the loop IR after the passes and the memory placement (without -o, write nothing)")
	cf.placing.add(cmd)
	f.StringVarP(&cf.lower.out, "out", "o", "", "the project folder")
	f.StringVar(&cf.lower.precision, "precision", "", "narrow the program to this precision spec (as kiln eval --precision; default fp32)")
	f.StringVar(&cf.lower.data, "data", "", "validation data: DIR/test_data_set_*/input_*.pb (calibration and the testbenches' inputs; default: a built-in model's own)")
	f.Float64Var(&cf.lower.sparseDensity, "sparse-density", 0, "as kiln lower --sparse-density")
	f.BoolVar(&cf.lower.noFuse, "no-fuse", false, "one kernel per node (as kiln lower --no-fuse)")
	cf.lower.tables.add(cmd)
	return cmd
}

var loopFlagHelp = map[loops.Op]string{
	loops.OpTile:        "tile loops: KERNEL.LOOP=SIZE[,SIZE…] (repeatable; comma-separated specs)",
	loops.OpInterchange: "swap two loops: KERNEL.LOOP=OTHER (repeatable)",
	loops.OpUnroll:      "unroll a loop: KERNEL.LOOP=N|full[:expand] (repeatable)",
	loops.OpPartition:   "bank a buffer: KERNEL.BUFFER=cyclic:F[:DIM]|block:F[:DIM]|complete[::DIM], DIM from 0 (repeatable)",
	loops.OpCopy:        "stage the part of a buffer one iteration of a loop reads in an on-chip copy: KERNEL.BUFFER=LOOP (repeatable)",
}

// loopFlag is one of the loop-transform flags: each value appends its
// steps to the shared plan, so the steps keep the command line's order.
type loopFlag struct {
	op   loops.Op
	plan *loops.Plan
	set  []string
}

func (f *loopFlag) String() string { return strings.Join(f.set, " ") }
func (f *loopFlag) Type() string   { return "spec" }
func (f *loopFlag) Set(s string) error {
	steps, err := loops.ParseSteps(f.op, s, "--"+f.op.String())
	if err != nil {
		return err
	}
	f.set = append(f.set, s)
	*f.plan = append(*f.plan, steps...)
	return nil
}

func (cf *compileFlags) run(cmd *cobra.Command, gf *globalFlags, arg string) error {
	command := commandLine(cmd, arg, cf.plan)
	dev, err := cf.check()
	if err != nil {
		return err
	}
	plan, err := readPlan(cf.planFile, cf.plan, &cf.placing)
	if err != nil {
		return err
	}
	extra := map[string]string{}
	p, err := cf.lower.lowered(gf, arg, extra)
	if err != nil {
		return err
	}
	if p, err = plan.Apply(p); err != nil {
		return err
	}
	p, placement, err := cf.placing.apply(p, dev)
	if err != nil {
		return err
	}
	if cf.explain {
		fmt.Fprintf(cmd.OutOrStdout(), "// %s after lowering%s\n%s", arg, explainSteps(cf.lower.precision, plan), p)
		if placement != nil {
			fmt.Fprintf(cmd.OutOrStdout(), "// memory placement on %s\n%s", dev.Name, placement)
		}
		if cf.lower.out == "" {
			return nil
		}
	}
	inputs, source, err := cf.inputs(gf, arg, p)
	if err != nil {
		return err
	}
	opt := hls.ProjectOptions{
		Device: dev, ClockNS: cf.clock, Channels: cf.channels, MemoryPolicy: cf.memory,
		Inputs: inputs, InputSource: source,
		Command: command, Model: arg, Precision: cf.precisionName(), Plan: plan.String(),
		Extra: map[string]string{},
	}
	if rep, ok := extra["narrow_report.txt"]; ok {
		opt.Extra["narrow_report.txt"] = rep
	}
	opt.Extra["report.json"] = cf.estimate(cmd, p, dev, arg, gf.batch)
	if placement != nil {
		opt.Extra["placement.txt"] = placement.String()
		// Off-chip weights and scratch become the top's pointer arguments
		// (their data in data/*.bin); Bambu is told the memory's latency.
		if d := memDelay(p, dev, cf.clock); d > 0 {
			opt.MemDelayRead, opt.MemDelayWrite = d, d
		}
		if p, err = place.Externalize(p); err != nil {
			return err
		}
	}
	files, err := hls.Project(p, opt)
	if err != nil {
		return err
	}
	if err := writeProject(cf.lower.out, files); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "compile: wrote %d files to %s (make -C %s help)\n", len(files), cf.lower.out, cf.lower.out)
	return nil
}

// memDelay is the device's off-chip latency in cycles at clockNS when
// placement put buffers off chip besides the model's inputs and outputs
// (p placed, not yet externalized), else 0 (Bambu's default).
func memDelay(p *loop.Program, dev targets.Device, clockNS float64) int {
	offchip := false
	for _, b := range p.Buffers {
		offchip = offchip || b != nil && b.Role == loop.Temp && b.Space == loop.OffChip
	}
	for _, k := range p.Kernels {
		for id, b := range k.Buffers {
			offchip = offchip || b.Space == loop.OffChip && !slices.Contains(k.Params, loop.BufID(id))
		}
	}
	if !offchip || dev.Memory == nil || len(dev.Memory.OffChip) == 0 {
		return 0
	}
	c, err := dev.OffChip(clockNS)
	if err != nil {
		return 0
	}
	return c.LatencyCycles
}

// check validates the flags that need no model.
func (cf *compileFlags) check() (targets.Device, error) {
	dev, err := checkDevice(cf.target, cf.clock, cf.channels)
	if err != nil {
		return dev, err
	}
	if cf.lower.out == "" && !cf.explain {
		return dev, fmt.Errorf("-o DIR is required (or --explain to print the loop IR)")
	}
	if !slices.Contains(hls.MemoryPolicies, cf.memory) {
		return dev, fmt.Errorf("--memory-policy %q: Bambu takes %s", cf.memory, strings.Join(hls.MemoryPolicies, ", "))
	}
	if _, _, err := cf.placing.check(); err != nil {
		return dev, err
	}
	if dev, err = cf.placing.memory(dev); err != nil {
		return dev, err
	}
	cf.lower.precision = noFP32(cf.lower.precision)
	return dev, nil
}

// checkDevice is the device of -t, with --clock and --channels checked
// (kiln compile and kiln sim).
func checkDevice(target string, clock float64, channels int) (targets.Device, error) {
	if target == "" {
		return targets.Device{}, fmt.Errorf("-t DEVICE is required (kiln targets lists the devices)")
	}
	dev, err := targets.Lookup(target)
	if err != nil {
		return targets.Device{}, fmt.Errorf("-t: %w", err)
	}
	if !(clock > 0 && clock <= 1e6) {
		return dev, fmt.Errorf("--clock %g: want a period in ns above 0", clock)
	}
	if channels < 1 || channels > 64 {
		return dev, fmt.Errorf("--channels %d: want 1 to 64 memory channels", channels)
	}
	return dev, nil
}

// noFP32 is a precision flag with fp32 (no narrowing) as "".
func noFP32(precision string) string {
	if strings.EqualFold(strings.TrimSpace(precision), "fp32") {
		return ""
	}
	return precision
}

func (cf *compileFlags) precisionName() string {
	if cf.lower.precision == "" {
		return "fp32"
	}
	return cf.lower.precision
}

// explainSteps is --explain's header after the model name.
func explainSteps(precision string, plan loops.Plan) string {
	var sb strings.Builder
	if precision != "" {
		fmt.Fprintf(&sb, ", narrowing to %s", precision)
	}
	for _, s := range plan {
		fmt.Fprintf(&sb, ", %s %s", s.Op, s.Spec)
	}
	return sb.String()
}

// inputs are the testbenches' inputs: the first window of the validation
// data, or seeded pseudo-random values when the model has none.
func (cf *compileFlags) inputs(gf *globalFlags, arg string, p *loop.Program) ([]*dtype.Array, string, error) {
	fsys, err := cf.lower.dataFS(arg)
	if err != nil {
		return nil, "", err
	}
	var params []*loop.Buffer
	for _, id := range p.Params {
		if b := p.Buffers[id]; b.Role == loop.Input {
			params = append(params, b)
		}
	}
	if fsys == nil {
		r := rand.New(rand.NewPCG(1, 2))
		out := make([]*dtype.Array, len(params))
		for i, b := range params {
			out[i] = dtype.New(b.Kind, b.Shape)
			for j := range out[i].Len() {
				out[i].Set(j, 2*r.Float64()-1)
			}
		}
		return out, "seeded pseudo-random inputs in [-1, 1) (the model has no validation data)", nil
	}
	sets, err := conform.DataSets(fsys)
	if err != nil {
		return nil, "", fmt.Errorf("validation data: %w", err)
	}
	set, err := conform.ReadSet(fsys, sets[0], "input", gf.maxTensorBytes)
	if err != nil {
		return nil, "", fmt.Errorf("validation data: %w", err)
	}
	if len(set) != len(params) {
		return nil, "", fmt.Errorf("the validation data has %d inputs, the program %d", len(set), len(params))
	}
	out := make([]*dtype.Array, len(params))
	for i, b := range params {
		if out[i], err = firstWindow(set[i], b); err != nil {
			return nil, "", err
		}
	}
	return out, "the first window of the model's validation data (" + sets[0] + ")", nil
}

// firstWindow is the first len(b) elements of a (axis 0 is the batch of
// windows), shaped as b.
func firstWindow(a *dtype.Array, b *loop.Buffer) (*dtype.Array, error) {
	n := dtype.Size(b.Shape)
	if a.Kind != b.Kind || len(a.Shape) != len(b.Shape) || len(a.Shape) > 0 && !slices.Equal(a.Shape[1:], b.Shape[1:]) || a.Len() < n {
		return nil, fmt.Errorf("validation input %v%v does not hold a window of %s %v%v", a.Kind, a.Shape, b.Name, b.Kind, b.Shape)
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return a.Take(idx, b.Shape), nil
}

// commandLine is the command as a user would type it, for the README:
// the flags by name, then the loop transforms in the order they run.
func commandLine(cmd *cobra.Command, arg string, plan loops.Plan) string {
	parts := []string{"kiln compile", arg}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if _, loopOp := f.Value.(*loopFlag); !loopOp && f.Name != "out" {
			parts = append(parts, "--"+f.Name+" "+quoteArg(f.Value.String()))
		}
	})
	for _, s := range plan {
		parts = append(parts, "--"+s.Op.String()+" "+quoteArg(s.Spec.String()))
	}
	return strings.Join(append(parts, "-o DIR"), " ")
}

// quoteArg quotes s for a shell where it needs it.
func quoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " <>*?|&;()'\"$`\\!{}[]") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// estimate is report.json: what kiln sim estimates for exactly this
// program on the device (Bambu's default shared memory interface; kiln's
// pointers are noalias). A program the model cannot estimate still
// compiles: report.json then says why, and a warning goes to stderr.
func (cf *compileFlags) estimate(cmd *cobra.Command, p *loop.Program, dev targets.Device, arg string, batch int) string {
	sf := &simFlags{clock: cf.clock, channels: cf.channels, o2: true, noalias: true}
	sf.lower.precision = cf.lower.precision
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	cfg, err := sim.ForDevice(dev, cf.clock, cf.channels)
	var res *sim.Result
	if err == nil {
		res, err = sim.Estimate(p, cfg)
	}
	if err == nil {
		err = enc.Encode(simReport(res, dev, sf, arg, "shared", batch))
	}
	if err == nil && !res.Feasible {
		fmt.Fprintf(cmd.ErrOrStderr(), "compile: warning: kiln's estimate says the design does not fit %s: %s\n", dev.Name, strings.Join(res.Infeasible, "; "))
	}
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "compile: warning: no estimate in report.json: %v\n", err)
		sb.Reset()
		enc.Encode(map[string]string{"model": arg, "target": dev.Name, "error": err.Error()})
	}
	return sb.String()
}
