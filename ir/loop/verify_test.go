package loop

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
)

const base = `kernel k(in x: f32[8], const c: i32[4] = {0, 2, 5, 7}, out y: f32[8]) {
  temp acc: f32 reg
  for i in 0..8 {
    y[i] = x[i]
  }
}
`

// TestVerify checks kernels that the parser cannot produce (built by
// editing a parsed one) and bounds proofs that must pass.
func TestVerify(t *testing.T) {
	loopOf := func(k *Kernel) *For { return k.Body[0].(*For) }
	storeOf := func(k *Kernel) *Store { return loopOf(k).Body[0].(*Store) }
	rows := []struct {
		name string
		src  string
		edit func(k *Kernel)
		want string // "" for a valid kernel
	}{
		{"valid", base, nil, ""},
		{"var bound twice", base, func(k *Kernel) {
			k.Body = append(k.Body, loopOf(k))
		}, "loop variable i is bound by two loops"},
		{"var outside its loop", base, func(k *Kernel) {
			k.Body = append(k.Body, &Store{Buf: 2, Index: []Index{At(V(0))}, Value: Float(dtype.F32, 0)})
		}, "loop variable i used outside its loop"},
		{"unknown buffer", base, func(k *Kernel) { storeOf(k).Buf = 9 }, "unknown buffer 9"},
		{"nil value", base, func(k *Kernel) { storeOf(k).Value = nil }, "y[i] = ?nil: missing expression"},
		{"affine dyn", base, func(k *Kernel) {
			storeOf(k).Index[0] = Index{Dyn: &VarRef{Var: 0}}
		}, "dynamic part has an affine part"},
		{"zero step", base, func(k *Kernel) { loopOf(k).Step = 0 }, "step 0 is not in [1, 2^31)"},
		{"const value out of range", base, func(k *Kernel) {
			storeOf(k).Value = &Cast{To: dtype.F32, X: Int(dtype.I8, 300)}
		}, "constant 300 out of range for i8"},
		{"unrepresentable f16", base, func(k *Kernel) {
			storeOf(k).Value = &Cast{To: dtype.F32, X: Float(dtype.F16, 0.1)}
		}, "constant 0.1 is not a f16 value"},
		{"init shape", base, func(k *Kernel) { k.Buffers[1].Init = dtype.New(dtype.I32, []int{2, 2}) }, "data is i32[2 2], buffer is i32[4]"},
		{"init on temp", base, func(k *Kernel) { k.Buffers[3].Init = dtype.New(dtype.F32, nil) }, "buffer acc: only constants have data (role temp)"},
		{"rom temp", base, func(k *Kernel) { k.Buffers[3].Space = ROM }, "only constants live in rom"},
		{"uram not ram", base, func(k *Kernel) { k.Buffers[3].UltraRAM = true }, "uram is an on-chip ram of a buffer that is not a constant"},
		{"uram constant", base, func(k *Kernel) { k.Buffers[1].Space, k.Buffers[1].UltraRAM = RAM, true }, "uram is an on-chip ram"},
		{"uram temp", base, func(k *Kernel) { k.Buffers[3].Space, k.Buffers[3].UltraRAM = RAM, true }, ""},
		{"input not a parameter", base, func(k *Kernel) { k.Params = k.Params[1:] }, "in buffer x is not a parameter"},
		{"temp parameter", base, func(k *Kernel) { k.Params = append(k.Params, 3) }, "temporary acc is a parameter"},
		{"partition dim", base, func(k *Kernel) { k.Buffers[0].Partition = []Partition{{Cyclic, 2, 1}} }, "partition dim 1, rank is 1"},
		{"partition factor", base, func(k *Kernel) { k.Buffers[0].Partition = []Partition{{Block, 16, 0}} }, "block partition factor 16 outside [2, 8]"},
		{"unroll full dynamic", base, func(k *Kernel) {
			f := loopOf(k)
			f.Dir.Unroll = UnrollFull
			f.Hi = Index{Dyn: &Load{Buf: 1, Index: []Index{At(Lit(3))}}}
		}, "unroll(full) needs constant bounds"},
		{"bad name", base, func(k *Kernel) { k.Vars[0].Name = "for" }, `loop variable name "for" is not an identifier`},
		{"triangular", `kernel k(in x: f32[8], out y: f32[8,8]) {
  for i in 0..8 {
    for j in 0..i + 1 {
      y[i, i - j] = x[j]
    }
  }
}
`, nil, ""},
		{"triangular off by one", `kernel k(in x: f32[8], out y: f32[8,8]) {
  for i in 0..8 {
    for j in 0..i + 2 {
      y[i, i - j] = x[j]
    }
  }
}
`, nil, "y index 1: i - j ranges over [-1, 7], outside [0, 8)"},
		{"guarded pad", `kernel k(in x: f32[8], out y: f32[8]) {
  for t in 0..8 {
    for d in 0..3 {
      if t + d >= 1 && t + d <= 8 {
        y[t] = x[t + d - 1]
      }
    }
  }
}
`, nil, ""},
		{"else of a comparison", `kernel k(in x: f32[8], out y: f32[8]) {
  for t in 0..8 {
    if t < 1 {
      y[t] = 0.0
    } else {
      y[t] = x[t - 1]
    }
  }
}
`, nil, ""},
		{"else of a conjunction", `kernel k(in x: f32[8], out y: f32[8]) {
  for t in 0..8 {
    if t < 1 && t < 2 {
      y[t] = 0.0
    } else {
      y[t] = x[t - 1]
    }
  }
}
`, nil, "x index 0: t - 1 ranges over [-1, 6], outside [0, 8)"},
		{"select evaluates both arms", `kernel k(in x: f32[8], out y: f32[8]) {
  for t in 0..8 {
    y[t] = select(t >= 1, x[t - 1], 0.0)
  }
}
`, nil, "x index 0: t - 1 ranges over [-1, 6]"},
		{"clamped gather", `kernel k(in x: f32[8], in idx: i64[2], out y: f32[2]) {
  for i in 0..2 {
    y[i] = x[min(max(idx[i], 0), 7)]
  }
}
`, nil, ""},
		{"strided last value", `kernel k(in x: f32[9], out y: f32[9]) {
  for i in 1..9 step 4 {
    y[i + 3] = x[i]
  }
}
`, nil, ""},
		{"logic on floats", `kernel k(in x: f32[2], out y: bool[2]) {
  for i in 0..2 {
    y[i] = x[i] && x[i]
  }
}
`, nil, "&& on f32 (want bool)"},
		{"exp on ints", `kernel k(in x: i32[2], out y: i32[2]) {
  for i in 0..2 {
    y[i] = exp(x[i])
  }
}
`, nil, "exp on i32 (want a float kind)"},
		{"if condition kind", `kernel k(in x: f32[2], out y: f32[2]) {
  for i in 0..2 {
    if x[i] {
      y[i] = x[i]
    }
  }
}
`, nil, "if x[i]: condition is f32, not bool"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			k, err := Parse(r.src, nil)
			require.NoError(t, err)
			if r.edit != nil {
				r.edit(k)
			}
			err = Verify(k)
			if r.want == "" {
				assert.NoError(t, err)
				return
			}
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), r.want)
			}
		})
	}
}
