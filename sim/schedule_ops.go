package sim

import "github.com/kiln-hls/kiln/ir/loop"

// op is an operation's name as the cost tables know it, by number.
type op uint8

// The operations the model asks costs for; a Call's libm function has its
// own number after these.
const (
	opAdd op = iota
	opSub
	opMul
	opDiv
	opRem
	opMin
	opMax
	opCmp
	opAnd
	opOr
	opXor
	opNeg
	opAbs
	opSelect
	opCast
	opLoad
	opStore
	opLibm // the first libm function
)

// opNames are the names of the operations: the fixed ones, then the libm
// functions the loop IR's Un and Call name.
var opNames = []string{"add", "sub", "mul", "div", "rem", "min", "max", "cmp", "and", "or", "xor",
	"neg", "abs", "select", "cast", "load", "store",
	"sqrt", "exp", "log", "tanh", "floor", "ceil", "rint",
	"pow", "fmod", "atan2", "hypot", "fma", "copysign", "erf", "sin", "cos", "tan", "asin", "acos", "atan",
	"sinh", "cosh", "asinh", "acosh", "atanh", "exp2", "expm1", "log2", "log10", "log1p", "cbrt", "trunc", "round"}

// opByName numbers the libm functions.
var opByName = func() map[string]op {
	m := map[string]op{}
	for i, n := range opNames {
		m[n] = op(i)
	}
	return m
}()

// binOps number the loop IR's binary operators.
var binOps = [...]op{
	loop.Add: opAdd, loop.Sub: opSub, loop.Mul: opMul, loop.Div: opDiv, loop.Rem: opRem,
	loop.Min: opMin, loop.Max: opMax, loop.And: opAnd, loop.Or: opOr,
	loop.Eq: opCmp, loop.Ne: opCmp, loop.Lt: opCmp, loop.Le: opCmp, loop.Gt: opCmp, loop.Ge: opCmp,
}

// binKey is the operation of x op y (operand width: the wider operand)
// and the type of its result: bool for comparisons and logic, for fixed
// point the exact ap_fixed width (a sum one bit wider, a product the sum
// of the widths, at most 64), else the operands' type.
func binKey(o loop.BinOp, x, y vtype) (op, vtype, vtype) {
	t := x
	t.bits = max(x.bits, y.bits)
	k := t
	switch {
	case o.IsCompare() || o.IsLogic():
		return binOps[o], k, vtype{typ: tUint, bits: 1}
	case x.fixed && (o == loop.Add || o == loop.Sub):
		t.bits = min(t.bits+1, 64)
	case x.fixed && o == loop.Mul:
		t.bits = min(x.bits+y.bits, 64)
	}
	return binOps[o], k, t
}

// unKey is the operation of a unary operator: neg, xor (a bool's !), abs,
// or the libm function (sqrt, exp, log, tanh, floor, ceil, rint), and its
// result type.
func unKey(o loop.UnOp, x vtype) (op, vtype) {
	var k op
	switch o {
	case loop.Neg:
		k = opNeg
	case loop.Not:
		k = opXor
	case loop.Abs:
		k = opAbs
	default:
		k = opByName[o.String()]
	}
	t := x
	if x.fixed && (o == loop.Neg || o == loop.Abs) {
		t.bits = min(t.bits+1, 64)
	}
	return k, t
}

// castType is the type a conversion is costed at: a float type if either
// side is a float (the wider float's width: the soft-float converter),
// else the target's type at the wider of the two widths.
func castType(from, to vtype) vtype {
	switch {
	case from.typ == tFloat && to.typ == tFloat:
		return vtype{typ: tFloat, bits: max(from.bits, to.bits)}
	case from.typ == tFloat:
		return vtype{typ: tFloat, bits: from.bits}
	case to.typ == tFloat:
		return vtype{typ: tFloat, bits: to.bits}
	}
	return vtype{typ: to.typ, bits: max(from.bits, to.bits)}
}
