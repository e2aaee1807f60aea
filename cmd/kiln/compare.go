package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/sim/gpu"
	"github.com/kiln-hls/kiln/targets"
)

// gpuComparison is what kiln compare --json prints.
type gpuComparison struct {
	Model     string `json:"model"`
	Batch     int    `json:"batch"`
	Precision string `json:"precision"`
	// Targets are the FPGA/ASIC columns: kiln sim's estimates for each
	// -t TARGET (targetColumns).
	Targets []targetColumn `json:"targets"`
	GPUs    []gpuColumn    `json:"gpus"`
}

// gpuColumn is the model's estimate for one GPU and the measurements
// imported for the same model, GPU, batch and precision.
type gpuColumn struct {
	gpu.Result
	Measured []measured `json:"measured,omitempty"`
}

type measured struct {
	gpu.Measurement
	Date   string  `json:"date"`
	Source string  `json:"source"`
	File   string  `json:"file"`
	Error  float64 `json:"model_error"` // model / measured − 1, per inference
}

type compareFlags struct {
	gpus, targets []string
	precision     string
	fpgaPrecision string
	clock         float64
	channels      int
	baselines     string
	json, layers  bool
	placing       placeFlags // memory placement on the -t targets
}

func newCompare(gf *globalFlags) *cobra.Command {
	var cf compareFlags
	cmd := &cobra.Command{
		Use:   "compare MODEL",
		Short: "estimate MODEL on GPUs and FPGA/ASIC targets side by side, with imported GPU measurements",
		Long: `compare estimates one batch of MODEL (a built-in name or an .onnx file) on each
--gpu as PyTorch runs it (sim/gpu: kernels per node, launch overhead, compute and memory
time, host transfers), at --batch (default 1) and --precision, and shows next to each
GPU the measurements imported with 'kiln baseline import' for the same model, GPU, batch
and precision (from --baselines; see 'kiln baseline --help'). Each -t TARGET adds kiln sim's
estimate of the model on that FPGA or ASIC (one window per inference, at --clock, with
--fpga-precision or --precision's counterpart) and its speed-up and energy ratio against each GPU.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(cf.targets) == 0 && changed(cmd, "placement", "place", "offchip-memory") {
				return fmt.Errorf("--placement, --place and --offchip-memory place memory on the -t targets: give one")
			}
			if _, _, err := cf.placing.check(); err != nil {
				return err
			}
			c, err := compare(gf, cf, args[0])
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if cf.json {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(c)
			}
			printComparison(w, c, cf.layers)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&cf.gpus, "gpu", []string{"a100-sxm4-40gb"}, "GPUs to estimate (repeatable or comma-separated; "+strings.Join(targets.GPUNames(), ", ")+")")
	f.StringArrayVarP(&cf.targets, "target", "t", nil, "FPGA/ASIC targets estimated with kiln sim's model (repeatable; kiln targets lists them)")
	f.StringVar(&cf.fpgaPrecision, "fpga-precision", "", "precision spec on the FPGA/ASIC targets (default: --precision's counterpart: fp32, fp16, bf16, amp, int8)")
	f.Float64Var(&cf.clock, "clock", 10, "clock period of the FPGA/ASIC targets in ns")
	f.IntVar(&cf.channels, "channels", 2, "memory channels of the FPGA/ASIC targets (Bambu's --channels-number)")
	f.StringVar(&cf.precision, "precision", "fp32", "GPU precision: fp64, fp32, tf32, fp16, bf16, amp or int8")
	f.StringVar(&cf.baselines, "baselines", "", "folder of imported measurements (default $KILN_BASELINES, else <user config dir>/kiln/baselines)")
	f.BoolVar(&cf.json, "json", false, "print JSON")
	f.BoolVar(&cf.layers, "layers", false, "print each GPU's per-layer breakdown")
	cf.placing.add(cmd)
	return cmd
}

// compare loads the model at the batch, runs the compile pipeline and
// estimates it on every GPU.
func compare(gf *globalFlags, cf compareFlags, arg string) (*gpuComparison, error) {
	prec, err := gpu.ParsePrecision(cf.precision)
	if err != nil {
		return nil, fmt.Errorf("--precision: %w", err)
	}
	var gs []targets.GPU
	for _, name := range cf.gpus {
		g, err := targets.LookupGPU(name)
		if err != nil {
			return nil, fmt.Errorf("--gpu: %w", err)
		}
		gs = append(gs, g)
	}
	m, err := gf.loadRaw(arg)
	if err != nil {
		return nil, err
	}
	if err := passes.RunGraph(gf.passContext(), m.Graph, passes.CompilePipeline); err != nil {
		return nil, err
	}
	batch, err := graphBatch(m.Graph, gf.batch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	name, sum, err := modelIdentity(arg)
	if err != nil {
		return nil, err
	}
	bases, err := loadBaselines(baselineDir(cf.baselines))
	if err != nil {
		return nil, err
	}
	c := &gpuComparison{Model: name, Batch: batch, Precision: string(prec)}
	for _, g := range gs {
		r, err := gpu.Estimate(m.Graph, g, gpu.Options{Batch: batch, Precision: prec, Params: gpu.DefaultParams()})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", arg, err)
		}
		c.GPUs = append(c.GPUs, gpuColumn{Result: r, Measured: measuredFor(bases, r, name, sum)})
	}
	if c.Targets, err = targetColumns(gf, cf, arg, batch, c.GPUs); err != nil {
		return nil, err
	}
	return c, nil
}

// measuredFor picks the imported measurements of the model (by name or by
// the SHA-256 of its file) on r's GPU at r's batch and precision.
func measuredFor(bases []storedBaseline, r gpu.Result, name, sum string) []measured {
	var out []measured
	for _, b := range bases {
		if b.GPU != r.GPU || !(b.Model == name || (b.ModelSHA256 != "" && b.ModelSHA256 == sum)) {
			continue
		}
		for _, ms := range b.Find(gpu.Precision(r.Precision), r.Batch) {
			out = append(out, measured{Measurement: ms, Date: b.Date, Source: b.Source, File: b.file, Error: r.PerInferenceUS/ms.PerInferenceUS - 1})
		}
	}
	return out
}

// graphBatch is the batch the graph computes: --batch when the model's
// batch dimension was bound to it, 1 when --batch is not given. A model
// whose first input has a fixed leading dimension other than --batch is
// an error.
func graphBatch(g *graph.Graph, flag int) (int, error) {
	if flag == 0 {
		return 1, nil
	}
	if len(g.Inputs) > 0 {
		sh := g.Tensors[g.Inputs[0]].Shape
		if len(sh) == 0 || sh[0] != flag {
			return 0, fmt.Errorf("--batch %d: the model's input %s is %v, with no batch dimension of %d (a fixed batch?)", flag, g.Tensors[g.Inputs[0]].Name, sh, flag)
		}
	}
	return flag, nil
}

// modelIdentity is the name baselines use for MODEL (the built-in name or
// the file's base name without .onnx) and the SHA-256 of its bytes.
func modelIdentity(arg string) (name, sum string, err error) {
	_, z, err := modelArg(arg)
	if err != nil {
		return "", "", err
	}
	var data []byte
	if z != nil {
		name = z.Name
		data, err = z.ONNX()
	} else {
		name = strings.TrimSuffix(filepath.Base(arg), ".onnx")
		data, err = os.ReadFile(arg)
	}
	if err != nil {
		return "", "", err
	}
	h := sha256.Sum256(data)
	return name, hex.EncodeToString(h[:]), nil
}

func printComparison(w io.Writer, c *gpuComparison, layers bool) {
	fmt.Fprintf(w, "model %s, batch %d, precision %s (GPU estimates: sim/gpu, PyTorch-style kernels, end to end)\n", c.Model, c.Batch, c.Precision)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "gpu\tbatch µs\tper inference µs\tenergy µJ\tpower W\ttransfer %\tkernels\t% of peak\tmeasured µs\t")
	for _, g := range c.GPUs {
		meas := "-"
		var ms []string
		for _, m := range g.Measured {
			ms = append(ms, fmt.Sprintf("%.1f (%s, %s)", m.PerInferenceUS, m.Runtime, m.Date))
		}
		if len(ms) > 0 {
			meas = strings.Join(ms, "; ")
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%.2f\t%.1f\t%.0f\t%.0f\t%d\t%.2f\t%s\t\n", g.GPU, g.BatchLatencyUS, g.PerInferenceUS, g.EnergyUJ, g.PowerW,
			100*g.TransferUS/g.BatchLatencyUS, g.Kernels, 100*g.PeakFraction, meas)
	}
	tw.Flush()
	printTargets(w, c.Targets)
	if !layers {
		return
	}
	for _, g := range c.GPUs {
		fmt.Fprintf(w, "\n%s: per layer\n", g.GPU)
		tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "layer\top\tkernels\tGFLOP\tMB\tcompute µs\tmemory µs\tlaunch µs\ttime µs\tbound")
		for _, l := range g.Layers {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.3f\t%.2f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\n", l.Name, l.Op, l.Kernels, l.GFLOP, l.MB, l.ComputeUS, l.MemoryUS, l.LaunchUS, l.TimeUS, l.Bound)
		}
		tw.Flush()
	}
}
