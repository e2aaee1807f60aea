package dtype

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFixed(t *testing.T) {
	for _, c := range []struct {
		spec string
		want Fixed
		str  string // String(), when it differs from spec
	}{
		{"fixed<16,6>", Fixed{W: 16, I: 6}, ""},
		{"ufixed<8,3>", Fixed{W: 8, I: 3, Unsigned: true}, ""},
		{"fixed<12,4,rne,sat>", Fixed{W: 12, I: 4, Round: RoundHalfEven, Overflow: Saturate}, ""},
		{"fixed<12,4,rnd>", Fixed{W: 12, I: 4, Round: RoundHalfUp}, ""},
		{"fixed<12,4,sat>", Fixed{W: 12, I: 4, Overflow: Saturate}, "fixed<12,4,trn,sat>"},
		{"fixed<12,4,sat,rne>", Fixed{W: 12, I: 4, Round: RoundHalfEven, Overflow: Saturate}, "fixed<12,4,rne,sat>"},
		{"fixed<16,6,trn,wrap>", Fixed{W: 16, I: 6}, "fixed<16,6>"},
		{" ap_fixed< 16 , 6 , AP_RND_CONV , AP_SAT > ", Fixed{W: 16, I: 6, Round: RoundHalfEven, Overflow: Saturate}, "fixed<16,6,rne,sat>"},
		{"ap_ufixed<8,0,AP_RND>", Fixed{W: 8, Unsigned: true, Round: RoundHalfUp}, "ufixed<8,0,rnd>"},
		{"FIXED<8,3,RNE>", Fixed{W: 8, I: 3, Round: RoundHalfEven}, "fixed<8,3,rne>"},
		{"fixed<1,1>", Fixed{W: 1, I: 1}, ""},
		{"fixed<64,0>", Fixed{W: 64}, ""},
		{"ufixed<64,64>", Fixed{W: 64, I: 64, Unsigned: true}, ""},
	} {
		t.Run(c.spec, func(t *testing.T) {
			got, err := ParseFixed(c.spec)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			if c.str == "" {
				c.str = c.spec
			}
			assert.Equal(t, c.str, got.String())
		})
	}
}

