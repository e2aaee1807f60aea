package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// quantLowerings are the integer and quantised products. Each sums
// (x − x_zero_point)·(w − w_zero_point) in an i32 accumulator, which wraps
// as ir/graph/eval's exact sum wrapped to 32 bits does; the QLinear forms
// then requantise (requantise).
var quantLowerings = map[graph.Op]lowerFunc{
	graph.OpMatMulInteger: matMulInteger, graph.OpQLinearMatMul: qlinearMatMul,
	graph.OpConvInteger: convInteger, graph.OpQLinearConv: qlinearConv,
}

// zeroPoint is the operand of a zero point: an optional input (absent: 0)
// read at an index of its own.
type zeroPoint struct {
	buf     loop.BufID
	present bool
}

// zeroPointIn returns the buffer of input i if it is present.
func (b *builder) zeroPointIn(i int) (zeroPoint, error) {
	if !b.has(i) {
		return zeroPoint{}, nil
	}
	id, err := b.in(i)
	return zeroPoint{id, true}, err
}

// minusZero is cast<i32>(v) − cast<i32>(zp[ix]) (v alone when zp is absent).
func minusZero(v loop.Expr, vk dtype.Kind, zp zeroPoint, zk dtype.Kind, ix []loop.Index) loop.Expr {
	v = convert(dtype.I32, vk, v)
	if !zp.present {
		return v
	}
	return bin(loop.Sub, v, convert(dtype.I32, zk, load(zp.buf, ix)))
}

// checkInts reports an error unless inputs ins are of integer kinds.
func (b *builder) checkInts(ins ...int) error {
	for _, i := range ins {
		if k := b.kindIn(i); b.has(i) && !k.IsInt() {
			return fmt.Errorf("input %d is %v: not yet (integer operands only)", i, k)
		}
	}
	return nil
}

// matMulInteger lowers MatMulInteger: a numpy matmul of A − a_zero_point
// (per tensor or per row of A) by B − b_zero_point (per tensor or per
// column of B) into int32.
func matMulInteger(b *builder) error {
	if err := b.checkInts(0, 1, 2, 3); err != nil {
		return err
	}
	if err := b.checkMatMul(0, 1); err != nil {
		return err
	}
	a, w, y, err := b.inInOut()
	if err != nil {
		return err
	}
	azp, err := b.zeroPointIn(2)
	if err != nil {
		return err
	}
	bzp, err := b.zeroPointIn(3)
	if err != nil {
		return err
	}
	p := b.planMatMul(b.shape(a), b.shape(w), b.shape(y), "k")
	term, err := b.intTerm(p, a, w, azp, bzp, 0, 1, 2, 3)
	if err != nil {
		return err
	}
	acc := b.tempOf("acc", dtype.I32)
	b.k.Body = p.nest(acc, konst(dtype.I32, 0), term, y, convert(b.kindOut(0), dtype.I32, scalar(acc)))
	return nil
}

// intTerm is the product (a − azp)·(w − bzp) of a matmul plan, inputs ia,
// iw, iaz, ibz the node's operands and zero points.
func (b *builder) intTerm(p mmPlan, a, w loop.BufID, azp, bzp zeroPoint, ia, iw, iaz, ibz int) (loop.Expr, error) {
	var azi, bzi []loop.Index
	var err error
	if azp.present {
		if azi, err = paramIndex(b.shape(azp.buf), b.shape(a), p.ai, true); err != nil {
			return nil, fmt.Errorf("a_zero_point: %w", err)
		}
	}
	if bzp.present {
		if bzi, err = paramIndex(b.shape(bzp.buf), b.shape(w), p.wi, false); err != nil {
			return nil, fmt.Errorf("b_zero_point: %w", err)
		}
	}
	av := minusZero(load(a, p.ai), b.kindIn(ia), azp, b.kindIn(iaz), azi)
	wv := minusZero(load(w, p.wi), b.kindIn(iw), bzp, b.kindIn(ibz), bzi)
	return bin(loop.Mul, av, wv), nil
}

// paramIndex indexes a matmul parameter of shape ps (a zero point or
// scale, graph.QuantParamShape: per tensor, per row of an operand of shape
// op when rows, else per column) at the operand position opIdx. A per-row
// or per-column parameter never depends on the reduction axis.
func paramIndex(ps, op []int, opIdx []loop.Index, rows bool) ([]loop.Index, error) {
	if _, err := graph.QuantParamShape(ps, op, rows); err != nil {
		return nil, err
	}
	ix := make([]loop.Index, len(ps))
	switch {
	case dtype.Size(ps) == 1:
		for d := range ix {
			ix[d] = loop.At(loop.Lit(0))
		}
	case len(ps) == 1 && rows: // [M]: one per row
		ix[0] = opIdx[len(opIdx)-2]
	case len(ps) == 1: // [N]: one per column
		ix[0] = opIdx[len(opIdx)-1]
	default:
		off := len(opIdx) - len(ps)
		for d, n := range ps {
			ix[d] = loop.At(loop.Lit(0))
			if n != 1 {
				ix[d] = opIdx[off+d]
			}
		}
	}
	return ix, nil
}

// perTensor indexes every dimension of buf with 0: a per-tensor parameter.
func (b *builder) perTensor(buf loop.BufID) []loop.Index {
	ix := make([]loop.Index, len(b.shape(buf)))
	for d := range ix {
		ix[d] = loop.At(loop.Lit(0))
	}
	return ix
}
