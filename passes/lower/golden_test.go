package lower

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/looptest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.kir with what lowering gives")

// ramp is an f32 constant of shape s with looptest's values.
func ramp(s ...int) *dtype.Array { return looptest.Ramp(dtype.F32, s) }

// operand is one input of a one-node test graph: a constant when init is set.
type operand struct {
	name  string
	shape []int
	init  *dtype.Array
}

// oneNode builds a graph of one node of op over ins, with one f32 output y
// of shape out.
func oneNode(op graph.Op, name string, attrs graph.Attrs, out []int, ins ...operand) (*graph.Graph, *graph.Node) {
	g := &graph.Graph{Name: name}
	var in []graph.TensorID
	for _, o := range ins {
		id := g.AddTensor(o.name, dtype.F32, o.shape, o.init)
		if o.init == nil {
			g.Inputs = append(g.Inputs, id)
		}
		in = append(in, id)
	}
	y := g.AddTensor("y", dtype.F32, out, nil)
	g.Outputs = []graph.TensorID{y}
	return g, g.AddNode(op, name, in, []graph.TensorID{y}, attrs)
}

func goldenGraphs() map[string]func() (*graph.Graph, *graph.Node) {
	return map[string]func() (*graph.Graph, *graph.Node){
		"gemm": func() (*graph.Graph, *graph.Node) {
			return oneNode(graph.OpGemm, "gemm", graph.GemmAttrs{Alpha: 0.5, Beta: 1, TransB: true}, []int{2, 4},
				operand{"x", []int{2, 3}, nil}, operand{"w", []int{4, 3}, ramp(4, 3)}, operand{"b", []int{4}, ramp(4)})
		},
		"conv1d": func() (*graph.Graph, *graph.Node) {
			return oneNode(graph.OpConv, "conv1d", graph.ConvAttrs{Pads: []int{1, 1}}, []int{1, 3, 8},
				operand{"x", []int{1, 2, 8}, nil}, operand{"w", []int{3, 2, 3}, ramp(3, 2, 3)}, operand{"b", []int{3}, ramp(3)})
		},
		"add_broadcast": func() (*graph.Graph, *graph.Node) {
			return oneNode(graph.OpAdd, "add_broadcast", graph.NoAttrs{}, []int{2, 3, 4},
				operand{"a", []int{2, 3, 4}, nil}, operand{"b", []int{3, 1}, nil})
		},
	}
}

// checkKirGolden compares k's text with testdata/<name>.kir (-update
// rewrites it) and checks that the text parses back to itself.
func checkKirGolden(t *testing.T, name string, k *loop.Kernel) {
	t.Helper()
	got := k.String()
	file := filepath.Join("testdata", name+".kir")
	if *update {
		require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, string(want), got)
	back, err := loop.Parse(got, nil)
	require.NoError(t, err)
	assert.Equal(t, got, back.String())
}

// TestGolden: the loop IR of a few kernels is testdata/<case>.kir, reviewed
// like code; -update rewrites it. The text parses back to itself.
func TestGolden(t *testing.T) {
	for name, build := range goldenGraphs() {
		t.Run(name, func(t *testing.T) {
			g, n := build()
			k, err := Node(g, n, Options{})
			require.NoError(t, err)
			checkKirGolden(t, name, k)
		})
	}
}
