package exec

import (
	"fmt"
	"math"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// bind makes a's storage the buffer's, after checking kind, shape, length
// and that every value belongs to the kind.
func (b *buffer) bind(a *dtype.Array) error {
	d := b.decl
	switch {
	case a == nil:
		return fmt.Errorf("nil array")
	case a.Kind != d.Kind:
		return fmt.Errorf("kind %v, want %v", a.Kind, d.Kind)
	case !slices.Equal(a.Shape, d.Shape) && !(len(a.Shape) == 0 && len(d.Shape) == 0):
		return fmt.Errorf("shape %v, want %v", a.Shape, d.Shape)
	}
	n := dtype.Size(d.Shape)
	switch d.Kind.Class() {
	case dtype.ClassFloat:
		if len(a.F32) != n {
			return fmt.Errorf("%d values for %d elements", len(a.F32), n)
		}
		if d.Kind != dtype.F32 {
			for i, v := range a.F32 {
				if r := dtype.RoundFloat(d.Kind, float64(v), false); r != float64(v) && !math.IsNaN(r) {
					return fmt.Errorf("element %d (%v) is not a %v value", i, v, d.Kind)
				}
			}
		}
	case dtype.ClassDouble:
		if len(a.F64) != n {
			return fmt.Errorf("%d values for %d elements", len(a.F64), n)
		}
	case dtype.ClassInt:
		if len(a.I64) != n {
			return fmt.Errorf("%d values for %d elements", len(a.I64), n)
		}
		for i, v := range a.I64 {
			if dtype.WrapInt(d.Kind, v) != v {
				return fmt.Errorf("element %d (%d) is out of range for %v", i, v, d.Kind)
			}
		}
	case dtype.ClassUint:
		if len(a.U64) != n {
			return fmt.Errorf("%d values for %d elements", len(a.U64), n)
		}
		for i, v := range a.U64 {
			if dtype.WrapUint(d.Kind, v) != v {
				return fmt.Errorf("element %d (%d) is out of range for %v", i, v, d.Kind)
			}
		}
	case dtype.ClassFixed:
		if err := bindFixed(a, d.Kind, n); err != nil {
			return err
		}
	case dtype.ClassBool:
		if len(a.Bool) != n {
			return fmt.Errorf("%d values for %d elements", len(a.Bool), n)
		}
	}
	b.set(a)
	return nil
}

// set makes a's storage the buffer's (none for nil) without checks.
func (b *buffer) set(a *dtype.Array) {
	if a == nil {
		b.f32, b.f64, b.i64, b.u64, b.bools = nil, nil, nil, nil, nil
		return
	}
	b.f32, b.f64, b.i64, b.u64, b.bools = a.F32, a.F64, a.I64, a.U64, a.Bool
}

func (b *buffer) clear() {
	clear(b.f32)
	clear(b.f64)
	clear(b.i64)
	clear(b.u64)
	clear(b.bools)
}
