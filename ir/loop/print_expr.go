package loop

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// indexKind is the kind of loop variables and of untyped integer literals.
const indexKind = dtype.I64

// Precedences: || 1, && 2, comparisons 3, + - 4, * / % 5, unary 6, primary 7.
const (
	precUnary   = 6
	precPrimary = 7
)

// expr prints e, in parentheses if it binds less tightly than min.
func (p *printer) expr(e Expr, min int) string {
	s, prec := p.exprPrec(e)
	if prec < min {
		return "(" + s + ")"
	}
	return s
}

func (p *printer) exprPrec(e Expr) (string, int) {
	switch e := e.(type) {
	case *Load:
		return p.access(e.Buf, e.Index), precPrimary
	case *Const:
		s := constString(e)
		if strings.HasPrefix(s, "-") {
			return s, precUnary
		}
		return s, precPrimary
	case *VarRef:
		return p.varName(e.Var), precPrimary
	case *Bin:
		return p.bin(e)
	case *Un:
		if e.Op == Neg || e.Op == Not {
			return e.Op.String() + p.expr(e.X, precUnary), precUnary
		}
		return e.Op.String() + "(" + p.expr(e.X, 0) + ")", precPrimary
	case *Cast:
		return fmt.Sprintf("cast<%v>(%s)", e.To, p.expr(e.X, 0)), precPrimary
	case *Select:
		return fmt.Sprintf("select(%s, %s, %s)", p.expr(e.Cond, 0), p.expr(e.X, 0), p.expr(e.Y, 0)), precPrimary
	case *Call:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i] = p.expr(a, 0)
		}
		return e.Func + "(" + strings.Join(args, ", ") + ")", precPrimary
	case nil:
		return "?nil", precPrimary
	}
	return fmt.Sprintf("?expr(%T)", e), precPrimary
}

func (p *printer) bin(e *Bin) (string, int) {
	if e.Op >= numBinOps {
		return fmt.Sprintf("?binop%d(%s, %s)", e.Op, p.expr(e.X, 0), p.expr(e.Y, 0)), precPrimary
	}
	info := binOps[e.Op]
	if info.prec == 0 {
		return fmt.Sprintf("%s(%s, %s)", info.sym, p.expr(e.X, 0), p.expr(e.Y, 0)), precPrimary
	}
	return p.expr(e.X, info.prec) + " " + info.sym + " " + p.expr(e.Y, info.prec+1), info.prec
}

// constString prints a literal: bare for f32 (with a point or exponent) and
// for i64 and bool; any other kind gets a suffix, as in 0.5:f16 or 3:i8.
func constString(c *Const) string {
	var s string
	def := dtype.Invalid
	switch c.Kind.Class() {
	case dtype.ClassFloat:
		s, def = floatString(c.Float, 32), dtype.F32
	case dtype.ClassDouble:
		s = floatString(c.Float, 64)
	case dtype.ClassInt:
		s, def = strconv.FormatInt(c.Int, 10), indexKind
	case dtype.ClassUint:
		s = strconv.FormatUint(uint64(c.Int), 10)
	case dtype.ClassBool:
		s, def = strconv.FormatBool(c.Int != 0), dtype.Bool
	case dtype.ClassFixed:
		f, _ := c.Kind.Fixed()
		s = fixedString(f, c.Int)
	default:
		s = strconv.FormatInt(c.Int, 10)
	}
	if c.Kind != def {
		s += ":" + c.Kind.String()
	}
	return s
}

// floatString prints the shortest decimal that reads back as v at the given
// precision, always with a point, an exponent, or as inf/nan.
func floatString(v float64, bits int) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(v, 'g', -1, bits)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}
