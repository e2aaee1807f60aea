package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// rnnRef is an element that a cell writes and reads back: a scalar
// temporary (no index) or h[j], c[j].
type rnnRef struct {
	buf loop.BufID
	ix  []loop.Index
}

func (v rnnRef) get() loop.Expr            { return load(v.buf, v.ix) }
func (v rnnRef) set(e loop.Expr) loop.Stmt { return store(v.buf, v.ix, e) }

// apply is dst = f(x), x first bounded to [-clip, clip] when clipped and
// the node has a clip. A bound argument, and one that f reads more than
// once, is stored in dst first, so that no expression is built twice.
func (r *rnn) apply(dst rnnRef, f graph.RNNFunc, clipped bool, x loop.Expr) []loop.Stmt {
	var pre []loop.Stmt
	if clipped && r.at.HasClip {
		pre = []loop.Stmt{dst.set(x), dst.set(r.clamp(dst.get(), -r.at.Clip, r.at.Clip))}
		x = dst.get()
	} else if rnnReadsTwice[f.Name] {
		pre = []loop.Stmt{dst.set(x)}
		x = dst.get()
	}
	v, err := r.act(f, x)
	if err != nil {
		if r.err == nil {
			r.err = err
		}
		return nil
	}
	return append(pre, dst.set(v))
}

// clamp bounds x (read three times) to [lo, hi]; NaN stays NaN, as Go's
// min and max in ir/graph/eval keep it (the loop IR's min and max are C's
// fmin and fmax, which drop it).
func (r *rnn) clamp(x loop.Expr, lo, hi float32) loop.Expr {
	return rnnSel(bin(loop.Lt, x, r.num(lo)), r.num(lo), rnnSel(bin(loop.Gt, x, r.num(hi)), r.num(hi), x))
}

// rnnReadsTwice are the activations whose expression reads x more than
// once.
var rnnReadsTwice = map[string]bool{
	"Relu": true, "LeakyRelu": true, "ThresholdedRelu": true, "Elu": true, "Softsign": true, "Softplus": true,
	"HardSigmoid": true,
}

// act is the activation f(x) in the compute kind, as ir/graph/eval's
// rnnAct defines it (Operators.md's table of the recurrent operators).
// Sigmoid and Tanh are built from exp as the Sigmoid and Tanh operators'
// lowerings are (Bambu's tanhf costs over ten times its expf).
func (r *rnn) act(f graph.RNNFunc, x loop.Expr) (loop.Expr, error) {
	alpha, beta, zero := r.num(f.Alpha), r.num(f.Beta), r.num(0)
	switch f.Name {
	case "Relu": // NaN stays NaN
		return rnnSel(bin(loop.Lt, x, zero), zero, x), nil
	case "Tanh":
		return r.elem(graph.OpTanh, x)
	case "Sigmoid":
		return r.elem(graph.OpSigmoid, x)
	case "Affine":
		return bin(loop.Add, bin(loop.Mul, alpha, x), beta), nil
	case "LeakyRelu":
		return rnnSel(bin(loop.Ge, x, zero), x, bin(loop.Mul, alpha, x)), nil
	case "ThresholdedRelu":
		return rnnSel(bin(loop.Ge, x, alpha), x, zero), nil
	case "ScaledTanh":
		t, err := r.elem(graph.OpTanh, bin(loop.Mul, beta, x))
		return bin(loop.Mul, alpha, t), err
	case "HardSigmoid": // alpha·x + beta, built three times
		ax := func() loop.Expr { return bin(loop.Add, bin(loop.Mul, alpha, x), beta) }
		return rnnSel(bin(loop.Lt, ax(), zero), zero, rnnSel(bin(loop.Gt, ax(), r.num(1)), r.num(1), ax())), nil
	case "Elu":
		return rnnSel(bin(loop.Ge, x, zero), x, bin(loop.Mul, alpha, &loop.Call{Func: "expm1", Args: []loop.Expr{x}})), nil
	case "Softsign":
		return bin(loop.Div, x, bin(loop.Add, r.num(1), un(loop.Abs, x))), nil
	case "Softplus": // log(1 + e^x) without overflow, as eval
		log1p := func(e loop.Expr) loop.Expr { return &loop.Call{Func: "log1p", Args: []loop.Expr{e}} }
		pos := bin(loop.Add, x, log1p(un(loop.Exp, un(loop.Neg, x))))
		return rnnSel(bin(loop.Gt, x, zero), pos, log1p(un(loop.Exp, x))), nil
	}
	return nil, fmt.Errorf("activation function %q: no lowering", f.Name)
}

// elem is the element-wise operator op's expression (elem.go) on x.
func (r *rnn) elem(op graph.Op, x loop.Expr) (loop.Expr, error) {
	return unaryExpr(&graph.Node{Op: op}, r.ck, x)
}

func rnnSel(c, x, y loop.Expr) loop.Expr { return &loop.Select{Cond: c, X: x, Y: y} }

// rnnArith is the kind a recurrent node of kind k computes in, as
// ir/graph/eval does: f64 for f64, f32 for every other float kind.
func rnnArith(k dtype.Kind) dtype.Kind {
	if k.Class() == dtype.ClassDouble {
		return dtype.F64
	}
	return dtype.F32
}
