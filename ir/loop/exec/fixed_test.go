package exec_test

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// fx parses a fixed type spec.
func fx(t testing.TB, spec string) dtype.Fixed {
	t.Helper()
	f, err := dtype.ParseFixed(spec)
	require.NoError(t, err)
	return f
}

func at(vs ...loop.VarID) []loop.Index {
	idx := make([]loop.Index, len(vs))
	for i, v := range vs {
		idx[i] = loop.At(loop.V(v))
	}
	return idx
}

func forRange(v loop.VarID, n int, body ...loop.Stmt) *loop.For {
	return &loop.For{Var: v, Lo: loop.At(loop.Lit(0)), Hi: loop.At(loop.Lit(n)), Step: 1, Body: body}
}

// allRaws lists every raw of f (a narrow type), smallest first.
func allRaws(f dtype.Fixed) []int64 {
	var r []int64
	for v := f.MinRaw(); v <= f.MaxRaw(); v++ {
		r = append(r, v)
	}
	return r
}

// valuesOf is the f64 array of the exact values of raws in f.
func valuesOf(f dtype.Fixed, raws []int64) *dtype.Array {
	a := dtype.New(dtype.F64, []int{len(raws)})
	for i, r := range raws {
		a.F64[i] = dtype.ToFloat(f, r)
	}
	return a
}

var exactOps = map[loop.BinOp]struct {
	typ func(a, b dtype.Fixed) dtype.Fixed
	op  func(a, b dtype.Fixed, x, y int64) int64
}{
	loop.Add: {dtype.AddType, dtype.Add},
	loop.Sub: {dtype.SubType, dtype.Sub},
	loop.Mul: {dtype.MulType, dtype.Mul},
}

// sweepTargets are the cast targets of the sweep: three widths in every
// rounding and overflow mode.
func sweepTargets() []dtype.Fixed {
	var out []dtype.Fixed
	for _, base := range []dtype.Fixed{{W: 5, I: 2}, {W: 4, I: 3}, {W: 4, I: 1, Unsigned: true}} {
		for r := dtype.Truncate; r <= dtype.RoundHalfEven; r++ {
			for _, o := range []dtype.Overflow{dtype.Wrap, dtype.Saturate} {
				f := base
				f.Round, f.Overflow = r, o
				out = append(out, f)
			}
		}
	}
	return out
}

// TestFixedSweep: every pair of 6-bit raws through +, −, × (exact) and then
// cast to every target, against dtype's reference functions; the Stats
// count every cast into a fixed kind and the targets' overflows.
func TestFixedSweep(t *testing.T) {
	specs := []string{"fixed<6,2>", "fixed<6,3>", "ufixed<6,2>"}
	targets := sweepTargets()
	for _, sa := range specs {
		for _, sb := range specs {
			for _, op := range []loop.BinOp{loop.Add, loop.Sub, loop.Mul} {
				t.Run(fmt.Sprintf("%s %v %s", sa, op, sb), func(t *testing.T) {
					sweep(t, fx(t, sa), fx(t, sb), op, targets)
				})
			}
		}
	}
}

func sweep(t *testing.T, fa, fb dtype.Fixed, op loop.BinOp, targets []dtype.Fixed) {
	ra, rb := allRaws(fa), allRaws(fb)
	exact := exactOps[op].typ(fa, fb)
	k := sweepKernel(fa, fb, op, targets)
	require.NoError(t, loop.Verify(k))
	shape := []int{len(ra), len(rb)}
	args := []*dtype.Array{valuesOf(fa, ra), valuesOf(fb, rb)}
	for _, id := range k.Params[2:] {
		args = append(args, dtype.New(k.Buffers[id].Kind, shape))
	}
	p, err := exec.Compile(k)
	require.NoError(t, err)
	require.NoError(t, p.Run(args))

	var overflows, bad int64
	for a, xa := range ra {
		for b, xb := range rb {
			want := exactOps[op].op(fa, fb, xa, xb)
			if got := args[2].I64[a*len(rb)+b]; got != want && bad < 5 {
				bad++
				t.Errorf("%v(%d) %v %v(%d): exact raw %d, want %d", fa, xa, op, fb, xb, got, want)
			}
			for n, tg := range targets {
				w, over := dtype.Convert(exact, tg, want)
				if over {
					overflows++
				}
				if got := args[3+n].I64[a*len(rb)+b]; got != w && bad < 5 {
					bad++
					t.Errorf("%v(%d) %v %v(%d) → %v: raw %d, want %d", fa, xa, op, fb, xb, tg, got, w)
				}
			}
		}
	}
	n := int64(len(ra) * len(rb))
	assert.Equal(t, exec.Stats{NarrowCasts: n * (2 + 3*int64(len(targets))), Overflows: overflows}, p.Stats())
}

