package loops_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/loops"
)

// triangular has bounds that use an enclosing variable, a step of 2 and an
// output written at one index per (i, j), so every pass takes its guarded
// path and the (i, j) nest is not perfect.
const triangular = `kernel tri(in x: f32[9,9], out y: f32[9,9], out s: f32[9]) {
  temp acc: f32 reg
  for i in 0..9 {
    acc = 0.0
    for j in i..9 step 2 {
      acc = acc + x[i, j]
      y[i, j] = x[j, i] * 2.0
    }
    s[i] = acc
  }
}
`

func TestErrors(t *testing.T) {
	rows := []struct {
		name string
		pass func(*loop.Kernel) (*loop.Kernel, error)
		want string
	}{
		{"tile zero", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Tile(k, "j", 0) }, "tile size 0 (want ≥ 1)"},
		{"tile too big", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Tile(k, "j", 5) }, "tile size 5 is larger than the trip count 4"},
		{"tile unknown", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Tile(k, "q", 2) }, "loop q: no such loop"},
		{"unroll factor 1", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Unroll(k, "k", 1, true) }, "unroll factor 1"},
		{"unroll factor -3", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Unroll(k, "k", -3, false) }, "unroll factor -3"},
		{"unroll unknown", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Unroll(k, "z", 2, false) }, "loop z: no such loop"},
		{"interchange unknown", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Interchange(k, "z", "j") }, "no such loop"},
		{"interchange not nested", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Interchange(k, "j", "k") }, "not exactly the loop over k"},
		{"interchange wrong inner", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Interchange(k, "i", "k") }, "not exactly the loop over k"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			k := parseFile(t, "testdata/gemm.kir")
			got, err := r.pass(k)
			require.Error(t, err)
			assert.Nil(t, got)
			assert.Contains(t, err.Error(), r.want)
			assert.Contains(t, err.Error(), "loops: ")
			assert.Contains(t, err.Error(), "kernel gemm")
		})
	}
}

// TestRefusesCarried: swapping loops that carry an accumulation, or whose
// bounds depend on each other, is refused.
func TestRefusesCarried(t *testing.T) {
	rows := []struct{ src, outer, inner, want string }{
		{`kernel r(in x: f32[4,5], out s: f32) {
  s = 0.0
  for i in 0..4 {
    for j in 0..5 {
      s = s + x[i, j]
    }
  }
}
`, "i", "j", "buffer s is written at an index that does not tell the iterations apart"},
		{`kernel r(in x: f32[4,5], out s: f32[5]) {
  for i in 0..4 {
    for j in 0..5 {
      s[j] = s[j] + x[i, j]
    }
  }
}
`, "i", "j", "buffer s is written at an index"},
		{`kernel r(in x: f32[4,5], out y: f32[5,5]) {
  for i in 0..4 {
    for j in 0..4 {
      y[i + 1, j] = y[i, j] + x[i, j]
    }
  }
}
`, "i", "j", "buffer y is accessed at different indices"},
		{`kernel r(in x: f32[4,5], out y: f32[4,5]) {
  temp acc: f32 reg
  acc = 1.0
  for i in 0..4 {
    for j in 0..5 {
      for o in 0..j {
        acc = x[i, o]
      }
      y[i, j] = acc
    }
  }
}
`, "i", "j", "buffer acc is written at an index"}, // j = 0 reads the last iteration's acc
		{`kernel r(in x: f32[4,5], out y: f32[4,5]) {
  for i in 0..4 {
    for j in i..5 {
      y[i, j] = x[i, j]
    }
  }
}
`, "i", "j", "the bounds of j use i"},
		// The point loop j.inner spans 0..8, more than j.outer's step of 4:
		// two tiles write y[5], so their order matters.
		{`kernel r(in x: f32[4,12], out y: f32[4,12]) {
  for i in 0..4 {
    for j.outer in 0..4 step 4 {
      for j.inner in 0..9 {
        y[i, j.outer + j.inner] = y[i, j.outer + j.inner] + x[i, j.inner]
      }
    }
  }
}
`, "i", "j.outer", "buffer y is written at an index"},
	}
	for _, r := range rows {
		t.Run(r.want, func(t *testing.T) {
			k, err := loop.Parse(r.src, nil)
			require.NoError(t, err)
			_, err = loops.Interchange(k, r.outer, r.inner)
			require.Error(t, err)
			assert.Contains(t, err.Error(), r.want)
		})
	}
	k := parseFile(t, "testdata/gemm.kir")
	_, err := loops.Interchange(k, "j", "k")
	require.Error(t, err, "j's body is not just k")
}

