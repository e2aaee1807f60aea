package eval

import "github.com/kiln-hls/kiln/ir/graph"

// run evaluates every direction: forward first, then (bidirectional) reverse.
func (r *rnnRun[T]) run() {
	nf := graph.RNNGateFuncs(r.op)
	maxLen := 0
	for _, l := range r.lens {
		maxLen = max(maxLen, l)
	}
	for d := range r.s.Dirs {
		reverse := r.attrs.Direction == "reverse" || d == 1
		acts := newRNNActs(r.funcs[d*nf : (d+1)*nf])
		rd := r.r[d*r.gatesH*r.hidden : (d+1)*r.gatesH*r.hidden]
		r.project(d)
		r.loadState(d)
		for k := range maxLen {
			switch r.op {
			case graph.OpRNN:
				r.stepRNN(d, k, reverse, rd, acts)
			case graph.OpGRU:
				r.stepGRU(d, k, reverse, rd, acts)
			case graph.OpLSTM:
				r.stepLSTM(d, k, reverse, rd, acts)
			}
		}
		r.storeState(d)
	}
}

// project sets xw to X·Wᵀ plus the biases that do not depend on the state:
// Wb + Rb, except GRU's Rbh with linear_before_reset, which the reset gate
// scales.
func (r *rnnRun[T]) project(d int) {
	s, gh := r.s, r.gatesH
	rows := s.Seq * s.Batch
	if r.b != nil {
		bias := r.bias[:0]
		wb, rb := r.b[2*d*gh:(2*d+1)*gh], r.b[(2*d+1)*gh:(2*d+2)*gh]
		for j := range gh {
			bias = append(bias, wb[j]+rb[j])
		}
		if r.op == graph.OpGRU && r.attrs.LinearBeforeReset {
			copy(bias[2*s.Hidden:], wb[2*s.Hidden:])
		}
		for i := range rows {
			copy(r.xw[i*gh:(i+1)*gh], bias)
		}
	} else {
		clear(r.xw)
	}
	w := r.w[d*gh*s.Input : (d+1)*gh*s.Input]
	r.gemm(rows, gh, s.Input, r.x, s.Input, w, s.Input, 1, r.xw, gh)
}

// xwRow is the projected input of sequence b at time t.
func (r *rnnRun[T]) xwRow(t, b int) []T {
	i := t*r.s.Batch + b
	if r.s.Layout == 1 {
		i = b*r.s.Seq + t
	}
	return r.xw[i*r.gatesH : (i+1)*r.gatesH]
}

// stateAt is the offset of sequence b of direction d in initial_h/c, Y_h, Y_c.
func (r *rnnRun[T]) stateAt(d, b int) int {
	if r.s.Layout == 1 {
		return (b*r.s.Dirs + d) * r.hidden
	}
	return (d*r.s.Batch + b) * r.hidden
}

func (r *rnnRun[T]) loadState(d int) {
	H := r.hidden
	for b := range r.s.Batch {
		h, c := r.h[b*H:(b+1)*H], r.c[b*H:(b+1)*H]
		if o := r.stateAt(d, b); r.h0 != nil {
			copy(h, r.h0[o:o+H])
		} else {
			clear(h)
		}
		if o := r.stateAt(d, b); r.c0 != nil {
			copy(c, r.c0[o:o+H])
		} else {
			clear(c)
		}
	}
}

func (r *rnnRun[T]) storeState(d int) {
	H := r.hidden
	for b := range r.s.Batch {
		o := r.stateAt(d, b)
		if r.yh != nil {
			copy(r.yh[o:o+H], r.h[b*H:(b+1)*H])
		}
		if r.yc != nil {
			copy(r.yc[o:o+H], r.c[b*H:(b+1)*H])
		}
	}
}

// time is the time step that iteration k handles for sequence b, and
// whether the sequence is still running.
func (r *rnnRun[T]) time(k, b int, reverse bool) (int, bool) {
	l := r.lens[b]
	if reverse {
		return l - 1 - k, k < l
	}
	return k, k < l
}

// emit writes sequence b's new hidden state to Y at time t.
func (r *rnnRun[T]) emit(d, t, b int) {
	if r.y == nil {
		return
	}
	s, H := r.s, r.hidden
	o := ((t*s.Dirs+d)*s.Batch + b) * H
	if s.Layout == 1 {
		o = ((b*s.Seq+t)*s.Dirs + d) * H
	}
	copy(r.y[o:o+H], r.h[b*H:(b+1)*H])
}

// rnnAddRow sets g to g + x.
func rnnAddRow[T rnnFloat](g, x []T) {
	x = x[:len(g)]
	for j := range g {
		g[j] += x[j]
	}
}

// stepRNN: Ht = f(Xt·Wᵀ + Ht-1·Rᵀ + Wb + Rb).
func (r *rnnRun[T]) stepRNN(d, k int, reverse bool, rd []T, acts []rnnAct) {
	H, gh := r.hidden, r.gatesH
	r.gemm(r.s.Batch, gh, H, r.h, H, rd, H, 0, r.hr, gh)
	for b := range r.s.Batch {
		t, ok := r.time(k, b, reverse)
		if !ok {
			continue
		}
		g := r.hr[b*gh : (b+1)*gh]
		rnnAddRow(g, r.xwRow(t, b))
		rnnApply(acts[0], r.clip, g)
		copy(r.h[b*H:(b+1)*H], g)
		r.emit(d, t, b)
	}
}

