// Package eval evaluates the designs of a sweep: a model's lowered
// program, narrowed to the design's precision (once per precision, with
// its accuracy against fp32), its loop plan applied kernel by kernel (each
// kernel's variant built once and shared by every design that asks for
// it), its memory placed on the design's device (passes/place, as kiln
// sim --placement does: the space's placement knob or Defaults.Placement;
// a place.Memo shared by the workers keeps placed kernels the same
// pointers), estimated by sim on the design's device, clock and channels.
// A worker keeps a sim.Estimator, so the kernels a design shares with the
// worker's previous one are not estimated again.
package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/kiln-hls/kiln/accuracy"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/passes/place"
	"github.com/kiln-hls/kiln/sim"
	"github.com/kiln-hls/kiln/sweep"
	"github.com/kiln-hls/kiln/targets"
)

// Defaults are the settings of the knobs a space leaves out.
type Defaults struct {
	Precision string  // "fp32" when empty
	Device    string  // required unless the space has a device knob
	ClockNS   float64 // 0: the device's (10 ns for an FPGA, 5 ns for an ASIC)
	Channels  int     // 0: 2
	Interface sim.Interface
	// Placement is the memory placement of a space without a placement
	// knob: auto (when empty), onchip, offchip-weights or none, as kiln
	// sim --placement.
	Placement string
	// Memory, when set, gives each device its off-chip memory (kiln
	// sweep --offchip-memory, as kiln sim's); nil: the device's first.
	// An error is the design's (a memory the device does not list).
	Memory func(targets.Device) (targets.Device, error)
}

// Accuracy is a precision's error against the fp32 reference on the
// bench's validation windows (accuracy.Bench.Evaluate on the loop
// interpreter).
type Accuracy struct {
	RelRMSE float64 `json:"rel_rmse"`
	RMSE    float64 `json:"rmse"`
	MaxAbs  float64 `json:"max_abs"`
	Values  int     `json:"values"` // output values compared
}

// Evaluator is a model prepared for a sweep; it is safe for concurrent
// use and implements sweep.Evaluator.
type Evaluator struct {
	base  *loop.Program
	bench *accuracy.Bench
	def   Defaults

	precisions sync.Map // spec text → *narrowed
	variants   sync.Map // variantKey → *variant
	devices    sync.Map // name → *device
	configs    sync.Map // configKey → *config
	placed     place.Memo
}

// New prepares base (the model lowered at batch 1, fp32). bench gives
// the accuracy figures and the ranges that narrowing needs; without one
// only fp32 designs can be evaluated.
func New(base *loop.Program, bench *accuracy.Bench, def Defaults) (*Evaluator, error) {
	if base == nil {
		return nil, fmt.Errorf("eval: no program")
	}
	if def.Precision == "" {
		def.Precision = "fp32"
	}
	if def.Channels == 0 {
		def.Channels = 2
	}
	if def.Placement == "" {
		def.Placement = string(place.Auto)
	}
	if !slices.Contains(sweep.Placements, def.Placement) {
		return nil, fmt.Errorf("eval: placement %q (want %s)", def.Placement, strings.Join(sweep.Placements, ", "))
	}
	return &Evaluator{base: base, bench: bench, def: def}, nil
}

// narrowed is the program at one precision and its accuracy.
type narrowed struct {
	once sync.Once
	prog *loop.Program
	acc  *Accuracy
	err  error
}

// variantKey names one kernel's variant: the precision's program and the
// steps that name the kernel, in order.
type variantKey struct {
	precision, kernel, steps string
}

// variant is the kernel a plan's steps make (index −1: they change
// nothing).
type variant struct {
	once  sync.Once
	index int
	k     *loop.Kernel
	err   error
}

type device struct {
	once   sync.Once
	d      targets.Device
	err    error
	cap    place.Capacity // what placement may use on it
	capErr error
}

// Figures is one design's line of figures: sim's (as kiln sim --json
// prints them), the batch's latency and the precision's accuracy.
type Figures struct {
	sim.Figures
	Batch          int       `json:"batch"`
	BatchLatencyUS float64   `json:"batch_latency_us"` // the batch's windows one after another
	Accuracy       *Accuracy `json:"accuracy,omitempty"`
}

// NewWorker returns a worker's evaluation function (sweep.Evaluator).
func (e *Evaluator) NewWorker() (sweep.EvalFunc, error) {
	w := &worker{e: e}
	return w.eval, nil
}

