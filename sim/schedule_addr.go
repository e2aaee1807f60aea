package sim

import "github.com/kiln-hls/kiln/ir/loop"

// Addresses. Bambu computes the address of an access with a pointer-plus
// unit (ui_pointer_plus_expr_FU, a 32-bit adder: the base plus the
// offset) before the memory port sees it; an address is computed once per
// block however many accesses use it. Evidence: the tutorial's logs
// (bambu-logs/*/{baseline,optimized}/bambu-log, "Summary of resources")
// list 17 ui_pointer_plus_expr_FU in the baseline, whose loop body reads
// 17 elements (C[i][j], 8 of A, 8 of B; its 8 stores of C reuse the
// address of the load), and 77 in the optimized kernel, which reads 80
// distinct elements, three of them at offset 0 of their argument (A[0][0],
// B[0][0], C[0][0]: the pointer itself, no adder). So: an access needs an
// address adder unless its address is a constant — an on-chip memory at
// a constant index, an argument behind an interface of its own
// (ArrayInterface: the interface takes the element's offset) at a
// constant index — or an argument's pointer (offset 0). The adder is costed
// as the device's 32-bit unsigned add (the tables have no pointer-plus
// row); it chains into the access when both delays fit the period (at
// 10 ns they do, at 2 ns on nangate45 they do not, which puts the access
// one state later).

// addrKey is an address's entry in a block's table.
type addrKey struct {
	slot int32 // the adder
	idx  []loop.Index
}

// address is the value of the adder that computes the address of element
// idx of buffer id (its data-dependent parts dyn), −1 when none is needed.
func (b *blk) address(id loop.BufID, idx []loop.Index, dyn []int32) int32 {
	k := b.m.addrID()
	if k < 0 {
		return -1
	}
	constant, zero := len(dyn) == 0, true
	for _, x := range idx {
		if x.Dyn != nil || !x.Aff.IsConst() {
			constant, zero = false, false
			break
		}
		zero = zero && x.Aff.Const == 0
	}
	if constant && (zero || !b.m.ext[id] || b.m.cfg.Interface != SharedInterface) {
		return -1
	}
	key := cseKey{k: -1 - int32(id), x: idxKey(idx)} // apart from cseKey's operation IDs
	if len(dyn) == 0 {
		if i, ok := b.cse.get(key); ok {
			if _, same := mayAlias(b.addrs[i].idx, idx); same {
				return b.addrs[i].slot
			}
		}
	}
	v := b.s.place(k, b.m.costs.cost(k), 32, -1, 0, dyn...)
	if _, ok := b.cse.get(key); len(dyn) == 0 && !ok {
		b.cse.put(key, int32(len(b.addrs)))
		b.addrs = append(b.addrs, addrKey{slot: v, idx: idx})
	}
	return v
}

// addrID is the address adder's operation ID, −1 when the cost tables
// have no 32-bit unsigned add (a test's table): then no adders are placed.
func (m *kmodel) addrID() int32 {
	c := m.costs
	if c.addr == 0 {
		c.addr = -1
		t := vtype{typ: tUint, bits: 32}
		if _, err := c.cfg.Costs.OpCost(OpKey{Op: opNames[opAdd], Type: typeNames[t.typ], Bits: t.bits}, c.cfg.ClockNS); err == nil {
			c.addr = c.id(opAdd, t) + 1
		}
	}
	if r := c.sc.rec; r != nil { // a trace notes the answer, and the kind as id would
		r.adder(c.addr, kind{opAdd, vtype{typ: tUint, bits: 32}})
	}
	return c.addr - 1
}
