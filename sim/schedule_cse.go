package sim

import (
	"math"

	"github.com/kiln-hls/kiln/ir/loop"
)

// Common subexpressions. LLVM -O2 (EarlyCSE, GVN) computes an operation
// once when the same operator meets the same values again in a block, and
// SODA's pipeline runs CSE after its unrolling (polybench_kernels.md §3
// step 5): in gemm's unrolled body alpha * A_l[i, k] is the same for every
// j copy (testdata/polybench/README.md). A binary operation is looked up
// by its operator, type and operands — values of the block, constants by
// value, scalars from before the block by buffer — commutative ones with
// their operands in either order; anything else is never merged.

// cseKey names a binary operation by what it computes.
type cseKey struct {
	k    int32 // operation ID (costCache)
	x, y uint64
}

// operandKey names an operand: a value of the block (v ≥ 0), a constant,
// or a rank-0 register buffer's value from before the block; ok is false
// for anything else.
func (b *blk) operandKey(v int32, e loop.Expr) (uint64, bool) {
	switch {
	case v >= 0:
		return uint64(v) << 2, true
	case v != -1:
		return 0, false
	}
	switch e := e.(type) {
	case *loop.Const:
		h := uint64(e.Kind)*1000003 ^ math.Float64bits(e.Float)
		return (h*1000003^uint64(e.Int))<<2 | 1, true
	case *loop.Load:
		if buf := b.m.k.Buffers[e.Buf]; buf.Rank() == 0 && b.m.mem[e.Buf] == memReg {
			return uint64(e.Buf)<<2 | 2, true
		}
	}
	return 0, false
}

// commutes reports whether x op y = y op x.
func commutes(o loop.BinOp) bool {
	switch o {
	case loop.Add, loop.Mul, loop.Min, loop.Max, loop.And, loop.Or, loop.Eq, loop.Ne:
		return true
	}
	return false
}

// bin schedules x op y (operation o on type kt, a result of bits), or
// finds it already computed in the block.
func (b *blk) bin(e *loop.Bin, o op, kt vtype, bits int, x, y int32) int32 {
	kx, okx := b.operandKey(x, e.X)
	ky, oky := b.operandKey(y, e.Y)
	if !okx || !oky {
		return b.place(o, kt, bits, x, y)
	}
	if commutes(e.Op) && ky < kx {
		kx, ky = ky, kx
	}
	key := cseKey{k: b.m.costs.id(o, kt), x: kx, y: ky}
	if v, ok := b.cse.get(key); ok {
		return v
	}
	v := b.place(o, kt, bits, x, y)
	b.cse.put(key, v)
	return v
}

// cseTab is a hash table from cseKey to a value, emptied in O(1) for each
// block (entries of older generations are free).
type cseTab struct {
	ents []cseEnt
	gen  uint32
	n    int
}

type cseEnt struct {
	key cseKey
	val int32
	gen uint32
}

// reset empties t.
func (t *cseTab) reset() {
	t.gen++
	t.n = 0
	if t.gen == 0 { // wrapped: old stamps could match again
		clear(t.ents)
		t.gen = 1
	}
}

func (k cseKey) hash() uint64 {
	h := uint64(uint32(k.k))*0x9E3779B97F4A7C15 ^ k.x
	h = (h ^ h>>31) * 0xBF58476D1CE4E5B9
	h ^= k.y
	h = (h ^ h>>29) * 0x94D049BB133111EB
	return h ^ h>>32
}

// get is the value of key, if t has it.
func (t *cseTab) get(key cseKey) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := uint64(len(t.ents) - 1)
	for i := key.hash() & mask; ; i = (i + 1) & mask {
		e := &t.ents[i]
		if e.gen != t.gen {
			return 0, false
		}
		if e.key == key {
			return e.val, true
		}
	}
}

// put sets key's value (key is not in t).
func (t *cseTab) put(key cseKey, v int32) {
	if 2*(t.n+1) > len(t.ents) {
		old := t.ents
		t.ents = make([]cseEnt, max(64, 2*len(old)))
		gen := t.gen
		t.gen, t.n = 1, 0
		for _, e := range old {
			if e.gen == gen {
				t.put(e.key, e.val)
			}
		}
	}
	mask := uint64(len(t.ents) - 1)
	i := key.hash() & mask
	for t.ents[i].gen == t.gen {
		i = (i + 1) & mask
	}
	t.ents[i] = cseEnt{key: key, val: v, gen: t.gen}
	t.n++
}
