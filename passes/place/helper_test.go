package place_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
)

// oneKernel is a program of the kernel in src (.kir text, constants
// inline) called once, its parameters the top's buffers of the same names.
func oneKernel(t *testing.T, src string) *loop.Program {
	t.Helper()
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	p := loop.ProgramOf(k)
	p.KernelNodes = [][]string{{"/layer/" + k.Name}}
	require.NoError(t, loop.VerifyProgram(p))
	return p
}

// spaces lists every buffer's space, kernels' then the top's, by name.
func spaces(p *loop.Program) map[string]loop.Space {
	m := map[string]loop.Space{}
	for _, k := range p.Kernels {
		for _, b := range k.Buffers {
			m[k.Name+"."+b.Name] = b.Space
		}
	}
	for _, b := range p.Buffers {
		m[b.Name] = b.Space
	}
	return m
}
