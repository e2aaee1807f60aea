package hls

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// EmitLLVM returns the LLVM IR (LLVM 14 text, typed pointers) of a module
// named name holding one void function per kernel, in order. Inputs and
// outputs are the functions' arguments, in the kernels' parameter order,
// each a flat row-major noalias pointer; constants are internal constant
// globals named <kernel>.<buffer>; temporaries are allocas in the entry
// block, zeroed as ir/loop/exec's are. A value of a fixed kind fixed<W,I>
// is its raw, an integer of exactly W bits, everywhere (see llvm_fixed.go).
// Every problem of every kernel is reported at once. The module passes
// CheckBambu.
func EmitLLVM(name string, kernels []*loop.Kernel) (string, error) {
	m, err := EmitLLVMModule(name, kernels)
	if err != nil {
		return "", err
	}
	return m.String(), nil
}

// EmitLLVMModule is EmitLLVM's module before printing.
func EmitLLVMModule(name string, kernels []*loop.Kernel) (*ir.Module, error) {
	e := newLLEmitter(name)
	defs, err := e.kernels(kernels)
	if err != nil {
		return nil, err
	}
	e.finish(defs)
	return e.m, nil
}

func newLLEmitter(name string) *llEmitter {
	m := ir.NewModule()
	m.SourceFilename = name
	return &llEmitter{m: m, libm: map[string]*ir.Func{}, globals: map[string]bool{}, helpers: map[string]*ir.Func{}}
}

// kernels emits one function per kernel, in order.
func (e *llEmitter) kernels(kernels []*loop.Kernel) ([]*ir.Func, error) {
	var errs []error
	seen := map[string]bool{}
	var defs []*ir.Func
	for _, k := range kernels {
		switch {
		case k == nil:
			errs = append(errs, errors.New("hls: llvm: nil kernel"))
			continue
		case seen[k.Name]:
			errs = append(errs, fmt.Errorf("hls: llvm: kernel %s: defined twice", k.Name))
			continue
		case llLibm[k.Name] || llLibm[k.Name+"f"] || llAllocators[k.Name] || strings.HasPrefix(k.Name, "kiln."):
			errs = append(errs, fmt.Errorf("hls: llvm: kernel %s: the name of a C library function", k.Name))
			continue
		}
		seen[k.Name] = true
		f, err := e.kernel(k)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		defs = append(defs, f)
	}
	return defs, errors.Join(errs...)
}

// finish sets the module's functions: the definitions given, the helpers
// the definitions call, then the libm declarations by name.
func (e *llEmitter) finish(defs []*ir.Func) {
	decls := make([]*ir.Func, 0, len(e.libm))
	for _, f := range e.libm {
		decls = append(decls, f)
	}
	sort.Slice(decls, func(i, j int) bool { return decls[i].Name() < decls[j].Name() })
	e.m.Funcs = append(append(defs, e.helperFuncs()...), decls...)
}

// llEmitter builds one module.
type llEmitter struct {
	m       *ir.Module
	libm    map[string]*ir.Func // declared libm functions by name
	globals map[string]bool     // the names of the globals made so far
	helpers map[string]*ir.Func // the rounding helpers defined so far, by name
}

// llKernel is the state of one kernel's function while it is emitted.
type llKernel struct {
	e     *llEmitter
	k     *loop.Kernel
	f     *ir.Func
	entry *ir.Block
	cur   *ir.Block // the block that instructions go to
	bufs  []llBuf   // indexed by BufID
	vars  []*ir.InstPhi
	names map[string]int // block and value names used, for uniqueness
	errs  []error
}

// llBuf is where a buffer lives in the function.
type llBuf struct {
	ptr   value.Value      // a pointer argument, a global or an alloca
	array *types.ArrayType // non-nil when ptr points to an array (global, alloca of rank ≥ 1)
	elem  types.Type
}

// llType is the memory type of an element of kind k: narrow floats are
// floats holding a value of their kind, sub-byte integers bytes holding a
// value of theirs, fixed<W,I> the integer iW holding its raw; ok is false
// for the kinds that cannot be computed on.
func llType(k dtype.Kind) (types.Type, bool) {
	if f, ok := k.Fixed(); ok {
		return llFixedType(f), llFixedOK(f)
	}
	switch {
	case k.Class() == dtype.ClassFloat:
		return types.Float, true
	case isSubByte(k):
		return types.I8, true
	}
	switch k {
	case dtype.F64:
		return types.Double, true
	case dtype.I8, dtype.U8, dtype.Bool:
		return types.I8, true
	case dtype.I16, dtype.U16:
		return types.I16, true
	case dtype.I32, dtype.U32:
		return types.I32, true
	case dtype.I64, dtype.U64:
		return types.I64, true
	}
	return nil, false
}

// llValueType is the register type of a value of kind k (bool is i1).
func llValueType(k dtype.Kind) types.Type {
	if k == dtype.Bool {
		return types.I1
	}
	t, _ := llType(k)
	return t
}

func (e *llEmitter) kernel(k *loop.Kernel) (*ir.Func, error) {
	kc := &llKernel{e: e, k: k, bufs: make([]llBuf, len(k.Buffers)), vars: make([]*ir.InstPhi, len(k.Vars)), names: map[string]int{}}
	params := kc.params()
	if len(kc.errs) > 0 {
		return nil, errors.Join(kc.errs...)
	}
	kc.f = ir.NewFunc(k.Name, types.Void, params...)
	kc.entry = kc.block("entry")
	kc.cur = kc.entry
	kc.storage()
	kc.stmts(k.Body)
	kc.cur.NewRet(nil)
	if len(kc.errs) > 0 {
		return nil, errors.Join(kc.errs...)
	}
	return kc.f, nil
}

