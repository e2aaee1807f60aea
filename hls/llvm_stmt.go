package hls

import (
	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/metadata"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

func (kc *llKernel) stmts(body []loop.Stmt) {
	for _, s := range body {
		kc.stmt(s)
	}
}

func (kc *llKernel) stmt(s loop.Stmt) {
	switch s := s.(type) {
	case *loop.For:
		kc.forStmt(s)
	case *loop.If:
		kc.ifStmt(s)
	case *loop.Store:
		kc.store(s)
	default:
		kc.errorf("unknown statement %T", s)
	}
}

// forStmt emits a loop as explicit blocks: the bounds are computed once
// before it, the header holds the variable (a phi) and the test, the latch
// steps it.
func (kc *llKernel) forStmt(f *loop.For) {
	if f.Var < 0 || int(f.Var) >= len(kc.vars) {
		kc.errorf("unknown loop variable %d", f.Var)
		return
	}
	if f.Step <= 0 {
		kc.errorf("loop over %s: step %d", kc.k.Vars[f.Var].Name, f.Step)
		return
	}
	lo, hi := kc.index(f.Lo), kc.index(f.Hi)
	if lo == nil || hi == nil {
		return
	}
	kc.loop(kc.k.Vars[f.Var].Name, lo, hi, f.Step, f.Dir.Unroll, func(v *ir.InstPhi) {
		kc.vars[f.Var] = v
		kc.stmts(f.Body)
		kc.vars[f.Var] = nil
	})
}

// loop emits for (v = lo; v < hi; v += step) body(v) over i32; unroll is
// the loop's directive (0, a factor or loop.UnrollFull).
func (kc *llKernel) loop(name string, lo, hi value.Value, step, unroll int, body func(v *ir.InstPhi)) {
	header, bodyB, latch, exit := kc.block(name+".header"), kc.block(name+".body"), kc.block(name+".latch"), kc.block(name+".exit")
	pre := kc.cur
	pre.NewBr(header)
	v := header.NewPhi(ir.NewIncoming(lo, pre))
	v.SetName(kc.unique(name))
	header.NewCondBr(header.NewICmp(enum.IPredSLT, v, hi), bodyB, exit)
	kc.cur = bodyB
	body(v)
	kc.cur.NewBr(latch)
	kc.moveLast(latch)
	kc.moveLast(exit)
	next := latch.NewAdd(v, constant.NewInt(types.I32, int64(step)))
	next.SetName(kc.unique(name + ".next"))
	v.Incs = append(v.Incs, ir.NewIncoming(next, latch))
	br := latch.NewBr(header)
	if md := kc.e.unroll(unroll); md != nil {
		br.Metadata = append(br.Metadata, &metadata.Attachment{Name: "llvm.loop", Node: md})
	}
	kc.cur = exit
}

// unroll makes the loop metadata of an unroll directive, which LLVM's
// unroller and Bambu read: llvm.loop.unroll.count n, or
// llvm.loop.unroll.full; nil for none.
func (e *llEmitter) unroll(n int) *metadata.Tuple {
	var hint *metadata.Tuple
	switch {
	case n == loop.UnrollFull:
		hint = &metadata.Tuple{Fields: []metadata.Field{&metadata.String{Value: "llvm.loop.unroll.full"}}}
	case n >= 2:
		hint = &metadata.Tuple{Fields: []metadata.Field{&metadata.String{Value: "llvm.loop.unroll.count"},
			constant.NewInt(types.I32, int64(n))}}
	default:
		return nil
	}
	self := &metadata.Tuple{Distinct: true}
	self.Fields = []metadata.Field{self, hint}
	self.MetadataID = metadata.MetadataID(len(e.m.MetadataDefs))
	hint.MetadataID = self.MetadataID + 1
	e.m.MetadataDefs = append(e.m.MetadataDefs, self, hint)
	return self
}

func (kc *llKernel) ifStmt(s *loop.If) {
	cond, k := kc.expr(s.Cond)
	if cond == nil {
		return
	}
	if k != dtype.Bool {
		kc.errorf("if condition is %v, not bool", k)
		return
	}
	then, end := kc.block("if.then"), kc.block("if.end")
	els := end
	if len(s.Else) > 0 {
		els = kc.block("if.else")
	}
	kc.cur.NewCondBr(cond, then, els)
	kc.cur = then
	kc.stmts(s.Then)
	kc.cur.NewBr(end)
	if len(s.Else) > 0 {
		kc.cur = els
		kc.stmts(s.Else)
		kc.cur.NewBr(end)
	}
	// Keep the end block after the arms, so blocks print in program order.
	kc.moveLast(end)
	kc.cur = end
}

// moveLast moves b to the end of the function's blocks.
func (kc *llKernel) moveLast(b *ir.Block) {
	bs := kc.f.Blocks
	for i, x := range bs {
		if x == b {
			copy(bs[i:], bs[i+1:])
			bs[len(bs)-1] = b
			return
		}
	}
}

func (kc *llKernel) store(s *loop.Store) {
	ptr, b := kc.address(s.Buf, s.Index)
	v, k := kc.expr(s.Value)
	if ptr == nil || v == nil {
		return
	}
	if k != b.Kind {
		kc.errorf("stores a %v value into %v buffer %s", k, b.Kind, b.Name)
		return
	}
	kc.storeValue(v, k, ptr)
}

// storeValue stores v of kind k at ptr; a bool is stored as an i8 0 or 1.
func (kc *llKernel) storeValue(v value.Value, k dtype.Kind, ptr value.Value) {
	if k == dtype.Bool {
		v = kc.cur.NewZExt(v, types.I8)
	}
	kc.cur.NewStore(v, ptr)
}

// zero stores zeros into a temporary, as ir/loop/exec starts them.
func (kc *llKernel) zero(id loop.BufID) {
	b, lb := kc.k.Buffers[id], kc.bufs[id]
	z := llZero(b.Kind)
	if lb.array == nil {
		kc.storeValue(z, b.Kind, lb.ptr)
		return
	}
	n := constant.NewInt(types.I32, int64(dtype.Size(b.Shape)))
	kc.loop(b.Name+".zero", constant.NewInt(types.I32, 0), n, 1, 0, func(v *ir.InstPhi) {
		p := kc.cur.NewGetElementPtr(lb.array, lb.ptr, constant.NewInt(types.I32, 0), v)
		kc.storeValue(z, b.Kind, p)
	})
}

// llZero is the zero of kind k as a register value.
func llZero(k dtype.Kind) constant.Constant {
	switch t := llValueType(k).(type) {
	case *types.FloatType:
		return constant.NewFloat(t, 0)
	case *types.IntType:
		return constant.NewInt(t, 0)
	}
	return nil
}

// index computes a loop bound or one index as an i32: the affine part over
// the loop variables plus the data-dependent part.
func (kc *llKernel) index(x loop.Index) value.Value {
	var sum value.Value
	add := func(v value.Value) {
		if sum == nil {
			sum = v
		} else {
			sum = kc.cur.NewAdd(sum, v)
		}
	}
	for _, t := range x.Aff.Terms {
		if t.Var < 0 || int(t.Var) >= len(kc.vars) || kc.vars[t.Var] == nil {
			kc.errorf("loop variable %d used outside its loop", t.Var)
			return nil
		}
		var v value.Value = kc.vars[t.Var]
		if t.Coeff != 1 {
			v = kc.cur.NewMul(constant.NewInt(types.I32, int64(t.Coeff)), v)
		}
		add(v)
	}
	if x.Dyn != nil {
		d, k := kc.expr(x.Dyn)
		if d == nil {
			return nil
		}
		if !k.IsInt() {
			kc.errorf("%v index (want an integer kind)", k)
			return nil
		}
		add(kc.intConvert(d, k, dtype.I32))
	}
	switch {
	case sum == nil:
		return constant.NewInt(types.I32, int64(x.Aff.Const))
	case x.Aff.Const != 0:
		return kc.cur.NewAdd(sum, constant.NewInt(types.I32, int64(x.Aff.Const)))
	}
	return sum
}

// address computes the pointer to an element: the row-major offset from
// the indices, then a getelementptr.
func (kc *llKernel) address(id loop.BufID, index []loop.Index) (value.Value, *loop.Buffer) {
	if id < 0 || int(id) >= len(kc.k.Buffers) {
		kc.errorf("unknown buffer %d", id)
		return nil, nil
	}
	b, lb := kc.k.Buffers[id], kc.bufs[id]
	if len(index) != b.Rank() {
		kc.errorf("%s has rank %d, accessed with %d indices", b.Name, b.Rank(), len(index))
		return nil, nil
	}
	if lb.ptr == nil {
		return nil, nil // its error is reported
	}
	if b.Rank() == 0 && lb.array == nil {
		return lb.ptr, b
	}
	var off value.Value
	strides := dtype.Strides(b.Shape)
	for d, x := range index {
		v := kc.index(x)
		if v == nil {
			return nil, nil
		}
		if strides[d] != 1 {
			v = kc.cur.NewMul(v, constant.NewInt(types.I32, int64(strides[d])))
		}
		if off == nil {
			off = v
		} else {
			off = kc.cur.NewAdd(off, v)
		}
	}
	if off == nil {
		off = constant.NewInt(types.I32, 0)
	}
	if lb.array != nil {
		return kc.cur.NewGetElementPtr(lb.array, lb.ptr, constant.NewInt(types.I32, 0), off), b
	}
	return kc.cur.NewGetElementPtr(lb.elem, lb.ptr, off), b
}
