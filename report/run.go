// Package report is kiln report: it runs the built-in models through the
// FPGA/ASIC schedule model (sim) at several precisions, through the GPU
// model (sim/gpu) at batch 1 and at the study's batch, measures each
// precision's accuracy against fp32 on the validation windows (accuracy),
// and writes the whole as a markdown report with tables and plots
// (Files). Run computes; Files formats; nothing here writes to disk.
package report

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/kiln-hls/kiln/passes/place"

	"github.com/kiln-hls/kiln/accuracy"
	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower"
	"github.com/kiln-hls/kiln/sim"
	"github.com/kiln-hls/kiln/sim/gpu"
	"github.com/kiln-hls/kiln/targets"
)

// Target is an FPGA part or ASIC library at a clock period.
type Target struct {
	Device  string
	ClockNS float64
	Why     string // why this clock (printed in the report)
}

// Config is the matrix a report covers.
type Config struct {
	Models     []string // built-in model names
	Targets    []Target
	Precisions []string // kiln precision specs; the first must be fp32
	GPUs       []string
	Batches    []int // GPU batches; the FPGA/ASIC designs compute one window per inference
	Channels   int   // memory channels of the FPGA/ASIC designs
	// Windows is, per model, how many validation windows (the first
	// ones) the accuracy study and the int8 calibration use; a model not
	// listed uses all of them.
	Windows map[string]int
}

// StudyBatch is the batch of the study's GPU measurements (DGX A100,
// PyTorch, batch 2048: issue 7 part 4, from the study "Analyzing inference
// workloads for spatiotemporal modeling", FGCS 2024).
const StudyBatch = 2048

// Default is kiln report's matrix: the three built-in models on a small
// FPGA and an ASIC library at four precisions, against the study's A100
// and an H100 at batch 1 and at the study's batch.
//
// Clocks: xc7z020 at 10 ns, the clock of Bambu's own characterisation of
// that part (../shared/calibration/softfloat_libm.csv has xc7z020 at 5 and
// 10 ns) and of SODA's PolyBench runs. nangate45 at 5 ns, the clock of the
// Bambu ASIC runs the model was checked on (the SODA tutorials' nangate45
// kernels, ../shared/calibration/README.md, all at 5 ns).
func Default() Config {
	return Config{
		Models: zoo.Names(),
		Targets: []Target{
			{Device: "xc7z020-1clg484-VVD", ClockNS: 10, Why: "Bambu's characterisation clock for this part (softfloat_libm.csv) and SODA's PolyBench clock"},
			{Device: "nangate45", ClockNS: 5, Why: "the clock of the SODA tutorials' Bambu/OpenROAD nangate45 runs the model was checked on (calibration/README.md)"},
		},
		Precisions: []string{"fp32", "fp16", "fixed<16,6>", "int8"},
		GPUs:       []string{"a100-sxm4-40gb", "h100-sxm"},
		Batches:    []int{1, StudyBatch},
		Channels:   2,
		// The embedded validation data holds 16 windows per model. The
		// STGCN runs about 6 s per window and precision on the loop
		// interpreter on one core, so it gets 1 window: the whole
		// report stays under a minute on 2 cores.
		Windows: map[string]int{"stgcn": 1},
	}
}

// Quick is a smaller matrix for tests and a first look: two precisions,
// 4 validation windows (1 for the STGCN).
func Quick() Config {
	c := Default()
	c.Precisions = []string{"fp32", "int8"}
	c.Windows = map[string]int{"lstm": 4, "cnn": 4, "stgcn": 1}
	return c
}

// Design is one FPGA/ASIC design point: a model at a precision on a
// target, as sim estimates it (one inference = one validation window).
type Design struct {
	Model, Precision string
	Target           Target
	Kind             targets.Kind
	Sim              *sim.Result
}

// GPURun is one model on one GPU at a batch and a GPU precision.
type GPURun struct {
	Model string
	gpu.Result
}

// Accuracy is a precision's error against fp32 on the validation windows
// (the loop back end runs the narrowed program).
type Accuracy struct {
	Model, Precision      string
	RelRMSE, RMSE, MaxAbs float64
	Windows, Compared     int
}

