package exec

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// compiler turns statements and expressions into closures over a Program.
type compiler struct {
	p    *Program
	errs []error
	// proven is set when loop.Verify accepts the kernel: every index is
	// then within its dimension, and affine accesses compile to one flat
	// affine offset (checked against the buffer's size only).
	proven bool
}

func (c *compiler) errorf(format string, args ...any) {
	c.errs = append(c.errs, c.p.errorf(format, args...))
}

func (c *compiler) stmts(body []loop.Stmt) []func() {
	out := make([]func(), 0, len(body))
	for _, s := range body {
		if f := c.stmt(s); f != nil {
			out = append(out, f)
		}
	}
	return out
}

func (c *compiler) stmt(s loop.Stmt) func() {
	switch s := s.(type) {
	case *loop.For:
		return c.forStmt(s)
	case *loop.If:
		cond := c.expr(s.Cond)
		if cond.kind == dtype.Invalid {
			return nil
		}
		if cond.b == nil {
			c.errorf("if condition is %v, not bool", cond.kind)
			return nil
		}
		p, then, els := c.p, c.stmts(s.Then), c.stmts(s.Else)
		return func() {
			if cond.b() {
				p.run(then)
			} else {
				p.run(els)
			}
		}
	case *loop.Store:
		return c.store(s)
	}
	c.errorf("unknown statement %T", s)
	return nil
}

func (c *compiler) forStmt(f *loop.For) func() {
	if f.Step <= 0 {
		c.errorf("loop step %d", f.Step)
		return nil
	}
	if !c.validVar(f.Var) {
		return nil
	}
	lo, hi := c.index(f.Lo), c.index(f.Hi)
	if lo == nil || hi == nil {
		return nil
	}
	p, x, step, body := c.p, f.Var, uint64(f.Step), c.stmts(f.Body)
	return func() {
		l, h := lo(), hi()
		if p.err != nil {
			return
		}
		for v := l; v < h; v += int(step) {
			p.env[x] = v
			p.run(body)
			if p.err != nil || uint64(h)-uint64(v) <= step {
				return
			}
		}
	}
}

func (c *compiler) validVar(x loop.VarID) bool {
	if x < 0 || int(x) >= len(c.p.env) {
		c.errorf("unknown loop variable %d", x)
		return false
	}
	return true
}

func (c *compiler) store(s *loop.Store) func() {
	off := c.access(s.Buf, s.Index, true)
	val := c.expr(s.Value)
	if off == nil || val.kind == dtype.Invalid {
		return nil
	}
	p, b := c.p, c.p.bufs[s.Buf]
	if val.kind != b.decl.Kind {
		c.errorf("stores a %v value into %v buffer %s", val.kind, b.decl.Kind, b.decl.Name)
		return nil
	}
	switch b.decl.Kind.Class() {
	case dtype.ClassFloat:
		return func() {
			if v, o := val.f(), off(); o >= 0 && p.err == nil {
				b.f32[o] = float32(v)
			}
		}
	case dtype.ClassDouble:
		return func() {
			if v, o := val.f(), off(); o >= 0 && p.err == nil {
				b.f64[o] = v
			}
		}
	case dtype.ClassInt, dtype.ClassFixed:
		return func() {
			if v, o := val.i(), off(); o >= 0 && p.err == nil {
				b.i64[o] = v
			}
		}
	case dtype.ClassUint:
		return func() {
			if v, o := val.i(), off(); o >= 0 && p.err == nil {
				b.u64[o] = uint64(v)
			}
		}
	default:
		return func() {
			if v, o := val.b(), off(); o >= 0 && p.err == nil {
				b.bools[o] = v
			}
		}
	}
}

// index compiles a loop bound or one index: its affine part over the loop
// variables plus its data-dependent part.
func (c *compiler) index(x loop.Index) func() int {
	for _, t := range x.Aff.Terms {
		if !c.validVar(t.Var) {
			return nil
		}
	}
	env, k, terms := c.p.env, x.Aff.Const, x.Aff.Terms
	var dyn func() int64
	if x.Dyn != nil {
		d := c.expr(x.Dyn)
		if !d.kind.IsInt() {
			if d.kind != dtype.Invalid {
				c.errorf("%v index (want an integer kind)", d.kind)
			}
			return nil
		}
		dyn = d.i
	}
	switch {
	case dyn == nil && len(terms) == 0:
		return func() int { return k }
	case dyn == nil && len(terms) == 1:
		v, a := terms[0].Var, terms[0].Coeff
		return func() int { return k + a*env[v] }
	case dyn == nil:
		return func() int { return x.Aff.Eval(env) }
	}
	return func() int { return x.Aff.Eval(env) + int(dyn()) }
}

