package hls

import (
	"fmt"
	"testing"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// fxPairs are the operand types of the exhaustive sweeps: every pair of
// 6-bit raws, signed and unsigned, binary points apart and together, and
// I = 0 and I = W.
var fxPairs = [][2]string{
	{"fixed<6,3>", "fixed<6,2>"},
	{"ufixed<6,2>", "fixed<6,4>"},
	{"fixed<6,6>", "ufixed<6,1>"},
	{"ufixed<6,3>", "ufixed<6,5>"},
	{"fixed<6,0>", "fixed<6,5>"},
}

// TestLLVMFixedArith: for every pair of 6-bit raws of each pair of types,
// a+b, a−b and a·b (exact) cast to narrower targets in every rounding and
// overflow mode and to a wider one (the binary point moving left),
// computed by the emitted module, equal dtype.Convert of dtype.Add/Sub/Mul
// bit for bit. The operands come in as f64 values and are cast in
// (dtype.FromFloat, exact here).
func TestLLVMFixedArith(t *testing.T) {
	const n = 64 * 64
	var targets []dtype.Kind
	targets = append(targets, fxWithModes(t, "fixed<5,2")...)
	targets = append(targets, fxWithModes(t, "ufixed<4,2")...)
	targets = append(targets, fxKind(t, "fixed<13,3,trn,sat>"), fxKind(t, "fixed<13,3,rne>"), fxKind(t, "fixed<14,2,rnd,sat>"))
	ops := []struct {
		sym   string
		typ   func(a, b dtype.Fixed) dtype.Fixed
		exact func(a, b dtype.Fixed, x, y int64) int64
	}{
		{"+", dtype.AddType, dtype.Add},
		{"-", dtype.SubType, dtype.Sub},
		{"*", dtype.MulType, dtype.Mul},
	}
	var ins []fxIn
	var outs []fxOut
	for p, pair := range fxPairs {
		ka, kb := fxKind(t, pair[0]), fxKind(t, pair[1])
		fa, fb := fxType(ka), fxType(kb)
		ra, rb := make([]int64, n), make([]int64, n)
		va, vb := make([]float64, n), make([]float64, n)
		for i := range n {
			ra[i], rb[i] = dtype.WrapRaw(fa, int64(i>>6)), dtype.WrapRaw(fb, int64(i&63))
			va[i], vb[i] = dtype.ToFloat(fa, ra[i]), dtype.ToFloat(fb, rb[i])
		}
		ins = append(ins, fxF64(va), fxF64(vb))
		x := fmt.Sprintf("cast<%v>(x%d[i])", ka, 2*p)
		y := fmt.Sprintf("cast<%v>(x%d[i])", kb, 2*p+1)
		for _, op := range ops {
			ft := op.typ(fa, fb)
			for _, to := range targets {
				op, to := op, to
				outs = append(outs, fxOut{to, fmt.Sprintf("cast<%v>(%s %s %s)", to, x, op.sym, y), func(i int) any {
					r, _ := dtype.Convert(ft, fxType(to), op.exact(fa, fb, ra[i], rb[i]))
					return r
				}})
			}
		}
	}
	fxRun(t, "fixed_arith", n, ins, outs)
}

// TestLLVMFixedCompare: min, max, the six comparisons, select, Neg and Abs
// on every pair of 6-bit raws of one type, against the raws' integer
// order and exact negation.
func TestLLVMFixedCompare(t *testing.T) {
	const n = 64 * 64
	var ins []fxIn
	var outs []fxOut
	for p, spec := range []string{"fixed<6,3>", "ufixed<6,2>", "fixed<6,0,rne,sat>", "ufixed<6,6>"} {
		k := fxKind(t, spec)
		f := fxType(k)
		ra, rb := make([]int64, n), make([]int64, n)
		for i := range n {
			ra[i], rb[i] = dtype.WrapRaw(f, int64(i>>6)), dtype.WrapRaw(f, int64(i&63))
		}
		ins = append(ins, fxRaws(k, ra), fxRaws(k, rb))
		x, y := fmt.Sprintf("x%d[i]", 2*p), fmt.Sprintf("x%d[i]", 2*p+1)
		wide := dtype.FixedKind(dtype.SubType(f, f))
		wider := dtype.FixedKind(dtype.SubType(fxType(wide), fxType(wide)))
		outs = append(outs,
			fxOut{k, fmt.Sprintf("min(%s, %s)", x, y), func(i int) any { return min(ra[i], rb[i]) }},
			fxOut{k, fmt.Sprintf("max(%s, %s)", x, y), func(i int) any { return max(ra[i], rb[i]) }},
			fxOut{k, fmt.Sprintf("select(%s > %s, %s, %s)", x, y, y, x), func(i int) any { return min(ra[i], rb[i]) }},
			fxOut{wide, "-" + x, func(i int) any { return -ra[i] }},
			fxOut{wide, fmt.Sprintf("abs(%s)", x), func(i int) any { return max(ra[i], -ra[i]) }},
			fxOut{wider, fmt.Sprintf("abs(%s) - -%s", y, y), func(i int) any { return max(rb[i], -rb[i]) + rb[i] }},
		)
		cmps := []struct {
			sym string
			fn  func(a, b int64) bool
		}{
			{"==", func(a, b int64) bool { return a == b }}, {"!=", func(a, b int64) bool { return a != b }},
			{"<", func(a, b int64) bool { return a < b }}, {"<=", func(a, b int64) bool { return a <= b }},
			{">", func(a, b int64) bool { return a > b }}, {">=", func(a, b int64) bool { return a >= b }},
		}
		for _, c := range cmps {
			c := c
			outs = append(outs, fxOut{dtype.Bool, fmt.Sprintf("%s %s %s", x, c.sym, y), func(i int) any { return c.fn(ra[i], rb[i]) }})
		}
	}
	fxRun(t, "fixed_compare", n, ins, outs)
}
