package hls

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// cBody collects the lines of a function body.
type cBody struct {
	sb    strings.Builder
	level int
}

func (w *cBody) line(s string) {
	w.sb.WriteString(strings.Repeat("\t", w.level))
	w.sb.WriteString(s)
	w.sb.WriteByte('\n')
}

// function is the body of the kernel's function: constants, temporaries,
// then the statements.
func (e *cEmitter) function() string {
	w := &cBody{level: 1}
	for id, b := range e.k.Buffers {
		switch {
		case e.isParam[id]:
		case b.Role == loop.Constant:
			e.constant(w, loop.BufID(id))
		case b.Role == loop.Temp:
			e.temp(w, loop.BufID(id))
		}
	}
	for i := range e.depth {
		e.depth[i] = -1
	}
	e.stmts(w, e.k.Body)
	return w.sb.String()
}

// cComment is the declaration of a buffer with a directive or a fixed
// kind (whose C type does not say it) as a comment, or "".
func cComment(b *loop.Buffer) string {
	if b.Space == loop.SpaceAuto && len(b.Partition) == 0 && !b.Kind.IsFixed() {
		return ""
	}
	return " /* " + strings.TrimPrefix(cDescribe(b), b.Role.String()+" ") + " */"
}

func (e *cEmitter) temp(w *cBody, id loop.BufID) {
	b := e.k.Buffers[id]
	if b.Rank() == 0 {
		w.line(fmt.Sprintf("%s %s = %s;%s", cType(b.Kind), e.bufName[id], cZero(b.Kind), cComment(b)))
		return
	}
	w.line(fmt.Sprintf("%s %s[%d] = {0};%s", cType(b.Kind), e.bufName[id], dtype.Size(b.Shape), cComment(b)))
}

func cZero(k dtype.Kind) string {
	switch cStorage(k) {
	case dtype.F32:
		return "0.0f"
	case dtype.F64:
		return "0.0"
	case dtype.Bool:
		return "false"
	}
	return "0"
}

// constant declares a constant that is not a parameter, values in full.
func (e *cEmitter) constant(w *cBody, id loop.BufID) {
	b := e.k.Buffers[id]
	a := b.Init
	if b.Rank() == 0 {
		w.line(fmt.Sprintf("static const %s %s = %s;%s", cType(b.Kind), e.bufName[id], cElem(a, 0), cComment(b)))
		return
	}
	w.line(fmt.Sprintf("static const %s %s[%d] = {%s", cType(b.Kind), e.bufName[id], a.Len(), cComment(b)))
	const perLine = 8
	for i := 0; i < a.Len(); i += perLine {
		vals := make([]string, 0, perLine)
		for j := i; j < i+perLine && j < a.Len(); j++ {
			vals = append(vals, cElem(a, j)+",")
		}
		w.line("\t" + strings.Join(vals, " "))
	}
	w.line("};")
}

// cElem is element i of a as a C literal.
func cElem(a *dtype.Array, i int) string {
	c := &loop.Const{Kind: a.Kind}
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		c.Float = float64(a.F32[i])
	case dtype.ClassDouble:
		c.Float = a.F64[i]
	case dtype.ClassInt, dtype.ClassFixed:
		c.Int = a.I64[i]
	case dtype.ClassUint:
		c.Int = int64(a.U64[i])
	case dtype.ClassBool:
		if a.Bool[i] {
			c.Int = 1
		}
	}
	s, _ := cConst(c)
	return s
}

func (e *cEmitter) stmts(w *cBody, body []loop.Stmt) {
	for _, s := range body {
		switch s := s.(type) {
		case *loop.For:
			e.forStmt(w, s)
		case *loop.If:
			cond := e.expr(s.Cond, 0)
			w.line("if (" + cond.s + ") {")
			e.block(w, s.Then)
			if len(s.Else) > 0 {
				w.line("} else {")
				e.block(w, s.Else)
			}
			w.line("}")
		case *loop.Store:
			v := e.expr(s.Value, 0)
			w.line(e.access(s.Buf, s.Index) + " = " + v.s + ";")
		default:
			e.errorf("unknown statement %T", s)
		}
	}
}

func (e *cEmitter) block(w *cBody, body []loop.Stmt) {
	w.level++
	e.stmts(w, body)
	w.level--
}

func (e *cEmitter) forStmt(w *cBody, f *loop.For) {
	switch f.Dir.Unroll {
	case 0:
	case loop.UnrollFull:
		w.line("#pragma HLS unroll")
	default:
		w.line("#pragma HLS unroll factor=" + strconv.Itoa(f.Dir.Unroll))
	}
	v := e.varName[f.Var]
	lo, hi := e.index(f.Lo, 1), e.index(f.Hi, 1)
	typ := "int32_t"
	if r := e.varRange(f); f.Lo.Dyn == nil && f.Hi.Dyn == nil && r.hi+int64(f.Step) > math.MaxInt32 {
		typ = "int64_t" // the last v += step would overflow an int32_t
	}
	init := fmt.Sprintf("%s %s = %s", typ, v, lo)
	if f.Hi.Dyn != nil { // read the data-dependent bound once, as exec does
		end := e.unique(v + "_end")
		init += fmt.Sprintf(", %s = %s", end, hi)
		hi = end
	}
	inc := v + "++"
	if f.Step != 1 {
		inc = fmt.Sprintf("%s += %d", v, f.Step)
	}
	comment := ""
	if f.Kind == loop.Parallel {
		comment = " /* parallel */"
	}
	w.line(fmt.Sprintf("for (%s; %s < %s; %s) {%s", init, v, hi, inc, comment))
	e.depth[f.Var] = w.level
	e.rng[f.Var] = e.varRange(f)
	e.block(w, f.Body)
	e.depth[f.Var] = -1
	w.line("}")
}

