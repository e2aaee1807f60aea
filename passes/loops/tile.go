package loops

import "github.com/kiln-hls/kiln/ir/loop"

// Tile splits the loop over name (the first in program order) into
// name.outer, stepping by size iterations, and name.inner over one tile;
// every use of name becomes name.outer + name.inner. The iterations run in
// their original order, so the result computes the same bits.
//
// With constant bounds the full tiles form one nest and the remaining
// trip mod size iterations a second name.inner loop after it; with bounds
// that use enclosing variables the inner body is guarded by
// name.outer + name.inner < hi. The inner loop keeps the loop's kind and
// directives. Errors: size < 1, a size above a constant trip count, no
// loop of that name, data-dependent bounds.
func Tile(k *loop.Kernel, name string, size int) (*loop.Kernel, error) {
	if size < 1 {
		return nil, errorf("tile", k, name, "tile size %d (want ≥ 1)", size)
	}
	n, err := start("tile", k, name)
	if err != nil {
		return nil, err
	}
	f := findLoop(n, n.Body, name)
	if f == nil {
		return nil, errorf("tile", k, name, "no such loop")
	}
	if f.Lo.Dyn != nil || f.Hi.Dyn != nil {
		return nil, errorf("tile", k, name, "the bounds are data-dependent")
	}
	if size >= maxStep/f.Step {
		return nil, errorf("tile", k, name, "tile size %d times the step %d is not below 2^31", size, f.Step)
	}
	lo, trip, ok := constTrip(f)
	if ok && size > trip {
		return nil, errorf("tile", k, name, "tile size %d is larger than the trip count %d", size, trip)
	}
	var repl []loop.Stmt
	if ok {
		repl = tileConst(n, f, name, size, lo, trip)
	} else {
		repl = tileGuarded(n, f, name, size)
	}
	replaceLoop(&n.Body, f, repl)
	return verified("tile", n, name)
}

// tileConst tiles a loop with constant bounds: the full tiles, then a loop
// over the remainder.
func tileConst(n *loop.Kernel, f *loop.For, name string, size, lo, trip int) []loop.Stmt {
	s, full := f.Step, trip/size*size
	o, i := n.NewVar(name+".outer"), n.NewVar(name+".inner")
	c := &cloner{k: n, sub: map[loop.VarID]loop.Affine{f.Var: loop.V(o).Add(loop.V(i))}}
	inner := &loop.For{Var: i, Lo: loop.At(loop.Lit(0)), Hi: loop.At(loop.Lit(size * s)), Step: s,
		Kind: f.Kind, Dir: f.Dir, Body: c.stmts(f.Body)}
	outer := &loop.For{Var: o, Lo: loop.At(loop.Lit(lo)), Hi: loop.At(loop.Lit(lo + full*s)), Step: size * s,
		Kind: f.Kind, Body: []loop.Stmt{inner}}
	out := []loop.Stmt{outer}
	if rem := trip - full; rem > 0 {
		r := n.NewVar(name + ".inner")
		base := lo + full*s
		c := &cloner{k: n, fresh: true, sub: map[loop.VarID]loop.Affine{f.Var: loop.V(r).Add(loop.Lit(base))}}
		out = append(out, &loop.For{Var: r, Lo: loop.At(loop.Lit(0)), Hi: loop.At(loop.Lit(rem * s)), Step: s,
			Kind: f.Kind, Dir: f.Dir, Body: c.stmts(f.Body)})
	}
	return out
}

// tileGuarded tiles a loop whose bounds use enclosing variables: the last
// tile's extra iterations are skipped by a guard.
func tileGuarded(n *loop.Kernel, f *loop.For, name string, size int) []loop.Stmt {
	s := f.Step
	o, i := n.NewVar(name+".outer"), n.NewVar(name+".inner")
	v := loop.V(o).Add(loop.V(i))
	c := &cloner{k: n, sub: map[loop.VarID]loop.Affine{f.Var: v}}
	guard := &loop.If{Cond: below(v, f.Hi.Aff), Then: c.stmts(f.Body)}
	inner := &loop.For{Var: i, Lo: loop.At(loop.Lit(0)), Hi: loop.At(loop.Lit(size * s)), Step: s,
		Kind: f.Kind, Dir: f.Dir, Body: []loop.Stmt{guard}}
	return []loop.Stmt{&loop.For{Var: o, Lo: f.Lo, Hi: f.Hi, Step: size * s, Kind: f.Kind, Body: []loop.Stmt{inner}}}
}
