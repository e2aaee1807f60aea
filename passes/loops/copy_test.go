package loops_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/loops"
)

// copyRefusal matches Copy's documented refusals of a legal kernel.
var copyRefusal = regexp.MustCompile(`the loop writes it|depend on the loops around the copy or on data|data-dependent index|at different places relative to the loop|an index reads it|bound reads it|a scalar`)

// readIn is the buffers of rank ≥ 1 read inside the first loop over name,
// in order of their IDs.
func readIn(k *loop.Kernel, name string) []string {
	var f *loop.For
	var find func(body []loop.Stmt)
	find = func(body []loop.Stmt) {
		for _, s := range body {
			switch s := s.(type) {
			case *loop.For:
				if f == nil && k.Vars[s.Var].Name == name {
					f = s
				}
				find(s.Body)
			case *loop.If:
				find(s.Then)
				find(s.Else)
			}
		}
	}
	find(k.Body)
	var ids []int
	loop.WalkExprs(f.Body, func(e loop.Expr) {
		if ld, ok := e.(*loop.Load); ok && k.Buffers[ld.Buf].Rank() > 0 && !slices.Contains(ids, int(ld.Buf)) {
			ids = append(ids, int(ld.Buf))
		}
	})
	slices.Sort(ids)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = k.Buffers[id].Name
	}
	return out
}

// TestCopyGemm stages w and x of gemm.kir at every loop, after tiling j
// by every size (remainder loops included): the text has the copy nest
// and the tile buffer, the reads inside the loop read the tile, and the
// result computes the original's bits.
func TestCopyGemm(t *testing.T) {
	k := parseFile(t, "testdata/gemm.kir")
	want := hashKernel(t, k, 5)
	for _, c := range []struct {
		buf, at string
		shape   string
	}{
		{"w", "i", "w_tile: f32[4,3]"},
		{"w", "j", "w_tile: f32[1,3]"},
		{"w", "k", "w_tile: f32[1,1]"},
		{"x", "i", "x_tile: f32[1,3]"},
		{"x", "j", "x_tile: f32[1,3]"},
		{"b", "i", "b_tile: f32[4]"},
	} {
		got, err := loops.Copy(k, c.buf, c.at)
		require.NoError(t, err, "copy %s at %s", c.buf, c.at)
		text := got.String()
		assert.Contains(t, text, "temp "+c.shape+" ram", "copy %s at %s", c.buf, c.at)
		assert.Contains(t, text, "for "+c.buf+"_tile.d0 in 0..", "copy %s at %s", c.buf, c.at)
		assert.Equal(t, want, hashKernel(t, got, 5), "copy %s at %s", c.buf, c.at)
	}
	for size := 1; size <= 4; size++ {
		tiled, err := loops.Tile(k, "j", size)
		require.NoError(t, err)
		got, err := loops.Copy(tiled, "w", "j.outer")
		require.NoError(t, err, "tile %d", size)
		assert.Contains(t, got.String(), "temp w_tile: f32["+string(rune('0'+size))+",3] ram", "tile %d", size)
		assert.Equal(t, want, hashKernel(t, got, 5), "tile j by %d, copy w at j.outer", size)
		// Twice: the second copy of w is named w_tile_2 and stages w_tile's part? No: w is no
		// longer read inside j.outer, only w_tile; copying w_tile itself nests a second stage.
		again, err := loops.Copy(got, "w_tile", "j.inner")
		require.NoError(t, err, "tile %d", size)
		assert.Contains(t, again.String(), "temp w_tile_tile: f32[1,3] ram")
		assert.Equal(t, want, hashKernel(t, again, 5), "tile j by %d, copy w at j.outer, w_tile at j.inner", size)
	}
}

// TestCopyPadded stages a padded convolution's input: its box crosses the
// buffer's edges at the first and last positions, so the copy is guarded
// on both sides, and the result still computes the same bits.
func TestCopyPadded(t *testing.T) {
	k := parseFile(t, "../../ir/loop/testdata/conv1d_pad.kir")
	want := hashKernel(t, k, 9)
	for _, at := range []string{"t", "c", "o"} {
		got, err := loops.Copy(k, "x", at)
		require.NoError(t, err, at)
		assert.Equal(t, want, hashKernel(t, got, 9), "copy x at %s", at)
		if at == "t" {
			assert.Contains(t, got.String(), "temp x_tile: f32[2,3] ram")
			assert.Contains(t, got.String(), "if t + x_tile.d1 >= 1 && t + x_tile.d1 < 17 {")
		}
	}
	for _, at := range []string{"t", "c", "o"} {
		got, err := loops.Copy(k, "w", at)
		require.NoError(t, err, at)
		assert.Equal(t, want, hashKernel(t, got, 9), "copy w at %s", at)
		assert.NotRegexp(t, `if w_tile\.d|if [^{]*w_tile\.d[0-9] [<>]`, got.String(), "w's box never leaves it: no guard in its copy nest")
		assert.Equal(t, 1, strings.Count(got.String(), "if "), "only the convolution's own padding guard")
	}
}

