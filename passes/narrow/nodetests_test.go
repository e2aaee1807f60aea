package narrow_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower"
	"github.com/kiln-hls/kiln/passes/narrow"
)

// nodeTests are ONNX's node tests (../shared/testdata/onnx-node).
const nodeTests = "../../../shared/testdata/onnx-node"

// TestNodeTests: every ONNX node test, lowered as kiln lower does (fused),
// narrows to each format without a panic, and the narrowed program
// verifies and runs on the test's inputs. (Accuracy is not checked here:
// the node tests' values are not chosen for narrow formats.)
func TestNodeTests(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 446 models")
	}
	dirs, err := conform.FindCases([]string{nodeTests})
	if os.IsNotExist(err) && os.Getenv("CI") == "" {
		t.Skipf("no node tests at %s", nodeTests)
	}
	require.NoError(t, err)
	specs := []string{"fp16", "bf16", "fp8e5m2", "amp", "fixed<16,6>", "fixed<24,10,rne,sat>", "int8", "int16"}
	ran, refused := 0, 0
	for _, dir := range dirs {
		p, inputs, ranges, ok := nodeProgram(t, dir)
		if !ok {
			continue
		}
		ran++
		for _, spec := range specs {
			s, err := passes.ParsePrecisionSpec(spec)
			require.NoError(t, err)
			np, _, err := narrow.Apply(p, narrow.Options{Spec: s, Ranges: ranges})
			if err != nil && strings.HasPrefix(spec, "int") && outOfRange(err) {
				refused++ // data beyond int8/int16 with a power-of-two scale ≤ 1, or ±Inf
				continue
			}
			if !assert.NoError(t, err, "%s %s", filepath.Base(dir), spec) {
				continue
			}
			args := append([]*dtype.Array(nil), inputs...)
			for _, id := range np.Params[len(inputs):] {
				args = append(args, dtype.New(np.Buffers[id].Kind, np.Buffers[id].Shape))
			}
			assert.NoError(t, exec.RunProgram(np, args), "%s %s", filepath.Base(dir), spec)
		}
	}
	t.Logf("%d of %d node tests lowered and narrowed; int8/int16 refused %d for their data's range", ran, len(dirs), refused)
	assert.Greater(t, ran, 400)
}

// outOfRange reports whether err is int8/int16 refusing a tensor whose
// values no power-of-two scale of at most 1 holds.
func outOfRange(err error) bool {
	m := err.Error()
	return strings.Contains(m, "is beyond int") || strings.Contains(m, "max-abs +Inf is not a finite number")
}

// nodeProgram prepares and lowers the node test in dir with its first data
// set's inputs, and calibrates its tensors on them; ok is false when the
// case does not lower (lowering's own tests cover that).
func nodeProgram(t *testing.T, dir string) (p *loop.Program, inputs []*dtype.Array, ranges map[string]passes.Range, ok bool) {
	data := os.DirFS(dir)
	sets, err := conform.DataSets(data)
	require.NoError(t, err)
	in, err := conform.ReadSet(data, sets[0], "input", 0)
	require.NoError(t, err)
	m, in, err := conform.Prepare(conform.File(filepath.Join(dir, "model.onnx")), in, conform.Options{})
	if err != nil {
		return nil, nil, nil, false
	}
	ranges, err = passes.Calibrate(m.Graph, [][]*dtype.Array{in})
	if err != nil {
		return nil, nil, nil, false
	}
	p, err = lower.Program(m.Graph, lower.Options{Fuse: true})
	if err != nil {
		return nil, nil, nil, false
	}
	return p, in, ranges, true
}
