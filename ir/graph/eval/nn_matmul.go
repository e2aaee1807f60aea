package eval

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// nnGemm sets c = alpha·op(a)·op(b) + beta·c for row-major matrices, op(a)
// m×k and op(b) k×n; op transposes when ta (tb) is set. Floats go to
// gonum's BLAS; float32 operands are accumulated in float64 and rounded
// once, so the reference is the float32 model's exact result to within an
// ulp, whatever order another runtime sums in (long float32 sums differ by
// more than ONNX's 1e-7 absolute tolerance near zero). Integers use a plain
// loop with wrapping 64-bit arithmetic.
func nnGemm[T nnNum](ta, tb bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				if beta == 0 {
					row[j] = 0
				} else {
					row[j] *= beta
				}
			}
		}
		return
	}
	switch av := any(a).(type) {
	case []float32:
		nnGemm32in64(ta, tb, m, n, k, any(alpha).(float32), av, lda, any(b).([]float32), ldb, any(beta).(float32), any(c).([]float32), ldc)
	case []float64:
		blas64.Implementation().Dgemm(nnTrans(ta), nnTrans(tb), m, n, k, any(alpha).(float64), av, lda,
			any(b).([]float64), ldb, any(beta).(float64), any(c).([]float64), ldc)
	default:
		nnGemmLoop(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// nnGemm32in64 is nnGemm for float32 with float64 accumulation.
func nnGemm32in64(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	rowsA, rowsB := m, k
	if ta {
		rowsA = k
	}
	if tb {
		rowsB = n
	}
	a64 := nnWiden(a, rowsA, lda)
	b64 := nnWiden(b, rowsB, ldb)
	c64 := make([]float64, m*n)
	if beta != 0 {
		for i := range m {
			for j := range n {
				c64[i*n+j] = float64(c[i*ldc+j])
			}
		}
	}
	blas64.Implementation().Dgemm(nnTrans(ta), nnTrans(tb), m, n, k, float64(alpha), a64, lda, b64, ldb, float64(beta), c64, max(n, 1))
	for i := range m {
		for j := range n {
			c[i*ldc+j] = float32(c64[i*n+j])
		}
	}
}

// nnWiden copies the rows×ld float32 matrix (the last row may be short) to
// float64.
func nnWiden(a []float32, rows, ld int) []float64 {
	n := min(len(a), rows*ld)
	out := make([]float64, n)
	for i, v := range a[:n] {
		out[i] = float64(v)
	}
	return out
}

func nnTrans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

func nnGemmLoop[T nnNum](ta, tb bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	acc := make([]T, n)
	for i := range m {
		clear(acc)
		for p := range k {
			av := a[i*lda+p]
			if ta {
				av = a[p*lda+i]
			}
			if av == 0 {
				continue
			}
			if tb {
				for j := range acc {
					acc[j] += av * b[j*ldb+p]
				}
			} else {
				row := b[p*ldb : p*ldb+n]
				for j, bv := range row {
					acc[j] += av * bv
				}
			}
		}
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			row[j] = alpha*acc[j] + beta*row[j]
		}
	}
}

func runGemm(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	at, _ := n.Attrs.(graph.GemmAttrs)
	a, b := in[0], in[1]
	var c *dtype.Array
	if len(in) > 2 {
		c = in[2]
	}
	y := dtype.New(out[0].Kind, out[0].Shape)
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		nnGemmFloat[float32](at, a, b, c, y)
		nnRound(y)
	case dtype.ClassDouble:
		nnGemmFloat[float64](at, a, b, c, y)
	case dtype.ClassInt:
		nnGemmInt[int64](at, a, b, c, y)
	case dtype.ClassUint:
		nnGemmInt[uint64](at, a, b, c, y)
	default:
		return nil, fmt.Errorf("Gemm of %v", a.Kind)
	}
	return []*dtype.Array{y}, nil
}

func nnGemmFloat[T nnFloat](at graph.GemmAttrs, a, b, c, y *dtype.Array) {
	m, k, n, _ := graph.GemmDims(at, a.Shape, b.Shape)
	yd := nnData[T](y)
	beta := T(0)
	if c != nil {
		cd := nnData[T](c)
		for i, j := range BroadcastIndex(y.Shape, c.Shape) {
			yd[i] = cd[j]
		}
		beta = T(at.Beta)
	}
	nnGemm(at.TransA, at.TransB, m, n, k, T(at.Alpha), nnData[T](a), a.Shape[1], nnData[T](b), b.Shape[1], beta, yd, n)
}

