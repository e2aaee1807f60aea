package lower

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// nodeTests is the folder of ONNX's backend node tests.
const nodeTests = "../../../shared/testdata/onnx-node"

// runCase runs an ONNX node-test case through lowering and the loop IR
// interpreter and compares with its first data set. It returns "" when
// every output matches, the mismatch otherwise, and an error when the case
// cannot be run (unsupported included).
func runCase(dir string) (string, error) {
	data := os.DirFS(dir)
	set := "test_data_set_0"
	inputs, err := conform.ReadSet(data, set, "input", onnx.DefaultMaxTensorBytes)
	if err != nil {
		return "", err
	}
	want, err := conform.ReadSet(data, set, "output", onnx.DefaultMaxTensorBytes)
	if err != nil {
		return "", err
	}
	m, inputs, err := conform.Prepare(conform.File(filepath.Join(dir, "model.onnx")), inputs, conform.Options{Raw: true})
	if err != nil {
		return "", err
	}
	got, err := runLowered(m.Graph, inputs)
	if err != nil {
		return "", err
	}
	for i := range want {
		if msg := conform.Compare(got[i], want[i]); msg != "" {
			return fmt.Sprintf("output %d: %s", i, msg), nil
		}
	}
	return "", nil
}

// runLowered lowers g to a program and runs it with the loop IR
// interpreter.
func runLowered(g *graph.Graph, inputs []*dtype.Array) ([]*dtype.Array, error) {
	p, err := Program(g, Options{})
	if err != nil {
		return nil, err
	}
	var args []*dtype.Array
	for _, t := range g.Inputs {
		if g.Tensors[t].Init == nil {
			if len(args) == len(inputs) {
				return nil, fmt.Errorf("%d inputs for more", len(inputs))
			}
			args = append(args, inputs[len(args)])
		}
	}
	out := make([]*dtype.Array, len(g.Outputs))
	for i, t := range g.Outputs {
		out[i] = dtype.New(g.Tensors[t].Kind, g.Tensors[t].Shape)
		args = append(args, out[i])
	}
	if err := exec.RunProgram(p, args); err != nil {
		return nil, err
	}
	return out, nil
}
