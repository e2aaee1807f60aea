package loops

import (
	"fmt"
	"strings"

	"github.com/kiln-hls/kiln/ir/loop"
)

// Copy stages the part of buffer buf that one iteration of the loop over
// at (the first in program order) reads: at the start of each iteration
// a copy nest fills a new buffer BUF_tile with that part, and every read
// of buf inside the loop reads BUF_tile instead. With buf off chip and
// BUF_tile on chip (placement puts a small, much-reused temporary there),
// the off-chip memory is read once per iteration of at, in the order of
// its elements (the copy loops run over buf's dimensions, the last
// innermost: a sequential stream), however often and in whatever order
// the loop body reads it — the reuse within a tile is paid once.
//
// The part is a box: per dimension, every read's index is the same
// affine form in at's variable and the variables of the loops around it
// (the box's origin) plus a form in the variables of loops inside at
// whose range is the box's extent. The copy loops are named
// BUF_tile.d0, BUF_tile.d1, …; where the box may cross the buffer's edge
// (a guarded last tile, padding) the copy is guarded to the elements that
// exist, and the reads, which the verifier proved in bounds, never read
// the others. The result computes the same bits: it reads the same
// values from a copy.
//
// Errors: no such loop or buffer, a buffer the loop writes or does not
// read, a scalar, a read whose index is data-dependent or whose origin
// differs from another read's, a loop inside at whose bounds are not
// constant, and a box too large.
func Copy(k *loop.Kernel, buf, at string) (*loop.Kernel, error) {
	n, err := start("copy", k, at)
	if err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) (*loop.Kernel, error) {
		return nil, errorf("copy", k, at, "buffer %s: "+format, append([]any{buf}, args...)...)
	}
	f := findLoop(n, n.Body, at)
	if f == nil {
		return nil, errorf("copy", k, at, "no such loop")
	}
	id, ok := n.Buffer(buf)
	if !ok {
		return fail("no such buffer")
	}
	b := n.Buffers[id]
	if b.Rank() == 0 {
		return fail("a scalar: there is nothing to tile")
	}
	writes := false
	loop.WalkStores(f.Body, func(s *loop.Store) { writes = writes || s.Buf == id })
	if writes {
		return fail("the loop writes it; copy stages a buffer the loop only reads")
	}
	inner, err := innerRanges(n, f)
	if err != nil {
		return fail("%v", err)
	}
	bx, err := boxOf(n, f, id, inner)
	if err != nil {
		return fail("%v", err)
	}
	elems := 1
	for _, e := range bx.extent {
		if elems *= e; elems >= maxStep {
			return fail("the part one iteration reads, %v, has 2^31 elements or more", bx.extent)
		}
	}
	tile := n.NewBuffer(&loop.Buffer{Name: freeTileName(n, buf+"_tile", b.Rank()), Kind: b.Kind,
		Shape: bx.extent, Space: loop.RAM, Role: loop.Temp})
	for _, ld := range bx.loads {
		for d := range ld.Index {
			ld.Index[d] = loop.At(ld.Index[d].Aff.Sub(bx.origin[d]))
		}
		ld.Buf = tile
	}
	outer := enclosingRanges(n, f)
	f.Body = append([]loop.Stmt{copyNest(n, id, tile, bx, outer)}, f.Body...)
	return verified("copy", n, at)
}

// box is the part of a buffer one iteration of a loop reads: origin[d] +
// [0, extent[d]) per dimension, and the reads it covers.
type box struct {
	origin []loop.Affine // in the variables of the loop and those around it
	extent []int
	loads  []*loop.Load
}

// vspan is the values a variable takes: lo … hi.
type vspan struct{ lo, hi int }

