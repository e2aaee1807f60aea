package sim

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// OpKey names one operation for a cost table. Op is one of add sub mul
// div rem neg abs min max cmp select and or xor shl shr cast load store, or
// a libm function as the loop IR names it (exp, tanh, sqrt, pow, …); Type
// is "int", "uint" or "float"; Bits is the operand width (fixed<W,I> is
// "int" of W bits, ufixed "uint"). It mirrors targets.OpKey, which the
// device tables answer.
type OpKey struct {
	Op, Type string
	Bits     int
}

func (k OpKey) String() string { return fmt.Sprintf("%s.%s%d", k.Op, k.Type, k.Bits) }

// OpCost is what one operation costs on a device at a clock period (it
// mirrors targets.OpCost).
type OpCost struct {
	Cycles             int     // latency in cycles; 0 = combinational, chains within a period
	II                 int     // initiation interval of a multi-cycle unit (1 = pipelined)
	DelayNS            float64 // combinational delay; for a multi-cycle unit its input stage's
	LUT, FF, DSP, BRAM int     // FPGA area of one unit
	AreaUM2            float64 // ASIC area of one unit
	EnergyPJ           float64 // dynamic energy of one operation
	Source             string  // where the figures come from
}

// Costs answers what an operation costs at a clock period: a device's
// cost tables (targets.Device.OpCost behind an adapter) or a test's table.
// DeviceCosts also says how its soft-float latencies were derived, which
// the model corrects (inDesignCycles); another Costs, a wrapper of
// DeviceCosts too, gives latencies as they are inside a design.
type Costs interface {
	OpCost(k OpKey, clockNS float64) (OpCost, error)
}

// eps absorbs rounding when times in ns are compared with cycle edges.
const eps = 1e-9

// vtype is a value's type as the cost tables see it.
type vtype struct {
	typ   uint8 // tInt, tUint, tFloat
	bits  int
	fixed bool // fixed point: sums and products widen
}

// The value types, and their names in an OpKey.
const (
	tInt uint8 = iota
	tUint
	tFloat
)

var typeNames = [...]string{tInt: "int", tUint: "uint", tFloat: "float"}

// typeOf is k's type for the cost tables: floats of every width are
// "float" (Bambu's soft-float units take any exponent/mantissa format),
// fixed point its integer of W bits, bool a 1-bit uint.
func typeOf(k dtype.Kind) vtype {
	if !k.IsFixed() {
		return plainType(k)
	}
	if f, ok := k.Fixed(); ok {
		if f.Unsigned {
			return vtype{tUint, f.W, true}
		}
		return vtype{tInt, f.W, true}
	}
	return vtype{typ: tInt, bits: 64}
}

func plainType(k dtype.Kind) vtype {
	switch k.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		return vtype{typ: tFloat, bits: k.Bits()}
	case dtype.ClassUint:
		return vtype{typ: tUint, bits: k.Bits()}
	case dtype.ClassBool:
		return vtype{typ: tUint, bits: 1}
	}
	return vtype{typ: tInt, bits: k.Bits()}
}

// slot is one operation placed in a block's schedule.
type slot struct {
	cycle   int32   // the state it starts in
	ready   float64 // when its value is available, ns from the block's start
	bits    int32   // width of its value (registers)
	lastUse int32   // the last state that reads the value
}

// sched is the list schedule of one basic block. Operations are first
// placed in program order (a topological order of the block's DAG), each
// at the earliest time its operands and ordering constraints allow, in a
// state where its memory has a free port; combinational operations chain
// while their delays fit the period. Where that made an access wait for a
// port, the block is scheduled again by priority (reschedule, Bambu's list
// scheduler); otherwise no order could do better (units are not limited).
type sched struct {
	period float64
	ports  int
	slots  []slot
	cc     *costCache
	nodes  []node    // per slot: what it is and what it waits for
	opnds  []int32   // the nodes' operands
	accs   []accRef  // the accesses, in program order
	deps   []dep     // the accesses' memory-order predecessors (blk.memDeps)
	dr     []int32   // node v's deps: deps[dr[v]:dr[v+1]]
	waited bool      // an access waited for a port in program order
	free   []float64 // per slot: its value's time with no ports and some memory order
	cp     float64   // the latest of those: no order finishes sooner
	fbar   float64   // the next access's memory-order bar in those times (blk.order)
	uses   []int32   // per memory: port states used
	first  []float64 // per memory: the earliest its first access can start with no ports
	mem    [][]int16 // port use per memory per state
	units  [][]int16 // units busy per state, per operation ID (costCache)
	static []int     // operations of each ID in the block
	length int32     // states
	diff   []int     // liveBits' scratch
	pj     float64   // dynamic energy of one execution
	ops    int64     // operations of one execution
	pri    prio      // reschedule's scratch
	rec    *recorder // the trace being recorded (estimate_trace.go); nil: none
}