// nnGemmInt computes an integer Gemm. ONNX's reference multiplies the exact
// integer product by the float alpha and adds beta·C in float64, then
// converts back (truncating); alpha = 1 with beta 0 or 1 stays exact.
func nnGemmInt[T int64 | uint64](at graph.GemmAttrs, a, b, c, y *dtype.Array) {
	m, k, n, _ := graph.GemmDims(at, a.Shape, b.Shape)
	prod := make([]T, m*n)
	nnGemm(at.TransA, at.TransB, m, n, k, 1, nnData[T](a), a.Shape[1], nnData[T](b), b.Shape[1], 0, prod, n)
	var cidx []int
	if c != nil {
		cidx = BroadcastIndex(y.Shape, c.Shape)
	}
	exact := at.Alpha == 1 && (c == nil || at.Beta == 0 || at.Beta == 1)
	for i, p := range prod {
		if exact {
			if c != nil && at.Beta == 1 {
				p += nnData[T](c)[cidx[i]]
			}
			nnSetWrapped(y, i, p)
			continue
		}
		v := float64(p) * float64(at.Alpha)
		if c != nil {
			v += c.At(cidx[i]) * float64(at.Beta)
		}
		y.Set(i, v)
	}
}

// nnSetWrapped stores an integer result, wrapped to y's kind.
func nnSetWrapped[T int64 | uint64](y *dtype.Array, i int, v T) {
	switch y.Kind.Class() {
	case dtype.ClassInt:
		y.I64[i] = dtype.WrapInt(y.Kind, int64(v))
	case dtype.ClassUint:
		y.U64[i] = dtype.WrapUint(y.Kind, uint64(v))
	}
}

// nnBatched describes a numpy matmul: the operands promoted to matrices and
// the batch offsets (in matrices) of each output matrix.
type nnBatched struct {
	m, k, n    int
	aOff, bOff []int // per output matrix: index of the A and B matrix
}

func nnPlanMatMul(as, bs []int) nnBatched {
	if len(as) == 1 {
		as = []int{1, as[0]}
	}
	if len(bs) == 1 {
		bs = []int{bs[0], 1}
	}
	ra, rb := len(as), len(bs)
	batch, _ := graph.BroadcastShapes(as[:ra-2], bs[:rb-2])
	return nnBatched{
		m: as[ra-2], k: as[ra-1], n: bs[rb-1],
		aOff: BroadcastIndex(batch, as[:ra-2]),
		bOff: BroadcastIndex(batch, bs[:rb-2]),
	}
}

// nnMatMulInto computes every output matrix of the matmul p plans into c.
func nnMatMulInto[T nnNum](p nnBatched, a, b, c []T) {
	mk, kn, mn := p.m*p.k, p.k*p.n, p.m*p.n
	for t := range p.aOff {
		ai, bi := p.aOff[t]*mk, p.bOff[t]*kn
		nnGemm(false, false, p.m, p.n, p.k, 1, a[ai:ai+mk], max(p.k, 1), b[bi:bi+kn], max(p.n, 1), 0, c[t*mn:(t+1)*mn], max(p.n, 1))
	}
}

func runMatMul(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, b := in[0], in[1]
	p := nnPlanMatMul(a.Shape, b.Shape)
	y := dtype.New(out[0].Kind, out[0].Shape)
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		nnMatMulInto(p, a.F32, b.F32, y.F32)
		nnRound(y)
	case dtype.ClassDouble:
		nnMatMulInto(p, a.F64, b.F64, y.F64)
	case dtype.ClassInt:
		nnMatMulInto(p, a.I64, b.I64, y.I64)
		for i, v := range y.I64 {
			y.I64[i] = dtype.WrapInt(y.Kind, v)
		}
	case dtype.ClassUint:
		nnMatMulInto(p, a.U64, b.U64, y.U64)
		for i, v := range y.U64 {
			y.U64[i] = dtype.WrapUint(y.Kind, v)
		}
	default:
		return nil, fmt.Errorf("MatMul of %v", a.Kind)
	}
	return []*dtype.Array{y}, nil
}

