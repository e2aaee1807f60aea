package loops

import "github.com/kiln-hls/kiln/ir/loop"

// Unroll unrolls the loop over name (the first in program order) by factor
// (≥ 2, or loop.UnrollFull).
//
// Without expand it only sets the loop's directive, which the emitters
// turn into !llvm.loop unroll metadata and #pragma HLS unroll. With expand
// it copies the body in the IR: a full unroll (constant bounds only)
// becomes straight-line code; unroll by a factor steps by factor
// iterations and runs factor copies of the body, followed by a loop over
// the trip mod factor remaining iterations when the bounds are constant,
// or with every copy after the first guarded by v + t·step < hi when they
// are not. The copies run in the original order of the iterations, so the
// result computes the same bits.
func Unroll(k *loop.Kernel, name string, factor int, expand bool) (*loop.Kernel, error) {
	if factor != loop.UnrollFull && factor < 2 {
		return nil, errorf("unroll", k, name, "unroll factor %d (want ≥ 2, or full)", factor)
	}
	n, err := start("unroll", k, name)
	if err != nil {
		return nil, err
	}
	f := findLoop(n, n.Body, name)
	if f == nil {
		return nil, errorf("unroll", k, name, "no such loop")
	}
	lo, trip, constant := constTrip(f)
	if factor == loop.UnrollFull && !constant {
		return nil, errorf("unroll", k, name, "a full unroll needs constant bounds")
	}
	if factor >= maxStep/f.Step {
		return nil, errorf("unroll", k, name, "unroll factor %d times the step %d is not below 2^31", factor, f.Step)
	}
	if !expand {
		f.Dir.Unroll = factor
		return verified("unroll", n, name)
	}
	if f.Lo.Dyn != nil || f.Hi.Dyn != nil {
		return nil, errorf("unroll", k, name, "the bounds are data-dependent")
	}
	copies := factor
	if factor == loop.UnrollFull {
		copies = trip
	}
	if copies*countStmts(f.Body) > maxCopies {
		return nil, errorf("unroll", k, name, "%d copies of the body would exceed %d statements", copies, maxCopies)
	}
	var repl []loop.Stmt
	switch {
	case factor == loop.UnrollFull:
		repl = unrollFull(n, f, lo, trip)
	case constant:
		repl = unrollConst(n, f, factor, lo, trip)
	default:
		repl = unrollGuarded(n, f, factor)
	}
	replaceLoop(&n.Body, f, repl)
	return verified("unroll", n, name)
}

// copyBody is f's body with f's variable replaced by v; with fresh, the
// loops inside bind new variables.
func copyBody(n *loop.Kernel, f *loop.For, v loop.Affine, fresh bool) []loop.Stmt {
	c := &cloner{k: n, fresh: fresh, sub: map[loop.VarID]loop.Affine{f.Var: v}}
	return c.stmts(f.Body)
}

// unrollFull is one copy of the body per iteration.
func unrollFull(n *loop.Kernel, f *loop.For, lo, trip int) []loop.Stmt {
	var out []loop.Stmt
	for t := range trip {
		out = append(out, copyBody(n, f, loop.Lit(lo+t*f.Step), t > 0)...)
	}
	return out
}

// unrollConst unrolls a loop with constant bounds by factor, with a
// remainder loop.
func unrollConst(n *loop.Kernel, f *loop.For, factor, lo, trip int) []loop.Stmt {
	s, main := f.Step, trip/factor*factor
	var out []loop.Stmt
	if main > 0 {
		m := &loop.For{Var: f.Var, Lo: f.Lo, Hi: loop.At(loop.Lit(lo + main*s)), Step: s * factor, Kind: f.Kind}
		for t := range factor {
			m.Body = append(m.Body, copyBody(n, f, loop.V(f.Var).Add(loop.Lit(t*s)), t > 0)...)
		}
		out = append(out, m)
	}
	if main < trip {
		r := n.NewVar(n.Vars[f.Var].Name)
		out = append(out, &loop.For{Var: r, Lo: loop.At(loop.Lit(lo + main*s)), Hi: f.Hi, Step: s, Kind: f.Kind,
			Body: copyBody(n, f, loop.V(r), true)})
	}
	return out
}

// unrollGuarded unrolls a loop whose bounds use enclosing variables: copy
// t > 0 runs under v + t·step < hi.
func unrollGuarded(n *loop.Kernel, f *loop.For, factor int) []loop.Stmt {
	s := f.Step
	m := &loop.For{Var: f.Var, Lo: f.Lo, Hi: f.Hi, Step: s * factor, Kind: f.Kind}
	m.Body = copyBody(n, f, loop.V(f.Var), false)
	for t := 1; t < factor; t++ {
		v := loop.V(f.Var).Add(loop.Lit(t * s))
		m.Body = append(m.Body, &loop.If{Cond: below(v, f.Hi.Aff), Then: copyBody(n, f, v, true)})
	}
	return []loop.Stmt{m}
}
