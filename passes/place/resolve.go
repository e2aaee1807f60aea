package place

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/ir/loop"
)

// resolveOverrides attaches each override to its item. Every unknown name,
// misplaced space and contradiction is reported, joined.
func resolveOverrides(p *loop.Program, items []*item, opt Options) error {
	if len(opt.Overrides) == 0 {
		return nil
	}
	byKey := map[[2]int]*item{}
	for _, it := range items {
		byKey[[2]int{it.kernel, int(it.id)}] = it
	}
	var errs []error
	for i := range opt.Overrides {
		o := &opt.Overrides[i]
		it, err := find(p, byKey, o)
		if err == nil {
			err = fits(it, o, opt.Capacity)
		}
		if err == nil && it.ov != nil && (it.ov.Space != o.Space || it.ov.Memory != o.Memory) {
			err = fmt.Errorf("the buffer is already placed by %s", it.ov.where())
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: place: %w", o.where(), err))
			continue
		}
		it.ov = o
	}
	return errors.Join(errs...)
}

// find is the item an override names.
func find(p *loop.Program, byKey map[[2]int]*item, o *Override) (*item, error) {
	if o.Kernel == "" {
		if id, ok := topBuffer(p, o.Buffer); ok {
			return byKey[[2]int{-1, id}], nil
		}
		return nil, fmt.Errorf("no buffer %q in the top %s (it has %s)%s", o.Buffer, p.Name, topNames(p), kernelsHolding(p, o.Buffer))
	}
	ki, err := kernelIndex(p, o.Kernel)
	if err != nil {
		return nil, err
	}
	k := p.Kernels[ki]
	id, ok := k.Buffer(o.Buffer)
	if !ok {
		names := make([]string, len(k.Buffers))
		for i, b := range k.Buffers {
			names[i] = b.Name
		}
		return nil, fmt.Errorf("kernel %s has no buffer %q (it has %s)", k.Name, o.Buffer, strings.Join(names, ", "))
	}
	if it := byKey[[2]int{ki, int(id)}]; it != nil {
		return it, nil
	}
	return nil, fmt.Errorf("%s is a parameter of kernel %s: it lives where the top buffer passed to it does (%s); override that one by its name",
		o.Buffer, k.Name, argsOf(p, ki, id))
}

func topBuffer(p *loop.Program, name string) (int, bool) {
	for id, b := range p.Buffers {
		if b.Name == name {
			return id, true
		}
	}
	return 0, false
}

func topNames(p *loop.Program) string {
	names := make([]string, len(p.Buffers))
	for i, b := range p.Buffers {
		names[i] = b.Name
	}
	return strings.Join(names, ", ")
}

// kernelsHolding hints at KERNEL.BUFFER when a kernel has the buffer.
func kernelsHolding(p *loop.Program, name string) string {
	var ks []string
	for _, k := range p.Kernels {
		if _, ok := k.Buffer(name); ok {
			ks = append(ks, k.Name+"."+name)
		}
	}
	if len(ks) == 0 {
		return ""
	}
	return "; a kernel's buffer is KERNEL.BUFFER: " + strings.Join(ks, ", ")
}

// argsOf names the top buffers the calls of kernel ki pass as its buffer id.
func argsOf(p *loop.Program, ki int, id loop.BufID) string {
	var names []string
	i := slices.Index(p.Kernels[ki].Params, id)
	for _, c := range p.Calls {
		if c.Kernel == ki && i >= 0 && i < len(c.Args) {
			if n := p.Buffers[c.Args[i]].Name; !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return "no call passes one"
	}
	return strings.Join(names, ", ")
}

// kernelIndex is the kernel that name means: a kernel of that name, or the
// one kernel that computes the ONNX node name (as passes/loops reads a
// step's kernel).
func kernelIndex(p *loop.Program, name string) (int, error) {
	for i, k := range p.Kernels {
		if k.Name == name {
			return i, nil
		}
	}
	var found []int
	for i, nodes := range p.KernelNodes {
		if i < len(p.Kernels) && slices.Contains(nodes, name) {
			found = append(found, i)
		}
	}
	names := func(idx []int) string {
		var s []string
		for _, i := range idx {
			s = append(s, p.Kernels[i].Name)
		}
		return strings.Join(s, ", ")
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		all := make([]int, len(p.Kernels))
		for i := range all {
			all[i] = i
		}
		return 0, fmt.Errorf("program %s: no kernel %q (it has %s)", p.Name, name, names(all))
	}
	return 0, fmt.Errorf("program %s: ONNX node %q is computed by several kernels (%s); name one", p.Name, name, names(found))
}

// fits refuses an override whose space the buffer or the device cannot
// have (a capacity it exceeds is found when placing).
func fits(it *item, o *Override, c Capacity) error {
	switch {
	case o.Space == loop.ROM && it.b.Role != loop.Constant:
		return fmt.Errorf("rom holds constants; %s is %v", it.b.Name, it.b.Role)
	case o.Space == loop.OffChip && it.index:
		return fmt.Errorf("%s cannot go off chip: it is %s", it.b.Name, whyIndex)
	case o.Space == loop.Register && it.kernel < 0:
		return fmt.Errorf("%s is a buffer of the top, passed to kernels: it lives in memory (ram or offchip), not in registers", it.b.Name)
	case o.Memory == URAM && c.URAM == 0:
		return fmt.Errorf("the device has no UltraRAM (%s)", c)
	case o.Memory == URAM && it.b.Role == loop.Constant:
		return fmt.Errorf("%s is a constant and an UltraRAM cannot be initialised (AMD UG573): use bram or rom", it.b.Name)
	case o.Memory == BRAM && c.BRAM36 == 0:
		return fmt.Errorf("the device has no block RAM (%s)", c)
	}
	return nil
}