// Report is a computed matrix.
type Report struct {
	Config   Config
	Designs  []Design
	GPUs     []GPURun
	Accuracy []Accuracy
}

// GPUPrecision is the GPU precision a design's precision is compared
// with: the same format where the GPU has it, fp16 for 16-bit fixed point
// (the GPU's 16-bit format), and fp32 for anything else.
func GPUPrecision(spec string) gpu.Precision {
	switch spec {
	case "fp16":
		return gpu.FP16
	case "int8":
		return gpu.INT8
	}
	if strings.HasPrefix(spec, "fixed<16,") {
		return gpu.FP16
	}
	return gpu.FP32
}

// Run computes the matrix. The accuracy runs (the slow part: the loop
// interpreter) run on all cores; each result lands in its own slot, so the
// report does not depend on their order.
func Run(c Config) (*Report, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	r := &Report{Config: c}
	var jobs []accJob
	for _, name := range c.Models {
		js, err := r.model(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		jobs = append(jobs, js...)
	}
	r.Accuracy = make([]Accuracy, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for i := range next {
				r.Accuracy[i], errs[i] = jobs[i].run()
			}
		})
	}
	// The slowest model first, so that the cores finish together.
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return jobs[order[a]].cost > jobs[order[b]].cost })
	for _, i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return r, nil
}

// accJob is one accuracy run: a model's bench at a precision.
type accJob struct {
	model, precision string
	spec             passes.PrecisionSpec
	bench            *accuracy.Bench
	cost             int64 // the fp32 design's operations per inference × windows: a guess at the run time
}

func (j accJob) run() (Accuracy, error) {
	res, err := j.bench.Evaluate(j.spec, "loop")
	if err != nil {
		return Accuracy{}, fmt.Errorf("%s %s: accuracy: %w", j.model, j.precision, err)
	}
	a := res.Accuracy
	return Accuracy{Model: j.model, Precision: j.precision, RelRMSE: a.RelRMSE, RMSE: a.RMSE, MaxAbs: a.MaxAbs,
		Windows: windows(j.bench), Compared: a.N}, nil
}

func (c Config) check() error {
	switch {
	case len(c.Models) == 0 || len(c.Targets) == 0 || len(c.Precisions) == 0:
		return fmt.Errorf("report: no models, targets or precisions")
	case c.Precisions[0] != "fp32":
		return fmt.Errorf("report: the first precision must be fp32 (the reference), not %q", c.Precisions[0])
	case c.Channels < 1:
		return fmt.Errorf("report: %d memory channels", c.Channels)
	}
	for m, w := range c.Windows {
		if w < 0 {
			return fmt.Errorf("report: %s: %d windows", m, w)
		}
	}
	for _, b := range c.Batches {
		if b < 1 {
			return fmt.Errorf("report: batch %d", b)
		}
	}
	return nil
}

// model runs one model through the designs and the GPUs and returns its
// accuracy runs.
func (r *Report) model(name string) ([]accJob, error) {
	z, err := zoo.Lookup(name)
	if err != nil {
		return nil, err
	}
	bench, err := accuracy.Prepare(conform.Source{Name: z.Name, Load: z.Load}, z.Data(), accuracy.Options{Windows: r.Config.Windows[name]})
	if err != nil {
		return nil, err
	}
	p, err := lowered(z, 1)
	if err != nil {
		return nil, err
	}
	var jobs []accJob
	for _, ps := range r.Config.Precisions {
		spec, err := r.designs(name, bench, p, ps)
		if err != nil {
			return nil, fmt.Errorf("precision %s: %w", ps, err)
		}
		jobs = append(jobs, accJob{model: name, precision: ps, spec: spec, bench: bench})
	}
	if len(r.Designs) > 0 {
		for i := range jobs {
			jobs[i].cost = r.Designs[len(r.Designs)-1].Sim.Ops * int64(windows(bench))
		}
	}
	return jobs, r.gpus(z)
}

// lowered is the model at batch 1, compiled, fused and lowered as kiln sim
// lowers it.
func lowered(z *zoo.Model, batch int) (*loop.Program, error) {
	g, err := compiled(z, batch)
	if err != nil {
		return nil, err
	}
	return lower.Program(g, lower.Options{Fuse: true})
}