// TestCopyErrors: every refusal names the kernel, the loop, the buffer and
// why.
func TestCopyErrors(t *testing.T) {
	const swapped = `kernel sw(in x: f32[4,4], out y: f32[4,4]) {
  for i in 0..4 {
    for j in 0..4 {
      y[i, j] = x[i, j] + x[j, i]
    }
  }
}
`
	sw, err := loop.Parse(swapped, nil)
	require.NoError(t, err)
	tri, err := loop.Parse(triangular, nil)
	require.NoError(t, err)
	gemm := parseFile(t, "testdata/gemm.kir")
	for _, c := range []struct {
		k       *loop.Kernel
		buf, at string
		want    string
	}{
		{gemm, "w", "q", "loops: copy: kernel gemm: loop q: no such loop"},
		{gemm, "v", "j", "loop j: buffer v: no such buffer"},
		{gemm, "acc", "j", "buffer acc: a scalar"},
		{gemm, "y", "i", "buffer y: the loop writes it"},
		{gemm, "b", "k", "buffer b: the loop does not read it"},
		{sw, "x", "j", "buffer x: reads x[i, j] and x[j, i] are at different places relative to the loop (dimension 0: i and j)"},
		{tri, "x", "i", "the bounds of loop j inside it depend on the loops around the copy or on data"},
	} {
		got, err := loops.Copy(c.k, c.buf, c.at)
		assert.Nil(t, got)
		assert.ErrorContains(t, err, c.want)
	}
	_, err = loops.Copy(nil, "w", "j")
	assert.ErrorContains(t, err, "nil kernel")
}

// TestCopyPlan: copy steps parse, print canonically, run from a plan and
// a plan file, whose place entries go to the caller.
func TestCopyPlan(t *testing.T) {
	steps, err := loops.ParseSteps(loops.OpCopy, "gemm.w=j, gemm.x=i", "--copy")
	require.NoError(t, err)
	assert.Equal(t, "copy gemm.w=j\ncopy gemm.x=i\n", loops.Plan(steps).String())
	for _, bad := range []struct{ in, want string }{
		{"gemm.w=", "want KERNEL.LOOP=VALUE"},
		{"gemm.w=a b", `loop name "a b" has a space`},
		{"gemm.w=j,k", "one value, not 2"},
		{"gemm.w=j=k", "loop name \"j=k\""},
	} {
		_, err := loops.ParseSteps(loops.OpCopy, bad.in, "--copy")
		assert.ErrorContains(t, err, bad.want, bad.in)
	}
	op, err := loops.ParseOp("copy")
	require.NoError(t, err)
	assert.Equal(t, loops.OpCopy, op)

	var placed []string
	extra := map[string]func(text, source string) error{"place": func(text, source string) error {
		placed = append(placed, source+" "+text)
		return nil
	}}
	file := "- tile: gemm.j=2\n- place: gemm.w=offchip\n- copy: gemm.w=j.outer\n- place: [gemm.w_tile=ram]\n"
	pl, err := loops.ParsePlanWith([]byte(file), ".yaml", "plan.yaml", extra)
	require.NoError(t, err)
	assert.Equal(t, "tile gemm.j=2\ncopy gemm.w=j.outer\n", pl.String())
	assert.Equal(t, []string{"plan.yaml:2 gemm.w=offchip", "plan.yaml:4 gemm.w_tile=ram"}, placed)
	_, err = loops.ParsePlan([]byte(file), ".yaml", "plan.yaml")
	assert.ErrorContains(t, err, `plan.yaml:2: loops: plan: unknown key "place" (want tile, interchange, unroll, partition, copy)`)
	_, err = loops.ParsePlanWith([]byte("- stage: gemm.w=j\n"), ".yaml", "plan.yaml", extra)
	assert.ErrorContains(t, err, `unknown key "stage" (want tile, interchange, unroll, partition, copy, place)`)
}

// TestCopyEdges: a stepped loop whose start varies (its variable reaches
// hi − 1, not the grid of its smallest start), inside the copy and around
// it; copy loops whose names a loop of the kernel already has.
func TestCopyEdges(t *testing.T) {
	for _, c := range []struct{ name, src, buf, at string }{
		{"stepped inside", `kernel s(in x: f32[8], out y: f32[2]) {
  for i in 0..2 {
    for a in 0..2 {
      for b in a..8 step 4 {
        y[i] = y[i] + x[b]
      }
    }
  }
}
`, "x", "i"},
		{"stepped around", `kernel s(in x: f32[7], out y: f32[9]) {
  for a in 0..2 {
    for i in a..8 step 4 {
      for q in 0..3 {
        if i + q < 7 {
          y[i] = y[i] + x[i + q]
        }
      }
    }
  }
}
`, "x", "i"},
		{"names taken", `kernel s(in x: f32[4], out y: f32[4]) {
  for x_tile.d0 in 0..2 {
    for i in 0..4 {
      y[i] = y[i] + x[i]
    }
  }
}
`, "x", "i"},
	} {
		k, err := loop.Parse(c.src, nil)
		require.NoError(t, err, c.name)
		got, err := loops.Copy(k, c.buf, c.at)
		require.NoError(t, err, c.name)
		assert.Equal(t, hashKernel(t, k, 3), hashKernel(t, got, 3), c.name)
		if c.name == "names taken" {
			assert.Contains(t, got.String(), "temp x_tile_2: f32[1] ram")
			assert.Contains(t, got.String(), "for x_tile_2.d0 in 0..1")
		}
	}
}
