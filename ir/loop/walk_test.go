package loop_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/looptest"
)

func TestWalkExprs(t *testing.T) {
	src := `kernel k(in x: f32[4], in ix: i64[4], out y: f32[4]) {
  for i in 0..4 {
    if x[i] > 0.0 {
      y[i] = x[ix[i]] * 2.0
    } else {
      y[i] = -x[i]
    }
  }
}`
	k, err := loop.Parse(src, looptest.Data(src))
	require.NoError(t, err)
	var seen []string
	loop.WalkExprs(k.Body, func(e loop.Expr) {
		switch e := e.(type) {
		case *loop.Load:
			seen = append(seen, "load "+k.Buffers[e.Buf].Name)
		case *loop.Bin:
			seen = append(seen, "bin "+e.Op.String())
		case *loop.Un:
			seen = append(seen, "un "+e.Op.String())
		case *loop.Const:
			seen = append(seen, "const")
		}
	})
	assert.Equal(t, []string{
		"load x", "const", "bin >", // the condition
		"load ix", "load x", "const", "bin *", // the gather's index before its load
		"load x", "un -",
	}, seen)
}

func TestWalkStores(t *testing.T) {
	src := `kernel k(in x: f32[4], out y: f32[4], out z: f32[4]) {
  for i in 0..4 {
    if x[i] > 0.0 {
      y[i] = x[i]
    } else {
      z[i] = x[i]
      y[i] = 0.0
    }
  }
  z[0] = 1.0
}`
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	var seen []string
	loop.WalkStores(k.Body, func(s *loop.Store) { seen = append(seen, k.Buffers[s.Buf].Name) })
	assert.Equal(t, []string{"y", "z", "y", "z"}, seen)
}
