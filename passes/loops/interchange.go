package loops

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/kiln-hls/kiln/ir/loop"
)

// Interchange swaps the loop over outer (the first in program order) with
// the loop over inner, which must be its whole body (a perfect nest) and
// have bounds that do not use outer. Each loop keeps its bounds, step,
// kind and directives.
//
// It refuses a swap that could change a result: every buffer the nest
// writes must either be a scalar temporary that each iteration writes
// before it reads it (an accumulator reset per iteration), or be accessed
// at one affine index throughout the nest, with one dimension that moves
// with outer alone and one that moves with inner alone, so that no two
// iterations touch one element (a dimension may add loops of the nest
// spanning less than the loop's step: a tile's point loop, j.outer +
// j.inner, moves with j.outer alone). An accumulation carried across the
// iterations of either loop is refused.
func Interchange(k *loop.Kernel, outer, inner string) (*loop.Kernel, error) {
	n, err := start("interchange", k, outer)
	if err != nil {
		return nil, err
	}
	f := findLoop(n, n.Body, outer)
	if f == nil {
		return nil, errorf("interchange", k, outer, "no such loop")
	}
	var g *loop.For
	if len(f.Body) == 1 {
		g, _ = f.Body[0].(*loop.For)
	}
	if g == nil || n.Vars[g.Var].Name != inner {
		return nil, errorf("interchange", k, outer, "its body is not exactly the loop over %s", inner)
	}
	if uses(g.Lo, f.Var) || uses(g.Hi, f.Var) {
		return nil, errorf("interchange", k, outer, "the bounds of %s use %s", inner, outer)
	}
	if err := checkSwap(n, f, g); err != nil {
		return nil, errorf("interchange", k, outer, "with %s: %w", inner, err)
	}
	body := g.Body
	fh, gh := *f, *g
	*f = loop.For{Var: gh.Var, Lo: gh.Lo, Hi: gh.Hi, Step: gh.Step, Kind: gh.Kind, Dir: gh.Dir, Body: []loop.Stmt{g}}
	*g = loop.For{Var: fh.Var, Lo: fh.Lo, Hi: fh.Hi, Step: fh.Step, Kind: fh.Kind, Dir: fh.Dir, Body: body}
	return verified("interchange", n, outer)
}

// ErrCarried is wrapped by Interchange's errors when a swap is refused
// because the nest may carry a dependence.
var ErrCarried = errors.New("refused: the swap could reorder a dependence")

// uses reports whether index x depends on variable v.
func uses(x loop.Index, v loop.VarID) bool {
	if x.Aff.Coeff(v) != 0 {
		return true
	}
	found := false
	if x.Dyn != nil {
		loop.WalkExpr(x.Dyn, func(e loop.Expr) {
			if r, ok := e.(*loop.VarRef); ok && r.Var == v {
				found = true
			}
		})
	}
	return found
}

// access is one load or store of a buffer.
type access struct {
	index []loop.Index
	store bool
}

// checkSwap reports why swapping f and g could change what the nest
// computes, or nil.
func checkSwap(k *loop.Kernel, f, g *loop.For) error {
	acc := map[loop.BufID][]access{}
	nest := map[loop.VarID]*loop.For{}
	collect(g.Body, acc, nest)
	for _, b := range slices.Sorted(maps.Keys(acc)) { // the first buffer by ID is named
		list := acc[b]
		if !written(list) || private(k, b, g.Body) {
			continue
		}
		name := k.Buffers[b].Name
		for _, a := range list[1:] {
			if !sameIndex(a.index, list[0].index) {
				return fmt.Errorf("buffer %s is accessed at different indices: %w", name, ErrCarried)
			}
		}
		if !moves(list[0].index, f.Var, g.Var, f.Step, nest) || !moves(list[0].index, g.Var, f.Var, g.Step, nest) {
			return fmt.Errorf("buffer %s is written at an index that does not tell the iterations apart (an accumulation): %w", name, ErrCarried)
		}
	}
	return nil
}

// collect records every access in body and the loops it holds, by
// variable.
func collect(body []loop.Stmt, acc map[loop.BufID][]access, nest map[loop.VarID]*loop.For) {
	load := func(e loop.Expr) {
		if l, ok := e.(*loop.Load); ok {
			acc[l.Buf] = append(acc[l.Buf], access{index: l.Index})
		}
	}
	walk := func(e loop.Expr) {
		if e != nil {
			loop.WalkExpr(e, load)
		}
	}
	for _, s := range body {
		switch s := s.(type) {
		case *loop.For:
			nest[s.Var] = s
			walk(s.Lo.Dyn)
			walk(s.Hi.Dyn)
			collect(s.Body, acc, nest)
		case *loop.Store:
			for _, x := range s.Index {
				walk(x.Dyn)
			}
			walk(s.Value)
			acc[s.Buf] = append(acc[s.Buf], access{index: s.Index, store: true})
		case *loop.If:
			walk(s.Cond)
			collect(s.Then, acc, nest)
			collect(s.Else, acc, nest)
		}
	}
}

func written(list []access) bool {
	for _, a := range list {
		if a.store {
			return true
		}
	}
	return false
}

// private reports whether scalar temporary b is written by a store of
// body before anything else in body reads it, so each iteration of the
// nest starts it afresh. The store may sit at the start of the body of
// a loop that is the first statement to touch b (an accumulator reset
// per output element, deeper in the nest).
func private(k *loop.Kernel, b loop.BufID, body []loop.Stmt) bool {
	buf := k.Buffers[b]
	return buf.Role == loop.Temp && buf.Rank() == 0 && writtenFirst(b, body)
}

func writtenFirst(b loop.BufID, body []loop.Stmt) bool {
	for _, s := range body {
		acc := map[loop.BufID][]access{}
		collect([]loop.Stmt{s}, acc, map[loop.VarID]*loop.For{})
		if len(acc[b]) == 0 {
			continue
		}
		switch s := s.(type) {
		case *loop.Store:
			return s.Buf == b && len(acc[b]) == 1
		case *loop.For:
			_, trip, ok := constTrip(s) // a loop that may not run leaves b stale
			return ok && trip > 0 && writtenFirst(b, s.Body)
		}
		return false
	}
	return true
}

func sameIndex(a, b []loop.Index) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Dyn != nil || b[i].Dyn != nil || !a[i].Aff.Equal(b[i].Aff) {
			return false
		}
	}
	return true
}

// moves reports whether some dimension of index tells the iterations of
// v (stepping by step) apart: it is c·v + r with r free of other, where
// the variables of r bound inside the nest (loops with constant bounds)
// span less than |c|·step, so two values of v never reach one element.
// That admits a tile's point loop (y[j.outer + j.inner] moves with
// j.outer alone when j.inner spans less than j.outer's step).
func moves(index []loop.Index, v, other loop.VarID, step int, nest map[loop.VarID]*loop.For) bool {
	for _, x := range index {
		c := x.Aff.Coeff(v)
		if x.Dyn != nil || c == 0 || x.Aff.Coeff(other) != 0 {
			continue
		}
		span, ok := 0, true
		for _, t := range x.Aff.Terms {
			f := nest[t.Var]
			if f == nil {
				continue
			}
			_, trip, cst := constTrip(f)
			if !cst {
				ok = false
				break
			}
			span += abs(t.Coeff) * f.Step * max(trip-1, 0)
		}
		if ok && span < abs(c)*step {
			return true
		}
	}
	return false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
