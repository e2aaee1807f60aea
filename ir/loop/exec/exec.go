package exec

import (
	"errors"
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// ErrDivideByZero is wrapped by the error of an integer division or
// remainder by zero.
var ErrDivideByZero = errors.New("integer division by zero")

// IndexError reports an access outside a buffer, found at run time.
type IndexError struct {
	Kernel string
	Buffer string
	Dim    int // the dimension whose index is out of range
	Index  int // its value
	Size   int // the dimension's extent
	Store  bool
}

func (e *IndexError) Error() string {
	what := "load of"
	if e.Store {
		what = "store to"
	}
	return fmt.Sprintf("exec: kernel %s: %s %s: index %d is %d, outside [0, %d)", e.Kernel, what, e.Buffer, e.Dim, e.Index, e.Size)
}

// Program is a kernel compiled for execution. It keeps the state of one
// run (loop variables, temporaries), so one Program must not Run from two
// goroutines at once; compile one per goroutine instead.
type Program struct {
	k     *loop.Kernel
	env   []int     // loop variables, indexed by VarID
	bufs  []*buffer // indexed by BufID
	body  []func()
	err   error // the first run-time error; execution stops at it
	stats Stats // of the current or last run
}

// buffer is the storage bound to one loop.Buffer for a run.
type buffer struct {
	decl    *loop.Buffer
	strides []int
	f32     []float32
	f64     []float64
	i64     []int64
	u64     []uint64
	bools   []bool
	temp    *dtype.Array // a temporary's storage, cleared before each run
}

// Run compiles k and runs it once on args (see Program.Run).
func Run(k *loop.Kernel, args []*dtype.Array) error {
	p, err := Compile(k)
	if err != nil {
		return err
	}
	return p.Run(args)
}

// Compile prepares k for execution. It checks what execution needs (kinds
// of operands, known buffers, variables and operators, constants' data) but
// not what Verify proves: indices are checked as the kernel runs.
func Compile(k *loop.Kernel) (*Program, error) {
	p := &Program{k: k, env: make([]int, len(k.Vars)), bufs: make([]*buffer, len(k.Buffers))}
	var errs []error
	for id, b := range k.Buffers {
		buf, err := p.newBuffer(b)
		if err != nil {
			errs = append(errs, err)
		}
		p.bufs[id] = buf
	}
	for i, id := range k.Params {
		if id < 0 || int(id) >= len(k.Buffers) {
			errs = append(errs, p.errorf("parameter %d is unknown buffer %d", i, id))
		}
	}
	for _, b := range k.Buffers {
		if b != nil && (b.Role == loop.Input || b.Role == loop.Output) && !isParam(k, b) {
			errs = append(errs, p.errorf("%v buffer %s is not a parameter", b.Role, b.Name))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c := &compiler{p: p, proven: provenBounds(k)}
	p.body = c.stmts(k.Body)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return p, nil
}

func isParam(k *loop.Kernel, b *loop.Buffer) bool {
	for _, id := range k.Params {
		if int(id) >= 0 && int(id) < len(k.Buffers) && k.Buffers[id] == b {
			return true
		}
	}
	return false
}

func (p *Program) errorf(format string, args ...any) error {
	return fmt.Errorf("exec: kernel %s: "+format, append([]any{p.k.Name}, args...)...)
}

// fail records the first run-time error.
func (p *Program) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

func (p *Program) newBuffer(b *loop.Buffer) (*buffer, error) {
	if b == nil {
		return nil, p.errorf("nil buffer")
	}
	if !b.Kind.Computable() {
		return nil, p.errorf("buffer %s: kind %v cannot be computed on", b.Name, b.Kind)
	}
	if _, ok := fixedOf(b.Kind); b.Kind.IsFixed() && !ok {
		return nil, p.errorf("buffer %s: kind %v is wider than 63 bits", b.Name, b.Kind)
	}
	for _, d := range b.Shape {
		if d < 0 || d >= math.MaxInt32 {
			return nil, p.errorf("buffer %s: dimension %d", b.Name, d)
		}
	}
	buf := &buffer{decl: b, strides: dtype.Strides(b.Shape)}
	switch b.Role {
	case loop.Constant:
		if b.Init == nil {
			return nil, p.errorf("constant %s has no data", b.Name)
		}
		if err := buf.bind(b.Init); err != nil {
			return nil, p.errorf("constant %s: %w", b.Name, err)
		}
	case loop.Temp:
		if dtype.BytesFor(b.Kind, b.Shape) > 1<<32 {
			return nil, p.errorf("temporary %s is too large", b.Name)
		}
		buf.temp = dtype.New(b.Kind, b.Shape)
		_ = buf.bind(buf.temp)
	}
	return buf, nil
}

// Run executes the kernel with args bound to its parameters in order. A
// constant parameter takes nil for its Init, or an array that replaces Init
// for this run (other weights, same kernel). Inputs
// are only read; outputs are written in place (elements the kernel does not
// store keep their values, as a memory would). Temporaries start at zero.
// Each argument must have its parameter's kind and shape, and hold values
// of its kind (narrow floats exactly representable, integers in range).
func (p *Program) Run(args []*dtype.Array) error {
	if len(args) != len(p.k.Params) {
		return p.errorf("%d arguments for %d parameters", len(args), len(p.k.Params))
	}
	defer p.unbind()
	for i, id := range p.k.Params {
		b := p.bufs[id]
		switch {
		case b.decl.Role == loop.Temp:
			return p.errorf("parameter %d (%s) is a temporary", i, b.decl.Name)
		case b.decl.Role == loop.Constant && args[i] == nil:
			continue // its Init, bound by Compile
		}
		if err := b.bind(args[i]); err != nil {
			return p.errorf("argument %d (%s): %w", i, b.decl.Name, err)
		}
	}
	for _, b := range p.bufs {
		if b.temp != nil {
			b.clear()
		}
	}
	clear(p.env)
	p.err, p.stats = nil, Stats{}
	p.run(p.body)
	err := p.err
	p.err = nil
	return err
}

// unbind drops the references to the caller's arrays; constants go back to
// their Init.
func (p *Program) unbind() {
	for _, id := range p.k.Params {
		b := p.bufs[id]
		b.set(nil)
		if b.decl.Role == loop.Constant {
			b.set(b.decl.Init)
		}
	}
}

func (p *Program) run(body []func()) {
	for _, s := range body {
		s()
		if p.err != nil {
			return
		}
	}
}

// provenBounds reports whether Verify proves every index of k within its
// dimension for every run: k verifies, and no constant is a parameter
// (Run may replace a constant parameter's values, on which the proofs of
// data-dependent indices and loop bounds rest).
func provenBounds(k *loop.Kernel) bool {
	for _, id := range k.Params {
		if int(id) >= 0 && int(id) < len(k.Buffers) && k.Buffers[id].Role == loop.Constant {
			return false
		}
	}
	return loop.Verify(k) == nil
}
