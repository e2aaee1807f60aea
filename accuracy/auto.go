package accuracy

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/passes"
)

// AutoOptions control Bench.Auto.
type AutoOptions struct {
	// Budget is the largest relative RMSE against fp32 (sim.Accuracy's
	// RelRMSE) the chosen spec may give, e.g. 0.01 for 1%.
	Budget float64
	// MinW and MaxW bound the widths tried (defaults 4 and 32).
	MinW, MaxW int
	// Backend runs the trials (default loop: the interpreter, which needs
	// no compiler and computes the same bits as llvm and c).
	Backend string
	// Log, when set, sees every trial as it finishes.
	Log func(Trial)
}

// Trial is one spec Auto tried and what it gave.
type Trial struct {
	Spec    passes.PrecisionSpec
	RelRMSE float64
	OK      bool // within the budget
}

// A layer is a kernel's producing node as Auto tunes it: its name, the
// integer bits its weights and activations need, and how many weights it
// has (larger layers are narrowed first: they save the most).
type layer struct {
	name          string
	weightI, actI int
	weights       int
}

// Auto searches for small per-layer fixed-point widths whose relative RMSE
// against fp32 stays within opt.Budget, and returns that spec with every
// trial. Each layer gets three types from one width W: weights
// fixed<W,Iw,rne,sat> and activations fixed<W,Ia,rne,sat>, with Iw and Ia
// the integer bits their calibrated largest magnitudes need (so only the
// fraction bits shrink as W does), and an accumulator wide enough to keep
// the products' fraction bits with 8 guard bits above the larger of Iw
// and Ia (at most 64 bits); a layer without weights (data movement,
// element-wise) gets fixed<W,Ia,rne,sat> for all its tensors. First one W for every layer is found by
// bisection; then, largest layer first, each layer's W is lowered by
// bisection while the budget holds with the others fixed. Trials run on
// every validation set, so the result meets the budget on them exactly as
// printed.
func (b *Bench) Auto(opt AutoOptions) (passes.PrecisionSpec, []Trial, error) {
	if err := opt.check(); err != nil {
		return passes.PrecisionSpec{}, nil, err
	}
	layers := b.layers()
	width := map[string]int{}
	var trials []Trial
	try := func() (bool, error) {
		spec := specFor(layers, width)
		res, err := b.Evaluate(spec, opt.Backend)
		if err != nil {
			return false, err
		}
		t := Trial{Spec: spec, RelRMSE: res.Accuracy.RelRMSE, OK: res.Accuracy.RelRMSE <= opt.Budget}
		trials = append(trials, t)
		if opt.Log != nil {
			opt.Log(t)
		}
		return t.OK, nil
	}
	setAll := func(w int) {
		for _, l := range layers {
			width[l.name] = w
		}
	}
	w, err := bisect(opt.MinW, opt.MaxW, func(w int) (bool, error) { setAll(w); return try() })
	if err != nil {
		return passes.PrecisionSpec{}, trials, err
	}
	if w < 0 {
		return passes.PrecisionSpec{}, trials, fmt.Errorf("auto precision: no width up to %d meets relative RMSE ≤ %g (fixed<%d,…> everywhere gives %.3g)", opt.MaxW, opt.Budget, opt.MaxW, trials[len(trials)-1].RelRMSE)
	}
	setAll(w)
	order := slices.Clone(layers)
	slices.SortStableFunc(order, func(x, y layer) int { return y.weights - x.weights })
	for _, l := range order {
		if l.weights == 0 || w <= opt.MinW {
			continue
		}
		best, err := bisect(opt.MinW, w-1, func(v int) (bool, error) { width[l.name] = v; return try() })
		if err != nil {
			return passes.PrecisionSpec{}, trials, err
		}
		width[l.name] = w
		if best > 0 {
			width[l.name] = best
		}
	}
	return specFor(layers, width), trials, nil
}

