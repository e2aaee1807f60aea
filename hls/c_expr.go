package hls

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// C's precedence levels, loosest first.
const (
	cPrecCond = iota + 1 // ?:
	cPrecOr
	cPrecAnd
	cPrecEq
	cPrecRel
	cPrecAdd
	cPrecMul
	cPrecUnary // casts, unary - and !
	cPrecPrimary
)

// cVal is a printed expression: its text, precedence and IR kind.
type cVal struct {
	s    string
	prec int
	kind dtype.Kind
}

// expr prints x, parenthesised when it binds looser than min.
func (e *cEmitter) expr(x loop.Expr, min int) cVal {
	v := e.expr1(x)
	if v.prec < min {
		v.s, v.prec = "("+v.s+")", cPrecPrimary
	}
	return v
}

func (e *cEmitter) expr1(x loop.Expr) cVal {
	switch x := x.(type) {
	case *loop.Load:
		return cVal{e.access(x.Buf, x.Index), cPrecPrimary, e.k.Buffers[x.Buf].Kind}
	case *loop.Const:
		if err := cKindErr(x.Kind); err != "" {
			e.errorf("constant: %s", err)
		}
		s, p := cConst(x)
		return cVal{s, p, x.Kind}
	case *loop.VarRef:
		return cVal{e.varName[x.Var], cPrecPrimary, dtype.I64}
	case *loop.Bin:
		return e.bin(x)
	case *loop.Un:
		return e.un(x)
	case *loop.Cast:
		return e.cast(x)
	case *loop.Select:
		c, a, b := e.expr(x.Cond, cPrecOr), e.expr(x.X, cPrecOr), e.expr(x.Y, cPrecCond)
		return cVal{c.s + " ? " + a.s + " : " + b.s, cPrecCond, a.kind}
	case *loop.Call:
		return e.call(x)
	}
	e.errorf("unknown expression %T", x)
	return cVal{"0", cPrecPrimary, dtype.Invalid}
}

// cConst prints a constant of kind c.Kind and its precedence.
func cConst(c *loop.Const) (string, int) {
	var s string
	switch c.Kind.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		s = cFloat(dtype.RoundFloat(c.Kind, c.Float, false), c.Kind.Class() == dtype.ClassFloat)
	case dtype.ClassBool:
		s = strconv.FormatBool(c.Int != 0)
	case dtype.ClassFixed: // the raw
		s = cInt64(c.Int)
	case dtype.ClassUint:
		u := dtype.WrapUint(c.Kind, uint64(c.Int))
		switch c.Kind {
		case dtype.U64:
			s = "UINT64_C(" + strconv.FormatUint(u, 10) + ")"
		case dtype.U32:
			s = strconv.FormatUint(u, 10) + "u"
		default:
			s = strconv.FormatUint(u, 10)
		}
	default:
		v := dtype.WrapInt(c.Kind, c.Int)
		switch {
		case c.Kind == dtype.I64 && v == math.MinInt64:
			s = "INT64_MIN"
		case c.Kind == dtype.I32 && v == math.MinInt32:
			s = "INT32_MIN"
		default:
			s = strconv.FormatInt(v, 10)
		}
	}
	if strings.HasPrefix(s, "-") {
		return s, cPrecUnary
	}
	return s, cPrecPrimary
}

// cFloat prints v as the shortest decimal that reads back as v (with an f
// suffix for float), or as INFINITY or NAN.
func cFloat(v float64, single bool) string {
	var s string
	switch {
	case math.IsNaN(v):
		s = "NAN"
	case math.IsInf(v, 1):
		s = "INFINITY"
	case math.IsInf(v, -1):
		s = "-INFINITY"
	default:
		bits := 64
		if single {
			bits = 32
		}
		s = strconv.FormatFloat(v, 'g', -1, bits)
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
		if single {
			s += "f"
		}
		return s
	}
	if !single {
		s = strings.Replace(s, "INFINITY", "(double)INFINITY", 1)
		s = strings.Replace(s, "NAN", "(double)NAN", 1)
	}
	return s
}

// cWide is the unsigned type integer arithmetic of kind k is computed in.
func cWide(k dtype.Kind) string {
	if k.Bits() == 64 {
		return "uint64_t"
	}
	return "uint32_t"
}

