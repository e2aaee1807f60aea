package lower

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// rnnLowerings: the recurrent operators LSTM, GRU and RNN, each one kernel
// (rnn.go: buffers, the batch and time loops, the gate products;
// rnn_cell.go: each operator's element-wise update; rnn_act.go: the
// activation functions).
var rnnLowerings = map[graph.Op]lowerFunc{
	graph.OpLSTM: recurrent, graph.OpGRU: recurrent, graph.OpRNN: recurrent,
}

// rnnNone marks an absent buffer.
const rnnNone loop.BufID = -1

// rnn builds the kernel of one recurrent node. For each direction (a copy
// of the loops per direction, forward first) and each sequence b of the
// batch, the state lives in temporaries h and c:
//
//	for b { h, c = initial state
//	        for t { xg[g] = bias + Σ x[t,b,·]·W[g,·]; hg[g] = Σ h·R[g,·]   (gate products)
//	                for j { the gates, c[j], h[j]; y[t,b,j] = h[j] } }
//	        y_h[b] = h; y_c[b] = c }
//
// A reverse direction runs t from the last step down. With sequence_lens,
// step t runs only when t < len[b] and else zeroes y at t (the reverse
// direction thus starts at len[b]-1, as ONNX says).
type rnn struct {
	b     *builder
	op    graph.Op
	s     graph.RNNShape
	at    graph.RNNAttrs
	funcs []graph.RNNFunc // graph.RNNGateFuncs(op) per direction
	ck    dtype.Kind      // the kind it computes in: f32, or f64 for f64

	x, w, r, bias, lens, h0, c0, p loop.BufID // inputs; rnnNone when absent
	y, yh, yc                      loop.BufID // outputs; rnnNone when absent
	h, c, xg, hg, rh               loop.BufID // state and gate temporaries
	acc                            loop.BufID
	gate                           [4]loop.BufID     // scalar gate values (LSTM: i, f, c, o; GRU: z, r, h)
	names                          map[string]string // loop variable names, shared by loops that do not nest
	err                            error             // the first error building the cells
}

// recurrent lowers LSTM, GRU and RNN with ONNX's semantics as
// ir/graph/eval computes them.
func recurrent(b *builder) error {
	n := b.n
	s, err := graph.RNNShapeOf(n, b.g.InMetas(n))
	if err != nil {
		return err
	}
	r := &rnn{b: b, op: n.Op, s: s, at: n.Attrs.(graph.RNNAttrs), names: map[string]string{}} // RNNShapeOf checked the type
	if r.funcs, err = graph.RNNFuncs(n.Op, &r.at); err != nil {
		return err
	}
	r.ck = rnnArith(b.kindIn(graph.RNNInX))
	if err := r.buffers(); err != nil {
		return err
	}
	for d := range s.Dirs {
		b.k.Body = append(b.k.Body, r.direction(d)...)
	}
	return r.err
}

// buffers makes the buffers of the operands, then the temporaries.
func (r *rnn) buffers() error {
	b := r.b
	var err error
	opt := func(i int) loop.BufID {
		if err != nil || !b.has(i) || r.idle(i) {
			return rnnNone
		}
		var id loop.BufID
		id, err = b.in(i)
		return id
	}
	r.x, r.w, r.r = opt(graph.RNNInX), opt(graph.RNNInW), opt(graph.RNNInR)
	r.bias, r.lens, r.h0 = opt(graph.RNNInB), opt(graph.RNNInSeqLens), opt(graph.RNNInInitialH)
	if r.op == graph.OpLSTM {
		r.c0, r.p = opt(graph.RNNInInitialC), opt(graph.RNNInP)
	} else {
		r.c0, r.p = rnnNone, rnnNone
	}
	r.y, r.yh, r.yc = rnnNone, rnnNone, rnnNone
	outs := []*loop.BufID{&r.y, &r.yh, &r.yc}
	for i := range min(len(b.n.Out), len(outs)) {
		if err == nil && b.n.Out[i] != graph.None {
			*outs[i], err = b.out(i)
		}
	}
	if err != nil {
		return err
	}
	r.temps()
	return nil
}

// idle reports whether input i is a constant that the kernel need not
// read: a sequence_lens of seq_length everywhere (no step is skipped), an
// initial state of +0 everywhere (the state absent starts as).
func (r *rnn) idle(i int) bool {
	init := r.b.g.Tensor(r.b.n.In[i]).Init
	if init == nil {
		return false
	}
	switch i {
	case graph.RNNInSeqLens:
		for j := range init.Len() {
			if init.Int(j) != int64(r.s.Seq) {
				return false
			}
		}
		return true
	case graph.RNNInInitialH, graph.RNNInInitialC:
		for j := range init.Len() {
			if v := init.At(j); v != 0 || math.Signbit(v) {
				return false
			}
		}
		return true
	}
	return false
}

