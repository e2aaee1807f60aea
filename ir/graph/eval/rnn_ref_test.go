package eval

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// refRecurrent is a naive float64 transcription of Operators.md's RNN, GRU
// and LSTM equations, one sequence, direction and step at a time, written
// independently of the kernel (no projection, no shared buffers) to check it
// on random data. It returns Y, Y_h, Y_c in the node's layout.
func refRecurrent(op graph.Op, a graph.RNNAttrs, in []*dtype.Array) (y, yh, yc []float64) {
	at := func(i int) *dtype.Array {
		if i < len(in) {
			return in[i]
		}
		return nil
	}
	x, w, r := in[0], in[1], in[2]
	S, B, I := x.Shape[0], x.Shape[1], x.Shape[2]
	if a.Layout == 1 {
		S, B = B, S
	}
	D, G, H := w.Shape[0], w.Shape[1]/r.Shape[2], r.Shape[2]
	xAt := func(t, b, i int) float64 {
		if a.Layout == 1 {
			return x.At((b*S+t)*I + i)
		}
		return x.At((t*B+b)*I + i)
	}
	st := func(d, b, j int) int {
		if a.Layout == 1 {
			return (b*D+d)*H + j
		}
		return (d*B+b)*H + j
	}
	yAt := func(t, d, b, j int) int {
		if a.Layout == 1 {
			return ((b*S+t)*D+d)*H + j
		}
		return ((t*D+d)*B+b)*H + j
	}
	y, yh, yc = make([]float64, S*D*B*H), make([]float64, D*B*H), make([]float64, D*B*H)
	nf := graph.RNNGateFuncs(op)
	names := a.Activations
	if len(names) == 0 {
		for range D {
			names = append(names, graph.RNNDefaultFuncs(op)...)
		}
	}
	for d := range D {
		fn := func(q int, v float64, clip bool) float64 {
			k := d*nf + q
			if clip && a.HasClip {
				v = math.Max(-float64(a.Clip), math.Min(float64(a.Clip), v))
			}
			var al, be float64
			if a.ActivationAlpha != nil {
				al, be = float64(a.ActivationAlpha[k]), float64(a.ActivationBeta[k])
			}
			return refAct(names[k], al, be, v)
		}
		wv := func(q, j, i int) float64 { return w.At(((d*G+q)*H+j)*I + i) }
		rv := func(q, j, i int) float64 { return r.At(((d*G+q)*H+j)*H + i) }
		bv := func(k, q, j int) float64 { // k 0: Wb, 1: Rb
			if b := at(3); b != nil {
				return b.At(d*2*G*H + k*G*H + q*H + j)
			}
			return 0
		}
		for b := range B {
			h, c := make([]float64, H), make([]float64, H)
			for j := range H {
				if h0 := at(5); h0 != nil {
					h[j] = h0.At(st(d, b, j))
				}
				if c0 := at(6); c0 != nil {
					c[j] = c0.At(st(d, b, j))
				}
			}
			n := S
			if sl := at(4); sl != nil {
				n = int(sl.Int(b))
			}
			for k := range n {
				t := k
				if a.Direction == "reverse" || d == 1 {
					t = n - 1 - k
				}
				// xs(q, j) = Xt·Wqᵀ + Wbq, hs(q, j, v) = v·Rqᵀ + Rbq
				xs := func(q, j int) float64 {
					s := bv(0, q, j)
					for i := range I {
						s += xAt(t, b, i) * wv(q, j, i)
					}
					return s
				}
				hs := func(q, j int, v []float64) float64 {
					s := bv(1, q, j)
					for i := range H {
						s += v[i] * rv(q, j, i)
					}
					return s
				}
				nh, nc := make([]float64, H), make([]float64, H)
				switch op {
				case graph.OpRNN:
					for j := range H {
						nh[j] = fn(0, xs(0, j)+hs(0, j, h), true)
					}
				case graph.OpGRU:
					z, rr := make([]float64, H), make([]float64, H)
					for j := range H {
						z[j] = fn(0, xs(0, j)+hs(0, j, h), true)
						rr[j] = fn(0, xs(1, j)+hs(1, j, h), true)
					}
					rh := make([]float64, H)
					for j := range H {
						rh[j] = rr[j] * h[j]
					}
					for j := range H {
						var ht float64
						if a.LinearBeforeReset {
							ht = fn(1, xs(2, j)+rr[j]*hs(2, j, h), true)
						} else {
							ht = fn(1, xs(2, j)+hs(2, j, rh), true)
						}
						nh[j] = (1-z[j])*ht + z[j]*h[j]
					}
				case graph.OpLSTM:
					pv := func(q, j int) float64 { // q 0: i, 1: o, 2: f
						if p := at(7); p != nil {
							return p.At(d*3*H + q*H + j)
						}
						return 0
					}
					for j := range H {
						i := fn(0, xs(0, j)+hs(0, j, h)+pv(0, j)*c[j], true)
						f := fn(0, xs(2, j)+hs(2, j, h)+pv(2, j)*c[j], true)
						if a.InputForget {
							f = 1 - i
						}
						cc := fn(1, xs(3, j)+hs(3, j, h), true)
						nc[j] = f*c[j] + i*cc
						o := fn(0, xs(1, j)+hs(1, j, h)+pv(1, j)*nc[j], true)
						nh[j] = o * fn(2, nc[j], false)
					}
				}
				h, c = nh, nc
				for j := range H {
					y[yAt(t, d, b, j)] = h[j]
				}
			}
			for j := range H {
				yh[st(d, b, j)], yc[st(d, b, j)] = h[j], c[j]
			}
		}
	}
	return y, yh, yc
}

// refAct is the activation table of Operators.md (RNN/GRU/LSTM), with the
// default coefficients when al and be are both zero.
func refAct(name string, al, be, x float64) float64 {
	def := al == 0 && be == 0
	switch name {
	case "Relu":
		return math.Max(0, x)
	case "Tanh":
		return (1 - math.Exp(-2*x)) / (1 + math.Exp(-2*x))
	case "Sigmoid":
		return 1 / (1 + math.Exp(-x))
	case "Affine":
		if def {
			al = 1
		}
		return al*x + be
	case "LeakyRelu":
		if def {
			al = 0.01
		}
		if x >= 0 {
			return x
		}
		return al * x
	case "ThresholdedRelu":
		if def {
			al = 1
		}
		if x >= al {
			return x
		}
		return 0
	case "ScaledTanh":
		if def {
			al, be = 1, 1
		}
		return al * math.Tanh(be*x)
	case "HardSigmoid":
		if def {
			al, be = 0.2, 0.5
		}
		return math.Min(math.Max(al*x+be, 0), 1)
	case "Elu":
		if def {
			al = 1
		}
		if x >= 0 {
			return x
		}
		return al * (math.Exp(x) - 1)
	case "Softsign":
		return x / (1 + math.Abs(x))
	case "Softplus":
		return math.Log(1 + math.Exp(x))
	}
	panic("refAct: unknown activation " + name)
}
