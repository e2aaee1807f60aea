package hls

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// fpFormats are the narrow float kinds Bambu can synthesise through
// --fp-format: exponent bits, stored mantissa bits and exponent bias
// (dtype's float formats; the FNUZ kinds' bias is one more than IEEE's).
var fpFormats = map[dtype.Kind]struct{ e, m, bias int }{
	dtype.F16:        {5, 10, 15},
	dtype.BF16:       {8, 7, 127},
	dtype.F8E4M3FN:   {4, 3, 7},
	dtype.F8E4M3FNUZ: {4, 3, 8},
	dtype.F8E5M2:     {5, 2, 15},
	dtype.F8E5M2FNUZ: {5, 2, 16},
}

// FPFormat is Bambu's spelling of a narrow float kind in --fp-format,
// e<E>m<M>b<−bias>nih (Bambu writes the bias negated, as in e8m23b-127
// for binary32; "nih" is the mode suffix of the issue that specifies the
// option: see ARCHITECTURE.md). ok is false for f32, f64 and non-float
// kinds, which need no option.
func FPFormat(k dtype.Kind) (string, bool) {
	f, ok := fpFormats[k]
	if !ok {
		return "", false
	}
	return fmt.Sprintf("e%dm%db-%dnih", f.e, f.m, f.bias), true
}

// BambuFPFormat is the --fp-format option for kernel k: Bambu's front end
// reads only float and double, so a kernel that computes in one narrow
// float kind is emitted as float (rounding after each operation in the
// functional model) and this option makes the hardware use the narrow
// format. It is "" when the kernel's buffers and conversions use no
// narrow float kind, or more than one float format besides f32 at its
// parameters (amp: fp16 products, f32 sums), which one option per
// function cannot express; such a kernel synthesises in binary32.
func BambuFPFormat(k *loop.Kernel) string {
	kinds := map[dtype.Kind]bool{}
	params := map[loop.BufID]bool{}
	for _, id := range k.Params {
		params[id] = true
	}
	for i, b := range k.Buffers {
		if b.Kind.IsFloat() && (!params[loop.BufID(i)] || b.Kind != dtype.F32) {
			kinds[b.Kind] = true
		}
	}
	loop.WalkExprs(k.Body, func(e loop.Expr) {
		if c, ok := e.(*loop.Cast); ok && c.To.IsFloat() && c.To != dtype.F32 {
			kinds[c.To] = true
		}
	})
	if len(kinds) != 1 {
		return ""
	}
	for kind := range kinds {
		if f, ok := FPFormat(kind); ok {
			return fmt.Sprintf("--fp-format=%s*%s", k.Name, f)
		}
	}
	return ""
}
