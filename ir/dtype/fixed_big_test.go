package dtype

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// This file checks the fixed-point operations against a reference written
// with math/big that shares nothing with fixed_arith.go: numbers are exact
// dyadic rationals n·2^e with a big.Int n, rounding is big.Int floor
// division with remainder, overflow is big.Int comparison and modulo. The
// reference follows the semantics documented on Fixed, Rounding and
// Overflow (UG1399's AP_TRN, AP_RND, AP_RND_CONV, AP_WRAP, AP_SAT). It
// avoids big.Rat, whose normalising GCDs made the exhaustive test too slow.

// dyadic is the exact number n·2^e.
type dyadic struct {
	n *big.Int
	e int
}

func pow2(k int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(k)) }

func dyAdd(x, y dyadic) dyadic {
	e := min(x.e, y.e)
	n := new(big.Int).Lsh(x.n, uint(x.e-e))
	return dyadic{n.Add(n, new(big.Int).Lsh(y.n, uint(y.e-e))), e}
}

func dyNeg(x dyadic) dyadic { return dyadic{new(big.Int).Neg(x.n), x.e} }

func dyMul(x, y dyadic) dyadic { return dyadic{new(big.Int).Mul(x.n, y.n), x.e + y.e} }

func dyFloat(v float64) dyadic {
	r := new(big.Rat).SetFloat64(v) // exact; the denominator is a power of two
	return dyadic{new(big.Int).Set(r.Num()), -(r.Denom().BitLen() - 1)}
}

// refValue is the number raw holds in f, reading raw's low W bits.
func refValue(f Fixed, raw int64) dyadic {
	v := new(big.Int).SetUint64(uint64(raw))
	mod := pow2(f.W)
	v.Mod(v, mod)
	if !f.Unsigned && v.Cmp(new(big.Int).Rsh(mod, 1)) >= 0 {
		v.Sub(v, mod)
	}
	return dyadic{v, -f.FracBits()}
}

// refType is a destination type with its raw range as big.Ints.
type refType struct {
	f           Fixed
	lo, hi, mod *big.Int // smallest and largest raw, 2^W
	half, one   *big.Int // 2^(W−1) and 1
	q, den, rem *big.Int // scratch
}

func newRefType(f Fixed) refType {
	r := refType{f: f, mod: pow2(f.W), lo: big.NewInt(0), one: big.NewInt(1),
		q: new(big.Int), den: new(big.Int), rem: new(big.Int)}
	r.half = new(big.Int).Rsh(r.mod, 1)
	r.hi = new(big.Int).Sub(r.mod, big.NewInt(1))
	if !f.Unsigned {
		r.lo.Neg(r.half)
		r.hi.Sub(r.half, big.NewInt(1))
	}
	return r
}

// refFit rounds and overflows v into to: the raw and whether it overflowed.
func refFit(to Fixed, v dyadic) (int64, bool) { return newRefType(to).fit(v) }

// fit is refFit; it reuses to's scratch, so to serves one goroutine.
func (to refType) fit(v dyadic) (int64, bool) {
	q := to.q
	c := -1 // the dropped fraction compared with ½
	if k := v.e + to.f.FracBits(); k >= 0 {
		q.Lsh(v.n, uint(k))
	} else {
		den := to.den.Lsh(to.one, uint(-k))
		q.DivMod(v.n, den, to.rem) // floor, since den > 0
		c = to.rem.Lsh(to.rem, 1).Cmp(den)
	}
	switch to.f.Round {
	case Truncate:
	case RoundHalfUp:
		if c >= 0 {
			q.Add(q, to.one)
		}
	case RoundHalfEven:
		if c > 0 || c == 0 && q.Bit(0) == 1 {
			q.Add(q, to.one)
		}
	}
	if q.Cmp(to.lo) >= 0 && q.Cmp(to.hi) <= 0 {
		return refRaw(q), false
	}
	if to.f.Overflow == Saturate {
		if q.Sign() < 0 {
			return refRaw(to.lo), true
		}
		return refRaw(to.hi), true
	}
	q.Mod(q, to.mod)
	if !to.f.Unsigned && q.Cmp(to.half) >= 0 {
		q.Sub(q, to.mod)
	}
	return refRaw(q), true
}

// refRaw stores an integer of at most 64 bits (two's complement when
// negative) in an int64.
func refRaw(q *big.Int) int64 {
	if q.Sign() < 0 {
		return q.Int64()
	}
	return int64(q.Uint64())
}

// refFromFloat is FromFloat's documented meaning.
func refFromFloat(f Fixed, v float64) (int64, bool) {
	switch {
	case math.IsNaN(v):
		return 0, true
	case math.IsInf(v, 0) && f.Overflow == Wrap:
		return 0, true
	case math.IsInf(v, 0):
		// as saturating a value just beyond the range
		return refFit(f, dyadic{big.NewInt(int64(math.Copysign(1, v))), 2000})
	}
	return refFit(f, dyFloat(v))
}