// check fills in opt's defaults and checks it.
func (opt *AutoOptions) check() error {
	if opt.MinW == 0 {
		opt.MinW = 4
	}
	if opt.MaxW == 0 {
		opt.MaxW = 32
	}
	if opt.Backend == "" {
		opt.Backend = "loop"
	}
	if !(opt.Budget > 0) || math.IsInf(opt.Budget, 0) {
		return fmt.Errorf("auto precision: budget %v: must be a positive number", opt.Budget)
	}
	if opt.MinW < 2 || opt.MaxW > 48 || opt.MinW > opt.MaxW {
		return fmt.Errorf("auto precision: widths %d..%d: want 2 ≤ min ≤ max ≤ 48", opt.MinW, opt.MaxW)
	}
	return nil
}

// bisect returns the smallest w in lo..hi for which ok holds, assuming ok
// is monotone in w, or −1 if it holds for none.
func bisect(lo, hi int, ok func(int) (bool, error)) (int, error) {
	found := -1
	for lo <= hi {
		mid := (lo + hi) / 2
		good, err := ok(mid)
		if err != nil {
			return 0, err
		}
		if good {
			found, hi = mid, mid-1
		} else {
			lo = mid + 1
		}
	}
	return found, nil
}

// layers are the producing nodes of the program's kernels, in order.
func (b *Bench) layers() []layer {
	nodes := map[string]*graph.Node{}
	for _, n := range b.Graph.Nodes {
		nodes[n.Name] = n
	}
	var out []layer
	for _, kn := range b.Program.KernelNodes {
		if len(kn) == 0 || kn[0] == "" {
			continue // a copy, or a node a spec cannot name: it stays fp32
		}
		l := layer{name: kn[0]}
		var wMax, aMax float64
		for _, name := range kn {
			n := nodes[name]
			if n == nil {
				continue
			}
			for _, t := range n.In {
				if t == graph.None {
					continue
				}
				if init := b.Graph.Tensor(t).Init; init != nil && init.Kind.IsFloat() {
					l.weights += init.Len()
					for i := range init.Len() {
						wMax = max(wMax, math.Abs(init.At(i)))
					}
				}
			}
			for _, t := range n.Out {
				if t != graph.None {
					aMax = max(aMax, b.Ranges[b.Graph.Tensor(t).Name].MaxAbs)
				}
			}
		}
		l.weightI, l.actI = intBits(wMax), intBits(aMax)
		out = append(out, l)
	}
	return out
}

// intBits is the integer bits, sign included, that a signed fixed type
// needs to hold magnitudes up to m without overflow: the smallest I ≥ 1
// with m < 2^(I−1).
func intBits(m float64) int {
	i := 1
	for i < 64 && m >= math.Ldexp(1, i-1) {
		i++
	}
	return i
}

// specFor is the spec giving each layer its three types at its width.
func specFor(layers []layer, width map[string]int) passes.PrecisionSpec {
	var s passes.PrecisionSpec
	for _, l := range layers {
		w := width[l.name]
		fx := func(w, i int) passes.Precision {
			i = min(i, w)
			return passes.Precision{Kind: passes.FixedPoint, Fixed: dtype.Fixed{W: w, I: i, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate}}
		}
		accI := max(l.weightI, l.actI) + 8
		accF := (w - min(l.weightI, w)) + (w - min(l.actI, w))
		accW := min(accI+accF, 64)
		set := passes.PrecisionSet{Weights: fx(w, l.weightI), Act: fx(w, l.actI), Acc: fx(accW, accI)}
		if l.weights == 0 {
			// Data movement and element-wise layers: one type for all.
			set = passes.PrecisionSet{All: fx(w, l.actI)}
		}
		s.Layers = append(s.Layers, passes.LayerPrecision{Name: l.name, PrecisionSet: set})
	}
	slices.SortStableFunc(s.Layers, func(x, y passes.LayerPrecision) int { return strings.Compare(x.Name, y.Name) })
	return s
}
