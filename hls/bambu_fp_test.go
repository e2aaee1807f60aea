package hls

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

func TestFPFormat(t *testing.T) {
	for k, want := range map[dtype.Kind]string{
		dtype.F16: "e5m10b-15nih", dtype.BF16: "e8m7b-127nih",
		dtype.F8E4M3FN: "e4m3b-7nih", dtype.F8E5M2: "e5m2b-15nih",
	} {
		got, ok := FPFormat(k)
		assert.True(t, ok, "%v", k)
		assert.Equal(t, want, got, "%v", k)
	}
	for _, k := range []dtype.Kind{dtype.F32, dtype.F64, dtype.I8, dtype.FixedKind(dtype.Fixed{W: 16, I: 6})} {
		_, ok := FPFormat(k)
		assert.False(t, ok, "%v", k)
	}
}

// scaleKernel is y = x·2 with an accumulator of kind acc and a product
// cast to kind mul: f32 parameters, as narrowed kernels have.
func scaleKernel(acc, mul dtype.Kind) *loop.Kernel {
	k := &loop.Kernel{Name: "scale"}
	x := k.NewBuffer(&loop.Buffer{Name: "x", Kind: dtype.F32, Shape: []int{4}, Role: loop.Input})
	y := k.NewBuffer(&loop.Buffer{Name: "y", Kind: dtype.F32, Shape: []int{4}, Role: loop.Output})
	a := k.NewBuffer(&loop.Buffer{Name: "a", Kind: acc, Role: loop.Temp})
	k.Params = []loop.BufID{x, y}
	i := k.NewVar("i")
	ix := []loop.Index{loop.At(loop.V(i))}
	prod := &loop.Cast{To: acc, X: &loop.Bin{Op: loop.Mul, X: &loop.Cast{To: mul, X: &loop.Load{Buf: x, Index: ix}}, Y: loop.Float(mul, 2)}}
	k.Body = []loop.Stmt{&loop.For{Var: i, Lo: loop.At(loop.Lit(0)), Hi: loop.At(loop.Lit(4)), Step: 1, Body: []loop.Stmt{
		&loop.Store{Buf: a, Value: prod},
		&loop.Store{Buf: y, Index: ix, Value: &loop.Cast{To: dtype.F32, X: &loop.Load{Buf: a}}},
	}}}
	return k
}

func TestBambuFPFormat(t *testing.T) {
	assert.Equal(t, "--fp-format=scale*e5m10b-15nih", BambuFPFormat(scaleKernel(dtype.F16, dtype.F16)))
	assert.Equal(t, "--fp-format=scale*e8m7b-127nih", BambuFPFormat(scaleKernel(dtype.BF16, dtype.BF16)))
	assert.Equal(t, "", BambuFPFormat(scaleKernel(dtype.F32, dtype.F32)), "fp32 needs no option")
	assert.Equal(t, "", BambuFPFormat(scaleKernel(dtype.F32, dtype.F16)), "amp mixes two formats")
}
