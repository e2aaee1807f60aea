package gpu

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/targets"
)

// Options choose what to estimate.
type Options struct {
	// Batch is how many inferences the graph computes at once: the batch
	// its symbolic dimension was bound to (the caller binds it).
	Batch     int
	Precision Precision
	Params    Params
}

// Result is the estimate for one GPU.
type Result struct {
	GPU            string  `json:"gpu"`
	Batch          int     `json:"batch"`
	Precision      string  `json:"precision"`
	BatchLatencyUS float64 `json:"batch_latency_us"` // one batch, end to end (host arrays in and out)
	PerInferenceUS float64 `json:"per_inference_us"` // batch latency / batch
	EnergyUJ       float64 `json:"energy_uj"`        // per inference
	BatchEnergyUJ  float64 `json:"batch_energy_uj"`
	PowerW         float64 `json:"power_w"`     // average board power over the batch
	KernelUS       float64 `json:"kernel_us"`   // the GPU busy with kernels
	LaunchUS       float64 `json:"launch_us"`   // launch overheads
	TransferUS     float64 `json:"transfer_us"` // host <-> device
	DeviceUS       float64 `json:"device_us"`   // the nodes' kernels and launches: no host copies or the casts beside them
	Kernels        int     `json:"kernels"`     // launches per batch (copies included)
	GFLOP          float64 `json:"gflop"`       // per batch
	PeakFraction   float64 `json:"peak_fraction"`
	Layers         []Layer `json:"layers"`
}

// Layer is the cost of one graph node (or of a transfer).
type Layer struct {
	Name      string  `json:"name"`
	Op        string  `json:"op"`
	Kernels   int     `json:"kernels"`
	GFLOP     float64 `json:"gflop"`
	MB        float64 `json:"mb"` // device-memory traffic
	ComputeUS float64 `json:"compute_us"`
	MemoryUS  float64 `json:"memory_us"`
	LaunchUS  float64 `json:"launch_us"`
	TimeUS    float64 `json:"time_us"`
	Bound     string  `json:"bound"` // compute, memory, launch, transfer or view
}

// Estimate costs one batch of the graph g on gpu: each node's kernels
// (launch overhead plus the larger of compute and memory time) in order,
// plus the copies of the inputs to the device and of the outputs back.
// The graph should have been through passes.CompilePipeline.
func Estimate(g *graph.Graph, gpu targets.GPU, opt Options) (Result, error) {
	if err := opt.Params.check(); err != nil {
		return Result{}, err
	}
	if opt.Batch < 1 {
		return Result{}, fmt.Errorf("gpu: batch %d: must be at least 1", opt.Batch)
	}
	sp, ok := specs[opt.Precision]
	if !ok {
		_, err := ParsePrecision(string(opt.Precision))
		return Result{}, err
	}
	gemmPeak, err := peak(gpu, opt.Precision, sp.gemm)
	if err != nil {
		return Result{}, err
	}
	elemPeak, err := peak(gpu, opt.Precision, append(slices.Clone(sp.elem), "fp32"))
	if err != nil {
		return Result{}, err
	}
	c := costing{gpu: gpu, p: opt.Params, gemmPeak: gemmPeak, elemPeak: elemPeak}
	r := Result{GPU: gpu.Name, Batch: opt.Batch, Precision: string(opt.Precision)}
	pl := newPlanner(g, opt.Precision, gpu)
	r.add(c.transferIn(g, pl, sp))
	for _, n := range g.Nodes {
		ks, err := pl.node(n)
		if err != nil {
			return Result{}, err
		}
		l, busy := c.layer(n.Name, n.Op.String(), ks)
		r.add(l, busy)
	}
	r.add(c.transferOut(g, pl, sp))
	r.finish(gpu, opt)
	return r, nil
}

func peak(gpu targets.GPU, p Precision, rates []string) (float64, error) {
	for _, name := range rates {
		if v, ok := gpu.PeakTFLOPS(name); ok {
			return v * 1e12, nil
		}
	}
	return 0, fmt.Errorf("gpu %s has no %s rate in its data sheet (needs one of %s)", gpu.Name, p, strings.Join(rates, ", "))
}

// costing turns kernels into time on one GPU.
type costing struct {
	gpu                targets.GPU
	p                  Params
	gemmPeak, elemPeak float64 // FLOP/s
}

// time of one launch of k: compute and memory time (µs).
func (c costing) time(k kernel) (compute, memory float64) {
	memory = k.Bytes / (c.gpu.MemoryGBs * 1e9 * c.p.MemEff) * 1e6
	switch {
	case k.FLOPs <= 0: // an empty tensor: nothing to compute
	case k.GEMM:
		compute = k.FLOPs / (c.gemmPeak * c.efficiency(k)) * 1e6
	default:
		compute = k.FLOPs / (c.elemPeak * c.p.EffMax) * 1e6
	}
	return max(compute, c.chain(k)), memory
}

// chain is the latency of a persistent kernel's dependency chain: per
// step, three trips through the L2 (reading the previous state, arriving
// at the grid barrier, seeing it released) and StepOps dependent
// instructions.
func (c costing) chain(k kernel) float64 {
	return float64(k.Steps) * (3*c.p.L2US + float64(k.StepOps)*c.p.DepOpUS)
}

