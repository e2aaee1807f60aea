package narrow

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
)

// kernel narrows kernel i: new buffer kinds, then a rewritten body.
func (pl *plan) kernel(i int) (*loop.Kernel, KernelReport, error) {
	ok := pl.p.Kernels[i]
	k := &loop.Kernel{Name: ok.Name, Vars: slices.Clone(ok.Vars), Params: slices.Clone(ok.Params)}
	for _, b := range ok.Buffers {
		k.Buffers = append(k.Buffers, cloneBuffer(b))
	}
	r := &rewriter{orig: ok, k: k, step: pl.step, opt: &pl.opt,
		loadCast: make([]dtype.Kind, len(ok.Buffers)), storeCast: make([]dtype.Kind, len(ok.Buffers)),
		asym: make([]*asym, len(ok.Buffers)), loadAsym: make([]*asym, len(ok.Buffers)), storeAsym: make([]*asym, len(ok.Buffers)),
		chans: make([]*chanQuant, len(ok.Buffers)), chanNote: make([]string, len(ok.Buffers))}
	res := pl.res[i]
	kr := KernelReport{Kernel: ok.Name, Weights: res.Weights.String(), Act: res.Act.String(), Acc: res.Acc.String()}
	if i < len(pl.p.KernelNodes) {
		kr.Nodes = slices.Clone(pl.p.KernelNodes[i])
	}
	var err error
	var tempAsym *asym
	if r.act, tempAsym, err = pl.internalAct(i); err != nil {
		return nil, kr, err
	}
	r.quant = quantWidth(res.Act)
	if err := pl.params(i, r); err != nil {
		return nil, kr, err
	}
	if err := pl.constants(i, r); err != nil {
		return nil, kr, err
	}
	if r.acc, err = pl.accKind(i, r); err != nil {
		return nil, kr, err
	}
	if res.QuantAcc {
		kr.Acc = r.acc.String() // the int32 (int16: 48-bit) accumulator, scaled
	}
	r.lit = litType(res, r)
	for id, b := range ok.Buffers {
		if b.Role == loop.Temp && b.Kind == dtype.F32 {
			k.Buffers[id].Kind = r.act
			switch {
			case accumulates(ok.Body, loop.BufID(id)):
				k.Buffers[id].Kind = r.acc
			case tempAsym != nil:
				k.Buffers[id].Kind, r.asym[id] = tempAsym.kind(), tempAsym
			}
		}
	}
	r.rewrite(ok)
	if r.err != nil {
		return nil, kr, fmt.Errorf("narrow: %s: %w", pl.where(i), r.err)
	}
	kr.LUTs, kr.LUTUses, kr.Fallbacks, kr.Refused = len(r.tables), r.lutUses, r.fallbacks, r.refused
	for id, b := range k.Buffers {
		if id >= len(ok.Buffers) || ok.Buffers[id].Kind != b.Kind {
			bk := BufferKind{Name: b.Name, Role: b.Role, Kind: b.Kind}
			switch c := r.chanOf(loop.BufID(id)); {
			case c != nil:
				bk.Quant = c.desc
			case id < len(r.chanNote) && r.chanNote[id] != "":
				bk.Quant = r.chanNote[id]
				if a := r.asymOf(loop.BufID(id)); a != nil {
					bk.Quant = a.String() + "; " + bk.Quant
				}
			case r.asymOf(loop.BufID(id)) != nil:
				bk.Quant = r.asymOf(loop.BufID(id)).String()
			}
			kr.Buffers = append(kr.Buffers, bk)
		}
	}
	return k, kr, nil
}

// rewrite rewrites ok's body into r.k. Temporaries that store the result
// of an f32 fallback (a value of no known range) become f32 and the body is
// rewritten again, until none is left.
func (r *rewriter) rewrite(ok *loop.Kernel) {
	n := len(r.k.Buffers)
	for range len(ok.Buffers) + 1 {
		r.k.Buffers = r.k.Buffers[:n] // drop the last try's tables
		r.tables, r.lutUses, r.fallbacks, r.refused, r.floatTemps, r.err, r.refusing = nil, 0, nil, nil, nil, nil, false
		r.k.Body = r.stmts(ok.Body)
		if len(r.floatTemps) == 0 || r.err != nil {
			return
		}
		for _, id := range r.floatTemps {
			r.k.Buffers[id].Kind = dtype.F32
		}
	}
}

