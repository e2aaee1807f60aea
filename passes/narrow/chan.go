package narrow

import (
	"fmt"
	"math"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
)

// chanNotePrefix starts the report's note on a :channel constant
// quantised per tensor.
const chanNotePrefix = "one scale for the tensor: "

// chanQuant is the per-channel quantisation of one constant: its buffer
// holds q in fixed<w,w,rne,sat> and a load of element [… c …] (c at the
// channel axis) reads (q − zero[c])·scale[c] (symmetric: q·scale[c],
// scale[c] = 2^−F_c), each table a small constant indexed by the load's
// index at the axis.
type chanQuant struct {
	axis   int
	q      dtype.Fixed
	scale  loop.BufID  // scale[c]
	scaleT dtype.Fixed // its type, holding every scale exactly
	zero   loop.BufID  // zero[c] (asymmetric; -1 for symmetric)
	deq    dtype.Fixed // holds every dequantised value exactly
	// fracLo is the fewest fraction bits of a channel's scale (the
	// accumulator keeps the integer bits that scale needs).
	fracLo int
	desc   string // for the report
}

func (c *chanQuant) kind() dtype.Kind    { return dtype.FixedKind(c.q) }
func (c *chanQuant) deqKind() dtype.Kind { return dtype.FixedKind(c.deq) }

// dequantise is the value of the load l (of c's q kind), exact:
// q·scale[c], or (q − zero[c])·scale[c], c being l's index at the axis,
// the product cast to deq.
func (c *chanQuant) dequantise(l *loop.Load) (loop.Expr, dtype.Kind) {
	table := func(id loop.BufID) loop.Expr {
		return &loop.Load{Buf: id, Index: []loop.Index{affineIndex(l.Index[c.axis])}}
	}
	var q loop.Expr = l
	qt := c.q
	if c.zero >= 0 {
		q, qt = &loop.Bin{Op: loop.Sub, X: q, Y: table(c.zero)}, dtype.SubType(c.q, c.q)
	}
	p := &loop.Bin{Op: loop.Mul, X: q, Y: table(c.scale)}
	return castTo(p, dtype.FixedKind(dtype.MulType(qt, c.scaleT)), c.deqKind()), c.deqKind()
}

// affineIndex copies x, an affine index (a channel axis's never has a
// data-dependent part).
func affineIndex(x loop.Index) loop.Index {
	return loop.Index{Aff: loop.Affine{Const: x.Aff.Const, Terms: slices.Clone(x.Aff.Terms)}}
}

// chanOf is the per-channel quantisation of buffer id, nil when none.
func (r *rewriter) chanOf(id loop.BufID) *chanQuant {
	if int(id) >= len(r.chans) || r.chans[id] == nil || r.k.Buffers[id].Kind != r.chans[id].kind() {
		return nil
	}
	return r.chans[id]
}

// perChannel quantises constant id of r.k per channel under w (int8,
// int16, either :asym, with :channel), adding its tables to r.k. An error
// says why it cannot (the caller quantises per tensor then).
func perChannel(r *rewriter, id loop.BufID, w passes.Precision) (*chanQuant, error) {
	b := r.k.Buffers[id]
	axis, err := channelAxis(r.orig, id)
	if err != nil {
		return nil, err
	}
	if b.Shape[axis] < 2 {
		return nil, fmt.Errorf("axis %d of %s has one channel", axis, b.Name)
	}
	chans := channels(b.Init, axis)
	bits := quantWidth(w)
	var c *chanQuant
	var scales []float64
	var zeros []int64
	if w.Asymmetric {
		c, scales, zeros, err = asymChannels(bits, b.Init, chans)
	} else {
		c, scales, err = symChannels(bits, b.Init, chans)
	}
	if err != nil {
		return nil, err
	}
	c.axis = axis
	c.scale = r.k.NewBuffer(tableBuffer(r.k, b.Name+"_scale", c.scaleT, scales))
	c.zero = -1
	if zeros != nil {
		zt := dtype.New(c.kind(), []int{len(zeros)})
		copy(zt.I64, zeros)
		c.zero = r.k.NewBuffer(&loop.Buffer{Name: uniqueName(r.k, b.Name+"_zero"), Kind: c.kind(), Shape: []int{len(zeros)}, Space: loop.ROM, Role: loop.Constant, Init: zt})
	}
	init := dtype.New(c.kind(), b.Init.Shape)
	for ch, idx := range chans {
		for _, i := range idx {
			init.I64[i] = c.quantise(ch, b.Init.At(i), scales, zeros)
		}
	}
	b.Kind, b.Init = c.kind(), init
	c.desc = describe(w, axis, scales, zeros)
	return c, nil
}

