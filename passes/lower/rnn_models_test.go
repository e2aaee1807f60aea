package lower

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes"
)

// rnnModel is a model with an LSTM and its test data.
type rnnModel struct {
	name string
	load func(onnx.Options) (*onnx.Model, error)
	data fs.FS
}

func rnnModels(t *testing.T) []rnnModel {
	var ms []rnnModel
	for _, name := range []string{"lstm_opset13", "lstm_opset17", "lstm_study_opset17"} {
		dir := filepath.Join("../../frontend/onnx/testdata/torch", name)
		load := func(o onnx.Options) (*onnx.Model, error) { return onnx.Load(filepath.Join(dir, "model.onnx"), o) }
		ms = append(ms, rnnModel{name, load, os.DirFS(dir)})
	}
	m, err := zoo.Lookup("lstm")
	require.NoError(t, err)
	return append(ms, rnnModel{"zoo_lstm", m.Load, m.Data()})
}

// rnnTolerance is ONNX's backend-test rule |got−want| ≤ Atol + Rtol·|want|
// (onnx/backend/test/loader: rtol 1e-3, atol 1e-7 unless data.json says).
type rnnTolerance struct {
	Rtol float64 `json:"rtol"`
	Atol float64 `json:"atol"`
}

var rnnONNXTol = rnnTolerance{Rtol: 1e-3, Atol: 1e-7}

// rnnModelTol is the data folder's data.json tolerance, ONNX's without
// one (as conform reads it).
func rnnModelTol(t *testing.T, data fs.FS) rnnTolerance {
	tol := rnnONNXTol
	b, err := fs.ReadFile(data, "data.json")
	if errors.Is(err, fs.ErrNotExist) {
		return tol
	}
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &tol))
	return tol
}

// rnnCompare is "" when got matches want (kind, shape, every element
// within tol), else the first mismatch.
func rnnCompare(got, want *dtype.Array, tol rnnTolerance) string {
	if got.Kind != want.Kind || !graph.SameShape(got.Shape, want.Shape) {
		return fmt.Sprintf("%v%v, want %v%v", got.Kind, got.Shape, want.Kind, want.Shape)
	}
	for i := range want.Len() {
		g, w := got.At(i), want.At(i)
		if math.Abs(g-w) > tol.Atol+tol.Rtol*math.Abs(w) || math.IsNaN(g) != math.IsNaN(w) {
			return fmt.Sprintf("element %d is %v, want %v", i, g, w)
		}
	}
	return ""
}

// rnnPrepare loads a model for inputs of the given shapes and runs the
// clean-up passes, as kiln's conform does.
func rnnPrepare(t *testing.T, load func(onnx.Options) (*onnx.Model, error), inputs []*dtype.Array) *graph.Graph {
	var opt onnx.Options
	for _, a := range inputs {
		opt.InputShapes = append(opt.InputShapes, a.Shape)
	}
	m, err := load(opt)
	require.NoError(t, err)
	require.NoError(t, passes.RunGraph(&passes.Context{VerifyEach: true}, m.Graph, passes.CleanupPipeline))
	return m.Graph
}

// rnnLowerRun lowers g to a program and runs it with the loop IR interpreter.
func rnnLowerRun(g *graph.Graph, inputs []*dtype.Array) ([]*dtype.Array, error) {
	p, err := Program(g, Options{})
	if err != nil {
		return nil, err
	}
	args := slices.Clone(inputs)
	out := make([]*dtype.Array, len(g.Outputs))
	for i, id := range g.Outputs {
		out[i] = dtype.New(g.Tensor(id).Kind, g.Tensor(id).Shape)
		args = append(args, out[i])
	}
	return out, exec.RunProgram(p, args)
}