// efficiency is EffMax times the fraction of the launched work that is
// useful: each thread block computes a tile of tm×tn outputs over K
// rounded up to TileK, the tile is the smallest power of two from TileMin
// to TileMax that covers the dimension (cuBLAS and cuDNN pick smaller
// tiles for thin problems), halved while there are fewer blocks than SMs,
// and the blocks run in waves of one per SM, the
// last wave possibly part empty.
func (c costing) efficiency(k kernel) float64 {
	if k.M <= 0 {
		return c.p.EffMax
	}
	tm, tn := c.p.tile(k.M), c.p.tile(k.N)
	tiles := ceilDiv(k.M, tm) * ceilDiv(k.N, tn) * max(k.Batches, 1)
	// too few blocks for the SMs: smaller tiles, more blocks (the larger
	// side halves first, down to TileMin), as cuBLAS's heuristics pick
	// small tiles for small problems.
	for tiles < c.gpu.SMs && max(tm, tn) > c.p.TileMin {
		if tm >= tn {
			tm /= 2
		} else {
			tn /= 2
		}
		tiles = ceilDiv(k.M, tm) * ceilDiv(k.N, tn) * max(k.Batches, 1)
	}
	waves := ceilDiv(tiles, c.gpu.SMs)
	launched := float64(waves*c.gpu.SMs) * float64(tm*tn*c.p.TileK*ceilDiv(k.K, c.p.TileK))
	useful := float64(k.M) * float64(k.N) * float64(k.K) * float64(max(k.Batches, 1))
	return c.p.EffMax * useful / launched
}

func ceilDiv(a, b int) int { return (max(a, 1) + b - 1) / b }

// layer sums a node's kernels; busy is the time kernels run.
func (c costing) layer(name, op string, ks []kernel) (Layer, float64) {
	l := Layer{Name: name, Op: op, Bound: "view"}
	var busy float64
	for _, k := range ks {
		cu, mu := c.time(k)
		cnt := float64(k.Count)
		l.Kernels += k.Count
		l.GFLOP += k.FLOPs * cnt / 1e9
		l.MB += k.Bytes * cnt / 1e6
		l.ComputeUS += cu * cnt
		l.MemoryUS += mu * cnt
		l.LaunchUS += c.gpu.LaunchUS * cnt
		busy += math.Max(cu, mu) * cnt
	}
	l.TimeUS = busy + l.LaunchUS
	switch {
	case len(ks) == 0:
	case l.LaunchUS > busy:
		l.Bound = "launch"
	case l.ComputeUS > l.MemoryUS:
		l.Bound = "compute"
	default:
		l.Bound = "memory"
	}
	return l, busy
}

// transferIn copies the graph's inputs from host arrays to the device
// (one copy each, over the link and the framework's staging), then casts
// them where the device computes in another width (int8 quantises).
func (c costing) transferIn(g *graph.Graph, pl *planner, sp spec) (Layer, float64) {
	var bytes float64
	var casts []kernel
	for _, id := range g.Inputs {
		e := float64(dtype.Size(g.Tensors[id].Shape))
		bytes += e * float64(sp.host)
		pl.size[id] = sp.host
		if !pl.amp && sp.host != sp.act {
			casts = append(casts, cast(e, sp.host, sp.act))
			pl.size[id] = sp.act
		}
	}
	return c.transfer("host→device", bytes, len(g.Inputs), casts)
}

// transferOut casts the outputs back to the host width and copies them.
func (c costing) transferOut(g *graph.Graph, pl *planner, sp spec) (Layer, float64) {
	var bytes float64
	var casts []kernel
	for _, id := range g.Outputs {
		e := float64(dtype.Size(g.Tensors[id].Shape))
		bytes += e * float64(sp.host)
		if pl.size[id] != sp.host {
			casts = append(casts, cast(e, pl.size[id], sp.host))
		}
	}
	return c.transfer("device→host", bytes, len(g.Outputs), casts)
}

// transfer is a host copy of bytes in copies calls, with the casts on
// the device that go with it; busy is the casts' kernel time.
func (c costing) transfer(name string, bytes float64, copies int, casts []kernel) (Layer, float64) {
	l, busy := c.layer(name, "copy", casts)
	move := bytes/(c.gpu.Link.GBs*1e9)*1e6 + bytes/(c.p.HostGBs*1e9)*1e6
	l.Kernels += copies
	l.LaunchUS += c.gpu.LaunchUS * float64(copies)
	l.MB += bytes / 1e6
	l.MemoryUS += move
	l.TimeUS += move + c.gpu.LaunchUS*float64(copies)
	l.Bound = "transfer"
	return l, busy
}

func (r *Result) add(l Layer, busy float64) {
	r.Layers = append(r.Layers, l)
	r.BatchLatencyUS += l.TimeUS
	r.KernelUS += busy
	r.LaunchUS += l.LaunchUS
	r.Kernels += l.Kernels
	r.GFLOP += l.GFLOP
	if l.Bound == "transfer" {
		r.TransferUS += l.TimeUS - l.LaunchUS - busy
	} else {
		r.DeviceUS += l.TimeUS
	}
}

// finish derives the per-inference figures and energy: the board at TDP
// while kernels run and at IdleFrac × TDP while it waits for launches and
// transfers (a stated rule, not a measurement).
func (r *Result) finish(gpu targets.GPU, opt Options) {
	r.PerInferenceUS = r.BatchLatencyUS / float64(opt.Batch)
	idle := r.BatchLatencyUS - r.KernelUS
	r.BatchEnergyUJ = gpu.TDPW*r.KernelUS + opt.Params.IdleFrac*gpu.TDPW*idle
	r.EnergyUJ = r.BatchEnergyUJ / float64(opt.Batch)
	if r.BatchLatencyUS <= 0 {
		return // nothing runs: no power or peak fraction to speak of
	}
	r.PowerW = r.BatchEnergyUJ / r.BatchLatencyUS
	if p, ok := gpu.PeakTFLOPS(specs[opt.Precision].gemm[0]); ok {
		r.PeakFraction = r.GFLOP * 1e9 / (p * 1e12 * r.BatchLatencyUS * 1e-6)
	}
}
