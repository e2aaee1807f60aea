package place_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
	"github.com/kiln-hls/kiln/passes/place"
)

// tiny is a device with 4 RAMB36: the built-in models' large weights go
// off chip.
var tiny = place.Capacity{BRAM36: 4, Ports: 2, RegisterBits: 106400}

// TestExternalizeZoo: each built-in model, at fp32 and fixed<16,6>, placed
// on a tiny chip then externalized: no kernel keeps an off-chip buffer
// that is not a parameter, every off-chip constant is now a top input
// with its data, the top's parameters are inputs then outputs, p is
// untouched, and exec computes the same outputs bit for bit.
func TestExternalizeZoo(t *testing.T) {
	spec, err := passes.ParsePrecisionSpec("fixed<16,6>")
	require.NoError(t, err)
	for _, name := range models {
		for _, prec := range []string{"fp32", "fixed"} {
			if prec == "fixed" && name == "stgcn" {
				continue // 15 s of exec on two shared cores; fp32 covers its CSR kernels
			}
			t.Run(name+"/"+prec, func(t *testing.T) {
				p := zoo(t, name)
				if prec == "fixed" {
					p, _, err = narrow.Apply(p, narrow.Options{Spec: spec})
					require.NoError(t, err)
				}
				placed, _, err := place.Apply(p, place.Options{Capacity: tiny})
				require.NoError(t, err)
				before := placed.String()
				q, err := place.Externalize(placed)
				require.NoError(t, err)
				assert.Equal(t, before, placed.String(), "the input changed")
				offchip := countOffChipConstants(placed)
				require.Positive(t, offchip, "nothing went off chip: the test shows nothing")
				checkExternal(t, placed, q)
				sameOutputs(t, placed, q)
			})
		}
	}
}

// countOffChipConstants counts the kernel constants placed off chip.
func countOffChipConstants(p *loop.Program) int {
	n := 0
	for _, k := range p.Kernels {
		for _, b := range k.Buffers {
			if b.Role == loop.Constant && b.Space == loop.OffChip {
				n++
			}
		}
	}
	return n
}

// checkExternal checks q's shape against p's.
func checkExternal(t *testing.T, p, q *loop.Program) {
	t.Helper()
	for _, k := range q.Kernels {
		param := map[loop.BufID]bool{}
		for _, id := range k.Params {
			param[id] = true
		}
		for id, b := range k.Buffers {
			// placement keeps the index arrays (CSR rows and columns),
			// which Externalize cannot move, on chip: nothing stays
			assert.False(t, b.Space == loop.OffChip && !param[loop.BufID(id)], "%s.%s is off chip but not a parameter", k.Name, b.Name)
		}
	}
	weights, outputsSeen := 0, false
	for _, id := range q.Params {
		b := q.Buffers[id]
		if b.Role == loop.Output {
			outputsSeen = true
		}
		if place.IsWeight(b) {
			weights++
			assert.False(t, outputsSeen, "weight %s after an output", b.Name)
			assert.Equal(t, loop.OffChip, b.Space)
		}
	}
	assert.Positive(t, weights)
	assert.Equal(t, countOffChipConstants(p)-countOffChipConstants(q), weights, "one top weight per externalized constant (each kernel is called once)")
	assert.Equal(t, len(q.Buffers), len(q.BufferTensors))
}

// args are arguments for p's parameters: random model inputs (seed 1),
// weights' data, zero outputs.
func args(p *loop.Program) []*dtype.Array {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []*dtype.Array
	for _, id := range p.Params {
		b := p.Buffers[id]
		a := dtype.New(b.Kind, b.Shape)
		switch {
		case place.IsWeight(b):
			a = b.Init
		case b.Role == loop.Input:
			for i := range a.Len() {
				a.Set(i, rng.Float64()*2-1)
			}
		}
		out = append(out, a)
	}
	return out
}

// sameOutputs runs p and q on the same model inputs and compares the
// model's outputs bit for bit.
func sameOutputs(t *testing.T, p, q *loop.Program) {
	t.Helper()
	pa, qa := args(p), args(q)
	require.NoError(t, exec.RunProgram(p, pa))
	require.NoError(t, exec.RunProgram(q, qa))
	qByName := map[string]*dtype.Array{}
	for i, id := range q.Params {
		qByName[q.Buffers[id].Name] = qa[i]
	}
	outs := 0
	for i, id := range p.Params {
		b := p.Buffers[id]
		if b.Role != loop.Output {
			continue
		}
		outs++
		got := qByName[b.Name]
		require.NotNil(t, got, b.Name)
		for j := range pa[i].Len() {
			want, have := pa[i].At(j), got.At(j)
			if math.Float64bits(want) != math.Float64bits(have) && !(math.IsNaN(want) && math.IsNaN(have)) {
				t.Fatalf("output %s[%d]: %v, want %v", b.Name, j, have, want)
			}
		}
	}
	require.Positive(t, outs)
}

// TestExternalizeSmall: a kernel called twice with an off-chip weight
// and an off-chip scratch array: one top weight shared by both calls, one
// scratch buffer per call, names made unique, the parameters ordered
// inputs, weights, outputs, scratch; exec agrees.
func TestExternalizeSmall(t *testing.T) {
	k, err := loop.Parse(`kernel k(in x: f32[4], out y: f32[4]) {
  const w: f32[4] offchip = {1, 2, 3, 4}
  temp s: f32[4] offchip
  for i in 0..4 {
    s[i] = x[i] * w[i]
  }
  for i in 0..4 {
    y[i] = s[i] + w[i]
  }
}`, nil)
	require.NoError(t, err)
	p := &loop.Program{Name: loop.TopName, Kernels: []*loop.Kernel{k},
		Buffers: []*loop.Buffer{
			{Name: "x", Kind: dtype.F32, Shape: []int{4}, Role: loop.Input, Space: loop.OffChip},
			{Name: "k_w", Kind: dtype.F32, Shape: []int{4}, Role: loop.Temp},
			{Name: "y", Kind: dtype.F32, Shape: []int{4}, Role: loop.Output, Space: loop.OffChip},
		},
		Params: []loop.BufID{0, 2},
		Calls:  []loop.KernelCall{{Kernel: 0, Args: []loop.BufID{0, 1}}, {Kernel: 0, Args: []loop.BufID{1, 2}}},
	}
	require.NoError(t, loop.VerifyProgram(p))
	q, err := place.Externalize(p)
	require.NoError(t, err)
	var names []string
	for _, id := range q.Params {
		names = append(names, q.Buffers[id].Name)
	}
	assert.Equal(t, []string{"x", "k_w_2", "y", "k_s", "k_s_2"}, names)
	assert.Equal(t, []loop.BufID{0, 1, 3, 4}, q.Calls[0].Args)
	assert.Equal(t, []loop.BufID{1, 2, 3, 5}, q.Calls[1].Args)
	assert.Len(t, p.Kernels[0].Params, 2, "p untouched")
	assert.Equal(t, loop.Input, q.Kernels[0].Buffers[2].Role)
	assert.Nil(t, q.Kernels[0].Buffers[2].Init)
	assert.Equal(t, loop.Output, q.Kernels[0].Buffers[3].Role)
	sameOutputs(t, p, q)
	again, err := place.Externalize(q)
	require.NoError(t, err)
	assert.Equal(t, q.String(), again.String(), "nothing left to move: the same program")
	assert.Equal(t, q.Params, again.Params)

	_, err = place.Externalize(nil)
	require.ErrorContains(t, err, "no program")
	bad := *p
	bad.Params = nil
	_, err = place.Externalize(&bad)
	require.ErrorContains(t, err, "does not verify")
}
