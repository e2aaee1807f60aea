package place_test

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/place"
)

// TestMemoEqualsApply: a Memo places each built-in model as Apply does
// (the same text, spaces and errors) under every policy on random
// capacities (fixed seed); placed again it returns the same kernels (the
// pointers sim's memo keys on), and kernels placed as they already were
// are the input's own.
func TestMemoEqualsApply(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	var memo place.Memo
	for _, name := range models {
		p := zoo(t, name)
		refused := 0
		for i := range 24 {
			c := place.Capacity{BRAM36: rng.IntN(400), Ports: 2, RegisterBits: int64(600 + rng.IntN(400))}
			if rng.IntN(2) == 0 {
				c.URAM = rng.IntN(50)
			}
			opt := place.Options{Capacity: c, Policy: []place.Policy{place.Auto, place.OnChip, place.OffChipWeights}[i%3]}
			want, _, werr := place.Apply(p, opt)
			got, gerr := memo.Place(p, opt)
			if werr != nil {
				refused++
				require.Error(t, gerr, "%s %+v", name, opt)
				assert.Equal(t, werr.Error(), gerr.Error())
				continue
			}
			require.NoError(t, gerr, "%s %+v", name, opt)
			require.NoError(t, loop.VerifyProgram(got))
			assert.Equal(t, want.String(), got.String(), "%s %+v", name, opt)
			assert.Equal(t, spaces(want), spaces(got))
			again, err := memo.Place(p, opt)
			require.NoError(t, err)
			for ki, k := range again.Kernels {
				assert.Same(t, got.Kernels[ki], k, "%s kernel %s placed twice", name, k.Name)
				if spacesEqual(k, p.Kernels[ki]) {
					assert.Same(t, p.Kernels[ki], k, "%s kernel %s unchanged", name, k.Name)
				}
			}
		}
		assert.Less(t, refused, 24, "%s: every placement refused: the test compares nothing", name)
	}
}

func spacesEqual(a, b *loop.Kernel) bool {
	for id := range a.Buffers {
		if a.Buffers[id].Space != b.Buffers[id].Space {
			return false
		}
	}
	return true
}

// TestMemoConcurrent: workers sharing a Memo get the same kernels.
func TestMemoConcurrent(t *testing.T) {
	p := zoo(t, "cnn")
	var memo place.Memo
	out := make([]*loop.Program, 4)
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() {
			for range 20 {
				q, err := memo.Place(p, place.Options{Capacity: zynq7020})
				if err == nil {
					out[i] = q
				}
			}
		})
	}
	wg.Wait()
	for _, q := range out {
		require.NotNil(t, q)
		for ki := range q.Kernels {
			assert.Same(t, out[0].Kernels[ki], q.Kernels[ki])
		}
	}
}

// TestMemoBadInput: a nil program, a call of an unknown kernel or with
// an unknown buffer, a kernel that does not verify: errors, not panics.
func TestMemoBadInput(t *testing.T) {
	var memo place.Memo
	_, err := memo.Place(nil, place.Options{})
	require.ErrorContains(t, err, "no program")
	p := zoo(t, "lstm")
	bad := *p
	bad.Calls = []loop.KernelCall{{Kernel: 9}}
	_, err = memo.Place(&bad, place.Options{Capacity: zynq7020})
	require.ErrorContains(t, err, "unknown kernel 9")
	bad.Calls = []loop.KernelCall{{Kernel: 0, Args: make([]loop.BufID, len(p.Kernels[0].Params))}}
	bad.Calls[0].Args[0] = 99
	_, err = memo.Place(&bad, place.Options{Capacity: zynq7020})
	require.ErrorContains(t, err, "unknown buffer 99")
	k := *p.Kernels[0]
	k.Params = append([]loop.BufID{loop.BufID(len(k.Buffers))}, k.Params[1:]...)
	bad = *p
	bad.Kernels = append([]*loop.Kernel{&k}, p.Kernels[1:]...)
	_, err = memo.Place(&bad, place.Options{Capacity: zynq7020})
	require.ErrorContains(t, err, "does not verify")
	_, err = memo.Place(p, place.Options{Policy: "most"})
	require.ErrorContains(t, err, "policy")
}
