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
// The group loop is left out when there is one group.
func conv(b *builder) error {
	at, _ := b.n.Attrs.(graph.ConvAttrs)
	x, err := b.in(0)
	if err != nil {
		return err
	}
	w, err := b.in(1)
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	xs, ws, ys := b.shape(x), b.shape(w), b.shape(y)
	win, err := graph.ConvWindow(at, xs, ws)
	if err != nil {
		return err
	}
	groups := at.ConvGroup()
	if ws[0]%groups != 0 || xs[1] != ws[1]*groups {
		return fmt.Errorf("%d groups do not divide %d input and %d output channels", groups, xs[1], ws[0])
	}
	cv := b.convVars(groups, len(win.Out))
	mg := ws[0] / groups
	m := loop.V(cv.m)
	if groups > 1 {
		m = loop.V(cv.g).Scale(mg).Add(m)
	}
	var init loop.Expr = f32(0)
	if b.has(2) {
		bias, err := b.in(2)
		if err != nil {
			return err
		}
		init = load(bias, []loop.Index{loop.At(m)})
	}
	acc := b.temp("acc")
	tap := convTap(cv, win, x, w, m, ws[1], acc)
	red := nest(append([]loop.VarID{cv.c}, cv.k...), append([]int{ws[1]}, win.Kernel...), tap)
	body := append([]loop.Stmt{set(acc, init)}, red...)
	yi := append([]loop.Index{loop.At(loop.V(cv.n)), loop.At(m)}, idx(cv.o)...)
	body = append(body, store(y, yi, scalar(acc)))
	outer, ext := []loop.VarID{cv.n}, []int{ys[0]}
	if groups > 1 {
		outer, ext = append(outer, cv.g), append(ext, groups)
	}
	outer, ext = append(append(outer, cv.m), cv.o...), append(append(ext, mg), win.Out...)
	b.k.Body = nest(outer, ext, body...)
	return nil
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

// convTap is acc = acc + x[…]·w[…] for one tap, under an If when padding
// can put the tap outside the input.
func convTap(cv convVars, win graph.Window, x, w loop.BufID, m loop.Affine, cg int, acc loop.BufID) loop.Stmt {
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
	var s loop.Stmt = set(acc, bin(loop.Add, scalar(acc), bin(loop.Mul, load(x, xi), load(w, wi))))
	if cond != nil {
		s = &loop.If{Cond: cond, Then: []loop.Stmt{s}}
	}
	return s
}
