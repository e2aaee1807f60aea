package loops_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/loops"
)

func TestParseSpecs(t *testing.T) {
	rows := []struct {
		in   string
		want []loops.Spec
		err  string
	}{
		{in: "gemm.j=16,gemm.k=4", want: []loops.Spec{{"gemm", "j", []string{"16"}}, {"gemm", "k", []string{"4"}}}},
		{in: "lstm.gates=16,8", want: []loops.Spec{{"lstm", "gates", []string{"16", "8"}}}},
		{in: "conv1.k=full, conv1.i.outer=2", want: []loops.Spec{{"conv1", "k", []string{"full"}}, {"conv1", "i.outer", []string{"2"}}}},
		{in: "16", err: `spec "16": want KERNEL.LOOP=VALUE`},
		{in: "gemm=16", err: `spec "gemm=16": want KERNEL.LOOP=VALUE`},
		{in: "gemm.j=", err: `spec "gemm.j=": want KERNEL.LOOP=VALUE`},
		{in: ".j=2", err: `spec ".j=2"`},
		{in: "gemm.j=2,,gemm.k=3", err: "empty item"},
	}
	for _, r := range rows {
		t.Run(r.in, func(t *testing.T) {
			got, err := loops.ParseSpecs(r.in)
			if r.err != "" {
				assert.ErrorContains(t, err, r.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, r.want, got)
			if len(got) > 0 {
				assert.Equal(t, got[0].Kernel+"."+got[0].Loop+"="+got[0].Values[0], loops.Spec{Kernel: got[0].Kernel, Loop: got[0].Loop, Values: got[0].Values[:1]}.String())
			}
		})
	}
}

func TestOnKernel(t *testing.T) {
	k := parseFile(t, "testdata/gemm.kir")
	other, err := loop.Parse("kernel other(in a: f32[3], out b: f32[3]) {\n  for i in 0..3 {\n    b[i] = a[i]\n  }\n}\n", nil)
	require.NoError(t, err)
	p := &loop.Program{Name: "top", Kernels: []*loop.Kernel{other, k}}
	tile := func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Tile(k, "j", 2) }
	q, err := loops.OnKernel(p, "gemm", tile)
	require.NoError(t, err)
	assert.Same(t, k, p.Kernels[1], "p is untouched")
	assert.Same(t, other, q.Kernels[0])
	assert.Contains(t, q.Kernels[1].String(), "for j.outer in 0..4 step 2")
	_, err = loops.OnKernel(p, "conv9", tile)
	assert.EqualError(t, err, `loops: program top: no kernel "conv9" (it has other, gemm)`)
	_, err = loops.OnKernel(p, "other", tile)
	assert.ErrorContains(t, err, "kernel other: loop j: no such loop")
}
