package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// qlinearMatMul lowers QLinearMatMul (inputs a, a_scale, a_zero_point, b,
// b_scale, b_zero_point, y_scale, y_zero_point): MatMulInteger's i32 sum,
// requantised with the multiplier a_scale·b_scale/y_scale (a_scale per
// row, b_scale per column, as their zero points), computed once first when
// the scales are per tensor.
func qlinearMatMul(b *builder) error {
	if err := b.checkInts(0, 2, 3, 5, 7); err != nil {
		return err
	}
	if err := b.checkMatMul(0, 3); err != nil {
		return err
	}
	bufs, err := b.inBufs(0, 1, 2, 3, 4, 5, 6, 7)
	if err != nil {
		return err
	}
	a, as, azp, w, ws, bzp, ys, yzp := bufs[0], bufs[1], bufs[2], bufs[3], bufs[4], bufs[5], bufs[6], bufs[7]
	y, err := b.out(0)
	if err != nil {
		return err
	}
	p := b.planMatMul(b.shape(a), b.shape(w), b.shape(y), "k")
	term, err := b.intTerm(p, a, w, zeroPoint{azp, true}, zeroPoint{bzp, true}, 0, 3, 2, 5)
	if err != nil {
		return err
	}
	asi, err := paramIndex(b.shape(as), scaleShape(b.shape(a), 1), p.ai, true)
	if err != nil {
		return fmt.Errorf("a_scale: %w", err)
	}
	wsi, err := paramIndex(b.shape(ws), scaleShape(b.shape(w), 2), p.wi, false)
	if err != nil {
		return fmt.Errorf("b_scale: %w", err)
	}
	mult, pre := b.hoist("mult", qMultiplier(b.kindIn(1), load(as, asi), b.kindIn(4), load(ws, wsi), b.kindIn(6), load(ys, b.perTensor(ys))), asi, wsi)
	acc := b.tempOf("acc", dtype.I32)
	v, err := requantise(scalar(acc), mult, convert(dtype.F64, b.kindIn(7), load(yzp, b.perTensor(yzp))), b.kindOut(0))
	if err != nil {
		return err
	}
	b.k.Body = append(pre, p.nest(acc, konst(dtype.I32, 0), term, y, v)...)
	return nil
}

// hoist computes e, of f64 kind, once before the loops into a temporary
// named name when the indices ixs it reads at are all constant (per-tensor
// parameters); otherwise e stays where it is used. It returns what to use
// and the statements to put first.
func (b *builder) hoist(name string, e loop.Expr, ixs ...[]loop.Index) (loop.Expr, []loop.Stmt) {
	for _, ix := range ixs {
		for _, x := range ix {
			if x.Dyn != nil || !x.Aff.IsConst() {
				return e, nil
			}
		}
	}
	t := b.tempOf(name, dtype.F64)
	return scalar(t), []loop.Stmt{set(t, e)}
}

// inBufs returns the buffers of the given inputs.
func (b *builder) inBufs(is ...int) ([]loop.BufID, error) {
	out := make([]loop.BufID, len(is))
	for j, i := range is {
		id, err := b.in(i)
		if err != nil {
			return nil, err
		}
		out[j] = id
	}
	return out, nil
}

// scaleShape is shape with its axis fromLast from the end (1: last, 2:
// second last) set to 1, the shape a scale is per row or column of; a 1-D
// shape gives [1] (ir/graph/eval's nnCollapse).
func scaleShape(shape []int, fromLast int) []int {
	if len(shape) < 2 {
		return []int{1}
	}
	s := append([]int{}, shape...)
	s[len(s)-fromLast] = 1
	return s
}

// qMultiplier is the requantisation multiplier x_scale·w_scale/y_scale as
// ONNX's reference computes it: each step rounded to the first scale's
// kind sk, the operations in f64 (exact for the product of two scales of
// at most 26 significant bits; the quotient rounds once to f64, then to
// sk, as eval's RoundFloat(sk, a/b) does). The result is f64.
func qMultiplier(sk dtype.Kind, xs loop.Expr, wk dtype.Kind, ws loop.Expr, yk dtype.Kind, ys loop.Expr) loop.Expr {
	f := dtype.F64
	prod := convert(sk, f, bin(loop.Mul, convert(f, sk, xs), convert(f, wk, ws)))
	q := convert(sk, f, bin(loop.Div, convert(f, sk, prod), convert(f, yk, ys)))
	return convert(f, sk, q)
}

// requantise is saturate(rint(acc·mult) + zp) in y's kind yk: acc an i32 sum,
// mult and zp f64, rounding half to even, the zero point added after the
// rounding and the bounds of yk applied last (eval's nnRequantize).
func requantise(acc, mult, zp loop.Expr, yk dtype.Kind) (loop.Expr, error) {
	if !yk.IsInt() {
		return nil, fmt.Errorf("output is %v: not yet (integer outputs only)", yk)
	}
	f := dtype.F64
	v := bin(loop.Add, un(loop.Rint, bin(loop.Mul, convert(f, dtype.I32, acc), mult)), zp)
	lo, hi := yk.IntRange()
	v = bin(loop.Max, konst(f, float64(lo)), bin(loop.Min, konst(f, float64(hi)), v))
	return convert(yk, f, v), nil
}

