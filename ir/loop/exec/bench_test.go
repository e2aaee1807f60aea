package exec_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// BenchmarkGemm runs testdata/gemm.kir: 64·4080 inner iterations, each
// six operations (two loads, a multiply, a load and an add of acc, its
// store); ops/s is reported.
func BenchmarkGemm(b *testing.B) {
	k := parse(b, "gemm", "", map[string]*dtype.Array{"w": eighths([]int{64, 4080})})
	p, err := exec.Compile(k)
	require.NoError(b, err)
	x := eighths([]int{1, 64})
	y := dtype.New(dtype.F32, []int{1, 4080})
	args := []*dtype.Array{x, nil, y}
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Run(args); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(6*64*4080*b.N)/b.Elapsed().Seconds(), "ops/s")
}
