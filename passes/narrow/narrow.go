package narrow

import (
	"fmt"
	"math"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
)

// Options say which precisions to apply and how to build lookup tables.
type Options struct {
	Spec passes.PrecisionSpec
	// Ranges are the calibrated ranges of the graph's tensors, by name;
	// int8 and int16 activations need them (their MaxAbs sets the scale).
	Ranges map[string]passes.Range
	// LUTSize is the number of entries of a lookup table (default 1024);
	// LUTLo and LUTHi the input range it covers (default −8 and 8, hls4ml's
	// table_range of 8). (LUTHi − LUTLo)/LUTSize must be a power of two.
	LUTSize      int
	LUTLo, LUTHi float64
	// LUTNearest makes a table read return the entry of the input's
	// bucket (N entries at the buckets' midpoints) instead of
	// interpolating linearly between the N + 1 entries at the buckets'
	// edges (the default: the zero value interpolates).
	LUTNearest bool
}

// The table defaults: hls4ml's table_size 1024 and table_range 8
// (hls4ml/templates/vivado/nnet_utils/nnet_activation.h).
const (
	defaultLUTSize = 1024
	defaultLUTHi   = 8
)

// CheckTables reports whether o's table fields (LUTSize, LUTLo, LUTHi)
// are usable, as Apply would find them.
func CheckTables(o Options) error {
	_, err := o.lutStep()
	return err
}

// lutStep checks the table options, filling in defaults, and returns the
// width of one entry.
func (o *Options) lutStep() (float64, error) {
	if o.LUTSize == 0 {
		o.LUTSize = defaultLUTSize
	}
	if o.LUTLo == 0 && o.LUTHi == 0 {
		o.LUTLo, o.LUTHi = -defaultLUTHi, defaultLUTHi
	}
	if o.LUTSize < 1 {
		return 0, fmt.Errorf("narrow: LUTSize %d: want at least one entry", o.LUTSize)
	}
	if !(o.LUTLo < o.LUTHi) || math.IsInf(o.LUTLo, 0) || math.IsInf(o.LUTHi, 0) {
		return 0, fmt.Errorf("narrow: table range [%g, %g): want finite bounds, low below high", o.LUTLo, o.LUTHi)
	}
	step := (o.LUTHi - o.LUTLo) / float64(o.LUTSize)
	if frac, _ := math.Frexp(step); frac != 0.5 {
		return 0, fmt.Errorf("narrow: table step (%g − %g)/%d = %g is not a power of two", o.LUTHi, o.LUTLo, o.LUTSize, step)
	}
	return step, nil
}

// Apply returns a copy of p that computes in the precisions of opt.Spec,
// and a report of what it chose. p is not changed. Float buffers (f32)
// take the kinds of their role: constants the weights kind, temporaries
// that accumulate (a store of a value that loads the same buffer) the
// accumulator kind, other temporaries and the tensors between kernels the
// activation kind of the kernel that writes them. The model's inputs and
// outputs stay f32; kernels convert at the boundary. Integer and bool
// buffers and index arithmetic are left alone. See the package doc for
// how expressions are retyped, and for lookup tables and float fallbacks.
func Apply(p *loop.Program, opt Options) (*loop.Program, *Report, error) {
	if p == nil {
		return nil, nil, fmt.Errorf("narrow: no program")
	}
	step, err := opt.lutStep()
	if err != nil {
		return nil, nil, err
	}
	if err := loop.VerifyProgram(p); err != nil {
		return nil, nil, fmt.Errorf("narrow: the input program does not verify: %w", err)
	}
	pl, err := newPlan(p, opt, step)
	if err != nil {
		return nil, nil, err
	}
	out := &loop.Program{
		Name:          p.Name,
		Params:        slices.Clone(p.Params),
		KernelNodes:   cloneNodes(p.KernelNodes),
		BufferTensors: slices.Clone(p.BufferTensors),
	}
	for id, b := range p.Buffers {
		nb := cloneBuffer(b)
		nb.Kind = pl.topKind[id]
		out.Buffers = append(out.Buffers, nb)
	}
	for _, c := range p.Calls {
		out.Calls = append(out.Calls, loop.KernelCall{Kernel: c.Kernel, Args: slices.Clone(c.Args)})
	}
	rep := &Report{Spec: opt.Spec.String()}
	for i := range p.Kernels {
		k, kr, err := pl.kernel(i)
		if err != nil {
			return nil, nil, err
		}
		out.Kernels = append(out.Kernels, k)
		rep.Kernels = append(rep.Kernels, kr)
	}
	if err := loop.VerifyProgram(out); err != nil {
		return nil, nil, fmt.Errorf("narrow: the narrowed program does not verify (a kiln bug): %w", err)
	}
	return out, rep, nil
}

func cloneNodes(n [][]string) [][]string {
	if n == nil {
		return nil
	}
	out := make([][]string, len(n))
	for i, s := range n {
		out[i] = slices.Clone(s)
	}
	return out
}

// cloneBuffer copies b; Init and Partition are shared (never changed in
// place: a new kind gets a new Init).
func cloneBuffer(b *loop.Buffer) *loop.Buffer {
	nb := *b
	nb.Shape = slices.Clone(b.Shape)
	nb.Partition = slices.Clone(b.Partition)
	return &nb
}

