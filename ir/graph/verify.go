package graph

import (
	"errors"
	"fmt"
)

// Verify checks the invariants of g: dense IDs, one producer per tensor,
// nodes in a topological order, every operand defined, and every node's
// recorded output kinds and shapes equal to what shape inference gives.
func Verify(g *Graph) error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for i, t := range g.Tensors {
		if t.ID != TensorID(i) {
			fail("tensor %q has ID %d at index %d", t.Name, t.ID, i)
		}
		if t.Init != nil && t.Producer != None {
			fail("tensor %q is both a constant and produced by a node", t.Name)
		}
		for _, d := range t.Shape {
			if d < 0 {
				fail("tensor %q has a negative dimension in %v", t.Name, t.Shape)
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	defined := make([]bool, len(g.Tensors))
	for _, t := range g.Tensors {
		defined[t.ID] = t.Init != nil
	}
	for _, id := range g.Inputs {
		if g.Tensors[id].Init != nil || g.Tensors[id].Producer != None {
			fail("graph input %q is a constant or produced by a node", g.Tensors[id].Name)
		}
		defined[id] = true
	}
	for i, n := range g.Nodes {
		if n.ID != NodeID(i) {
			fail("%s has ID %d at index %d", n.Label(), n.ID, i)
		}
		if n.Attrs == nil {
			fail("%s has no attributes value", n.Label())
		}
		for _, t := range n.In {
			if t != None && (int(t) >= len(g.Tensors) || !defined[t]) {
				fail("%s reads a tensor before it is defined (not in topological order)", n.Label())
			}
		}
		for _, t := range n.Out {
			if t == None {
				continue
			}
			if g.Tensors[t].Producer != n.ID {
				fail("%s writes %q, whose producer is recorded as %d", n.Label(), g.Tensors[t].Name, g.Tensors[t].Producer)
			}
			if defined[t] {
				fail("%s writes %q, which is already defined", n.Label(), g.Tensors[t].Name)
			}
			defined[t] = true
		}
	}
	for _, id := range g.Outputs {
		if !defined[id] {
			fail("graph output %q is never defined", g.Tensors[id].Name)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return verifyShapes(g)
}

// verifyShapes re-runs shape inference on every node (with the values of
// constants) and compares with the recorded kinds and shapes.
func verifyShapes(g *Graph) error {
	for _, n := range g.Nodes {
		out, err := Infer(n, g.InMetas(n))
		if errors.Is(err, ErrNotConstant) {
			continue // its shape was derived from computed values on import
		}
		if err != nil {
			return err
		}
		for i, t := range n.Out {
			if t == None {
				continue
			}
			tt := g.Tensors[t]
			if out[i].Kind != tt.Kind || !SameShape(out[i].Shape, tt.Shape) {
				return fmt.Errorf("%s: output %q is recorded as %v%v, inference gives %v%v", n.Label(), tt.Name, tt.Kind, tt.Shape, out[i].Kind, out[i].Shape)
			}
		}
	}
	return nil
}