// innerRanges is the range of each variable bound inside f, from its
// loop's bounds: constants, or affine in variables bound before it
// inside f.
func innerRanges(k *loop.Kernel, f *loop.For) (map[loop.VarID]vspan, error) {
	out := map[loop.VarID]vspan{}
	var walk func(body []loop.Stmt) error
	walk = func(body []loop.Stmt) error {
		for _, s := range body {
			switch s := s.(type) {
			case *loop.For:
				r, _, ok := loopSpan(s, out)
				if !ok {
					return fmt.Errorf("the bounds of loop %s inside it depend on the loops around the copy or on data", k.Vars[s.Var].Name)
				}
				out[s.Var] = r
				if err := walk(s.Body); err != nil {
					return err
				}
			case *loop.If:
				if err := walk(s.Then); err != nil {
					return err
				}
				if err := walk(s.Else); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, walk(f.Body)
}

// loopSpan bounds the values f's variable takes from its bounds over the
// variables' ranges: lo … the last value below hi (lo … lo when the loop
// may run no iteration, runs false). ok is false when a bound is
// data-dependent or uses a variable without a range.
func loopSpan(f *loop.For, ranges map[loop.VarID]vspan) (r vspan, runs, ok bool) {
	lo, okLo := affineSpan(f.Lo, ranges)
	hi, okHi := affineSpan(f.Hi, ranges)
	if !okLo || !okHi {
		return vspan{}, false, false
	}
	if hi.hi <= lo.lo {
		return vspan{lo.lo, lo.lo}, false, true
	}
	last := hi.hi - 1
	if lo.lo == lo.hi { // a constant start: the last value on its grid
		last = lo.lo + (last-lo.lo)/f.Step*f.Step
	}
	return vspan{lo.lo, last}, true, true
}

// affineSpan bounds x over the variables' ranges; false when x is
// data-dependent or uses a variable without a range.
func affineSpan(x loop.Index, ranges map[loop.VarID]vspan) (vspan, bool) {
	if x.Dyn != nil {
		return vspan{}, false
	}
	s := vspan{x.Aff.Const, x.Aff.Const}
	for _, t := range x.Aff.Terms {
		r, ok := ranges[t.Var]
		if !ok {
			return vspan{}, false
		}
		a, b := t.Coeff*r.lo, t.Coeff*r.hi
		s.lo += min(a, b)
		s.hi += max(a, b)
	}
	return s, true
}

// boxOf finds the reads of buffer id inside f and the box they cover.
func boxOf(k *loop.Kernel, f *loop.For, id loop.BufID, inner map[loop.VarID]vspan) (*box, error) {
	bx := &box{}
	var lows, highs []int
	var bad error
	loop.WalkExprs(f.Body, func(e loop.Expr) {
		ld, ok := e.(*loop.Load)
		if !ok || ld.Buf != id || bad != nil {
			return
		}
		origin := make([]loop.Affine, len(ld.Index))
		lo, hi := make([]int, len(ld.Index)), make([]int, len(ld.Index))
		for d, x := range ld.Index {
			if x.Dyn != nil {
				bad = fmt.Errorf("read %s has a data-dependent index", loadText(k, ld))
				return
			}
			var in loop.Affine
			origin[d], in = splitAffine(x.Aff, inner)
			s, _ := affineSpan(loop.At(in), inner)
			lo[d], hi[d] = s.lo, s.hi
		}
		if bx.loads == nil {
			bx.origin, lows, highs = origin, lo, hi
		} else {
			for d := range origin {
				if !origin[d].Equal(bx.origin[d]) {
					bad = fmt.Errorf("reads %s and %s are at different places relative to the loop (dimension %d: %s and %s)",
						loadText(k, bx.loads[0]), loadText(k, ld), d, affineText(k, bx.origin[d]), affineText(k, origin[d]))
					return
				}
				lows[d], highs[d] = min(lows[d], lo[d]), max(highs[d], hi[d])
			}
		}
		bx.loads = append(bx.loads, ld)
	})
	if bad != nil {
		return nil, bad
	}
	if err := readInBounds(k, f, id); err != nil {
		return nil, err
	}
	if bx.loads == nil {
		return nil, fmt.Errorf("the loop does not read it")
	}
	for d := range bx.origin {
		bx.origin[d] = bx.origin[d].Add(loop.Lit(lows[d]))
		bx.extent = append(bx.extent, highs[d]-lows[d]+1)
	}
	return bx, nil
}

// readInBounds refuses a buffer read in an index or a loop bound inside
// f: the verifier proves indices in bounds from a constant's data, which
// the copy does not have, and a loop bound's reads are not visited by
// WalkExprs.
func readInBounds(k *loop.Kernel, f *loop.For, id loop.BufID) error {
	var found error
	inIndex := func(ix []loop.Index) {
		for _, x := range ix {
			loop.WalkExpr(x.Dyn, func(e loop.Expr) {
				if ld, ok := e.(*loop.Load); ok && ld.Buf == id && found == nil {
					found = fmt.Errorf("an index reads it (a gather's or CSR column index): it cannot be staged")
				}
			})
		}
	}
	loop.WalkExprs(f.Body, func(e loop.Expr) {
		if ld, ok := e.(*loop.Load); ok {
			inIndex(ld.Index)
		}
	})
	loop.WalkStores(f.Body, func(s *loop.Store) { inIndex(s.Index) })
	var walk func(body []loop.Stmt)
	walk = func(body []loop.Stmt) {
		for _, s := range body {
			switch s := s.(type) {
			case *loop.For:
				for _, x := range []loop.Index{s.Lo, s.Hi} {
					loop.WalkExpr(x.Dyn, func(e loop.Expr) {
						if ld, ok := e.(*loop.Load); ok && ld.Buf == id && found == nil {
							found = fmt.Errorf("loop %s's bound reads it (a CSR row pointer): it cannot be staged", k.Vars[s.Var].Name)
						}
					})
				}
				walk(s.Body)
			case *loop.If:
				walk(s.Then)
				walk(s.Else)
			}
		}
	}
	walk(f.Body)
	return found
}

// splitAffine splits a into the terms over the variables in inner and
// the rest (the constant goes with inner).
func splitAffine(a loop.Affine, inner map[loop.VarID]vspan) (rest, in loop.Affine) {
	in = loop.Lit(a.Const)
	for _, t := range a.Terms {
		term := loop.Affine{Terms: []loop.Term{t}}
		if _, ok := inner[t.Var]; ok {
			in = in.Add(term)
		} else {
			rest = rest.Add(term)
		}
	}
	return rest, in
}

// enclosingRanges is the range of f's variable and of the variables of
// the loops around it, where constant bounds (or bounds affine in outer
// ones) give it; a variable without one is left out.
func enclosingRanges(k *loop.Kernel, f *loop.For) map[loop.VarID]vspan {
	out := map[loop.VarID]vspan{}
	var walk func(body []loop.Stmt) bool
	walk = func(body []loop.Stmt) bool {
		for _, s := range body {
			switch s := s.(type) {
			case *loop.For:
				if r, runs, ok := loopSpan(s, out); ok && runs {
					out[s.Var] = r
				}
				if s == f || walk(s.Body) {
					return true
				}
				delete(out, s.Var)
			case *loop.If:
				if walk(s.Then) || walk(s.Else) {
					return true
				}
			}
		}
		return false
	}
	walk(k.Body)
	return out
}

// copyNest is the loops that fill tile from src over the box, guarded
// where the box may leave src's bounds (outer: the ranges of the
// variables of the box's origin).
func copyNest(k *loop.Kernel, src, tile loop.BufID, bx *box, outer map[loop.VarID]vspan) loop.Stmt {
	name, shape := k.Buffers[tile].Name, k.Buffers[src].Shape
	vars := make([]loop.VarID, len(bx.extent))
	srcIx, tileIx := make([]loop.Index, len(vars)), make([]loop.Index, len(vars))
	var guards []loop.Expr
	for d := range vars {
		vars[d] = k.NewVar(fmt.Sprintf("%s.d%d", name, d))
		at := bx.origin[d].Add(loop.V(vars[d]))
		srcIx[d], tileIx[d] = loop.At(at), loop.At(loop.V(vars[d]))
		o, ok := affineSpan(loop.At(bx.origin[d]), outer)
		// at ≥ 0 and at < n, written as the lowering writes padding:
		// t + k >= 1 && t + k < 17, the constant on the right.
		terms := loop.Affine{Terms: at.Terms}
		if !ok || o.lo < 0 {
			guards = append(guards, &loop.Bin{Op: loop.Ge, X: affineExpr(terms), Y: affineExpr(loop.Lit(-at.Const))})
		}
		if !ok || o.hi+bx.extent[d] > shape[d] {
			guards = append(guards, below(terms, loop.Lit(shape[d]-at.Const)))
		}
	}
	var body loop.Stmt = &loop.Store{Buf: tile, Index: tileIx, Value: &loop.Load{Buf: src, Index: srcIx}}
	if len(guards) > 0 {
		cond := guards[0]
		for _, g := range guards[1:] {
			cond = &loop.Bin{Op: loop.And, X: cond, Y: g}
		}
		body = &loop.If{Cond: cond, Then: []loop.Stmt{body}}
	}
	for d := len(vars) - 1; d >= 0; d-- {
		body = &loop.For{Var: vars[d], Lo: loop.At(loop.Lit(0)), Hi: loop.At(loop.Lit(bx.extent[d])), Step: 1,
			Kind: loop.Parallel, Body: []loop.Stmt{body}}
	}
	return body
}

// freeTileName is name, or name_2, name_3 …: the first that no buffer of
// k has and whose copy loops' names (NAME.d0 … for rank dimensions) no
// loop of k has.
func freeTileName(k *loop.Kernel, name string, rank int) string {
	for i := 1; ; i++ {
		try := name
		if i > 1 {
			try = fmt.Sprintf("%s_%d", name, i)
		}
		_, taken := k.Buffer(try)
		for d := 0; d < rank && !taken; d++ {
			taken = findLoop(k, k.Body, fmt.Sprintf("%s.d%d", try, d)) != nil
		}
		if !taken {
			return try
		}
	}
}

// loadText prints a read for errors: w[j.outer + j.inner, k].
func loadText(k *loop.Kernel, ld *loop.Load) string {
	parts := make([]string, len(ld.Index))
	for d, x := range ld.Index {
		parts[d] = affineText(k, x.Aff)
		if x.Dyn != nil {
			parts[d] += " + …"
		}
	}
	return k.Buffers[ld.Buf].Name + "[" + strings.Join(parts, ", ") + "]"
}

// affineText prints an affine form with the kernel's variable names.
func affineText(k *loop.Kernel, a loop.Affine) string {
	var b strings.Builder
	for _, t := range a.Terms {
		if b.Len() > 0 {
			b.WriteString(" + ")
		}
		if t.Coeff != 1 {
			fmt.Fprintf(&b, "%d*", t.Coeff)
		}
		b.WriteString(k.Vars[t.Var].Name)
	}
	if a.Const != 0 || b.Len() == 0 {
		if b.Len() > 0 {
			b.WriteString(" + ")
		}
		fmt.Fprint(&b, a.Const)
	}
	return b.String()
}