func TestParseFixedErrors(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{"fixed<4,9>", "integer bits I=9 exceed the width W=4"},
		{"fixed<16,-2>", "integer bits I=-2 is negative"},
		{"fixed<0,0>", "width W=0 is outside 1..64"},
		{"fixed<65,3>", "width W=65 is outside 1..64"},
		{"fixed<16>", "want 2 to 4 parameters (W, I and optional modes), got 1"},
		{"fixed<8,3,rne,sat,wrap>", "got 5"},
		{"fixed<>", "got none"},
		{"fixed<,>", "width W \"\" is not an integer"},
		{"fixed<a,6>", "width W \"a\" is not an integer"},
		{"fixed<8,3.5>", "integer bits I \"3.5\" is not an integer"},
		{"fixed<99999999999999999999,3>", "width W 99999999999999999999 is out of range"},
		{"fixed<8,3,rnd,rne>", "two rounding modes (rnd and rne)"},
		{"fixed<8,3,sat,wrap>", "two overflow modes (sat and wrap)"},
		{"fixed<8,3,foo>", "unknown mode \"foo\"; want a rounding mode (trn, rnd, rne) or an overflow mode (wrap, sat)"},
		{"fixed<8,3,>", "unknown mode \"\""},
		{"float<8,3>", "unknown type \"float\"; want fixed or ufixed"},
		{"garbage", "want fixed<W,I> or ufixed<W,I>"},
		{"", "want fixed<W,I> or ufixed<W,I>"},
		{"fixed<16,6", "want fixed<W,I> or ufixed<W,I>"},
		{"fixed<16,6>x", "want fixed<W,I> or ufixed<W,I>"},
	} {
		t.Run(c.spec, func(t *testing.T) {
			_, err := ParseFixed(c.spec)
			require.Error(t, err)
			assert.Contains(t, err.Error(), fmt.Sprintf("dtype: fixed type %q: ", c.spec))
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// Every valid type prints a spec that parses back to it.
func TestFixedStringRoundTrip(t *testing.T) {
	for w := 1; w <= 64; w++ {
		for i := 0; i <= w; i++ {
			for _, f := range withModes(fx(w, i), ufx(w, i)) {
				got, err := ParseFixed(f.String())
				if err != nil || got != f {
					t.Fatalf("ParseFixed(%q) = %v, %v; want %v", f.String(), got, err, f)
				}
			}
		}
	}
}

func TestFixedValidate(t *testing.T) {
	assert.NoError(t, fx(8, 3).Validate())
	assert.EqualError(t, Fixed{}.Validate(), "dtype: fixed type fixed<0,0>: width W=0 is outside 1..64")
	assert.EqualError(t, Fixed{W: 8, I: 3, Round: 7}.Validate(),
		"dtype: fixed type fixed<8,3,rounding(7)>: unknown rounding mode 7")
	assert.EqualError(t, Fixed{W: 8, I: 3, Overflow: 9}.Validate(),
		"dtype: fixed type fixed<8,3,trn,overflow(9)>: unknown overflow mode 9")
}

func TestFixedRange(t *testing.T) {
	for _, c := range []struct {
		f      Fixed
		lo, hi int64
	}{
		{fx(1, 1), -1, 0},
		{ufx(1, 0), 0, 1},
		{fx(8, 4), -128, 127},
		{ufx(8, 4), 0, 255},
		{fx(64, 10), math.MinInt64, math.MaxInt64},
		{ufx(64, 10), 0, -1}, // all ones: 2^64−1
	} {
		assert.Equal(t, c.lo, c.f.MinRaw(), c.f.String())
		assert.Equal(t, c.hi, c.f.MaxRaw(), c.f.String())
	}
}

// The exact types follow ap_fixed's RType rules (ap_fixed_base.h in the
// Vitis HLS headers: mult_w = W+W2, mult_i = I+I2; plus_i = max(I + (S2 &&
// !S), I2 + (S && !S2)) + 1 with the larger fraction; minus is always
// signed).
func TestFixedExactTypes(t *testing.T) {
	assert.Equal(t, fx(12, 5), MulType(fx(8, 3), ufx(4, 2)))
	assert.Equal(t, ufx(12, 5), MulType(ufx(8, 3), ufx(4, 2)))
	assert.Equal(t, fx(9, 4), AddType(fx(8, 3), ufx(4, 2)))
	assert.Equal(t, fx(9, 4), AddType(ufx(4, 2), fx(8, 3)))
	assert.Equal(t, ufx(8, 3), AddType(ufx(4, 2), ufx(6, 1)))
	assert.Equal(t, fx(8, 3), SubType(ufx(4, 2), ufx(6, 1)))
	assert.Equal(t, fx(17, 7), AddType(fx(16, 6), fx(16, 6)))
	assert.Equal(t, fx(80, 16), MulType(fx(40, 8), fx(40, 8)))
	assert.Error(t, MulType(fx(40, 8), fx(40, 8)).Validate())
}

func TestFixedExactOpsPanicWhenTooWide(t *testing.T) {
	assert.PanicsWithValue(t, "dtype: Mul: exact type fixed<80,16> is wider than 64 bits",
		func() { Mul(fx(40, 8), fx(40, 8), 1, 1) })
	assert.Panics(t, func() { Add(fx(64, 8), fx(64, 8), 1, 1) })
	assert.Panics(t, func() { Sub(fx(64, 8), ufx(8, 8), 1, 1) })
	assert.Panics(t, func() { Convert(fx(8, 3), Fixed{}, 1) }) // invalid type: a caller's bug
	// MulTo takes what Mul cannot: 2^63·2^63 = 2^126, into an integer type
	// that saturates.
	r, over := MulTo(fx(64, 64), fx(64, 64), Fixed{W: 64, I: 64, Overflow: Saturate}, math.MinInt64, math.MinInt64)
	assert.Equal(t, int64(math.MaxInt64), r)
	assert.True(t, over)
}

// FromFloat on edge values in fixed<8,4> (step 1/16, range [−8, 7.9375])
// and at 64 bits, worked by hand from the rules on Rounding and Overflow.
func TestFromFloatEdges(t *testing.T) {
	const half = 1.0 / 32 // half a step of fixed<8,4>
	type want struct {
		raw  int64
		over bool
	}
	for _, c := range []struct {
		f                Fixed
		v                float64
		trn, rnd, rne    want // under Wrap
		trnSat, rndSat   want // under Saturate, where it differs
		differsUnderSats bool
	}{
		{f: fx(8, 4), v: 0},
		{f: fx(8, 4), v: math.Copysign(0, -1)},
		{f: fx(8, 4), v: 1e-300},
		{f: fx(8, 4), v: -1e-300, trn: want{-1, false}},
		{f: fx(8, 4), v: math.SmallestNonzeroFloat64},
		{f: fx(8, 4), v: -math.SmallestNonzeroFloat64, trn: want{-1, false}},
		{f: fx(8, 4), v: half, rnd: want{1, false}},
		{f: fx(8, 4), v: 3 * half, trn: want{1, false}, rnd: want{2, false}, rne: want{2, false}},
		{f: fx(8, 4), v: -half, trn: want{-1, false}},
		{f: fx(8, 4), v: -3 * half, trn: want{-2, false}, rnd: want{-1, false}, rne: want{-2, false}},
		{f: fx(8, 4), v: 7.9375, trn: want{127, false}, rnd: want{127, false}, rne: want{127, false}},
		{f: fx(8, 4), v: 7.9375 + half, trn: want{127, false}, rnd: want{-128, true}, rne: want{-128, true},
			trnSat: want{127, false}, rndSat: want{127, true}, differsUnderSats: true},
		{f: fx(8, 4), v: -8, trn: want{-128, false}, rnd: want{-128, false}, rne: want{-128, false}},
		{f: fx(8, 4), v: -8 - half, trn: want{127, true}, rnd: want{-128, false}, rne: want{-128, false},
			trnSat: want{-128, true}, rndSat: want{-128, false}, differsUnderSats: true},
		{f: fx(8, 4), v: 8, trn: want{-128, true}, rnd: want{-128, true}, rne: want{-128, true},
			trnSat: want{127, true}, rndSat: want{127, true}, differsUnderSats: true},
		{f: fx(8, 4), v: math.MaxFloat64, trn: want{0, true}, rnd: want{0, true}, rne: want{0, true},
			trnSat: want{127, true}, rndSat: want{127, true}, differsUnderSats: true},
		{f: ufx(8, 4), v: -1.0 / 16, trn: want{255, true}, rnd: want{255, true}, rne: want{255, true},
			trnSat: want{0, true}, rndSat: want{0, true}, differsUnderSats: true},
		{f: ufx(8, 4), v: -half, trn: want{255, true}, trnSat: want{0, true}, differsUnderSats: true},
		{f: fx(64, 64), v: -0x1p63, trn: want{math.MinInt64, false}, rnd: want{math.MinInt64, false}, rne: want{math.MinInt64, false}},
		{f: fx(64, 64), v: 0x1p63, trn: want{math.MinInt64, true}, rnd: want{math.MinInt64, true}, rne: want{math.MinInt64, true},
			trnSat: want{math.MaxInt64, true}, rndSat: want{math.MaxInt64, true}, differsUnderSats: true},
		{f: ufx(64, 64), v: 0x1p64 - 2048, trn: want{-2048, false}, rnd: want{-2048, false}, rne: want{-2048, false}},
		{f: ufx(64, 64), v: 0x1p64, trn: want{0, true}, rnd: want{0, true}, rne: want{0, true},
			trnSat: want{-1, true}, rndSat: want{-1, true}, differsUnderSats: true},
		{f: fx(64, 0), v: 0.5, trn: want{math.MinInt64, true}, rnd: want{math.MinInt64, true}, rne: want{math.MinInt64, true},
			trnSat: want{math.MaxInt64, true}, rndSat: want{math.MaxInt64, true}, differsUnderSats: true},
		{f: fx(64, 0), v: -0.5, trn: want{math.MinInt64, false}, rnd: want{math.MinInt64, false}, rne: want{math.MinInt64, false}},
	} {
		for _, f := range withModes(c.f) {
			w := map[Rounding]want{Truncate: c.trn, RoundHalfUp: c.rnd, RoundHalfEven: c.rne}[f.Round]
			if f.Overflow == Saturate && c.differsUnderSats {
				w = map[Rounding]want{Truncate: c.trnSat, RoundHalfUp: c.rndSat, RoundHalfEven: c.rndSat}[f.Round]
			}
			raw, over := FromFloat(f, c.v)
			assert.Equal(t, w, want{raw, over}, "FromFloat(%s, %v)", f, c.v)
		}
	}
}

func TestFromFloatNaNInf(t *testing.T) {
	for _, f := range withModes(fx(8, 4), ufx(8, 4), fx(64, 0)) {
		raw, over := FromFloat(f, math.NaN())
		assert.Equal(t, int64(0), raw, "NaN in %s", f)
		assert.True(t, over)
		for _, sign := range []int{1, -1} {
			want := int64(0)
			if f.Overflow == Saturate {
				want = map[int]int64{1: f.MaxRaw(), -1: f.MinRaw()}[sign]
			}
			raw, over := FromFloat(f, math.Inf(sign))
			assert.Equal(t, want, raw, "%+d·Inf in %s", sign, f)
			assert.True(t, over)
		}
	}
}

func TestToFloat(t *testing.T) {
	assert.Equal(t, 7.9375, ToFloat(fx(8, 4), 127))
	assert.Equal(t, -8.0, ToFloat(fx(8, 4), -128))
	assert.Equal(t, -8.0, ToFloat(fx(8, 4), 128), "only the low W bits count")
	assert.Equal(t, 15.9375, ToFloat(ufx(8, 4), -1), "an unsigned raw is its bit pattern")
	assert.Equal(t, 0x1p64-1, ToFloat(ufx(64, 64), -1), "rounded to nearest")
	assert.Equal(t, math.Copysign(0, 1), ToFloat(fx(8, 4), 0))
	assert.Equal(t, 0x1p-64, ToFloat(ufx(64, 0), 1))
}

func ExampleParseFixed() {
	f, err := ParseFixed("fixed<8,4,rne,sat>") // range [−8, 7.9375], step 1/16
	if err != nil {
		panic(err)
	}
	x, _ := FromFloat(f, 3.14159) // 50.27 steps: rounds to 50
	y, over := FromFloat(f, 100)  // saturates at 127
	fmt.Println(f, x, ToFloat(f, x), y, over)

	p := Mul(f, f, x, y) // exact, in fixed<16,8>
	fmt.Println(MulType(f, f), ToFloat(MulType(f, f), p))

	acc := Fixed{W: 12, I: 6, Overflow: Saturate}
	sum, over := Accumulate(acc, 0, f, f, x, y)
	fmt.Println(acc, ToFloat(acc, sum), over)
	// Output:
	// fixed<8,4,rne,sat> 50 3.125 127 true
	// fixed<16,8> 24.8046875
	// fixed<12,6,trn,sat> 24.796875 false
}
