package place

import (
	"errors"
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/loop"
)

// Externalize returns a copy of p in which every kernel buffer placed off
// chip that is not already a parameter of its kernel becomes one, backed
// by a new parameter of the top: the top's pointer argument, as SODA's
// kernels take their arrays. p is untouched; the result verifies and,
// given the new arguments below, ir/loop/exec computes from it what it
// computes from p, bit for bit. Run it last, after placement (and after
// sim and anything else that reads a kernel constant's data: the kernel's
// copy of a weight loses its data, see below).
//
//   - A constant (a weight) becomes an input parameter of its kernel
//     (Role Input, no data: its values come through the pointer) and of
//     the top: a new top buffer, Role Input, Space OffChip, that keeps the
//     constant's data in Init. A top input with data is a weight: the
//     emitters make it a pointer argument like the model's inputs, the
//     testbench fills it from a file kiln writes, and a caller of exec
//     passes its Init. loop.VerifyProgram allows no constant in the top,
//     hence Input; it does not look at a top buffer's Init. Every call of
//     the kernel passes the same top buffer. The weights come after the
//     model's inputs and before its outputs in the top's parameters, so
//     that the top's parameters stay inputs first, then outputs.
//   - Except a constant read in an index or a loop bound (a sparse
//     matrix's CSR row pointers and columns): loop.Verify and the
//     emitters prove the indices in bounds from its data, so it stays in
//     its kernel (an internal constant) whatever its space says. Apply
//     never places one off chip (an override asking is refused); only a
//     program written by hand can.
//   - A temporary becomes an output parameter of its kernel and of the
//     top (Role Output, Space OffChip): scratch memory the caller
//     provides, zero before the call (exec and the testbench start
//     outputs at zero; a driver must clear it). Each call gets its own top
//     buffer, so that each starts at zero as the temporary did. These come
//     last among the top's parameters.
//
// New top buffers are named KERNEL_BUFFER (a suffix _2, _3 … when taken);
// BufferTensors, when p has it, gets "" for each. A program with nothing
// off chip outside the parameters comes back as a copy equal to p.
func Externalize(p *loop.Program) (*loop.Program, error) {
	if p == nil {
		return nil, errors.New("place: externalize: no program")
	}
	if err := loop.VerifyProgram(p); err != nil {
		return nil, fmt.Errorf("place: externalize: program %s: the input does not verify: %w", p.Name, err)
	}
	x := newExternalizer(p)
	for ki := range p.Kernels {
		x.kernel(ki)
	}
	q := x.program()
	if err := loop.VerifyProgram(q); err != nil {
		return nil, fmt.Errorf("place: externalize: program %s: the result does not verify: %w", p.Name, err)
	}
	return q, nil
}

// IsWeight reports whether top buffer b is a weight Externalize moved to
// the top: an input that holds data.
func IsWeight(b *loop.Buffer) bool {
	return b != nil && b.Role == loop.Input && b.Init != nil
}

// externalizer builds Externalize's result.
type externalizer struct {
	p       *loop.Program
	q       loop.Program
	names   map[string]bool
	weights []loop.BufID // new top inputs
	scratch []loop.BufID // new top outputs
}

func newExternalizer(p *loop.Program) *externalizer {
	x := &externalizer{p: p, q: *p, names: map[string]bool{}}
	x.q.Buffers = slices.Clone(p.Buffers)
	x.q.Kernels = slices.Clone(p.Kernels)
	x.q.Calls = make([]loop.KernelCall, len(p.Calls))
	for i, c := range p.Calls {
		x.q.Calls[i] = loop.KernelCall{Kernel: c.Kernel, Args: slices.Clone(c.Args)}
	}
	if p.BufferTensors != nil {
		x.q.BufferTensors = slices.Clone(p.BufferTensors)
	}
	for _, b := range p.Buffers {
		x.names[b.Name] = true
	}
	return x
}