type worker struct {
	e *Evaluator
	x sim.Estimator
}

// eval estimates design d. A design the tool chain cannot build (a plan
// the loop passes refuse, a clock the device's tables do not reach) is
// an error recorded with the design; a model that cannot be narrowed
// stops the sweep.
func (w *worker) eval(ctx context.Context, d sweep.Design) (json.RawMessage, error) {
	f, err := w.e.Evaluate(&w.x, d)
	if err != nil {
		return nil, err
	}
	return json.Marshal(f)
}

// Evaluate estimates design d with x (nil: a one-off estimator).
func (e *Evaluator) Evaluate(x *sim.Estimator, d sweep.Design) (*Figures, error) {
	spec := e.def.Precision
	if s, ok := d.Precision(); ok {
		spec = s.String()
	}
	n := e.narrow(spec)
	if n.err != nil {
		return nil, sweep.Fatal(n.err)
	}
	p, err := e.apply(spec, n.prog, d.Plan())
	if err != nil {
		return nil, err
	}
	dev, cfg, err := e.config(d)
	if err != nil {
		return nil, err
	}
	if p, err = e.place(p, dev, d); err != nil {
		return nil, err
	}
	if x == nil {
		x = new(sim.Estimator)
	}
	res, err := x.Estimate(p, cfg)
	if err != nil {
		return nil, err
	}
	batch := 1
	if b, ok := d.Batch(); ok {
		batch = b
	}
	return &Figures{Figures: res.Figures(dev.d.Kind == targets.ASIC), Batch: batch,
		BatchLatencyUS: float64(batch) * res.LatencyUS, Accuracy: n.acc}, nil
}