// cBinOps are the C operators and precedences of the infix operators.
var cBinOps = map[loop.BinOp]struct {
	sym  string
	prec int
}{
	loop.Add: {"+", cPrecAdd}, loop.Sub: {"-", cPrecAdd}, loop.Mul: {"*", cPrecMul},
	loop.Div: {"/", cPrecMul}, loop.Rem: {"%", cPrecMul},
	loop.Eq: {"==", cPrecEq}, loop.Ne: {"!=", cPrecEq},
	loop.Lt: {"<", cPrecRel}, loop.Le: {"<=", cPrecRel}, loop.Gt: {">", cPrecRel}, loop.Ge: {">=", cPrecRel},
	loop.And: {"&&", cPrecAnd}, loop.Or: {"||", cPrecOr},
}

// infix prints x op y, left-associative.
func (e *cEmitter) infix(op loop.BinOp, x, y loop.Expr) cVal {
	o := cBinOps[op]
	minX := o.prec
	if op == loop.Or {
		minX = cPrecAnd + 1 // parenthesise && inside ||, as gcc asks
	}
	a, b := e.expr(x, minX), e.expr(y, o.prec+1)
	if op == loop.Or && b.prec == cPrecAnd {
		b.s = "(" + b.s + ")"
	}
	return cVal{a.s + " " + o.sym + " " + b.s, o.prec, a.kind}
}

func (e *cEmitter) bin(x *loop.Bin) cVal {
	k := e.kindOf(x.X)
	if v, ok := e.indexArith(x); ok {
		return v
	}
	switch {
	case x.Op.IsCompare() && !k.IsFloat() && reflect.DeepEqual(x.X, x.Y):
		return cSelfCompare(x.Op)
	case x.Op.IsCompare() || x.Op.IsLogic():
		v := e.infix(x.Op, x.X, x.Y)
		v.kind = dtype.Bool
		return v
	case k.IsFixed():
		return e.fixedBin(x)
	case k.IsFloat():
		return e.floatBin(x, k)
	case k.IsInt():
		return e.intBin(x, k)
	}
	e.errorf("%v on %v", x.Op, k)
	return cVal{"0", cPrecPrimary, k}
}

func (e *cEmitter) floatBin(x *loop.Bin, k dtype.Kind) cVal {
	switch x.Op {
	case loop.Add, loop.Sub, loop.Mul, loop.Div:
		return e.rounded(e.infix(x.Op, x.X, x.Y), k)
	case loop.Rem:
		return e.callf("fmod", k, x.X, x.Y)
	case loop.Min, loop.Max:
		return e.helperCall(cFloatMinMax(x.Op, k), k, x.X, x.Y)
	}
	e.errorf("%v on %v", x.Op, k)
	return cVal{"0", cPrecPrimary, k}
}

// wideBin prints + − × of a narrow or signed kind k in k's unsigned wide
// type. Operands that are themselves + − × of k stay wide: the low bits of
// a wrapped sum or product depend only on the low bits of its operands.
func (e *cEmitter) wideBin(x *loop.Bin, k dtype.Kind) cVal {
	o := cBinOps[x.Op]
	a, b := e.wide(x.X, k, o.prec), e.wide(x.Y, k, o.prec+1)
	return cVal{a + " " + o.sym + " " + b, o.prec, k}
}

func (e *cEmitter) wide(x loop.Expr, k dtype.Kind, min int) string {
	if b, ok := x.(*loop.Bin); ok && (b.Op == loop.Add || b.Op == loop.Sub || b.Op == loop.Mul) {
		if _, small := e.indexArith(b); !small {
			v := e.wideBin(b, k)
			if v.prec < min {
				return "(" + v.s + ")"
			}
			return v.s
		}
	}
	return "(" + cWide(k) + ")" + e.expr(x, cPrecUnary).s
}

// intBin wraps + − × explicitly; / and % avoid C's undefined MIN / −1.
func (e *cEmitter) intBin(x *loop.Bin, k dtype.Kind) cVal {
	t, wide := cType(k), cWide(k)
	native := t == wide // uint32_t and uint64_t wrap by themselves
	switch x.Op {
	case loop.Add, loop.Sub, loop.Mul:
		if native {
			return e.infix(x.Op, x.X, x.Y)
		}
		return e.rounded(cVal{fmt.Sprintf("(%s)(%s)", t, e.wideBin(x, k).s), cPrecUnary, k}, k)
	case loop.Div, loop.Rem:
		c, isConst := x.Y.(*loop.Const)
		safe := k.Class() == dtype.ClassUint || k.Bits() < 32 || (isConst && c.Int != -1 && c.Int != 0)
		if !safe {
			return e.helperCall(cIntDivRem(x.Op, k), k, x.X, x.Y)
		}
		v := e.infix(x.Op, x.X, x.Y)
		if x.Op == loop.Div && k.Class() == dtype.ClassInt && k.Bits() < 32 {
			v = cVal{fmt.Sprintf("(%s)(%s)", t, v.s), cPrecUnary, k} // −128 / −1 wraps
		}
		v.kind = k
		if x.Op == loop.Div {
			v = e.rounded(v, k)
		}
		return v
	case loop.Min, loop.Max:
		return e.helperCall(cIntMinMax(x.Op, k), k, x.X, x.Y)
	}
	e.errorf("%v on %v", x.Op, k)
	return cVal{"0", cPrecPrimary, k}
}