// sweepKernel is, over every pair (i, j) of x and y (f64 inputs of exact
// values), e[i, j] = cast<fa>(x[i]) op cast<fb>(y[j]) in the exact type
// and, for each target, that value cast to it.
func sweepKernel(fa, fb dtype.Fixed, op loop.BinOp, targets []dtype.Fixed) *loop.Kernel {
	na, nb := len(allRaws(fa)), len(allRaws(fb))
	k := &loop.Kernel{Name: "sweep"}
	x := k.NewBuffer(&loop.Buffer{Name: "x", Kind: dtype.F64, Shape: []int{na}, Role: loop.Input})
	y := k.NewBuffer(&loop.Buffer{Name: "y", Kind: dtype.F64, Shape: []int{nb}, Role: loop.Input})
	i, j := k.NewVar("i"), k.NewVar("j")
	val := &loop.Bin{Op: op,
		X: &loop.Cast{To: dtype.FixedKind(fa), X: &loop.Load{Buf: x, Index: at(i)}},
		Y: &loop.Cast{To: dtype.FixedKind(fb), X: &loop.Load{Buf: y, Index: at(j)}}}
	shape := []int{na, nb}
	e := k.NewBuffer(&loop.Buffer{Name: "e", Kind: dtype.FixedKind(exactOps[op].typ(fa, fb)), Shape: shape, Role: loop.Output})
	body := []loop.Stmt{&loop.Store{Buf: e, Index: at(i, j), Value: val}}
	for n, tg := range targets {
		o := k.NewBuffer(&loop.Buffer{Name: fmt.Sprintf("o%d", n), Kind: dtype.FixedKind(tg), Shape: shape, Role: loop.Output})
		body = append(body, &loop.Store{Buf: o, Index: at(i, j), Value: &loop.Cast{To: dtype.FixedKind(tg), X: val}})
	}
	for id := range k.Buffers {
		k.Params = append(k.Params, loop.BufID(id))
	}
	k.Body = []loop.Stmt{forRange(i, na, forRange(j, nb, body...))}
	return k
}

// castKernel is "out[i] = cast<to>(in[i])" over n elements of kind from.
func castKernel(t *testing.T, from, to dtype.Kind, n int) *exec.Program {
	t.Helper()
	k := &loop.Kernel{Name: "conv"}
	x := k.NewBuffer(&loop.Buffer{Name: "x", Kind: from, Shape: []int{n}, Role: loop.Input})
	y := k.NewBuffer(&loop.Buffer{Name: "y", Kind: to, Shape: []int{n}, Role: loop.Output})
	k.Params = []loop.BufID{x, y}
	i := k.NewVar("i")
	k.Body = []loop.Stmt{forRange(i, n, &loop.Store{Buf: y, Index: at(i), Value: &loop.Cast{To: to, X: &loop.Load{Buf: x, Index: at(i)}}})}
	require.NoError(t, loop.Verify(k))
	p, err := exec.Compile(k)
	require.NoError(t, err)
	return p
}

var castTargets = []string{
	"fixed<8,3>", "fixed<8,3,rnd,sat>", "fixed<8,3,rne>", "ufixed<8,3,sat>", "ufixed<8,3,rne>",
	"fixed<1,1,sat>", "fixed<1,0,rnd>", "fixed<64,10,rne,sat>", "fixed<64,0,rnd>", "fixed<64,64,sat>",
	"ufixed<63,63,rne,sat>", "ufixed<63,0>", "fixed<40,40,rnd,sat>",
}

