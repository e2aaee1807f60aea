package exec_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// parse reads ../testdata/name.kir (or src when name is "") and verifies it.
func parse(t testing.TB, name, src string, data map[string]*dtype.Array) *loop.Kernel {
	t.Helper()
	if name != "" {
		b, err := os.ReadFile(filepath.Join("..", "testdata", name+".kir"))
		require.NoError(t, err)
		src = string(b)
	}
	k, err := loop.Parse(src, data)
	require.NoError(t, err)
	require.NoError(t, loop.Verify(k))
	return k
}

// f32s makes an f32 array of shape whose element i is f(i).
func f32s(shape []int, f func(i int) float32) *dtype.Array {
	a := dtype.New(dtype.F32, shape)
	for i := range a.F32 {
		a.F32[i] = f(i)
	}
	return a
}

// eighths is the data the ir/loop golden tests give summarised constants:
// element i is ((7i mod 13) − 6)/8, exact in every float kind used here.
func eighths(shape []int) *dtype.Array {
	return f32s(shape, func(i int) float32 { return float32((7*i)%13-6) / 8 })
}

// TestGemm: x[k] = k/64 and w in eighths make every product and partial
// sum exact in float32, so the float64 sum is the answer.
func TestGemm(t *testing.T) {
	w := eighths([]int{64, 4080})
	k := parse(t, "gemm", "", map[string]*dtype.Array{"w": w})
	x := f32s([]int{1, 64}, func(i int) float32 { return float32(i) / 64 })
	y := dtype.New(dtype.F32, []int{1, 4080})
	require.NoError(t, exec.Run(k, []*dtype.Array{x, nil, y}))
	for _, col := range []int{0, 1, 7, 4079} {
		want := 0.0
		for r := range 64 {
			want += float64(r) / 64 * float64(w.F32[r*4080+col])
		}
		assert.Equal(t, float32(want), y.F32[col], "column %d", col)
	}
	// Column 0 by hand: w[k, 0] = ((7·4080k mod 13) − 6)/8 = ((12k mod 13) − 6)/8,
	// as 4080 ≡ 11 and 7·11 ≡ 12 (mod 13).
	want := 0.0
	for r := range 64 {
		want += float64(r) / 64 * float64((12*r)%13-6) / 8
	}
	assert.Equal(t, float32(want), y.F32[0])
}

// TestConv1dPad: x[0, t] = 1, x[1, t] = 2; the If drops the taps that fall
// in the padding at t = 0 and t = 15.
func TestConv1dPad(t *testing.T) {
	k := parse(t, "conv1d_pad", "", nil)
	x := f32s([]int{2, 16}, func(i int) float32 { return float32(1 + i/16) })
	y := dtype.New(dtype.F32, []int{3, 16})
	require.NoError(t, exec.Run(k, []*dtype.Array{x, nil, nil, y}))
	// y[1, t] for 1 ≤ t ≤ 14: b, then the taps (0, 0.1, 3) on 1 and
	// (1.5, −2.5, 0.75) on 2 in loop order, each sum rounded to float32.
	y1 := float32(0.5)
	for _, v := range []float32{0, 0.1, 3, 3, -5, 1.5} {
		y1 += v
	}
	tests := []struct {
		o, t int
		want float32
	}{
		{0, 0, 2.75}, // (−0.25 + 1.0) + 2·(2.0 − 1.0)
		{0, 7, 3.5},  // 0.5 − 0.25 + 1.0 + 2·(0.125 + 2.0 − 1.0)
		{0, 15, 4.5}, // (0.5 − 0.25) + 2·(0.125 + 2.0)
		{2, 7, 0},    // −0.5 + 3 − 6 = −3.5, through the relu
		{1, 7, y1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, y.F32[tt.o*16+tt.t], "y[%d, %d]", tt.o, tt.t)
	}
}

// TestCSR: y = A·x with A's rows {0.5, 0.5 | 1 | 0.25, 0.75 | 1 | 0.5, 0.5}
// over columns {0, 1 | 1 | 0, 2 | 3 | 3, 4}; x[i, f] = i + 1 + 10f, so
// y[2, 1] = 0.25·11 + 0.75·13 = 12.5.
func TestCSR(t *testing.T) {
	k := parse(t, "csr", "", nil)
	x := f32s([]int{5, 2}, func(i int) float32 { return float32(i/2 + 1 + 10*(i%2)) })
	y := dtype.New(dtype.F32, []int{5, 2})
	require.NoError(t, exec.Run(k, []*dtype.Array{x, nil, nil, nil, y}))
	assert.Equal(t, []float32{1.5, 11.5, 2, 12, 2.5, 12.5, 4, 14, 4.5, 14.5}, y.F32)
}