func (e *cEmitter) un(x *loop.Un) cVal {
	k := e.kindOf(x.X)
	if v, ok := e.indexArith(x); ok {
		return v
	}
	switch {
	case k.IsFixed():
		return e.fixedUn(x)
	case x.Op == loop.Not && k == dtype.Bool:
		a := e.expr(x.X, cPrecUnary)
		return cVal{"!" + a.s, cPrecUnary, k}
	case x.Op == loop.Neg && k.IsFloat():
		a := e.expr(x.X, cPrecUnary)
		return e.rounded(cVal{"-" + a.s, cPrecUnary, k}.negated(a.s), k)
	case x.Op == loop.Neg && k.IsInt():
		a := e.expr(x.X, cPrecUnary)
		if cType(k) == cWide(k) {
			return cVal{"-" + a.s, cPrecUnary, k}.negated(a.s)
		}
		return e.rounded(cVal{fmt.Sprintf("(%s)-(%s)%s", cType(k), cWide(k), a.s), cPrecUnary, k}, k)
	case x.Op == loop.Abs && k.Class() == dtype.ClassUint:
		return e.expr(x.X, 0)
	case x.Op == loop.Abs && k.Class() == dtype.ClassInt:
		return e.rounded(e.helperCall(cIntAbs(k), k, x.X), k)
	case k.IsFloat() && x.Op.FloatOnly() || k.IsFloat() && x.Op == loop.Abs:
		name := x.Op.String()
		if x.Op == loop.Abs {
			name = "fabs"
		}
		return e.callf(name, k, x.X)
	}
	e.errorf("%v on %v", x.Op, k)
	return cVal{"0", cPrecPrimary, k}
}

// negated keeps "- -x" from printing as "--x".
func (v cVal) negated(operand string) cVal {
	if strings.HasPrefix(operand, "-") {
		v.s = "-(" + operand + ")"
	}
	return v
}

func (e *cEmitter) cast(x *loop.Cast) cVal {
	from := e.kindOf(x.X)
	if err := cKindErr(x.To); err != "" {
		e.errorf("cast to %v: %s", x.To, err)
		return cVal{"0", cPrecPrimary, x.To}
	}
	to := x.To
	switch {
	case from == to:
		return e.expr(x.X, 0)
	case from.IsFixed() || to.IsFixed():
		return e.fixedCast(x, from, to)
	case isNarrow(to) && from.IsFloat():
		return e.rounded(e.expr(x.X, 0), to)
	case isNarrow(to) && (from == dtype.I64 || from == dtype.U64):
		return e.rounded(e.helperCall(cOddName(from == dtype.I64), dtype.F64, x.X), to)
	case isNarrow(to): // from an integer or bool of at most 32 bits: exact in double
		a := e.expr(x.X, cPrecUnary)
		return e.rounded(cVal{"(double)" + a.s, cPrecUnary, dtype.F64}, to)
	case from.IsFloat() && to.IsInt():
		v := e.helperCall(cFloatToInt(from, to), to, x.X)
		if isSubByte(to) {
			v = e.rounded(v, to)
		}
		return v
	}
	a := e.expr(x.X, cPrecUnary)
	v := cVal{"(" + cType(to) + ")" + a.s, cPrecUnary, to}
	if isSubByte(to) && from != dtype.Bool && (to.Bits() < from.Bits() || to.Class() != from.Class()) {
		v = e.rounded(v, to)
	}
	return v
}

func (e *cEmitter) call(x *loop.Call) cVal {
	if len(x.Args) == 0 {
		e.errorf("call of %s without arguments", x.Func)
		return cVal{"0", cPrecPrimary, dtype.Invalid}
	}
	k := e.kindOf(x.Args[0])
	if !k.IsFloat() {
		e.errorf("call of %s on %v", x.Func, k)
	}
	return e.callf(x.Func, k, x.Args...)
}

