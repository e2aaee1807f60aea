package loops

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// Mode is how Partition deals elements to banks.
type Mode uint8

// The partitioning modes.
const (
	Cyclic   Mode = iota // element i → bank i mod f, offset i / f
	Block                // element i → bank i / B, offset i mod B, B = ceil(n/f)
	Complete             // one bank per element; the dimension disappears
)

func (m Mode) String() string {
	switch m {
	case Cyclic:
		return "cyclic"
	case Block:
		return "block"
	case Complete:
		return "complete"
	}
	return "mode?"
}

// ParseMode reads "cyclic", "block" or "complete".
func ParseMode(s string) (Mode, error) {
	for m := Cyclic; m <= Complete; m++ {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("loops: partition mode %q (want cyclic, block or complete)", s)
}

// Partition banks a temp or constant buffer into several buffers along
// dimension dim (0-based), so that unrolled bodies reach several memories
// at once. It rewrites the IR rather than setting the Buffer.Partition
// directive: the banks are ordinary buffers named NAME_p0, NAME_p1, … (bank
// 0 keeps the buffer's ID), which every emitter already turns into
// separate arrays. A constant's data is split between the banks.
//
// Cyclic puts element i of dim in bank i mod factor at offset i / factor;
// Block puts it in bank i / B at offset i mod B, B = ceil(n / factor);
// Complete (factor ignored) makes one bank per element without that
// dimension (a 1-D buffer becomes scalars).
//
// Every access must have a bank known at compile time: its index on dim
// affine, and for cyclic each variable's coefficient a multiple of factor
// (w[4*i + 1] with factor 4; a loop unrolled by a multiple of factor,
// stepping by 4 over w[k + 1], is first rewritten to step by 1 over
// w[4*k + 1]), for block its whole range inside one block,
// for complete a constant (unroll the loops first). Other accesses are
// refused (a select chain would read every bank on every access, which
// defeats the purpose). Parameters are refused: the top level owns them.
func Partition(k *loop.Kernel, buffer string, mode Mode, factor int, dim int) (*loop.Kernel, error) {
	if k == nil {
		return nil, fmt.Errorf("loops: partition: nil kernel")
	}
	if err := loop.Verify(k); err != nil {
		return nil, perrorf(k, buffer, "the input does not verify: %w", err)
	}
	id, ok := k.Buffer(buffer)
	if !ok {
		return nil, perrorf(k, buffer, "no such buffer")
	}
	b := k.Buffers[id]
	if slices.Contains(k.Params, id) || b.Role == loop.Input || b.Role == loop.Output {
		return nil, perrorf(k, buffer, "is a parameter (%v); only temps and constants can be banked", b.Role)
	}
	p, err := newPlan(b, mode, factor, dim)
	if err != nil {
		return nil, perrorf(k, buffer, "%w", err)
	}
	for bank := range p.factor {
		if _, taken := k.Buffer(p.bankName(bank)); taken {
			return nil, perrorf(k, buffer, "bank name %s is taken by another buffer", p.bankName(bank))
		}
	}
	n := cloneKernel(k)
	if p.mode == Cyclic {
		normalizeSteps(n, id, p.dim, p.factor)
	}
	p.ids = p.addBanks(n, id)
	rw := &rewriter{p: p, id: id}
	rw.stmts(n.Body, nil)
	if rw.err != nil {
		return nil, perrorf(k, buffer, "%w", rw.err)
	}
	if err := loop.Verify(n); err != nil {
		return nil, perrorf(k, buffer, "the result does not verify: %w", err)
	}
	return n, nil
}

// ErrNotStatic is wrapped by Partition's errors when an access's bank
// would depend on the iteration.
var ErrNotStatic = errors.New("refused: the bank of an access is not static")

func perrorf(k *loop.Kernel, buffer, format string, args ...any) error {
	return fmt.Errorf("loops: partition: kernel %s: buffer %s: "+format, append([]any{k.Name, buffer}, args...)...)
}

// plan is one banking of a buffer.
type plan struct {
	b      *loop.Buffer
	mode   Mode
	dim, n int // the dimension and its size
	factor int // banks
	block  int // B (block mode)
	ids    []loop.BufID
}

func newPlan(b *loop.Buffer, mode Mode, factor, dim int) (*plan, error) {
	if dim < 0 || dim >= b.Rank() {
		return nil, fmt.Errorf("dim %d out of range (rank %d)", dim, b.Rank())
	}
	n := b.Shape[dim]
	p := &plan{b: b, mode: mode, dim: dim, n: n, factor: factor}
	switch mode {
	case Complete:
		p.factor = n
	case Cyclic, Block:
		if factor < 2 || factor > n {
			return nil, fmt.Errorf("%v factor %d outside [2, %d] (the size of dim %d)", mode, factor, n, dim)
		}
		p.block = (n + factor - 1) / factor
		if mode == Block && (factor-1)*p.block >= n {
			return nil, fmt.Errorf("block factor %d on %d elements leaves bank %d empty (blocks of %d)", factor, n, factor-1, p.block)
		}
	default:
		return nil, fmt.Errorf("unknown partition mode %d", mode)
	}
	return p, nil
}

// where is element i's bank and offset.
func (p *plan) where(i int) (bank, off int) {
	switch p.mode {
	case Cyclic:
		return i % p.factor, i / p.factor
	case Block:
		return i / p.block, i % p.block
	}
	return i, 0
}

// bankSize is the number of elements of dim in bank.
func (p *plan) bankSize(bank int) int {
	switch p.mode {
	case Cyclic:
		return (p.n - bank + p.factor - 1) / p.factor
	case Block:
		return min(p.block, p.n-bank*p.block)
	}
	return 1
}

// addBanks puts bank 0 in place of buffer id and appends the others.
func (p *plan) addBanks(n *loop.Kernel, id loop.BufID) []loop.BufID {
	ids := make([]loop.BufID, p.factor)
	for bank := range p.factor {
		nb := &loop.Buffer{Name: p.bankName(bank), Kind: p.b.Kind, Space: p.b.Space,
			Role: p.b.Role, Shape: p.bankShape(bank), Partition: p.directives()}
		if p.b.Init != nil {
			nb.Init = p.splitInit(bank, nb.Shape)
		}
		if bank == 0 {
			n.Buffers[id], ids[0] = nb, id
		} else {
			ids[bank] = n.NewBuffer(nb)
		}
	}
	return ids
}

func (p *plan) bankName(bank int) string { return fmt.Sprintf("%s_p%d", p.b.Name, bank) }

func (p *plan) bankShape(bank int) []int {
	s := slices.Clone(p.b.Shape)
	if p.mode == Complete {
		s = slices.Delete(s, p.dim, p.dim+1)
		if len(s) == 0 {
			return nil
		}
		return s
	}
	s[p.dim] = p.bankSize(bank)
	return s
}

// directives keeps the buffer's directives on the other dimensions
// (renumbered when complete drops dim) that still fit the bank.
func (p *plan) directives() []loop.Partition {
	var out []loop.Partition
	for _, pt := range p.b.Partition {
		switch {
		case pt.Dim == p.dim:
			continue
		case p.mode == Complete && pt.Dim > p.dim:
			pt.Dim--
		}
		out = append(out, pt)
	}
	return out
}

// splitInit is the bank's part of the constant data.
func (p *plan) splitInit(bank int, shape []int) *dtype.Array {
	src := p.b.Shape
	strides := dtype.Strides(src)
	var idx []int
	coord := make([]int, len(src))
	for flat := range dtype.Size(src) {
		rem := flat
		for d := range src {
			coord[d], rem = rem/strides[d], rem%strides[d]
		}
		if bk, _ := p.where(coord[p.dim]); bk == bank {
			idx = append(idx, flat)
		}
	}
	// Row-major order over the source visits a bank's elements in its own
	// row-major order, as offsets grow with the index within each bank.
	a := p.b.Init.Take(idx, shape)
	a.Shape = shape
	return a
}

// rewriter sends every access of buffer id to its bank.
type rewriter struct {
	p   *plan
	id  loop.BufID
	err error
}

// span is the values a loop variable takes: [lo, last].
type span struct{ lo, last int }

func (rw *rewriter) stmts(body []loop.Stmt, env map[loop.VarID]span) {
	for _, s := range body {
		switch s := s.(type) {
		case *loop.For:
			rw.expr(s.Lo.Dyn, env)
			rw.expr(s.Hi.Dyn, env)
			inner := maps.Clone(env)
			if inner == nil {
				inner = map[loop.VarID]span{}
			}
			if lo, trip, ok := constTrip(s); ok {
				inner[s.Var] = span{lo, lo + max(trip-1, 0)*s.Step}
			} else {
				delete(inner, s.Var)
			}
			rw.stmts(s.Body, inner)
		case *loop.Store:
			rw.indices(s.Index, env)
			rw.expr(s.Value, env)
			if s.Buf == rw.id {
				s.Buf, s.Index = rw.access(s.Index, env)
			}
		case *loop.If:
			rw.expr(s.Cond, env)
			rw.stmts(s.Then, env)
			rw.stmts(s.Else, env)
		}
	}
}

func (rw *rewriter) indices(ix []loop.Index, env map[loop.VarID]span) {
	for _, x := range ix {
		rw.expr(x.Dyn, env)
	}
}

func (rw *rewriter) expr(e loop.Expr, env map[loop.VarID]span) {
	if e == nil {
		return
	}
	loop.WalkExpr(e, func(e loop.Expr) {
		l, ok := e.(*loop.Load)
		if !ok {
			return
		}
		if l.Buf == rw.id {
			l.Buf, l.Index = rw.access(l.Index, env)
		}
	})
}

// access is the bank and the index within it of an access at ix.
func (rw *rewriter) access(ix []loop.Index, env map[loop.VarID]span) (loop.BufID, []loop.Index) {
	p := rw.p
	if len(ix) != p.b.Rank() || rw.err != nil {
		return rw.id, ix
	}
	x := ix[p.dim]
	if x.Dyn != nil {
		rw.err = fmt.Errorf("an access has a data-dependent index on dim %d; %w", p.dim, ErrNotStatic)
		return rw.id, ix
	}
	bank, off, err := p.locate(x.Aff, env)
	if err != nil {
		rw.err = err
		return rw.id, ix
	}
	out := slices.Clone(ix)
	if p.mode == Complete {
		out = slices.Delete(out, p.dim, p.dim+1)
		if len(out) == 0 {
			out = nil
		}
	} else {
		out[p.dim] = loop.At(off)
	}
	return p.ids[bank], out
}

// locate is the bank of index a (the same for every iteration) and the
// offset in it, or why the bank is not static.
func (p *plan) locate(a loop.Affine, env map[loop.VarID]span) (int, loop.Affine, error) {
	lo, hi, known := rangeOf(a, env)
	if known && lo == hi {
		bank, off := p.where(lo)
		return bank, loop.Lit(off), nil
	}
	switch p.mode {
	case Cyclic:
		off := loop.Lit(0)
		for _, t := range a.Terms {
			if t.Coeff%p.factor != 0 {
				return 0, off, fmt.Errorf("cyclic %d on dim %d: an index has a variable with coefficient %d, not a multiple of %d (unroll first): %w", p.factor, p.dim, t.Coeff, p.factor, ErrNotStatic)
			}
			off = off.Add(loop.V(t.Var).Scale(t.Coeff / p.factor))
		}
		bank := ((a.Const % p.factor) + p.factor) % p.factor
		return bank, off.Add(loop.Lit((a.Const - bank) / p.factor)), nil
	case Block:
		if known && lo/p.block == hi/p.block {
			bank := lo / p.block
			return bank, a.Sub(loop.Lit(bank * p.block)), nil
		}
		return 0, a, fmt.Errorf("block %d on dim %d: an index spans more than one block of %d (unroll first): %w", p.factor, p.dim, p.block, ErrNotStatic)
	}
	return 0, a, fmt.Errorf("complete on dim %d: an index is not constant (unroll first): %w", p.dim, ErrNotStatic)
}

// rangeOf is the least and the greatest value of a over env, when every
// variable of a has constant bounds.
func rangeOf(a loop.Affine, env map[loop.VarID]span) (lo, hi int, ok bool) {
	lo, hi = a.Const, a.Const
	for _, t := range a.Terms {
		s, found := env[t.Var]
		if !found {
			return 0, 0, false
		}
		x, y := t.Coeff*s.lo, t.Coeff*s.last
		lo, hi = lo+min(x, y), hi+max(x, y)
	}
	return lo, hi, true
}
