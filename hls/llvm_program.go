package hls

import (
	"errors"
	"fmt"
	"sort"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// EmitLLVMProgram returns the LLVM IR (LLVM 14 text, typed pointers) of a
// whole program: a module named after p.Name holding every kernel as
// EmitLLVM emits it, then the top function p.Name (loop.TopName,
// "forward_kernel", for lowered models), which calls the kernels in
// p.Calls' order. The top is
//
//	void forward_kernel(T0* noalias in0, …, Tn* noalias outN)
//
// with one flat row-major pointer per parameter of p, inputs then outputs
// (p.Params' order; after passes/place.Externalize the inputs include the
// weights placed off chip and the outputs the off-chip scratch arrays;
// element types as EmitLLVM's: float for f32 and for
// every narrow float kind, double, i8/i16/i32/i64, bool an i8 0 or 1, a
// fixed<W,I> kind its raw as the integer iW, zero-extended in memory as
// LLVM stores it). The tensors passed between kernels (the top's
// temporaries) are internal zero-initialised globals named <top>.<buffer>,
// not allocas: a model's intermediates can take megabytes. Unlike ir/loop/exec, which zeroes them
// at every run, they are zero once, when the program loads; lowered
// kernels write every element of their outputs, so this makes no
// difference to them.
//
// p is verified first (loop.VerifyProgram). A call that passes a top buffer
// to a kernel's constant parameter is an error (the emitted kernel reads its
// constants from its own globals), and so is a call passing one buffer
// twice when one of them is written (the arguments are noalias). Every
// problem is reported at once. The module passes CheckBambu and
// opt -passes=verify.
func EmitLLVMProgram(p *loop.Program) (string, error) {
	m, err := EmitLLVMProgramModule(p)
	if err != nil {
		return "", err
	}
	return m.String(), nil
}

// EmitLLVMProgramModule is EmitLLVMProgram's module before printing.
func EmitLLVMProgramModule(p *loop.Program) (*ir.Module, error) {
	if p == nil {
		return nil, errors.New("hls: llvm: nil program")
	}
	if err := loop.VerifyProgram(p); err != nil {
		return nil, fmt.Errorf("hls: llvm: %w", err)
	}
	e := newLLEmitter(p.Name)
	defs, err := e.kernels(p.Kernels)
	if err != nil {
		return nil, err
	}
	if llLibm[p.Name] || llAllocators[p.Name] {
		return nil, fmt.Errorf("hls: llvm: program %s: the name of a C library function", p.Name)
	}
	top, err := e.top(p, defs)
	if err != nil {
		return nil, err
	}
	e.finish(append(defs, top))
	return e.m, nil
}

// top emits the program's top function.
func (e *llEmitter) top(p *loop.Program, defs []*ir.Func) (*ir.Func, error) {
	var errs []error
	errorf := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("hls: llvm: program %s: "+format, append([]any{p.Name}, args...)...))
	}
	ptrs := make([]value.Value, len(p.Buffers))
	elems := make([]types.Type, len(p.Buffers))
	for id, b := range p.Buffers {
		t, ok := llType(b.Kind)
		switch {
		case !ok:
			errorf("buffer %s: kind %v is not supported", b.Name, b.Kind)
		case llTooBig(b.Shape):
			errorf("buffer %s: %v elements do not fit i32 indices", b.Name, b.Shape)
		}
		elems[id] = t
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	names := map[string]int{}
	var params []*ir.Param
	for _, id := range p.Params {
		name := llUniqueName(names, p.Buffers[id].Name)
		prm := ir.NewParam(name, types.NewPointer(elems[id]))
		prm.Attrs = append(prm.Attrs, enum.ParamAttrNoAlias)
		params = append(params, prm)
		ptrs[id] = prm
	}
	f := ir.NewFunc(p.Name, types.Void, params...)
	entry := f.NewBlock("entry")
	for id, b := range p.Buffers {
		if b.Role == loop.Temp {
			ptrs[id] = e.tempGlobal(p.Name, b, elems[id])
		}
	}
	for ci, c := range p.Calls {
		args, err := llCallArgs(p, c, ptrs)
		if err != nil {
			errorf("call %d (%s): %v", ci, p.Kernels[c.Kernel].Name, err)
			continue
		}
		entry.NewCall(defs[c.Kernel], args...)
	}
	entry.NewRet(nil)
	return f, errors.Join(errs...)
}

// tempGlobal makes the internal zero-initialised global of a top
// temporary and returns a pointer to its first element.
func (e *llEmitter) tempGlobal(top string, b *loop.Buffer, elem types.Type) value.Value {
	name := top + "." + b.Name
	for n := 1; e.globals[name]; n++ {
		name = fmt.Sprintf("%s.%s.%d", top, b.Name, n)
	}
	e.globals[name] = true
	if b.Rank() == 0 {
		g := e.m.NewGlobalDef(name, constant.NewZeroInitializer(elem))
		g.Linkage = enum.LinkageInternal
		return g
	}
	arr := types.NewArray(uint64(dtype.Size(b.Shape)), elem)
	g := e.m.NewGlobalDef(name, constant.NewZeroInitializer(arr))
	g.Linkage = enum.LinkageInternal
	zero := constant.NewInt(types.I32, 0)
	return constant.NewGetElementPtr(arr, g, zero, zero)
}

// llCallArgs are the pointers a call passes, one per kernel parameter.
func llCallArgs(p *loop.Program, c loop.KernelCall, ptrs []value.Value) ([]value.Value, error) {
	if err := checkCall(p, c); err != nil {
		return nil, err
	}
	args := make([]value.Value, len(c.Args))
	for i, id := range c.Args {
		args[i] = ptrs[id]
	}
	return args, nil
}

// checkCall reports what the emitters cannot pass in a verified call: a
// top buffer for a constant parameter (an emitted kernel holds its
// constants), or one buffer twice when the kernel writes it (the
// arguments are noalias).
func checkCall(p *loop.Program, c loop.KernelCall) error {
	k := p.Kernels[c.Kernel]
	written := map[loop.BufID]bool{}
	count := map[loop.BufID]int{}
	for i, id := range c.Args {
		switch prm := k.Buffers[k.Params[i]]; prm.Role {
		case loop.Constant:
			return fmt.Errorf("passes %s to the constant parameter %s: not supported (the kernel holds its constants)", p.Buffers[id].Name, prm.Name)
		case loop.Output:
			written[id] = true
		}
		count[id]++
	}
	for _, id := range c.Args {
		if count[id] > 1 && written[id] {
			return fmt.Errorf("passes %s twice and writes it (the arguments are noalias)", p.Buffers[id].Name)
		}
	}
	return nil
}

// llUniqueName returns name, or name.N when name is taken.
func llUniqueName(names map[string]int, name string) string {
	n := names[name]
	names[name] = n + 1
	if n == 0 {
		return name
	}
	return fmt.Sprintf("%s.%d", name, n)
}

// helperFuncs are the helpers the kernels call, by name.
func (e *llEmitter) helperFuncs() []*ir.Func {
	fs := make([]*ir.Func, 0, len(e.helpers))
	for _, f := range e.helpers {
		fs = append(fs, f)
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].Name() < fs[j].Name() })
	return fs
}
