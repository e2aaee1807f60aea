package narrow

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
)

// matmulKIR is MatMul with a constant right operand, b[k, j].
const matmulKIR = `kernel matmul(in a: f32[2,3], out y: f32[2,4]) {
  const b: f32[3,4] = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0}
  temp acc: f32 reg
  for i in 0..2 {
    for j in 0..4 {
      acc = 0.0
      for k in 0..3 {
        acc = acc + a[i, k] * b[k, j]
      }
      y[i, j] = acc
    }
  }
}`

// noInitKIR accumulates into its output with no initialising store: the
// reduction loop is the one its index does not use.
const noInitKIR = `kernel noinit(in x: f32[3], out y: f32[2]) {
  const w: f32[2,3] = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}
  for i in 0..2 {
    for k in 0..3 {
      y[i] = y[i] + x[k] * w[i, k]
    }
  }
}`

// twiceKIR reads w as w[i, k] and as w[k, i] in one sum: no axis selects
// the output at both loads.
const twiceKIR = `kernel twice(in x: f32[3], out y: f32[3]) {
  const w: f32[3,3] = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0}
  temp acc: f32 reg
  for i in 0..3 {
    acc = 0.0
    for k in 0..3 {
      acc = acc + x[k] * w[i, k] + x[k] * w[k, i]
    }
    y[i] = acc
  }
}`

// gatherKIR reads its table through a data-dependent index.
const gatherKIR = `kernel gather(in x: i64[3], out y: f32[3]) {
  const t: f32[4] = {1.0, 2.0, 3.0, 4.0}
  for i in 0..3 {
    y[i] = t[x[i]]
  }
}`

// reductionOnlyKIR reads w only by the reduction variable.
const reductionOnlyKIR = `kernel dot(in x: f32[3], out y: f32[1]) {
  const w: f32[3] = {1.0, 2.0, 3.0}
  temp acc: f32 reg
  acc = 0.0
  for k in 0..3 {
    acc = acc + x[k] * w[k]
  }
  y[0] = acc
}`

// TestChannelAxis: the channel axis of each constant of lowered kernels
// (passes/lower/testdata), and the kernels where there is none.
func TestChannelAxis(t *testing.T) {
	lowered := func(name string) string {
		src, err := os.ReadFile(filepath.Join("..", "lower", "testdata", name+".kir"))
		require.NoError(t, err)
		return string(src)
	}
	for _, tc := range []struct {
		name, src string
		axes      map[string]int // constant → axis; -1: none (error)
	}{
		{"gemm", lowered("gemm"), map[string]int{"w": 0, "b": 0}},
		{"conv1d", lowered("conv1d"), map[string]int{"w": 0, "b": 0}},
		// bias[0, g] and bias[0, g + 16]: the gate row, offset.
		{"lstm_step", lowered("lstm_step"), map[string]int{"w": 1, "r": 1, "bias": 1}},
		{"matmul", matmulKIR, map[string]int{"b": 1}},
		{"noinit", noInitKIR, map[string]int{"w": 0}},
		{"twice", twiceKIR, map[string]int{"w": -1}},
		{"gather", gatherKIR, map[string]int{"t": -1}},
		{"dot", reductionOnlyKIR, map[string]int{"w": -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := loop.Parse(tc.src, nil)
			require.NoError(t, err)
			for name, want := range tc.axes {
				id, ok := k.Buffer(name)
				require.True(t, ok, name)
				got, err := channelAxis(k, id)
				if want < 0 {
					assert.Error(t, err, name)
					continue
				}
				require.NoError(t, err, name)
				assert.Equal(t, want, got, name)
			}
		})
	}
}

// TestChanFrac: the most fraction bits at which a channel's max-abs
// rounds within the w-bit range, by hand; quantType's below w.
func TestChanFrac(t *testing.T) {
	for _, tc := range []struct {
		w      int
		maxAbs float64
		want   int
	}{
		{8, 0.75, 7},   // 0.75·128 = 96
		{8, 0.99, 7},   // 126.7 → 127
		{8, 0.998, 6},  // 127.7 → 128: one bit less
		{8, 0.125, 9},  // 64
		{8, 0.1, 10},   // 102.4
		{8, 1e-9, 16},  // capped at 2w
		{8, 100, 0},    // 100
		{16, 0.5, 15},  // 16384
		{16, 3e-3, 23}, // 25166
		{16, 30000, 0}, // within 32767
	} {
		got, err := chanFrac(tc.w, tc.maxAbs)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "w=%d max-abs %g", tc.w, tc.maxAbs)
		if tc.want <= tc.w {
			q, err := quantType(tc.w, tc.maxAbs)
			require.NoError(t, err)
			assert.Equal(t, q.FracBits(), got, "quantType agrees: w=%d max-abs %g", tc.w, tc.maxAbs)
		}
	}
	for _, bad := range []float64{200, math.NaN(), math.Inf(1)} {
		_, err := chanFrac(8, bad)
		assert.Error(t, err, "%g", bad)
	}
}