// refToFloat is the value rounded to float64, ties to even.
func refToFloat(f Fixed, raw int64) float64 {
	v := refValue(f, raw)
	x := new(big.Float).SetPrec(53).SetMode(big.ToNearestEven).SetInt(v.n)
	y, _ := x.SetMantExp(x, v.e).Float64()
	return y
}

var allModes = func() (ms [][2]uint8) {
	for r := range numRoundings {
		for o := range numOverflows {
			ms = append(ms, [2]uint8{uint8(r), uint8(o)})
		}
	}
	return ms
}()

// withModes is f in every rounding and overflow mode.
func withModes(fs ...Fixed) []Fixed {
	var out []Fixed
	for _, f := range fs {
		for _, m := range allModes {
			f.Round, f.Overflow = Rounding(m[0]), Overflow(m[1])
			out = append(out, f)
		}
	}
	return out
}

func fx(w, i int) Fixed  { return Fixed{W: w, I: i} }
func ufx(w, i int) Fixed { return Fixed{W: w, I: i, Unsigned: true} }

// The 6-bit operand formats: signed and unsigned, all-fraction, mixed and
// all-integer.
var six = []Fixed{fx(6, 0), fx(6, 3), fx(6, 6), ufx(6, 0), ufx(6, 2), ufx(6, 6)}

// Destinations narrower, wider and shifted against the operands, so that
// rounding and overflow both act.
var sixTargets = withModes(fx(4, 2), ufx(5, 3), fx(7, 1), fx(3, 3))

func rawsOf(f Fixed) []int64 {
	var rs []int64
	for r := f.MinRaw(); ; r++ {
		rs = append(rs, r)
		if r == f.MaxRaw() {
			return rs
		}
	}
}

type binop struct {
	name  string
	exact func(a, b Fixed, x, y int64) int64
	typ   func(a, b Fixed) Fixed
	to    func(a, b, to Fixed, x, y int64) (int64, bool)
	ref   func(x, y dyadic) dyadic
}

var binops = []binop{
	{"add", Add, AddType, AddTo, dyAdd},
	{"sub", Sub, SubType, SubTo, func(x, y dyadic) dyadic { return dyAdd(x, dyNeg(y)) }},
	{"mul", Mul, MulType, MulTo, dyMul},
}

// Every pair of 6-bit operands, in every pair of the 6-bit formats: the
// exact operation and the operation into each target in every mode.
func TestFixedBinopExhaustive(t *testing.T) {
	for _, op := range binops {
		for _, a := range six {
			for _, b := range six {
				t.Run(fmt.Sprintf("%s/%s,%s", op.name, a, b), func(t *testing.T) {
					t.Parallel()
					checkBinop(t, op, a, b)
				})
			}
		}
	}
}

func checkBinop(t *testing.T, op binop, a, b Fixed) {
	exact := op.typ(a, b)
	targets := make([]refType, len(sixTargets))
	for i, to := range sixTargets {
		targets[i] = newRefType(to)
	}
	fails := 0
	for _, x := range rawsOf(a) {
		for _, y := range rawsOf(b) {
			v := op.ref(refValue(a, x), refValue(b, y))
			want, over := refFit(exact, v)
			if got := op.exact(a, b, x, y); got != want || over {
				t.Errorf("%s(%d, %d) in %s = %d, want %d (reference overflowed: %v)", op.name, x, y, exact, got, want, over)
				fails++
			}
			for _, to := range targets {
				want, wantOver := to.fit(v)
				if got, gotOver := op.to(a, b, to.f, x, y); got != want || gotOver != wantOver {
					t.Errorf("%s(%d, %d) into %s = %d, %v; want %d, %v", op.name, x, y, to.f, got, gotOver, want, wantOver)
					fails++
				}
			}
			if fails > 10 {
				t.Fatal("too many failures")
			}
		}
	}
}

// Every raw of each format, converted to each format in every mode.
func TestFixedConvertExhaustive(t *testing.T) {
	formats := append([]Fixed{fx(1, 0), fx(1, 1), ufx(1, 0), ufx(1, 1), fx(8, 4), ufx(8, 8)}, six...)
	targets := withModes(append(formats, fx(4, 2), ufx(5, 3), fx(3, 3), fx(12, 6))...)
	for _, from := range formats {
		for _, x := range rawsOf(from) {
			v := refValue(from, x)
			for _, to := range targets {
				want, wantOver := refFit(to, v)
				if got, gotOver := Convert(from, to, x); got != want || gotOver != wantOver {
					t.Fatalf("Convert(%s→%s, %d) = %d, %v; want %d, %v", from, to, x, got, gotOver, want, wantOver)
				}
			}
			if got, want := ToFloat(from, x), refToFloat(from, x); got != want {
				t.Fatalf("ToFloat(%s, %d) = %v, want %v", from, x, got, want)
			}
		}
	}
}

// randFixed is a random valid type, biased to the edges of the width range.
func randFixed(rng *rand.Rand) Fixed {
	var w int
	switch rng.IntN(4) {
	case 0:
		w = 64 - rng.IntN(3)
	case 1:
		w = 1 + rng.IntN(3)
	default:
		w = 1 + rng.IntN(64)
	}
	i := rng.IntN(w + 1)
	if rng.IntN(4) == 0 {
		i = []int{0, w}[rng.IntN(2)]
	}
	return Fixed{W: w, I: i, Unsigned: rng.IntN(2) == 0,
		Round: Rounding(rng.IntN(int(numRoundings))), Overflow: Overflow(rng.IntN(int(numOverflows)))}
}

