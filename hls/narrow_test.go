package hls

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// narrowKinds are the float kinds stored as float and rounded by helpers.
var narrowKinds = []dtype.Kind{dtype.F16, dtype.BF16, dtype.F8E4M3FN, dtype.F8E4M3FNUZ,
	dtype.F8E5M2, dtype.F8E5M2FNUZ, dtype.F4E2M1, dtype.F8E8M0}

// narrowDoubles are doubles that probe the rounding to every narrow kind:
// each representable value of the 8-bit kinds and a spread of the 16-bit
// ones, the midpoints between neighbours and the doubles next to them,
// zeros, infinities, NaN, subnormals and random values of every exponent.
func narrowDoubles(r *rand.Rand) []float64 {
	vs := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 5e-324, -5e-324,
		math.MaxFloat64, 0x1p-1022, 0x1p-127, 0x1p-128, 0x1.8p-128, 0x1p127, 0x1.0000001p127, 0x1p128}
	for _, k := range narrowKinds {
		var codes []uint32
		if k.Bits() <= 8 {
			for c := range uint32(1) << k.Bits() {
				codes = append(codes, c)
			}
		} else {
			for range 300 {
				codes = append(codes, r.Uint32N(1<<16))
			}
			codes = append(codes, 0x7bff, 0x7f7f, 0x0001, 0x0400, 0x03ff) // f16/bf16 max, subnormals
		}
		for _, c := range codes {
			v := float64(dtype.DecodeBits(k, c))
			next := float64(dtype.DecodeBits(k, c+1))
			vs = append(vs, v, math.Nextafter(v, math.Inf(1)), math.Nextafter(v, math.Inf(-1)))
			if mid := (v + next) / 2; !math.IsNaN(mid) && !math.IsInf(mid, 0) {
				vs = append(vs, mid, math.Nextafter(mid, math.Inf(1)), math.Nextafter(mid, math.Inf(-1)))
			}
		}
	}
	for range 500 {
		vs = append(vs, math.Ldexp(r.Float64()+0.5, r.IntN(300)-150)*float64(1-2*r.IntN(2)))
	}
	return vs
}

// narrowInts are integers whose conversion needs more than 53 bits: the
// halfway points of every narrow kind's rounding above 2^53, and beside.
func narrowInts(r *rand.Rand) []int64 {
	vs := []int64{0, 1, -1, math.MaxInt64, math.MinInt64, 1 << 53, 1<<53 + 1, -(1<<53 + 1)}
	for l := 54; l <= 63; l++ {
		for man := 1; man <= 10; man++ {
			half := int64(1)<<(l-1) + int64(1)<<(l-2-man)
			vs = append(vs, half, half+1, half-1, -half, -half-1, half+int64(1)<<(l-1-man))
		}
	}
	for range 200 {
		vs = append(vs, int64(r.Uint64())>>r.IntN(64))
	}
	return vs
}

// TestNarrowRound: every conversion to a narrow float kind (from f64, f32
// and i64) computes, in LLVM IR and in C, what dtype.RoundFloat and exec
// compute, on values chosen to hit each rounding case.
func TestNarrowRound(t *testing.T) {
	gcc := cNeedGCC(t)
	r := rand.New(rand.NewPCG(1, 2))
	xs, ns := narrowDoubles(r), narrowInts(r)
	n := max(len(xs), len(ns))
	var decl, body []string
	decl = append(decl, fmt.Sprintf("in x: f64[%d]", n), fmt.Sprintf("in n: i64[%d]", n))
	for _, k := range narrowKinds {
		decl = append(decl, fmt.Sprintf("out d_%v: f64[%d]", k, n), fmt.Sprintf("out f_%v: f32[%d]", k, n), fmt.Sprintf("out i_%v: f64[%d]", k, n))
		body = append(body,
			fmt.Sprintf("    d_%v[i] = cast<f64>(cast<%v>(x[i]))", k, k),
			fmt.Sprintf("    f_%v[i] = cast<f32>(cast<%v>(cast<f32>(x[i])))", k, k),
			fmt.Sprintf("    i_%v[i] = cast<f64>(cast<%v>(n[i]))", k, k))
	}
	src := fmt.Sprintf("kernel rounding(%s) {\n  for i in 0..%d {\n%s\n  }\n}\n", strings.Join(decl, ", "), n, strings.Join(body, "\n"))
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	p := loop.ProgramOf(k)
	args := make([]*dtype.Array, len(p.Params))
	for i, id := range p.Params {
		args[i] = dtype.New(p.Buffers[id].Kind, p.Buffers[id].Shape)
	}
	for j := range n {
		args[0].F64[j] = xs[j%len(xs)]
		args[1].I64[j] = ns[j%len(ns)]
	}
	narrowRun(t, gcc, p, args)
}

// narrowRun runs p with exec and as C and LLVM IR, and compares all
// outputs bit for bit.
func narrowRun(t *testing.T, gcc string, p *loop.Program, args []*dtype.Array) {
	t.Helper()
	narrowRunTol(t, gcc, p, args, 0)
}

// narrowRunTol is narrowRun with a libm tolerance (see cCompare).
func narrowRunTol(t *testing.T, gcc string, p *loop.Program, args []*dtype.Array, tol float64) {
	t.Helper()
	want := make([]*dtype.Array, len(args))
	for i, a := range args {
		want[i] = a.Clone()
	}
	require.NoError(t, exec.RunProgram(p, want))
	cp, err := EmitCProgram(p)
	require.NoError(t, err)
	ll, err := EmitLLVMProgram(p)
	require.NoError(t, err)
	require.NoError(t, CheckBambu(ll))
	top := progKernel(p, cp.Top.Name)
	for _, how := range []string{"unit", "llvm"} {
		got := progBuildRun(t, gcc, how, top, cp, ll, args)
		for i, id := range p.Params {
			if b := p.Buffers[id]; b.Role == loop.Output {
				cCompare(t, how+": "+b.Name, want[i], got[i], tol)
			}
		}
	}
}

