package hls

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// Fixed point in C (the loop IR's contract, ir/loop/doc.go). A fixed value
// in an expression is its raw as an int64_t: every raw of a kind the loop
// IR allows fits (fixed up to 64 bits, ufixed up to 63). Add, Sub, Mul,
// Neg and Abs are exact in the loop IR, and their results fit in 64 bits,
// so they are int64_t arithmetic that never overflows; Add and Sub first
// shift the operand with fewer fraction bits left (kiln_fx_shl). Only Cast
// rounds and overflows, through the kiln_fx_* helpers (c_fixed_helpers.go),
// as ir/dtype's Convert and FromFloat do.
//
// A buffer of a fixed kind is an array of the smallest of int8_t, int16_t,
// int32_t and int64_t holding W bits; a ufixed kind uses uint8_t, uint16_t
// or uint32_t up to 32 bits and int64_t above (its W ≤ 63 bits fit), so that
// no fixed value is ever a uint64_t and mixed operands convert to int64_t.

// cFixedType is the C type of a buffer of the fixed type f, or "" for a
// ufixed wider than 63 bits.
func cFixedType(f dtype.Fixed) string {
	if f.Unsigned && f.W > 63 {
		return ""
	}
	bits := 8
	for bits < f.W {
		bits *= 2
	}
	if f.Unsigned && bits <= 32 {
		return "uint" + strconv.Itoa(bits) + "_t"
	}
	return "int" + strconv.Itoa(bits) + "_t"
}

// cFixedID is f's spec as part of a C identifier: fixed_16_6,
// ufixed_12_4_rnd_sat.
func cFixedID(f dtype.Fixed) string {
	return strings.NewReplacer("<", "_", ",", "_", ">", "").Replace(f.String())
}

// cFixedBinKind is the kind of op on kx and ky when both are fixed: the
// exact type of Add, Sub and Mul, the operands' kind for Min and Max.
func cFixedBinKind(op loop.BinOp, kx, ky dtype.Kind) dtype.Kind {
	fx, okx := kx.Fixed()
	fy, oky := ky.Fixed()
	if !okx || !oky {
		return dtype.Invalid
	}
	switch op {
	case loop.Add:
		return cFixedKind(dtype.AddType(fx, fy))
	case loop.Sub:
		return cFixedKind(dtype.SubType(fx, fy))
	case loop.Mul:
		return cFixedKind(dtype.MulType(fx, fy))
	}
	return kx
}

// cFixedKind is FixedKind(t), or Invalid when t is too wide (Verify
// rejects such kernels first).
func cFixedKind(t dtype.Fixed) dtype.Kind {
	if t.Validate() != nil {
		return dtype.Invalid
	}
	return dtype.FixedKind(t)
}

// cInt64 prints v as a C int64_t literal: plain within int's 32 bits,
// INT64_C(v) beyond, INT64_MIN for the most negative.
func cInt64(v int64) string {
	switch {
	case v == math.MinInt64:
		return "INT64_MIN"
	case v < math.MinInt32 || v > math.MaxInt32:
		return "INT64_C(" + strconv.FormatInt(v, 10) + ")"
	}
	return strconv.FormatInt(v, 10)
}

// paren is v's text, parenthesised when it binds looser than min.
func paren(v cVal, min int) string {
	if v.prec < min {
		return "(" + v.s + ")"
	}
	return v.s
}

// fxIs64 reports whether the C text of the fixed expression x has type
// int64_t: every operation does; a load has its buffer's type, a small
// constant is an int.
func (e *cEmitter) fxIs64(x loop.Expr) bool {
	switch x := x.(type) {
	case *loop.Load:
		return cType(e.k.Buffers[x.Buf].Kind) == "int64_t"
	case *loop.Const:
		return x.Int < math.MinInt32 || x.Int > math.MaxInt32
	case *loop.Select:
		return e.fxIs64(x.X) || e.fxIs64(x.Y)
	}
	return true
}