// randRaw is a raw of f, biased to its extremes and small values; some
// raws carry junk above the low W bits, which the operations ignore.
func randRaw(rng *rand.Rand, f Fixed) int64 {
	var r int64
	switch rng.IntN(6) {
	case 0:
		r = f.MinRaw() + rng.Int64N(3)
	case 1:
		r = f.MaxRaw() - rng.Int64N(3)
	case 2:
		r = rng.Int64N(5) - 2
	default:
		r = int64(rng.Uint64())
	}
	if rng.IntN(8) != 0 {
		r = WrapRaw(f, r)
	}
	return r
}

// Random formats up to 64 bits, whose products need 128.
func TestFixedWideRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		a, b, to := randFixed(rng), randFixed(rng), randFixed(rng)
		x, y := randRaw(rng, a), randRaw(rng, b)
		checkWide(t, a, b, to, x, y)
		if t.Failed() {
			return
		}
	}
}

func checkWide(t *testing.T, a, b, to Fixed, x, y int64) {
	t.Helper()
	vx, vy := refValue(a, x), refValue(b, y)
	for _, op := range binops {
		v := op.ref(vx, vy)
		want, wantOver := refFit(to, v)
		if got, gotOver := op.to(a, b, to, x, y); got != want || gotOver != wantOver {
			t.Errorf("%sTo(%s %d, %s %d) into %s = %d, %v; want %d, %v", op.name, a, x, b, y, to, got, gotOver, want, wantOver)
		}
		if exact := op.typ(a, b); exact.W <= 64 {
			if want, _ := refFit(exact, v); op.exact(a, b, x, y) != want {
				t.Errorf("%s(%s %d, %s %d) = %d, want %d", op.name, a, x, b, y, op.exact(a, b, x, y), want)
			}
		}
	}
	want, wantOver := refFit(to, vx)
	if got, gotOver := Convert(a, to, x); got != want || gotOver != wantOver {
		t.Errorf("Convert(%s→%s, %d) = %d, %v; want %d, %v", a, to, x, got, gotOver, want, wantOver)
	}
	if got, want := ToFloat(a, x), refToFloat(a, x); got != want {
		t.Errorf("ToFloat(%s, %d) = %v, want %v", a, x, got, want)
	}
}

// Accumulate is MulTo into the accumulator, then an add there.
func TestFixedAccumulateRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		a, b, acc := randFixed(rng), randFixed(rng), randFixed(rng)
		x, y, sum := randRaw(rng, a), randRaw(rng, b), WrapRaw(acc, randRaw(rng, acc))
		p, o1 := refFit(acc, dyMul(refValue(a, x), refValue(b, y)))
		want, o2 := refFit(acc, dyAdd(refValue(acc, sum), refValue(acc, p)))
		if got, over := Accumulate(acc, sum, a, b, x, y); got != want || over != (o1 || o2) {
			t.Fatalf("Accumulate(%s %d, %s %d · %s %d) = %d, %v; want %d, %v", acc, sum, a, x, b, y, got, over, want, o1 || o2)
		}
	}
}

// FromFloat on random doubles of every magnitude, against the reference.
func TestFixedFromFloatRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		f := randFixed(rng)
		var v float64
		switch rng.IntN(3) {
		case 0:
			v = math.Float64frombits(rng.Uint64())
		case 1: // near f's range and resolution
			v = math.Ldexp(rng.NormFloat64(), rng.IntN(f.W+4)-f.FracBits()-2)
		default: // exactly on, or halfway between, f's steps
			v = math.Ldexp(float64(rng.Int64N(1<<20)-1<<19)/2, -f.FracBits())
		}
		want, wantOver := refFromFloat(f, v)
		if got, gotOver := FromFloat(f, v); got != want || gotOver != wantOver {
			t.Fatalf("FromFloat(%s, %v) = %d, %v; want %d, %v", f, v, got, gotOver, want, wantOver)
		}
	}
}

// WrapRaw and SaturateRaw against big.Int modulo and clamping.
func TestFixedWrapSaturateRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		f := randFixed(rng)
		v := randRaw(rng, f)
		if rng.IntN(2) == 0 {
			v = int64(rng.Uint64()) >> rng.IntN(64)
		}
		ints := Fixed{W: f.W, I: f.W, Unsigned: f.Unsigned} // raws read as integers
		want, _ := refFit(ints, dyadic{big.NewInt(v), 0})
		if got := WrapRaw(f, v); got != want {
			t.Fatalf("WrapRaw(%s, %d) = %d, want %d", f, v, got, want)
		}
		ints.Overflow = Saturate
		want, _ = refFit(ints, dyadic{big.NewInt(v), 0})
		if got := SaturateRaw(f, v); got != want {
			t.Fatalf("SaturateRaw(%s, %d) = %d, want %d", f, v, got, want)
		}
	}
}
