package loop

import (
	"github.com/kiln-hls/kiln/ir/dtype"
)

// This file holds the loop IR's fixed-point rules (see doc.go): which fixed
// kinds a kernel may use and the kinds of Bin and Un on them.

// maxUfixedW is the widest unsigned fixed kind: every raw of ufixed<63,I>
// fits a signed int64, which interpreters and emitters rely on.
const maxUfixedW = 63

// fixedOK reports what is wrong with the fixed kind k in a kernel, or ""
// when it may be used. Kinds that are not fixed are not checked here.
func fixedOK(k dtype.Kind) string {
	f, ok := k.Fixed()
	switch {
	case !ok:
		return ""
	case f.Unsigned && f.W > maxUfixedW:
		return k.String() + " is wider than 63 bits (an unsigned fixed kind's raw must fit an int64)"
	}
	return ""
}

// exactOK reports what is wrong with t as the exact result type of an
// operation, or "" when the loop IR can hold it.
func exactOK(t dtype.Fixed) string {
	switch {
	case t.W > 64:
		return "exact result " + t.String() + " is wider than 64 bits"
	case t.Unsigned && t.W > maxUfixedW:
		return "exact result " + t.String() + " is wider than 63 bits"
	}
	return ""
}

// fixedBin checks a Bin with at least one fixed operand and returns its
// kind, or Invalid after reporting an error.
func (v *verifier) fixedBin(e *Bin, kx, ky dtype.Kind) dtype.Kind {
	fx, okx := kx.Fixed()
	fy, oky := ky.Fixed()
	switch {
	case !okx || !oky:
		v.errorf("%v %v %v: fixed point combines only with fixed point (cast explicitly)", kx, e.Op, ky)
	case e.Op == Add || e.Op == Sub || e.Op == Mul:
		t := map[BinOp]func(a, b dtype.Fixed) dtype.Fixed{Add: dtype.AddType, Sub: dtype.SubType, Mul: dtype.MulType}[e.Op](fx, fy)
		if msg := exactOK(t); msg != "" {
			v.errorf("%v %v %v: %s; cast an operand to a narrower type first", kx, e.Op, ky, msg)
			return dtype.Invalid
		}
		return dtype.FixedKind(t)
	case e.Op == Div || e.Op == Rem || e.Op.IsLogic():
		v.errorf("%v %v %v: %v is not defined on fixed point", kx, e.Op, ky, e.Op)
	case kx != ky:
		v.errorf("%v %v %v: operand kinds differ (cast explicitly)", kx, e.Op, ky)
	case e.Op.IsCompare():
		return boolKind
	default: // Min, Max
		return kx
	}
	return dtype.Invalid
}

// fixedUn checks a Un on the fixed kind k and returns its kind, or Invalid
// after reporting an error. Neg and Abs are exact, one bit wider.
func (v *verifier) fixedUn(e *Un, k dtype.Kind) dtype.Kind {
	f, _ := k.Fixed()
	if e.Op != Neg && e.Op != Abs {
		v.errorf("%v on %v: not defined on fixed point (cast to a float kind)", e.Op, k)
		return dtype.Invalid
	}
	t := dtype.SubType(f, f)
	if msg := exactOK(t); msg != "" {
		v.errorf("%v on %v: %s; cast the operand to a narrower type first", e.Op, k, msg)
		return dtype.Invalid
	}
	return dtype.FixedKind(t)
}

// fixedConst checks a constant of fixed kind: its raw within the range.
func (v *verifier) fixedConst(c *Const) {
	f, _ := c.Kind.Fixed()
	if c.Int < f.MinRaw() || c.Int > f.MaxRaw() {
		v.errorf("constant raw %d out of range for %v", c.Int, c.Kind)
	}
}

// fixedInit checks that a fixed constant buffer's raws are in range.
func (v *verifier) fixedInit(b *Buffer) {
	f, ok := b.Init.Kind.Fixed()
	if !ok || fixedOK(b.Kind) != "" {
		return
	}
	for i, r := range b.Init.I64 {
		if r < f.MinRaw() || r > f.MaxRaw() {
			v.errorf("buffer %s: element %d has raw %d, out of range for %v", b.Name, i, r, b.Kind)
			return
		}
	}
}
