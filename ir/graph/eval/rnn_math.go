package eval

import (
	"math"

	"gonum.org/v1/gonum/blas"
	gblas "gonum.org/v1/gonum/blas/gonum"

	"github.com/kiln-hls/kiln/ir/graph"
)

// rnnActKind is an activation function of the recurrent operators.
type rnnActKind uint8

const (
	rnnRelu rnnActKind = iota
	rnnTanh
	rnnSigmoid
	rnnAffine
	rnnLeakyRelu
	rnnThresholdedRelu
	rnnScaledTanh
	rnnHardSigmoid
	rnnElu
	rnnSoftsign
	rnnSoftplus
)

var rnnActKinds = map[string]rnnActKind{
	"Relu": rnnRelu, "Tanh": rnnTanh, "Sigmoid": rnnSigmoid, "Affine": rnnAffine,
	"LeakyRelu": rnnLeakyRelu, "ThresholdedRelu": rnnThresholdedRelu, "ScaledTanh": rnnScaledTanh,
	"HardSigmoid": rnnHardSigmoid, "Elu": rnnElu, "Softsign": rnnSoftsign, "Softplus": rnnSoftplus,
}

// rnnAct is an activation with its coefficients, ready to apply.
type rnnAct struct {
	kind        rnnActKind
	alpha, beta float64
}

// newRNNActs compiles resolved functions (graph.RNNFuncs has checked the names).
func newRNNActs(fs []graph.RNNFunc) []rnnAct {
	out := make([]rnnAct, len(fs))
	for i, f := range fs {
		out[i] = rnnAct{kind: rnnActKinds[f.Name], alpha: float64(f.Alpha), beta: float64(f.Beta)}
	}
	return out
}

// eval computes the function in float64 (Operators.md, RNN/GRU/LSTM).
func (a rnnAct) eval(x float64) float64 {
	switch a.kind {
	case rnnRelu:
		return max(x, 0)
	case rnnTanh:
		return math.Tanh(x)
	case rnnSigmoid:
		return 1 / (1 + math.Exp(-x))
	case rnnAffine:
		return a.alpha*x + a.beta
	case rnnLeakyRelu:
		if x >= 0 {
			return x
		}
		return a.alpha * x
	case rnnThresholdedRelu:
		if x >= a.alpha { // "x if x >= alpha else 0" (RNN/GRU/LSTM's own table)
			return x
		}
		return 0
	case rnnScaledTanh:
		return a.alpha * math.Tanh(a.beta*x)
	case rnnHardSigmoid:
		return min(max(a.alpha*x+a.beta, 0), 1)
	case rnnElu:
		if x >= 0 {
			return x
		}
		return a.alpha * math.Expm1(x)
	case rnnSoftsign:
		return x / (1 + math.Abs(x))
	case rnnSoftplus: // log(1 + e^x) without overflow
		if x > 0 {
			return x + math.Log1p(math.Exp(-x))
		}
		return math.Log1p(math.Exp(x))
	}
	panic("eval: unknown recurrent activation") // newRNNActs only makes known ones
}

// rnnApply replaces every v[i] by a(clip(v[i])); clip 0 means no clipping.
func rnnApply[T rnnFloat](a rnnAct, clip float64, v []T) {
	for i, x := range v {
		f := float64(x)
		if clip > 0 {
			f = min(max(f, -clip), clip)
		}
		v[i] = T(a.eval(f))
	}
}

var rnnBLAS gblas.Implementation

// rnnGemm32 is rnnGemmFunc for float32, gonum's Sgemm (Sgemv for one row).
func rnnGemm32(m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		rnnScaleRows(m, n, beta, c, ldc)
		return
	}
	if m == 1 {
		rnnBLAS.Sgemv(blas.NoTrans, n, k, 1, b, ldb, a, 1, beta, c, 1)
		return
	}
	rnnBLAS.Sgemm(blas.NoTrans, blas.Trans, m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
}

// rnnGemm64 is rnnGemmFunc for float64, gonum's Dgemm (Dgemv for one row).
func rnnGemm64(m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		rnnScaleRows(m, n, beta, c, ldc)
		return
	}
	if m == 1 {
		rnnBLAS.Dgemv(blas.NoTrans, n, k, 1, b, ldb, a, 1, beta, c, 1)
		return
	}
	rnnBLAS.Dgemm(blas.NoTrans, blas.Trans, m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
}

func rnnScaleRows[T rnnFloat](m, n int, beta T, c []T, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			if beta == 0 {
				row[j] = 0 // BLAS: beta 0 overwrites, even NaN
			} else {
				row[j] *= beta
			}
		}
	}
}