// stepGRU, gates z, r, h in W, R and B (Operators.md GRU):
//
//	zt = f(Xt·Wzᵀ + Ht-1·Rzᵀ + Wbz + Rbz)
//	rt = f(Xt·Wrᵀ + Ht-1·Rrᵀ + Wbr + Rbr)
//	ht = g(Xt·Whᵀ + (rt ⊙ Ht-1)·Rhᵀ + Rbh + Wbh)    linear_before_reset = 0
//	ht = g(Xt·Whᵀ + rt ⊙ (Ht-1·Rhᵀ + Rbh) + Wbh)    linear_before_reset ≠ 0
//	Ht = (1 - zt) ⊙ ht + zt ⊙ Ht-1
func (r *rnnRun[T]) stepGRU(d, k int, reverse bool, rd []T, acts []rnnAct) {
	H, gh, B := r.hidden, r.gatesH, r.s.Batch
	lbr := r.attrs.LinearBeforeReset
	if lbr {
		r.gemm(B, gh, H, r.h, H, rd, H, 0, r.hr, gh)
	} else {
		r.gemm(B, 2*H, H, r.h, H, rd, H, 0, r.hr, gh)
	}
	var rbh []T
	if lbr && r.b != nil {
		rbh = r.b[(2*d+1)*gh+2*H : (2*d+2)*gh]
	}
	for b := range B {
		t, ok := r.time(k, b, reverse)
		if !ok {
			continue
		}
		g, x := r.hr[b*gh:(b+1)*gh], r.xwRow(t, b)
		zr := g[:2*H]
		rnnAddRow(zr, x[:2*H])
		rnnApply(acts[0], r.clip, zr)
		rt, h := g[H:2*H], r.h[b*H:(b+1)*H]
		if lbr {
			gh := g[2*H:]
			if rbh != nil {
				rnnAddRow(gh, rbh)
			}
			for j := range gh {
				gh[j] = x[2*H+j] + rt[j]*gh[j]
			}
		} else {
			rh := r.tmp[b*H : (b+1)*H]
			for j := range rh {
				rh[j] = rt[j] * h[j]
			}
		}
	}
	if !lbr { // (rt ⊙ Ht-1)·Rhᵀ
		r.gemm(B, H, H, r.tmp, H, rd[2*H*H:], H, 0, r.hr[2*H:], gh)
	}
	for b := range B {
		t, ok := r.time(k, b, reverse)
		if !ok {
			continue
		}
		g := r.hr[b*gh : (b+1)*gh]
		z, hh, h := g[:H], g[2*H:], r.h[b*H:(b+1)*H]
		if !lbr {
			rnnAddRow(hh, r.xwRow(t, b)[2*H:])
		}
		rnnApply(acts[1], r.clip, hh)
		for j := range h {
			h[j] = (1-z[j])*hh[j] + z[j]*h[j]
		}
		r.emit(d, t, b)
	}
}

// stepLSTM, gates i, o, f, c in W, R and B, peepholes i, o, f in P
// (Operators.md LSTM):
//
//	it = f(Xt·Wiᵀ + Ht-1·Riᵀ + Pi ⊙ Ct-1 + Wbi + Rbi)
//	ft = f(Xt·Wfᵀ + Ht-1·Rfᵀ + Pf ⊙ Ct-1 + Wbf + Rbf)   (1 - it with input_forget)
//	ct = g(Xt·Wcᵀ + Ht-1·Rcᵀ + Wbc + Rbc)
//	Ct = ft ⊙ Ct-1 + it ⊙ ct
//	ot = f(Xt·Woᵀ + Ht-1·Roᵀ + Po ⊙ Ct + Wbo + Rbo)
//	Ht = ot ⊙ h(Ct)
func (r *rnnRun[T]) stepLSTM(d, k int, reverse bool, rd []T, acts []rnnAct) {
	H, gh := r.hidden, r.gatesH
	r.gemm(r.s.Batch, gh, H, r.h, H, rd, H, 0, r.hr, gh)
	var pi, po, pf []T
	if r.p != nil {
		p := r.p[d*3*H : (d+1)*3*H]
		pi, po, pf = p[:H], p[H:2*H], p[2*H:]
	}
	for b := range r.s.Batch {
		t, ok := r.time(k, b, reverse)
		if !ok {
			continue
		}
		g := r.hr[b*gh : (b+1)*gh]
		rnnAddRow(g, r.xwRow(t, b))
		gi, gO, gf, gc := g[:H], g[H:2*H], g[2*H:3*H], g[3*H:]
		c, h, hc := r.c[b*H:(b+1)*H], r.h[b*H:(b+1)*H], r.tmp[b*H:(b+1)*H]
		if pi != nil {
			for j := range c {
				gi[j] += pi[j] * c[j]
				gf[j] += pf[j] * c[j]
			}
		}
		rnnApply(acts[0], r.clip, gi)
		if r.attrs.InputForget {
			for j := range gf {
				gf[j] = 1 - gi[j]
			}
		} else {
			rnnApply(acts[0], r.clip, gf)
		}
		rnnApply(acts[1], r.clip, gc)
		for j := range c {
			c[j] = gf[j]*c[j] + gi[j]*gc[j]
		}
		if po != nil {
			for j := range c {
				gO[j] += po[j] * c[j]
			}
		}
		rnnApply(acts[0], r.clip, gO)
		copy(hc, c)
		rnnApply(acts[2], 0, hc)
		for j := range h {
			h[j] = gO[j] * hc[j]
		}
		r.emit(d, t, b)
	}
}
