package lower

import (
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// fuseInto fuses consumer c into u, whose last parameter is the tensor y
// that c reads (fuse.go). It returns the fused unit, or false (and leaves
// u and c as they were) when a check fails.
func fuseInto(u unit, y graph.TensorID, c unit) (unit, bool) {
	yp, xp := slices.Index(u.args, y), slices.Index(c.args, y)
	if yp != len(u.args)-1 || xp < 0 || xp == len(c.args)-1 {
		return unit{}, false
	}
	yb, xb, zb := u.k.Params[yp], c.k.Params[xp], c.k.Params[len(c.args)-1]
	st, ok := finalStore(u.k, yb)
	if !ok {
		return unit{}, false
	}
	vars, e, ok := elementwise(c.k, xb, zb)
	if !ok || !slices.Equal(u.k.Buffers[yb].Shape, c.k.Buffers[zb].Shape) {
		return unit{}, false
	}
	m := &merger{k: &loop.Kernel{
		Name:    u.k.Name + "_" + c.k.Name,
		Buffers: slices.Clone(u.k.Buffers),
		Vars:    slices.Clone(u.k.Vars),
		Params:  slices.Clone(u.k.Params[:yp]),
	}, args: slices.Clone(u.args[:yp]), from: c.k, x: xb, bufs: map[loop.BufID]loop.BufID{}}
	m.k.Buffers[yb] = nil // y's name is free for z
	m.k.Buffers[yb] = m.copyBuf(c.k.Buffers[zb])
	m.bufs[zb] = yb
	for i, id := range c.k.Params {
		if id != xb && id != zb {
			m.param(id, c.args[i])
		}
	}
	m.k.Params, m.args = append(m.k.Params, yb), append(m.args, c.args[len(c.args)-1])
	for j, ix := range st.Index {
		m.sub = append(m.sub, substitution{vars[j], ix.Aff})
	}
	m.k.Body = replaceStore(u.k.Body, st, m.stmts(st, e, u.k.Buffers[yb].Kind))
	if loop.Verify(m.k) != nil {
		return unit{}, false
	}
	return unit{k: m.k, args: m.args, last: c.last, nodes: append(slices.Clone(u.nodes), c.nodes...)}, true
}

type substitution struct {
	v loop.VarID
	a loop.Affine
}

// merger builds the fused kernel: the producer's, with the consumer's
// buffers (from) added as they are needed.
type merger struct {
	k    *loop.Kernel
	args []graph.TensorID
	from *loop.Kernel
	x    loop.BufID // the consumer's input from the producer
	bufs map[loop.BufID]loop.BufID
	sub  []substitution // consumer loop variable → producer index
	v    loop.Expr      // what the consumer reads for x: a *Const or a scalar *Load, or
	once bool           // the stored expression, which the consumer reads once
}

// copyBuf adds a copy of b under a name free in the kernel.
func (m *merger) copyBuf(b *loop.Buffer) *loop.Buffer {
	nb := *b
	nb.Name = m.freeName(b.Name)
	return &nb
}

func (m *merger) freeName(s string) string {
	used := map[string]bool{}
	for _, b := range m.k.Buffers {
		if b != nil {
			used[b.Name] = true
		}
	}
	for _, v := range m.k.Vars {
		used[v.Name] = true
	}
	name := s
	for i := 1; used[name]; i++ {
		name = fmt.Sprintf("%s_%d", s, i)
	}
	return name
}

// param makes the consumer's parameter id (tensor t) a parameter of the
// fused kernel, or reuses the one passing t already.
func (m *merger) param(id loop.BufID, t graph.TensorID) {
	if j := slices.Index(m.args, t); j >= 0 {
		m.bufs[id] = m.k.Params[j]
		return
	}
	m.k.Buffers = append(m.k.Buffers, m.copyBuf(m.from.Buffers[id]))
	nid := loop.BufID(len(m.k.Buffers) - 1)
	m.bufs[id] = nid
	m.k.Params, m.args = append(m.k.Params, nid), append(m.args, t)
}

// buf maps a consumer buffer (a constant not seen yet is added).
func (m *merger) buf(id loop.BufID) loop.BufID {
	if nid, ok := m.bufs[id]; ok {
		return nid
	}
	m.k.Buffers = append(m.k.Buffers, m.copyBuf(m.from.Buffers[id]))
	nid := loop.BufID(len(m.k.Buffers) - 1)
	m.bufs[id] = nid
	return nid
}

// stmts are what replaces the producer's store st: the consumer's store
// of e, reading the stored value for x — the value expression itself when
// e reads x once or the value is a constant or a scalar read, else a
// register temporary of the producer's output kind (k) that is set first.
// Either way each operation rounds as it did unfused: expressions round to
// their kind, which is the kind of the buffer they were stored to.
func (m *merger) stmts(st *loop.Store, e loop.Expr, k dtype.Kind) []loop.Stmt {
	z := m.bufs[m.from.Params[len(m.from.Params)-1]]
	ix := slices.Clone(st.Index)
	reads := 0
	walkExpr(e, func(e loop.Expr) {
		if l, ok := e.(*loop.Load); ok && l.Buf == m.x {
			reads++
		}
	})
	var pre []loop.Stmt
	switch v := st.Value.(type) {
	case *loop.Const:
		m.v = v
	case *loop.Load:
		if len(v.Index) == 0 {
			m.v = v
			break
		}
		pre = m.valueOnce(st.Value, k, reads)
	default:
		pre = m.valueOnce(st.Value, k, reads)
	}
	return append(pre, &loop.Store{Buf: z, Index: ix, Value: m.expr(e)})
}

// valueOnce reads x as v itself when it is read once, else stores v in a
// new register temporary and reads x from it.
func (m *merger) valueOnce(v loop.Expr, k dtype.Kind, reads int) []loop.Stmt {
	if reads == 1 {
		m.v, m.once = v, true
		return nil
	}
	m.k.Buffers = append(m.k.Buffers, &loop.Buffer{Name: m.freeName("v"), Kind: k, Space: loop.Register, Role: loop.Temp})
	t := loop.BufID(len(m.k.Buffers) - 1)
	m.v = &loop.Load{Buf: t}
	return []loop.Stmt{&loop.Store{Buf: t, Value: v}}
}

// expr is the consumer's expression e in the fused kernel: x read as m.v,
// other buffers mapped, indices in the producer's terms.
func (m *merger) expr(e loop.Expr) loop.Expr {
	switch e := e.(type) {
	case *loop.Load:
		if e.Buf == m.x {
			if m.once {
				return m.v // read once: the expression moves, uncopied
			}
			return leaf(m.v)
		}
		ix := make([]loop.Index, len(e.Index))
		for i, x := range e.Index {
			ix[i] = loop.At(m.affine(x.Aff))
		}
		return &loop.Load{Buf: m.buf(e.Buf), Index: ix}
	case *loop.Const:
		return leaf(e)
	case *loop.Bin:
		return &loop.Bin{Op: e.Op, X: m.expr(e.X), Y: m.expr(e.Y)}
	case *loop.Un:
		return &loop.Un{Op: e.Op, X: m.expr(e.X)}
	case *loop.Cast:
		return &loop.Cast{To: e.To, X: m.expr(e.X)}
	case *loop.Select:
		return &loop.Select{Cond: m.expr(e.Cond), X: m.expr(e.X), Y: m.expr(e.Y)}
	case *loop.Call:
		args := make([]loop.Expr, len(e.Args))
		for i, a := range e.Args {
			args[i] = m.expr(a)
		}
		return &loop.Call{Func: e.Func, Args: args}
	}
	return e // a VarRef: elementwise refuses consumers that have one
}

// leaf copies a *Const or a scalar *Load.
func leaf(e loop.Expr) loop.Expr {
	switch e := e.(type) {
	case *loop.Const:
		c := *e
		return &c
	case *loop.Load:
		l := *e
		return &l
	}
	return e
}

// affine is a, an index of the consumer, in the producer's variables.
func (m *merger) affine(a loop.Affine) loop.Affine {
	out := loop.Lit(a.Const)
	for _, t := range a.Terms {
		for _, s := range m.sub {
			if s.v == t.Var {
				out = out.Add(s.a.Scale(t.Coeff))
			}
		}
	}
	return out
}

// replaceStore is body with st replaced by with; the statements on the way
// to st are copies, so body itself is left as it is.
func replaceStore(body []loop.Stmt, st *loop.Store, with []loop.Stmt) []loop.Stmt {
	out := make([]loop.Stmt, 0, len(body))
	for _, s := range body {
		switch s := s.(type) {
		case *loop.Store:
			if s == st {
				out = append(out, with...)
				continue
			}
		case *loop.For:
			f := *s
			f.Body = replaceStore(s.Body, st, with)
			out = append(out, &f)
			continue
		case *loop.If:
			f := *s
			f.Then, f.Else = replaceStore(s.Then, st, with), replaceStore(s.Else, st, with)
			out = append(out, &f)
			continue
		}
		out = append(out, s)
	}
	return out
}