// Prepare narrows the program to each of specs (and to the default
// precision) and measures their accuracy, on up to workers goroutines,
// so the sweep's workers do not wait on them one precision at a time. A
// precision that cannot be narrowed is an error naming it.
func (e *Evaluator) Prepare(specs []string, workers int) error {
	specs = append([]string{e.def.Precision}, specs...)
	errs := make([]error, len(specs))
	sem := make(chan struct{}, max(workers, 1))
	var wg sync.WaitGroup
	for i, s := range specs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = e.narrow(s).err
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// narrow is the program at spec, narrowed once.
func (e *Evaluator) narrow(spec string) *narrowed {
	v, _ := e.precisions.LoadOrStore(spec, new(narrowed))
	n := v.(*narrowed)
	n.once.Do(func() { n.prog, n.acc, n.err = e.narrowOnce(spec) })
	return n
}

func (e *Evaluator) narrowOnce(text string) (*loop.Program, *Accuracy, error) {
	spec, err := passes.ParsePrecisionSpec(text)
	if err != nil {
		return nil, nil, err
	}
	if e.bench == nil {
		if text != "fp32" {
			return nil, nil, fmt.Errorf("eval: precision %s needs the model's validation data (its ranges and accuracy); this model has none", text)
		}
		return e.base, nil, nil
	}
	p := e.base
	if text != "fp32" {
		// Bench.Narrow narrows the bench's program (the data's batch);
		// the design computes one window: narrow the batch-1 program
		// with the same ranges (by tensor name), as kiln report does.
		b := *e.bench
		b.Program = e.base
		if p, _, err = b.Narrow(spec); err != nil {
			return nil, nil, fmt.Errorf("eval: precision %s: %w", text, err)
		}
	}
	res, err := e.bench.Evaluate(spec, "loop")
	if err != nil {
		return nil, nil, fmt.Errorf("eval: precision %s: accuracy: %w", text, err)
	}
	a := res.Accuracy
	return p, &Accuracy{RelRMSE: a.RelRMSE, RMSE: a.RMSE, MaxAbs: a.MaxAbs, Values: a.N}, nil
}

// apply runs plan on p kernel by kernel: the steps naming one kernel
// (by its name or by an ONNX node it computes) make a variant of it,
// built once per precision and shared.
func (e *Evaluator) apply(spec string, p *loop.Program, plan loops.Plan) (*loop.Program, error) {
	if len(plan) == 0 {
		return p, nil
	}
	var order []string
	groups := map[string]loops.Plan{}
	for _, s := range plan {
		name := s.Spec.Kernel // a kernel's name or an ONNX node it computes: one group per kernel
		if n, err := loops.KernelName(p, name); err == nil {
			name = n
		}
		if _, ok := groups[name]; !ok {
			order = append(order, name)
		}
		groups[name] = append(groups[name], s)
	}
	q := *p
	q.Kernels = nil
	changed := map[int]string{}
	for _, name := range order {
		v := e.variant(spec, p, name, groups[name])
		if v.err != nil {
			return nil, v.err
		}
		if v.index < 0 {
			continue
		}
		if other, ok := changed[v.index]; ok {
			return nil, fmt.Errorf("eval: %q and %q name the same kernel (%s); name it one way", other, name, p.Kernels[v.index].Name)
		}
		changed[v.index] = name
		if q.Kernels == nil {
			q.Kernels = append([]*loop.Kernel(nil), p.Kernels...)
		}
		q.Kernels[v.index] = v.k
	}
	if q.Kernels == nil {
		return p, nil
	}
	return &q, nil
}

func (e *Evaluator) variant(spec string, p *loop.Program, kernel string, steps loops.Plan) *variant {
	texts := make([]string, len(steps))
	for i, s := range steps {
		texts[i] = s.String()
	}
	key := variantKey{spec, kernel, strings.Join(texts, "; ")}
	got, _ := e.variants.LoadOrStore(key, new(variant))
	v := got.(*variant)
	v.once.Do(func() {
		v.index = -1
		q, err := steps.Apply(p)
		if err != nil {
			v.err = err
			return
		}
		for i := range p.Kernels {
			if q.Kernels[i] != p.Kernels[i] {
				v.index, v.k = i, q.Kernels[i]
			}
		}
	})
	return v
}

// place places p's memory on d's device under d's placement (none: p)
// and place overrides.
// A placement refused (onchip on a device too small) is an error recorded
// with the design, place's own.
func (e *Evaluator) place(p *loop.Program, dv *device, d sweep.Design) (*loop.Program, error) {
	policy := e.def.Placement
	if pl, ok := d.Placement(); ok {
		policy = pl
	}
	overrides, _ := d.Overrides()
	if policy == sweep.None {
		if len(overrides) > 0 {
			return nil, fmt.Errorf("eval: place %s needs a placement (placement none places nothing)", overrides[0].String())
		}
		return p, nil
	}
	if dv.capErr != nil {
		return nil, dv.capErr
	}
	return e.placed.Place(p, place.Options{Capacity: dv.cap, Policy: place.Policy(policy), Overrides: overrides})
}

// config is d's device and sim configuration.
func (e *Evaluator) config(d sweep.Design) (*device, sim.Config, error) {
	name := e.def.Device
	if n, ok := d.Device(); ok {
		name = n
	}
	if name == "" {
		return nil, sim.Config{}, sweep.Fatal(fmt.Errorf("eval: no device: the space has no device knob and no default was given"))
	}
	got, _ := e.devices.LoadOrStore(name, new(device))
	dv := got.(*device)
	dv.once.Do(func() {
		if dv.d, dv.err = targets.Lookup(name); dv.err == nil && e.def.Memory != nil {
			dv.d, dv.err = e.def.Memory(dv.d)
		}
		if dv.err == nil {
			dv.cap, dv.capErr = place.CapacityOf(dv.d)
		}
	})
	if dv.err != nil {
		return nil, sim.Config{}, dv.err
	}
	clock := e.def.ClockNS
	if c, ok := d.ClockNS(); ok {
		clock = c
	}
	if clock == 0 {
		clock = 10
		if dv.d.Kind == targets.ASIC {
			clock = 5
		}
	}
	channels := e.def.Channels
	if c, ok := d.Channels(); ok {
		channels = c
	}
	// A configuration is built once per device, clock and channels and
	// shared (sim reads it only): ForDevice walks the device's tables.
	got, _ = e.configs.LoadOrStore(configKey{name, clock, channels}, new(config))
	c := got.(*config)
	c.once.Do(func() {
		c.cfg, c.err = sim.ForDevice(dv.d, clock, channels)
		c.cfg.Interface = e.def.Interface
	})
	return dv, c.cfg, c.err
}

type configKey struct {
	device   string
	clockNS  float64
	channels int
}

type config struct {
	once sync.Once
	cfg  sim.Config
	err  error
}
