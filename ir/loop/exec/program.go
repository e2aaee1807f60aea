package exec

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// Whole is a loop.Program compiled for execution: one compiled kernel per
// kernel and storage for the top's temporaries. Like Program, it keeps the
// state of one run.
type Whole struct {
	p       *loop.Program
	kernels []*Program
	temps   []*dtype.Array // indexed by the top's BufID; nil for parameters
	stats   Stats          // summed over the calls of the current or last run
}

// CompileProgram verifies p and compiles each of its kernels.
func CompileProgram(p *loop.Program) (*Whole, error) {
	if err := loop.VerifyProgram(p); err != nil {
		return nil, err
	}
	w := &Whole{p: p, temps: make([]*dtype.Array, len(p.Buffers))}
	for _, k := range p.Kernels {
		c, err := Compile(k)
		if err != nil {
			return nil, err
		}
		w.kernels = append(w.kernels, c)
	}
	for id, b := range p.Buffers {
		if b.Role == loop.Temp {
			w.temps[id] = dtype.New(b.Kind, b.Shape)
		}
	}
	return w, nil
}

// RunProgram compiles p and runs it once on args (see Whole.Run).
func RunProgram(p *loop.Program, args []*dtype.Array) error {
	w, err := CompileProgram(p)
	if err != nil {
		return err
	}
	return w.Run(args)
}

// Run runs the calls of the top in order with args bound to the top's
// parameters (inputs, then outputs, which are written in place).
// Temporaries start at zero.
func (w *Whole) Run(args []*dtype.Array) error {
	p := w.p
	if len(args) != len(p.Params) {
		return fmt.Errorf("exec: program %s: %d arguments for %d parameters", p.Name, len(args), len(p.Params))
	}
	vals := make([]*dtype.Array, len(p.Buffers))
	copy(vals, w.temps)
	for i, id := range p.Params {
		b := p.Buffers[id]
		a := args[i]
		if a == nil || a.Kind != b.Kind || !sameShape(a.Shape, b.Shape) {
			return fmt.Errorf("exec: program %s: argument %d (%s) must be %v%v", p.Name, i, b.Name, b.Kind, b.Shape)
		}
		vals[id] = a
	}
	for _, t := range w.temps {
		if t != nil {
			clearArray(t)
		}
	}
	w.stats = Stats{}
	for _, c := range p.Calls {
		kargs := make([]*dtype.Array, len(c.Args))
		for i, id := range c.Args {
			kargs[i] = vals[id]
		}
		err := w.kernels[c.Kernel].Run(kargs)
		w.stats.add(w.kernels[c.Kernel].Stats())
		if err != nil {
			return err
		}
	}
	return nil
}

func sameShape(a, b []int) bool {
	if dtype.Size(a) != dtype.Size(b) || len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func clearArray(a *dtype.Array) {
	clear(a.F32)
	clear(a.F64)
	clear(a.I64)
	clear(a.U64)
	clear(a.Bool)
}
