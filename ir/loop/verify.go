package loop

import (
	"errors"
	"fmt"
)

// maxIndex bounds dimensions, steps and affine constants and coefficients,
// so that the bounds arithmetic of the verifier cannot overflow.
const maxIndex = 1 << 31

// Verify checks k: buffers and parameters are well formed; every buffer and
// variable referenced exists and is in scope; index counts match ranks;
// affine indices are in bounds for every iteration (or under an If whose
// condition guards them) and data-dependent ones for every value they can
// take; operand kinds agree (conversions are explicit Casts); steps are
// positive; constants hold data of their shape. All problems are reported,
// joined.
func Verify(k *Kernel) error {
	v := &verifier{k: k, bound: make([]bool, len(k.Vars)), loops: make([]*For, len(k.Vars)), depth: make([]int, len(k.Vars))}
	for i := range v.depth {
		v.depth[i] = -1
	}
	v.buffers()
	v.params()
	v.stmts(k.Body)
	return errors.Join(v.errs...)
}

type verifier struct {
	k      *Kernel
	errs   []error
	bound  []bool   // the variable is bound by some loop already seen
	loops  []*For   // the loop binding each variable while it is in scope
	depth  []int    // nesting depth of each variable in scope
	level  int      // current nesting depth
	guards []Affine // affine facts ≥ 0 that hold here (from If conditions)
	at     string   // the statement being checked
}

func (v *verifier) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if v.at != "" {
		msg = v.at + ": " + msg
	}
	v.errs = append(v.errs, fmt.Errorf("kernel %s: %s", v.k.Name, msg))
}

func validName(s string) bool {
	return s != "" && isLetter(s[0]) && identLen(s) == len(s) && !reserved[s]
}

func (v *verifier) buffers() {
	if !validName(v.k.Name) {
		v.errorf("kernel name %q is not an identifier", v.k.Name)
	}
	seen := map[string]bool{}
	for _, b := range v.k.Buffers {
		if b == nil {
			v.errorf("nil buffer")
			continue
		}
		if seen[b.Name] {
			v.errorf("buffer %s declared twice", b.Name)
		}
		seen[b.Name] = true
		v.buffer(b)
	}
	for _, x := range v.k.Vars {
		if !validName(x.Name) {
			v.errorf("loop variable name %q is not an identifier", x.Name)
		} else if seen[x.Name] {
			v.errorf("loop variable %s has a buffer's name", x.Name)
		}
	}
}

func (v *verifier) buffer(b *Buffer) {
	bad := func(format string, args ...any) { v.errorf("buffer %s: "+format, append([]any{b.Name}, args...)...) }
	if !validName(b.Name) {
		bad("name is not an identifier")
	}
	if !b.Kind.Computable() {
		bad("kind %v holds no numbers", b.Kind)
	}
	if msg := fixedOK(b.Kind); msg != "" {
		bad("kind %s", msg)
	}
	n := 1
	for _, d := range b.Shape {
		if d == 0 && b.Role == Input {
			continue // an empty input: nothing can read it (loops over it run 0 times)
		}
		if d <= 0 || d >= maxIndex {
			bad("dimension %d out of range [1, 2^31)", d)
			return
		}
		if n *= d; n >= maxIndex {
			bad("more than 2^31 elements")
			return
		}
	}
	if b.Space >= numSpaces || b.Role >= numRoles {
		bad("unknown space or role")
	}
	if b.Space == ROM && b.Role != Constant {
		bad("only constants live in rom")
	}
	if b.UltraRAM && (b.Space != RAM || b.Role == Constant) {
		bad("uram is an on-chip ram of a buffer that is not a constant (an UltraRAM cannot be initialised)")
	}
	for _, pt := range b.Partition {
		v.partition(b, pt)
	}
	v.init(b)
}

func (v *verifier) partition(b *Buffer, pt Partition) {
	switch {
	case pt.Dim < 0 || pt.Dim >= len(b.Shape):
		v.errorf("buffer %s: partition dim %d, rank is %d", b.Name, pt.Dim, len(b.Shape))
	case pt.Scheme >= numSchemes:
		v.errorf("buffer %s: unknown partition scheme", b.Name)
	case pt.Scheme == Complete && pt.Factor != 0:
		v.errorf("buffer %s: complete partition has factor %d", b.Name, pt.Factor)
	case pt.Scheme != Complete && (pt.Factor < 2 || pt.Factor > b.Shape[pt.Dim]):
		v.errorf("buffer %s: %v partition factor %d outside [2, %d]", b.Name, pt.Scheme, pt.Factor, b.Shape[pt.Dim])
	}
}

func (v *verifier) init(b *Buffer) {
	switch {
	case b.Role != Constant && b.Init != nil:
		v.errorf("buffer %s: only constants have data (role %v)", b.Name, b.Role)
	case b.Role != Constant:
	case b.Init == nil:
		v.errorf("buffer %s: constant without data", b.Name)
	case b.Init.Kind != b.Kind || !equalShape(b.Init.Shape, b.Shape):
		v.errorf("buffer %s: data is %v%v, buffer is %v%v", b.Name, b.Init.Kind, b.Init.Shape, b.Kind, b.Shape)
	case !hasData(b.Init):
		v.errorf("buffer %s: data holds the wrong number of elements", b.Name)
	case b.Kind.IsFixed():
		v.fixedInit(b)
	}
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (v *verifier) params() {
	isParam := make([]bool, len(v.k.Buffers))
	for _, id := range v.k.Params {
		switch {
		case !v.validBuf(id):
			v.errorf("parameter refers to unknown buffer %d", id)
		case isParam[id]:
			v.errorf("buffer %s is a parameter twice", v.k.Buffers[id].Name)
		case v.k.Buffers[id].Role == Temp:
			v.errorf("temporary %s is a parameter", v.k.Buffers[id].Name)
		default:
			isParam[id] = true
		}
	}
	for id, b := range v.k.Buffers {
		if b != nil && (b.Role == Input || b.Role == Output) && !isParam[id] {
			v.errorf("%v buffer %s is not a parameter", b.Role, b.Name)
		}
	}
}

func (v *verifier) validBuf(id BufID) bool {
	return id >= 0 && int(id) < len(v.k.Buffers) && v.k.Buffers[id] != nil
}

// head is the one-line form of a statement, for error messages.
func (v *verifier) head(s Stmt) string {
	p := newPrinter(v.k)
	copy(p.depth, v.depth)
	switch s := s.(type) {
	case *For:
		return p.forHead(s)
	case *If:
		return "if " + p.expr(s.Cond, 0)
	case *Store:
		return p.storeString(s)
	}
	return fmt.Sprintf("%T", s)
}
