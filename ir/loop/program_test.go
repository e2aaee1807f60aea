package loop_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
)

// TestProgramOf: the top calls the kernel once with copies of its
// parameters, which are the top's parameters too; the program verifies.
func TestProgramOf(t *testing.T) {
	k, err := loop.Parse(`kernel s(in x: f32[4], out y: f32[4]) {
  temp t: f32[4]
  for i in 0..4 {
    t[i] = x[i] * 2.0
    y[i] = t[i]
  }
}`, nil)
	require.NoError(t, err)
	p := loop.ProgramOf(k)
	require.NoError(t, loop.VerifyProgram(p))
	assert.Equal(t, loop.TopName, p.Name)
	var names []string
	for _, b := range p.Buffers {
		names = append(names, b.Name)
	}
	assert.Equal(t, []string{"x", "y"}, names)
	assert.Equal(t, []loop.BufID{0, 1}, p.Params)
	assert.Equal(t, []loop.KernelCall{{Kernel: 0, Args: []loop.BufID{0, 1}}}, p.Calls)
	assert.NotSame(t, k.Buffers[k.Params[0]], p.Buffers[0], "copies: the top's buffers are its own")
}