// TestIntEdges: the most negative integer divided by −1 wraps and its
// remainder is 0, in LLVM IR and in C as in exec, for every width;
// unsigned division by a constant stays unsigned.
func TestIntEdges(t *testing.T) {
	gcc := cNeedGCC(t)
	src := "kernel edges(in x: i32[4], in d: i32[4], in a: i8[4], in b: i8[4], in c: i4[4], in e: i4[4], in u: u16[4], out q: i32[4], out r: i32[4], out qa: i8[4], out ra: i8[4], out qc: i4[4], out rc: i4[4], out qu: u16[4], out ru: u16[4]) {\n" +
		"  for i in 0..4 {\n    q[i] = x[i] / d[i]\n    r[i] = x[i] % d[i]\n    qa[i] = a[i] / b[i]\n    ra[i] = a[i] % b[i]\n    qc[i] = c[i] / e[i]\n    rc[i] = c[i] % e[i]\n    qu[i] = u[i] / 7:u16\n    ru[i] = u[i] % 5:u16\n  }\n}\n"
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	p := loop.ProgramOf(k)
	args := make([]*dtype.Array, len(p.Params))
	for i, id := range p.Params {
		args[i] = dtype.New(p.Buffers[id].Kind, p.Buffers[id].Shape)
	}
	copy(args[0].I64, []int64{math.MinInt32, 7, -7, math.MinInt32})
	copy(args[1].I64, []int64{-1, -1, 2, 3})
	copy(args[2].I64, []int64{-128, 7, -7, -128})
	copy(args[3].I64, []int64{-1, -1, 2, 3})
	copy(args[4].I64, []int64{-8, 7, -7, -8})
	copy(args[5].I64, []int64{-1, -1, 2, 3})
	copy(args[6].U64, []uint64{65535, 40000, 32768, 7})
	narrowRun(t, gcc, p, args)
}

// castKinds are the kinds exec computes on.
var castKinds = []dtype.Kind{dtype.F32, dtype.F64, dtype.Bool, dtype.I8, dtype.I16, dtype.I32, dtype.I64,
	dtype.U8, dtype.U16, dtype.U32, dtype.U64, dtype.I4, dtype.U4, dtype.I2, dtype.U2,
	dtype.F16, dtype.BF16, dtype.F8E4M3FN, dtype.F8E4M3FNUZ, dtype.F8E5M2, dtype.F8E5M2FNUZ, dtype.F4E2M1, dtype.F8E8M0}

// castValue is the j-th test value of kind k: codes of narrow floats,
// integers of every magnitude, floats of every size with zeros, NaN and
// infinities (below 2^63: LLVM's fptosi of [2^63, 2^64) is x86's
// indefinite where exec converts to u64, a documented difference).
func castValue(r *rand.Rand, k dtype.Kind, j int) float64 {
	switch {
	case k == dtype.F32 || k == dtype.F64:
		specials := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 0.5, -1.5, 2.5, 255.5, -129, 65504, 65520, 1e18, -1e18, 0x1p62}
		if j < len(specials) {
			return specials[j]
		}
		v := math.Ldexp(r.Float64()*2-1, r.IntN(70)-10)
		return dtype.RoundFloat(k, v, false)
	case isNarrow(k):
		return float64(dtype.DecodeBits(k, r.Uint32N(1<<min(k.Bits(), 16))))
	}
	return 0
}

// TestCastPairs: a cast between every pair of kinds computes, in LLVM IR
// and in C, what exec computes, bit for bit.
func TestCastPairs(t *testing.T) {
	gcc := cNeedGCC(t)
	const n = 64
	var decl, body []string
	for _, k := range castKinds {
		decl = append(decl, fmt.Sprintf("in x_%v: %v[%d]", k, k, n))
	}
	for _, from := range castKinds {
		for _, to := range castKinds {
			decl = append(decl, fmt.Sprintf("out y_%v_%v: %v[%d]", from, to, to, n))
			body = append(body, fmt.Sprintf("    y_%v_%v[i] = cast<%v>(x_%v[i])", from, to, to, from))
		}
	}
	src := fmt.Sprintf("kernel casts(%s) {\n  for i in 0..%d {\n%s\n  }\n}\n", strings.Join(decl, ", "), n, strings.Join(body, "\n"))
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	p := loop.ProgramOf(k)
	r := rand.New(rand.NewPCG(3, 4))
	args := make([]*dtype.Array, len(p.Params))
	for i, id := range p.Params {
		b := p.Buffers[id]
		args[i] = dtype.New(b.Kind, b.Shape)
		if b.Role != loop.Input {
			continue
		}
		for j := range n {
			switch b.Kind.Class() {
			case dtype.ClassFloat, dtype.ClassDouble:
				args[i].Set(j, castValue(r, b.Kind, j))
			case dtype.ClassInt:
				args[i].I64[j] = dtype.WrapInt(b.Kind, int64(r.Uint64()>>r.IntN(64)))
			case dtype.ClassUint:
				args[i].U64[j] = dtype.WrapUint(b.Kind, r.Uint64()>>r.IntN(64))
			case dtype.ClassBool:
				args[i].Bool[j] = r.IntN(2) == 1
			}
		}
	}
	narrowRun(t, gcc, p, args)
}
