package lower

import (
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// cell is the element-wise update of step t, after the gate products: the
// new state h (and c) of sequence b, written to Y at t.
func (r *rnn) cell(d int, t loop.Affine, bv loop.VarID) []loop.Stmt {
	j := r.v("j")
	var body []loop.Stmt
	switch r.op {
	case graph.OpLSTM:
		body = r.lstm(d, j)
	case graph.OpGRU:
		if !r.at.LinearBeforeReset {
			return r.gruResetFirst(d, t, bv, j)
		}
		body = r.gru(d, j, rnnRef{buf: r.hg, ix: r.gateIx(2, j)}.get())
	default:
		body = r.apply(r.state(r.h, j), r.fn(d, 0), true, r.pre(0, j))
	}
	return []loop.Stmt{rnnFor(j, r.s.Hidden, append(body, r.emit(d, t, bv, j)...)...)}
}

// fn is function i (f, g, h) of direction d.
func (r *rnn) fn(d, i int) graph.RNNFunc { return r.funcs[d*graph.RNNGateFuncs(r.op)+i] }

// gateIx indexes gate q's element j in a gate vector.
func (r *rnn) gateIx(q int, j loop.VarID) []loop.Index {
	return []loop.Index{loop.At(loop.V(j).Add(loop.Lit(q * r.s.Hidden)))}
}

// pre is gate q's value before its activation: Ht-1·Rqᵀ + (Xt·Wqᵀ + biases).
func (r *rnn) pre(q int, j loop.VarID) loop.Expr {
	return bin(loop.Add, load(r.hg, r.gateIx(q, j)), load(r.xg, r.gateIx(q, j)))
}

func (r *rnn) state(buf loop.BufID, j loop.VarID) rnnRef {
	return rnnRef{buf: buf, ix: []loop.Index{rnnAt(j)}}
}

func (r *rnn) gateRef(i int) rnnRef { return rnnRef{buf: r.gate[i]} }

// emit writes h[j] to Y at time t.
func (r *rnn) emit(d int, t loop.Affine, bv, j loop.VarID) []loop.Stmt {
	if r.y == rnnNone {
		return nil
	}
	return []loop.Stmt{r.st(r.y, load(r.h, []loop.Index{rnnAt(j)}), r.yIx(d, t, bv, j)...)}
}

// lstm, gates i, o, f, c in W, R and B, peepholes i, o, f in P:
//
//	gi = f(pre_i + Pi·c[j]); gf = f(pre_f + Pf·c[j]) (1 - gi with input_forget)
//	gc = g(pre_c); c[j] = gf·c[j] + gi·gc
//	go = f(pre_o + Po·c[j]); h[j] = go·h(c[j])
//
// (Operators.md LSTM; the peepholes read c before the update for i and f,
// after it for o; h() takes no clip.)
func (r *rnn) lstm(d int, j loop.VarID) []loop.Stmt {
	H := r.s.Hidden
	c := r.state(r.c, j)
	peep := func(q, p int) loop.Expr {
		v := r.pre(q, j)
		if r.p != rnnNone {
			pv := r.ld(r.p, rnnLit(d), loop.At(loop.V(j).Add(loop.Lit(p*H))))
			v = bin(loop.Add, v, bin(loop.Mul, pv, c.get()))
		}
		return v
	}
	gi, gf, gc, gO := r.gateRef(0), r.gateRef(1), r.gateRef(2), r.gateRef(3)
	f, g, h := r.fn(d, 0), r.fn(d, 1), r.fn(d, 2)
	body := r.apply(gi, f, true, peep(0, 0))
	if r.at.InputForget {
		body = append(body, gf.set(bin(loop.Sub, r.num(1), gi.get())))
	} else {
		body = append(body, r.apply(gf, f, true, peep(2, 2))...)
	}
	body = append(body, r.apply(gc, g, true, r.pre(3, j))...)
	body = append(body, c.set(bin(loop.Add, bin(loop.Mul, gf.get(), c.get()), bin(loop.Mul, gi.get(), gc.get()))))
	body = append(body, r.apply(gO, f, true, peep(1, 1))...)
	body = append(body, r.apply(gc, h, false, c.get())...)
	return append(body, r.state(r.h, j).set(bin(loop.Mul, gO.get(), gc.get())))
}

// gru is the update of GRU's element j given Ht-1·Rhᵀ for the hidden gate
// (gates z, r, h in W, R and B):
//
//	gz = f(pre_z); gr = f(pre_r); gh = g(xg_h + gr·hh)
//	h[j] = (1 - gz)·gh + gz·h[j]
//
// With linear_before_reset hh is hg_h = Ht-1·Rhᵀ + Rbh, and xg_h has Wbh.
// Without, gruResetFirst calls it after the reset gate is applied, with
// gr·hh replaced by (gr ⊙ Ht-1)·Rhᵀ, and xg_h has Wbh + Rbh.
func (r *rnn) gru(d int, j loop.VarID, hh loop.Expr) []loop.Stmt {
	gz, gr, gh := r.gateRef(0), r.gateRef(1), r.gateRef(2)
	f, g := r.fn(d, 0), r.fn(d, 1)
	xh := load(r.xg, r.gateIx(2, j))
	var body []loop.Stmt
	if r.at.LinearBeforeReset {
		body = r.apply(gr, f, true, r.pre(1, j))
		body = append(body, r.apply(gh, g, true, bin(loop.Add, xh, bin(loop.Mul, gr.get(), hh)))...)
	} else {
		body = r.apply(gh, g, true, bin(loop.Add, hh, xh))
	}
	body = append(body, r.apply(gz, f, true, r.pre(0, j))...)
	h := r.state(r.h, j)
	keep := bin(loop.Mul, gz.get(), h.get())
	return append(body, h.set(bin(loop.Add, bin(loop.Mul, bin(loop.Sub, r.num(1), gz.get()), gh.get()), keep)))
}

// gruResetFirst is GRU without linear_before_reset: rh = gr ⊙ Ht-1 for
// every element first, then per element (rh·Rhᵀ)[j] and the update.
func (r *rnn) gruResetFirst(d int, t loop.Affine, bv, j loop.VarID) []loop.Stmt {
	gr := r.gateRef(1)
	reset := r.apply(gr, r.fn(d, 0), true, r.pre(1, j))
	reset = append(reset, r.state(r.rh, j).set(bin(loop.Mul, gr.get(), load(r.h, []loop.Index{rnnAt(j)}))))
	j2, i := r.v("j"), r.v("i")
	rrow := r.ld(r.r, rnnLit(d), loop.At(loop.V(j2).Add(loop.Lit(2*r.s.Hidden))), rnnAt(i))
	body := []loop.Stmt{
		set(r.acc, r.num(0)),
		rnnFor(i, r.s.Hidden, set(r.acc, bin(loop.Add, scalar(r.acc), bin(loop.Mul, load(r.rh, []loop.Index{rnnAt(i)}), rrow)))),
	}
	body = append(body, r.gru(d, j2, scalar(r.acc))...)
	body = append(body, r.emit(d, t, bv, j2)...)
	return []loop.Stmt{rnnFor(j, r.s.Hidden, reset...), rnnFor(j2, r.s.Hidden, body...)}
}