func (r *rnn) temps() {
	H, gh := r.s.Hidden, r.s.Gates*r.s.Hidden
	r.h = r.array("h", H)
	r.c = rnnNone
	if r.op == graph.OpLSTM {
		r.c = r.array("c", H)
	}
	r.xg, r.rh = r.array("xg", gh), rnnNone
	if r.op == graph.OpGRU && !r.at.LinearBeforeReset {
		// hg holds the z and r gates; the hidden gate's product reads rh.
		r.hg, r.rh = r.array("hg", 2*H), r.array("rh", H)
	} else {
		r.hg = r.array("hg", gh)
	}
	r.acc = r.b.tempOf("acc", r.ck)
	var names []string
	switch r.op {
	case graph.OpLSTM:
		names = []string{"gi", "gf", "gc", "go"}
	case graph.OpGRU:
		names = []string{"gz", "gr", "gh"}
	}
	for i, s := range names {
		r.gate[i] = r.b.tempOf(s, r.ck)
	}
}

// array adds a temporary vector of n elements of the compute kind.
func (r *rnn) array(name string, n int) loop.BufID {
	return r.b.k.NewBuffer(&loop.Buffer{Name: r.b.unique(name), Kind: r.ck, Shape: []int{n}, Role: loop.Temp})
}

// v adds a loop variable called name; loops that do not nest share names.
func (r *rnn) v(name string) loop.VarID {
	s, ok := r.names[name]
	if !ok {
		s = r.b.unique(name)
		r.names[name] = s
	}
	return r.b.k.NewVar(s)
}

// direction is the loops of direction d.
func (r *rnn) direction(d int) []loop.Stmt {
	bv := r.v("b")
	body := r.initState(d, bv)
	k := r.v("t")
	t, tx := loop.V(k), loop.Expr(&loop.VarRef{Var: k})
	if r.at.Direction == "reverse" || d == 1 {
		t = loop.Lit(r.s.Seq - 1).Sub(t)
		tx = bin(loop.Sub, loop.Int(dtype.I64, int64(r.s.Seq-1)), tx)
	}
	step := append(r.project(d, t, bv), r.cell(d, t, bv)...)
	if r.lens != rnnNone {
		running := bin(loop.Lt, tx, &loop.Cast{To: dtype.I64, X: load(r.lens, []loop.Index{rnnAt(bv)})})
		step = []loop.Stmt{&loop.If{Cond: running, Then: step, Else: r.zeroY(d, t, bv)}}
	}
	body = append(body, rnnFor(k, r.s.Seq, step...))
	body = append(body, r.storeState(d, bv)...)
	return []loop.Stmt{rnnFor(bv, r.s.Batch, body...)}
}

func rnnFor(v loop.VarID, n int, body ...loop.Stmt) *loop.For {
	return nest([]loop.VarID{v}, []int{n}, body...)[0].(*loop.For)
}

func rnnAt(v loop.VarID) loop.Index { return loop.At(loop.V(v)) }

func rnnLit(c int) loop.Index { return loop.At(loop.Lit(c)) }

// num is the constant v in the compute kind.
func (r *rnn) num(v float32) loop.Expr { return loop.Float(r.ck, float64(v)) }

// ld loads buf at ix in the compute kind.
func (r *rnn) ld(buf loop.BufID, ix ...loop.Index) loop.Expr {
	return r.conv(r.ck, r.b.k.Buffers[buf].Kind, load(buf, ix))
}

// st stores v (of the compute kind) to buf at ix.
func (r *rnn) st(buf loop.BufID, v loop.Expr, ix ...loop.Index) loop.Stmt {
	return store(buf, ix, r.conv(r.b.k.Buffers[buf].Kind, r.ck, v))
}

func (r *rnn) conv(to, from dtype.Kind, x loop.Expr) loop.Expr {
	if to == from {
		return x
	}
	return &loop.Cast{To: to, X: x}
}

// stateIx indexes initial_h, initial_c, Y_h and Y_c.
func (r *rnn) stateIx(d int, bv, j loop.VarID) []loop.Index {
	if r.s.Layout == 1 {
		return []loop.Index{rnnAt(bv), rnnLit(d), rnnAt(j)}
	}
	return []loop.Index{rnnLit(d), rnnAt(bv), rnnAt(j)}
}

// yIx indexes Y at time t.
func (r *rnn) yIx(d int, t loop.Affine, bv, j loop.VarID) []loop.Index {
	if r.s.Layout == 1 {
		return []loop.Index{rnnAt(bv), loop.At(t), rnnLit(d), rnnAt(j)}
	}
	return []loop.Index{loop.At(t), rnnLit(d), rnnAt(bv), rnnAt(j)}
}

