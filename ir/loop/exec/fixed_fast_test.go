package exec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// The fast casts of fixed_fast.go against dtype's reference functions:
// every (type, input) pair must give the same raw and count one cast, and
// one overflow exactly when dtype reports one.

// fastTypes are the types the tests draw from: widths at the edges of the
// fast paths' shifts (1, 2, 31..33, 52..54, 62..64) and common ones,
// integer bits at both ends and between, signed and unsigned (ufixed up to
// 63 bits, the interpreter's limit), every rounding and overflow mode.
func fastTypes() []dtype.Fixed {
	var ts []dtype.Fixed
	for _, w := range []int{1, 2, 3, 5, 8, 12, 16, 17, 24, 31, 32, 33, 40, 52, 53, 54, 62, 63, 64} {
		for _, i := range []int{0, 1, w / 3, w / 2, w - 1, w} {
			for _, u := range []bool{false, true} {
				if u && w == 64 {
					continue
				}
				ts = append(ts, allModes(dtype.Fixed{W: w, I: max(i, 0), Unsigned: u})...)
			}
		}
	}
	return ts
}

// smallTypes are all the types of 1 to 4 bits, for the exhaustive sweep.
func smallTypes() []dtype.Fixed {
	var ts []dtype.Fixed
	for w := 1; w <= 4; w++ {
		for i := 0; i <= w; i++ {
			ts = append(ts, allModes(dtype.Fixed{W: w, I: i})...)
			ts = append(ts, allModes(dtype.Fixed{W: w, I: i, Unsigned: true})...)
		}
	}
	return ts
}

func allModes(f dtype.Fixed) []dtype.Fixed {
	var ts []dtype.Fixed
	for _, r := range []dtype.Rounding{dtype.Truncate, dtype.RoundHalfUp, dtype.RoundHalfEven} {
		for _, o := range []dtype.Overflow{dtype.Wrap, dtype.Saturate} {
			f.Round, f.Overflow = r, o
			ts = append(ts, f)
		}
	}
	return ts
}

// castCheck feeds inputs to a fast cast through *in and compares each raw
// and the Stats it counts with want's; it stops at the first difference.
type castCheck[T any] struct {
	t    *testing.T
	name string
	fast func() int64
	in   *T
	st   *Stats
	want func(T) (int64, bool)
	n    *int // inputs checked, summed over checks
}

func (c castCheck[T]) run(inputs []T) bool {
	for _, v := range inputs {
		*c.in = v
		before := *c.st
		got := c.fast()
		want, over := c.want(v)
		d := Stats{NarrowCasts: c.st.NarrowCasts - before.NarrowCasts, Overflows: c.st.Overflows - before.Overflows}
		if got != want || d != (Stats{1, b64(over)}) {
			assert.Equal(c.t, want, got, "%s of %v", c.name, v)
			assert.Equal(c.t, Stats{1, b64(over)}, d, "%s of %v: counts", c.name, v)
			return false
		}
	}
	*c.n += len(inputs)
	return true
}

