package eval

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// nnPoolPlan lists, per spatial axis and output coordinate, the input
// coordinates the window's taps read inside the input, and how many taps
// lie inside the input or its padding (the divisor with count_include_pad;
// taps that a ceil_mode window puts beyond the end padding never count).
type nnPoolPlan struct {
	win  graph.Window
	taps [][][]int
	span [][]int
}

func newNNPoolPlan(w graph.Window) *nnPoolPlan {
	p := &nnPoolPlan{win: w}
	for d := range w.In {
		taps := make([][]int, w.Out[d])
		span := make([]int, w.Out[d])
		for o := range taps {
			// Only the taps inside the padded input are visited, so a
			// huge kernel over a small input costs what the input does.
			start := o*w.Strides[d] - w.PadBegin[d]
			lo, hi := nnTapRange(start, w.Dilations[d], w.Kernel[d], -w.PadBegin[d], w.In[d]+w.PadEnd[d])
			span[o] = max(0, hi-lo)
			lo, hi = nnTapRange(start, w.Dilations[d], w.Kernel[d], 0, w.In[d])
			for k := lo; k < hi; k++ {
				taps[o] = append(taps[o], start+k*w.Dilations[d])
			}
		}
		p.taps = append(p.taps, taps)
		p.span = append(p.span, span)
	}
	return p
}

// nnTapRange gives the taps k in [lo, hi), within [0, kernel), whose
// position start+k*dil lies in [from, to).
func nnTapRange(start, dil, kernel, from, to int) (lo, hi int) {
	lo = max(0, ceilDiv(from-start, dil))
	hi = min(kernel, ceilDiv(to-start, dil))
	return lo, max(lo, hi)
}

// ceilDiv is ⌈a/b⌉ for b > 0.
func ceilDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a > 0 {
		q++
	}
	return q
}

// window lists the input offsets (row-major within a plane, window in
// row-major order) of the taps of output position oo, and the spatial
// indices that MaxPool's Indices report (row-major or, with colMajor,
// column-major). It reuses the slices it is given.
func (p *nnPoolPlan) window(oo []int, str []int, colStr []int, offs, idx []int) ([]int, []int, int) {
	offs = append(offs[:0], 0)
	idx = append(idx[:0], 0)
	span := 1
	for d, o := range oo {
		span *= p.span[d][o]
		taps := p.taps[d][o]
		n := len(offs)
		for j := range n {
			for _, i := range taps {
				offs = append(offs, offs[j]+i*str[d])
				idx = append(idx, idx[j]+i*colStr[d])
			}
		}
		offs = append(offs[:0], offs[n:]...)
		idx = append(idx[:0], idx[n:]...)
	}
	return offs, idx, span
}

func runPool(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.PoolAttrs)
	x := in[0]
	win, err := graph.PoolWindow(a, x.Shape)
	if err != nil {
		return nil, err
	}
	y := dtype.New(out[0].Kind, out[0].Shape)
	res := []*dtype.Array{y}
	var ind []int64
	if len(out) > 1 {
		res = append(res, nil)
		if n.Out[1] != graph.None {
			res[1] = dtype.New(dtype.I64, out[1].Shape)
			ind = res[1].I64
		}
	}
	p := newNNPoolPlan(win)
	avg := n.Op == graph.OpAveragePool
	switch x.Kind.Class() {
	case dtype.ClassFloat:
		nnPoolFloat(p, x.Shape, x.F32, y.F32, ind, avg, a)
		nnRound(y)
	case dtype.ClassDouble:
		nnPoolFloat(p, x.Shape, x.F64, y.F64, ind, avg, a)
	case dtype.ClassInt:
		lo, _ := x.Kind.IntRange()
		nnPoolMax(p, x.Shape, x.I64, y.I64, ind, a.StorageOrder == 1, lo)
	case dtype.ClassUint:
		nnPoolMax(p, x.Shape, x.U64, y.U64, ind, a.StorageOrder == 1, 0)
	default:
		return nil, fmt.Errorf("pooling of %v", x.Kind)
	}
	return res, nil
}

func nnPoolFloat[T nnFloat](p *nnPoolPlan, xs []int, x, y []T, ind []int64, avg bool, a graph.PoolAttrs) {
	if !avg {
		nnPoolMax(p, xs, x, y, ind, a.StorageOrder == 1, T(math.Inf(-1)))
		return
	}
	nnPoolEach(p, xs, false, x, y, func(plane []T, _, _ int, offs, _ []int, span int) T {
		var s T
		for _, off := range offs {
			s += plane[off]
		}
		div := len(offs)
		if a.CountIncludePad {
			div = span
		}
		if div == 0 {
			return T(math.NaN())
		}
		return s / T(div)
	})
}

// nnPoolMax takes the first largest element of each window (empty windows,
// wholly in the padding, give lowest and index -1). Indices count from the
// start of the input: plane·S + the spatial index.
func nnPoolMax[T nnNum](p *nnPoolPlan, xs []int, x, y []T, ind []int64, colMajor bool, lowest T) {
	S := dtype.Size(xs[2:])
	O := dtype.Size(p.win.Out)
	nnPoolEach(p, xs, colMajor, x, y, func(plane []T, pl, o int, offs, idx []int, _ int) T {
		best, at := lowest, -1
		for j, off := range offs {
			if v := plane[off]; at < 0 || v > best {
				best, at = v, j
			}
		}
		if ind != nil {
			if at < 0 {
				ind[pl*O+o] = -1
			} else {
				ind[pl*O+o] = int64(pl*S + idx[at])
			}
		}
		return best
	})
}

// nnPoolEach calls f for every output position o of every N x C plane pl,
// with the plane's input elements, the window's offsets, the Indices
// positions of its taps and its count_include_pad divisor, and stores what
// f returns.
func nnPoolEach[T nnNum](p *nnPoolPlan, xs []int, colMajor bool, x, y []T, f func(plane []T, pl, o int, offs, idx []int, span int) T) {
	planes := xs[0] * xs[1]
	S := dtype.Size(xs[2:])
	O := dtype.Size(p.win.Out)
	str := dtype.Strides(p.win.In)
	colStr := str
	if colMajor {
		colStr = make([]int, len(str))
		step := 1
		for d, n := range p.win.In {
			colStr[d] = step
			step *= n
		}
	}
	oo := make([]int, len(p.win.Out))
	var offs, idx []int
	var span int
	for o := range O {
		nnUnravel(o, p.win.Out, oo)
		offs, idx, span = p.window(oo, str, colStr, offs, idx)
		for pl := range planes {
			y[pl*O+o] = f(x[pl*S:(pl+1)*S], pl, o, offs, idx, span)
		}
	}
}

func runGlobalPool(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	x := in[0]
	y := dtype.New(out[0].Kind, out[0].Shape)
	avg := n.Op == graph.OpGlobalAveragePool
	if nnIsDouble(x) {
		nnGlobalPool(x.Shape, x.F64, y.F64, avg)
	} else {
		nnGlobalPool(x.Shape, x.F32, y.F32, avg)
		nnRound(y)
	}
	return []*dtype.Array{y}, nil
}

func nnGlobalPool[T nnFloat](xs []int, x, y []T, avg bool) {
	S := dtype.Size(xs[2:])
	for pl := range y {
		plane := x[pl*S : (pl+1)*S]
		if avg {
			var s T
			for _, v := range plane {
				s += v
			}
			y[pl] = s / T(S)
			continue
		}
		best := T(math.Inf(-1))
		for _, v := range plane {
			best = max(best, v)
		}
		y[pl] = best
	}
}
