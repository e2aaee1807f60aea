package lower

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// pool lowers MaxPool and AveragePool (window from graph.PoolWindow, ceil
// mode and auto_pad included) and their Global forms (one window over all
// spatial axes):
//
//	for n, c, o… { acc = −inf or 0; cnt = 0; for k… { if tap in padded input { cnt += 1; if tap in input { acc = max(acc, x[…]) or acc + x[…] } } }; y[…] = acc or acc / cnt }
//
// cnt, the divisor, counts the taps in the input, or with
// count_include_pad those in the input or its padding; it is left out of
// MaxPool.
func pool(b *builder) error {
	x, err := b.in(0)
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	if len(b.n.Out) > 1 && b.n.Out[1] != graph.None {
		if _, err := b.out(1); err != nil {
			return err
		}
	}
	win, includePad, err := b.poolWindow(b.shape(x))
	if err != nil {
		return err
	}
	avg := b.n.Op == graph.OpAveragePool || b.n.Op == graph.OpGlobalAveragePool
	nc := b.vars("n", "c")
	o := b.axisVars("o", len(win.Out))
	k := b.axisVars("k", len(win.Out))
	acc := b.temp("acc")
	xi := idx(nc)
	var inInput, inPadded loop.Expr
	for d := range win.Out {
		a := loop.V(o[d]).Scale(win.Strides[d]).Add(loop.V(k[d]).Scale(win.Dilations[d])).Add(loop.Lit(-win.PadBegin[d]))
		xi = append(xi, loop.At(a))
		hi := (win.Out[d]-1)*win.Strides[d] + (win.Kernel[d]-1)*win.Dilations[d] - win.PadBegin[d]
		inInput = and(inInput, within(a, 0, win.In[d], -win.PadBegin[d], hi))
		inPadded = and(inPadded, within(a, -win.PadBegin[d], win.In[d]+win.PadEnd[d], -win.PadBegin[d], hi))
	}
	init, v := f32(float32(math.Inf(-1))), bin(loop.Max, scalar(acc), load(x, xi))
	if avg {
		init, v = f32(0), bin(loop.Add, scalar(acc), load(x, xi))
	}
	tap := guard(inInput, set(acc, v))
	body := []loop.Stmt{set(acc, init)}
	var result loop.Expr = scalar(acc)
	if avg {
		cnt := b.temp("cnt")
		count := []loop.Stmt{set(cnt, bin(loop.Add, scalar(cnt), f32(1)))}
		if includePad {
			tap = guard(inPadded, append(count, tap...)...)
		} else {
			tap = guard(inInput, append(count, set(acc, v))...)
		}
		body = append(body, set(cnt, f32(0)))
		result = bin(loop.Div, scalar(acc), scalar(cnt))
	}
	body = append(body, nest(k, win.Kernel, tap...)...)
	body = append(body, store(y, idx(append(append([]loop.VarID{}, nc...), o...)), result))
	ys := b.shape(y)
	b.k.Body = nest(append(append([]loop.VarID{}, nc...), o...), append([]int{ys[0], ys[1]}, win.Out...), body...)
	return nil
}

// guard puts body under cond (nil: always).
func guard(cond loop.Expr, body ...loop.Stmt) []loop.Stmt {
	if cond == nil {
		return body
	}
	return []loop.Stmt{&loop.If{Cond: cond, Then: body}}
}

// poolWindow is the node's window over an input of shape xs, and whether
// padded taps count in an average.
func (b *builder) poolWindow(xs []int) (graph.Window, bool, error) {
	if at, ok := b.n.Attrs.(graph.PoolAttrs); ok {
		w, err := graph.PoolWindow(at, xs)
		return w, at.CountIncludePad, err
	}
	n := len(xs) - 2
	if n < 1 {
		return graph.Window{}, false, fmt.Errorf("input has rank %d, want at least 3 (N x C x D1…)", len(xs))
	}
	w := graph.Window{In: xs[2:], Kernel: xs[2:], Strides: ones(n), Dilations: ones(n),
		PadBegin: make([]int, n), PadEnd: make([]int, n), Out: ones(n)}
	return w, false, nil
}

func ones(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}