// quantise is v of channel ch as q.
func (c *chanQuant) quantise(ch int, v float64, scales []float64, zeros []int64) int64 {
	z := 0.0
	if zeros != nil {
		z = float64(zeros[ch])
	}
	if math.IsNaN(v) {
		return int64(z)
	}
	q := math.RoundToEven(v/scales[ch]) + z
	return int64(min(max(q, float64(c.q.MinRaw())), float64(c.q.MaxRaw())))
}

// channels lists, per index along axis, the flat indices of a's elements.
func channels(a *dtype.Array, axis int) [][]int {
	inner := 1
	for _, d := range a.Shape[axis+1:] {
		inner *= d
	}
	n := a.Shape[axis]
	out := make([][]int, n)
	for i := range a.Len() {
		ch := (i / inner) % n
		out[ch] = append(out[ch], i)
	}
	return out
}

// symChannels gives each channel the power-of-two scale 2^−F_c of
// chanFrac (a channel of zeros takes the largest scale of the others).
// The scales' type is ufixed<Fmax + I, I>, I = 1 when some F_c is 0 (a
// scale of 1), else 0; deq is fixed<I_d + Fmax, I_d>, I_d = max(w − Fmin,
// 0).
func symChannels(w int, init *dtype.Array, chans [][]int) (*chanQuant, []float64, error) {
	fracs := make([]int, len(chans))
	lo, hi := w+1, -1
	for ch, idx := range chans {
		m := 0.0
		for _, i := range idx {
			if v := math.Abs(init.At(i)); v > m {
				m = v
			}
		}
		fracs[ch] = -1
		if m == 0 {
			continue
		}
		f, err := chanFrac(w, m)
		if err != nil {
			return nil, nil, fmt.Errorf("channel %d: %w", ch, err)
		}
		fracs[ch] = f
		lo, hi = min(lo, fracs[ch]), max(hi, fracs[ch])
	}
	if hi < 0 { // every channel zero
		lo, hi = w, w
	}
	scales := make([]float64, len(chans))
	for ch, f := range fracs {
		if f < 0 {
			f = lo
		}
		scales[ch] = math.Ldexp(1, -f)
	}
	si := 0
	if lo == 0 {
		si = 1
	}
	c := &chanQuant{
		q:      dtype.Fixed{W: w, I: w, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate},
		scaleT: dtype.Fixed{W: hi + si, I: si, Unsigned: true},
		deq:    dtype.Fixed{W: max(w-lo, 0) + hi, I: max(w-lo, 0), Round: dtype.RoundHalfEven, Overflow: dtype.Saturate},
		fracLo: lo,
	}
	return c, scales, nil
}