// TestRNNModels: in the PyTorch LSTM models and the built-in LSTM, each
// recurrent node, lowered and run by the loop IR interpreter on the values
// ir/graph/eval gives its inputs, matches eval's outputs within the
// model's tolerance; so does the whole lowered model once every node of it
// lowers.
func TestRNNModels(t *testing.T) {
	for _, m := range rnnModels(t) {
		t.Run(m.name, func(t *testing.T) {
			if testing.Short() && m.name != "lstm_opset13" {
				t.Skip("-short: the interpreter takes seconds on the study's LSTM")
			}
			tol := rnnModelTol(t, m.data)
			x, err := onnx.ReadTensorFS(m.data, "test_data_set_0/input_0.pb", 0)
			require.NoError(t, err)
			inputs := []*dtype.Array{x}
			g := rnnPrepare(t, m.load, inputs)
			vals := rnnEvalAll(t, g, inputs)
			nodes := 0
			for _, n := range g.Nodes {
				if graph.RNNGates(n.Op) == 0 {
					continue
				}
				nodes++
				t.Run(n.Name, func(t *testing.T) {
					sub, subIn, want := rnnNodeGraph(g, n, vals)
					got, err := rnnLowerRun(sub, subIn)
					require.NoError(t, err)
					for i := range want {
						assert.Empty(t, rnnCompare(got[i], want[i], tol), "output %d", i)
					}
				})
			}
			require.Positive(t, nodes)
			t.Run("whole", func(t *testing.T) {
				want, err := eval.Run(g, inputs, eval.Options{})
				require.NoError(t, err)
				got, err := rnnLowerRun(g, inputs)
				var unsupported *UnsupportedError
				if errors.As(err, &unsupported) {
					t.Skipf("another node does not lower yet: %v", err)
				}
				require.NoError(t, err)
				for i := range want {
					assert.Empty(t, rnnCompare(got[i], want[i], tol), "output %d", i)
				}
			})
		})
	}
}

// rnnEvalAll evaluates g node by node and returns every tensor's value.
func rnnEvalAll(t *testing.T, g *graph.Graph, inputs []*dtype.Array) []*dtype.Array {
	vals := make([]*dtype.Array, len(g.Tensors))
	for _, tn := range g.Tensors {
		vals[tn.ID] = tn.Init
	}
	require.Len(t, inputs, len(g.Inputs))
	for i, id := range g.Inputs {
		vals[id] = inputs[i]
	}
	for _, n := range g.Nodes {
		in := make([]*dtype.Array, len(n.In))
		for i, id := range n.In {
			if id != graph.None {
				in[i] = vals[id]
			}
		}
		out, err := eval.Node(n, in, 0)
		require.NoError(t, err)
		for i, id := range n.Out {
			if id != graph.None {
				vals[id] = out[i]
			}
		}
	}
	return vals
}

// rnnNodeGraph is a graph of n alone: what n reads that is not a constant
// becomes an input, with its value; it returns n's outputs' values too.
func rnnNodeGraph(g *graph.Graph, n *graph.Node, vals []*dtype.Array) (*graph.Graph, []*dtype.Array, []*dtype.Array) {
	sub := &graph.Graph{Name: n.Name}
	ids := map[graph.TensorID]graph.TensorID{graph.None: graph.None}
	var inputs, want []*dtype.Array
	copyT := func(id graph.TensorID) graph.TensorID {
		if nid, ok := ids[id]; ok {
			return nid
		}
		tn := g.Tensor(id)
		nid := sub.AddTensor(tn.Name, tn.Kind, tn.Shape, tn.Init)
		ids[id] = nid
		return nid
	}
	var in, out []graph.TensorID
	for _, id := range n.In {
		nid := copyT(id)
		if id != graph.None && g.Tensor(id).Init == nil {
			sub.Inputs = append(sub.Inputs, nid)
			inputs = append(inputs, vals[id])
		}
		in = append(in, nid)
	}
	for _, id := range n.Out {
		nid := copyT(id)
		if id != graph.None {
			sub.Outputs = append(sub.Outputs, nid)
			want = append(want, vals[id])
		}
		out = append(out, nid)
	}
	sub.AddNode(n.Op, n.Name, in, out, n.Attrs)
	return sub, inputs, want
}

// TestRNNLowersFast: the study's LSTM (136 inputs, 64 hidden, 60 steps)
// lowers in milliseconds: the kernel's size does not grow with the steps.
func TestRNNLowersFast(t *testing.T) {
	m, err := zoo.Lookup("lstm")
	require.NoError(t, err)
	g := rnnPrepare(t, m.Load, nil)
	for _, n := range g.Nodes {
		if n.Op != graph.OpLSTM {
			continue
		}
		start := time.Now()
		k, err := Node(g, n, Options{})
		took := time.Since(start)
		require.NoError(t, err)
		assert.Less(t, took, 50*time.Millisecond, "lowering took %v", took)
		assert.Less(t, len(k.String()), 1<<12, "the kernel's text (weights as data(…)) stays small")
		return
	}
	t.Fatal("the built-in LSTM has no LSTM node")
}