// TestPointLoops: an output indexed by a tile loop plus its point loop
// moves with the tile loop alone when the point loop spans less than the
// tile loop's step, so band tiling can move tile loops outward.
func TestPointLoops(t *testing.T) {
	k, err := loop.Parse(`kernel r(in x: f32[4,12], out y: f32[4,12]) {
  for i in 0..4 {
    for j.outer in 0..12 step 4 {
      for j.inner in 0..4 {
        y[i, j.outer + j.inner] = y[i, j.outer + j.inner] + x[i, j.inner]
      }
    }
  }
}
`, nil)
	require.NoError(t, err)
	n, err := loops.Interchange(k, "i", "j.outer")
	require.NoError(t, err)
	assert.Contains(t, n.String(), "for j.outer in 0..12 step 4 {\n    for i in 0..4 {")
	for seed := range uint64(3) {
		assert.Equal(t, hashKernel(t, k, seed), hashKernel(t, n, seed))
	}
}

// TestPrivateDeep: an accumulator reset at the start of a loop deeper in
// the nest is private to each iteration, so the swap is allowed.
func TestPrivateDeep(t *testing.T) {
	k, err := loop.Parse(`kernel d(in x: f32[2,3,4,5], out y: f32[2,3,4]) {
  temp acc: f32 reg
  for i in 0..2 {
    for j in 0..3 {
      for o in 0..4 {
        acc = 0.5
        for c in 0..5 {
          acc = acc * x[i, j, o, c] + 0.25
        }
        y[i, j, o] = acc
      }
    }
  }
}
`, nil)
	require.NoError(t, err)
	got, err := loops.Interchange(k, "i", "j")
	require.NoError(t, err)
	assert.Equal(t, hashKernel(t, k, 4), hashKernel(t, got, 4))
	_, err = loops.Interchange(k, "o", "c")
	assert.ErrorContains(t, err, "its body is not exactly the loop over c")
	got, err = loops.Interchange(k, "j", "o")
	require.NoError(t, err)
	assert.Equal(t, hashKernel(t, k, 4), hashKernel(t, got, 4))
}

// TestGuarded runs every pass on a triangular loop with a step (bounds
// using an enclosing variable): tiles of every size, unrolls of every
// factor, each computing the same bits.
func TestGuarded(t *testing.T) {
	k, err := loop.Parse(triangular, nil)
	require.NoError(t, err)
	want := hashKernel(t, k, 3)
	for size := 1; size <= 6; size++ {
		got, err := loops.Tile(k, "j", size)
		require.NoError(t, err, "tile %d", size)
		assert.Equal(t, want, hashKernel(t, got, 3), "tile j by %d", size)
		got, err = loops.Tile(k, "i", size)
		require.NoError(t, err, "tile i %d", size)
		assert.Equal(t, want, hashKernel(t, got, 3), "tile i by %d", size)
	}
	for f := 2; f <= 6; f++ {
		for _, name := range []string{"i", "j"} {
			got, err := loops.Unroll(k, name, f, true)
			require.NoError(t, err, "unroll %s by %d", name, f)
			assert.Equal(t, want, hashKernel(t, got, 3), "unroll %s by %d", name, f)
		}
	}
	got, err := loops.Unroll(k, "i", loop.UnrollFull, true)
	require.NoError(t, err)
	assert.Equal(t, want, hashKernel(t, got, 3))
	_, err = loops.Unroll(k, "j", loop.UnrollFull, true)
	assert.ErrorContains(t, err, "a full unroll needs constant bounds")
	_, err = loops.Tile(k, "i", 10)
	assert.ErrorContains(t, err, "tile size 10 is larger than the trip count 9")
}

