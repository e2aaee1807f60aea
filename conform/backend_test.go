package conform_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/passes/lower"
)

const nodeTests = "../../shared/testdata/onnx-node"

// TestUnsupportedNode: a node with no lowering makes the case UNSUPPORTED,
// naming the node.
func TestUnsupportedNode(t *testing.T) {
	noLowering := func(string, *graph.Graph, []*dtype.Array) ([]*dtype.Array, error) {
		return nil, &lower.UnsupportedError{Node: `node "Abs_0" (Abs)`, Op: graph.OpAbs}
	}
	r := conform.Case(filepath.Join(nodeTests, "test_abs"), conform.Options{Backend: "loop", Native: noLowering})
	assert.Equal(t, conform.Unsupported, r.Status)
	assert.Equal(t, `lower: node "Abs_0" (Abs): no lowering for Abs`, r.Detail)

	r = conform.Case(filepath.Join(nodeTests, "test_abs"), conform.Options{Backend: "loop"})
	assert.Equal(t, conform.Fail, r.Status)
	assert.Contains(t, r.Detail, "no runner given")
}
