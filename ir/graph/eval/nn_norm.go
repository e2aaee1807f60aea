package eval

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// The normalisations compute in float64 and round once to the output kind:
// statistics summed naively in float32 drift from ONNX's reference, whose
// numpy sums are pairwise.

// runBatchNorm is inference-mode BatchNormalization:
// Y = (X - mean) / sqrt(var + epsilon) · scale + B per channel.
func runBatchNorm(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.NormAttrs)
	x := in[0]
	scale, bias, mean, vr := nnFloats64(in[1]), nnFloats64(in[2]), nnFloats64(in[3]), nnFloats64(in[4])
	C := graph.BatchNormChannels(x.Shape)
	inner := 1
	if len(x.Shape) > 2 {
		inner = dtype.Size(x.Shape[2:])
	}
	mul := make([]float64, C)
	for c := range mul {
		mul[c] = scale[c] / math.Sqrt(vr[c]+float64(a.Epsilon))
	}
	y := dtype.New(out[0].Kind, out[0].Shape)
	for i := range x.Len() {
		c := (i / inner) % C
		y.Set(i, (x.At(i)-mean[c])*mul[c]+bias[c])
	}
	res := make([]*dtype.Array, len(out))
	res[0] = y
	return res, nil
}

// runInstanceNorm normalises each channel of each instance over its
// spatial axes: y = scale · (x - mean) / sqrt(var + epsilon) + B.
func runInstanceNorm(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.NormAttrs)
	x := in[0]
	scale, bias := nnFloats64(in[1]), nnFloats64(in[2])
	C := x.Shape[1]
	S := dtype.Size(x.Shape[2:])
	xv := nnFloats64(x)
	y := dtype.New(out[0].Kind, out[0].Shape)
	for pl := range x.Shape[0] * C {
		c := pl % C
		plane := xv[pl*S : (pl+1)*S]
		m, v := nnMeanVar(plane)
		mul := scale[c] / math.Sqrt(v+float64(a.Epsilon))
		for j, xj := range plane {
			y.Set(pl*S+j, (xj-m)*mul+bias[c])
		}
	}
	return []*dtype.Array{y}, nil
}

// nnMeanVar is the mean and population variance of v.
func nnMeanVar(v []float64) (mean, variance float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(v))
}

// runLayerNorm follows ONNX's function body: Mean, Var, InvStdDev =
// 1/sqrt(Var + epsilon) in stash_type precision, Normalized = (X - Mean) ·
// InvStdDev cast to X's kind, then Y = Normalized · Scale + B with Scale
// and B broadcast to X.
func runLayerNorm(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.NormAttrs)
	x := in[0]
	axis, err := graph.NormAxis(a.Axis, len(x.Shape))
	if err != nil {
		return nil, err
	}
	stash := a.LayerNormStash()
	rows, cols := dtype.Size(x.Shape[:axis]), dtype.Size(x.Shape[axis:])
	xv := nnFloats64(x)
	sv := nnFloats64(in[1])
	sIdx := BroadcastIndex(x.Shape, in[1].Shape)
	var bv []float64
	var bIdx []int
	if len(in) > 2 && in[2] != nil {
		bv, bIdx = nnFloats64(in[2]), BroadcastIndex(x.Shape, in[2].Shape)
	}
	y := dtype.New(out[0].Kind, out[0].Shape)
	res := make([]*dtype.Array, len(out))
	res[0] = y
	var means, invs *dtype.Array
	if len(out) > 1 && n.Out[1] != graph.None {
		means = dtype.New(out[1].Kind, out[1].Shape)
		res[1] = means
	}
	if len(out) > 2 && n.Out[2] != graph.None {
		invs = dtype.New(out[2].Kind, out[2].Shape)
		res[2] = invs
	}
	rs := func(v float64) float64 { return dtype.RoundFloat(stash, v, false) }
	rx := func(v float64) float64 { return dtype.RoundFloat(x.Kind, v, false) }
	for r := range rows {
		row := xv[r*cols : (r+1)*cols]
		for j := range row {
			row[j] = rs(row[j])
		}
		m, v := nnMeanVar(row)
		m = rs(m)
		inv := rs(1 / math.Sqrt(rs(rs(v)+float64(a.Epsilon))))
		for j, xj := range row {
			i := r*cols + j
			yv := rx(rs(xj-m)*inv) * sv[sIdx[i]]
			if bv != nil {
				yv = rx(yv) + bv[bIdx[i]]
			}
			y.Set(i, yv)
		}
		if means != nil {
			means.Set(r, m)
		}
		if invs != nil {
			invs.Set(r, inv)
		}
	}
	return res, nil
}
