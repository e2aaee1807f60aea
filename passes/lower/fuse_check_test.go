package lower

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// parseUnit parses a kernel whose parameters are the tensors args.
func parseUnit(t *testing.T, src string, last int, args ...graph.TensorID) unit {
	t.Helper()
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	require.NoError(t, loop.Verify(k))
	return unit{k: k, args: args, last: last}
}

// TestFuseProducerCheck: a producer fuses only when it stores each element
// of its output once, with its final value (tensor 0 is its input a,
// tensor 1 its output y, read by a Relu that writes tensor 2).
func TestFuseProducerCheck(t *testing.T) {
	const head = "kernel p(in a: f32[2,3], out y: f32[2,3]) {\n"
	tests := []struct {
		name, body string
		fuses      bool
	}{
		{"once", "for i in 0..2 { for j in 0..3 { y[i, j] = a[i, j] * 2.0 } }", true},
		{"loops swapped", "for j in 0..3 { for i in 0..2 { y[i, j] = a[i, j] } }", true},
		{"stored twice", "for i in 0..2 { for j in 0..3 { y[i, j] = 0.0 } }\nfor i in 0..2 { for j in 0..3 { y[i, j] = a[i, j] } }", false},
		{"under an if", "for i in 0..2 { for j in 0..3 { if i < 1 { y[i, j] = a[i, j] } } }", false},
		{"read back", "for i in 0..2 { for j in 0..3 { y[i, j] = a[i, j] } }\nfor i in 0..2 { for j in 0..3 { a[i, j] = y[i, j] } }", false},
		{"reduction loop around the store", "for i in 0..2 { for j in 0..3 { for k in 0..3 { y[i, j] = a[i, k] } } }", false},
	}
	relu := "kernel relu(in x: f32[2,3], out z: f32[2,3]) {\n  for i in 0..2 {\n    for j in 0..3 {\n      z[i, j] = max(x[i, j], 0.0)\n    }\n  }\n}\n"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := loop.Parse(head+tc.body+"\n}\n", nil)
			if err != nil || loop.Verify(k) != nil {
				// "read back" writes an input: not a valid kernel, but the
				// check must still refuse it.
				require.Equal(t, "read back", tc.name, "%v", err)
			}
			require.NotNil(t, k)
			p := unit{k: k, args: []graph.TensorID{0, 1}}
			c := parseUnit(t, relu, 1, 1, 2)
			f, ok := fuseInto(p, 1, c)
			assert.Equal(t, tc.fuses, ok)
			if ok {
				assert.Equal(t, []graph.TensorID{0, 2}, f.args)
				assert.Equal(t, 1, f.last)
			}
		})
	}
}

// TestOneToOne: the index of a store is one-to-one in its loops when it is
// a mixed-radix number of them.
func TestOneToOne(t *testing.T) {
	i, j := loop.VarID(0), loop.VarID(1)
	loops := []*loop.For{
		{Var: i, Lo: loop.At(loop.Lit(0)), Hi: loop.At(loop.Lit(2)), Step: 1},
		{Var: j, Lo: loop.At(loop.Lit(0)), Hi: loop.At(loop.Lit(3)), Step: 1},
	}
	aff := func(ci, cj int) []loop.Index {
		return []loop.Index{loop.At(loop.V(i).Scale(ci).Add(loop.V(j).Scale(cj)))}
	}
	tests := []struct {
		name  string
		index []loop.Index
		want  bool
	}{
		{"3i+j", aff(3, 1), true},
		{"i+2j", aff(1, 2), true},
		{"2i+j overlaps", aff(2, 1), false},
		{"i+j overlaps", aff(1, 1), false},
		{"-3i+j", aff(-3, 1), true},
		{"i, j", []loop.Index{loop.At(loop.V(i)), loop.At(loop.V(j))}, true},
		{"i, i", []loop.Index{loop.At(loop.V(i)), loop.At(loop.V(i))}, false},
		{"j missing", []loop.Index{loop.At(loop.V(i))}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, oneToOne(tc.index, loops))
		})
	}
	stepped := []*loop.For{{Var: i, Lo: loop.At(loop.Lit(0)), Hi: loop.At(loop.Lit(4)), Step: 2}}
	assert.False(t, oneToOne([]loop.Index{loop.At(loop.V(i))}, stepped), "steps other than 1 are refused")
}

// TestFuseConsumerCheck: a consumer fuses only when it is a perfect nest
// over its output reading the producer's element at its own position.
func TestFuseConsumerCheck(t *testing.T) {
	producer := "kernel p(in a: f32[2,3], out y: f32[2,3]) {\n  for i in 0..2 {\n    for j in 0..3 {\n      y[i, j] = a[i, j] + 1.0\n    }\n  }\n}\n"
	tests := []struct {
		name, src string
		args      []graph.TensorID
		fuses     bool
	}{
		{"relu", "kernel c(in x: f32[2,3], out z: f32[2,3]) { for i in 0..2 { for j in 0..3 { z[i, j] = max(x[i, j], 0.0) } } }", []graph.TensorID{1, 2}, true},
		{"add of another input", "kernel c(in x: f32[2,3], in r: f32[3], out z: f32[2,3]) { for i in 0..2 { for j in 0..3 { z[i, j] = x[i, j] + r[j] } } }", []graph.TensorID{1, 3, 2}, true},
		{"add of the producer's input", "kernel c(in x: f32[2,3], in r: f32[2,3], out z: f32[2,3]) { for i in 0..2 { for j in 0..3 { z[i, j] = x[i, j] + r[i, j] } } }", []graph.TensorID{1, 0, 2}, true},
		{"reads a neighbour", "kernel c(in x: f32[2,3], out z: f32[2,3]) { for i in 0..2 { for j in 0..3 { z[i, j] = x[1 - i, j] } } }", []graph.TensorID{1, 2}, false},
		{"uses a loop variable", "kernel c(in x: f32[2,3], out z: f32[2,3]) { for i in 0..2 { for j in 0..3 { z[i, j] = x[i, j] + cast<f32>(j) } } }", []graph.TensorID{1, 2}, false},
		{"two statements", "kernel c(in x: f32[2,3], out z: f32[2,3]) { temp t: f32 reg\n for i in 0..2 { for j in 0..3 { t = x[i, j]\n z[i, j] = t } } }", []graph.TensorID{1, 2}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := parseUnit(t, producer, 0, 0, 1)
			c := parseUnit(t, tc.src, 1, tc.args...)
			f, ok := fuseInto(p, 1, c)
			require.Equal(t, tc.fuses, ok)
			if ok {
				require.NoError(t, loop.Verify(f.k))
				assert.Len(t, f.k.Params, len(f.args))
				assert.NotContains(t, f.args, graph.TensorID(1), "the intermediate is gone")
			}
		})
	}
}
