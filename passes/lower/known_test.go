package lower

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// TestKnown: the shape operators, left in a graph lowered without the
// clean-up, become copies of their values; an input only known at run time
// is an error naming it.
func TestKnown(t *testing.T) {
	g := &graph.Graph{}
	x := g.AddTensor("x", dtype.F32, []int{2, 3, 5, 7}, nil)
	s := g.AddTensor("s", dtype.I64, []int{2}, nil)
	shape := dtype.New(dtype.I64, []int{2})
	copy(shape.I64, []int64{3, 2})
	sc := g.AddTensor("shape", dtype.I64, []int{2}, shape)
	f := g.AddTensor("f", dtype.F32, []int{3, 2}, nil)
	g.Inputs, g.Outputs = []graph.TensorID{x}, []graph.TensorID{s, f}
	g.AddNode(graph.OpShape, "dims", []graph.TensorID{x}, []graph.TensorID{s}, graph.ShapeAttrs{Start: 1, End: -1, HasEnd: true})
	g.AddNode(graph.OpConstantOfShape, "fill", []graph.TensorID{sc}, []graph.TensorID{f}, graph.ConstantOfShapeAttrs{})
	require.NoError(t, graph.Verify(g))

	p, err := Program(g, Options{})
	require.NoError(t, err)
	in := dtype.New(dtype.F32, []int{2, 3, 5, 7})
	outs := []*dtype.Array{dtype.New(dtype.I64, []int{2}), dtype.New(dtype.F32, []int{3, 2})}
	for i := range outs[1].F32 {
		outs[1].F32[i] = 9 // the kernel must overwrite it
	}
	require.NoError(t, exec.RunProgram(p, append([]*dtype.Array{in}, outs...)))
	want, err := eval.Run(g, []*dtype.Array{in}, eval.Options{})
	require.NoError(t, err)
	assert.Equal(t, []int64{3, 5}, outs[0].I64)
	assert.Equal(t, want[0].I64, outs[0].I64)
	assert.Equal(t, want[1].F32, outs[1].F32)

	g.Nodes[1].In[0] = s // ConstantOfShape of a run-time tensor
	_, err = Node(g, g.Nodes[1], Options{})
	assert.ErrorContains(t, err, `lower: node "fill" (ConstantOfShape): input 0 (s) is computed at run time`)
}
