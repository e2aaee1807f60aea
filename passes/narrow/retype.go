package narrow

import (
	"math"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// rewriter rebuilds one kernel's body in its new kinds, bottom-up: each
// expression returns its new form and kind.
type rewriter struct {
	orig, k  *loop.Kernel
	opt      *Options
	step     float64
	act, acc dtype.Kind
	quant    int          // 8 or 16 for int8/int16 activations (tables get their own scale)
	weights  []dtype.Kind // the constants' kinds
	lit      func(float64) dtype.Fixed
	// loadCast[b] (storeCast[b]) is the kind a load from (a store to) the
	// model's f32 input (output) b converts through; Invalid elsewhere.
	loadCast, storeCast []dtype.Kind
	// asym[b] is the asymmetric quantisation buffer b holds (nil: none);
	// loadAsym[b] (storeAsym[b]) the one a load from (a store to) the
	// model's f32 input (output) b rounds through.
	asym, loadAsym, storeAsym []*asym
	// chans[b] is constant b's per-channel quantisation (nil: none);
	// chanNote[b] why a :channel constant is quantised per tensor.
	chans    []*chanQuant
	chanNote []string
	// weightsLo[i] is the fewest fraction bits of weights[i]'s scales (its
	// own fraction bits when it has one scale).
	weightsLo []int

	tables    []*table
	lutUses   int
	fallbacks []string
	refused   []string // why tables were refused
	refusing  bool     // rewriting the parts of a refused subtree
	// floatTemps are temporaries that store f32 fallback results (the
	// kernel is rewritten again with them f32).
	floatTemps []loop.BufID
	err        error
}

// fixedAct reports whether the kernel computes its activations in fixed
// point (so non-linear operations become tables or float fallbacks).
func (r *rewriter) fixedAct() bool { return r.act.IsFixed() }

func (r *rewriter) stmts(body []loop.Stmt) []loop.Stmt {
	out := make([]loop.Stmt, 0, len(body))
	for _, s := range body {
		out = append(out, r.stmt(s))
	}
	return out
}

func (r *rewriter) stmt(s loop.Stmt) loop.Stmt {
	switch s := s.(type) {
	case *loop.For:
		return &loop.For{Var: s.Var, Lo: r.index(s.Lo), Hi: r.index(s.Hi), Step: s.Step, Kind: s.Kind, Dir: s.Dir, Body: r.stmts(s.Body)}
	case *loop.If:
		c, _ := r.expr(s.Cond)
		return &loop.If{Cond: c, Then: r.stmts(s.Then), Else: r.stmts(s.Else)}
	case *loop.Store:
		return r.store(s)
	}
	return s
}

func (r *rewriter) store(s *loop.Store) *loop.Store {
	bk := r.k.Buffers[s.Buf].Kind
	var v loop.Expr
	var k dtype.Kind
	a := r.asymOf(s.Buf)
	if c, ok := s.Value.(*loop.Const); ok && c.Kind == dtype.F32 && a != nil {
		v, k = r.constAs(c, r.act)
	} else if ok && c.Kind == dtype.F32 {
		v, k = r.constAs(c, bk)
		if x, ok := exactIn(c.Float, bk); ok {
			v, k = x, bk
		}
	} else {
		v, k = r.expr(s.Value)
	}
	if k.IsFloat() && r.fixedAct() && r.k.Buffers[s.Buf].Role == loop.Temp && bk.IsFixed() && r.fallbackValue(v) {
		r.floatTemps = append(r.floatTemps, s.Buf) // an f32 fallback's result: keep it in f32
	}
	if sa := boundaryAsym(r.storeAsym, s.Buf); sa != nil {
		v, k = sa.roundTrip(v, k)
	} else if via := r.storeCast[s.Buf]; via != dtype.Invalid {
		v, k = castTo(v, k, via), via
	}
	if a != nil {
		v, k = a.quantise(v, k), a.kind()
	}
	return &loop.Store{Buf: s.Buf, Index: r.indices(s.Index), Value: castTo(v, k, bk)}
}

func (r *rewriter) indices(ix []loop.Index) []loop.Index {
	if ix == nil {
		return nil
	}
	out := make([]loop.Index, len(ix))
	for i, x := range ix {
		out[i] = r.index(x)
	}
	return out
}

func (r *rewriter) index(x loop.Index) loop.Index {
	out := loop.Index{Aff: loop.Affine{Const: x.Aff.Const, Terms: append([]loop.Term(nil), x.Aff.Terms...)}}
	if x.Dyn != nil {
		out.Dyn, _ = r.expr(x.Dyn)
	}
	return out
}

// castTo converts x of kind from to kind to (nothing when they agree; a
// fixed literal that to holds exactly becomes a literal of to).
func castTo(x loop.Expr, from, to dtype.Kind) loop.Expr {
	if from == to {
		return x
	}
	if c, ok := x.(*loop.Const); ok && from.IsFixed() && to.IsFixed() {
		ff, tf := fixedOf(from), fixedOf(to)
		if raw, o := dtype.Convert(ff, tf, c.Int); !o && dtype.ToFloat(tf, raw) == dtype.ToFloat(ff, c.Int) {
			return loop.Int(to, raw)
		}
	}
	return &loop.Cast{To: to, X: x}
}

// expr retypes e. A float subtree of a fixed-point kernel that holds
// non-linear operations becomes a table lookup when it is a function of
// one input (lut.go).
func (r *rewriter) expr(e loop.Expr) (loop.Expr, dtype.Kind) {
	if r.fixedAct() && nonlinear(r.orig, e) && origKind(r.orig, e) == dtype.F32 {
		n := len(r.refused)
		if x, k, ok := r.lookup(e); ok {
			return x, k
		}
		if len(r.refused) > n { // its parts' refusals are not counted again
			r.refusing = true
			defer func() { r.refusing = false }()
		}
	}
	switch e := e.(type) {
	case *loop.Load:
		k := r.k.Buffers[e.Buf].Kind
		x := &loop.Load{Buf: e.Buf, Index: r.indices(e.Index)}
		if c := r.chanOf(e.Buf); c != nil {
			return c.dequantise(x)
		}
		if a := r.asymOf(e.Buf); a != nil {
			return a.dequantise(x)
		}
		if a := boundaryAsym(r.loadAsym, e.Buf); a != nil {
			return a.roundTrip(x, k)
		}
		if via := r.loadCast[e.Buf]; via != dtype.Invalid {
			return castTo(x, k, via), via
		}
		return x, k
	case *loop.Const:
		if e.Kind == dtype.F32 {
			return r.constAs(e, r.act)
		}
		c := *e
		return &c, e.Kind
	case *loop.VarRef:
		return &loop.VarRef{Var: e.Var}, dtype.I64
	case *loop.Bin:
		return r.bin(e)
	case *loop.Un:
		return r.un(e)
	case *loop.Cast:
		return r.cast(e)
	case *loop.Select:
		return r.sel(e)
	case *loop.Call:
		return r.call(e)
	}
	return e, dtype.Invalid
}

// constAs is the f32 literal c next to a value of kind k: a float literal
// takes k; in fixed point the smallest exact type (else the literal type,
// rounded), infinities the extremes of k.
func (r *rewriter) constAs(c *loop.Const, k dtype.Kind) (loop.Expr, dtype.Kind) {
	v := c.Float
	switch {
	case k.IsFloat():
		return loop.Float(k, dtype.RoundFloat(k, v, false)), k
	case !k.IsFixed():
		k = r.act
		if !k.IsFixed() {
			return loop.Float(k, dtype.RoundFloat(k, v, false)), k
		}
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		f := fixedOf(k)
		raw := int64(0)
		if math.IsInf(v, 1) {
			raw = f.MaxRaw()
		} else if math.IsInf(v, -1) {
			raw = f.MinRaw()
		}
		return loop.Int(k, raw), k
	}
	t, ok := exactConst(v)
	if !ok {
		t = r.lit(v)
	}
	raw, _ := dtype.FromFloat(t, v)
	return loop.Int(dtype.FixedKind(t), raw), dtype.FixedKind(t)
}

// exactIn is v as a literal of the fixed kind k, when k holds it exactly.
func exactIn(v float64, k dtype.Kind) (loop.Expr, bool) {
	f, ok := k.Fixed()
	if !ok || math.IsInf(v, 0) || math.IsNaN(v) {
		return nil, false
	}
	raw, o := dtype.FromFloat(f, v)
	if o || dtype.ToFloat(f, raw) != v {
		return nil, false
	}
	return loop.Int(k, raw), true
}

// isF32Const reports whether e is an f32 literal (which takes its kind
// from the other operand).
func isF32Const(e loop.Expr) bool {
	c, ok := e.(*loop.Const)
	return ok && c.Kind == dtype.F32
}

// pair retypes two operands, a literal after its partner.
func (r *rewriter) pair(x, y loop.Expr) (loop.Expr, dtype.Kind, loop.Expr, dtype.Kind) {
	switch cx, cy := isF32Const(x), isF32Const(y); {
	case cx && !cy:
		ey, ky := r.expr(y)
		ex, kx := r.constAs(x.(*loop.Const), ky)
		return ex, kx, ey, ky
	case cy && !cx:
		ex, kx := r.expr(x)
		ey, ky := r.constAs(y.(*loop.Const), kx)
		return ex, kx, ey, ky
	}
	ex, kx := r.expr(x)
	ey, ky := r.expr(y)
	return ex, kx, ey, ky
}

// unify makes a float and a fixed operand alike. In a fixed-point kernel
// both take the activation kind, except when the float operand is the
// result of a float fallback (a value of no known range, such as
// LayerNorm's 1/sqrt(var + ε), see fallbackValue): then the operation
// joins the fallback in f32 and is counted. Elsewhere both take the float
// operand's kind.
func (r *rewriter) unify(op string, x loop.Expr, kx dtype.Kind, y loop.Expr, ky dtype.Kind) (loop.Expr, dtype.Kind, loop.Expr, dtype.Kind) {
	switch {
	case kx.IsFixed() == ky.IsFixed() || !(kx.IsFloat() || kx.IsFixed()) || !(ky.IsFloat() || ky.IsFixed()):
		return x, kx, y, ky
	case r.fixedAct() && kx.IsFloat() && !r.fallbackValue(x):
		x, kx = castTo(x, kx, r.act), r.act
	case r.fixedAct() && ky.IsFloat() && !r.fallbackValue(y):
		y, ky = castTo(y, ky, r.act), r.act
	case kx.IsFixed():
		x, kx = castTo(x, kx, ky), ky
		r.joinFallback(op)
	default:
		y, ky = castTo(y, ky, kx), kx
		r.joinFallback(op)
	}
	return x, kx, y, ky
}

func (r *rewriter) joinFallback(op string) {
	if r.fixedAct() {
		r.fallbacks = append(r.fallbacks, op)
	}
}

// fallbackValue reports whether x, a rewritten float expression, is (or
// reads) the result of a float fallback: it holds a non-linear operation
// or loads a temporary kept in f32 for one.
func (r *rewriter) fallbackValue(x loop.Expr) bool {
	if l, ok := x.(*loop.Load); ok {
		b := r.k.Buffers[l.Buf]
		return b.Role == loop.Temp && b.Kind.IsFloat() && r.orig.Buffers[l.Buf].Kind == dtype.F32
	}
	return nonlinear(r.k, x) || slices.ContainsFunc(children(x), r.fallbackValue)
}

// same converts two operands to one kind: the float join, or a fixed type
// holding both.
func (r *rewriter) same(op string, x loop.Expr, kx dtype.Kind, y loop.Expr, ky dtype.Kind) (loop.Expr, loop.Expr, dtype.Kind) {
	x, kx, y, ky = r.unify(op, x, kx, y, ky)
	k := kx
	switch {
	case kx == ky:
	case kx.IsFloat() && ky.IsFloat():
		k = floatJoin(kx, ky)
	case kx.IsFixed() && ky.IsFixed():
		k = dtype.FixedKind(common(fixedOf(kx), fixedOf(ky)))
	}
	return castTo(x, kx, k), castTo(y, ky, k), k
}

func (r *rewriter) bin(e *loop.Bin) (loop.Expr, dtype.Kind) {
	if c, ok := e.Y.(*loop.Const); ok && e.Op == loop.Div && r.fixedAct() && c.Kind == dtype.F32 &&
		c.Float != 0 && !math.IsInf(c.Float, 0) && !math.IsNaN(c.Float) {
		// x / c is x · (1/c): linear, no table or fallback.
		return r.bin(&loop.Bin{Op: loop.Mul, X: e.X, Y: loop.Float(dtype.F32, 1/c.Float)})
	}
	if (e.Op == loop.Div || e.Op == loop.Rem) && origKind(r.orig, e.X).IsFloat() {
		return r.nonlinearOp(e.Op.String(), []loop.Expr{e.X, e.Y}, func(a []loop.Expr) loop.Expr {
			return &loop.Bin{Op: e.Op, X: a[0], Y: a[1]}
		})
	}
	x, kx, y, ky := r.pair(e.X, e.Y)
	if e.Op.IsLogic() || !(kx.IsFloat() || kx.IsFixed()) || !(ky.IsFloat() || ky.IsFixed()) {
		return &loop.Bin{Op: e.Op, X: x, Y: y}, resultKind(e.Op, kx)
	}
	x, kx, y, ky = r.unify(e.Op.String(), x, kx, y, ky)
	if kx.IsFixed() && (e.Op == loop.Add || e.Op == loop.Sub || e.Op == loop.Mul) {
		return r.exact(e.Op, x, kx, y, ky)
	}
	x, y, k := r.same(e.Op.String(), x, kx, y, ky)
	return &loop.Bin{Op: e.Op, X: x, Y: y}, resultKind(e.Op, k)
}

func resultKind(op loop.BinOp, k dtype.Kind) dtype.Kind {
	if op.IsCompare() {
		return dtype.Bool
	}
	return k
}

// exact is a fixed-point Add, Sub or Mul in its exact result type. When
// that type is wider than the loop IR holds, the wider operand is cast to
// the accumulator type first, then both; then a product's operands are
// cut to 31 bits each (or the wider to 64 bits less the narrower, when
// that is under 31 bits: a literal factor) and a sum's to one 63-bit type (keeping integer
// bits, dropping fraction bits).
func (r *rewriter) exact(op loop.BinOp, x loop.Expr, kx dtype.Kind, y loop.Expr, ky dtype.Kind) (loop.Expr, dtype.Kind) {
	for step := 0; ; step++ {
		t := exactType(op, fixedOf(kx), fixedOf(ky))
		if fits(t) {
			return &loop.Bin{Op: op, X: x, Y: y}, dtype.FixedKind(t)
		}
		fx, fy := fixedOf(kx), fixedOf(ky)
		acc, accOK := r.acc.Fixed()
		switch {
		case step == 0 && accOK && max(fx.W, fy.W) > acc.W:
			if fx.W >= fy.W {
				x, kx = castTo(x, kx, r.acc), r.acc
			} else {
				y, ky = castTo(y, ky, r.acc), r.acc
			}
		case step <= 1 && accOK && (fx.W > acc.W || fy.W > acc.W):
			x, kx = castTo(x, kx, r.acc), r.acc
			y, ky = castTo(y, ky, r.acc), r.acc
		default:
			nx, ny := cut(fx, maxFixedW/2-1), cut(fy, maxFixedW/2-1)
			if op == loop.Mul && min(fx.W, fy.W) < maxFixedW/2-1 { // keep the narrow factor, cut the wide one to the rest
				if fx.W <= fy.W {
					ny = cut(fy, maxFixedW-fx.W)
				} else {
					nx = cut(fx, maxFixedW-fy.W)
				}
			}
			if op != loop.Mul { // one type for both: the sum is a bit wider
				i := min(max(intBits(fx, true), intBits(fy, true)), maxFixedW-1)
				nx = dtype.Fixed{W: maxFixedW - 1, I: i}
				ny = nx
			}
			x, kx = castTo(x, kx, dtype.FixedKind(nx)), dtype.FixedKind(nx)
			y, ky = castTo(y, ky, dtype.FixedKind(ny)), dtype.FixedKind(ny)
			if step > 3 {
				return &loop.Bin{Op: op, X: x, Y: y}, dtype.FixedKind(exactType(op, nx, ny))
			}
		}
	}
}

// cut is a signed type of at most w bits keeping t's integer bits (as many
// as fit) and dropping fraction bits.
func cut(t dtype.Fixed, w int) dtype.Fixed {
	i := min(intBits(t, true), w)
	return dtype.Fixed{W: min(w, i+t.FracBits()), I: i, Round: t.Round, Overflow: t.Overflow}
}

func exactType(op loop.BinOp, a, b dtype.Fixed) dtype.Fixed {
	switch op {
	case loop.Add:
		return dtype.AddType(a, b)
	case loop.Sub:
		return dtype.SubType(a, b)
	}
	return dtype.MulType(a, b)
}
