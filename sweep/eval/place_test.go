package eval

import (
	"context"
	"math/rand/v2"
	"os"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/sweep"
)

// exampleSpace is built-in model name's example space at fp32, with a
// placement knob of every value added, and a place knob: none, its
// largest kernel constant off chip, in block RAM, and its largest top
// temporary off chip.
func exampleSpace(t *testing.T, name string, p *loop.Program) *sweep.Space {
	src, err := os.ReadFile("../../examples/sweep-" + name + ".yaml")
	require.NoError(t, err)
	src = regexp.MustCompile(`(?m)^precision:.*$`).ReplaceAll(src, []byte("precision: [fp32]"))
	src = regexp.MustCompile(`(?m)^placement:.*$`).ReplaceAll(src, nil)
	weight, temp := "", ""
	var wbits, tbits int
	for _, k := range p.Kernels {
		for _, b := range k.Buffers {
			if n := bits(b); b.Role == loop.Constant && n > wbits {
				weight, wbits = k.Name+"."+b.Name, n
			}
		}
	}
	for _, b := range p.Buffers {
		if n := bits(b); b.Role == loop.Temp && n > tbits {
			temp, tbits = b.Name, n
		}
	}
	require.NotEmpty(t, weight)
	require.NotEmpty(t, temp)
	src = append(src, "\nplacement: [auto, onchip, offchip-weights, none]\n"...)
	src = append(src, "place: [none, \""+weight+"=offchip\", \""+weight+"=bram\", \""+temp+"=offchip\"]\n"...)
	s, err := sweep.ParseSpace("sweep-"+name+".yaml", src)
	require.NoError(t, err)
	return s
}

// TestPlacedEqualsSim: random designs of each built-in model's example
// space, under every placement and some overrides, give the figures kiln sim prints for the
// same design (plan.Apply, then place.Apply afresh, then sim.Estimate on
// the whole program), with a worker's estimator and the shared place.Memo
// kept across designs; a placement refused (onchip on a part too small)
// is an error with place's message, recorded with the design, not fatal.
// Placement matters: some design's figures differ between auto and none.
func TestPlacedEqualsSim(t *testing.T) {
	for _, name := range []string{"lstm", "cnn", "stgcn"} {
		t.Run(name, func(t *testing.T) {
			e, err := fp32Only(name)
			require.NoError(t, err)
			s := exampleSpace(t, name, e.base)
			eval, err := e.NewWorker()
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(11, uint64(len(name))))
			checked, refused := 0, 0
			for range 60 {
				d := s.Design(rng.Uint64N(s.Size()))
				got, gerr := eval(context.Background(), d)
				if sameFigures(t, e, d, got, gerr) {
					checked++
				} else if gerr != nil {
					refused++
				}
			}
			assert.GreaterOrEqual(t, checked, 25, "%d refused", refused)
			assert.Positive(t, refused, "no design refused: onchip, bram and none with overrides should")
		})
	}
}

// TestPlacementMatters: the fp32 CNN on the xc7z020 (140 RAMB36 for its
// 4.6 MB of weights) — auto sends weights off chip (off-chip bytes, BRAM
// within the device), none keeps them all on chip (more BRAM than the
// device has: infeasible), onchip is refused naming a buffer and the
// capacity; the default placement is auto, and a bad default is an error.
func TestPlacementMatters(t *testing.T) {
	e, err := fp32Only("cnn")
	require.NoError(t, err)
	s, err := sweep.ParseSpace("s.yaml", []byte("model: cnn\ndevice: xc7z020-1clg484-VVD\nplacement: [auto, none, onchip]\n"))
	require.NoError(t, err)
	auto, err := e.Evaluate(nil, s.Design(0))
	require.NoError(t, err)
	none, err := e.Evaluate(nil, s.Design(1))
	require.NoError(t, err)
	assert.Positive(t, auto.OffChipBytes)
	assert.Zero(t, none.OffChipBytes)
	require.NotNil(t, auto.Resources.BRAM)
	require.NotNil(t, none.Resources.BRAM)
	assert.LessOrEqual(t, *auto.Resources.BRAM, 140)
	assert.Greater(t, *none.Resources.BRAM, 140)
	assert.True(t, auto.Feasible)
	assert.False(t, none.Feasible)
	assert.NotEqual(t, auto.Cycles, none.Cycles)
	_, err = e.Evaluate(nil, s.Design(2))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not fit in rom")
	assert.Contains(t, err.Error(), "of the device's 140 BRAM36")
	assert.Contains(t, err.Error(), "needed by the onchip policy")

	s, err = sweep.ParseSpace("s.yaml", []byte("model: cnn\ndevice: xc7z020-1clg484-VVD\n"))
	require.NoError(t, err)
	def, err := e.Evaluate(nil, s.Design(0))
	require.NoError(t, err)
	assert.Equal(t, auto.Cycles, def.Cycles, "no knob: auto")
	off, err := New(e.base, nil, Defaults{Placement: "offchip-weights"})
	require.NoError(t, err)
	ow, err := off.Evaluate(nil, s.Design(0))
	require.NoError(t, err)
	assert.Greater(t, ow.OffChipBytes, auto.OffChipBytes, "offchip-weights sends more off chip")
	_, err = New(e.base, nil, Defaults{Placement: "offchip"})
	require.ErrorContains(t, err, `placement "offchip" (want auto, onchip, offchip-weights, none)`)
}

func bits(b *loop.Buffer) int {
	n := b.Kind.Bits()
	for _, d := range b.Shape {
		n *= d
	}
	return n
}

// TestWorkersSharePlacement: workers evaluating the same designs at once
// (sharing the evaluator's variants and place.Memo) write the same lines.
func TestWorkersSharePlacement(t *testing.T) {
	e, err := fp32Only("cnn")
	require.NoError(t, err)
	s := exampleSpace(t, "cnn", e.base)
	const workers, designs = 3, 40
	lines := make([][]string, workers)
	var wg sync.WaitGroup
	for w := range workers {
		eval, err := e.NewWorker()
		require.NoError(t, err)
		wg.Go(func() {
			for i := range uint64(designs) {
				got, err := eval(context.Background(), s.Design(i*7919%s.Size()))
				if err != nil {
					lines[w] = append(lines[w], "error: "+err.Error())
				} else {
					lines[w] = append(lines[w], string(got))
				}
			}
		})
	}
	wg.Wait()
	require.Len(t, lines[0], designs)
	for w := 1; w < workers; w++ {
		assert.Equal(t, lines[0], lines[w], "worker %d", w)
	}
}
