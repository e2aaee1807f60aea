package loop

import (
	"errors"
	"fmt"
	"strings"
)

// TopName is the name of a program's top function when none is given, the
// name SODA gives it.
const TopName = "forward_kernel"

// Program is a whole model: kernels and a top function that calls them in
// order. The top's buffers are the model's inputs and outputs (its
// parameters, inputs first) and the intermediate tensors that pass from one
// kernel to the next (temporaries of the top, Role Temp). Constants live in
// the kernels that read them, never in the top.
type Program struct {
	Name    string    // the top function's name
	Buffers []*Buffer // the top's buffers, indexed by BufID
	Params  []BufID   // the top's arguments: inputs, then outputs
	Kernels []*Kernel
	Calls   []KernelCall // run in order

	// Where the program came from, for passes that act per layer or per
	// tensor (narrowing precision); nil for a program written by hand.
	// KernelNodes[i] names the graph nodes Kernels[i] computes (several
	// when fused; none for a copy); BufferTensors[b] is the graph tensor
	// top buffer b holds.
	KernelNodes   [][]string
	BufferTensors []string
}

// ProgramOf is the program whose top (TopName) calls k once: the top's
// buffers and parameters are copies of k's parameters, in their order.
func ProgramOf(k *Kernel) *Program {
	p := &Program{Name: TopName, Kernels: []*Kernel{k}}
	call := KernelCall{Kernel: 0}
	for _, id := range k.Params {
		b := *k.Buffers[id]
		p.Buffers = append(p.Buffers, &b)
		p.Params = append(p.Params, BufID(len(p.Buffers)-1))
		call.Args = append(call.Args, BufID(len(p.Buffers)-1))
	}
	p.Calls = []KernelCall{call}
	return p
}

// KernelCall runs Kernels[Kernel] with Args, one top buffer per kernel
// parameter, in the kernel's parameter order.
type KernelCall struct {
	Kernel int
	Args   []BufID
}

// VerifyProgram checks p: every kernel verifies, names are unique, each
// call passes buffers of its parameters' kind and shape, the top's
// parameters are its inputs and outputs, nothing reads a temporary before a
// call writes it, and inputs are never written. All problems are reported.
func VerifyProgram(p *Program) error {
	var errs []error
	errorf := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("loop: program %s: "+format, append([]any{p.Name}, args...)...))
	}
	if !validName(p.Name) || ReservedFunc(p.Name) {
		errorf("top name %q is not an identifier free to use", p.Name)
	}
	if p.KernelNodes != nil && len(p.KernelNodes) != len(p.Kernels) {
		errorf("%d kernels but %d entries in KernelNodes", len(p.Kernels), len(p.KernelNodes))
	}
	if p.BufferTensors != nil && len(p.BufferTensors) != len(p.Buffers) {
		errorf("%d buffers but %d entries in BufferTensors", len(p.Buffers), len(p.BufferTensors))
	}
	names := map[string]bool{p.Name: true}
	for i, k := range p.Kernels {
		if k == nil {
			errorf("kernel %d is nil", i)
			continue
		}
		if names[k.Name] {
			errorf("kernel %s: name used twice", k.Name)
		}
		if ReservedFunc(k.Name) {
			errorf("kernel %s: the name is C's or the C library's", k.Name)
		}
		names[k.Name] = true
		if err := Verify(k); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	valid := func(id BufID) bool { return id >= 0 && int(id) < len(p.Buffers) && p.Buffers[id] != nil }
	param := make([]bool, len(p.Buffers))
	for _, id := range p.Params {
		switch {
		case !valid(id):
			errorf("parameter refers to unknown buffer %d", id)
		case param[id]:
			errorf("buffer %s is a parameter twice", p.Buffers[id].Name)
		default:
			param[id] = true
		}
	}
	written := make([]bool, len(p.Buffers))
	for id, b := range p.Buffers {
		if b == nil {
			errorf("buffer %d is nil", id)
			continue
		}
		if !validName(b.Name) {
			errorf("buffer name %q is not an identifier", b.Name)
		}
		for _, d := range b.Shape {
			if d < 0 {
				errorf("buffer %s has shape %v", b.Name, b.Shape)
				break
			}
		}
		if emptyShape(b.Shape) && b.Role == Temp {
			errorf("temporary %s is empty", b.Name)
		}
		switch b.Role {
		case Input:
			written[id] = true
			fallthrough
		case Output:
			if !param[id] {
				errorf("%v buffer %s is not a parameter", b.Role, b.Name)
			}
		case Temp:
			if param[id] {
				errorf("temporary %s is a parameter", b.Name)
			}
		default:
			errorf("buffer %s: a top buffer is in, out or temp, not %v", b.Name, b.Role)
		}
	}
	for ci, c := range p.Calls {
		if c.Kernel < 0 || c.Kernel >= len(p.Kernels) {
			errorf("call %d: unknown kernel %d", ci, c.Kernel)
			continue
		}
		k := p.Kernels[c.Kernel]
		if len(c.Args) != len(k.Params) {
			errorf("call %d: %s takes %d arguments, given %d", ci, k.Name, len(k.Params), len(c.Args))
			continue
		}
		for i, id := range c.Args {
			kb := k.Buffers[k.Params[i]]
			if !valid(id) {
				errorf("call %d: %s argument %d is unknown buffer %d", ci, k.Name, i, id)
				continue
			}
			b := p.Buffers[id]
			if b.Kind != kb.Kind || !equalShape(b.Shape, kb.Shape) {
				errorf("call %d: %s argument %d (%s) is %v%v, the parameter %s is %v%v", ci, k.Name, i, b.Name, b.Kind, b.Shape, kb.Name, kb.Kind, kb.Shape)
			}
			switch kb.Role {
			case Input, Constant:
				if !written[id] {
					errorf("call %d: %s reads %s before anything writes it", ci, k.Name, b.Name)
				}
			case Output:
				if b.Role == Input {
					errorf("call %d: %s writes the input %s", ci, k.Name, b.Name)
				}
			}
		}
		for i, id := range c.Args {
			if valid(id) && k.Buffers[k.Params[i]].Role == Output {
				written[id] = true
			}
		}
	}
	for id, b := range p.Buffers {
		if b != nil && b.Role == Output && !written[id] && !emptyShape(b.Shape) {
			errorf("output %s is never written", b.Name)
		}
	}
	return errors.Join(errs...)
}

