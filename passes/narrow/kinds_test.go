package narrow

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// smallTypes is every fixed type of 1 to 5 bits, signed and unsigned.
func smallTypes() []dtype.Fixed {
	var out []dtype.Fixed
	for w := 1; w <= 5; w++ {
		for i := 0; i <= w; i++ {
			out = append(out, dtype.Fixed{W: w, I: i}, dtype.Fixed{W: w, I: i, Unsigned: true})
		}
	}
	return out
}

// rawsOf is every raw value of t.
func rawsOf(t dtype.Fixed) []int64 {
	var out []int64
	for r := t.MinRaw(); r <= t.MaxRaw(); r++ {
		out = append(out, r)
	}
	return out
}

// TestCommonHoldsBoth: exhaustively over types of up to 5 bits, every
// value of a and of b converts into common(a, b) exactly, and common is no
// wider than the union of their integer and fraction bits.
func TestCommonHoldsBoth(t *testing.T) {
	for _, a := range smallTypes() {
		for _, b := range smallTypes() {
			c := common(a, b)
			require.NoError(t, c.Validate())
			for _, src := range []dtype.Fixed{a, b} {
				for _, r := range rawsOf(src) {
					got, o := dtype.Convert(src, c, r)
					require.False(t, o, "%s into common(%s, %s) = %s overflows at raw %d", src, a, b, c, r)
					require.Equal(t, dtype.ToFloat(src, r), dtype.ToFloat(c, got), "%s in %s", src, c)
				}
			}
			assert.LessOrEqual(t, c.W, max(a.I, b.I)+1+max(a.FracBits(), b.FracBits()), "%s %s → %s", a, b, c)
			if holds(a, b) {
				assert.Equal(t, a, c, "a type that holds the other is kept, modes and all")
			}
		}
	}
}

// TestHolds checks holds against every value, exhaustively.
func TestHolds(t *testing.T) {
	for _, a := range smallTypes() {
		for _, b := range smallTypes() {
			want := true
			for _, r := range rawsOf(b) {
				v := dtype.ToFloat(b, r)
				raw, o := dtype.FromFloat(a, v)
				if o || dtype.ToFloat(a, raw) != v {
					want = false
					break
				}
			}
			assert.Equal(t, want, holds(a, b), "holds(%s, %s)", a, b)
		}
	}
}

// TestQuantType: the smallest I at which ±maxAbs round without overflow.
func TestQuantType(t *testing.T) {
	for _, tc := range []struct {
		w      int
		maxAbs float64
		want   string
	}{
		{8, 0, "fixed<8,0,rne,sat>"},
		{8, 0.49, "fixed<8,0,rne,sat>"},
		{8, 0.5, "fixed<8,1,rne,sat>"},      // fixed<8,0> reaches 127/256
		{8, 0.498, "fixed<8,0,rne,sat>"},    // rounds to 127/256 = 0.49609…
		{8, 0.499, "fixed<8,1,rne,sat>"},    // rounds to 128/256: beyond
		{8, 1, "fixed<8,2,rne,sat>"},        // fixed<8,1> reaches 127/128
		{8, 127, "fixed<8,8,rne,sat>"},      // an integer int8
		{16, 3.2, "fixed<16,3,rne,sat>"},    // fixed<16,3> reaches 4 − 2^−13
		{16, -5.0, "fixed<16,4,rne,sat>"},   // the sign is ignored
		{16, 32767, "fixed<16,16,rne,sat>"}, // an integer int16
	} {
		f, err := quantType(tc.w, tc.maxAbs)
		require.NoError(t, err)
		assert.Equal(t, tc.want, f.String(), "int%d of max-abs %g", tc.w, tc.maxAbs)
	}
	for _, bad := range []float64{128, math.Inf(1), math.NaN()} {
		_, err := quantType(8, bad)
		assert.Error(t, err, "%g", bad)
	}
}

// TestFloatJoin: the narrowest float kind holding both.
func TestFloatJoin(t *testing.T) {
	for _, tc := range []struct{ a, b, want dtype.Kind }{
		{dtype.F16, dtype.F16, dtype.F16},
		{dtype.F16, dtype.BF16, dtype.F32},
		{dtype.F16, dtype.F32, dtype.F32},
		{dtype.BF16, dtype.F8E4M3FN, dtype.BF16},
		{dtype.F8E4M3FN, dtype.F8E5M2, dtype.F16},
		{dtype.F8E5M2, dtype.F16, dtype.F16},
		{dtype.F32, dtype.F64, dtype.F64},
		{dtype.F8E4M3FNUZ, dtype.F16, dtype.F32},
	} {
		assert.Equal(t, tc.want, floatJoin(tc.a, tc.b), "%v %v", tc.a, tc.b)
		assert.Equal(t, tc.want, floatJoin(tc.b, tc.a), "%v %v", tc.b, tc.a)
	}
}

// TestExactConst: literals with few fraction bits get the smallest exact
// type; others do not.
func TestExactConst(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "fixed<1,1>"}, {1, "fixed<2,2>"}, {-1, "fixed<1,1>"}, {0.5, "fixed<2,1>"},
		{2, "fixed<3,3>"}, {-0.125, "fixed<3,0>"}, {0.25, "fixed<2,0>"}, {-8, "fixed<4,4>"},
		{64, "fixed<8,8>"}, {1.5, "fixed<3,2>"}, {math.Ldexp(1, -16), "fixed<16,0>"},
	} {
		f, ok := exactConst(tc.v)
		require.True(t, ok, "%g", tc.v)
		assert.Equal(t, tc.want, f.String(), "%g", tc.v)
		raw, o := dtype.FromFloat(f, tc.v)
		assert.False(t, o)
		assert.Equal(t, tc.v, dtype.ToFloat(f, raw))
	}
	for _, v := range []float64{0.1, 1.0 / 3, math.Ldexp(1, -17), math.Ldexp(1, 31), math.Inf(-1), math.NaN()} {
		_, ok := exactConst(v)
		assert.False(t, ok, "%g", v)
	}
}

// TestWidened: the weights type gains integer bits until the literal fits.
func TestWidened(t *testing.T) {
	w := dtype.Fixed{W: 16, I: 6}
	assert.Equal(t, w, widened(w, 0.1))
	assert.Equal(t, "fixed<21,11>", widened(w, 1000.3).String())
	assert.Equal(t, "fixed<20,10>", widened(w, -511.9).String())
	assert.Equal(t, "fixed<21,11>", widened(w, -512.1).String(), "truncation toward −∞ needs one more bit")
	u := dtype.Fixed{W: 8, I: 2, Unsigned: true}
	assert.Equal(t, "fixed<8,2>", widened(u, 0.3).String(), "signed, for negative literals alike")
	assert.LessOrEqual(t, widened(w, 1e30).W, 64)
}