// plan is what Apply decides before rewriting kernels: each kernel's
// precisions and the call's arguments, and the top buffers' kinds.
type plan struct {
	p       *loop.Program
	opt     Options
	step    float64
	res     []passes.Resolved
	args    [][]loop.BufID // per kernel, its call's arguments (nil: never called)
	topKind []dtype.Kind
	topAsym []*asym // the asymmetric quantisation of a top temporary (nil: none)
}

func newPlan(p *loop.Program, opt Options, step float64) (*plan, error) {
	pl := &plan{p: p, opt: opt, step: step, args: make([][]loop.BufID, len(p.Kernels))}
	for i := range p.Kernels {
		r := opt.Spec.For(pl.node(i))
		for _, q := range []passes.Precision{r.Weights, r.Act, r.Acc} {
			if err := checkPrecision(q); err != nil {
				return nil, fmt.Errorf("narrow: %s: %w", pl.where(i), err)
			}
		}
		pl.res = append(pl.res, r)
	}
	for _, c := range p.Calls {
		if pl.args[c.Kernel] != nil {
			return nil, fmt.Errorf("narrow: kernel %s is called twice; narrowing needs one call per kernel", p.Kernels[c.Kernel].Name)
		}
		pl.args[c.Kernel] = c.Args
	}
	pl.topKind = make([]dtype.Kind, len(p.Buffers))
	pl.topAsym = make([]*asym, len(p.Buffers))
	for id, b := range p.Buffers {
		pl.topKind[id] = b.Kind
		if b.Kind != dtype.F32 || b.Role != loop.Temp {
			continue
		}
		if i := pl.producer(loop.BufID(id)); i >= 0 {
			k, err := pl.actKind(i, pl.tensor(loop.BufID(id)))
			if err != nil {
				return nil, err
			}
			pl.topKind[id] = k
			if pl.topAsym[id], err = pl.actAsym(i, pl.tensor(loop.BufID(id))); err != nil {
				return nil, err
			}
			if a := pl.topAsym[id]; a != nil {
				pl.topKind[id] = a.kind()
			}
		}
	}
	return pl, nil
}

// node is the graph node whose precisions kernel i takes: its producer
// (the first node it computes), or "" for a copy kernel (the defaults).
func (pl *plan) node(i int) string {
	if i < len(pl.p.KernelNodes) && len(pl.p.KernelNodes[i]) > 0 {
		return pl.p.KernelNodes[i][0]
	}
	return ""
}

// where names kernel i in errors: its kernel and node names.
func (pl *plan) where(i int) string {
	if n := pl.node(i); n != "" {
		return fmt.Sprintf("kernel %s (layer %q)", pl.p.Kernels[i].Name, n)
	}
	return fmt.Sprintf("kernel %s", pl.p.Kernels[i].Name)
}

// tensor is the graph tensor top buffer id holds (its name when the
// program does not say).
func (pl *plan) tensor(id loop.BufID) string {
	if int(id) < len(pl.p.BufferTensors) && pl.p.BufferTensors[id] != "" {
		return pl.p.BufferTensors[id]
	}
	return pl.p.Buffers[id].Name
}

// producer is the kernel whose call writes top buffer id, or −1.
func (pl *plan) producer(id loop.BufID) int {
	for _, c := range pl.p.Calls {
		k := pl.p.Kernels[c.Kernel]
		for j, a := range c.Args {
			if a == id && k.Buffers[k.Params[j]].Role == loop.Output {
				return c.Kernel
			}
		}
	}
	return -1
}

// actKind is the activation kind kernel i gives tensor.
func (pl *plan) actKind(i int, tensor string) (dtype.Kind, error) {
	act := pl.res[i].Act
	maxAbs := 0.0
	if quantWidth(act) > 0 {
		r, ok := pl.opt.Ranges[tensor]
		if !ok {
			return dtype.Invalid, fmt.Errorf("narrow: %s: tensor %q has no calibrated range; %s activations need calibration data (their scale comes from the range)",
				pl.where(i), tensor, act)
		}
		maxAbs = r.MaxAbs
	}
	if act.Asymmetric && quantWidth(act) > 0 {
		a, err := pl.actAsym(i, tensor)
		if err != nil {
			return dtype.Invalid, err
		}
		return a.kind(), nil
	}
	k, err := kindOf(act, maxAbs)
	if err != nil {
		return dtype.Invalid, fmt.Errorf("narrow: %s: tensor %q: %w", pl.where(i), tensor, err)
	}
	return k, nil
}

// actAsym is the asymmetric quantisation kernel i gives tensor (from its
// calibrated range), nil when its activations are not int8:asym or
// int16:asym. actKind has checked the range is there.
func (pl *plan) actAsym(i int, tensor string) (*asym, error) {
	act := pl.res[i].Act
	if quantWidth(act) == 0 || !act.Asymmetric {
		return nil, nil
	}
	r := pl.opt.Ranges[tensor]
	a, err := asymParams(quantWidth(act), r.Min, r.Max)
	if err != nil {
		return nil, fmt.Errorf("narrow: %s: tensor %q: %w", pl.where(i), tensor, err)
	}
	return a, nil
}
