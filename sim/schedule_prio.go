package sim

import "math"

// Bambu's list scheduler (its default without -s: list-based, priority
// by static mobility) fills each state with the ready operations of
// highest priority that the resources admit. Units are not limited here
// (Bambu allocates as many soft-float units as the schedule uses at once:
// the tutorial's optimized log binds 128 fadd and 128 fmul calls to 16
// units each, "Number of cliques covering the graph: 16 …"), so the only
// resource an operation waits for is a memory port, and the priority
// decides which access gets one. The mobility of an operation is its
// ALAP minus its ASAP time; for the accesses that compete for ports (no
// predecessors but memory order) it orders them as their height does:
// the longest path from the operation to the block's end. reschedule
// takes that height as the priority, program order breaking ties.

// prio is reschedule's scratch storage.
type prio struct {
	height []float64 // longest path from a node's start to the block's end (ns)
	asap   []float64 // longest path from the block's start to the node's (ns)
	wait   []int32   // predecessors not yet placed
	succ   []int32   // successors, by node: succ[first[v]:first[v+1]]
	first  []int32
	heap   []int32 // ready nodes, highest priority first
}

// latency is how long after its start an operation of cost c has its
// value (ns).
func (s *sched) latency(c *OpCost) float64 {
	switch {
	case c.Cycles > 0:
		return float64(c.Cycles) * s.period
	case c.DelayNS > s.period+eps:
		return math.Ceil(c.DelayNS/s.period-eps) * s.period
	}
	return c.DelayNS
}

// reschedule schedules the block again, operations in priority order
// (highest first among those whose predecessors are placed), each at the
// earliest time it fits, as place does.
func (s *sched) reschedule() {
	n := int32(len(s.nodes))
	p := &s.pri
	s.nodes = append(s.nodes, node{op0: int32(len(s.opnds))}) // a sentinel: the last node's operands end
	defer func() { s.nodes = s.nodes[:n] }()
	p.height = resizeZero(p.height, int(n))
	p.wait = resizeZero(p.wait, int(n))
	p.first = resizeZero(p.first, int(n)+1)
	for v := n - 1; v >= 0; v-- { // successors come later in program order
		h := max(p.height[v], s.latency(s.cost(v)))
		p.height[v] = h
		for _, u := range s.operands(v) {
			if u >= 0 {
				p.height[u] = max(p.height[u], s.latency(s.cost(u))+h)
				p.first[u+1]++
				p.wait[v]++
			}
		}
		for _, d := range s.depsOf(v) {
			gap := 0.0
			if d.store {
				gap = s.period
			}
			p.height[d.from] = max(p.height[d.from], gap+h)
			p.first[d.from+1]++
			p.wait[v]++
		}
	}
	p.asap = resizeZero(p.asap, int(n))
	for v := range n {
		p.first[v+1] += p.first[v]
		t := 0.0
		for _, u := range s.operands(v) {
			if u >= 0 {
				t = max(t, p.asap[u]+s.latency(s.cost(u)))
			}
		}
		for _, d := range s.depsOf(v) {
			gap := 0.0
			if d.store {
				gap = s.period
			}
			t = max(t, p.asap[d.from]+gap)
		}
		p.asap[v] = t
	}
	p.succ = resizeZero(p.succ, int(p.first[n]))
	for v := range n {
		for _, u := range s.operands(v) {
			if u >= 0 {
				p.succ[p.first[u]] = v
				p.first[u]++
			}
		}
		for _, d := range s.depsOf(v) {
			p.succ[p.first[d.from]] = v
			p.first[d.from]++
		}
	}
	for v := n; v > 0; v-- { // first[u] ran to first[u+1]: shift back
		p.first[v] = p.first[v-1]
	}
	p.first[0] = 0
	s.clearPlacement()
	p.heap = p.heap[:0]
	for v := range n {
		if p.wait[v] == 0 {
			p.push(v)
		}
	}
	for len(p.heap) > 0 {
		v := p.pop()
		nd := &s.nodes[v]
		s.at(v, s.earliest(v), nd.k, s.cost(v), nd.mem, s.operands(v))
		for _, w := range p.succ[p.first[v]:p.first[v+1]] {
			if p.wait[w]--; p.wait[w] == 0 {
				p.push(w)
			}
		}
	}
}

// clearPlacement empties the ports, units and length for a new placement.
func (s *sched) clearPlacement() {
	for i := range s.mem {
		s.mem[i] = s.mem[i][:0]
	}
	for i := range s.units {
		s.units[i] = s.units[i][:0]
	}
	s.length = 0
}

// earliest is the first time node v may start: its operands' values
// and its memory-order predecessors (all placed).
func (s *sched) earliest(v int32) float64 {
	t := 0.0
	for _, u := range s.operands(v) {
		if u >= 0 {
			t = max(t, s.slots[u].ready)
		}
	}
	for _, d := range s.depsOf(v) {
		c := s.slots[d.from].cycle
		if d.store {
			c++
		}
		t = max(t, float64(c)*s.period)
	}
	return t
}

// before reports whether node a goes before node b: higher, or as high
// and earlier in program order.
func (p *prio) before(a, b int32) bool {
	if ha, hb := p.height[a]+p.asap[a], p.height[b]+p.asap[b]; ha != hb {
		return ha > hb
	}
	return a < b
}

func (p *prio) push(v int32) {
	p.heap = append(p.heap, v)
	i := len(p.heap) - 1
	for i > 0 {
		up := (i - 1) / 2
		if !p.before(p.heap[i], p.heap[up]) {
			break
		}
		p.heap[i], p.heap[up] = p.heap[up], p.heap[i]
		i = up
	}
}

func (p *prio) pop() int32 {
	h := p.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l, r, best := 2*i+1, 2*i+2, i
		if l < len(h) && p.before(h[l], h[best]) {
			best = l
		}
		if r < len(h) && p.before(h[r], h[best]) {
			best = r
		}
		if best == i {
			break
		}
		h[i], h[best] = h[best], h[i]
		i = best
	}
	p.heap = h
	return top
}

// cost is node v's cost.
func (s *sched) cost(v int32) *OpCost { return &s.cc.costs[s.nodes[v].k] }

// operands are node v's operands (reschedule: a sentinel node ends the
// last one's).
func (s *sched) operands(v int32) []int32 { return s.opnds[s.nodes[v].op0:s.nodes[v+1].op0] }

// depsOf are node v's memory-order predecessors (blk.memDeps).
func (s *sched) depsOf(v int32) []dep { return s.deps[s.dr[v]:s.dr[v+1]] }
