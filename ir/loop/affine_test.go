package loop

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAffine(t *testing.T) {
	i, j := VarID(0), VarID(1)
	a := V(i).Scale(3).Add(V(j)).Add(Lit(-2)) // 3i + j − 2
	assert.Equal(t, Affine{Const: -2, Terms: []Term{{i, 3}, {j, 1}}}, a)
	assert.Equal(t, 3*4+5-2, a.Eval([]int{4, 5}))
	assert.True(t, a.Sub(a).Equal(Affine{}))
	assert.Nil(t, a.Sub(a).Terms, "zero coefficients are dropped")
	// Tiling: i = 16·io + ii, with io = 2 and ii = 3.
	io, ii := VarID(2), VarID(3)
	tiled := a.Subst(i, V(io).Scale(16).Add(V(ii)))
	assert.Equal(t, 0, tiled.Coeff(i))
	assert.Equal(t, a.Eval([]int{35, 5, 0, 0}), tiled.Eval([]int{0, 5, 2, 3}))
}

// TestParseErrors: every parse error names a line and a column.
func TestParseErrors(t *testing.T) {
	rows := []struct{ src, want string }{
		{"", "1:1: expected \"kernel\", found end of input"},
		{"kernel k() {", "1:13: expected a statement, found end of input"},
		{"kernel k() {}\n}", "2:1: unexpected \"}\" after the kernel"},
		{"kernel k(in x: f32[4]) {\n  x[0] = 1.0 @\n}", "2:14: unexpected character '@'"},
		{"kernel k(out y: i8[1]) {\n  y[0] = 300:i8\n}", "2:10: 300 is out of range for i8"},
		{"kernel k(out y: f32[1]) {\n  y[0] = 1.0:f99\n}", `2:14: unknown kind "f99"`},
		{"kernel k(out y: f32[1]) {\n  for i in 0..1 unroll(x) {\n  }\n}", "2:24: expected a unroll factor"},
		{"kernel k(const w: f32[100] = data(100, 0x1)) {\n}", "1:28: constant w: its values are not in the text"},
		{"kernel k(out y: f32[1] partition(diagonal, dim 0)) {\n}", "unknown partition scheme \"diagonal\""},
		{"kernel k(out y: f32[1]) {\n  y[0] = min(1.0)\n}", "2:13: expected 2 arguments, found 1"},
		{"kernel k(out y: f32[1]) {\n  temp t: f32[64] ram uram uram\n}", "2:28: buffer t says uram twice"},
	}
	for _, r := range rows {
		_, err := Parse(r.src, nil)
		if assert.Error(t, err, r.src) {
			assert.Contains(t, err.Error(), r.want, r.src)
		}
	}
}

// TestUltraRAMText: "ram uram" round-trips, in either order on input.
func TestUltraRAMText(t *testing.T) {
	const src = "kernel u(in x: f32[4096], out y: f32[4096]) {\n  temp t: f32[4096] ram uram\n  for i in 0..4096 {\n    t[i] = x[i]\n    y[i] = t[i]\n  }\n}\n"
	k, err := Parse(src, nil)
	require.NoError(t, err)
	assert.True(t, k.Buffers[2].UltraRAM)
	assert.Equal(t, src, k.String())
	k2, err := Parse(strings.Replace(src, "ram uram", "uram ram", 1), nil)
	require.NoError(t, err)
	assert.Equal(t, src, k2.String())
}
