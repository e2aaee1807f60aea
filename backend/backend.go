package backend

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes/lower"
)

// Backend is one way to run a lowered program.
type Backend struct {
	Name string
	Doc  string
	run  func(p *loop.Program, args []*dtype.Array, opt Options) error
}

// backends is the table of back ends, in the order Names lists them.
var backends = []Backend{
	{Name: "loop", Doc: "lower to loop IR and run it with the loop IR interpreter (ir/loop/exec)", run: runLoop},
	{Name: "llvm", Doc: "lower, emit LLVM IR (hls.EmitLLVMProgram), build it with clang and a generic driver, run it", run: runLLVM},
	{Name: "c", Doc: "lower, emit C99 (hls.EmitCProgram), build it with gcc and the same driver, run it", run: runC},
}

// Names lists the back ends: loop, llvm, c.
func Names() []string {
	names := make([]string, len(backends))
	for i, b := range backends {
		names[i] = b.Name
	}
	return names
}

// Lookup returns the back end called name.
func Lookup(name string) (Backend, error) {
	for _, b := range backends {
		if b.Name == name {
			return b, nil
		}
	}
	return Backend{}, fmt.Errorf("backend %q: no such back end; kiln has %s", name, strings.Join(Names(), ", "))
}

// Options control a run. The zero value is the default.
type Options struct {
	Lower lower.Options
	// Timeout bounds a built program's run (llvm, c); 0 means
	// DefaultTimeout. Building is not bounded.
	Timeout time.Duration
}

// DefaultTimeout is how long a built program may run: generous for the
// built-in models (milliseconds each), short enough that a program stuck
// in a loop does not hold a conformance run.
const DefaultTimeout = 2 * time.Minute

// UnsupportedError is lowering's error for a node kiln cannot lower (the
// node and its operator); Run's error holds one per such node.
type UnsupportedError = lower.UnsupportedError

// ErrToolMissing is wrapped by the error of a back end whose compiler is
// not installed; the error names the tool.
var ErrToolMissing = errors.New("tool not found")

// Run lowers g (after the clean-up passes: shapes static, shape-only
// operators folded) to a program and runs it on the back end called name.
// inputs bind g's inputs in order (an input that has an initializer is a
// constant and takes no data); the outputs are g's, in order.
func Run(name string, g *graph.Graph, inputs []*dtype.Array, opt Options) ([]*dtype.Array, error) {
	b, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	p, err := lower.Program(g, opt.Lower)
	if err != nil {
		return nil, err
	}
	args, outs, err := bind(g, inputs)
	if err != nil {
		return nil, err
	}
	if err := b.run(p, args, opt); err != nil {
		return nil, err
	}
	return outs, nil
}

// RunProgram runs p on the back end with args bound to p's parameters
// (inputs, then the outputs, written in place), as exec.Whole.Run does.
func (b Backend) RunProgram(p *loop.Program, args []*dtype.Array, opt Options) error {
	if err := checkArgs(p, args); err != nil {
		return err
	}
	return b.run(p, args, opt)
}

// bind makes the program's arguments from g's inputs: the data of every
// input that is not a constant, then a new array per output.
func bind(g *graph.Graph, inputs []*dtype.Array) (args, outs []*dtype.Array, err error) {
	if len(inputs) != len(g.Inputs) {
		return nil, nil, fmt.Errorf("backend: the graph has %d inputs, given %d", len(g.Inputs), len(inputs))
	}
	for i, id := range g.Inputs {
		t := g.Tensor(id)
		if t.Init != nil {
			continue
		}
		a := inputs[i]
		if a == nil || a.Kind != t.Kind || !graph.SameShape(a.Shape, t.Shape) {
			return nil, nil, fmt.Errorf("backend: input %q must be %v%v", t.Name, t.Kind, t.Shape)
		}
		args = append(args, a)
	}
	for _, id := range g.Outputs {
		t := g.Tensor(id)
		if !t.Kind.Computable() {
			return nil, nil, fmt.Errorf("backend: output %q is %v, which has no storage", t.Name, t.Kind)
		}
		o := dtype.New(t.Kind, t.Shape)
		outs = append(outs, o)
		args = append(args, o)
	}
	return args, outs, nil
}

// checkArgs checks args against p's parameters.
func checkArgs(p *loop.Program, args []*dtype.Array) error {
	if len(args) != len(p.Params) {
		return fmt.Errorf("backend: program %s: %d arguments for %d parameters", p.Name, len(args), len(p.Params))
	}
	for i, id := range p.Params {
		b := p.Buffers[id]
		if a := args[i]; a == nil || a.Kind != b.Kind || !graph.SameShape(a.Shape, b.Shape) {
			return fmt.Errorf("backend: program %s: argument %d (%s) must be %v%v", p.Name, i, b.Name, b.Kind, b.Shape)
		}
	}
	return nil
}

func runLoop(p *loop.Program, args []*dtype.Array, _ Options) error {
	return exec.RunProgram(p, args)
}