// nnShifted returns x - zp as float64, zp broadcast as a per-tensor, per-row
// (rows) or per-column matmul parameter; nil zp means zero. The values are
// small integers, so float64 arithmetic on them is exact.
func nnShifted(x, zp *dtype.Array, rows bool) []float64 {
	v := nnFloats64(x)
	if zp == nil {
		return v
	}
	z := nnExpandParam(zp, x.Shape, rows)
	for i := range v {
		v[i] -= z[i]
	}
	return v
}

// nnExpandParam broadcasts a matmul scale or zero point to its operand's
// shape (shape inference has checked that it fits).
func nnExpandParam(p *dtype.Array, op []int, rows bool) []float64 {
	s, err := graph.QuantParamShape(p.Shape, op, rows)
	if err != nil {
		panic(fmt.Sprintf("eval: %v (kiln bug: inference checks it)", err))
	}
	pv := nnFloats64(p)
	idx := BroadcastIndex(op, s)
	out := make([]float64, len(idx))
	for i, j := range idx {
		out[i] = pv[j]
	}
	return out
}

// nnIntMatMul is the int32 accumulation of (A - a_zp)·(B - b_zp): exact
// float64 products and sums (|terms| < 2^16, so sums below 2^37 terms are
// exact), wrapped to 32 bits like an int32 accumulator.
func nnIntMatMul(a, b, azp, bzp *dtype.Array) ([]int64, nnBatched) {
	p := nnPlanMatMul(a.Shape, b.Shape)
	av, bv := nnShifted(a, azp, true), nnShifted(b, bzp, false)
	acc := make([]float64, len(p.aOff)*p.m*p.n)
	nnMatMulInto(p, av, bv, acc)
	out := make([]int64, len(acc))
	for i, v := range acc {
		out[i] = nnWrap32(v)
	}
	return out, p
}

// nnWrap32 converts an exact integral float64 to int32 with wrap-around.
func nnWrap32(v float64) int64 {
	return int64(int32(uint32(int64(math.Mod(v, 1<<32)))))
}

func runMatMulInteger(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	var azp, bzp *dtype.Array
	if len(in) > 2 {
		azp = in[2]
	}
	if len(in) > 3 {
		bzp = in[3]
	}
	acc, _ := nnIntMatMul(in[0], in[1], azp, bzp)
	y := dtype.New(dtype.I32, out[0].Shape)
	copy(y.I64, acc)
	return []*dtype.Array{y}, nil
}

func runQLinearMatMul(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, as, azp, b, bs, bzp, ys, yzp := in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7]
	acc, p := nnIntMatMul(a, b, azp, bzp)
	// the scales per row of A and per column of B: the operand shapes
	// with the K axis collapsed
	ase, bse := nnExpandParam(as, nnCollapse(a.Shape, 1), true), nnExpandParam(bs, nnCollapse(b.Shape, 2), false)
	yScale, yZero := ys.At(0), yzp.At(0)
	sk := as.Kind
	y := dtype.New(out[0].Kind, out[0].Shape)
	mn := p.m * p.n
	for t := range p.aOff {
		for i := range p.m {
			sa := ase[p.aOff[t]*p.m+i]
			for j := range p.n {
				sb := bse[p.bOff[t]*p.n+j]
				// ONNX's reference: C · (a_scale·b_scale / y_scale), the
				// multiplier in the scales' precision, the product in float64.
				mult := dtype.RoundFloat(sk, dtype.RoundFloat(sk, sa*sb, false)/yScale, false)
				o := t*mn + i*p.n + j
				nnRequantize(y, o, float64(acc[o])*mult, yZero)
			}
		}
	}
	return []*dtype.Array{y}, nil
}

// nnCollapse is shape with its from-last axis (1: last, 2: second last)
// set to 1; a 1-D shape becomes [1].
func nnCollapse(shape []int, fromLast int) []int {
	if len(shape) < 2 {
		return []int{1}
	}
	s := append([]int{}, shape...)
	s[len(s)-fromLast] = 1
	return s
}

// nnRequantize stores saturate(round(v) + zp) in y's kind, rounding half
// to even: the quantisation formula of QLinearMatMul and QuantizeLinear
// (Operators.md), the zero point added after the rounding.
func nnRequantize(y *dtype.Array, i int, v, zp float64) {
	lo, hi := y.Kind.IntRange()
	r := math.Max(float64(lo), math.Min(float64(hi), math.RoundToEven(v)+zp))
	switch y.Kind.Class() {
	case dtype.ClassInt:
		y.I64[i] = int64(r)
	case dtype.ClassUint:
		y.U64[i] = uint64(r)
	}
}