// kernel moves kernel ki's off-chip constants and temporaries to
// parameters.
func (x *externalizer) kernel(ki int) {
	k := x.p.Kernels[ki]
	param := make([]bool, len(k.Buffers))
	for _, id := range k.Params {
		param[id] = true
	}
	indexing := indexBuffers(k)
	var n *loop.Kernel
	for id, b := range k.Buffers {
		if param[id] || b.Space != loop.OffChip || (b.Role != loop.Constant && b.Role != loop.Temp) {
			continue
		}
		if b.Role == loop.Constant && indexing[id] {
			continue // its data proves indices in bounds: it stays the kernel's
		}
		if n == nil {
			c := *k
			c.Buffers = slices.Clone(k.Buffers)
			c.Params = slices.Clone(k.Params)
			n = &c
		}
		kb := *b
		kb.Init = nil
		kb.Role = loop.Input
		if b.Role == loop.Temp {
			kb.Role = loop.Output
		}
		n.Buffers[id] = &kb
		n.Params = append(n.Params, loop.BufID(id))
		x.bind(ki, k.Name, b)
	}
	if n != nil {
		x.q.Kernels[ki] = n
	}
}

// bind adds the top buffers behind kernel ki's new parameter b (its
// original declaration) and passes them in every call of the kernel.
func (x *externalizer) bind(ki int, kname string, b *loop.Buffer) {
	shared := loop.BufID(-1)
	for ci := range x.q.Calls {
		c := &x.q.Calls[ci]
		if c.Kernel != ki {
			continue
		}
		if b.Role == loop.Constant && shared >= 0 {
			c.Args = append(c.Args, shared)
			continue
		}
		tb := &loop.Buffer{Name: x.name(kname + "_" + b.Name), Kind: b.Kind, Shape: slices.Clone(b.Shape), Space: loop.OffChip}
		id := loop.BufID(len(x.q.Buffers))
		if b.Role == loop.Constant {
			tb.Role, tb.Init = loop.Input, b.Init
			x.weights = append(x.weights, id)
			shared = id
		} else {
			tb.Role = loop.Output
			x.scratch = append(x.scratch, id)
		}
		x.q.Buffers = append(x.q.Buffers, tb)
		if x.q.BufferTensors != nil {
			x.q.BufferTensors = append(x.q.BufferTensors, "")
		}
		c.Args = append(c.Args, id)
	}
}

// name is base, or base_N, not yet a top buffer's name.
func (x *externalizer) name(base string) string {
	s := base
	for n := 2; x.names[s]; n++ {
		s = fmt.Sprintf("%s_%d", base, n)
	}
	x.names[s] = true
	return s
}

// program is the result: the top's parameters are the model's inputs,
// the weights, the model's outputs, then the scratch buffers.
func (x *externalizer) program() *loop.Program {
	q := x.q
	var ins, outs []loop.BufID
	for _, id := range x.p.Params {
		if x.p.Buffers[id].Role == loop.Input {
			ins = append(ins, id)
		} else {
			outs = append(outs, id)
		}
	}
	q.Params = slices.Concat(ins, x.weights, outs, x.scratch)
	return &q
}

// indexBuffers marks the buffers of k read in an index or a loop bound.
func indexBuffers(k *loop.Kernel) []bool {
	marked := make([]bool, len(k.Buffers))
	markIndex := func(ix []loop.Index) {
		for _, i := range ix {
			if i.Dyn == nil {
				continue
			}
			loop.WalkExpr(i.Dyn, func(e loop.Expr) {
				if l, ok := e.(*loop.Load); ok && int(l.Buf) >= 0 && int(l.Buf) < len(marked) {
					marked[l.Buf] = true
				}
			})
		}
	}
	var walk func(body []loop.Stmt)
	walk = func(body []loop.Stmt) {
		for _, s := range body {
			switch s := s.(type) {
			case *loop.For:
				markIndex([]loop.Index{s.Lo, s.Hi})
				walk(s.Body)
			case *loop.Store:
				markIndex(s.Index)
			case *loop.If:
				walk(s.Then)
				walk(s.Else)
			}
		}
	}
	walk(k.Body)
	loop.WalkExprs(k.Body, func(e loop.Expr) {
		if l, ok := e.(*loop.Load); ok {
			markIndex(l.Index)
		}
	})
	return marked
}
