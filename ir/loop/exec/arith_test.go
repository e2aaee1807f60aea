package exec_test

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

// scalar runs "y = expr" into a scalar output of kind and returns y's one
// element: float32, float64, int64, uint64 or bool by kind's class.
func scalar(t *testing.T, kind, expr string) any {
	t.Helper()
	src := fmt.Sprintf("kernel t(out y: %s) {\n  y = %s\n}\n", kind, expr)
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	require.NoError(t, loop.Verify(k))
	y := dtype.New(k.Buffers[0].Kind, nil)
	require.NoError(t, exec.Run(k, []*dtype.Array{y}))
	switch y.Kind.Class() {
	case dtype.ClassFloat:
		return y.F32[0]
	case dtype.ClassDouble:
		return y.F64[0]
	case dtype.ClassInt:
		return y.I64[0]
	case dtype.ClassUint:
		return y.U64[0]
	}
	return y.Bool[0]
}

func TestArithmetic(t *testing.T) {
	inf := float32(math.Inf(1))
	tests := []struct {
		kind, expr string
		want       any
	}{
		// float32: each operation rounds to float32 (2^24 + 1 is a tie, to even).
		{"f32", "16777216.0 + 1.0", float32(16777216)},
		{"f32", "1.0 / 0.0", inf},
		{"f32", "1.0 / 3.0", float32(1.0) / 3},
		{"f64", "1.0:f64 / 3.0:f64", 1.0 / 3},
		// f16 has 11 significant bits: spacing 2 above 2048; max 65504.
		{"f16", "2048.0:f16 + 1.0:f16", float32(2048)},
		{"f16", "2048.0:f16 + 3.0:f16", float32(2052)},
		{"f16", "60000.0:f16 + 10000.0:f16", inf},
		{"f16", "exp(1.0:f16)", float32(2.71875)}, // e to 11 bits
		// bf16 has 8 significant bits: spacing 2 above 256; 1/3 is 0x3eab.
		{"bf16", "256.0:bf16 + 1.0:bf16", float32(256)},
		{"bf16", "1.0:bf16 / 3.0:bf16", float32(0.333984375)},
		// Integers wrap to their width; division truncates toward zero.
		{"i8", "100:i8 + 100:i8", int64(-56)},
		{"i8", "-128:i8 * -1:i8", int64(-128)},
		{"i8", "-128:i8 / -1:i8", int64(-128)},
		{"i8", "-(-128:i8)", int64(-128)},
		{"i8", "abs(-128:i8)", int64(-128)},
		{"i32", "-7:i32 / 2:i32", int64(-3)},
		{"i32", "-7:i32 % 2:i32", int64(-1)},
		{"i64", "9223372036854775807 + 1", int64(math.MinInt64)},
		{"u8", "0:u8 - 1:u8", uint64(255)},
		{"u8", "200:u8 + 100:u8", uint64(44)},
		{"u8", "max(200:u8, 100:u8)", uint64(200)},
		{"u16", "65535:u16 * 65535:u16", uint64(1)},
		{"u32", "7:u32 / 2:u32", uint64(3)},
		{"i4", "7:i4 + 1:i4", int64(-8)},
		// Casts: truncation toward zero, then the width; no saturation.
		{"i8", "cast<i8>(300.0)", int64(44)},
		{"i32", "cast<i32>(-2.75)", int64(-2)},
		{"u8", "cast<u8>(-1.0)", uint64(255)},
		{"i8", "cast<i8>(200:u8)", int64(-56)},
		{"u16", "cast<u16>(-1:i8)", uint64(65535)},
		{"i64", "cast<i64>(inf)", int64(math.MinInt64)},
		{"i8", "cast<i8>(inf)", int64(0)},
		{"f32", "cast<f32>(16777217)", float32(16777216)},
		{"f16", "cast<f16>(2049:i32)", float32(2048)},
		{"bf16", "cast<bf16>(259:i32)", float32(260)},
		// 2^54 + 2^30 + 1 is just above a float32 tie; through float64 it
		// would land on the tie and round down to 2^54.
		{"f32", "cast<f32>(18014399583223809)", float32(18014400656965632)},
		{"f16", "cast<f16>(0.1:f64)", float32(0.0999755859375)},
		{"bool", "cast<bool>(0.5)", true},
		{"f32", "cast<f32>(1.0:f64 / 3.0:f64)", float32(1.0 / 3)},
		// libm in float64, rounded to the argument's kind.
		{"f32", "pow(2.0, 10.0)", float32(1024)},
		{"f32", "fma(2.0, 3.0, 1.0)", float32(7)},
		{"f32", "round(2.5)", float32(3)},
		{"f32", "rint(2.5)", float32(2)},
		{"f32", "tanh(0.5)", float32(math.Tanh(0.5))},
		{"f64", "atan2(1.0:f64, 1.0:f64)", math.Pi / 4},
		{"f32", "max(-0.0, 0.0)", float32(0)},
		// Comparisons, select, logic.
		{"bool", "1.0 < 2.0", true},
		{"bool", "255:u8 > 1:u8", true},
		{"bool", "-1:i8 < 1:i8", true},
		{"bool", "!(2 >= 3) && (1 == 1 || 1 / 0 == 0)", true},
		{"f32", "select(2 > 1, 1.0, 2.0)", float32(1)},
		{"i32", "select(false, 1:i32, 2:i32)", int64(2)},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.Equal(t, tt.want, scalar(t, tt.kind, tt.expr))
		})
	}
}

