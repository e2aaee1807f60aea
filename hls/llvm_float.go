package hls

import (
	"math"
	bits64 "math/bits"
	"strconv"
	"strings"

	"github.com/llir/llvm/ir/types"
)

// llFloat is a float or double constant that prints as llir's
// constant.Float does, without its arbitrary-precision arithmetic: a
// model's weight arrays hold hundreds of thousands of them, and printing
// them through math/big took most of the time of emitting a module. A test
// checks that both print the same text.
type llFloat struct {
	t *types.FloatType // types.Float or types.Double
	v float64          // exactly representable in t
}

func (c *llFloat) String() string   { return c.t.String() + " " + c.Ident() }
func (c *llFloat) Type() types.Type { return c.t }
func (*llFloat) IsConstant()        {}

// Ident prints the value in decimal when the shortest decimal of the
// value is exact, in LLVM's hexadecimal double form otherwise (NaN, the
// infinities, and most trained weights).
func (c *llFloat) Ident() string {
	v, bits := c.v, 32
	if c.t.Kind == types.FloatKindDouble {
		bits = 64
	}
	switch {
	case math.IsNaN(v):
		b := uint64(0x7FF8000000000000)
		if math.Signbit(v) {
			b |= 1 << 63
		}
		return "0x" + strings.ToUpper(strconv.FormatUint(b, 16))
	case math.IsInf(v, 0) || !llExactDecimal(v, bits):
		b := math.Float64bits(v)
		if bits == 32 {
			b &^= 0x1FFFFFFF
		}
		return "0x" + strings.ToUpper(strconv.FormatUint(b, 16))
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsRune(s, '.') {
		if pos := strings.IndexByte(s, 'e'); pos != -1 {
			s = s[:pos] + ".0" + s[pos:]
		} else {
			s += ".0"
		}
	}
	return s
}

// llExactDecimal reports whether v's shortest decimal at the given precision is
// its exact value (the test of github.com/mewmew/float's IsExact32/64).
func llExactDecimal(v float64, bits int) bool {
	// Quick no: v = m·2^e with m odd and e < 0 has the exact decimal
	// expansion m·5^-e / 10^-e, of more than log10(m) + -e·log10(5)
	// digits; a shortest decimal has at most 17.
	if frac, exp := math.Frexp(math.Abs(v)); frac != 0 {
		m, e := uint64(math.Ldexp(frac, 53)), exp-53
		tz := bits64.TrailingZeros64(m)
		m, e = m>>tz, e+tz
		if e < 0 && int(math.Log10(float64(m)))+int(float64(-e)*0.6989) > 17 {
			return false
		}
	}
	short := strconv.FormatFloat(v, 'e', -1, bits)
	exact := strconv.FormatFloat(v, 'e', 100, 64)
	epos := strings.IndexByte(exact, 'e')
	pos := epos - 1
	for pos > 0 && exact[pos] == '0' {
		pos--
	}
	if exact[pos] != '.' {
		pos++
	}
	return short == exact[:pos]+exact[epos:]
}