func compiled(z *zoo.Model, batch int) (*graph.Graph, error) {
	m, err := z.Load(onnx.Options{Batch: batch})
	if err != nil {
		return nil, err
	}
	if err := passes.RunGraph(&passes.Context{}, m.Graph, passes.CompilePipeline); err != nil {
		return nil, err
	}
	return m.Graph, nil
}

// designs narrows the batch-1 program p (ranges calibrated on the
// bench's windows) to ps and estimates it on every target.
func (r *Report) designs(model string, bench *accuracy.Bench, p *loop.Program, ps string) (passes.PrecisionSpec, error) {
	spec, err := passes.ParsePrecisionSpec(ps)
	if err != nil {
		return spec, err
	}
	np := p
	if ps != "fp32" {
		// Bench.Narrow narrows the bench's own program (the data's
		// batch); the design computes one window, so narrow p with the
		// same ranges (by tensor name) and the default tables.
		b := *bench
		b.Program = p
		if np, _, err = b.Narrow(spec); err != nil {
			return spec, err
		}
	}
	for _, t := range r.Config.Targets {
		d, err := Estimate(np, t, r.Config.Channels)
		if err != nil {
			return spec, err
		}
		d.Model, d.Precision = model, ps
		r.Designs = append(r.Designs, d)
	}
	return spec, nil
}

// windows counts the bench's validation windows (axis 0 of each set's
// first input).
func windows(b *accuracy.Bench) int {
	n := 0
	for _, s := range b.Sets {
		if len(s) > 0 && len(s[0].Shape) > 0 {
			n += s[0].Shape[0]
		}
	}
	return n
}

// Estimate is one design point: p, its memory placed on the target as
// kiln sim and kiln compile place it by default (passes/place, policy
// auto: what the device's on-chip memory does not hold goes off chip),
// with sim's device model.
func Estimate(p *loop.Program, t Target, channels int) (Design, error) {
	dev, err := targets.Lookup(t.Device)
	if err != nil {
		return Design{}, err
	}
	cfg, err := sim.ForDevice(dev, t.ClockNS, channels)
	if err != nil {
		return Design{}, err
	}
	capacity, err := place.CapacityOf(dev)
	if err != nil {
		return Design{}, err
	}
	if p, _, err = place.Apply(p, place.Options{Capacity: capacity, Policy: place.Auto}); err != nil {
		return Design{}, fmt.Errorf("%s: %w", t.Device, err)
	}
	res, err := sim.Estimate(p, cfg)
	if err != nil {
		return Design{}, fmt.Errorf("%s: %w", t.Device, err)
	}
	return Design{Target: t, Kind: dev.Kind, Sim: res}, nil
}

// gpus estimates the model on every GPU at every batch and at every GPU
// precision the designs are compared with.
func (r *Report) gpus(z *zoo.Model) error {
	var precs []gpu.Precision
	for _, ps := range r.Config.Precisions {
		if gp := GPUPrecision(ps); !contains(precs, gp) {
			precs = append(precs, gp)
		}
	}
	for _, b := range r.Config.Batches {
		g, err := compiled(z, b)
		if err != nil {
			return err
		}
		for _, name := range r.Config.GPUs {
			dev, err := targets.LookupGPU(name)
			if err != nil {
				return err
			}
			for _, gp := range precs {
				res, err := gpu.Estimate(g, dev, gpu.Options{Batch: b, Precision: gp, Params: gpu.DefaultParams()})
				if err != nil {
					return fmt.Errorf("%s batch %d %s: %w", name, b, gp, err)
				}
				r.GPUs = append(r.GPUs, GPURun{Model: z.Name, Result: res})
			}
		}
	}
	return nil
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// GPU finds the GPU run of model on gpuName at batch and precision.
func (r *Report) GPU(model, gpuName string, batch int, p gpu.Precision) (gpu.Result, bool) {
	for _, g := range r.GPUs {
		if g.Model == model && g.GPU == gpuName && g.Batch == batch && g.Precision == string(p) {
			return g.Result, true
		}
	}
	return gpu.Result{}, false
}
