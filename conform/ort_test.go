package conform

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/passes"
)

const ortDir = "../tools/ort"

type ortTensor struct {
	Dims []int  `json:"dims"`
	Data string `json:"data"`
}

// runORT evaluates a model with ONNX Runtime through tools/ort/run.js.
func runORT(t *testing.T, model string, names []string, inputs []*dtype.Array) []*dtype.Array {
	t.Helper()
	abs, err := filepath.Abs(model)
	require.NoError(t, err)
	req := struct {
		Model  string               `json:"model"`
		Inputs map[string]ortTensor `json:"inputs"`
	}{Model: abs, Inputs: map[string]ortTensor{}}
	for i, a := range inputs {
		var buf bytes.Buffer
		require.NoError(t, binary.Write(&buf, binary.LittleEndian, a.F32))
		req.Inputs[names[i]] = ortTensor{Dims: a.Shape, Data: base64.StdEncoding.EncodeToString(buf.Bytes())}
	}
	body, err := json.Marshal(req)
	require.NoError(t, err)
	cmd := exec.Command("node", filepath.Join(ortDir, "run.js"))
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "onnxruntime: %s", stderr.String())
	var resp struct {
		Outputs map[string]ortTensor `json:"outputs"`
		Order   []string             `json:"order"`
	}
	require.NoError(t, json.Unmarshal(out, &resp))
	var res []*dtype.Array
	for _, name := range resp.Order {
		o := resp.Outputs[name]
		raw, err := base64.StdEncoding.DecodeString(o.Data)
		require.NoError(t, err)
		v := make([]float32, len(raw)/4)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		res = append(res, dtype.FromF32(o.Dims, v))
	}
	return res
}

func requireORT(t *testing.T) {
	_, nodeErr := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(ortDir, "node_modules", "onnxruntime-node"))
	if nodeErr == nil && modErr == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("ONNX Runtime is missing (node: %v, module: %v); .ci/run installs it", nodeErr, modErr)
	}
	t.Skip("ONNX Runtime is missing: cd tools/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci")
}

// TestAgainstONNXRuntime runs the PyTorch-exported models at batch 1 and 3
// on random inputs (not the stored ones) in kiln, after the clean-up
// passes, and in ONNX Runtime 1.30, and requires ONNX's tolerance.
func TestAgainstONNXRuntime(t *testing.T) {
	requireORT(t)
	models, err := filepath.Glob("../frontend/onnx/testdata/torch/*/model.onnx")
	require.NoError(t, err)
	require.NotEmpty(t, models)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, model := range models {
		for _, batch := range []int{1, 3} {
			name := filepath.Base(filepath.Dir(model))
			t.Run(fmt.Sprintf("%s/batch%d", name, batch), func(t *testing.T) {
				m, err := onnx.Load(model, onnx.Options{Batch: batch})
				require.NoError(t, err)
				require.NoError(t, passes.RunGraph(&passes.Context{VerifyEach: true}, m.Graph, passes.CleanupPipeline))
				g := m.Graph
				var names []string
				var inputs []*dtype.Array
				for _, id := range g.Inputs {
					in := g.Tensors[id]
					require.Equal(t, dtype.F32, in.Kind)
					a := dtype.New(dtype.F32, in.Shape)
					for i := range a.F32 {
						a.F32[i] = float32(rng.NormFloat64())
					}
					names = append(names, in.Name)
					inputs = append(inputs, a)
				}
				got, err := eval.Run(g, inputs, eval.Options{})
				require.NoError(t, err)
				want := runORT(t, model, names, inputs)
				require.Len(t, got, len(want))
				for i := range got {
					assert.Empty(t, Compare(got[i], want[i]), "output %d", i)
				}
			})
		}
	}
}

// TestBuiltinsAgainstONNXRuntime: each built-in model on its embedded
// validation windows, in kiln (after the clean-up passes) and in ONNX
// Runtime 1.30. ONNX Runtime sums long float32 products in float32 in its
// own order, kiln in float64: near zero they differ by more than ONNX's
// 1e-7, so the absolute term here is 1e-5 of the output's largest
// magnitude (relative term 1e-3 as ONNX's).
func TestBuiltinsAgainstONNXRuntime(t *testing.T) {
	requireORT(t)
	for _, name := range zoo.Names() {
		t.Run(name, func(t *testing.T) {
			z, err := zoo.Lookup(name)
			require.NoError(t, err)
			inputs, err := ReadSet(z.Data(), "test_data_set_0", "input", 0)
			require.NoError(t, err)
			m, _, err := Prepare(Source{Name: name, Load: z.Load}, inputs, Options{})
			require.NoError(t, err)
			got, err := eval.Run(m.Graph, inputs, eval.Options{})
			require.NoError(t, err)
			want := runORT(t, filepath.Join("../frontend/zoo/models", name, "model.onnx"), []string{"x"}, inputs)
			require.Len(t, want, len(got))
			for i := range got {
				assert.Empty(t, compareScaled(got[i], want[i], 1e-5), "output %d", i)
			}
		})
	}
}

// compareScaled is Compare with the absolute tolerance scaled to the
// largest |want|: |got−want| ≤ scale·max|want| + 1e-3·|want|.
func compareScaled(got, want *dtype.Array, scale float64) string {
	if !graph.SameShape(got.Shape, want.Shape) {
		return fmt.Sprintf("shape %v, want %v", got.Shape, want.Shape)
	}
	top := 0.0
	for i := 0; i < want.Len(); i++ {
		top = math.Max(top, math.Abs(want.At(i)))
	}
	for i := 0; i < want.Len(); i++ {
		g, w := got.At(i), want.At(i)
		if math.Abs(g-w) > scale*top+1e-3*math.Abs(w) {
			return fmt.Sprintf("element %v is %v, want %v (largest |want| %v)", coords(i, want.Shape), g, w, top)
		}
	}
	return ""
}