// node is an operation of the block as reschedule needs it: its
// operation ID (its cost: cc.costs[k]), its memory (−1: none), its
// operands s.opnds[op0:] up to the next node's op0.
type node struct {
	k, mem, op0 int32
}

// accRef is an access among the nodes: its node, its buffer and its place
// in blk.acc[buf].
type accRef struct {
	slot, buf, pos int32
}

// dep is a memory-order predecessor: an access to wait for, in the state
// after it (a store: its write lands at the end of its state) or in the
// same state (a load before a store of the element).
type dep struct {
	from  int32
	store bool
}

// reset empties s for the next block, keeping its storage.
func (s *sched) reset() {
	s.slots, s.nodes, s.opnds, s.accs, s.deps, s.waited = s.slots[:0], s.nodes[:0], s.opnds[:0], s.accs[:0], s.deps[:0], false
	s.free, s.cp, s.uses, s.first = s.free[:0], 0, resizeZero(s.uses, len(s.mem)), resizeZero(s.first, len(s.mem))
	for i := range s.units {
		s.units[i] = s.units[i][:0]
	}
	clear(s.static)
	s.length, s.pj, s.ops = 0, 0, 0
}

// ready is when value v is available (−1: a constant or a value from
// before the block, available at once).
func (s *sched) ready(v int32) float64 {
	if v < 0 {
		return 0
	}
	return s.slots[v].ready
}

// place schedules an operation of cost c and width bits, using a port of
// memory mem (−1: none), no earlier than after (ns) and its operands.
func (s *sched) place(k int32, c *OpCost, bits int, mem int, after float64, operands ...int32) int32 {
	if s.rec != nil {
		s.rec.op(k, bits, mem, operands)
	}
	t, f := after, s.fbar
	s.fbar = 0
	for _, v := range operands {
		if v >= 0 {
			t, f = max(t, s.slots[v].ready), max(f, s.free[v])
		}
	}
	if mem >= 0 {
		if s.uses[mem] == 0 || f < s.first[mem] {
			s.first[mem] = f
		}
		s.uses[mem] += int32(max(c.II, 1))
	}
	f += s.latency(c)
	s.free = append(s.free, f)
	s.cp = max(s.cp, f)
	id := int32(len(s.slots))
	s.nodes = append(s.nodes, node{k: k, mem: int32(mem), op0: int32(len(s.opnds))})
	s.opnds = append(s.opnds, operands...)
	s.slots = append(s.slots, slot{bits: int32(bits)})
	s.at(id, t, k, c, int32(mem), operands)
	s.pj += c.EnergyPJ
	s.ops++
	for int(k) >= len(s.static) {
		s.static = append(s.static, 0)
	}
	s.static[k]++
	return id
}

