package loop

import (
	"math"
	"strconv"

	"github.com/kiln-hls/kiln/ir/dtype"
)

var infixOps = map[string]BinOp{
	"+": Add, "-": Sub, "*": Mul, "/": Div, "%": Rem,
	"==": Eq, "!=": Ne, "<": Lt, "<=": Le, ">": Gt, ">=": Ge, "&&": And, "||": Or,
}

// expr reads an expression whose operators bind at least as tightly as min
// (precedence climbing; all binary operators are left-associative).
func (p *parser) expr(min int) Expr {
	x := p.unary()
	for {
		t := p.peek()
		op, ok := infixOps[t.text]
		if !ok || t.kind != tPunct || binOps[op].prec < min {
			return x
		}
		p.next()
		x = &Bin{Op: op, X: x, Y: p.expr(binOps[op].prec + 1)}
	}
}

func (p *parser) unary() Expr {
	switch {
	case p.is("-"):
		p.next()
		if t := p.peek(); t.kind == tInt || t.kind == tFloat {
			return p.literal(true)
		}
		return &Un{Op: Neg, X: p.unary()}
	case p.is("!"):
		p.next()
		return &Un{Op: Not, X: p.unary()}
	}
	return p.primary()
}

func (p *parser) primary() Expr {
	t := p.peek()
	switch {
	case t.kind == tInt || t.kind == tFloat:
		return p.literal(false)
	case p.accept("("):
		e := p.expr(0)
		p.expect(")")
		return e
	case t.kind == tIdent && (t.text == "true" || t.text == "false"):
		p.next()
		return Int(dtype.Bool, map[bool]int64{false: 0, true: 1}[t.text == "true"])
	case t.kind == tIdent && t.text == "cast" && p.ahead(1).text == "<":
		p.next()
		p.expect("<")
		c := &Cast{To: p.kind()}
		p.expect(">")
		c.X = p.parenArgs(1)[0]
		return c
	case t.kind == tIdent && p.ahead(1).text == "(":
		return p.call()
	case t.kind == tIdent:
		return p.nameRef()
	}
	p.failAt(t, "expected an expression, found %s", describe(t))
	return nil
}

// call reads min, max, select, a unary operator or a libm call.
func (p *parser) call() Expr {
	t := p.next()
	switch t.text {
	case "min", "max":
		a := p.parenArgs(2)
		return &Bin{Op: map[bool]BinOp{true: Min, false: Max}[t.text == "min"], X: a[0], Y: a[1]}
	case "select":
		a := p.parenArgs(3)
		return &Select{Cond: a[0], X: a[1], Y: a[2]}
	}
	if op, ok := unOpByName(t.text); ok {
		return &Un{Op: op, X: p.parenArgs(1)[0]}
	}
	return &Call{Func: t.text, Args: p.parenArgs(-1)}
}

// parenArgs reads "(e, …)" with n expressions (any number if n < 0).
func (p *parser) parenArgs(n int) []Expr {
	open := p.expect("(")
	var args []Expr
	for !p.accept(")") {
		if len(args) > 0 {
			p.expect(",")
		}
		args = append(args, p.expr(0))
	}
	if n >= 0 && len(args) != n {
		p.failAt(open, "expected %d arguments, found %d", n, len(args))
	}
	return args
}

// nameRef reads a loop variable or a load.
func (p *parser) nameRef() Expr {
	t := p.next()
	if reserved[t.text] {
		p.failAt(t, "unexpected %q", t.text)
	}
	if v := p.lookupVar(t.text); v >= 0 {
		return &VarRef{Var: v}
	}
	id, ok := p.k.Buffer(t.text)
	if !ok {
		p.failAt(t, "unknown name %s", t.text)
	}
	return &Load{Buf: id, Index: p.indices()}
}

// literal reads a number with an optional ":kind" suffix; unsuffixed, a
// float is f32 and an integer i64.
func (p *parser) literal(neg bool) Expr {
	t := p.next()
	k := indexKind
	if t.kind == tFloat {
		k = dtype.F32
	}
	if p.accept(":") {
		k = p.kind()
	}
	return p.number(t, neg, k)
}

// literalOf reads an element of inline data of kind k.
func (p *parser) literalOf(k dtype.Kind) *Const {
	neg := p.accept("-")
	t := p.next()
	if t.kind == tIdent && (t.text == "true" || t.text == "false") && !neg && k == dtype.Bool {
		return Int(k, map[bool]int64{false: 0, true: 1}[t.text == "true"])
	}
	if t.kind != tInt && t.kind != tFloat {
		p.failAt(t, "expected a %v value, found %s", k, describe(t))
	}
	return p.number(t, neg, k)
}

// number converts the text of t (negated if neg) to a constant of kind k.
func (p *parser) number(t token, neg bool, k dtype.Kind) *Const {
	switch k.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		return Float(k, p.floatValue(t, neg, k))
	case dtype.ClassInt, dtype.ClassUint:
		return Int(k, p.intValue(t, neg, k))
	case dtype.ClassFixed:
		return Int(k, p.fixedValue(t, neg, k))
	}
	p.failAt(t, "a number cannot have kind %v", k)
	return nil
}

func (p *parser) floatValue(t token, neg bool, k dtype.Kind) float64 {
	var v float64
	switch {
	case t.text == "inf":
		v = math.Inf(1)
	case t.text == "nan":
		v = math.NaN()
	case t.kind == tInt:
		u, err := strconv.ParseUint(t.text, 0, 64)
		if err != nil {
			p.failAt(t, "bad number %s", t.text)
		}
		v = float64(u)
	default:
		bits := 64
		if k.Class() == dtype.ClassFloat {
			bits = 32
		}
		f, err := strconv.ParseFloat(t.text, bits)
		if err != nil {
			p.failAt(t, "%s is not a %v value", t.text, k)
		}
		v = f
	}
	if neg {
		v = -v
	}
	if k.Class() == dtype.ClassFloat {
		v = dtype.RoundFloat(k, v, false)
	}
	return v
}

func (p *parser) intValue(t token, neg bool, k dtype.Kind) int64 {
	if t.kind != tInt {
		p.failAt(t, "%s is not a %v value", t.text, k)
	}
	u, err := strconv.ParseUint(t.text, 0, 64)
	lo, hi := k.IntRange()
	switch {
	case err != nil:
		p.failAt(t, "%s is out of range", t.text)
	case neg && u > uint64(-(lo+1))+1:
		p.failAt(t, "-%s is out of range for %v", t.text, k)
	case !neg && u > hi:
		p.failAt(t, "%s is out of range for %v", t.text, k)
	}
	if neg {
		return -int64(u)
	}
	return int64(u)
}
