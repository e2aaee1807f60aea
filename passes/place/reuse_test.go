package place_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/passes/place"
)

// TestAccesses checks the loads and stores per inference the report
// counts, by hand: rectangular nests multiply trip counts, triangular ones
// add their rows, CSR rows take their lengths from rowptr's data, and an
// If counts both branches.
func TestAccesses(t *testing.T) {
	cases := []struct {
		name, src string
		want      map[string]int64 // buffer (kernel.buf or top buffer) → accesses
		exact     bool
	}{
		{"gemm", `kernel gemm(in x: f32[1,4], out y: f32[1,3]) {
  const w: f32[4,3] = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 1.0, 2.0, 3.0}
  temp acc: f32 reg
  for j in 0..3 {
    acc = 0.0
    for k in 0..4 {
      acc = acc + x[0, k] * w[k, j]
    }
    y[0, j] = acc
  }
}`, map[string]int64{"gemm.w": 12, "gemm.acc": 3 + 2*12 + 3, "x": 12, "y": 3}, true},
		{"triangle", `kernel tri(in x: f32[4], out y: f32[4]) {
  temp s: f32[4]
  for i in 0..4 {
    s[i] = 0.0
    for j in 0..i + 1 {
      s[i] = s[i] + x[j]
    }
    y[i] = s[i]
  }
}`, map[string]int64{"tri.s": 4 + 2*10 + 4, "x": 10, "y": 4}, true},
		{"csr", `kernel gcn(in x: f32[5,2], out y: f32[5,2]) {
  const rowptr: i32[6] rom = {0, 2, 3, 5, 6, 8}
  const col: i32[8] rom = {0, 1, 1, 0, 2, 3, 3, 4}
  const val: f32[8] rom = {0.5, 0.5, 1.0, 0.25, 0.75, 1.0, 0.5, 0.5}
  temp acc: f32 reg
  for i in 0..5 parallel {
    for f in 0..2 {
      acc = 0.0
      for p in rowptr[i]..rowptr[i + 1] {
        acc = acc + val[p] * x[col[p], f]
      }
      y[i, f] = acc
    }
  }
}`, map[string]int64{"gcn.val": 16, "gcn.col": 16, "gcn.rowptr": 20, "x": 16, "y": 10}, true},
		{"if", `kernel relu(in x: f32[6], out y: f32[6]) {
  for i in 0..6 {
    if x[i] > 0.0 {
      y[i] = x[i]
    } else {
      y[i] = 0.0
    }
  }
}`, map[string]int64{"x": 12, "y": 12}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := oneKernel(t, c.src)
			_, r, err := place.Apply(p, place.Options{Capacity: place.Capacity{BRAM36: 10}})
			require.NoError(t, err)
			for name, want := range c.want {
				kernel, buf := "", name
				if k, b, ok := cut(name); ok {
					kernel, buf = k, b
				}
				bp, ok := r.Buffer(kernel, buf)
				require.True(t, ok, name)
				assert.Equal(t, want, bp.Accesses, name)
				assert.Equal(t, c.exact, bp.Exact, name)
			}
		})
	}
}

func cut(s string) (string, string, bool) {
	for i := range s {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return "", s, false
}

// TestAccessesDataBound: a loop bound read from a temporary cannot be
// evaluated: that loop counts one iteration and the count is marked
// approximate.
func TestAccessesDataBound(t *testing.T) {
	p := oneKernel(t, `kernel gather(in x: f32[8], in n: i32[1], out y: f32[1]) {
  for i in 0..min(max(cast<i64>(n[0]), 0), 8) {
    y[0] = y[0] + x[i]
  }
}`)
	_, r, err := place.Apply(p, place.Options{Capacity: place.Capacity{BRAM36: 10}})
	require.NoError(t, err)
	bp, ok := r.Buffer("", "x")
	require.True(t, ok)
	assert.False(t, bp.Exact)
	assert.Equal(t, int64(1), bp.Accesses)
}
