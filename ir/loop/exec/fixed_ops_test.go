package exec_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

const opsKernel = `kernel ops(in x: F[N], in y: F[N], out ng: S[N], out ab: S[N], out mn: F[N,N], out mx: F[N,N], out c: bool[6,N,N], out s: F[N,N]) {
  for i in 0..N {
    ng[i] = -x[i]
    ab[i] = abs(x[i])
    for j in 0..N {
      mn[i, j] = min(x[i], y[j])
      mx[i, j] = max(x[i], y[j])
      c[0, i, j] = x[i] == y[j]
      c[1, i, j] = x[i] != y[j]
      c[2, i, j] = x[i] < y[j]
      c[3, i, j] = x[i] <= y[j]
      c[4, i, j] = x[i] > y[j]
      c[5, i, j] = x[i] >= y[j]
      s[i, j] = select(x[i] < y[j], y[j], x[i])
    }
  }
}
`

// TestFixedOps: Neg, Abs, Min, Max, the comparisons and Select on every
// pair of raws of small types, against the exact values.
func TestFixedOps(t *testing.T) {
	for _, spec := range []string{"fixed<6,2>", "ufixed<6,2>", "fixed<5,5>", "fixed<1,0>", "ufixed<1,1>"} {
		t.Run(spec, func(t *testing.T) {
			f := fx(t, spec)
			neg := dtype.SubType(f, f)
			raws := allRaws(f)
			n := len(raws)
			src := strings.NewReplacer("F", spec, "S", neg.String(), "N", fmt.Sprint(n)).Replace(opsKernel)
			k := parse(t, "", src, nil)
			args := make([]*dtype.Array, len(k.Params))
			for i, id := range k.Params {
				args[i] = dtype.New(k.Buffers[id].Kind, k.Buffers[id].Shape)
			}
			copy(args[0].I64, raws)
			copy(args[1].I64, raws)
			p, err := exec.Compile(k)
			require.NoError(t, err)
			require.NoError(t, p.Run(args))
			assert.Equal(t, exec.Stats{}, p.Stats())
			for a, x := range raws {
				wantNeg := dtype.Sub(f, f, 0, x)
				wantAbs, _ := dtype.Convert(f, neg, x)
				if x < 0 {
					wantAbs = wantNeg
				}
				require.Equal(t, wantNeg, args[2].I64[a], "-%d", x)
				require.Equal(t, wantAbs, args[3].I64[a], "abs(%d)", x)
				vx := dtype.ToFloat(f, x)
				for b, y := range raws {
					vy, o := dtype.ToFloat(f, y), a*n+b
					require.Equal(t, min(x, y), args[4].I64[o])
					require.Equal(t, max(x, y), args[5].I64[o])
					want := []bool{vx == vy, vx != vy, vx < vy, vx <= vy, vx > vy, vx >= vy}
					for op, w := range want {
						require.Equal(t, w, args[6].Bool[op*n*n+o], "compare %d of %v and %v", op, vx, vy)
					}
					require.Equal(t, map[bool]int64{true: y, false: x}[vx < vy], args[7].I64[o])
				}
			}
		})
	}
}

const statsKernel = `kernel sat(in x: f64[9], out y: fixed<4,2,rnd,sat>[9]) {
  for i in 0..9 {
    y[i] = cast<fixed<4,2,rnd,sat>>(x[i])
  }
}
`