func (kc *llKernel) errorf(format string, args ...any) {
	kc.errs = append(kc.errs, fmt.Errorf("hls: llvm: kernel %s: "+format, append([]any{kc.k.Name}, args...)...))
}

// params checks every buffer's kind and makes the pointer arguments of the
// kernel's inputs and outputs.
func (kc *llKernel) params() []*ir.Param {
	for id, b := range kc.k.Buffers {
		if b == nil {
			kc.errorf("buffer %d is nil", id)
			continue
		}
		t, ok := llType(b.Kind)
		switch {
		case llTooBig(b.Shape):
			kc.errorf("buffer %s: %v elements do not fit i32 indices", b.Name, b.Shape)
		case ok:
			kc.bufs[id].elem = t
		default:
			kc.errorf("buffer %s: kind %v is not supported", b.Name, b.Kind)
		}
	}
	var params []*ir.Param
	for i, id := range kc.k.Params {
		if id < 0 || int(id) >= len(kc.k.Buffers) || kc.k.Buffers[id] == nil {
			kc.errorf("parameter %d is unknown buffer %d", i, id)
			continue
		}
		b := kc.k.Buffers[id]
		if b.Role != loop.Input && b.Role != loop.Output {
			continue // constants become globals
		}
		if kc.bufs[id].elem == nil {
			continue
		}
		p := ir.NewParam(kc.unique(b.Name), types.NewPointer(kc.bufs[id].elem))
		p.Attrs = append(p.Attrs, enum.ParamAttrNoAlias)
		params = append(params, p)
		kc.bufs[id].ptr = p
	}
	for _, b := range kc.k.Buffers {
		if b != nil && (b.Role == loop.Input || b.Role == loop.Output) && !llIsParam(kc.k, b) {
			kc.errorf("%v buffer %s is not a parameter", b.Role, b.Name)
		}
	}
	return params
}

// llTooBig reports whether a shape has a dimension below 0 or more
// elements than an i32 index reaches.
func llTooBig(shape []int) bool {
	n := 1
	for _, d := range shape {
		if d < 0 || d > math.MaxInt32 || n*d > math.MaxInt32 {
			return true
		}
		n *= d
	}
	return false
}

func llIsParam(k *loop.Kernel, b *loop.Buffer) bool {
	for _, id := range k.Params {
		if id >= 0 && int(id) < len(k.Buffers) && k.Buffers[id] == b {
			return true
		}
	}
	return false
}

// storage makes the globals of the constants and the allocas of the
// temporaries, and zeroes the temporaries.
func (kc *llKernel) storage() {
	for id, b := range kc.k.Buffers {
		lb := &kc.bufs[id]
		switch b.Role {
		case loop.Constant:
			kc.global(b, lb)
		case loop.Temp:
			if b.Rank() == 0 {
				lb.ptr = kc.entry.NewAlloca(lb.elem)
			} else {
				lb.array = types.NewArray(uint64(dtype.Size(b.Shape)), lb.elem)
				lb.ptr = kc.entry.NewAlloca(lb.array)
			}
			lb.ptr.(*ir.InstAlloca).SetName(kc.unique(b.Name))
		}
	}
	for id, b := range kc.k.Buffers {
		if b.Role == loop.Temp {
			kc.zero(loop.BufID(id))
		}
	}
}

// global makes the internal constant global holding a constant's values.
func (kc *llKernel) global(b *loop.Buffer, lb *llBuf) {
	a := b.Init
	if a == nil || a.Kind != b.Kind || a.Len() != dtype.Size(b.Shape) {
		kc.errorf("constant %s has no data of its kind and size", b.Name)
		return
	}
	elems := make([]constant.Constant, a.Len())
	for i := range elems {
		elems[i] = llElem(a, i, lb.elem)
	}
	lb.array = types.NewArray(uint64(len(elems)), lb.elem)
	name := kc.k.Name + "." + b.Name
	for n := 1; kc.e.globals[name]; n++ {
		name = fmt.Sprintf("%s.%s.%d", kc.k.Name, b.Name, n)
	}
	kc.e.globals[name] = true
	g := kc.e.m.NewGlobalDef(name, constant.NewArray(lb.array, elems...))
	g.Linkage = enum.LinkageInternal
	g.Immutable = true
	lb.ptr = g
}

// llElem is element i of a as a constant of memory type t.
func llElem(a *dtype.Array, i int, t types.Type) constant.Constant {
	switch a.Kind.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		return &llFloat{t: t.(*types.FloatType), v: a.At(i)}
	case dtype.ClassBool:
		if a.Bool[i] {
			return constant.NewInt(types.I8, 1)
		}
		return constant.NewInt(types.I8, 0)
	case dtype.ClassFixed:
		f, _ := a.Kind.Fixed()
		return llFixedConst(f, dtype.WrapRaw(f, a.I64[i]))
	}
	return constant.NewInt(t.(*types.IntType), a.Int(i))
}

// unique returns name, or name.N when name is taken in this function.
func (kc *llKernel) unique(name string) string {
	n := kc.names[name]
	kc.names[name] = n + 1
	if n == 0 {
		return name
	}
	return fmt.Sprintf("%s.%d", name, n)
}

// block appends a new block named after name to the function.
func (kc *llKernel) block(name string) *ir.Block {
	return kc.f.NewBlock(kc.unique(name))
}
