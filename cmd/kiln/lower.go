package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/accuracy"
	"github.com/kiln-hls/kiln/hls"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower"
)

// lowerFlags are kiln lower's options.
type lowerFlags struct {
	out           string
	emit          []string
	sparseDensity float64
	noFuse        bool
	force         bool
	precision     string
	data          string
	tables        tableFlags

	windows    int                             // validation windows the bench keeps (0: all; kiln sweep --windows)
	dataAlways bool                            // --data is not only for --precision (compile)
	bench      func() (*accuracy.Bench, error) // the validation data, prepared once
}

var emitFormats = []string{"kir", "ll", "c"}

func newLower(gf *globalFlags) *cobra.Command {
	lf := &lowerFlags{}
	cmd := &cobra.Command{
		Use:   "lower MODEL [-o DIR] [--emit kir,ll,c]",
		Short: "lower a model to loop IR, LLVM IR and C: print the loop IR, or write the files to DIR",
		Long: `lower runs the compile pipeline (clean-up, then fuse-ops unless --no-fuse), lowers every
node to a loop-IR kernel (a producer and the chain of element-wise nodes after it to one kernel,
unless --no-fuse) and calls them in order from a top function named forward_kernel. Without -o it
prints the loop IR. With -o it writes DIR/forward_kernel.kir (the loop IR), DIR/forward_kernel.ll
(every kernel and the top in one module, checked against the Bambu subset) and the C: one .c and
.h per kernel, forward_kernel.c/.h, and forward_kernel_all.c (everything in one file to build).
Every node without a lowering is named in one error, and then nothing is written.

With --precision P the lowered program is narrowed to the spec P (see kiln eval --precision) before
it is printed or emitted; int8 and int16 take their scales from the ranges the model's validation
data gives (a built-in model's own, or --data DIR's). With -o, DIR/narrow_report.txt says what
each kernel became, and DIR/bambu_fp_format.txt holds the --fp-format option for the kernels
that compute in a narrow float format (Bambu's front end reads only float and double).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lf.tables.given = changed(cmd, "lut-size", "lut-range", "lut-nearest")
			files, text, err := lf.build(gf, args[0])
			if err != nil {
				return err
			}
			if lf.out == "" {
				fmt.Fprint(cmd.OutOrStdout(), text)
				return nil
			}
			if err := writeFiles(lf.out, files, lf.force); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "lower: wrote %d files to %s\n", len(files), lf.out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&lf.out, "out", "o", "", "write the files to this folder (created; must be empty unless --force)")
	f.StringSliceVar(&lf.emit, "emit", emitFormats, "what to write with -o: kir, ll, c")
	f.Float64Var(&lf.sparseDensity, "sparse-density", 0, "largest density of a constant MatMul operand lowered as a loop over its non-zeros (0: the default, 0.5; negative: never)")
	f.BoolVar(&lf.noFuse, "no-fuse", false, "one kernel per node: no fuse-ops (BatchNormalization kept), no element-wise chains fused into their producer")
	f.BoolVar(&lf.force, "force", false, "write into a folder that is not empty")
	f.StringVar(&lf.precision, "precision", "", "narrow the program to this precision spec (as kiln eval --precision; not auto)")
	lf.tables.add(cmd)
	f.StringVar(&lf.data, "data", "", "with --precision: calibrate on DIR/test_data_set_*/input_*.pb (default: a built-in model's validation data)")
	return cmd
}

// build loads and lowers the model and emits every requested file, in
// memory: nothing is written until all of it succeeded.
func (lf *lowerFlags) build(gf *globalFlags, arg string) (map[string]string, string, error) {
	for _, e := range lf.emit {
		if !slices.Contains(emitFormats, e) {
			return nil, "", fmt.Errorf("--emit %q: want kir, ll or c", e)
		}
	}
	files := map[string]string{}
	p, err := lf.lowered(gf, arg, files)
	if err != nil {
		return nil, "", err
	}
	text := p.String()
	if lf.out == "" {
		return nil, text, nil // printing the loop IR only
	}
	var errs []error
	for _, e := range lf.emit {
		switch e {
		case "kir":
			files[p.Name+".kir"] = text
		case "ll":
			ll, err := emitLL(p)
			errs = append(errs, err)
			files[p.Name+".ll"] = ll
		case "c":
			cp, err := hls.EmitCProgram(p)
			errs = append(errs, err)
			for name, s := range cp.Files() {
				files[name] = s
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, "", err
	}
	return files, text, nil
}

// lowered loads, cleans up, fuses and lowers the model, and narrows it
// with --precision, adding the narrowing's report files to files.
func (lf *lowerFlags) lowered(gf *globalFlags, arg string, files map[string]string) (*loop.Program, error) {
	if !(lf.sparseDensity <= 1) { // NaN too
		return nil, fmt.Errorf("--sparse-density %g: a density is at most 1", lf.sparseDensity)
	}
	m, err := gf.loadRaw(arg)
	if err != nil {
		return nil, err
	}
	pipeline := passes.CompilePipeline
	if lf.noFuse {
		pipeline = passes.CleanupPipeline
	}
	if err := passes.RunGraph(gf.passContext(), m.Graph, pipeline); err != nil {
		return nil, err
	}
	p, err := lower.Program(m.Graph, lower.Options{SparseDensity: lf.sparseDensity, Fuse: !lf.noFuse})
	if err != nil {
		return nil, err
	}
	if lf.precision == "" {
		if lf.data != "" && !lf.dataAlways || lf.tables.given {
			return nil, fmt.Errorf("--data and --lut-* apply with --precision only")
		}
		return p, nil
	}
	return lf.narrow(gf, arg, m.Graph, p, files)
}

// emitLL emits p's module and checks it against the Bambu subset.
func emitLL(p *loop.Program) (string, error) {
	m, err := hls.EmitLLVMProgramModule(p)
	if err != nil {
		return "", err
	}
	if err := hls.CheckBambuModule(m); err != nil {
		return "", fmt.Errorf("lower: the emitted module breaks the Bambu subset: %w", err)
	}
	return m.String(), nil
}

// writeFiles writes files into dir (created if needed; it must be empty
// unless force), each through a temporary name, in name order.
func writeFiles(dir string, files map[string]string, force bool) error {
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	case err != nil:
		return err
	case len(ents) > 0 && !force:
		return fmt.Errorf("%s is not empty (use --force to write into it)", dir)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.ContainsAny(name, `/\`) {
			return fmt.Errorf("file name %q has a path separator", name)
		}
		data := files[name]
		if err := writeWhole(filepath.Join(dir, name), func(w io.Writer) error {
			_, err := io.WriteString(w, data)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}
