package sweep

import (
	"fmt"
	"math"
)

// Front is the Pareto front of the points added so far, every objective
// minimised: a point is on it unless another point is no worse in every
// objective and better in one. Points equal in every objective are all
// kept. Add keeps it incrementally, so its memory is its size.
type Front[T any] struct {
	names  []string
	points []Point[T]
}

// Point is a design's objective values (in the front's order) and what
// the caller keeps with it.
type Point[T any] struct {
	Values []float64
	Item   T
}

// NewFront is an empty front over the named objectives.
func NewFront[T any](objectives ...string) *Front[T] {
	return &Front[T]{names: objectives}
}

// Objectives are the names of the front's objectives.
func (f *Front[T]) Objectives() []string { return f.names }

// Len is the number of points on the front.
func (f *Front[T]) Len() int { return len(f.points) }

// Points are the points on the front, in the order they were added.
func (f *Front[T]) Points() []Point[T] { return f.points }

// Dominates reports whether a is no worse than b in every objective and
// better in one (all minimised).
func Dominates(a, b []float64) bool {
	better := false
	for i := range a {
		switch {
		case a[i] > b[i]:
			return false
		case a[i] < b[i]:
			better = true
		}
	}
	return better
}

// Add adds p if no point of the front dominates it, dropping the points it
// dominates, and reports whether it did. A point with a NaN is not added.
// p.Values must have one value per objective (another length is a bug of
// the caller's and panics).
func (f *Front[T]) Add(p Point[T]) bool {
	if len(p.Values) != len(f.names) {
		panic(fmt.Sprintf("sweep: a point of %d values on a front of %d objectives", len(p.Values), len(f.names)))
	}
	for _, v := range p.Values {
		if math.IsNaN(v) {
			return false
		}
	}
	for _, q := range f.points {
		if Dominates(q.Values, p.Values) {
			return false
		}
	}
	kept := f.points[:0]
	for _, q := range f.points {
		if !Dominates(p.Values, q.Values) {
			kept = append(kept, q)
		}
	}
	clear(f.points[len(kept):]) // drop the references of the dominated points
	f.points = append(kept, p)
	return true
}