// internalAct is the activation kind of kernel i's own temporaries. For
// int8 and int16 it is the type of the largest of the kernel's float
// arguments' ranges (a temporary has no graph tensor, so no range of its
// own; the arguments bound what the kernel computes between them). So it
// is for int8:asym and int16:asym too: with no range of their own the
// temporaries gain nothing from a zero point, and the power-of-two type
// leaves the headroom an LSTM's gates need (asymmetric over the arguments'
// range, int16:asym's LSTM measured 0.0013 against 0.00048). Only when
// that type cannot hold the range (beyond ±128 for int8) do the
// temporaries that do not accumulate hold q of the union of the ranges
// (returned), the activation kind being its dequantised type.
func (pl *plan) internalAct(i int) (dtype.Kind, *asym, error) {
	act := pl.res[i].Act
	if quantWidth(act) == 0 {
		k, err := kindOf(act, 0)
		return k, nil, err
	}
	best, name := -1.0, ""
	lo, hi := 0.0, 0.0
	for j, pid := range pl.p.Kernels[i].Params {
		if pl.p.Kernels[i].Buffers[pid].Kind != dtype.F32 || pl.args[i] == nil {
			continue
		}
		t := pl.tensor(pl.args[i][j])
		r, ok := pl.opt.Ranges[t]
		if !ok && pl.node(i) == "" {
			continue // a copy kernel computes nothing in its activation kind
		}
		if !ok {
			return dtype.Invalid, nil, fmt.Errorf("narrow: %s: tensor %q has no calibrated range; %s activations need calibration data (their scale comes from the range)",
				pl.where(i), t, act)
		}
		if r.MaxAbs > best {
			best, name = r.MaxAbs, t
		}
		lo, hi = min(lo, r.Min), max(hi, r.Max)
	}
	k, err := kindOf(act, max(best, 0))
	if err == nil || !act.Asymmetric {
		if err != nil {
			return dtype.Invalid, nil, fmt.Errorf("narrow: %s: tensor %q: %w", pl.where(i), name, err)
		}
		return k, nil, nil
	}
	a, err := asymParams(quantWidth(act), lo, hi)
	if err != nil {
		return dtype.Invalid, nil, fmt.Errorf("narrow: %s: the range of its arguments: %w", pl.where(i), err)
	}
	return a.deqKind(), a, nil
}

// params gives kernel i's parameters their top buffers' kinds; those that
// are the model's f32 inputs and outputs stay f32 and convert at the
// boundary (loads cast to, and stores round through, the activation kind
// of their tensor).
func (pl *plan) params(i int, r *rewriter) error {
	if pl.args[i] == nil {
		return nil
	}
	for j, pid := range r.k.Params {
		top := pl.args[i][j]
		r.k.Buffers[pid].Kind = pl.topKind[top]
		r.asym[pid] = pl.topAsym[top]
		tb := pl.p.Buffers[top]
		if tb.Kind != dtype.F32 || tb.Role == loop.Temp || pl.node(i) == "" {
			continue // a copy kernel copies: nothing to round through
		}
		k, err := pl.actKind(i, pl.tensor(top))
		if err != nil {
			return err
		}
		a, err := pl.actAsym(i, pl.tensor(top))
		switch {
		case err != nil:
			return err
		case a != nil && r.k.Buffers[pid].Role == loop.Input:
			r.loadAsym[pid] = a
			continue
		case a != nil:
			r.storeAsym[pid] = a
			continue
		case k == dtype.F32:
			continue
		}
		if r.k.Buffers[pid].Role == loop.Input {
			r.loadCast[pid] = k
		} else {
			r.storeCast[pid] = k
		}
	}
	return nil
}

// constants converts kernel i's f32 constants to their weights kinds.
func (pl *plan) constants(i int, r *rewriter) error {
	w := pl.res[i].Weights
	for id, b := range r.k.Buffers {
		if b.Role != loop.Constant || b.Kind != dtype.F32 || b.Init == nil {
			continue
		}
		if quantWidth(w) > 0 && w.PerChannel {
			c, err := perChannel(r, loop.BufID(id), w)
			if err == nil {
				r.chans[id] = c
				r.weights, r.weightsLo = append(r.weights, c.deqKind()), append(r.weightsLo, c.fracLo)
				continue
			}
			r.chanNote[id] = chanNotePrefix + err.Error()
		}
		if quantWidth(w) > 0 && w.Asymmetric {
			lo, hi := rangeOf(b.Init)
			a, err := asymParams(quantWidth(w), lo, hi)
			if err != nil {
				return fmt.Errorf("narrow: %s: constant %s: %w", pl.where(i), b.Name, err)
			}
			b.Kind, b.Init, r.asym[id] = a.kind(), a.quantiseArray(b.Init), a
			r.weights, r.weightsLo = append(r.weights, a.deqKind()), append(r.weightsLo, a.deq.FracBits())
			continue
		}
		k, err := kindOf(w, maxAbsOf(b.Init))
		if err != nil && r.chanNote[id] != "" {
			return fmt.Errorf("narrow: %s: constant %s: %w (per channel: %s)", pl.where(i), b.Name, err, strings.TrimPrefix(r.chanNote[id], chanNotePrefix))
		}
		if err != nil {
			return fmt.Errorf("narrow: %s: constant %s: %w", pl.where(i), b.Name, err)
		}
		b.Kind, b.Init = k, convert(b.Init, k)
		r.weights = append(r.weights, k)
		if f, ok := k.Fixed(); ok {
			r.weightsLo = append(r.weightsLo, f.FracBits())
		}
	}
	return nil
}

// dsp48Acc is the accumulator width of int16 layers: the 48-bit P
// register of the DSP48E2 slice that FPGA multiply-accumulates use
// (Xilinx UG579, "DSP48E2 Slice").
const dsp48Acc = 48

