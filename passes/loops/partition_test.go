package loops_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/backend"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/loops"
)

// partitionGoldens run on testdata/gemm.kir (w: f32[4,3] read as w[j, k]).
var partitionGoldens = []struct {
	name string
	pass func(*loop.Kernel) (*loop.Kernel, error)
}{
	{"partition_w_cyclic3_unrolled", func(k *loop.Kernel) (*loop.Kernel, error) {
		u, err := loops.Unroll(k, "k", loop.UnrollFull, true)
		if err != nil {
			return nil, err
		}
		return loops.Partition(u, "w", loops.Cyclic, 3, 1)
	}},
	{"partition_w_block2_dim0", func(k *loop.Kernel) (*loop.Kernel, error) {
		u, err := loops.Unroll(k, "j", loop.UnrollFull, true)
		if err != nil {
			return nil, err
		}
		return loops.Partition(u, "w", loops.Block, 2, 0)
	}},
	{"partition_b_complete", func(k *loop.Kernel) (*loop.Kernel, error) {
		u, err := loops.Unroll(k, "j", loop.UnrollFull, true)
		if err != nil {
			return nil, err
		}
		return loops.Partition(u, "b", loops.Complete, 0, 0)
	}},
}

// TestPartitionGolden compares each result with its golden text, checks
// it parses back, and that it computes the same bits as the original.
func TestPartitionGolden(t *testing.T) {
	for _, c := range partitionGoldens {
		t.Run(c.name, func(t *testing.T) { checkGolden(t, c.name, c.pass, 3) })
	}
}

// TestPartitionStaticBanks: after a full unroll of k, cyclic 3 on w's dim 1
// leaves no load of w and one bank per k.
// TestPartitionAfterUnrollByFactor: a loop unrolled by the partition's
// factor (j stepping by 2 over w[j, …], w[j + 1, …]) is rewritten to step
// by 1 over w[2*j, …], so each copy of the body reads its own bank.
func TestPartitionAfterUnrollByFactor(t *testing.T) {
	k := parseFile(t, "testdata/gemm.kir")
	u, err := loops.Unroll(k, "j", 2, true)
	require.NoError(t, err)
	got, err := loops.Partition(u, "w", loops.Cyclic, 2, 0)
	require.NoError(t, err)
	text := got.String()
	assert.Contains(t, text, "for j in 0..2 {")
	assert.Contains(t, text, "w_p0[j, k]")
	assert.Contains(t, text, "w_p1[j, k]")
	assert.Contains(t, text, "y[i, 2*j + 1] =")
	for seed := range uint64(3) {
		assert.Equal(t, hashKernel(t, k, seed), hashKernel(t, got, seed))
	}
	_, err = loops.Partition(u, "w", loops.Cyclic, 4, 0)
	assert.ErrorIs(t, err, loops.ErrNotStatic, "a step of 2 does not make 4 banks static")
}

func TestPartitionStaticBanks(t *testing.T) {
	k := parseFile(t, "testdata/gemm.kir")
	u, err := loops.Unroll(k, "k", loop.UnrollFull, true)
	require.NoError(t, err)
	got, err := loops.Partition(u, "w", loops.Cyclic, 3, 1)
	require.NoError(t, err)
	banks := map[string]int{}
	loop.WalkExprs(got.Body, func(e loop.Expr) {
		if l, ok := e.(*loop.Load); ok {
			banks[got.Buffers[l.Buf].Name]++
		}
	})
	assert.Equal(t, map[string]int{"acc": 4, "x": 3, "w_p0": 1, "w_p1": 1, "w_p2": 1, "b": 1}, banks)
	for i := range 3 {
		id, ok := got.Buffer(fmt.Sprintf("w_p%d", i))
		require.True(t, ok)
		assert.Equal(t, []int{4, 1}, got.Buffers[id].Shape)
		assert.InDelta(t, []float64{-0.75, 0.125, -0.625}[i], got.Buffers[id].Init.At(0), 0)
	}
}