// String prints p: each kernel in the .kir text format, then the top as a
// list of calls.
func (p *Program) String() string {
	var sb strings.Builder
	for _, k := range p.Kernels {
		sb.WriteString(k.String())
		sb.WriteByte('\n')
	}
	top := &Kernel{Name: p.Name, Buffers: p.Buffers, Params: p.Params}
	pr := newPrinter(top)
	fmt.Fprintf(&sb, "top %s(", p.Name)
	for i, id := range p.Params {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(pr.decl(id))
	}
	sb.WriteString(") {\n")
	param := make([]bool, len(p.Buffers))
	for _, id := range p.Params {
		if pr.validBuf(id) {
			param[id] = true
		}
	}
	for i := range p.Buffers {
		if !param[i] {
			fmt.Fprintf(&sb, "  %s\n", pr.decl(BufID(i)))
		}
	}
	for _, c := range p.Calls {
		name := fmt.Sprintf("kernel%d", c.Kernel)
		if c.Kernel >= 0 && c.Kernel < len(p.Kernels) && p.Kernels[c.Kernel] != nil {
			name = p.Kernels[c.Kernel].Name
		}
		args := make([]string, len(c.Args))
		for i, id := range c.Args {
			args[i] = fmt.Sprintf("buffer%d", id)
			if pr.validBuf(id) {
				args[i] = p.Buffers[id].Name
			}
		}
		fmt.Fprintf(&sb, "  call %s(%s)\n", name, strings.Join(args, ", "))
	}
	sb.WriteString("}\n")
	return sb.String()
}

// reservedFuncs are the names a kernel or top function may not take: C99's
// keywords and types, the C library functions that emitted code calls
// (each also with its float suffix), main, and the heap functions.
var reservedFuncs = func() map[string]bool {
	words := strings.Fields(`auto break case char const continue default do double else enum extern
		float for goto if inline int long register restrict return short signed sizeof static struct
		switch typedef union unsigned void volatile while _Bool _Complex _Imaginary bool true false
		fabs sqrt exp log tanh floor ceil rint fmin fmax pow fmod atan2 hypot fma copysign erf
		sin cos tan asin acos atan sinh cosh asinh acosh atanh exp2 expm1 log2 log10 log1p cbrt
		trunc round main malloc calloc realloc free aligned_alloc memcpy memset printf abs`)
	m := map[string]bool{}
	for _, w := range words {
		m[w], m[w+"f"] = true, true
	}
	return m
}()

// ReservedFunc reports whether name may not name a kernel or a top
// function because C or the C library already uses it.
func ReservedFunc(name string) bool { return reservedFuncs[name] }

// emptyShape reports whether a shape has a dimension of 0. A top parameter
// may be empty (nothing reads or writes it); kernel buffers may not.
func emptyShape(shape []int) bool {
	for _, d := range shape {
		if d == 0 {
			return true
		}
	}
	return false
}
