package lower

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// softmax lowers Softmax and LogSoftmax along Axis (Legacy, before opset
// 13: over every axis from Axis on, ONNX's 2-D coercion), subtracting each
// row's maximum first as eval does:
//
//	for other axes… { mx = −inf; for k… { mx = max(mx, x[…]) }
//	                  sum = 0; for k… { y[…] = exp(x[…] − mx); sum = sum + y[…] }
//	                  for k… { y[…] = y[…] / sum } }
//
// LogSoftmax sums exp(x − mx) and stores (x − mx) − log(sum). eval computes
// in float64; the loop IR computes in f32 (f64 for f64), within ONNX's
// tolerance. Narrow float outputs are not read back (they would round
// exp's value early): the last loop computes exp again.
func softmax(b *builder) error {
	at, _ := b.n.Attrs.(graph.SoftmaxAttrs)
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	xs := b.shape(x)
	ax, err := graph.NormAxis(at.Axis, len(xs))
	if err != nil {
		return err
	}
	s := &softmaxer{b: b, x: x, y: y, w: arith(b.bufKind(x)), log: b.n.Op == graph.OpLogSoftmax}
	s.vs = b.axisVars("i", len(xs))
	s.red = func(d int) bool { return d == ax || at.Legacy && d > ax }
	other, otherExt := splitAxes(s.vs, xs, func(d int) bool { return !s.red(d) })
	s.xs = xs
	s.mx, s.sum = b.tempOf("mx", s.w), b.tempOf("sum", s.w)
	b.k.Body = nest(other, otherExt, s.row()...)
	return nil
}

// softmaxer builds the loops of one Softmax or LogSoftmax.
type softmaxer struct {
	b       *builder
	x, y    loop.BufID
	w       dtype.Kind // the kind computed in
	log     bool
	xs      []int
	vs      []loop.VarID     // one per axis; the reduced ones bind the first pass
	red     func(d int) bool // whether axis d is reduced
	used    bool
	mx, sum loop.BufID
}

// pass gives the variables of one loop nest over the reduced axes and the
// index of x and y in it.
func (s *softmaxer) pass() ([]loop.VarID, []loop.Index) {
	rv, _ := splitAxes(s.vs, s.xs, s.red)
	if s.used {
		rv = s.b.freshVarsLike(rv)
	}
	s.used = true
	ix := make([]loop.Index, len(s.vs))
	j := 0
	for d, v := range s.vs {
		if s.red(d) {
			v = rv[j]
			j++
		}
		ix[d] = loop.At(loop.V(v))
	}
	return rv, ix
}

// row is the three passes over one row.
func (s *softmaxer) row() []loop.Stmt {
	_, ext := splitAxes(s.vs, s.xs, s.red)
	xk, yk := s.b.bufKind(s.x), s.b.bufKind(s.y)
	xv := func(ix []loop.Index) loop.Expr { return convert(s.w, xk, load(s.x, ix)) }
	diff := func(ix []loop.Index) loop.Expr { return bin(loop.Sub, xv(ix), scalar(s.mx)) }
	body := []loop.Stmt{set(s.mx, loop.Float(s.w, math.Inf(-1)))}
	rv, ix := s.pass()
	xt := s.b.tempOf("v", s.w) // max reads its operand four times: once into v
	body = append(body, nest(rv, ext, set(xt, xv(ix)), set(s.mx, goMinMax(loop.Max, s.w, scalar(s.mx), scalar(xt))))...)
	body = append(body, set(s.sum, loop.Float(s.w, 0)))
	rv, ix = s.pass()
	e := un(loop.Exp, diff(ix))
	if s.log || yk != s.w {
		body = append(body, nest(rv, ext, set(s.sum, bin(loop.Add, scalar(s.sum), e)))...)
	} else { // y keeps exp for the last pass
		body = append(body, nest(rv, ext, store(s.y, ix, e), set(s.sum, bin(loop.Add, scalar(s.sum), load(s.y, ix))))...)
	}
	rv, ix = s.pass()
	var v loop.Expr
	switch {
	case s.log:
		v = bin(loop.Sub, diff(ix), un(loop.Log, scalar(s.sum)))
	case yk != s.w:
		v = bin(loop.Div, un(loop.Exp, diff(ix)), scalar(s.sum))
	default:
		v = bin(loop.Div, load(s.y, ix), scalar(s.sum))
	}
	return append(body, nest(rv, ext, store(s.y, ix, convert(yk, s.w, v)))...)
}
