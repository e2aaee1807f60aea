package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/passes"
)

// globalFlags are the options every command that reads a model shares.
type globalFlags struct {
	batch          int
	dims           []string
	maxTensorBytes int64
	dumpAfter      string
	verifyEach     bool
	passTiming     bool
}

// errFailed makes kiln exit 1 after a command has printed its own verdict.
var errFailed = errors.New("")

func exitCode(err error) int {
	if errors.Is(err, errFailed) {
		return 1
	}
	return 2
}

func newRoot() *cobra.Command {
	gf := &globalFlags{}
	root := &cobra.Command{
		Use:           "kiln",
		Short:         "kiln compiles spatio-temporal neural networks (ONNX) to HLS hardware and estimates their cost",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.IntVar(&gf.batch, "batch", 0, "bind the symbolic batch dimension (default 1, or the data's)")
	pf.StringArrayVar(&gf.dims, "dim", nil, "bind a symbolic dimension: --dim name=N (repeatable)")
	pf.Int64Var(&gf.maxTensorBytes, "max-tensor-bytes", onnx.DefaultMaxTensorBytes, "refuse any tensor larger than this many bytes")
	pf.StringVar(&gf.dumpAfter, "dump-after", "", "print the IR after the named pass (or 'all') to stderr")
	pf.BoolVar(&gf.verifyEach, "verify-each", false, "verify the IR after every pass")
	pf.BoolVar(&gf.passTiming, "pass-timing", false, "print each pass's time to stderr")
	root.AddCommand(newInspect(gf), newEval(gf), newConform(gf), newLower(gf), newPasses(), newGridsim(), newModels(gf))
	root.AddCommand(newBambuReport(), newCompile(gf), newTargets(), newCompare(gf), newBaseline(), newSim(gf), newReport(), newSweep(gf))
	return root
}

func (gf *globalFlags) loadOptions() (onnx.Options, error) {
	opt := onnx.Options{Batch: gf.batch, MaxTensorBytes: gf.maxTensorBytes}
	if gf.batch < 0 {
		return opt, fmt.Errorf("--batch %d: must be at least 1", gf.batch)
	}
	if gf.maxTensorBytes <= 0 {
		return opt, fmt.Errorf("--max-tensor-bytes %d: must be positive", gf.maxTensorBytes)
	}
	if err := checkPassName(gf.dumpAfter); err != nil {
		return opt, err
	}
	for _, d := range gf.dims {
		name, val, ok := strings.Cut(d, "=")
		n, err := strconv.Atoi(val)
		if !ok || name == "" || err != nil || n <= 0 {
			return opt, fmt.Errorf("--dim %q: want name=N with N a positive integer", d)
		}
		if opt.Dims == nil {
			opt.Dims = map[string]int{}
		}
		opt.Dims[name] = n
	}
	return opt, nil
}

func (gf *globalFlags) passContext() *passes.Context {
	ctx := &passes.Context{MaxTensorBytes: gf.maxTensorBytes, VerifyEach: gf.verifyEach, DumpAfter: gf.dumpAfter}
	if gf.dumpAfter != "" {
		ctx.Dump = func(pass, ir string) { fmt.Fprintf(os.Stderr, "// after %s\n%s", pass, ir) }
	}
	if gf.passTiming {
		ctx.Timing = func(pass string, d time.Duration) { fmt.Fprintf(os.Stderr, "pass %-16s %v\n", pass, d) }
	}
	return ctx
}

// checkPassName rejects a --dump-after that names no pass, which would
// otherwise dump nothing without a word.
func checkPassName(name string) error {
	if name == "" || name == "all" {
		return nil
	}
	var names []string
	for _, p := range passes.GraphPasses() {
		if p.Name == name {
			return nil
		}
		names = append(names, p.Name)
	}
	return fmt.Errorf("--dump-after %q: no such pass (want all or one of %s)", name, strings.Join(names, ", "))
}

// laterStages are the steps after the graph passes: name, what they work
// on, what they do.
var laterStages = [][3]string{
	{"calibrate", "data", "run the validation inputs through the reference evaluator and record each tensor's min, max, max-abs and 99.9th percentile (passes.Calibrate; int8/int16 scales come from it)"},
	{"lower", "lower", "graph → loop IR: one kernel per node or fused element-wise chain, called in order by the top forward_kernel (passes/lower)"},
	{"narrow-precision", "loop", "retype the lowered program to a precision spec: fp16, bf16, fp8, amp, int8/int16 (power-of-two scales from calibration) or fixed<W,I>, per layer and per role; lookup tables for non-linear functions (passes/narrow)"},
	{"tile", "loop", "split a loop into i.outer and i.inner, remainders handled (kiln compile --tile; passes/loops)"},
	{"interchange", "loop", "swap two loops where every element's updates keep their order (kiln compile --interchange)"},
	{"unroll", "loop", "unroll a loop by N or fully: an unroll directive for Bambu, or expanded in the IR (kiln compile --unroll)"},
	{"partition", "loop", "bank a buffer cyclic, block or complete into separate buffers, for more memory ports (kiln compile --partition)"},
	{"copy", "loop", "stage the part of a buffer one iteration of a loop reads in an on-chip buffer filled by a copy nest, so an off-chip weight's tile is read once (kiln compile --copy)"},
	{"place-memory", "loop", "give every buffer a memory space (register, on-chip RAM/ROM, off chip) by size and reuse within the device's capacity, with overrides (kiln compile --placement, --place; passes/place)"},
	{"auto-precision", "loop", "search per-layer fixed-point widths whose relative RMSE against fp32 stays within a budget (kiln eval --precision auto --budget B)"},
}

func newPasses() *cobra.Command {
	return &cobra.Command{
		Use:   "passes",
		Short: "list the compiler's passes in pipeline order",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			for _, p := range passes.GraphPasses() {
				fmt.Fprintf(w, "%-18s graph  %s\n", p.Name, p.Doc)
			}
			for _, s := range laterStages {
				fmt.Fprintf(w, "%-18s %-6s %s\n", s[0], s[1], s[2])
			}
			return nil
		},
	}
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
