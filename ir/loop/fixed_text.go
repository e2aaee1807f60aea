package loop

import (
	mbig "math/big"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// maxFixedExp bounds the decimal exponent of a fixed-point literal, so that
// a hostile 1e999999999 cannot make the parser build a huge number. Exact
// values of fixed kinds (|raw| < 2^64, at most 64 fraction bits) never need
// more than about 64 digits.
const maxFixedExp = 400

// fixedString prints the value of raw in f exactly, as a decimal: the
// integer part, then the fraction digits without trailing zeros (a value
// r·2^−F has at most F fraction digits), e.g. 0.40625 or -3. The raw is
// read as a signed int64, or an unsigned one for ufixed.
func fixedString(f dtype.Fixed, raw int64) string {
	n := new(mbig.Int)
	if f.Unsigned {
		n.SetUint64(uint64(raw))
	} else {
		n.SetInt64(raw)
	}
	fb := f.FracBits()
	if fb == 0 {
		return n.String()
	}
	// n·2^−F = n·5^F·10^−F: the digits of n·5^F with a point F from the right.
	n.Mul(n, new(mbig.Int).Exp(mbig.NewInt(5), mbig.NewInt(int64(fb)), nil))
	sign := ""
	if n.Sign() < 0 {
		sign = "-"
		n.Neg(n)
	}
	digits := n.String()
	if len(digits) <= fb {
		digits = strings.Repeat("0", fb-len(digits)+1) + digits
	}
	ip, fp := digits[:len(digits)-fb], strings.TrimRight(digits[len(digits)-fb:], "0")
	if fp == "" {
		return sign + ip
	}
	return sign + ip + "." + fp
}

// fixedValue converts the text of t (negated if neg) to a raw of the fixed
// kind k. The number must be exactly a value of k: a multiple of 2^−F in
// k's range; it is never rounded.
func (p *parser) fixedValue(t token, neg bool, k dtype.Kind) int64 {
	f, _ := k.Fixed()
	r, ok := exactNumber(t)
	if !ok {
		p.failAt(t, "%s is not a %v value", t.text, k)
	}
	if neg {
		r.Neg(r)
	}
	r.Mul(r, new(mbig.Rat).SetInt(new(mbig.Int).Lsh(mbig.NewInt(1), uint(f.FracBits()))))
	if !r.IsInt() {
		p.failAt(t, "%s is not a %v value (not a multiple of 2^-%d)", t.text, k, f.FracBits())
	}
	n := r.Num()
	hi := new(mbig.Int).Lsh(mbig.NewInt(1), uint(f.W-1))
	lo := new(mbig.Int).Neg(hi)
	if f.Unsigned {
		lo.SetInt64(0)
		hi.Lsh(hi, 1)
	}
	if n.Cmp(lo) < 0 || n.Cmp(hi) >= 0 {
		sign := ""
		if neg {
			sign = "-"
		}
		p.failAt(t, "%s%s is out of range for %v", sign, t.text, k)
	}
	if f.Unsigned {
		return int64(n.Uint64())
	}
	return n.Int64()
}

// exactNumber is the exact value of a number token: a decimal or hex
// integer, or a decimal with a point or an exponent; inf and nan are not
// numbers here.
func exactNumber(t token) (*mbig.Rat, bool) {
	if t.kind == tInt {
		n, ok := new(mbig.Int).SetString(t.text, 0)
		if !ok {
			return nil, false
		}
		return new(mbig.Rat).SetInt(n), true
	}
	if t.kind != tFloat || t.text == "inf" || t.text == "nan" {
		return nil, false
	}
	if i := strings.IndexAny(t.text, "eE"); i >= 0 {
		e, err := strconv.Atoi(t.text[i+1:])
		if err != nil || e < -maxFixedExp || e > maxFixedExp {
			return nil, false
		}
	}
	return new(mbig.Rat).SetString(t.text)
}
