package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// conv lowers an N-D Conv (groups, strides, dilations, pads; auto_pad
// resolved by graph.ConvWindow):
//
//	for n, g, m, o… { acc = bias[g*M/G+m]; for c, k… { if padded tap in bounds { acc += x[n, g*C/G+c, o·s+k·d−p…] * w[g*M/G+m, c, k…] } }; y[…] = acc }
//
// The group loop is left out when there is one group. The sum is in
// arith(kind): f32 for f32 and the narrow floats (rounded once at the
// store), f64 for f64.
func conv(b *builder) error {
	x, w, y, err := b.inInOut()
	if err != nil {
		return err
	}
	k := b.kindIn(0)
	if !k.IsFloat() {
		return fmt.Errorf("Conv is not defined on %v", k)
	}
	l, err := b.convLoops(x, w, y)
	if err != nil {
		return err
	}
	ak := arith(k)
	init := konst(ak, 0)
	if b.has(2) {
		bias, err := b.in(2)
		if err != nil {
			return err
		}
		init = convert(ak, k, load(bias, []loop.Index{loop.At(l.m)}))
	}
	acc := b.tempOf("acc", ak)
	term := func(xv, wv loop.Expr) loop.Expr { return bin(loop.Mul, convert(ak, k, xv), convert(ak, k, wv)) }
	b.k.Body = l.nest(acc, init, term, convert(k, ak, scalar(acc)))
	return nil
}

// convNest is the loops of a convolution: its window, groups and
// variables, and m, the output channel g*M/G+m.
type convNest struct {
	x, w, y loop.BufID
	win     graph.Window
	groups  int
	cv      convVars
	m       loop.Affine
	ys, ws  []int
}

// convLoops plans a convolution of x by w into y (ConvAttrs).
func (b *builder) convLoops(x, w, y loop.BufID) (convNest, error) {
	at, _ := b.n.Attrs.(graph.ConvAttrs)
	xs, ws := b.shape(x), b.shape(w)
	l := convNest{x: x, w: w, y: y, ys: b.shape(y), ws: ws}
	if len(xs) < 3 || len(ws) != len(xs) {
		return l, fmt.Errorf("input of rank %d and weights of rank %d: want equal ranks of at least 3", len(xs), len(ws))
	}
	win, err := graph.ConvWindow(at, xs, ws)
	if err != nil {
		return l, err
	}
	l.win, l.groups = win, at.ConvGroup()
	if l.groups < 1 || ws[0]%l.groups != 0 || xs[1] != ws[1]*l.groups {
		return l, fmt.Errorf("%d groups do not divide %d input and %d output channels", l.groups, xs[1], ws[0])
	}
	l.cv = b.convVars(l.groups, len(win.Out))
	l.m = loop.V(l.cv.m)
	if l.groups > 1 {
		l.m = loop.V(l.cv.g).Scale(ws[0] / l.groups).Add(l.m)
	}
	return l, nil
}

// nest is acc = init; for c, k… { acc = acc + term(x[…], w[…]) }; y[…] =
// result inside the loops over n, g, m and the output positions.
func (l convNest) nest(acc loop.BufID, init loop.Expr, term func(xv, wv loop.Expr) loop.Expr, result loop.Expr) []loop.Stmt {
	tap := convTap(l.cv, l.win, l.x, l.w, l.m, l.ws[1], acc, term)
	red := nest(append([]loop.VarID{l.cv.c}, l.cv.k...), append([]int{l.ws[1]}, l.win.Kernel...), tap)
	body := append([]loop.Stmt{set(acc, init)}, red...)
	yi := append([]loop.Index{loop.At(loop.V(l.cv.n)), loop.At(l.m)}, idx(l.cv.o)...)
	body = append(body, store(l.y, yi, result))
	outer, ext := []loop.VarID{l.cv.n}, []int{l.ys[0]}
	if l.groups > 1 {
		outer, ext = append(outer, l.cv.g), append(ext, l.groups)
	}
	mg := l.ws[0] / l.groups
	outer, ext = append(append(outer, l.cv.m), l.cv.o...), append(append(ext, mg), l.win.Out...)
	return nest(outer, ext, body...)
}

type convVars struct {
	n, g, m, c loop.VarID
	o, k       []loop.VarID
	grouped    bool // g exists
}

func (b *builder) convVars(groups, dims int) convVars {
	var cv convVars
	cv.n = b.vars("n")[0]
	if groups > 1 {
		cv.g, cv.grouped = b.vars("g")[0], true
	}
	cv.m = b.vars("m")[0]
	cv.o = b.axisVars("o", dims)
	cv.c = b.vars("c")[0]
	cv.k = b.axisVars("k", dims)
	return cv
}

// convTap is acc = acc + term(x[…], w[…]) for one tap, under an If when
// padding can put the tap outside the input.
func convTap(cv convVars, win graph.Window, x, w loop.BufID, m loop.Affine, cg int, acc loop.BufID, term func(xv, wv loop.Expr) loop.Expr) loop.Stmt {
	c := loop.V(cv.c)
	if cv.grouped {
		c = loop.V(cv.g).Scale(cg).Add(c)
	}
	xi := []loop.Index{loop.At(loop.V(cv.n)), loop.At(c)}
	wi := []loop.Index{loop.At(m), loop.At(loop.V(cv.c))}
	var cond loop.Expr
	for d := range win.Out {
		a := loop.V(cv.o[d]).Scale(win.Strides[d]).Add(loop.V(cv.k[d]).Scale(win.Dilations[d])).Add(loop.Lit(-win.PadBegin[d]))
		xi = append(xi, loop.At(a))
		wi = append(wi, loop.At(loop.V(cv.k[d])))
		hi := (win.Out[d]-1)*win.Strides[d] + (win.Kernel[d]-1)*win.Dilations[d] - win.PadBegin[d]
		cond = and(cond, within(a, 0, win.In[d], -win.PadBegin[d], hi))
	}
	var s loop.Stmt = set(acc, bin(loop.Add, scalar(acc), term(load(x, xi), load(w, wi))))
	if cond != nil {
		s = &loop.If{Cond: cond, Then: []loop.Stmt{s}}
	}
	return s
}