// convert is a of kind k: each value rounded as Array.Set rounds.
func convert(a *dtype.Array, k dtype.Kind) *dtype.Array {
	if a.Kind == k {
		return a
	}
	out := dtype.New(k, a.Shape)
	for i := range a.Len() {
		out.Set(i, a.At(i))
	}
	return out
}

// accKind is kernel i's accumulator kind. A quantised layer's int32
// accumulator holds raw products: fixed<32, 32 − F> with F the most
// fraction bits of a product of the kernel's weights and activations, so
// every product adds in exactly. With int16 operands F reaches 32 and an
// int32 would keep no integer bits, so int16 layers accumulate in 48 bits
// (dsp48Acc).
//
// The LSTM under int16 went from a relative error of 1 (every sum wrapped)
// to 1e-4 with this.
//
// An asymmetric layer's operands are dequantised values, (q − z)·ŝ with
// ŝ's fraction bits (scaleBits significant bits: about 23 for int8, 31
// for int16): it accumulates in fixed<63, 63 − F> (asymAccW: a sum with a
// product is exact in 64 bits) with F the sum of the operands' fraction
// bits, at most asymAccFrac (47), so products add in exactly or lose only
// bits far below a step of q.
func (pl *plan) accKind(i int, r *rewriter) (dtype.Kind, error) {
	res := pl.res[i]
	if !res.QuantAcc {
		return kindOf(res.Acc, 0)
	}
	fw, fa := 0, 0
	for _, k := range r.weights {
		if f, ok := k.Fixed(); ok {
			fw = max(fw, f.FracBits())
		}
	}
	acts := []dtype.Kind{r.act}
	for _, pid := range r.k.Params {
		acts = append(acts, r.k.Buffers[pid].Kind, r.loadCast[pid])
		for _, a := range []*asym{r.asym[pid], r.loadAsym[pid]} {
			if a != nil {
				acts = append(acts, a.deqKind())
			}
		}
	}
	for _, k := range acts {
		if f, ok := k.Fixed(); ok {
			fa = max(fa, f.FracBits())
		}
	}
	if res.Weights.Asymmetric || res.Act.Asymmetric {
		f := min(fw+fa, asymAccFrac)
		return dtype.FixedKind(dtype.Fixed{W: asymAccW, I: asymAccW - f}), nil
	}
	w := res.Acc.Fixed.W
	if quantWidth(res.Weights) == 16 || quantWidth(res.Act) == 16 {
		w = dsp48Acc
	}
	// Per channel (weightsLo below fw): the integer bits of the coarsest
	// channel's w-bit accumulator and the fraction bits of the finest, as
	// far as a product of the accumulator and an activation fits 64 bits.
	lo := fw
	if len(r.weightsLo) > 0 {
		lo = slices.Max(r.weightsLo)
	}
	ib := max(w-lo-fa, 0)
	top := max(maxFixedW-max(quantWidth(res.Weights), quantWidth(res.Act)), w)
	return dtype.FixedKind(dtype.Fixed{W: max(min(w+fw-lo, top), ib), I: ib}), nil
}

// litType gives the fixed type of a literal that no small exact type
// holds: the weights' type (or, for float weights, the activations'),
// widened in integer bits to hold it; int8/int16 weights: a w-bit type
// scaled for the literal alone.
func litType(res passes.Resolved, r *rewriter) func(float64) dtype.Fixed {
	base := dtype.Fixed{W: 32, I: 16}
	switch {
	case quantWidth(res.Weights) > 0:
		base = dtype.Fixed{W: quantWidth(res.Weights), Round: dtype.RoundHalfEven, Overflow: dtype.Saturate}
	case res.Weights.Kind == passes.FixedPoint:
		base = res.Weights.Fixed
	default:
		if f, ok := r.act.Fixed(); ok {
			base = f
		}
	}
	return func(v float64) dtype.Fixed { return widened(base, v) }
}

// accumulates reports whether some store to id stores a value that loads
// id (acc = acc + …, c[j] = f·c[j] + …).
func accumulates(body []loop.Stmt, id loop.BufID) bool {
	found := false
	loop.WalkStores(body, func(s *loop.Store) {
		if s.Buf == id && loads(s.Value, id) {
			found = true
		}
	})
	return found
}

// loads reports whether e reads buffer id.
func loads(e loop.Expr, id loop.BufID) bool {
	switch e := e.(type) {
	case *loop.Load:
		if e.Buf == id {
			return true
		}
		for _, ix := range e.Index {
			if ix.Dyn != nil && loads(ix.Dyn, id) {
				return true
			}
		}
	case *loop.Bin:
		return loads(e.X, id) || loads(e.Y, id)
	case *loop.Un:
		return loads(e.X, id)
	case *loop.Cast:
		return loads(e.X, id)
	case *loop.Select:
		return loads(e.Cond, id) || loads(e.X, id) || loads(e.Y, id)
	case *loop.Call:
		return slices.ContainsFunc(e.Args, func(a loop.Expr) bool { return loads(a, id) })
	}
	return false
}