func b64(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func TestFastFixedToFixed(t *testing.T) {
	var n int
	check := func(t *testing.T, from, to dtype.Fixed, inputs []int64) bool {
		var in int64
		var st Stats
		fast := fastFixedToFixed(from, to, func() int64 { return in }, &st)
		if to.FracBits()-from.FracBits() < -63 {
			assert.Nil(t, fast, "%v → %v", from, to)
			return true
		}
		require.NotNil(t, fast, "%v → %v", from, to)
		want := func(v int64) (int64, bool) { return dtype.Convert(from, to, v) }
		return castCheck[int64]{t, from.String() + " → " + to.String(), fast, &in, &st, want, &n}.run(inputs)
	}
	t.Run("exhaustive small", func(t *testing.T) {
		small := smallTypes()
		for _, from := range small {
			var raws []int64
			for r := from.MinRaw(); r <= from.MaxRaw(); r++ {
				raws = append(raws, r, r+1<<from.W, r-5<<from.W) // high bits are ignored
			}
			for _, to := range small {
				if !check(t, from, to, raws) {
					return
				}
			}
		}
	})
	t.Run("random pairs", func(t *testing.T) {
		types, rng := fastTypes(), rand.New(rand.NewPCG(6, 1))
		for range 6000 {
			from, to := types[rng.IntN(len(types))], types[rng.IntN(len(types))]
			if !check(t, from, to, raws(rng, from, to)) {
				return
			}
		}
	})
	t.Logf("%d casts compared", n)
	assert.Greater(t, n, 1_000_000)
}

// raws are inputs for a cast from → to: the ends of from's range, raws
// whose shifted value lies at to's range ends or beyond int64, raws at
// and beside the rounding ties, and random bit patterns (high bits
// included, which both sides ignore).
func raws(rng *rand.Rand, from, to dtype.Fixed) []int64 {
	v := []int64{from.MinRaw(), from.MaxRaw(), 0, 1, -1, from.MinRaw() + 1, from.MaxRaw() - 1, math.MinInt64, math.MaxInt64}
	s := to.FracBits() - from.FracBits()
	ends := []int64{to.MinRaw(), to.MaxRaw(), to.MinRaw() - 1, to.MaxRaw() + 1, 0, -1, 1, rng.Int64() >> rng.IntN(64)}
	if s >= 0 {
		for _, e := range ends {
			v = append(v, e>>s, e>>s+1, e>>s-1)
		}
		if s < 64 {
			top := int64(1) << (63 - s)
			v = append(v, top, top-1, top+1, -top, -top-1, -top+1)
		}
	} else if n := uint(-s); n < 64 {
		half := int64(1) << (n - 1)
		for _, e := range ends {
			for _, d := range []int64{0, 1, half - 1, half, half + 1, 2*half - 1} {
				v = append(v, e<<n+d)
			}
		}
	}
	for range 150 {
		v = append(v, int64(rng.Uint64()), dtype.WrapRaw(from, int64(rng.Uint64())), int64(rng.Uint64())>>rng.IntN(64))
	}
	return v
}

func TestFastIntToFixed(t *testing.T) {
	var n int
	rng := rand.New(rand.NewPCG(6, 2))
	for _, to := range append(fastTypes(), smallTypes()...) {
		for _, unsigned := range []bool{false, true} {
			var in int64
			var st Stats
			fast := fastIntToFixed(unsigned, to, func() int64 { return in }, &st)
			from := intAsFixed
			if unsigned {
				from = uintAsFixed
			}
			want := func(v int64) (int64, bool) { return dtype.Convert(from, to, v) }
			name := "int → " + to.String()
			if unsigned {
				name = "uint → " + to.String()
			}
			if !(castCheck[int64]{t, name, fast, &in, &st, want, &n}.run(raws(rng, from, to))) {
				return
			}
		}
	}
	t.Logf("%d casts compared", n)
	assert.Greater(t, n, 500_000)
}

func TestFastFloatToFixed(t *testing.T) {
	var n int
	rng := rand.New(rand.NewPCG(6, 3))
	types := append(fastTypes(), smallTypes()...)
	for range 3 {
		for _, to := range types {
			var in float64
			var st Stats
			fast := fastFloatToFixed(to, func() float64 { return in }, &st)
			want := func(v float64) (int64, bool) { return dtype.FromFloat(to, v) }
			if !(castCheck[float64]{t, "float → " + to.String(), fast, &in, &st, want, &n}.run(floats(rng, to))) {
				return
			}
		}
	}
	t.Logf("%d casts compared", n)
	assert.Greater(t, n, 1_000_000)
}

// floats are inputs for a cast into to: NaN, infinities, zeros, the
// extremes of float64, the 2^62 limit of the fast path, the ends of to's
// range, ties and quarters of its least significant bit around random raws,
// and random floats (f32 and f16 values among them, and random bit
// patterns: subnormals, NaNs with payloads).
func floats(rng *rand.Rand, to dtype.Fixed) []float64 {
	f := to.FracBits()
	v := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
		math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64}
	for _, e := range []int{62, 63, 64} {
		x := math.Ldexp(1, e-f)
		v = append(v, x, -x, math.Nextafter(x, 0), -math.Nextafter(x, 0), math.Nextafter(x, math.Inf(1)))
	}
	lsb := math.Ldexp(1, -f)
	bases := []int64{to.MinRaw(), to.MaxRaw(), 0, 1, -1, to.MaxRaw() + 1, to.MinRaw() - 1}
	for range 20 {
		bases = append(bases, rng.Int64()>>rng.IntN(64))
	}
	for _, r := range bases {
		x := float64(r) * lsb
		for _, d := range []float64{0, 0.25, 0.5, 0.75, -0.25, -0.5, -0.75} {
			y := x + d*lsb
			v = append(v, y, math.Nextafter(y, math.Inf(1)), math.Nextafter(y, math.Inf(-1)))
		}
	}
	for range 200 {
		x := math.Ldexp(rng.NormFloat64(), rng.IntN(160)-80-f)
		v = append(v, x, float64(float32(x)), dtype.RoundFloat(dtype.F16, x, false),
			math.Float64frombits(rng.Uint64()), math.Ldexp(float64(rng.Int64()>>rng.IntN(64)), -f-rng.IntN(4)))
	}
	return v
}