// initState sets h (and c) to the initial state, zero when absent.
func (r *rnn) initState(d int, bv loop.VarID) []loop.Stmt {
	j := r.v("j")
	var body []loop.Stmt
	for _, sc := range [][2]loop.BufID{{r.h, r.h0}, {r.c, r.c0}} {
		if sc[0] == rnnNone {
			continue
		}
		v := r.num(0)
		if sc[1] != rnnNone {
			v = r.ld(sc[1], r.stateIx(d, bv, j)...)
		}
		body = append(body, r.st(sc[0], v, rnnAt(j)))
	}
	return []loop.Stmt{rnnFor(j, r.s.Hidden, body...)}
}

// storeState writes h and c to Y_h and Y_c.
func (r *rnn) storeState(d int, bv loop.VarID) []loop.Stmt {
	j := r.v("j")
	var body []loop.Stmt
	for _, sc := range [][2]loop.BufID{{r.yh, r.h}, {r.yc, r.c}} {
		if sc[0] != rnnNone {
			body = append(body, r.st(sc[0], r.ld(sc[1], rnnAt(j)), r.stateIx(d, bv, j)...))
		}
	}
	if body == nil {
		return nil
	}
	return []loop.Stmt{rnnFor(j, r.s.Hidden, body...)}
}

// zeroY zeroes Y at time t (a step past the sequence's length).
func (r *rnn) zeroY(d int, t loop.Affine, bv loop.VarID) []loop.Stmt {
	if r.y == rnnNone {
		return nil
	}
	j := r.v("j")
	return []loop.Stmt{rnnFor(j, r.s.Hidden, r.st(r.y, r.num(0), r.yIx(d, t, bv, j)...))}
}

// project computes the gate products of step t: xg[g] = Xt·W[g]ᵀ plus the
// biases that do not depend on the state, and hg[g] = Ht-1·R[g]ᵀ (GRU
// without linear_before_reset: the z and r gates only; with it, hg starts
// from Rb, which the reset gate scales).
func (r *rnn) project(d int, t loop.Affine, bv loop.VarID) []loop.Stmt {
	gh := r.s.Gates * r.s.Hidden
	lbr := r.op == graph.OpGRU && r.at.LinearBeforeReset
	xBias := func(g loop.VarID) loop.Expr {
		switch {
		case r.bias == rnnNone:
			return r.num(0)
		case lbr:
			return r.ld(r.bias, rnnLit(d), rnnAt(g))
		}
		return bin(loop.Add, r.ld(r.bias, rnnLit(d), rnnAt(g)), r.ld(r.bias, rnnLit(d), loop.At(loop.V(g).Add(loop.Lit(gh)))))
	}
	hBias := func(g loop.VarID) loop.Expr {
		if lbr && r.bias != rnnNone {
			return r.ld(r.bias, rnnLit(d), loop.At(loop.V(g).Add(loop.Lit(gh))))
		}
		return r.num(0)
	}
	xrow := func(bv, i loop.VarID) []loop.Index {
		if r.s.Layout == 1 {
			return []loop.Index{rnnAt(bv), loop.At(t), rnnAt(i)}
		}
		return []loop.Index{loop.At(t), rnnAt(bv), rnnAt(i)}
	}
	xs := r.dot(d, r.xg, gh, xBias, r.x, r.w, r.s.Input, func(i loop.VarID) []loop.Index { return xrow(bv, i) })
	hs := r.dot(d, r.hg, r.b.k.Buffers[r.hg].Shape[0], hBias, r.h, r.r, r.s.Hidden, func(i loop.VarID) []loop.Index { return []loop.Index{rnnAt(i)} })
	return []loop.Stmt{xs, hs}
}

// dot is: for g in 0..rows { acc = init(g); for i in 0..n { acc = acc +
// vec[vix(i)]·mat[d, g, i] }; dst[g] = acc }.
func (r *rnn) dot(d int, dst loop.BufID, rows int, init func(loop.VarID) loop.Expr, vec, mat loop.BufID, n int, vix func(loop.VarID) []loop.Index) loop.Stmt {
	g, i := r.v("g"), r.v("i")
	prod := bin(loop.Mul, r.ld(vec, vix(i)...), r.ld(mat, rnnLit(d), rnnAt(g), rnnAt(i)))
	return rnnFor(g, rows,
		set(r.acc, init(g)),
		rnnFor(i, n, set(r.acc, bin(loop.Add, scalar(r.acc), prod))),
		r.st(dst, scalar(r.acc), rnnAt(g)))
}