// TestFloat32Order: the hardware adds in float32 in loop order, so 2^24
// absorbs each of the four ones that follow it (float64 would give 2^24+4);
// the same ones added first survive.
func TestFloat32Order(t *testing.T) {
	src := `kernel sum(in x: f32[5], out y: f32) {
  temp acc: f32 reg
  acc = 0.0
  for i in 0..5 {
    acc = acc + x[i]
  }
  y = acc
}
`
	k := parse(t, "", src, nil)
	p, err := exec.Compile(k)
	require.NoError(t, err)
	tests := []struct {
		x    []float32
		want float32
	}{
		{[]float32{1 << 24, 1, 1, 1, 1}, 1 << 24},
		{[]float32{1, 1, 1, 1, 1 << 24}, 1<<24 + 4},
		{[]float32{0.1, 0.2, 0.3, 0.4, 0.5}, float32(float32(float32(float32(0.1+float32(0.2))+0.3)+0.4) + 0.5)},
	}
	for _, tt := range tests {
		y := dtype.New(dtype.F32, nil)
		require.NoError(t, p.Run([]*dtype.Array{dtype.FromF32([]int{5}, tt.x), y}))
		assert.Equal(t, tt.want, y.F32[0], "%v", tt.x)
	}
}

// TestNarrowAccumulator: an f16 accumulator rounds after every addition,
// so 2048 absorbs the ones (2049 is a tie, to even).
func TestNarrowAccumulator(t *testing.T) {
	src := `kernel sum(in x: f16[4], out y: f16) {
  temp acc: f16 reg
  acc = 0.0:f16
  for i in 0..4 {
    acc = acc + x[i]
  }
  y = acc
}
`
	k := parse(t, "", src, nil)
	x := &dtype.Array{Kind: dtype.F16, Shape: []int{4}, F32: []float32{2048, 1, 1, 1}}
	y := dtype.New(dtype.F16, nil)
	require.NoError(t, exec.Run(k, []*dtype.Array{x, y}))
	assert.Equal(t, float32(2048), y.F32[0])
}

// TestCastIntToF64: a 64-bit integer beyond 2^53 rounds once, to nearest
// even, as C's (double) conversion does (2^53+3 → 2^53+4, 2^53+1 → 2^53);
// a bool cast to f8e8m0 rounds like any value (0 has no f8e8m0 code).
func TestCastIntToF64(t *testing.T) {
	for _, tc := range []struct {
		kind dtype.Kind
		in   int64
		want float64
	}{
		{dtype.I64, 1<<53 + 1, 1 << 53},
		{dtype.I64, 1<<53 + 3, 1<<53 + 4},
		{dtype.I64, -(1<<53 + 3), -(1<<53 + 4)},
		{dtype.U64, 1<<53 + 3, 1<<53 + 4},
	} {
		k, err := loop.Parse(fmt.Sprintf("kernel c(in x: %v, out y: f64) {\n  y = cast<f64>(x)\n}\n", tc.kind), nil)
		require.NoError(t, err)
		x, y := dtype.New(tc.kind, nil), dtype.New(dtype.F64, nil)
		if tc.kind == dtype.U64 {
			x.U64[0] = uint64(tc.in)
		} else {
			x.I64[0] = tc.in
		}
		require.NoError(t, exec.Run(k, []*dtype.Array{x, y}))
		assert.Equal(t, tc.want, y.F64[0], "%v %d", tc.kind, tc.in)
	}
	k, err := loop.Parse("kernel c(in x: bool, out y: f8e8m0) {\n  y = cast<f8e8m0>(x)\n}\n", nil)
	require.NoError(t, err)
	y := dtype.New(dtype.F8E8M0, nil)
	require.NoError(t, exec.Run(k, []*dtype.Array{dtype.New(dtype.Bool, nil), y}))
	assert.True(t, math.IsNaN(float64(y.F32[0])), "false as f8e8m0 is %v, want NaN", y.F32[0])
}