// at puts node id (operation k of cost c on memory mem, reading
// operands) in the first state from time t (ns) where it fits: after the
// state t falls in if its delay would not fit there, and where its memory
// has a free port.
func (s *sched) at(id int32, t float64, k int32, c *OpCost, mem int32, operands []int32) {
	cyc := int32(t/s.period + eps) // t ≥ 0: truncation is the floor
	off := t - float64(cyc)*s.period
	if off > eps && off+c.DelayNS > s.period+eps {
		cyc, off = cyc+1, 0
	}
	busy := max(c.II, 1)
	if mem >= 0 {
		if free := s.freePort(int(mem), cyc, busy); free != cyc {
			cyc, off, s.waited = free, 0, true
		}
	}
	var ready float64
	switch {
	case c.Cycles > 0:
		ready = float64(int(cyc)+c.Cycles) * s.period
	case c.DelayNS > s.period+eps: // slower than a period: spans whole states
		ready = float64(int(cyc)+int(math.Ceil(c.DelayNS/s.period-eps))) * s.period
	default:
		ready = float64(cyc)*s.period + off + c.DelayNS
	}
	s.occupy(k, cyc, busy)
	sl := &s.slots[id]
	sl.cycle, sl.ready, sl.lastUse = cyc, ready, -1
	for _, v := range operands {
		if v >= 0 {
			s.slots[v].lastUse = max(s.slots[v].lastUse, cyc)
		}
	}
	end := ceilStates(ready / s.period)
	s.length = max(s.length, end, cyc+1)
}

// improvable reports whether another order could make the block
// shorter: its length is above both the longest path through its values
// (and the memory-order bars order found) and, for each memory, the
// state its first access can start in plus its port states over its
// ports.
func (s *sched) improvable() bool {
	bound := ceilStates(s.cp / s.period)
	for m, n := range s.uses {
		if n > 0 {
			bound = max(bound, int32(s.first[m]/s.period+eps)+(n+int32(s.ports)-1)/int32(s.ports))
		}
	}
	return s.length > bound
}

// ceilStates is ⌈x⌉ for x ≥ 0, x within eps of an integer counting as it.
func ceilStates(x float64) int32 {
	n := int32(x)
	if x-float64(n) > eps {
		n++
	}
	return n
}

// freePort is the first state from cyc on where memory mem has a port
// free for busy states, and reserves it.
func (s *sched) freePort(mem int, cyc int32, busy int) int32 {
	use := s.mem[mem]
	for ; ; cyc++ {
		ok := true
		for i := range busy {
			if at := int(cyc) + i; at < len(use) && int(use[at]) >= s.ports {
				ok = false
				break
			}
		}
		if ok {
			break
		}
	}
	s.mem[mem] = busyFor(use, cyc, busy)
	return cyc
}

// occupy counts a unit of kind k busy for busy states from cyc.
func (s *sched) occupy(k int32, cyc int32, busy int) {
	for int(k) >= len(s.units) {
		s.units = append(s.units, nil)
	}
	s.units[k] = busyFor(s.units[k], cyc, busy)
}

// busyFor counts one more user in use for busy states from cyc, growing
// it as needed.
func busyFor(use []int16, cyc int32, busy int) []int16 {
	for i := range busy {
		at := int(cyc) + i
		for len(use) <= at {
			use = append(use, 0)
		}
		use[at]++
	}
	return use
}

// use records that an operation placed in state cyc reads v (a store of
// a register, or a value kept to the end of the block).
func (s *sched) use(v int32, cyc int32) {
	if v >= 0 {
		s.slots[v].lastUse = max(s.slots[v].lastUse, cyc)
	}
}

// liveBits is the most value bits held in registers across any state
// boundary of the block: a value made in one state and read in a later
// one, or the result of a multi-cycle unit.
func (s *sched) liveBits() int {
	if s.length == 0 {
		return 0
	}
	s.diff = append(s.diff[:0], make([]int, s.length+2)...)
	diff := s.diff
	for _, sl := range s.slots {
		made := ceilStates(sl.ready / s.period) // first state that sees it registered
		if sl.lastUse < made {
			continue // used where it is made: chained, no register
		}
		from := max(made, sl.cycle+1)
		diff[min(from, s.length)] += int(sl.bits)
		diff[min(sl.lastUse, s.length)+1] -= int(sl.bits)
	}
	best, cur := 0, 0
	for _, d := range diff {
		cur += d
		best = max(best, cur)
	}
	return best
}

// peak is the most units of each kind busy in one state.
func (s *sched) peak(into []int) []int {
	for k, use := range s.units {
		if len(use) == 0 {
			continue // none in this block (the slice may outlive its ID)
		}
		for len(into) <= k {
			into = append(into, 0)
		}
		for _, n := range use {
			into[k] = max(into[k], int(n))
		}
	}
	return into
}