// convInteger lowers ConvInteger (x, w, x_zero_point per tensor,
// w_zero_point per tensor or per output channel) into int32; padded taps
// are left out, as x_zero_point reads as zero once shifted.
func convInteger(b *builder) error {
	if err := b.checkInts(0, 1, 2, 3); err != nil {
		return err
	}
	x, w, y, err := b.inInOut()
	if err != nil {
		return err
	}
	l, err := b.convLoops(x, w, y)
	if err != nil {
		return err
	}
	term, err := b.convIntTerm(l, 0, 1, 2, 3)
	if err != nil {
		return err
	}
	acc := b.tempOf("acc", dtype.I32)
	b.k.Body = l.nest(acc, konst(dtype.I32, 0), term, convert(b.kindOut(0), dtype.I32, scalar(acc)))
	return nil
}

// convIntTerm is (x − xzp)·(w − wzp[m]) for the inputs ix, iw and the
// optional zero points ixz, iwz.
func (b *builder) convIntTerm(l convNest, ix, iw, ixz, iwz int) (func(xv, wv loop.Expr) loop.Expr, error) {
	xzp, err := b.zeroPointIn(ixz)
	if err != nil {
		return nil, err
	}
	wzp, err := b.zeroPointIn(iwz)
	if err != nil {
		return nil, err
	}
	var xzi, wzi []loop.Index
	if xzp.present {
		if dtype.Size(b.shape(xzp.buf)) != 1 {
			return nil, fmt.Errorf("x_zero_point of shape %v: want one value", b.shape(xzp.buf))
		}
		xzi = b.perTensor(xzp.buf)
	}
	if wzp.present {
		if wzi, err = b.channelIndex(wzp.buf, l); err != nil {
			return nil, fmt.Errorf("w_zero_point: %w", err)
		}
	}
	xk, wk, xzk, wzk := b.kindIn(ix), b.kindIn(iw), b.kindIn(ixz), b.kindIn(iwz)
	return func(xv, wv loop.Expr) loop.Expr {
		return bin(loop.Mul, minusZero(xv, xk, xzp, xzk, xzi), minusZero(wv, wk, wzp, wzk, wzi))
	}, nil
}

// channelIndex indexes a per-tensor or per-output-channel parameter
// (shape [M]) at the output channel of l.
func (b *builder) channelIndex(buf loop.BufID, l convNest) ([]loop.Index, error) {
	s := b.shape(buf)
	switch {
	case dtype.Size(s) == 1:
		return b.perTensor(buf), nil
	case len(s) == 1 && s[0] == l.ws[0]:
		return []loop.Index{loop.At(l.m)}, nil
	}
	return nil, fmt.Errorf("shape %v: want one value or one per output channel (%d)", s, l.ws[0])
}

// qlinearConv lowers QLinearConv (x, x_scale, x_zero_point, w, w_scale,
// w_zero_point, y_scale, y_zero_point, optional i32 bias B): ConvInteger's
// sum started at B[m], requantised with x_scale·w_scale[m]/y_scale
// (computed once first when w_scale is per tensor).
func qlinearConv(b *builder) error {
	if err := b.checkInts(0, 2, 3, 5, 7, 8); err != nil {
		return err
	}
	bufs, err := b.inBufs(0, 1, 3, 4, 6, 7)
	if err != nil {
		return err
	}
	x, xs, w, ws, ys, yzp := bufs[0], bufs[1], bufs[2], bufs[3], bufs[4], bufs[5]
	y, err := b.out(0)
	if err != nil {
		return err
	}
	l, err := b.convLoops(x, w, y)
	if err != nil {
		return err
	}
	term, err := b.convIntTerm(l, 0, 3, 2, 5)
	if err != nil {
		return err
	}
	init, err := b.convBias(l, 8)
	if err != nil {
		return err
	}
	wsi, err := b.channelIndex(ws, l)
	if err != nil {
		return fmt.Errorf("w_scale: %w", err)
	}
	mult, pre := b.hoist("mult", qMultiplier(b.kindIn(1), load(xs, b.perTensor(xs)), b.kindIn(4), load(ws, wsi), b.kindIn(6), load(ys, b.perTensor(ys))), wsi)
	acc := b.tempOf("acc", dtype.I32)
	v, err := requantise(scalar(acc), mult, convert(dtype.F64, b.kindIn(7), load(yzp, b.perTensor(yzp))), b.kindOut(0))
	if err != nil {
		return err
	}
	b.k.Body = append(pre, l.nest(acc, init, term, v)...)
	return nil
}

// convBias is the i32 bias of input i at l's output channel (0 when
// absent).
func (b *builder) convBias(l convNest, i int) (loop.Expr, error) {
	if !b.has(i) {
		return konst(dtype.I32, 0), nil
	}
	bias, err := b.in(i)
	if err != nil {
		return nil, err
	}
	ix, err := b.channelIndex(bias, l)
	if err != nil {
		return nil, fmt.Errorf("B: %w", err)
	}
	return convert(dtype.I32, b.kindIn(i), load(bias, ix)), nil
}