// TestTiled: the tiled loop doubles a, the triangular one copies rows of a
// into l's lower triangle (the rest keeps the caller's −1), the stepped one
// overwrites s's odd elements.
func TestTiled(t *testing.T) {
	k := parse(t, "tiled", "", nil)
	a := f32s([]int{64}, func(i int) float32 { return float32(i) })
	s := dtype.New(dtype.F32, []int{64})
	l := f32s([]int{8, 8}, func(int) float32 { return -1 })
	require.NoError(t, exec.Run(k, []*dtype.Array{a, s, l}))
	for i := range 64 {
		want := 2 * float32(i)
		if i%2 == 1 {
			want = float32(i - 1)
		}
		assert.Equal(t, want, s.F32[i], "s[%d]", i)
	}
	for r := range 8 {
		for c := range 8 {
			want := float32(-1)
			if c <= r {
				want = float32(8*r + r - c) // l[r, r − q] = a[8r + q]
			}
			assert.Equal(t, want, l.F32[r*8+c], "l[%d, %d]", r, c)
		}
	}
}

// TestLSTMStep checks one step against the same formula evaluated in Go,
// each operation rounded to float32 and each exp computed in float64, and
// against float64 math to 1e-6.
func TestLSTMStep(t *testing.T) {
	w := eighths([]int{16, 8})
	k := parse(t, "lstm_step", "", map[string]*dtype.Array{"w": w})
	x := f32s([]int{8}, func(i int) float32 { return float32(i-3) / 4 })
	h0 := f32s([]int{4}, func(i int) float32 { return float32(i) / 8 })
	c0 := f32s([]int{4}, func(i int) float32 { return 0.5 - float32(i)/4 })
	h, c := dtype.New(dtype.F32, []int{4}), dtype.New(dtype.F32, []int{4})
	require.NoError(t, exec.Run(k, []*dtype.Array{x, h0, c0, nil, nil, nil, h, c}))

	ub := k.Buffers[mustBuf(t, k, "u")].Init.F32
	bb := k.Buffers[mustBuf(t, k, "b")].Init.F32
	var gates [16]float32
	for g := range 16 {
		acc := bb[g]
		for j := range 8 {
			acc += float32(w.F32[g*8+j] * x.F32[j])
		}
		for j := range 4 {
			acc += float32(ub[g*4+j] * h0.F32[j])
		}
		gates[g] = acc
	}
	exp := func(v float32) float32 { return float32(math.Exp(float64(v))) }
	sig := func(v float32) float32 { return 1 / (1 + exp(-v)) }
	tanh := func(v float32) float32 { return 2/(1+exp(-2*v)) - 1 }
	for j := range 4 {
		wantC := float32(sig(gates[j+4])*c0.F32[j]) + float32(sig(gates[j])*tanh(gates[j+8]))
		wantH := sig(gates[j+12]) * tanh(wantC)
		assert.Equal(t, wantC, c.F32[j], "c[%d]", j)
		assert.Equal(t, wantH, h.F32[j], "h[%d]", j)
		s := func(v float32) float64 { return 1 / (1 + math.Exp(-float64(v))) }
		c64 := s(gates[j+4])*float64(c0.F32[j]) + s(gates[j])*math.Tanh(float64(gates[j+8]))
		assert.InDelta(t, c64, c.F32[j], 1e-6)
		assert.InDelta(t, s(gates[j+12])*math.Tanh(c64), h.F32[j], 1e-6)
	}
}

func mustBuf(t *testing.T, k *loop.Kernel, name string) loop.BufID {
	id, ok := k.Buffer(name)
	require.True(t, ok, name)
	return id
}

// TestKinds: f16, i8, i32, bool and f64 in one kernel, worked by hand.
func TestKinds(t *testing.T) {
	k := parse(t, "kinds", "", nil)
	a := &dtype.Array{Kind: dtype.F16, Shape: []int{4}, F32: []float32{1.5, -3, 0, 2.5}}
	q := &dtype.Array{Kind: dtype.I8, Shape: []int{4}, I64: []int64{-7, 5, 0, -128}}
	y, z := dtype.New(dtype.F16, []int{4}), dtype.New(dtype.I32, []int{4})
	m, d := dtype.New(dtype.Bool, []int{4}), dtype.New(dtype.F64, []int{2})
	require.NoError(t, exec.Run(k, []*dtype.Array{a, q, y, z, m, d}))
	assert.Equal(t, []float32{0.75, 9, 0, 6.25}, y.F32) // max(a/2, −1); odd i: a²
	assert.Equal(t, []int64{-18, -14, 0, 384}, z.I64)   // −3q + q%4 (C's sign); even i: |·|·−sign
	assert.Equal(t, []bool{true, false, false, true}, m.Bool)
	assert.Equal(t, []float64{-1e-300, 1}, d.F64)
}