// callf calls libm's name. A float kind calls the double function, as
// exec computes, and rounds the result to float (and then to a narrow
// kind): libm's float functions (expf) are not correctly rounded and
// differ between C libraries, while the double result rounded to float
// is exec's value but where exec's and libm's double results straddle a
// float rounding boundary (about once in 2^29 calls).
func (e *cEmitter) callf(name string, k dtype.Kind, args ...loop.Expr) cVal {
	if k.Class() == dtype.ClassFloat {
		v := e.helperCall(name, dtype.F64, args...)
		return e.rounded(cVal{"(float)" + v.s, cPrecUnary, dtype.F32}, k)
	}
	return e.helperCall(name, k, args...)
}

// rounded is v, the result of an operation on kind k, rounded to k when k
// is a narrow float or wrapped to its width when k is a sub-byte integer.
func (e *cEmitter) rounded(v cVal, k dtype.Kind) cVal {
	var name string
	switch {
	case isNarrow(k):
		name = cRoundName(k)
	case isSubByte(k):
		name = cWrapName(k)
	default:
		return v
	}
	code, _ := cHelperCode(name)
	e.helpers[name] = code
	if v.prec < cPrecCond { // never: arguments bind tighter than a comma
		v.s = "(" + v.s + ")"
	}
	return cVal{name + "(" + v.s + ")", cPrecPrimary, k}
}

// helperCall prints name(args…), a value of kind k.
func (e *cEmitter) helperCall(name string, k dtype.Kind, args ...loop.Expr) cVal {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = e.expr(a, cPrecCond).s
	}
	if code, ok := cHelperCode(name); ok {
		e.helpers[name] = code
	}
	return cVal{name + "(" + strings.Join(s, ", ") + ")", cPrecPrimary, k}
}

// kindOf is the kind of x's value.
func (e *cEmitter) kindOf(x loop.Expr) dtype.Kind {
	switch x := x.(type) {
	case *loop.Load:
		return e.k.Buffers[x.Buf].Kind
	case *loop.Const:
		return x.Kind
	case *loop.VarRef:
		return dtype.I64
	case *loop.Bin:
		if x.Op.IsCompare() {
			return dtype.Bool
		}
		if k := e.kindOf(x.X); k.IsFixed() {
			return cFixedBinKind(x.Op, k, e.kindOf(x.Y))
		}
		return e.kindOf(x.X)
	case *loop.Un:
		if f, ok := e.kindOf(x.X).Fixed(); ok { // Neg, Abs: one bit wider
			return cFixedKind(dtype.SubType(f, f))
		}
		return e.kindOf(x.X)
	case *loop.Cast:
		return x.To
	case *loop.Select:
		return e.kindOf(x.X)
	case *loop.Call:
		if len(x.Args) > 0 {
			return e.kindOf(x.Args[0])
		}
	}
	return dtype.Invalid
}

// indexArith prints i64 arithmetic on loop variables (t + k - 1) as plain
// int arithmetic when the loops' ranges prove it cannot overflow.
func (e *cEmitter) indexArith(x loop.Expr) (cVal, bool) {
	a, ok := cAffineOf(x)
	if !ok || a.IsConst() || !e.smallAffine(a) {
		return cVal{}, false
	}
	terms := e.affineTerms(loop.Affine{Terms: a.Terms})
	return cVal{cJoin(terms, a.Const), cPrecAdd, dtype.I64}, true
}

// cAffineOf converts i64 arithmetic on loop variables and literals to an
// affine form.
func cAffineOf(x loop.Expr) (loop.Affine, bool) {
	switch x := x.(type) {
	case *loop.VarRef:
		return loop.V(x.Var), true
	case *loop.Const:
		if x.Kind == dtype.I64 && x.Int >= math.MinInt32 && x.Int <= math.MaxInt32 {
			return loop.Lit(int(x.Int)), true
		}
	case *loop.Un:
		if a, ok := cAffineOf(x.X); ok && x.Op == loop.Neg {
			return a.Scale(-1), true
		}
	case *loop.Bin:
		a, oka := cAffineOf(x.X)
		b, okb := cAffineOf(x.Y)
		switch {
		case !oka || !okb:
		case x.Op == loop.Add:
			return a.Add(b), true
		case x.Op == loop.Sub:
			return a.Sub(b), true
		case x.Op == loop.Mul && a.IsConst():
			return b.Scale(a.Const), true
		case x.Op == loop.Mul && b.IsConst():
			return a.Scale(b.Const), true
		}
	}
	return loop.Affine{}, false
}