func TestPartitionErrors(t *testing.T) {
	k := parseFile(t, "testdata/gemm.kir")
	cases := []struct {
		name, buf   string
		mode        loops.Mode
		factor, dim int
		want        string
		notStatic   bool
	}{
		{"unknown buffer", "v", loops.Cyclic, 2, 0, "no such buffer", false},
		{"parameter", "x", loops.Cyclic, 2, 0, "is a parameter", false},
		{"output", "y", loops.Block, 2, 0, "is a parameter", false},
		{"factor 1", "w", loops.Cyclic, 1, 0, "factor 1 outside [2, 4]", false},
		{"factor above size", "w", loops.Block, 4, 1, "factor 4 outside [2, 3]", false},
		{"dim negative", "w", loops.Cyclic, 2, -1, "dim -1 out of range (rank 2)", false},
		{"dim past rank", "b", loops.Cyclic, 2, 1, "dim 1 out of range (rank 1)", false},
		{"scalar", "acc", loops.Complete, 0, 0, "dim 0 out of range (rank 0)", false},
		{"empty bank", "w", loops.Block, 3, 0, "leaves bank 2 empty", false},
		{"unknown mode", "w", loops.Mode(9), 2, 0, "unknown partition mode 9", false},
		{"cyclic on a loop index", "w", loops.Cyclic, 3, 1, "coefficient 1, not a multiple of 3", true},
		{"block across blocks", "w", loops.Block, 2, 0, "spans more than one block of 2", true},
		{"complete on a loop index", "b", loops.Complete, 0, 0, "not constant", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loops.Partition(k, c.buf, c.mode, c.factor, c.dim)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "kernel gemm: buffer "+c.buf)
			assert.Equal(t, c.notStatic, errors.Is(err, loops.ErrNotStatic))
		})
	}
	_, err := loops.Partition(nil, "w", loops.Cyclic, 2, 0)
	assert.ErrorContains(t, err, "nil kernel")
	taken := parseFile(t, "testdata/gemm.kir")
	taken.Buffers[len(taken.Buffers)-1].Name = "b_p3"
	_, err = loops.Partition(taken, "b", loops.Complete, 0, 0)
	assert.ErrorContains(t, err, "kernel gemm: buffer b: bank name b_p3 is taken")
}

// TestPartitionStride: an index 4·i + c with cyclic 4 goes to bank c
// without any unrolling; the data of a constant follows its elements.
func TestPartitionStride(t *testing.T) {
	src := `kernel s(in x: f32[3], out y: f32[3]) {
  const w: f32[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
  for i in 0..3 {
    y[i] = x[i] * w[4 * i + 1] + w[4 * i + 3]
  }
}
`
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	got, err := loops.Partition(k, "w", loops.Cyclic, 4, 0)
	require.NoError(t, err)
	text := got.String()
	assert.Contains(t, text, "w_p1[i]")
	assert.Contains(t, text, "w_p3[i]")
	assert.Contains(t, text, "const w_p1: f32[3] = {2.0, 6.0, 10.0}")
	assert.Equal(t, hashKernel(t, k, 1), hashKernel(t, got, 1))
}

// TestPartitionProperty is issue 6's done-when for partition: on the
// built-in LSTM and CNN, random partitions of random temps and constants
// (cyclic, block, complete; some after a random unroll or tile) keep the
// interpreter's outputs_sha256, or are refused as not static. The program
// with every accepted partition applied also goes through llvm and c.
func TestPartitionProperty(t *testing.T) {
	for _, model := range []string{"cnn", "lstm"} {
		t.Run(model, func(t *testing.T) {
			m := loadZoo(t, model)
			r := rand.New(rand.NewPCG(11, uint64(len(model))))
			combined, counts := randomPartitions(t, m, r, trials)
			assert.Positive(t, counts["checked"], "no partition was accepted: %v", counts)
			require.NoError(t, loop.VerifyProgram(combined))
			got, err := runProgram(combined, m.window, nil)
			require.NoError(t, err)
			assert.Equal(t, m.want, got, "outputs_sha256 with every partition applied at once")
			for _, name := range []string{"llvm", "c"} {
				if !haveTools(t, name) {
					continue
				}
				b, err := backend.Lookup(name)
				require.NoError(t, err)
				got, err := runProgram(combined, m.window, &b)
				require.NoError(t, err, name)
				assert.Equal(t, m.want, got, "%s back end: outputs_sha256 with every partition applied", name)
			}
		})
	}
}

func randomPartitions(t *testing.T, m *zooProgram, r *rand.Rand, trials int) (*loop.Program, map[string]int) {
	counts := map[string]int{}
	combined := *m.p
	combined.Kernels = slices.Clone(m.p.Kernels)
	var all []string
	for range trials {
		ki := pickKernel(r, m.p.Kernels)
		if len(bankable(combined.Kernels[ki])) == 0 {
			counts["no-buffer"]++
			continue
		}
		k := combined.Kernels[ki]
		var descs []string
		if r.IntN(3) == 0 {
			desc, _, got := step(t, r, k)
			if got != nil && desc != "" {
				k, descs = got, append(descs, desc)
			}
		}
		desc, got, ok := randomPartition(t, r, k, counts, &descs)
		if !ok {
			continue
		}
		k, descs = got, append(descs, desc)
		p := *m.p
		p.Kernels = slices.Clone(combined.Kernels)
		p.Kernels[ki] = k
		require.NoError(t, loop.VerifyProgram(&p))
		out, err := runProgram(&p, m.window, nil)
		require.NoError(t, err, strings.Join(descs, "; "))
		assert.Equal(t, m.want, out, "outputs_sha256 after %s", strings.Join(descs, "; "))
		counts["checked"]++
		combined.Kernels[ki] = k
		all = append(all, strings.Join(descs, "; "))
	}
	t.Logf("%v; accepted: %s", counts, strings.Join(all, " | "))
	return &combined, counts
}