// access compiles the indices of a load or store into a closure giving the
// element's offset, or -1 after recording an IndexError.
func (c *compiler) access(id loop.BufID, index []loop.Index, store bool) func() int {
	if id < 0 || int(id) >= len(c.p.bufs) {
		c.errorf("unknown buffer %d", id)
		return nil
	}
	b := c.p.bufs[id]
	shape := b.decl.Shape
	if len(index) != len(shape) {
		c.errorf("%s has rank %d, accessed with %d indices", b.decl.Name, len(shape), len(index))
		return nil
	}
	idx := make([]func() int, len(index))
	for d, x := range index {
		if idx[d] = c.index(x); idx[d] == nil {
			return nil
		}
	}
	if f := c.flatAccess(b, index, idx, store); f != nil {
		return f
	}
	p, strides := c.p, b.strides
	bad := func(d, v int) int {
		p.fail(&IndexError{Kernel: p.k.Name, Buffer: b.decl.Name, Dim: d, Index: v, Size: shape[d], Store: store})
		return -1
	}
	switch len(idx) {
	case 0:
		return func() int { return 0 }
	case 1:
		i0, n0 := idx[0], shape[0]
		return func() int {
			if v := i0(); uint(v) < uint(n0) {
				return v
			} else {
				return bad(0, v)
			}
		}
	case 2:
		i0, i1, n0, n1, s0 := idx[0], idx[1], shape[0], shape[1], strides[0]
		return func() int {
			v0, v1 := i0(), i1()
			if uint(v0) >= uint(n0) {
				return bad(0, v0)
			}
			if uint(v1) >= uint(n1) {
				return bad(1, v1)
			}
			return v0*s0 + v1
		}
	}
	return func() int {
		off := 0
		for d, f := range idx {
			v := f()
			if uint(v) >= uint(shape[d]) {
				return bad(d, v)
			}
			off += v * strides[d]
		}
		return off
	}
}

// flatAccess compiles an access whose indices are all affine, in a kernel
// Verify accepted, to one affine form of the loop variables: the flat
// offset. Verify proved each index within its dimension; the offset is
// still checked against the buffer's size, and a miss is reported per
// dimension by the general path. It returns nil when it does not apply.
func (c *compiler) flatAccess(b *buffer, index []loop.Index, idx []func() int, store bool) func() int {
	if !c.proven || len(index) < 2 {
		return nil
	}
	var flat loop.Affine
	coeff := map[loop.VarID]int{}
	var order []loop.VarID
	for d, x := range index {
		if x.Dyn != nil {
			return nil
		}
		s := b.strides[d]
		flat.Const += s * x.Aff.Const
		for _, t := range x.Aff.Terms {
			if _, ok := coeff[t.Var]; !ok {
				order = append(order, t.Var)
			}
			coeff[t.Var] += s * t.Coeff
		}
	}
	for _, v := range order {
		if coeff[v] != 0 {
			flat.Terms = append(flat.Terms, loop.Term{Var: v, Coeff: coeff[v]})
		}
	}
	p, env, size, k := c.p, c.p.env, dtype.Size(b.decl.Shape), flat.Const
	slow := func() int { // names the dimension that is out of range
		for d, f := range idx {
			if v := f(); uint(v) >= uint(b.decl.Shape[d]) {
				p.fail(&IndexError{Kernel: p.k.Name, Buffer: b.decl.Name, Dim: d, Index: v, Size: b.decl.Shape[d], Store: store})
				return -1
			}
		}
		p.fail(p.errorf("%s: offset out of range", b.decl.Name))
		return -1
	}
	switch len(flat.Terms) {
	case 0:
		return func() int {
			if uint(k) < uint(size) {
				return k
			}
			return slow()
		}
	case 1:
		v0, a0 := flat.Terms[0].Var, flat.Terms[0].Coeff
		return func() int {
			if o := k + a0*env[v0]; uint(o) < uint(size) {
				return o
			}
			return slow()
		}
	case 2:
		v0, a0, v1, a1 := flat.Terms[0].Var, flat.Terms[0].Coeff, flat.Terms[1].Var, flat.Terms[1].Coeff
		return func() int {
			if o := k + a0*env[v0] + a1*env[v1]; uint(o) < uint(size) {
				return o
			}
			return slow()
		}
	case 3:
		v0, a0, v1, a1 := flat.Terms[0].Var, flat.Terms[0].Coeff, flat.Terms[1].Var, flat.Terms[1].Coeff
		v2, a2 := flat.Terms[2].Var, flat.Terms[2].Coeff
		return func() int {
			if o := k + a0*env[v0] + a1*env[v1] + a2*env[v2]; uint(o) < uint(size) {
				return o
			}
			return slow()
		}
	case 4, 5:
		var v [5]loop.VarID
		var a [5]int // a missing fifth term reads env[0] times 0
		for i, t := range flat.Terms {
			v[i], a[i] = t.Var, t.Coeff
		}
		return func() int {
			o := k + a[0]*env[v[0]] + a[1]*env[v[1]] + a[2]*env[v[2]] + a[3]*env[v[3]] + a[4]*env[v[4]]
			if uint(o) < uint(size) {
				return o
			}
			return slow()
		}
	}
	return func() int {
		if o := flat.Eval(env); uint(o) < uint(size) {
			return o
		}
		return slow()
	}
}
