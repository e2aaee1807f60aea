package exec

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// The fast casts into fixed kinds. dtype.Convert and dtype.FromFloat work
// on a sign and a 128-bit magnitude whatever the types; here each Cast's
// pair of types is looked at once, when the closure is built, and the
// common cases get a closure of a few int64 operations that gives the
// same raw and the same overflow report for every input:
//   - a shift right by 1..63 bits (fixed → fewer fraction bits) rounds the
//     two's-complement raw: v = q·2^n + rem with 0 ≤ rem < 2^n, so
//     truncation (toward −∞) is q = v>>n, half up adds 1 when rem ≥ 2^(n−1)
//     and half even when rem > 2^(n−1) or rem = 2^(n−1) and q is odd;
//   - a shift left (fixed or integer → more fraction bits) is exact when
//     (v<<s)>>s = v; otherwise v·2^s exceeds int64, so every fixed kind,
//     and its low 64 bits are v<<s;
//   - a float v (every float kind is held exactly in a float64) is
//     x = v·2^F, exact in float64 since 2^F is a power of two, then
//     rounded with math.Floor or math.RoundToEven; values with |x| ≥ 2^62,
//     NaN and ±Inf go to dtype.FromFloat.
// The rounded raw, an int64, is then checked against the destination's range
// and wrapped (its low W bits) or saturated, as dtype's fit does.

// fixedDst is a cast's destination: its raw range, its overflow mode and
// the Stats that count the casts into it.
type fixedDst struct {
	min, max int64
	sh       uint // 64 − W: v<<sh>>sh keeps the low W bits
	unsigned bool
	sat      bool
	st       *Stats
}

func newFixedDst(to dtype.Fixed, st *Stats) *fixedDst {
	return &fixedDst{min: to.MinRaw(), max: to.MaxRaw(), sh: uint(64 - to.W),
		unsigned: to.Unsigned, sat: to.Overflow == dtype.Saturate, st: st}
}

// put counts a cast whose rounded value, in the destination's units, is
// the integer q, and returns its raw: q itself, or q wrapped or saturated.
func (d *fixedDst) put(q int64) int64 {
	d.st.NarrowCasts++
	if q >= d.min && q <= d.max {
		return q
	}
	d.st.Overflows++
	if d.sat {
		return d.clamp(q < 0)
	}
	return d.wrap(q)
}

// putShl counts a cast of the exact integer v·2^s and returns its raw.
func (d *fixedDst) putShl(v int64, s uint) int64 {
	if q := v << s; q>>s == v {
		return d.put(q)
	}
	return d.beyond(v<<s, v < 0)
}

// beyond counts a cast of a value beyond int64's range, whose low 64 bits
// are low and whose sign is neg, and returns its raw.
func (d *fixedDst) beyond(low int64, neg bool) int64 {
	d.st.NarrowCasts++
	d.st.Overflows++
	if d.sat {
		return d.clamp(neg)
	}
	return d.wrap(low)
}

func (d *fixedDst) clamp(neg bool) int64 {
	if neg {
		return d.min
	}
	return d.max
}

func (d *fixedDst) wrap(q int64) int64 {
	if d.unsigned {
		return int64(uint64(q) << d.sh >> d.sh)
	}
	return q << d.sh >> d.sh
}

// rawIn reads the low W bits of a raw of a fixed type (W ≤ 63 when
// unsigned), as dtype's functions read their inputs: an unsigned raw then
// is non-negative, and the same integer code serves both.
type rawIn struct {
	sh       uint // 64 − W
	unsigned bool
}

func (r rawIn) read(v int64) int64 {
	if r.unsigned {
		return int64(uint64(v) << r.sh >> r.sh)
	}
	return v << r.sh >> r.sh
}

// fastFixedToFixed is the cast of xi's raws of from into to, or nil for the
// one shift the fast path leaves out: right by 64 (fixed<64,0> to F = 0).
func fastFixedToFixed(from, to dtype.Fixed, xi func() int64, st *Stats) func() int64 {
	d, s := newFixedDst(to, st), to.FracBits()-from.FracBits()
	in := rawIn{sh: uint(64 - from.W), unsigned: from.Unsigned}
	switch {
	case s == 0:
		return func() int64 { return d.put(in.read(xi())) }
	case s > 0:
		n := uint(s)
		return func() int64 { return d.putShl(in.read(xi()), n) }
	case s < -63:
		return nil
	}
	return rightShift(d, to.Round, uint(-s), xi, in)
}

// rightShift is the closure of a cast that drops n (1..63) fraction bits of
// the raws xi(), rounding in mode r.
func rightShift(d *fixedDst, r dtype.Rounding, n uint, xi func() int64, in rawIn) func() int64 {
	mask, half := int64(1)<<n-1, int64(1)<<(n-1)
	switch r {
	case dtype.RoundHalfUp:
		return func() int64 {
			v := in.read(xi())
			q := v >> n
			if v&mask >= half {
				q++
			}
			return d.put(q)
		}
	case dtype.RoundHalfEven:
		return func() int64 {
			v := in.read(xi())
			q := v >> n
			if rem := v & mask; rem > half || rem == half && q&1 != 0 {
				q++
			}
			return d.put(q)
		}
	}
	return func() int64 { return d.put(in.read(xi()) >> n) }
}

// fastIntToFixed is the cast of the integers xi() (unsigned: their bits,
// so a u64 at or above 2^63 reads as a negative int64) into to.
func fastIntToFixed(unsigned bool, to dtype.Fixed, xi func() int64, st *Stats) func() int64 {
	d, s := newFixedDst(to, st), uint(to.FracBits())
	if !unsigned {
		return func() int64 { return d.putShl(xi(), s) }
	}
	return func() int64 {
		v := xi()
		if v < 0 { // ≥ 2^63: beyond every fixed kind
			return d.beyond(v<<s, false)
		}
		return d.putShl(v, s)
	}
}

// fastFloatToFixed is the cast of the floats xf() into to.
func fastFloatToFixed(to dtype.Fixed, xf func() float64, st *Stats) func() int64 {
	d, scale := newFixedDst(to, st), math.Ldexp(1, to.FracBits())
	slow := func(v float64) int64 {
		r, over := dtype.FromFloat(to, v)
		st.NarrowCasts++
		if over {
			st.Overflows++
		}
		return r
	}
	const limit = 1 << 62 // |x| below it: x and its rounding fit an int64
	switch to.Round {
	case dtype.RoundHalfUp:
		return func() int64 {
			v := xf()
			x := v * scale
			if !(math.Abs(x) < limit) {
				return slow(v)
			}
			fl := math.Floor(x)
			q := int64(fl)
			// x−fl, in [0, 1), is exact but for −0.5 < x < 0, where it
			// lies above 0.5 and rounds to no less: q+1 = 0 either way.
			if x-fl >= 0.5 {
				q++
			}
			return d.put(q)
		}
	case dtype.RoundHalfEven:
		return func() int64 {
			v := xf()
			if x := v * scale; math.Abs(x) < limit {
				return d.put(int64(math.RoundToEven(x)))
			}
			return slow(v)
		}
	}
	return func() int64 {
		v := xf()
		if x := v * scale; math.Abs(x) < limit {
			return d.put(int64(math.Floor(x)))
		}
		return slow(v)
	}
}
