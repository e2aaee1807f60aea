package main

import (
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	kbackend "github.com/kiln-hls/kiln/backend"
	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func newEval(gf *globalFlags) *cobra.Command {
	var data, backend string
	var raw bool
	var pf precisionFlags
	cmd := &cobra.Command{
		Use:   "eval MODEL [--data DIR] [--precision P [--budget B] [--json]]",
		Short: "run MODEL on DIR/test_data_set_*/input_*.pb and compare with output_*.pb (ONNX's tolerance); a built-in model uses its embedded validation data by default. With --precision: narrow the model to P and report its accuracy against fp32 (RMSE, max abs error, relative RMSE, overflows, outputs_sha256)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, builtin, err := modelArg(args[0])
			if err != nil {
				return err
			}
			lo, err := gf.loadOptions()
			if err != nil {
				return err
			}
			var fsys fs.FS
			switch {
			case data != "":
				if st, err := os.Stat(data); err != nil || !st.IsDir() {
					return fmt.Errorf("--data %s: not a folder", data)
				}
				fsys = os.DirFS(data)
			case builtin != nil:
				fsys, data = builtin.Data(), "(built-in "+builtin.Name+")"
			default:
				return fmt.Errorf("--data DIR is required for a model file")
			}
			if pf.studied(cmd) {
				if raw {
					return fmt.Errorf("--raw: a precision study runs the compile pipeline")
				}
				if !cmd.Flags().Changed("backend") {
					backend = "loop"
				}
				return runPrecision(cmd, src, fsys, gf, backend, &pf)
			}
			results, err := conform.Eval(src, fsys, conform.Options{Load: lo, Backend: backend, Native: runNative, Raw: raw, Passes: gf.passContext()})
			if err != nil {
				return fmt.Errorf("--data %s: %w", data, err)
			}
			return printResults(cmd, results)
		},
	}
	cmd.Flags().StringVar(&data, "data", "", "folder with test_data_set_* folders")
	cmd.Flags().StringVar(&backend, "backend", "ref", backendHelp)
	cmd.Flags().BoolVar(&raw, "raw", false, "evaluate the graph as read, without the clean-up passes")
	pf.add(cmd)
	return cmd
}

// backendHelp documents --backend.
var backendHelp = "evaluation back end: " + strings.Join(conform.Backends, ", ") +
	" (ref: the reference evaluator; loop: lowered to loop IR and interpreted; llvm, c: lowered, emitted, built with clang or gcc and run)"

func newConform(gf *globalFlags) *cobra.Command {
	var backend string
	var raw bool
	var jobs int
	cmd := &cobra.Command{
		Use:   "conform DIR...",
		Short: "evaluate every case folder (holding model.onnx) under DIR and compare with its stored outputs",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lo, err := gf.loadOptions()
			if err != nil {
				return err
			}
			cases, err := conform.FindCases(args)
			if err != nil {
				return err
			}
			if jobs < 1 {
				return fmt.Errorf("--jobs %d: must be at least 1", jobs)
			}
			if gf.dumpAfter != "" || gf.passTiming {
				jobs = 1 // one case's passes at a time on stderr
			}
			opt := conform.Options{Load: lo, Backend: backend, Native: runNative, Raw: raw, Passes: gf.passContext(), Jobs: jobs}
			if err := opt.Check(); err != nil {
				return err
			}
			return printResults(cmd, conform.Cases(cases, opt))
		},
	}
	cmd.Flags().StringVar(&backend, "backend", "ref", backendHelp)
	cmd.Flags().BoolVar(&raw, "raw", false, "evaluate the graphs as read, without the clean-up passes")
	cmd.Flags().IntVarP(&jobs, "jobs", "j", runtime.GOMAXPROCS(0), "cases run at a time")
	return cmd
}

// printResults prints one line per result and the tally; it fails unless
// every result passed.
func printResults(cmd *cobra.Command, results []conform.Result) error {
	w := cmd.OutOrStdout()
	var counts [3]int
	for _, r := range results {
		counts[r.Status]++
		if r.Detail == "" {
			fmt.Fprintf(w, "%s %s\n", r.Status, r.Name)
		} else {
			fmt.Fprintf(w, "%s %s: %s\n", r.Status, r.Name, r.Detail)
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d unsupported\n", counts[conform.Pass], counts[conform.Fail], counts[conform.Unsupported])
	if counts[conform.Fail]+counts[conform.Unsupported] > 0 {
		return errFailed
	}
	return nil
}

// runNative runs the lowering back ends for conform (which does not import
// package backend; see conform.Options.Native).
func runNative(name string, g *graph.Graph, inputs []*dtype.Array) ([]*dtype.Array, error) {
	return kbackend.Run(name, g, inputs, kbackend.Options{})
}