// fxOperand prints x, a fixed operand, multiplied by 2^shift (shift ≥ 0),
// for an operator of precedence min; a shifted operand is an int64_t, an
// unshifted one is cast to int64_t when cast is set and its type is not.
func (e *cEmitter) fxOperand(x loop.Expr, shift, min int, cast bool) string {
	if shift > 0 {
		e.fxHelper("kiln_fx_shl")
		return fmt.Sprintf("kiln_fx_shl(%s, %d)", e.expr(x, cPrecCond).s, shift)
	}
	v := e.expr(x, 0)
	if cast && !e.fxIs64(x) {
		return "(int64_t)" + paren(v, cPrecUnary)
	}
	return paren(v, min)
}

// fixedBin prints a Bin on fixed operands (compares are infix, as for
// every kind).
func (e *cEmitter) fixedBin(x *loop.Bin) cVal {
	k := e.kindOf(x)
	f, ok := k.Fixed()
	if !ok {
		e.errorf("%v on %v and %v", x.Op, e.kindOf(x.X), e.kindOf(x.Y))
		return cVal{"0", cPrecPrimary, k}
	}
	switch x.Op {
	case loop.Add, loop.Sub, loop.Mul:
		o := cBinOps[x.Op]
		sx, sy := 0, 0
		if x.Op != loop.Mul { // align the binary points
			fx, _ := e.kindOf(x.X).Fixed()
			fy, _ := e.kindOf(x.Y).Fixed()
			sx, sy = f.FracBits()-fx.FracBits(), f.FracBits()-fy.FracBits()
		}
		// The left operand is cast to int64_t unless one of them is one
		// already, so that C computes in int64_t (never overflowing:
		// the exact result fits).
		cast := !(sx > 0 || sy > 0 || e.fxIs64(x.Y))
		a := e.fxOperand(x.X, sx, o.prec, cast)
		b := e.fxOperand(x.Y, sy, o.prec+1, false)
		return cVal{a + " " + o.sym + " " + b, o.prec, k}
	case loop.Min, loop.Max:
		return e.fxCall("kiln_fx_"+x.Op.String(), k, x.X, x.Y)
	}
	e.errorf("%v on %v", x.Op, k)
	return cVal{"0", cPrecPrimary, k}
}

// fixedUn prints Neg or Abs of a fixed operand: exact, one bit wider.
func (e *cEmitter) fixedUn(x *loop.Un) cVal {
	k := e.kindOf(x)
	switch x.Op {
	case loop.Neg:
		a := e.expr(x.X, cPrecUnary)
		if !e.fxIs64(x.X) {
			return cVal{"-(int64_t)" + a.s, cPrecUnary, k}
		}
		return cVal{"-" + a.s, cPrecUnary, k}.negated(a.s)
	case loop.Abs:
		return e.fxCall("kiln_fx_abs", k, x.X)
	}
	e.errorf("%v on %v", x.Op, e.kindOf(x.X))
	return cVal{"0", cPrecPrimary, k}
}

// fxCall is helperCall for a generic fixed helper.
func (e *cEmitter) fxCall(name string, k dtype.Kind, args ...loop.Expr) cVal {
	e.fxHelper(name)
	return e.helperCall(name, k, args...)
}

// fxHelper marks the generic helper name as used.
func (e *cEmitter) fxHelper(name string) {
	code, ok := cFixedHelpers[name]
	if !ok {
		panic("hls: c: no fixed-point helper " + name) // a bug in this file
	}
	e.helpers[name] = code
}

// cFixedComment names a fixed kind in a comment after a declaration, as
// its C type does not: " /* fixed<16,6> */"; "" for other kinds.
func cFixedComment(k dtype.Kind) string {
	if !k.IsFixed() {
		return ""
	}
	return " /* " + k.String() + " */"
}

// cSelfCompare is the value of x op x for a value x that is not a float
// (no NaN): narrowing keeps a float kernel's NaN test x != x on the fixed
// value, and gcc warns that such a self-comparison is constant.
func cSelfCompare(op loop.BinOp) cVal {
	s := "false"
	if op == loop.Eq || op == loop.Le || op == loop.Ge {
		s = "true"
	}
	return cVal{s, cPrecPrimary, dtype.Bool}
}