// floatEdges are float64 values at the edges of the targets above: NaN,
// infinities, zeros, ties at several fraction widths, huge and subnormal
// values, and the ends of each target's range with their neighbours.
func floatEdges(t *testing.T) []float64 {
	v := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
		0.015625, -0.015625, 0.046875, -0.046875, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.25, 0.75,
		1e300, -1e300, 5e-324, -5e-324, 2.2250738585072014e-308, 1 << 63, -(1 << 63), 1 << 64, 1 << 62,
		math.Ldexp(1, -65), math.Ldexp(3, -66), math.Ldexp(1, -64), math.Ldexp(3, -65), -math.Ldexp(3, -65)}
	for _, s := range castTargets {
		f := fx(t, s)
		lsb := math.Ldexp(1, -f.FracBits())
		for _, r := range []int64{f.MinRaw(), f.MaxRaw()} {
			e := dtype.ToFloat(f, r)
			v = append(v, e, e+lsb, e-lsb, e+lsb/2, e-lsb/2, math.Nextafter(e, math.Inf(1)), math.Nextafter(e, math.Inf(-1)))
		}
	}
	rng := rand.New(rand.NewPCG(5, 2))
	for range 300 {
		v = append(v, math.Ldexp(rng.NormFloat64(), rng.IntN(140)-70))
	}
	return v
}

// TestFloatToFixed: f64, f32 and f16 values cast into fixed kinds round and
// overflow as dtype.FromFloat, and count overflows as it reports them.
func TestFloatToFixed(t *testing.T) {
	vals := floatEdges(t)
	for _, src := range []dtype.Kind{dtype.F64, dtype.F32, dtype.F16, dtype.BF16, dtype.F8E4M3FN} {
		in := dtype.New(src, []int{len(vals)})
		exactVals := make([]float64, len(vals))
		for i, v := range vals {
			exactVals[i] = dtype.RoundFloat(src, v, false)
			if src == dtype.F64 {
				in.F64[i] = v
				exactVals[i] = v
			} else {
				in.F32[i] = float32(exactVals[i])
			}
		}
		for _, s := range castTargets {
			t.Run(src.String()+"→"+s, func(t *testing.T) {
				f := fx(t, s)
				p := castKernel(t, src, dtype.FixedKind(f), len(vals))
				out := dtype.New(dtype.FixedKind(f), []int{len(vals)})
				require.NoError(t, p.Run([]*dtype.Array{in, out}))
				var overflows int64
				for i, v := range exactVals {
					want, over := dtype.FromFloat(f, v)
					if over {
						overflows++
					}
					require.Equal(t, want, out.I64[i], "%v → %v", v, f)
				}
				assert.Equal(t, exec.Stats{NarrowCasts: int64(len(vals)), Overflows: overflows}, p.Stats())
			})
		}
	}
}

