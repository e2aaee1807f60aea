package backend_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/backend"
	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/passes/lower"
)

// nodeTests is the folder of ONNX's backend node tests.
const nodeTests = "../../shared/testdata/onnx-node"

// needTools skips (or, in CI, fails) a test of a native back end whose
// compiler is not installed.
func needTools(t *testing.T, name string) {
	t.Helper()
	tool := map[string][]string{"llvm": {"clang-16", "clang-14"}, "c": {"gcc"}}[name]
	for _, c := range tool {
		if _, err := exec.LookPath(c); err == nil {
			return
		}
	}
	if len(tool) == 0 {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("backend %s needs %v (CI installs it)", name, tool)
	}
	t.Skipf("backend %s needs %v, not installed", name, tool)
}

// prepare loads a node-test case as conform does (clean-up passes run) and
// returns its graph, inputs and expected outputs.
func prepare(t *testing.T, name string) (*graph.Graph, []*dtype.Array, []*dtype.Array) {
	t.Helper()
	dir := filepath.Join(nodeTests, name)
	data := os.DirFS(dir)
	inputs, err := conform.ReadSet(data, "test_data_set_0", "input", onnx.DefaultMaxTensorBytes)
	require.NoError(t, err)
	want, err := conform.ReadSet(data, "test_data_set_0", "output", onnx.DefaultMaxTensorBytes)
	require.NoError(t, err)
	m, inputs, err := conform.Prepare(conform.File(filepath.Join(dir, "model.onnx")), inputs, conform.Options{})
	require.NoError(t, err)
	return m.Graph, inputs, want
}

// TestRun runs node tests on every back end: the outputs match ONNX's
// within its tolerance (the emitted code and exec agree bit for bit, but
// for libm calls).
func TestRun(t *testing.T) {
	cases := []string{"test_conv_with_strides_and_asymmetric_padding", "test_maxpool_2d_pads", "test_equal_int16", "test_ReLU", "test_add", "test_gemm_default_vector_bias", "test_matmul_4d"}
	for _, name := range backend.Names() {
		t.Run(name, func(t *testing.T) {
			needTools(t, name)
			cases := cases
			if name != "loop" {
				cases = cases[:3] // builds take a second each; conform tests more
			}
			for _, c := range cases {
				t.Run(c, func(t *testing.T) {
					t.Parallel()
					g, inputs, want := prepare(t, c)
					got, err := backend.Run(name, g, inputs, backend.Options{})
					require.NoError(t, err)
					require.Len(t, got, len(want))
					for i := range want {
						assert.Empty(t, conform.Compare(got[i], want[i]), "output %d", i)
					}
				})
			}
		})
	}
}

// TestUnsupported: a node with no lowering is an *UnsupportedError naming
// it, on every back end, before any tool runs. Every operator of the op
// table lowers, so the node's operator is a number past the table (one
// added to the table before its lowering).
func TestUnsupported(t *testing.T) {
	op := graph.Ops()[len(graph.Ops())-1].Op + 100
	g := &graph.Graph{}
	x := g.AddTensor("x", dtype.F32, []int{2, 3}, nil)
	y := g.AddTensor("y", dtype.I64, []int{2}, nil)
	g.AddNode(op, "shape_of_x", []graph.TensorID{x}, []graph.TensorID{y}, nil)
	g.Inputs, g.Outputs = []graph.TensorID{x}, []graph.TensorID{y}
	t.Setenv("PATH", t.TempDir()) // no compiler: lowering fails first
	for _, name := range backend.Names() {
		_, err := backend.Run(name, g, []*dtype.Array{dtype.New(dtype.F32, []int{2, 3})}, backend.Options{})
		var u *backend.UnsupportedError
		require.ErrorAs(t, err, &u, name)
		assert.Equal(t, op, u.Op)
		assert.Contains(t, err.Error(), "shape_of_x")
	}
}

func TestBadInput(t *testing.T) {
	g, inputs, _ := prepare(t, "test_ReLU")
	_, err := backend.Run("vhdl", g, inputs, backend.Options{})
	assert.ErrorContains(t, err, `backend "vhdl": no such back end; kiln has loop, llvm, c`)

	_, err = backend.Run("loop", g, nil, backend.Options{})
	assert.ErrorContains(t, err, "the graph has 1 inputs, given 0")

	bad := dtype.New(dtype.F64, inputs[0].Shape)
	_, err = backend.Run("loop", g, []*dtype.Array{bad}, backend.Options{})
	assert.ErrorContains(t, err, `input "0" must be f32[2 3 4 5]`)
}

// TestToolMissing: with no compiler on PATH, the error names the tool.
func TestToolMissing(t *testing.T) {
	g, inputs, _ := prepare(t, "test_ReLU")
	t.Setenv("PATH", t.TempDir())
	for name, tool := range map[string]string{"llvm": "clang-16", "c": "gcc"} {
		_, err := backend.Run(name, g, inputs, backend.Options{})
		assert.True(t, errors.Is(err, backend.ErrToolMissing), name)
		assert.ErrorContains(t, err, "backend "+name+": "+tool)
	}
}

// TestRunProgram: a program lowered by the caller runs on a looked-up back
// end; arguments are checked against the top's parameters.
func TestRunProgram(t *testing.T) {
	g, inputs, want := prepare(t, "test_ReLU")
	p, err := lower.Program(g, lower.Options{})
	require.NoError(t, err)
	b, err := backend.Lookup("loop")
	require.NoError(t, err)
	out := dtype.New(dtype.F32, want[0].Shape)
	require.NoError(t, b.RunProgram(p, []*dtype.Array{inputs[0], out}, backend.Options{}))
	assert.Empty(t, conform.Compare(out, want[0]))

	err = b.RunProgram(p, []*dtype.Array{inputs[0]}, backend.Options{})
	assert.ErrorContains(t, err, "backend: program forward_kernel: 1 arguments for 2 parameters")
	err = b.RunProgram(p, []*dtype.Array{inputs[0], dtype.New(dtype.F32, []int{2})}, backend.Options{})
	assert.ErrorContains(t, err, "argument 1 (t1) must be f32[2 3 4 5]")
}

// TestConformNames: conform lists the back ends it offers without
// importing this package (an import cycle), so its list must be ours.
func TestConformNames(t *testing.T) {
	assert.Equal(t, append([]string{"ref"}, backend.Names()...), conform.Backends)
}
