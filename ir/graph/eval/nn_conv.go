package eval

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// nnConvTable maps each (kernel tap k, output position o) pair, flattened as
// k·O + o, to the flat spatial offset of the input element it reads, or -1
// where the tap falls in the padding. K and O are the numbers of taps and
// of output positions.
func nnConvTable(w graph.Window) (tab []int, K, O int) {
	K, O = dtype.Size(w.Kernel), dtype.Size(w.Out)
	inStr := dtype.Strides(w.In)
	tab = make([]int, K*O)
	kk := make([]int, len(w.Kernel))
	oo := make([]int, len(w.Out))
	for k := range K {
		nnUnravel(k, w.Kernel, kk)
		for o := range O {
			nnUnravel(o, w.Out, oo)
			off := 0
			for d := range kk {
				i := oo[d]*w.Strides[d] - w.PadBegin[d] + kk[d]*w.Dilations[d]
				if i < 0 || i >= w.In[d] {
					off = -1
					break
				}
				off += i * inStr[d]
			}
			tab[k*O+o] = off
		}
	}
	return tab, K, O
}

// nnConvInto computes a grouped N-D convolution y = w ⊛ x (+ b) by lowering
// each image and group to a matrix of input columns (im2col) and one
// matrix product with the group's filters. Padding reads as zero; b may be
// nil.
func nnConvInto[T nnFloat](win graph.Window, groups int, x []T, xs []int, w []T, ws []int, b []T, y []T) {
	N, C, M := xs[0], xs[1], ws[0]
	S := dtype.Size(xs[2:])
	tab, K, O := nnConvTable(win)
	cg, mg := C/groups, M/groups
	ck := cg * K
	col := make([]T, ck*O)
	for nb := range N {
		for g := range groups {
			for c := range cg {
				xc := x[(nb*C+g*cg+c)*S:][:S]
				for k := range K {
					row := col[(c*K+k)*O:][:O]
					for o, off := range tab[k*O:][:O] {
						if off >= 0 {
							row[o] = xc[off]
						} else {
							row[o] = 0
						}
					}
				}
			}
			yg := y[(nb*M+g*mg)*O:][:mg*O]
			beta := T(0)
			if b != nil {
				beta = 1
				for m := range mg {
					row := yg[m*O:][:O]
					for o := range row {
						row[o] = b[g*mg+m]
					}
				}
			}
			nnGemm(false, false, mg, O, ck, 1, w[g*mg*ck:][:mg*ck], max(ck, 1), col, max(O, 1), beta, yg, max(O, 1))
		}
	}
}

func runConv(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.ConvAttrs)
	x, w := in[0], in[1]
	win, err := graph.ConvWindow(a, x.Shape, w.Shape)
	if err != nil {
		return nil, err
	}
	var b *dtype.Array
	if len(in) > 2 {
		b = in[2]
	}
	y := dtype.New(out[0].Kind, out[0].Shape)
	if nnIsDouble(x) {
		var bd []float64
		if b != nil {
			bd = b.F64
		}
		nnConvInto(win, a.ConvGroup(), x.F64, x.Shape, w.F64, w.Shape, bd, y.F64)
	} else {
		var bd []float32
		if b != nil {
			bd = b.F32
		}
		nnConvInto(win, a.ConvGroup(), x.F32, x.Shape, w.F32, w.Shape, bd, y.F32)
		nnRound(y)
	}
	return []*dtype.Array{y}, nil
}

// nnConvAcc is the int32 accumulator of an integer convolution:
// Σ (x - x_zp)·(w - w_zp[m]) (+ bias[m]), padding reading as x_zp (zero
// after the shift), wrapped to 32 bits. The float64 arithmetic is exact:
// each product is below 2^16 in magnitude.
func nnConvAcc(a graph.ConvAttrs, x, w, xzp, wzp, bias *dtype.Array) ([]int64, graph.Window, error) {
	win, err := graph.ConvWindow(a, x.Shape, w.Shape)
	if err != nil {
		return nil, win, err
	}
	xv, wv := nnFloats64(x), nnFloats64(w)
	if xzp != nil {
		z := xzp.At(0)
		for i := range xv {
			xv[i] -= z
		}
	}
	if wzp != nil {
		per := len(wv) / max(w.Shape[0], 1)
		for i := range wv {
			if wzp.Len() == 1 {
				wv[i] -= wzp.At(0)
			} else {
				wv[i] -= wzp.At(i / per)
			}
		}
	}
	var bv []float64
	if bias != nil {
		bv = nnFloats64(bias)
	}
	acc := make([]float64, dtype.Size(append([]int{x.Shape[0], w.Shape[0]}, win.Out...)))
	nnConvInto(win, a.ConvGroup(), xv, x.Shape, wv, w.Shape, bv, acc)
	out := make([]int64, len(acc))
	for i, v := range acc {
		out[i] = nnWrap32(v)
	}
	return out, win, nil
}

func runConvInteger(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.ConvAttrs)
	var xzp, wzp *dtype.Array
	if len(in) > 2 {
		xzp = in[2]
	}
	if len(in) > 3 {
		wzp = in[3]
	}
	acc, _, err := nnConvAcc(a, in[0], in[1], xzp, wzp, nil)
	if err != nil {
		return nil, err
	}
	y := dtype.New(dtype.I32, out[0].Shape)
	copy(y.I64, acc)
	return []*dtype.Array{y}, nil
}

// runQLinearConv: inputs x, x_scale, x_zero_point, w, w_scale,
// w_zero_point, y_scale, y_zero_point, B. The accumulator is requantised
// as ONNX's reference does: acc · (x_scale·w_scale[m] / y_scale), the
// multiplier in the scales' precision, rounded half to even, then
// + y_zero_point and saturated.
func runQLinearConv(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.ConvAttrs)
	var bias *dtype.Array
	if len(in) > 8 {
		bias = in[8]
	}
	acc, win, err := nnConvAcc(a, in[0], in[3], in[2], in[5], bias)
	if err != nil {
		return nil, err
	}
	xs, ws, ys, yzp := in[1], in[4], in[6], in[7]
	M := in[3].Shape[0]
	mult := make([]float64, M)
	for m := range mult {
		wsm := ws.At(0)
		if ws.Len() > 1 {
			wsm = ws.At(m)
		}
		k := xs.Kind
		mult[m] = dtype.RoundFloat(k, dtype.RoundFloat(k, xs.At(0)*wsm, false)/ys.At(0), false)
	}
	O := dtype.Size(win.Out)
	y := dtype.New(out[0].Kind, out[0].Shape)
	z := yzp.At(0)
	for i, v := range acc {
		m := (i / max(O, 1)) % M
		nnRequantize(y, i, float64(v)*mult[m], z)
	}
	return []*dtype.Array{y}, nil
}
