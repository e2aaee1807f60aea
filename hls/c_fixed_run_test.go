package hls

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// The fixed-point tests of the emitted C: each builds one kernel whose
// loops compute many cases (inputs indexed by the loop variables i and j),
// runs it natively and through ir/loop/exec, and compares both bit for bit
// with the reference functions of ir/dtype.

// cfxIn is an input buffer of a test kernel.
type cfxIn struct {
	name string
	a    *dtype.Array
}

// cfxOut is an output buffer: the expression stored into it at every point
// of the loops (text of the loop IR), and the values it must hold.
type cfxOut struct {
	name string
	expr string
	want *dtype.Array
}

// cfxRun builds the kernel of the outputs over loops of the given extents
// (variables i, then j), runs its C and exec, and compares each output
// with its want.
func cfxRun(t *testing.T, name string, dims []int, ins []cfxIn, outs []cfxOut) {
	t.Helper()
	gcc := cNeedGCC(t)
	k := cfxKernel(t, name, dims, ins, outs)
	f, err := EmitC(k)
	require.NoError(t, err)
	args := make([]*dtype.Array, 0, len(ins)+len(outs))
	for _, in := range ins {
		args = append(args, in.a)
	}
	for _, o := range outs {
		args = append(args, dtype.New(o.want.Kind, o.want.Shape))
	}
	got := cBuildRun(t, gcc, k, f, args)
	ran := make([]*dtype.Array, len(args))
	for i, a := range args {
		ran[i] = a.Clone()
	}
	require.NoError(t, exec.Run(k, ran))
	for i, o := range outs {
		cCompare(t, "C "+o.name, o.want, got[len(ins)+i], 0)
		cCompare(t, "exec "+o.name, o.want, ran[len(ins)+i], 0)
	}
}

// cfxKernel is the test kernel's IR, parsed and verified.
func cfxKernel(t *testing.T, name string, dims []int, ins []cfxIn, outs []cfxOut) *loop.Kernel {
	t.Helper()
	var params []string
	decl := func(role, name string, a *dtype.Array) {
		shape := make([]string, len(a.Shape))
		for i, d := range a.Shape {
			shape[i] = fmt.Sprint(d)
		}
		params = append(params, fmt.Sprintf("%s %s: %v[%s]", role, name, a.Kind, strings.Join(shape, ",")))
	}
	for _, in := range ins {
		decl("in", in.name, in.a)
	}
	for _, o := range outs {
		decl("out", o.name, o.want)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "kernel %s(%s) {\n", name, strings.Join(params, ", "))
	vars := []string{"i", "j"}[:len(dims)]
	for d, n := range dims {
		fmt.Fprintf(&sb, "%sfor %s in 0..%d {\n", strings.Repeat("  ", d+1), vars[d], n)
	}
	for _, o := range outs {
		fmt.Fprintf(&sb, "%s%s[%s] = %s\n", strings.Repeat("  ", len(dims)+1), o.name, strings.Join(vars, ", "), o.expr)
	}
	for d := len(dims); d > 0; d-- {
		sb.WriteString(strings.Repeat("  ", d) + "}\n")
	}
	sb.WriteString("}\n")
	k, err := loop.Parse(sb.String(), nil)
	require.NoError(t, err, sb.String())
	require.NoError(t, loop.Verify(k))
	return k
}

// cfxModes is f in each rounding and overflow mode.
func cfxModes(f dtype.Fixed) []dtype.Fixed {
	var out []dtype.Fixed
	for r := dtype.Truncate; r <= dtype.RoundHalfEven; r++ {
		for _, o := range []dtype.Overflow{dtype.Wrap, dtype.Saturate} {
			f.Round, f.Overflow = r, o
			out = append(out, f)
		}
	}
	return out
}

// cfxRaws is every raw of f (W ≤ 16), smallest first.
func cfxRaws(f dtype.Fixed) []int64 {
	var out []int64
	for r := f.MinRaw(); r <= f.MaxRaw(); r++ {
		out = append(out, r)
	}
	return out
}

// cfxValues is an f64 input holding the values of raws of f (exact: W ≤ 53).
func cfxValues(f dtype.Fixed, raws []int64) *dtype.Array {
	a := dtype.New(dtype.F64, []int{len(raws)})
	for i, r := range raws {
		a.F64[i] = dtype.ToFloat(f, r)
	}
	return a
}

// cfxArray is an array of kind k and the given shape whose element at flat
// index n is at(n): a raw for fixed kinds, a value otherwise.
func cfxArray(k dtype.Kind, shape []int, at func(n int) float64, raw func(n int) int64) *dtype.Array {
	a := dtype.New(k, shape)
	for n := range a.Len() {
		switch k.Class() {
		case dtype.ClassFixed, dtype.ClassInt:
			a.I64[n] = raw(n)
		case dtype.ClassUint:
			a.U64[n] = uint64(raw(n))
		case dtype.ClassBool:
			a.Bool[n] = raw(n) != 0
		case dtype.ClassFloat:
			a.F32[n] = float32(at(n))
		case dtype.ClassDouble:
			a.F64[n] = at(n)
		}
	}
	return a
}

func cfxKind(f dtype.Fixed) dtype.Kind { return dtype.FixedKind(f) }

