package narrow

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// TestAsymParams: scale, zero point and the fixed-point constants against
// values computed by hand (exactly, with Python's fractions): ŝ =
// (hi − lo)/(2^w − 1) to 16 significant bits, m·2^−f; z = clamp(round(qmin
// − lo/ŝ)); 1/ŝ to 24 significant bits.
func TestAsymParams(t *testing.T) {
	for _, tc := range []struct {
		name    string
		w       int
		lo, hi  float64
		sRaw    int64 // ŝ = sRaw·2^−sFrac
		sFrac   int
		zero    int64
		invRaw  int64 // 1/ŝ = invRaw·2^−invFrac
		invFrac int
		deqI    int // integer bits of (q − z)·ŝ
	}{
		// s = 4/255 = 0.50196…·2^−5: m = round(32896.502) = 32897; 2/ŝ =
		// 127.49989, z = round(−0.50011) = −1; 1/ŝ = 63.74904 =
		// 16711427·2^−18; (qmax − z)·ŝ = 2.0079 needs 3 integer bits.
		{"int8 [-2,2]", 8, -2, 2, 32897, 21, -1, 16711427, 18, 3},
		// Not containing 0: [0.5, 3] is extended to [0, 3], z = qmin.
		{"int8 [0.5,3]", 8, 0.5, 3, 49345, 22, -128, 11141064, 17, 3},
		// [−3, −1] to [−3, 0]: z = round(−128 + 254.99968) = 127.
		{"int8 [-3,-1]", 8, -3, -1, 49345, 22, 127, 11141064, 17, 3},
		// A constant tensor: min = max = 1.5 is [0, 1.5]; min = max = 0
		// has scale 1 and every q = z = qmin.
		{"int8 const 1.5", 8, 1.5, 1.5, 49345, 23, -128, 11141064, 16, 2},
		{"int8 const 0", 8, 0, 0, 32768, 15, -128, 8388608, 23, 9},
		// s = 1/65535 rounds up (32768.5000076 → 32769): z = round(−32768 +
		// 65534.00006) = 32766.
		{"int16 [-1,0]", 16, -1, 0, 32769, 31, 32766, 16776704, 8, 1},
		// s = 0.003/65535 rounds down (m = 50332): 0.003/ŝ = 65535.5003, z
		// = round(32767.5003) = 32768, clamped to 32767. 1/ŝ = 10922590·2^1.
		{"int16 clamp", 16, -0.003, 0, 50332, 40, 32767, 10922590 << 1, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := asymParams(tc.w, tc.lo, tc.hi)
			require.NoError(t, err)
			assert.Equal(t, dtype.Fixed{W: tc.w, I: tc.w, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate}, a.q)
			assert.Equal(t, tc.sRaw, a.s.raw, "ŝ raw")
			assert.Equal(t, tc.sFrac, a.s.t.FracBits(), "ŝ fraction bits")
			assert.Equal(t, math.Ldexp(float64(tc.sRaw), -tc.sFrac), a.scale)
			assert.Equal(t, tc.zero, a.zero, "zero point")
			assert.Equal(t, tc.invRaw, a.inv.raw, "1/ŝ raw")
			assert.Equal(t, tc.invFrac, a.inv.t.FracBits(), "1/ŝ fraction bits")
			assert.Equal(t, tc.deqI, a.deq.I, "deq %v", a.deq)
			assert.Equal(t, tc.sFrac, a.deq.FracBits())
			assert.Zero(t, a.quantiseConst(0)-a.zero, "0 is q = z")
		})
	}
}

// TestAsymParamsErrors: ranges that have no quantisation say why.
func TestAsymParamsErrors(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   string
	}{
		{math.NaN(), 1, "not finite"},
		{-1, math.Inf(1), "not finite"},
		{-1e-30, 0, "more than 64"},
	} {
		_, err := asymParams(16, tc.lo, tc.hi)
		assert.ErrorContains(t, err, tc.want, "[%g, %g]", tc.lo, tc.hi)
	}
}

// TestAsymRoundTrip: every q of int8 and int16, dequantised and quantised
// again by the expressions Apply emits (run by the interpreter), is q:
// ŝ·(1/ŝ) is 1 to about 2^−24 (invBits), so (q − z)·ŝ·(1/ŝ) is within
// 2^−8 of q − z. quantiseConst of the dequantised value is q too.
func TestAsymRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		w      int
		lo, hi float64
	}{
		{8, -2, 2}, {8, -0.75, 0.25}, {8, 0, 6}, {8, -3, -1},
		{16, -2, 2}, {16, -0.75, 0.25}, {16, -0.003, 0}, {16, -1, 0},
	} {
		t.Run(fmt.Sprintf("int%d [%g,%g]", tc.w, tc.lo, tc.hi), func(t *testing.T) {
			a, err := asymParams(tc.w, tc.lo, tc.hi)
			require.NoError(t, err)
			n := 1 << tc.w
			k := &loop.Kernel{Name: "rt"}
			x := k.NewBuffer(&loop.Buffer{Name: "x", Kind: a.kind(), Shape: []int{n}, Role: loop.Input})
			y := k.NewBuffer(&loop.Buffer{Name: "y", Kind: a.kind(), Shape: []int{n}, Role: loop.Output})
			k.Params = []loop.BufID{x, y}
			i := k.NewVar("i")
			at := []loop.Index{{Aff: loop.Affine{Terms: []loop.Term{{Var: i, Coeff: 1}}}}}
			v, vk := a.dequantise(&loop.Load{Buf: x, Index: at})
			k.Body = []loop.Stmt{&loop.For{Var: i, Lo: loop.Index{}, Hi: loop.Index{Aff: loop.Affine{Const: n}}, Step: 1,
				Body: []loop.Stmt{&loop.Store{Buf: y, Index: at, Value: a.quantise(v, vk)}}}}
			require.NoError(t, loop.Verify(k))
			in, out := dtype.New(a.kind(), []int{n}), dtype.New(a.kind(), []int{n})
			for j := range n {
				in.I64[j] = a.q.MinRaw() + int64(j)
			}
			require.NoError(t, exec.Run(k, []*dtype.Array{in, out}))
			for j := range n {
				q := in.I64[j]
				require.Equal(t, q, out.I64[j], "q %d dequantised and quantised", q)
				require.Equal(t, q, a.quantiseConst(float64(q-a.zero)*a.scale), "quantiseConst of q %d", q)
			}
		})
	}
}
