package dtype

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Fixed is a binary fixed-point type in the manner of Vivado/Vitis HLS's
// ap_fixed and ap_ufixed (UG1399, "Arbitrary Precision Fixed-Point Data
// Types"): fixed<W,I> is a signed W-bit two's-complement number with I
// integer bits, the sign bit included; ufixed<W,I> is unsigned with I
// integer bits. The remaining F = W − I bits are fraction bits.
//
// A value of the type is held as a raw int64: the W-bit integer r whose
// number is r·2^−F. Signed raws are sign-extended, unsigned raws
// zero-extended; ufixed<64,I> stores its 64-bit pattern in the int64, so
// raws at or above 2^63 read as negative int64s. The operations read only
// the low W bits of a raw they are given, as hardware would.
//
// Widths run from 1 to 64 bits and 0 ≤ I ≤ W. ap_fixed also allows I < 0
// and I > W (implied leading or trailing zero bits); kiln rejects those
// specs, so fixed<4,9> is an error rather than a surprising type. The exact
// types MulType, AddType and SubType keep 0 ≤ I ≤ W.
//
// The functions on raws expect valid types (see Validate) and panic on an
// invalid one: types come from ParseFixed or are checked where a pass
// chooses them, so an invalid type there is a bug in kiln.
//
// Round says how a value with more fraction bits than the type holds is
// rounded; Overflow what happens to a value beyond the type's range. The
// zero values are Truncate and Wrap, ap_fixed's defaults.
type Fixed struct {
	W, I     int // total bits (1..64) and integer bits (0..W; sign included when signed)
	Unsigned bool
	Round    Rounding
	Overflow Overflow
}

// Rounding is a fixed-point rounding mode, applied when a value has more
// fraction bits than its destination type.
type Rounding uint8

// The rounding modes, with their names in type specs and ap_fixed's names.
const (
	Truncate      Rounding = iota // "trn", AP_TRN: toward −∞ (drop the low bits of the two's-complement value)
	RoundHalfUp                   // "rnd", AP_RND: to nearest, ties toward +∞
	RoundHalfEven                 // "rne", AP_RND_CONV: to nearest, ties to the even neighbour
	numRoundings
)

// Overflow is a fixed-point overflow mode, applied when a value (after
// rounding) lies outside its destination type's range.
type Overflow uint8

// The overflow modes, with their names in type specs and ap_fixed's names.
const (
	Wrap     Overflow = iota // "wrap", AP_WRAP: keep the low W bits
	Saturate                 // "sat", AP_SAT: clamp to the largest or smallest value
	numOverflows
)

var (
	roundingNames = [numRoundings]string{"trn", "rnd", "rne"}
	overflowNames = [numOverflows]string{"wrap", "sat"}
)

// String is the mode's name in type specs: "trn", "rnd" or "rne".
func (r Rounding) String() string {
	if r >= numRoundings {
		return fmt.Sprintf("rounding(%d)", uint8(r))
	}
	return roundingNames[r]
}

// String is the mode's name in type specs: "wrap" or "sat".
func (o Overflow) String() string {
	if o >= numOverflows {
		return fmt.Sprintf("overflow(%d)", uint8(o))
	}
	return overflowNames[o]
}

// FracBits is F = W − I, the number of fraction bits.
func (f Fixed) FracBits() int { return f.W - f.I }

// Signed reports whether f is a signed (two's-complement) type.
func (f Fixed) Signed() bool { return !f.Unsigned }

// Validate reports what is wrong with f, or nil when f is a usable type.
func (f Fixed) Validate() error {
	if err := f.check(); err != "" {
		return fmt.Errorf("dtype: fixed type %s: %s", f, err)
	}
	return nil
}

func (f Fixed) check() string {
	switch {
	case f.W < 1 || f.W > 64:
		return fmt.Sprintf("width W=%d is outside 1..64", f.W)
	case f.I < 0:
		return fmt.Sprintf("integer bits I=%d is negative", f.I)
	case f.I > f.W:
		return fmt.Sprintf("integer bits I=%d exceed the width W=%d", f.I, f.W)
	case f.Round >= numRoundings:
		return fmt.Sprintf("unknown rounding mode %d", uint8(f.Round))
	case f.Overflow >= numOverflows:
		return fmt.Sprintf("unknown overflow mode %d", uint8(f.Overflow))
	}
	return ""
}

// String is f's spec, which ParseFixed reads back: "fixed<16,6>",
// "ufixed<8,3>", "fixed<12,4,rne>", "fixed<12,4,trn,sat>". The modes are
// printed only when not the defaults, and the overflow mode always after a
// rounding mode, as ap_fixed orders its template arguments.
func (f Fixed) String() string {
	var b strings.Builder
	if f.Unsigned {
		b.WriteString("u")
	}
	fmt.Fprintf(&b, "fixed<%d,%d", f.W, f.I)
	if f.Round != Truncate || f.Overflow != Wrap {
		b.WriteString("," + f.Round.String())
	}
	if f.Overflow != Wrap {
		b.WriteString("," + f.Overflow.String())
	}
	b.WriteString(">")
	return b.String()
}