// TestIntToFixed: integers and bools are converted as exact numbers; u64
// values at or above 2^63 keep their unsigned value.
func TestIntToFixed(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 3))
	for _, src := range []dtype.Kind{dtype.I64, dtype.I8, dtype.I4, dtype.U64, dtype.U8, dtype.U2, dtype.I32, dtype.Bool} {
		lo, hi := src.IntRange()
		vals := []int64{lo, int64(hi), 0, 1, lo + 1, int64(hi - 1)}
		if src == dtype.U64 {
			vals = append(vals, math.MinInt64, math.MaxInt64, -2, 1<<62)
		}
		for range 100 {
			u := rng.Uint64()
			if span := hi - uint64(lo) + 1; span != 0 { // 0: all 64-bit values
				u %= span
			}
			vals = append(vals, lo+int64(u))
		}
		in := dtype.New(src, []int{len(vals)})
		for i, v := range vals {
			switch src.Class() {
			case dtype.ClassUint:
				in.U64[i] = uint64(v)
			case dtype.ClassBool:
				in.Bool[i] = v != 0
				vals[i] = int64(b2i(v != 0))
			default:
				in.I64[i] = v
			}
		}
		from := dtype.Fixed{W: 64, I: 64, Unsigned: src.Class() == dtype.ClassUint}
		for _, s := range castTargets {
			t.Run(src.String()+"→"+s, func(t *testing.T) {
				f := fx(t, s)
				p := castKernel(t, src, dtype.FixedKind(f), len(vals))
				out := dtype.New(dtype.FixedKind(f), []int{len(vals)})
				require.NoError(t, p.Run([]*dtype.Array{in, out}))
				var overflows int64
				for i, v := range vals {
					want, over := dtype.Convert(from, f, v)
					if over {
						overflows++
					}
					require.Equal(t, want, out.I64[i], "%d → %v", v, f)
				}
				assert.Equal(t, overflows, p.Stats().Overflows)
			})
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestFixedToOthers: fixed values cast to floats (ToFloat, then rounded as
// a cast from f64), to integers (floor, then wrapped) and to bool (≠ 0).
func TestFixedToOthers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 4))
	targets := []dtype.Kind{dtype.F64, dtype.F32, dtype.F16, dtype.BF16, dtype.F8E5M2, dtype.I8, dtype.I64,
		dtype.U8, dtype.U64, dtype.I4, dtype.U2, dtype.Bool}
	for _, s := range []string{"fixed<8,3>", "ufixed<8,3>", "fixed<64,10>", "fixed<64,0,rne>", "fixed<60,60>",
		"ufixed<63,1>", "fixed<5,5>", "fixed<1,0>", "ufixed<63,63>", "fixed<54,2>"} {
		f := fx(t, s)
		raws := []int64{f.MinRaw(), f.MaxRaw(), 0, f.MinRaw() + 1, f.MaxRaw() - 1}
		if f.W > 1 {
			raws = append(raws, 1, -1+b64(f.Unsigned))
		}
		for range 200 {
			r := int64(rng.Uint64()) >> (64 - f.W)
			if f.Unsigned {
				r = int64(uint64(r) << (64 - f.W) >> (64 - f.W))
			}
			raws = append(raws, r)
		}
		in := dtype.New(dtype.FixedKind(f), []int{len(raws)})
		copy(in.I64, raws)
		for _, to := range targets {
			t.Run(s+"→"+to.String(), func(t *testing.T) {
				p := castKernel(t, dtype.FixedKind(f), to, len(raws))
				out := dtype.New(to, []int{len(raws)})
				require.NoError(t, p.Run([]*dtype.Array{in, out}))
				for i, r := range raws {
					assert.Equal(t, fixedCastWant(f, r, to), elem(out, i), "raw %d of %v → %v", r, f, to)
				}
				assert.Equal(t, exec.Stats{}, p.Stats())
			})
		}
	}
}

func b64(b bool) int64 { return int64(b2i(b)) }

// fixedCastWant is the contract's result of casting raw of f to kind to,
// typed as elem reads it back, computed independently of exec.
func fixedCastWant(f dtype.Fixed, raw int64, to dtype.Kind) any {
	v := dtype.ToFloat(f, raw)
	switch {
	case to == dtype.F64:
		return v
	case to == dtype.F32:
		return float32(v)
	case to.IsFloat():
		return float32(dtype.RoundFloat(to, v, false))
	case to == dtype.Bool:
		return raw != 0
	}
	n := new(big.Int).Rsh(big.NewInt(raw), uint(f.FracBits())).Int64() // floor: an arithmetic shift
	if to.Class() == dtype.ClassUint {
		return dtype.WrapUint(to, uint64(n))
	}
	return dtype.WrapInt(to, n)
}

// elem is element i of a, typed by a's class.
func elem(a *dtype.Array, i int) any {
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		return a.F32[i]
	case dtype.ClassDouble:
		return a.F64[i]
	case dtype.ClassInt, dtype.ClassFixed:
		return a.I64[i]
	case dtype.ClassUint:
		return a.U64[i]
	}
	return a.Bool[i]
}
