package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/passes/place"
	"github.com/kiln-hls/kiln/sim"
	"github.com/kiln-hls/kiln/sweep"
	"github.com/kiln-hls/kiln/sweep/eval"
	"github.com/kiln-hls/kiln/sweep/summary"
)

type sweepFlags struct {
	lower      lowerFlags
	space      string
	out        string
	jobs       int
	sample     uint64
	seed       uint64
	shard      string
	resume     bool
	sync       bool
	objectives []string
	emit       bool
	target     string
	clock      float64
	channels   int
	iface      string
	precision  string
	placement  string
	memory     string
}

func newSweep(gf *globalFlags) *cobra.Command {
	sw := &sweepFlags{}
	cmd := &cobra.Command{
		Use:   "sweep MODEL --space FILE -o DIR [-j N] [--sample N --seed S] [--shard i/n] [--resume] [--emit-pareto]",
		Short: "explore a design space: every design's estimate and accuracy, the Pareto front, plots",
		Long: `sweep estimates every design of a space (a YAML or JSON file: per knob the values to try —
precision, device, clock, channels, batch, placement, place (lists of --place overrides), and per
loop tile, interchange, copy, unroll and partition, applied in that order; examples/sweep-*.yaml)
with kiln sim's model, its memory placed as kiln sim places it (placement auto, onchip,
offchip-weights or none, as kiln sim --placement; a placement refused, onchip on a part too
small, is the design's error; so is a loop step or a place override naming a loop or buffer only
another knob's value makes, as a copy at a tile's j.outer in a design without that tile), and each
precision's accuracy against fp32 on the model's validation windows (once per precision; the
space's accuracy_windows says how many, 0 or absent: all). Designs are numbered in mixed radix
(precision slowest, the last loop knob fastest) and enumerated lazily, or sampled (--sample N
--seed S).

Results stream to DIR/results.jsonl, one whole line per design (its knobs and kiln sim --json's
figures plus accuracy, or the error that refused it), written as each design is done; --resume
continues a sweep killed at any point (kill -9 included) with the designs not yet in the file.
--shard i/n runs the i-th of n disjoint slices (a Slurm job array: examples/slurm/sweep-array.sh);
kiln sweep merge joins shard folders. At the end DIR gets pareto.jsonl (the front over
--objectives, FPGA and ASIC designs apart), plots (PNG and SVG) and README.md; --emit-pareto also
writes each front design's HLS project (as kiln compile does) under DIR/pareto with a Makefile
whose synth target synthesises them all (make -C DIR/pareto -j N synth).

Knobs a space leaves out take -t, --clock, --channels, --precision and --placement;
--offchip-memory gives every device the memory its off-chip buffers live in, as kiln sim's.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return sw.run(cmd, gf, args[0]) },
	}
	f := cmd.Flags()
	f.StringVar(&sw.space, "space", "", "the design space (.yaml or .json)")
	f.StringVarP(&sw.out, "out", "o", "", "the output folder")
	f.IntVarP(&sw.jobs, "jobs", "j", runtime.NumCPU(), "workers")
	f.Uint64Var(&sw.sample, "sample", 0, "evaluate N designs drawn without replacement instead of all")
	f.Uint64Var(&sw.seed, "seed", 1, "the sample's seed")
	f.StringVar(&sw.shard, "shard", "", "run the i-th of n disjoint slices: i/n, 0 ≤ i < n")
	f.BoolVar(&sw.resume, "resume", false, "continue DIR/results.jsonl: skip the designs it holds")
	f.BoolVar(&sw.sync, "sync", false, "fsync every result line (survives a power cut, not only a kill)")
	f.StringSliceVar(&sw.objectives, "objectives", nil, "the front's objectives, minimised (default latency,area,energy,accuracy; also power, cycles, lut, dsp, bram, or a path into the figures: resources.bram, -throughput_inf_s to maximise)")
	f.BoolVar(&sw.emit, "emit-pareto", false, "write the HLS project of every front design under DIR/pareto, with a Makefile to synthesise them")
	f.StringVarP(&sw.target, "target", "t", "", "the device of a space without a device knob")
	f.Float64Var(&sw.clock, "clock", 0, "the clock (ns) of a space without a clock knob (default 10 for an FPGA, 5 for an ASIC)")
	f.IntVar(&sw.channels, "channels", 2, "the memory channels of a space without a channels knob")
	f.StringVar(&sw.iface, "interface", "shared", "how array arguments reach memory: shared (Bambu's default) or per-array")
	f.StringVar(&sw.precision, "precision", "", "the precision of a space without a precision knob (default fp32)")
	f.StringVar(&sw.placement, "placement", "auto", "the memory placement of a space without a placement knob, as kiln sim's: auto, onchip, offchip-weights or none")
	f.StringVar(&sw.memory, "offchip-memory", "", "the memory off-chip buffers live in, on every device, as kiln sim's: one the device lists (DDR4, HBM2…; default its first; a device without it refuses its designs) or a .json file describing one")
	f.StringVar(&sw.lower.data, "data", "", "validation data for an .onnx model: DIR/test_data_set_*/input_*.pb (accuracy, int8/int16 ranges)")
	cmd.AddCommand(newSweepMerge())
	return cmd
}

// checkFlags validates what needs no model.
func (sw *sweepFlags) checkFlags() ([]summary.Objective, error) {
	switch {
	case sw.space == "":
		return nil, errors.New("--space FILE is required")
	case sw.out == "":
		return nil, errors.New("-o DIR is required")
	case sw.jobs < 1:
		return nil, fmt.Errorf("-j %d: at least one worker", sw.jobs)
	case sw.channels < 1:
		return nil, fmt.Errorf("--channels %d: at least 1", sw.channels)
	case sw.iface != "shared" && sw.iface != "per-array":
		return nil, fmt.Errorf("--interface %q: want shared or per-array", sw.iface)
	case !slices.Contains(sweep.Placements, sw.placement):
		return nil, fmt.Errorf("--placement %q: want %s", sw.placement, strings.Join(sweep.Placements, ", "))
	}
	return summary.LookupObjectives(sw.objectives)
}

func (sw *sweepFlags) run(cmd *cobra.Command, gf *globalFlags, arg string) error {
	objs, err := sw.checkFlags()
	if err != nil {
		return err
	}
	src, err := os.ReadFile(sw.space)
	if err != nil {
		return err
	}
	space, err := sweep.ParseSpace(sw.space, src)
	if err != nil {
		return err
	}
	model := strings.TrimSuffix(filepath.Base(arg), ".onnx")
	if space.Model != "" && space.Model != arg && space.Model != model {
		return fmt.Errorf("%s is a space for model %s, not %s", sw.space, space.Model, arg)
	}
	if space.Knob("device") == nil && sw.target == "" {
		return fmt.Errorf("%s has no device knob: give the device with -t", sw.space)
	}
	set, err := sw.designs(space)
	if err != nil {
		return err
	}
	ev, err := sw.evaluator(gf, arg, space)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(sw.out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(sw.out, sweep.ResultsFile)
	h := space.Header(arg)
	if h.Settings, err = sw.settings(space); err != nil {
		return err
	}
	w, done, err := sw.open(path, h)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, runErr := sweep.Run(ctx, set, ev, w, sweep.RunOptions{Workers: sw.jobs, Skip: done,
		Progress: sweep.NewProgress(cmd.ErrOrStderr(), isTerminal(cmd.ErrOrStderr()))})
	if err := errors.Join(runErr, w.Close()); err != nil {
		return fmt.Errorf("sweep stopped (kiln sweep … --resume continues it): %w", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "sweep: %d designs evaluated (%d refused by the tool chain), %d already done; results in %s\n",
		st.Evaluated, st.Failed, st.Skipped, path)
	command := "kiln sweep " + arg + " --space " + sw.space + " -o " + sw.out
	sum, err := writeSummary(cmd.OutOrStdout(), path, sw.out, objs, command)
	if err != nil || !sw.emit {
		return err
	}
	return sw.emitPareto(cmd, gf, arg, space, sum)
}

// designs is the set the flags ask for: all, a sample, a shard of either.
func (sw *sweepFlags) designs(space *sweep.Space) (sweep.Set, error) {
	set := space.All()
	if sw.sample > 0 {
		set = space.Sample(sw.sample, sw.seed)
	}
	if sw.shard == "" {
		return set, nil
	}
	i, n, err := sweep.ParseShard(sw.shard)
	if err != nil {
		return set, fmt.Errorf("--shard: %w", err)
	}
	return set.Shard(i, n)
}

// evaluator prepares the model and checks the space's loop knobs on it:
// a step the loop passes refuse (a tile larger than its loop, a loop
// that does not exist) is an error at its line.
func (sw *sweepFlags) evaluator(gf *globalFlags, arg string, space *sweep.Space) (*eval.Evaluator, error) {
	sw.lower.windows = space.Windows
	// The sweep narrows the fp32 program itself (--precision is the
	// default of a space without a precision knob).
	def := eval.Defaults{Precision: sw.precision, Device: sw.target, ClockNS: sw.clock, Channels: sw.channels, Placement: sw.placement}
	if sw.memory != "" {
		def.Memory = (&placeFlags{offchip: sw.memory}).memory
	}
	base, err := sw.lower.lowered(gf, arg, map[string]string{})
	if err != nil {
		return nil, err
	}
	err = space.Check(func(k *sweep.Knob, v *sweep.Value) error {
		switch {
		case v.Step != nil:
			return checkStep(base, space, k, *v.Step)
		case len(v.Overrides) > 0:
			return checkPlace(base, space, v.Overrides)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	bench, err := sw.lower.validation(gf, arg)
	if err != nil {
		return nil, err
	}
	if sw.iface == "per-array" {
		def.Interface = sim.ArrayInterface
	}
	ev, err := eval.New(base, bench, def)
	if err != nil {
		return nil, err
	}
	// Each precision's narrowing and accuracy run (the slow part) on all
	// workers at once, before the designs.
	var specs []string
	if k := space.Knob("precision"); k != nil {
		for _, v := range k.Values {
			specs = append(specs, v.Text)
		}
	}
	return ev, ev.Prepare(specs, sw.jobs)
}

// maxContexts bounds the combinations of other knobs the checks try.
const maxContexts = 4096

// checkStep refuses a loop knob's value that no design can apply: the
// step on the lowered program alone, or, where that fails (a loop or
// buffer an earlier knob makes, as a tile's j.outer or a copy's
// B_tile), after every combination of the values of the earlier loop
// knobs on the same kernel. Where there are more than maxContexts
// combinations and none of those tried applies it, the value is let
// through. A design whose own combination cannot apply it is refused at
// evaluation, as that design's error.
func checkStep(base *loop.Program, space *sweep.Space, k *sweep.Knob, step loops.Step) error {
	_, alone := loops.Plan{step}.Apply(base)
	if alone == nil {
		return nil
	}
	kernel := kernelOf(base, step.Spec.Kernel)
	var before []*sweep.Knob
	for i := range space.Knobs {
		o := &space.Knobs[i]
		if o == k {
			break
		}
		if o.Kind.IsLoop() && kernelOf(base, knobKernel(o)) == kernel {
			before = append(before, o)
		}
	}
	if len(before) == 0 {
		return alone
	}
	found, all := someContext(before, func(plan loops.Plan) bool {
		_, err := append(plan, step).Apply(base)
		return err == nil
	})
	if found || !all {
		return nil
	}
	return fmt.Errorf("%w (nor after any of the earlier knobs' values on %s)", alone, step.Spec.Kernel)
}

// someContext reports whether ok holds for the plan of some combination
// of knobs' values (none adds no step), trying them in odometer order,
// and whether it tried them all (at most maxContexts are tried).
func someContext(knobs []*sweep.Knob, ok func(loops.Plan) bool) (found, all bool) {
	at := make([]int, len(knobs))
	for range maxContexts {
		var plan loops.Plan
		for i, o := range knobs {
			if st := o.Values[at[i]].Step; st != nil {
				plan = append(plan, *st)
			}
		}
		if ok(plan) {
			return true, false
		}
		i := len(at) - 1
		for ; i >= 0; i-- {
			if at[i]++; at[i] < len(knobs[i].Values) {
				break
			}
			at[i] = 0
		}
		if i < 0 {
			return false, true
		}
	}
	return false, false
}

// knobKernel is the kernel name a loop knob's steps give.
func knobKernel(k *sweep.Knob) string {
	for _, v := range k.Values {
		if v.Step != nil {
			return v.Step.Spec.Kernel
		}
	}
	return ""
}

// kernelOf is the loop-IR name of the kernel name means on p (a kernel's
// name or an ONNX node it computes), as the loop passes resolve it.
func kernelOf(p *loop.Program, name string) string {
	if n, err := loops.KernelName(p, name); err == nil {
		return n
	}
	return name
}

// checkPlace refuses a place value no design can apply: its overrides
// on the lowered program, or, where that fails (a buffer a loop knob
// makes: a copy's B_tile, a partition's banks), after every combination
// of the values of the loop knobs on the kernels it names (let through
// where there are more than maxContexts and none of those tried works).
func checkPlace(base *loop.Program, space *sweep.Space, ovs []place.Override) error {
	alone := checkOverrides(base, ovs)
	if alone == nil {
		return nil
	}
	named := map[string]bool{}
	for _, o := range ovs {
		if o.Kernel != "" {
			named[kernelOf(base, o.Kernel)] = true
		}
	}
	var knobs []*sweep.Knob
	for i := range space.Knobs {
		if o := &space.Knobs[i]; o.Kind.IsLoop() && named[kernelOf(base, knobKernel(o))] {
			knobs = append(knobs, o)
		}
	}
	if len(knobs) == 0 {
		return alone
	}
	found, all := someContext(knobs, func(plan loops.Plan) bool {
		p, err := plan.Apply(base)
		return err == nil && checkOverrides(p, ovs) == nil
	})
	if found || !all {
		return nil
	}
	return fmt.Errorf("%w (nor after any of the values of the loop knobs on its kernels)", alone)
}

// checkOverrides refuses a place value whose names the model lacks (or
// whose space a buffer cannot take): placement on a chip with room for
// everything, so only the names and the spaces can fail; what fits is
// each design's device's question.
func checkOverrides(base *loop.Program, ovs []place.Override) error {
	huge := place.Capacity{BRAM36: math.MaxInt32, URAM: math.MaxInt32, Ports: 2}
	_, _, err := place.Apply(base, place.Options{Capacity: huge, Overrides: ovs})
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, o := range ovs { // the knob and the line say where
		msg = strings.ReplaceAll(msg, o.Source+" "+o.String()+": place: ", o.String()+": ")
	}
	return errors.New(msg)
}

// open starts the results file, or continues it under --resume.
func (sw *sweepFlags) open(path string, h sweep.Header) (*sweep.Writer, *sweep.Done, error) {
	_, statErr := os.Stat(path)
	switch {
	case sw.resume && statErr == nil:
		done, err := sweep.Resume(path, h)
		if err != nil {
			return nil, nil, err
		}
		w, err := sweep.Append(path, h, sw.sync)
		return w, done, err
	case statErr == nil:
		return nil, nil, fmt.Errorf("%s exists: --resume continues it; another -o starts afresh", path)
	}
	w, err := sweep.Create(path, h, sw.sync)
	return w, nil, err
}

// writeSummary reads the results at path and writes the front, plots
// and README into dir.
func writeSummary(out io.Writer, path, dir string, objs []summary.Objective, command string) (*summary.Summary, error) {
	sum, err := summary.Read(path, objs)
	if err != nil {
		return nil, err
	}
	files, err := sum.Files(command)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		if err := writeAtomic(filepath.Join(dir, name), data); err != nil {
			return nil, err
		}
	}
	var fronts []string
	for _, n := range sum.FrontNames() {
		fronts = append(fronts, fmt.Sprintf("%s %d", n, len(sum.Front(n))))
	}
	fmt.Fprintf(out, "sweep: Pareto front (%s): %s designs; %s/README.md\n", strings.Join(fronts, ", "), frontSize(sum), dir)
	return sum, nil
}

func frontSize(s *summary.Summary) string {
	n := 0
	for _, f := range s.FrontNames() {
		n += len(s.Front(f))
	}
	return fmt.Sprint(n)
}

// writeAtomic writes data to path through a temporary file in the same
// folder, so path is whole or untouched.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err = errors.Join(err, tmp.Close()); err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newSweepMerge() *cobra.Command {
	var out string
	var objectives []string
	cmd := &cobra.Command{
		Use:   "merge DIR... -o OUT",
		Short: "join sweep outputs (shards) into one, dropping duplicate designs, and write its front and plots",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return errors.New("-o OUT is required")
			}
			objs, err := summary.LookupObjectives(objectives)
			if err != nil {
				return err
			}
			for _, in := range args { // before anything is written
				if _, err := os.Stat(in); err != nil {
					return err
				}
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			path := filepath.Join(out, sweep.ResultsFile)
			st, err := sweep.Merge(path, args...)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "merge: %+v into %s\n", st, path)
			_, err = writeSummary(cmd.OutOrStdout(), path, out, objs, "kiln sweep merge "+strings.Join(args, " ")+" -o "+out)
			return err
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "the merged output folder")
	cmd.Flags().StringSliceVar(&objectives, "objectives", nil, "the front's objectives (as kiln sweep)")
	return cmd
}

// settings is the results header's record of what the space does not
// say and the figures depend on: the defaults of the knobs it leaves out,
// the memory interface, off-chip memory (a file by its contents'
// SHA-256) and the validation data. --resume and merge refuse a file
// made under others.
func (sw *sweepFlags) settings(space *sweep.Space) (string, error) {
	var parts []string
	for _, d := range []struct{ knob, text string }{
		{"device", "device=" + sw.target}, {"clock", fmt.Sprintf("clock=%g", sw.clock)},
		{"channels", fmt.Sprintf("channels=%d", sw.channels)}, {"precision", "precision=" + noFP32(sw.precision)},
		{"placement", "placement=" + sw.placement},
	} {
		if space.Knob(d.knob) == nil {
			parts = append(parts, d.text)
		}
	}
	iface := sw.iface
	if iface == "" {
		iface = "shared"
	}
	memory := sw.memory
	if strings.EqualFold(filepath.Ext(memory), ".json") {
		data, err := os.ReadFile(memory)
		if err != nil {
			return "", fmt.Errorf("--offchip-memory: %w", err)
		}
		memory = fmt.Sprintf("%s (sha256:%x)", filepath.Base(memory), sha256.Sum256(data))
	}
	parts = append(parts, "interface="+iface, "offchip-memory="+memory, "data="+sw.lower.data)
	return strings.Join(parts, " "), nil
}