// access is buf[flat index], or the scalar's name.
func (e *cEmitter) access(id loop.BufID, index []loop.Index) string {
	b := e.k.Buffers[id]
	name := e.bufName[id]
	if b.Rank() == 0 {
		if e.isParam[id] {
			return name + "[0]"
		}
		return name
	}
	strides := dtype.Strides(b.Shape)
	var terms []string
	konst := 0
	for d, x := range index {
		aff := x.Aff.Scale(strides[d])
		konst += aff.Const
		aff.Const = 0
		if x.Dyn != nil {
			// stride * (p / 12), never stride * p / 12: C's * and / are
			// left-associative.
			prec := cPrecAdd + 1
			if strides[d] != 1 {
				prec = cPrecMul + 1
			}
			terms = append(terms, cScaled(e.expr(x.Dyn, prec), strides[d]))
		}
		terms = append(terms, e.affineTerms(aff)...)
	}
	return name + "[" + cJoin(terms, konst) + "]"
}

// index is a loop bound: affine terms, data-dependent part, constant.
func (e *cEmitter) index(x loop.Index, _ int) string {
	terms := e.affineTerms(loop.Affine{Terms: x.Aff.Terms})
	if x.Dyn != nil {
		terms = append(terms, e.expr(x.Dyn, cPrecAdd+1).s)
	}
	return cJoin(terms, x.Aff.Const)
}

// affineTerms prints coeff * var terms, outermost loop first.
func (e *cEmitter) affineTerms(a loop.Affine) []string {
	ts := append([]loop.Term(nil), a.Terms...)
	sort.SliceStable(ts, func(i, j int) bool { return e.depth[ts[i].Var] < e.depth[ts[j].Var] })
	out := make([]string, len(ts))
	for i, t := range ts {
		v := e.varName[t.Var]
		switch t.Coeff {
		case 1:
			out[i] = v
		case -1:
			out[i] = "-" + v
		default:
			out[i] = strconv.Itoa(t.Coeff) + " * " + v
		}
	}
	return out
}

func cScaled(x cVal, stride int) string {
	if stride == 1 {
		return x.s
	}
	return strconv.Itoa(stride) + " * " + x.s
}

// cJoin sums terms (each may start with "-") and a constant.
func cJoin(terms []string, konst int) string {
	if konst != 0 || len(terms) == 0 {
		terms = append(terms, strconv.Itoa(konst))
	}
	if konst > 0 && strings.HasPrefix(terms[0], "-") { // 7 - i, not -i + 7
		terms = append([]string{strconv.Itoa(konst)}, terms[:len(terms)-1]...)
	}
	var sb strings.Builder
	for i, t := range terms {
		neg := strings.HasPrefix(t, "-")
		switch {
		case i == 0:
			sb.WriteString(t)
		case neg:
			sb.WriteString(" - " + t[1:])
		default:
			sb.WriteString(" + " + t)
		}
	}
	return sb.String()
}

// cRange is the closed interval a loop variable ranges over.
type cRange struct{ lo, hi int64 }

// varRange bounds loop f's variable from its bounds over the enclosing
// loops' ranges; a data-dependent bound gives int32's whole range.
func (e *cEmitter) varRange(f *loop.For) cRange {
	whole := cRange{math.MinInt32, math.MaxInt32}
	if f.Lo.Dyn != nil || f.Hi.Dyn != nil {
		return whole
	}
	lo, hi := e.affineRange(f.Lo.Aff), e.affineRange(f.Hi.Aff)
	r := cRange{lo.lo, hi.hi - 1}
	if r.lo < whole.lo || r.hi > whole.hi {
		return whole
	}
	return r
}

// affineRange bounds a over the ranges of the variables in scope.
func (e *cEmitter) affineRange(a loop.Affine) cRange {
	r := cRange{int64(a.Const), int64(a.Const)}
	for _, t := range a.Terms {
		v := e.rng[t.Var]
		x, y := int64(t.Coeff)*v.lo, int64(t.Coeff)*v.hi
		r.lo += min(x, y)
		r.hi += max(x, y)
	}
	return r
}

// smallAffine reports whether every partial sum of a, printed in order,
// and every product in it fits in a C int (32 bits).
func (e *cEmitter) smallAffine(a loop.Affine) bool {
	sum := abs64(int64(a.Const))
	for _, t := range a.Terms {
		v := e.rng[t.Var]
		sum += max(abs64(int64(t.Coeff)*v.lo), abs64(int64(t.Coeff)*v.hi))
		if sum > math.MaxInt32 || abs64(int64(t.Coeff)) > math.MaxInt32 {
			return false
		}
	}
	return sum <= math.MaxInt32
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
