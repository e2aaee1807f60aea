package sim

import "github.com/kiln-hls/kiln/ir/loop"

// binOps names the loop IR's binary operators as the cost tables do.
var binOps = map[loop.BinOp]string{
	loop.Add: "add", loop.Sub: "sub", loop.Mul: "mul", loop.Div: "div", loop.Rem: "rem",
	loop.Min: "min", loop.Max: "max", loop.And: "and", loop.Or: "or",
	loop.Eq: "cmp", loop.Ne: "cmp", loop.Lt: "cmp", loop.Le: "cmp", loop.Gt: "cmp", loop.Ge: "cmp",
}

// binKey is the key of x op y (operand width: the wider operand) and the
// type of its result: bool for comparisons and logic, for fixed point the
// exact ap_fixed width (a sum one bit wider, a product the sum of the
// widths, at most 64), else the operands' type.
func binKey(op loop.BinOp, x, y vtype) (OpKey, vtype) {
	t := x
	t.bits = max(x.bits, y.bits)
	k := t.key(binOps[op])
	switch {
	case op.IsCompare() || op.IsLogic():
		return k, vtype{typ: "uint", bits: 1}
	case x.fixed && (op == loop.Add || op == loop.Sub):
		t.bits = min(t.bits+1, 64)
	case x.fixed && op == loop.Mul:
		t.bits = min(x.bits+y.bits, 64)
	}
	return k, t
}

// unKey is the key of a unary operation: neg, xor (a bool's !), abs, or
// the libm function (sqrt, exp, log, tanh, floor, ceil, rint).
func unKey(op loop.UnOp, x vtype) (OpKey, vtype) {
	name := op.String()
	switch op {
	case loop.Neg:
		name = "neg"
	case loop.Not:
		name = "xor"
	}
	t := x
	if x.fixed && (op == loop.Neg || op == loop.Abs) {
		t.bits = min(t.bits+1, 64)
	}
	return x.key(name), t
}

// castKey is a conversion's key: a float type if either side is a float
// (the wider float's width: the soft-float converter), else the target's
// type at the wider of the two widths.
func castKey(from, to vtype) OpKey {
	switch {
	case from.typ == "float" && to.typ == "float":
		return OpKey{"cast", "float", max(from.bits, to.bits)}
	case from.typ == "float":
		return OpKey{"cast", "float", from.bits}
	case to.typ == "float":
		return OpKey{"cast", "float", to.bits}
	}
	return OpKey{"cast", to.typ, max(from.bits, to.bits)}
}
