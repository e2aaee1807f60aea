package narrow

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// inputCases pairs each expression (stored to y[n]) with the input the
// table analysis should find (stored to l[n]; none when l[n] is not set).
const inputCases = `kernel cases(in a: f32[4], in b: f32[4], in c: f32[4], out y: f32[9], out l: f32[9]) {
  for i in 0..4 {
    y[0] = 1.0 / (1.0 + exp(-(a[i] + b[i])))
    l[0] = a[i] + b[i]
    y[1] = a[i] * (1.0 / (1.0 + exp(-a[i])))
    l[1] = a[i]
    y[2] = 1.0 - 2.0 / (exp(2.0 * c[i]) + 1.0)
    l[2] = c[i]
    y[3] = select(a[i] - b[i] > 0.0, a[i] - b[i], exp(a[i] - b[i]) - 1.0)
    l[3] = a[i] - b[i]
    y[4] = a[i] / b[i]
    y[5] = exp(a[i]) + b[i]
    y[6] = 3.0
    y[7] = sqrt(a[i] * a[i] + 1e-05)
    l[7] = a[i]
    y[8] = exp(cast<f32>(i))
    l[8] = cast<f32>(i)
  }
}`

// TestInput: the table analysis finds one input where the brief's
// examples have one (sigmoid, x·sigmoid(x), tanh, ELU), several for a
// division of two inputs or a sum around exp, none for a literal.
func TestInput(t *testing.T) {
	k, err := loop.Parse(inputCases, nil)
	require.NoError(t, err)
	y, _ := k.Buffer("y")
	l, _ := k.Buffer("l")
	vals := map[loop.BufID]map[int]loop.Expr{y: {}, l: {}}
	loop.WalkStores(k.Body, func(s *loop.Store) { vals[s.Buf][s.Index[0].Aff.Const] = s.Value })
	want := []int{oneInput, oneInput, oneInput, oneInput, manyInput, manyInput, noInput, oneInput, oneInput}
	for n, w := range want {
		got, kind := input(k, vals[y][n])
		assert.Equal(t, w, kind, "case %d", n)
		if w == oneInput {
			assert.True(t, equal(got, vals[l][n]), "case %d: the input", n)
		}
		assert.Equal(t, n != 6, nonlinear(k, vals[y][n]), "case %d: non-linear", n)
	}
	assert.False(t, hasLoad(vals[l][8]), "exp of a loop variable gets no table")
}

// TestEval64: the table's float64 evaluation of a subtree at its input.
func TestEval64(t *testing.T) {
	k, err := loop.Parse(inputCases, nil)
	require.NoError(t, err)
	y, _ := k.Buffer("y")
	l, _ := k.Buffer("l")
	vals := map[loop.BufID]map[int]loop.Expr{y: {}, l: {}}
	loop.WalkStores(k.Body, func(s *loop.Store) { vals[s.Buf][s.Index[0].Aff.Const] = s.Value })
	for _, tc := range []struct {
		n       int
		x, want float64
	}{
		{0, 0, 0.5}, {1, 2, 2 / (1 + 0.1353352832366127)}, {2, 0.5, 0.46211715726000974},
		{3, 1.5, 1.5}, {3, -1, 0.36787944117144233 - 1}, {7, 0, math.Sqrt(float64(float32(1e-05)))}, // the literal is an f32
	} {
		got, err := eval64(vals[y][tc.n], vals[l][tc.n], tc.x)
		require.NoError(t, err)
		assert.InDelta(t, tc.want, got, 1e-15, "case %d at %g", tc.n, tc.x)
	}
	_, err = eval64(vals[y][4], vals[y][4].(*loop.Bin).X, 1)
	assert.Error(t, err, "b[i] is a second input")
}

// TestCheckTable: which functions get a table over [−8, 8) at step 1/64
// (1025 edges): smooth bounded ones, and exp, whose entries beyond
// fixed<16,6> saturate in a run at the top end; not sqrt and log (NaN
// below 0), 1/x (infinite at 0), 1/(x² + 0.01) (a peak of 100 beyond
// fixed<16,6> between entries within it), 1/sqrt(x² + 1e−5) (within
// fixed<24,10>, but 316 at 0 next to 7.8: steeper than the step), a step
// function, or a function beyond the type everywhere.
func TestCheckTable(t *testing.T) {
	f16 := dtype.Fixed{W: 16, I: 6}
	f24 := dtype.Fixed{W: 24, I: 10}
	for _, tc := range []struct {
		name string
		f    dtype.Fixed
		fn   func(float64) float64
		ok   bool
		why  string // in the error
	}{
		{"sigmoid", f16, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, true, ""},
		{"tanh", f16, math.Tanh, true, ""},
		{"exp", f16, math.Exp, true, ""},
		{"exp(-x)", f16, func(x float64) float64 { return math.Exp(-x) }, true, ""},
		{"sqrt(x²+1)", f16, func(x float64) float64 { return math.Sqrt(x*x + 1) }, true, ""},
		{"sqrt", f24, math.Sqrt, false, "not a finite"},
		{"log", f24, math.Log, false, "not a finite"},
		{"1/x", f24, func(x float64) float64 { return 1 / x }, false, "not a finite"},
		{"peak", f16, func(x float64) float64 { return 1 / (x*x + 0.01) }, false, "between entries within it"},
		{"1/sqrt(x²+eps)", f24, func(x float64) float64 { return 1 / math.Sqrt(x*x+1e-5) }, false, "differ by"},
		{"step", f24, func(x float64) float64 { return float64(min(max(math.Floor(x), 0), 1)) }, false, "differ by"},
		{"beyond", f16, func(x float64) float64 { return 100 + x }, false, "every entry is beyond"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vals := make([]float64, 1025)
			for i := range vals {
				vals[i] = tc.fn(-8 + float64(i)/64)
			}
			err := checkTable(tc.f, vals)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, tc.why)
			}
		})
	}
}