// ParseFixed reads a fixed-point type spec: fixed<W,I> or ufixed<W,I>,
// optionally followed by a rounding mode (trn, rnd, rne) and an overflow
// mode (wrap, sat), e.g. "fixed<12,4,rne,sat>". The modes may come in either
// order, at most one of each. For specs pasted from HLS code the prefixes
// ap_fixed and ap_ufixed and ap_fixed's mode names (AP_TRN, AP_RND,
// AP_RND_CONV, AP_WRAP, AP_SAT, with or without "AP_") are accepted too;
// names are case-insensitive and spaces around fields are ignored. Errors
// quote the spec and say what is wrong.
func ParseFixed(s string) (Fixed, error) {
	f, msg := parseFixed(s)
	if msg != "" {
		return Fixed{}, fmt.Errorf("dtype: fixed type %q: %s", s, msg)
	}
	return f, nil
}

func parseFixed(s string) (Fixed, string) {
	var f Fixed
	t := strings.TrimSpace(s)
	open := strings.IndexByte(t, '<')
	if open < 0 || !strings.HasSuffix(t, ">") {
		return f, "want fixed<W,I> or ufixed<W,I>"
	}
	switch name := strings.ToLower(strings.TrimSpace(t[:open])); name {
	case "fixed", "ap_fixed":
	case "ufixed", "ap_ufixed":
		f.Unsigned = true
	default:
		return f, fmt.Sprintf("unknown type %q; want fixed or ufixed", name)
	}
	inner := t[open+1 : len(t)-1]
	if strings.TrimSpace(inner) == "" {
		return f, "want 2 to 4 parameters (W, I and optional modes), got none"
	}
	args := strings.Split(inner, ",")
	if len(args) < 2 || len(args) > 4 {
		return f, fmt.Sprintf("want 2 to 4 parameters (W, I and optional modes), got %d", len(args))
	}
	var msg string
	if f.W, msg = parseBits("width W", args[0]); msg != "" {
		return f, msg
	}
	if f.I, msg = parseBits("integer bits I", args[1]); msg != "" {
		return f, msg
	}
	if msg = f.parseModes(args[2:]); msg != "" {
		return f, msg
	}
	return f, f.check()
}

func parseBits(what, s string) (int, string) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Sprintf("%s %s is out of range", what, s)
	}
	if err != nil {
		return 0, fmt.Sprintf("%s %q is not an integer", what, s)
	}
	return n, ""
}

// parseModes sets f's modes from the spec's optional mode fields.
func (f *Fixed) parseModes(fields []string) string {
	var haveRound, haveOverflow bool
	for _, field := range fields {
		name := strings.ToLower(strings.TrimSpace(field))
		name = strings.TrimPrefix(name, "ap_")
		if r, ok := roundingByName(name); ok {
			if haveRound {
				return fmt.Sprintf("two rounding modes (%s and %s)", f.Round, r)
			}
			f.Round, haveRound = r, true
			continue
		}
		if o, ok := overflowByName(name); ok {
			if haveOverflow {
				return fmt.Sprintf("two overflow modes (%s and %s)", f.Overflow, o)
			}
			f.Overflow, haveOverflow = o, true
			continue
		}
		return fmt.Sprintf("unknown mode %q; want a rounding mode (trn, rnd, rne) or an overflow mode (wrap, sat)",
			strings.TrimSpace(field))
	}
	return ""
}

func roundingByName(name string) (Rounding, bool) {
	switch name {
	case "trn":
		return Truncate, true
	case "rnd":
		return RoundHalfUp, true
	case "rne", "rnd_conv":
		return RoundHalfEven, true
	}
	return 0, false
}

func overflowByName(name string) (Overflow, bool) {
	switch name {
	case "wrap":
		return Wrap, true
	case "sat":
		return Saturate, true
	}
	return 0, false
}

// MinRaw is the raw value of f's smallest number: −2^(W−1) signed, 0
// unsigned.
func (f Fixed) MinRaw() int64 {
	if f.Unsigned {
		return 0
	}
	return -1 << (f.W - 1)
}

// MaxRaw is the raw value of f's largest number: 2^(W−1)−1 signed, 2^W−1
// unsigned (for ufixed<64,I> that is the pattern of all ones, −1 as an
// int64).
func (f Fixed) MaxRaw() int64 {
	if f.Unsigned {
		return int64(^uint64(0) >> (64 - f.W))
	}
	return int64(^uint64(0) >> (65 - f.W))
}

// WrapRaw keeps the low W bits of the integer v, as f's overflow mode Wrap
// does: the result is sign-extended for a signed f, zero-extended for an
// unsigned one.
func WrapRaw(f Fixed, v int64) int64 {
	sh := uint(64 - f.W)
	if f.Unsigned {
		return int64(uint64(v) << sh >> sh)
	}
	return v << sh >> sh
}

// SaturateRaw clamps the signed integer v to f's raw range, as f's overflow
// mode Saturate does. For ufixed<64,I>, whose range exceeds int64's, only
// negative v change (to 0).
func SaturateRaw(f Fixed, v int64) int64 {
	if f.Unsigned {
		if v < 0 {
			return 0
		}
		if f.W < 64 && v > f.MaxRaw() {
			return f.MaxRaw()
		}
		return v
	}
	return min(max(v, f.MinRaw()), f.MaxRaw())
}