// TestStepped tiles and unrolls a loop with constant bounds and a step of
// 3 (7 iterations: 1, 4, …, 19), every size and factor.
func TestStepped(t *testing.T) {
	k, err := loop.Parse(`kernel st(in x: f32[21], out y: f32[21], out s: f32) {
  s = 0.0
  for j in 1..21 step 3 {
    s = s + x[j]
    y[j] = x[j - 1] * s
  }
}
`, nil)
	require.NoError(t, err)
	want := hashKernel(t, k, 9)
	for size := 1; size <= 7; size++ {
		got, err := loops.Tile(k, "j", size)
		require.NoError(t, err)
		assert.Equal(t, want, hashKernel(t, got, 9), "tile by %d", size)
	}
	for _, f := range []int{2, 3, 4, 7, 8, loop.UnrollFull} {
		got, err := loops.Unroll(k, "j", f, true)
		require.NoError(t, err)
		assert.Equal(t, want, hashKernel(t, got, 9), "unroll by %d", f)
	}
	_, err = loops.Tile(k, "j", 8)
	assert.ErrorContains(t, err, "larger than the trip count 7")
}

// TestCompose tiles, unrolls and interchanges gemm in sequence, every
// combination of sizes, each the same bits.
func TestCompose(t *testing.T) {
	k := parseFile(t, "testdata/gemm.kir")
	want := hashKernel(t, k, 5)
	n := 0
	for tj := 1; tj <= 4; tj++ {
		for uk := 2; uk <= 4; uk++ {
			a, err := loops.Interchange(k, "i", "j")
			require.NoError(t, err)
			a, err = loops.Tile(a, "j", tj)
			require.NoError(t, err)
			a, err = loops.Unroll(a, "k", uk, true)
			require.NoError(t, err)
			a, err = loops.Tile(a, "k", 1)
			require.NoError(t, err)
			a, err = loops.Unroll(a, "j.inner", 2, false)
			require.NoError(t, err)
			assert.Equal(t, want, hashKernel(t, a, 5), "tile %d unroll %d", tj, uk)
			n++
		}
	}
	assert.Equal(t, 12, n)
}

// TestBadInput: a nil or broken kernel and sizes that would overflow a
// step are errors, never panics.
func TestBadInput(t *testing.T) {
	broken := &loop.Kernel{Name: "bad", Body: []loop.Stmt{&loop.For{Var: 7, Step: 1}}}
	for _, pass := range []struct {
		name string
		run  func(*loop.Kernel) (*loop.Kernel, error)
	}{
		{"tile", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Tile(k, "i", 2) }},
		{"unroll", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Unroll(k, "i", 2, true) }},
		{"interchange", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Interchange(k, "i", "j") }},
	} {
		t.Run(pass.name, func(t *testing.T) {
			_, err := pass.run(nil)
			assert.EqualError(t, err, "loops: "+pass.name+": nil kernel")
			_, err = pass.run(broken)
			assert.ErrorContains(t, err, "kernel bad: loop i: the input does not verify")
		})
	}
	k, err := loop.Parse(triangular, nil)
	require.NoError(t, err)
	_, err = loops.Tile(k, "j", 1<<62)
	assert.ErrorContains(t, err, "times the step 2 is not below 2^31")
	_, err = loops.Unroll(k, "j", 1<<30, false)
	assert.ErrorContains(t, err, "unroll factor 1073741824 times the step 2 is not below 2^31")
}
