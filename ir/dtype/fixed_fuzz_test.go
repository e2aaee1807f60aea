package dtype

import (
	"fmt"
	"strings"
	"testing"
)

// ParseFixed never panics; what it accepts is valid and prints a spec that
// parses back to the same type; what it rejects is an error quoting the
// spec.
func FuzzParseFixed(f *testing.F) {
	for _, s := range []string{
		"fixed<16,6>", "ufixed<8,3>", "fixed<12,4,rne,sat>", "ap_fixed<8,3,AP_RND>",
		"fixed<4,9>", "fixed<0,0>", "fixed<65,3>", "fixed<16>", "fixed<>", "fixed<8,3,,>",
		"garbage", "", "<>", "fixed<<8,3>>", "fixed<8,-0>", "fixed<+8,3>", "ufixed<64,64,rnd,sat>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFixed(s)
		if err != nil {
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
				t.Fatalf("error %q does not quote the spec", err)
			}
			return
		}
		if err := got.Validate(); err != nil {
			t.Fatalf("ParseFixed(%q) accepted an invalid type: %v", s, err)
		}
		back, err := ParseFixed(got.String())
		if err != nil || back != got {
			t.Fatalf("ParseFixed(%q) = %v; its String %q parses to %v, %v", s, got, got.String(), back, err)
		}
	})
}

// The operations agree with the math/big reference on arbitrary types and
// raws, including junk above the low W bits.
func FuzzFixedArith(f *testing.F) {
	f.Add(uint8(8), uint8(3), uint8(8), uint8(3), uint8(6), uint8(2), uint8(0), int64(100), int64(-7))
	f.Add(uint8(64), uint8(64), uint8(64), uint8(0), uint8(64), uint8(1), uint8(0xff), int64(-1), int64(-1))
	f.Add(uint8(1), uint8(0), uint8(64), uint8(64), uint8(1), uint8(1), uint8(0x55), int64(1), int64(1)<<62)
	f.Add(uint8(33), uint8(0), uint8(31), uint8(31), uint8(64), uint8(63), uint8(0x2a), int64(-1)<<32, int64(12345))
	f.Fuzz(func(t *testing.T, wa, ia, wb, ib, wt, it, modes uint8, x, y int64) {
		a := fuzzFixed(wa, ia, modes)
		b := fuzzFixed(wb, ib, modes>>3)
		to := fuzzFixed(wt, it, modes>>5)
		checkWide(t, a, b, to, x, y)
	})
}

// fuzzFixed makes a valid type from arbitrary bytes; bits of modes pick the
// signedness, rounding and overflow.
func fuzzFixed(w, i, modes uint8) Fixed {
	ww := 1 + int(w)%64
	return Fixed{W: ww, I: int(i) % (ww + 1), Unsigned: modes&1 != 0,
		Round: Rounding(int(modes>>1) % int(numRoundings)), Overflow: Overflow(modes >> 2 & 1)}
}