// asymChannels gives each channel asymParams' scale and zero point over
// its own range. The scales' type holds each ŝ_c exactly (the most
// integer and fraction bits of their literals); deq those of the
// channels' dequantised types.
func asymChannels(w int, init *dtype.Array, chans [][]int) (*chanQuant, []float64, []int64, error) {
	scales, zeros := make([]float64, len(chans)), make([]int64, len(chans))
	var si, sf, di, df int
	for ch, idx := range chans {
		lo, hi := 0.0, 0.0
		for _, i := range idx {
			if v := init.At(i); !math.IsNaN(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		a, err := asymParams(w, lo, hi)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("channel %d: %w", ch, err)
		}
		scales[ch], zeros[ch] = a.scale, a.zero
		si, sf = max(si, a.s.t.I), max(sf, a.s.t.FracBits())
		di, df = max(di, a.deq.I), max(df, a.deq.FracBits())
	}
	q := dtype.Fixed{W: w, I: w, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate}
	c := &chanQuant{
		q:      q,
		scaleT: dtype.Fixed{W: max(si+sf, 1), I: si},
		deq:    dtype.Fixed{W: di + df, I: di, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate},
		fracLo: df,
	}
	if !fits(c.scaleT) || !fits(c.deq) || !fits(dtype.MulType(dtype.SubType(q, q), c.scaleT)) {
		return nil, nil, nil, fmt.Errorf("the channels' scales (%g…%g) need more than 64 bits to dequantise", slices.Min(scales), slices.Max(scales))
	}
	return c, scales, zeros, nil
}

// describe is a per-channel quantisation as the report prints it.
func describe(w passes.Precision, axis int, scales []float64, zeros []int64) string {
	name := fmt.Sprintf("int%d", quantWidth(w))
	lo, hi := slices.Min(scales), slices.Max(scales)
	if zeros == nil {
		_, fhi := math.Frexp(hi)
		_, flo := math.Frexp(lo)
		return fmt.Sprintf("%s per channel over axis %d, %d scales 2^%d…2^%d", name, axis, len(scales), fhi-1, flo-1)
	}
	return fmt.Sprintf("%s:asym per channel over axis %d, %d scales %.6g…%.6g, zeros %d…%d",
		name, axis, len(scales), lo, hi, slices.Min(zeros), slices.Max(zeros))
}

// maxChanFrac is the most fraction bits of a w-bit channel's scale: a
// channel of smaller values keeps fewer significant bits, and the scales'
// and dequantised types stay within 3w bits.
func maxChanFrac(w int) int { return 2 * w }

// chanFrac is F of the w-bit symmetric channel whose values reach maxAbs
// > 0: the most fraction bits (at most maxChanFrac) at which ±maxAbs
// round (half to even) within ±(2^(w−1) − 1)·2^−F. Up to w it is
// quantType's (F = w − I); beyond, the channel's scale is below 2^−w, which
// no fixed<w,I> type holds (I ≥ 0) but a scale table does: a channel of
// weights below ½ keeps all w bits, as per-channel quantisers do.
func chanFrac(w int, maxAbs float64) (int, error) {
	if math.IsNaN(maxAbs) || math.IsInf(maxAbs, 0) {
		return 0, fmt.Errorf("max-abs %g is not a finite number", maxAbs)
	}
	top := math.Ldexp(1, w-1) - 1
	for f := maxChanFrac(w); f >= 0; f-- {
		if math.RoundToEven(math.Ldexp(maxAbs, f)) <= top {
			return f, nil
		}
	}
	return 0, fmt.Errorf("max-abs %g is beyond int%d with a power-of-two scale of at most 1 (it reaches %g)", maxAbs, w, top)
}

// tableBuffer is a constant table of vals in type t.
func tableBuffer(k *loop.Kernel, name string, t dtype.Fixed, vals []float64) *loop.Buffer {
	init := dtype.New(dtype.FixedKind(t), []int{len(vals)})
	for i, v := range vals {
		init.I64[i], _ = dtype.FromFloat(t, v)
	}
	return &loop.Buffer{Name: uniqueName(k, name), Kind: dtype.FixedKind(t), Shape: []int{len(vals)}, Space: loop.ROM, Role: loop.Constant, Init: init}
}

// uniqueName is name, or name with a number, not yet a buffer of k.
func uniqueName(k *loop.Kernel, name string) string {
	n := name
	for i := 1; ; i++ {
		if _, taken := k.Buffer(n); !taken {
			return n
		}
		n = fmt.Sprintf("%s%d", name, i)
	}
}