// TestFixedStats: a Program counts the casts into fixed kinds of its last
// run and the overflows among them; a Whole sums its calls.
func TestFixedStats(t *testing.T) {
	// fixed<4,2> holds −2 … 1.75 in steps of 0.25. 1.8 rounds to 1.75
	// without overflow; 1.875 rounds up to 2, which saturates.
	vals := []float64{0.5, 10, -10, math.NaN(), 1.75, 1.8, math.Inf(1), -2, 1.875}
	x := dtype.New(dtype.F64, []int{9})
	copy(x.F64, vals)
	k := parse(t, "", statsKernel, nil)
	p, err := exec.Compile(k)
	require.NoError(t, err)
	y := dtype.New(k.Buffers[1].Kind, []int{9})
	for range 2 { // totals of the last run, not accumulated
		require.NoError(t, p.Run([]*dtype.Array{x, y}))
		assert.Equal(t, exec.Stats{NarrowCasts: 9, Overflows: 5}, p.Stats())
	}
	assert.Equal(t, []int64{2, 7, -8, 0, 7, 7, 7, -8, 7}, y.I64)

	prog := &loop.Program{Name: "top", Kernels: []*loop.Kernel{k},
		Buffers: []*loop.Buffer{
			{Name: "x", Kind: dtype.F64, Shape: []int{9}, Role: loop.Input},
			{Name: "y", Kind: k.Buffers[1].Kind, Shape: []int{9}, Role: loop.Output},
		},
		Params: []loop.BufID{0, 1},
		Calls:  []loop.KernelCall{{Kernel: 0, Args: []loop.BufID{0, 1}}, {Kernel: 0, Args: []loop.BufID{0, 1}}},
	}
	w, err := exec.CompileProgram(prog)
	require.NoError(t, err)
	for range 2 {
		require.NoError(t, w.Run([]*dtype.Array{x, y}))
		assert.Equal(t, exec.Stats{NarrowCasts: 18, Overflows: 10}, w.Stats())
	}
}

// TestFixedGemm runs testdata/fixed_gemm.kir on random inputs against a
// reference computed with dtype's functions: products exact, sums exact,
// each cast into the accumulator rounding and overflowing once.
func TestFixedGemm(t *testing.T) {
	k := parse(t, "fixed_gemm", "", nil)
	fX, fW, fAcc := fx(t, "fixed<16,6>"), fx(t, "fixed<8,3>"), fx(t, "fixed<32,12>")
	fY := fx(t, "fixed<16,6,rne,sat>")
	args := make([]*dtype.Array, len(k.Params))
	for i, id := range k.Params {
		if b := k.Buffers[id]; b.Role != loop.Constant {
			args[i] = dtype.New(b.Kind, b.Shape)
		}
	}
	rng := rand.New(rand.NewPCG(5, 5))
	x := args[0]
	for i := range x.I64 {
		x.I64[i] = fX.MinRaw() + int64(rng.IntN(1<<16))
	}
	wt, bias := k.Buffers[1].Init, k.Buffers[2].Init
	p, err := exec.Compile(k)
	require.NoError(t, err)
	require.NoError(t, p.Run(args))

	prod := dtype.MulType(fX, fW)
	sum := dtype.AddType(fAcc, prod)
	var casts, overflows int64
	conv := func(from, to dtype.Fixed, r int64) int64 {
		v, o := dtype.Convert(from, to, r)
		casts++
		if o {
			overflows++
		}
		return v
	}
	for n := range 2 {
		for i := range 3 {
			acc := conv(fW, fAcc, bias.I64[i])
			for kk := range 4 {
				acc = conv(sum, fAcc, dtype.Add(fAcc, prod, acc, dtype.Mul(fX, fW, x.I64[n*4+kk], wt.I64[kk*3+i])))
			}
			floor, _ := dtype.Convert(dtype.Fixed{W: 8, I: 3}, fAcc, -24) // −0.75
			want := conv(fAcc, fY, max(acc, floor))
			assert.Equal(t, want, args[3].I64[n*3+i], "y[%d, %d]", n, i)
			assert.Equal(t, float32(dtype.ToFloat(fY, want)), args[4].F32[n*3+i], "f[%d, %d]", n, i)
		}
	}
	// The j loop casts twice per element into a fixed kind: cast<fixed<8,8>>(j)
	// (exact) and the f32 sum, exact in f32, into ufixed<12,4,rnd>.
	fU := fx(t, "ufixed<12,4,rnd>")
	for j := range 3 {
		want, over := dtype.FromFloat(fU, dtype.ToFloat(fX, x.I64[j])*0.5+float64(j))
		casts += 2
		if over {
			overflows++
		}
		assert.Equal(t, want, args[7].I64[j], "u[%d]", j)
	}
	assert.Positive(t, overflows, "the random inputs exercise saturation")
	assert.Equal(t, exec.Stats{NarrowCasts: casts, Overflows: overflows}, p.Stats())
}