// TestCFixedArith: every pair of 6-bit raws of a few operand type pairs
// through Add, Sub and Mul, stored exactly and cast to 5-bit targets in
// every rounding and overflow mode.
func TestCFixedArith(t *testing.T) {
	pairs := [][2]string{
		{"fixed<6,2>", "fixed<6,4>"},
		{"ufixed<6,3>", "fixed<6,1>"},
		{"ufixed<6,2>", "ufixed<6,5>"},
		{"fixed<6,6>", "ufixed<6,0>"},
	}
	targets := append(cfxModes(dtype.Fixed{W: 5, I: 2}), cfxModes(dtype.Fixed{W: 5, I: 3, Unsigned: true})...)
	ops := []struct {
		sym   string
		typ   func(a, b dtype.Fixed) dtype.Fixed
		exact func(a, b dtype.Fixed, x, y int64) int64
	}{
		{"+", dtype.AddType, dtype.Add},
		{"-", dtype.SubType, dtype.Sub},
		{"*", dtype.MulType, dtype.Mul},
	}
	for n, p := range pairs {
		t.Run(p[0]+","+p[1], func(t *testing.T) {
			fa, err := dtype.ParseFixed(p[0])
			require.NoError(t, err)
			fb, err := dtype.ParseFixed(p[1])
			require.NoError(t, err)
			ra, rb := cfxRaws(fa), cfxRaws(fb)
			shape := []int{len(ra), len(rb)}
			ins := []cfxIn{{"a", cfxValues(fa, ra)}, {"b", cfxValues(fb, rb)}}
			var outs []cfxOut
			for oi, op := range ops {
				rt := op.typ(fa, fb)
				e := fmt.Sprintf("cast<%v>(a[i]) %s cast<%v>(b[j])", fa, op.sym, fb)
				exact := func(n int) int64 { return op.exact(fa, fb, ra[n/len(rb)], rb[n%len(rb)]) }
				outs = append(outs, cfxOut{fmt.Sprintf("e%d", oi), e, cfxArray(cfxKind(rt), shape, nil, exact)})
				for ti, to := range targets {
					want := func(n int) int64 { r, _ := dtype.Convert(rt, to, exact(n)); return r }
					outs = append(outs, cfxOut{fmt.Sprintf("y%d_%d", oi, ti), fmt.Sprintf("cast<%v>(%s)", to, e),
						cfxArray(cfxKind(to), shape, nil, want)})
				}
			}
			cfxRun(t, fmt.Sprintf("fx_arith%d", n), shape, ins, outs)
		})
	}
}

// TestCFixedCompare: Neg, Abs, Min, Max, the comparisons and Select on
// every pair of 6-bit raws of one kind.
func TestCFixedCompare(t *testing.T) {
	for n, spec := range []string{"fixed<6,2>", "ufixed<6,3>"} {
		t.Run(spec, func(t *testing.T) {
			f, err := dtype.ParseFixed(spec)
			require.NoError(t, err)
			raws := cfxRaws(f)
			shape := []int{len(raws), len(raws)}
			x := func(n int) int64 { return raws[n/len(raws)] }
			y := func(n int) int64 { return raws[n%len(raws)] }
			k, wide := cfxKind(f), cfxKind(dtype.SubType(f, f))
			a, b := fmt.Sprintf("cast<%v>(a[i])", f), fmt.Sprintf("cast<%v>(a[j])", f)
			outs := []cfxOut{
				{"neg", "-" + b, cfxArray(wide, shape, nil, func(n int) int64 { return -y(n) })},
				{"abs", "abs(" + b + ")", cfxArray(wide, shape, nil, func(n int) int64 { return max(y(n), -y(n)) })},
				{"mn", fmt.Sprintf("min(%s, %s)", a, b), cfxArray(k, shape, nil, func(n int) int64 { return min(x(n), y(n)) })},
				{"mx", fmt.Sprintf("max(%s, %s)", a, b), cfxArray(k, shape, nil, func(n int) int64 { return max(x(n), y(n)) })},
				{"sel", fmt.Sprintf("select(%s < %s, -%s, abs(%s))", a, b, a, b), cfxArray(wide, shape, nil, func(n int) int64 {
					if x(n) < y(n) {
						return -x(n)
					}
					return max(y(n), -y(n))
				})},
			}
			cmps := []struct {
				op string
				f  func(x, y int64) bool
			}{
				{"==", func(x, y int64) bool { return x == y }}, {"!=", func(x, y int64) bool { return x != y }},
				{"<", func(x, y int64) bool { return x < y }}, {"<=", func(x, y int64) bool { return x <= y }},
				{">", func(x, y int64) bool { return x > y }}, {">=", func(x, y int64) bool { return x >= y }},
			}
			for ci, c := range cmps {
				outs = append(outs, cfxOut{fmt.Sprintf("c%d", ci), fmt.Sprintf("%s %s %s", a, c.op, b),
					cfxArray(dtype.Bool, shape, nil, func(n int) int64 {
						if c.f(x(n), y(n)) {
							return 1
						}
						return 0
					})})
			}
			cfxRun(t, fmt.Sprintf("fx_cmp%d", n), shape, []cfxIn{{"a", cfxValues(f, raws)}}, outs)
		})
	}
}