// randomPartition partitions a random non-parameter buffer of k.
// When that is refused as not static, it fully unrolls (expanded) the
// loops whose variables index that dimension and tries again.
func randomPartition(t *testing.T, r *rand.Rand, k *loop.Kernel, counts map[string]int, descs *[]string) (string, *loop.Kernel, bool) {
	cands := bankable(k)
	if len(cands) == 0 {
		return "", nil, false
	}
	name := cands[r.IntN(len(cands))]
	id, _ := k.Buffer(name)
	b := k.Buffers[id]
	dim := r.IntN(b.Rank())
	n := b.Shape[dim]
	if n < 2 {
		return "", nil, false
	}
	mode, factor := loops.Mode(r.IntN(3)), 2+r.IntN(n-1)
	if mode == loops.Complete {
		factor = 0
	}
	if mode == loops.Block && (factor-1)*((n+factor-1)/factor) >= n {
		mode = loops.Cyclic
	}
	desc := fmt.Sprintf("partition %s.%s=%v:%d dim %d", k.Name, name, mode, factor, dim)
	got, err := loops.Partition(k, name, mode, factor, dim)
	if errors.Is(err, loops.ErrNotStatic) {
		counts["refused-"+mode.String()]++
		k = unrollDim(t, k, name, dim, descs)
		got, err = loops.Partition(k, name, mode, factor, dim)
	}
	if errors.Is(err, loops.ErrNotStatic) {
		return "", nil, false
	}
	require.NoError(t, err, desc)
	counts[mode.String()]++
	return desc, got, true
}

// unrollDim fully unrolls, expanded, up to four loops whose variables
// appear in the index of buffer name on dim (each while the copies stay
// small), recording each in descs.
func unrollDim(t *testing.T, k *loop.Kernel, name string, dim int, descs *[]string) *loop.Kernel {
	for range 4 {
		id, _ := k.Buffer(name)
		v, ok := varOnDim(k, id, dim)
		if !ok {
			return k
		}
		lp := k.Vars[v].Name
		li := loopsOf(k)
		trip, constant := li.trip[lp]
		if !constant || li.dyn[lp] || trip*li.stmts[lp] > 512 {
			return k
		}
		got, err := loops.Unroll(k, lp, loop.UnrollFull, true)
		require.NoError(t, err, "unroll %s.%s full", k.Name, lp)
		k, *descs = got, append(*descs, fmt.Sprintf("unroll %s.%s=full", k.Name, lp))
	}
	return k
}

// varOnDim is the first loop variable in an index of buffer id on dim.
func varOnDim(k *loop.Kernel, id loop.BufID, dim int) (loop.VarID, bool) {
	var found []loop.VarID
	look := func(buf loop.BufID, ix []loop.Index) {
		if buf == id && dim < len(ix) {
			for _, term := range ix[dim].Aff.Terms {
				found = append(found, term.Var)
			}
		}
	}
	var walk func(body []loop.Stmt)
	walk = func(body []loop.Stmt) {
		for _, s := range body {
			switch s := s.(type) {
			case *loop.For:
				walk(s.Body)
			case *loop.Store:
				look(s.Buf, s.Index)
			case *loop.If:
				walk(s.Then)
				walk(s.Else)
			}
		}
	}
	walk(k.Body)
	loop.WalkExprs(k.Body, func(e loop.Expr) {
		if l, ok := e.(*loop.Load); ok {
			look(l.Buf, l.Index)
		}
	})
	if len(found) == 0 {
		return 0, false
	}
	return found[0], true
}

// bankable is the names of k's temps and constants with a dimension of at
// least 2.
func bankable(k *loop.Kernel) []string {
	var out []string
	for id, b := range k.Buffers {
		if b != nil && b.Rank() > 0 && slices.Max(b.Shape) >= 2 && !slices.Contains(k.Params, loop.BufID(id)) {
			out = append(out, b.Name)
		}
	}
	return out
}

func TestParseMode(t *testing.T) {
	for _, m := range []loops.Mode{loops.Cyclic, loops.Block, loops.Complete} {
		got, err := loops.ParseMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	_, err := loops.ParseMode("diagonal")
	assert.ErrorContains(t, err, `partition mode "diagonal" (want cyclic, block or complete)`)
	assert.Equal(t, "mode?", loops.Mode(7).String())
}