// TestFixedCompileErrors: what Verify rejects, Compile rejects too (for
// kernels that were not verified), and arguments must hold raws in range.
func TestFixedCompileErrors(t *testing.T) {
	f83 := dtype.FixedKind(dtype.Fixed{W: 8, I: 3})
	u64k := dtype.FixedKind(dtype.Fixed{W: 64, I: 3, Unsigned: true})
	wide := dtype.FixedKind(dtype.Fixed{W: 40, I: 8})
	build := func(out dtype.Kind, val func(x loop.Expr) loop.Expr) *loop.Kernel {
		k := &loop.Kernel{Name: "bad"}
		xb := k.NewBuffer(&loop.Buffer{Name: "x", Kind: f83, Shape: []int{2}, Role: loop.Input})
		yb := k.NewBuffer(&loop.Buffer{Name: "y", Kind: out, Shape: []int{2}, Role: loop.Output})
		k.Params = []loop.BufID{xb, yb}
		i := k.NewVar("i")
		k.Body = []loop.Stmt{forRange(i, 2, &loop.Store{Buf: yb, Index: at(i), Value: val(&loop.Load{Buf: xb, Index: at(i)})})}
		return k
	}
	rows := []struct {
		name string
		k    *loop.Kernel
		want string
	}{
		{"fixed and float", build(f83, func(x loop.Expr) loop.Expr {
			return &loop.Bin{Op: loop.Add, X: x, Y: loop.Float(dtype.F32, 1)}
		}), "fixed<8,3> + f32: fixed point combines only with fixed point"},
		{"too wide", build(f83, func(x loop.Expr) loop.Expr {
			w := &loop.Cast{To: wide, X: x}
			return &loop.Cast{To: f83, X: &loop.Bin{Op: loop.Mul, X: w, Y: w}}
		}), "exact result fixed<80,16> is wider than 64 bits"},
		{"division", build(f83, func(x loop.Expr) loop.Expr { return &loop.Bin{Op: loop.Div, X: x, Y: x} }), "/ on fixed<8,3> and fixed<8,3>"},
		{"min of two kinds", build(f83, func(x loop.Expr) loop.Expr {
			return &loop.Bin{Op: loop.Min, X: x, Y: &loop.Cast{To: wide, X: x}}
		}), "operand kinds differ"},
		{"sqrt", build(f83, func(x loop.Expr) loop.Expr { return &loop.Un{Op: loop.Sqrt, X: x} }), "sqrt on fixed<8,3>"},
		{"ufixed64 cast", build(f83, func(x loop.Expr) loop.Expr {
			return &loop.Cast{To: f83, X: &loop.Cast{To: u64k, X: x}}
		}), "cast to ufixed<64,3>"},
		{"ufixed64 buffer", build(u64k, func(x loop.Expr) loop.Expr { return x }), "buffer y: kind ufixed<64,3> is wider than 63 bits"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			_, err := exec.Compile(r.k)
			require.Error(t, err)
			assert.Contains(t, err.Error(), r.want)
		})
	}
	t.Run("raw out of range", func(t *testing.T) {
		k := build(f83, func(x loop.Expr) loop.Expr { return x })
		x, y := dtype.New(f83, []int{2}), dtype.New(f83, []int{2})
		x.I64[1] = 128
		err := exec.Run(k, []*dtype.Array{x, y})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "argument 0 (x): element 1 (raw 128) is out of range for fixed<8,3>")
	})
}
