package exec_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// mustParse parses without verifying: the verifier rejects the unbounded
// gathers below, which is why execution checks every index itself.
func mustParse(t *testing.T, src string) *loop.Kernel {
	t.Helper()
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	return k
}

const gather = `kernel g(in idx: i32[2], in x: f32[4], out y: f32[2]) {
  for j in 0..2 {
    y[j] = x[idx[j]]
  }
}
`

const rows = `kernel r(in ptr: i32[3], in x: f32[4], out y: f32[2]) {
  temp acc: f32 reg
  for i in 0..2 {
    acc = 0.0
    for p in ptr[i]..ptr[i + 1] {
      acc = acc + x[p]
    }
    y[i] = acc
  }
}
`

const divide = `kernel d(in a: i32[2], in b: i32[2], out y: i32[2]) {
  for j in 0..2 {
    y[j] = a[j] / b[j]
  }
}
`

func i32s(v ...int64) *dtype.Array {
	return &dtype.Array{Kind: dtype.I32, Shape: []int{len(v)}, I64: v}
}

func TestRunErrors(t *testing.T) {
	x := dtype.FromF32([]int{4}, []float32{1, 2, 3, 4})
	y := dtype.New(dtype.F32, []int{2})
	tests := []struct {
		name, src string
		args      []*dtype.Array
		want      string
	}{
		{"arg count", gather, []*dtype.Array{x}, "1 arguments for 3 parameters"},
		{"nil arg", gather, []*dtype.Array{nil, x, y}, "argument 0 (idx): nil array"},
		{"kind", gather, []*dtype.Array{x, x, y}, "argument 0 (idx): kind f32, want i32"},
		{"shape", gather, []*dtype.Array{i32s(0, 1, 2), x, y}, "argument 0 (idx): shape [3], want [2]"},
		{"storage", gather, []*dtype.Array{{Kind: dtype.I32, Shape: []int{2}}, x, y}, "0 values for 2 elements"},
		{"range", gather, []*dtype.Array{i32s(0, 1<<40), x, y}, "element 1 (1099511627776) is out of range for i32"},
		{"gather", gather, []*dtype.Array{i32s(1, 7), x, y}, "load of x: index 0 is 7, outside [0, 4)"},
		{"negative gather", gather, []*dtype.Array{i32s(-1, 0), x, y}, "load of x: index 0 is -1, outside [0, 4)"},
		{"loop bound", rows, []*dtype.Array{i32s(0, 2, 5), x, y}, "load of x: index 0 is 4, outside [0, 4)"},
		{"divide", divide, []*dtype.Array{i32s(1, 2), i32s(1, 0), dtype.New(dtype.I32, []int{2})}, "i32 / by zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := exec.Run(mustParse(t, tt.src), tt.args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestTypedErrors(t *testing.T) {
	x := dtype.FromF32([]int{4}, []float32{1, 2, 3, 4})
	err := exec.Run(mustParse(t, gather), []*dtype.Array{i32s(2, 9), x, dtype.New(dtype.F32, []int{2})})
	var ie *exec.IndexError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, exec.IndexError{Kernel: "g", Buffer: "x", Dim: 0, Index: 9, Size: 4}, *ie)

	z := dtype.New(dtype.I32, []int{2})
	err = exec.Run(mustParse(t, divide), []*dtype.Array{i32s(1, 2), i32s(0, 1), z})
	assert.ErrorIs(t, err, exec.ErrDivideByZero)
	assert.Equal(t, []int64{0, 0}, z.I64, "execution stops at the error")

	// The same compiled program runs again after an error.
	p, err := exec.Compile(mustParse(t, gather))
	require.NoError(t, err)
	y := dtype.New(dtype.F32, []int{2})
	require.Error(t, p.Run([]*dtype.Array{i32s(4, 0), x, y}))
	require.NoError(t, p.Run([]*dtype.Array{i32s(3, 0), x, y}))
	assert.Equal(t, []float32{4, 1}, y.F32)
}

func TestCompileErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"kinds", "kernel k(in x: f32, out y: f32) {\n  y = x + 1\n}\n", "f32 + i64: operand kinds differ"},
		{"store kind", "kernel k(in x: i32, out y: f32) {\n  y = x\n}\n", "stores a i32 value into f32 buffer y"},
		{"bool arithmetic", "kernel k(out y: bool) {\n  y = true + false\n}\n", "+ on bool"},
		{"float index", "kernel k(in x: f32[2], in i: f32, out y: f32) {\n  y = x[i]\n}\n", "f32 index"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := loop.Parse(tt.src, nil)
			if err != nil {
				t.Skipf("the parser rejects it already: %v", err)
			}
			_, err = exec.Compile(k)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	// A constant without data, and an input that is not a parameter.
	k := mustParse(t, "kernel k(in x: f32, out y: f32) {\n  y = x\n}\n")
	k.Buffers[0].Role = loop.Constant
	_, err := exec.Compile(k)
	assert.ErrorContains(t, err, "constant x has no data")
	k = mustParse(t, "kernel k(in x: f32, out y: f32) {\n  y = x\n}\n")
	k.Params = k.Params[1:]
	_, err = exec.Compile(k)
	assert.ErrorContains(t, err, "in buffer x is not a parameter")
}

// TestConstantArgument: nil binds a constant parameter's Init; an array
// replaces it for one run only.
func TestConstantArgument(t *testing.T) {
	src := `kernel s(in x: f32[2], const w: f32[2] = {2.0, 3.0}, out y: f32[2]) {
  for i in 0..2 {
    y[i] = x[i] * w[i]
  }
}
`
	p, err := exec.Compile(parse(t, "", src, nil))
	require.NoError(t, err)
	x, y := dtype.FromF32([]int{2}, []float32{1, 1}), dtype.New(dtype.F32, []int{2})
	require.NoError(t, p.Run([]*dtype.Array{x, dtype.FromF32([]int{2}, []float32{5, 7}), y}))
	assert.Equal(t, []float32{5, 7}, y.F32)
	require.NoError(t, p.Run([]*dtype.Array{x, nil, y}))
	assert.Equal(t, []float32{2, 3}, y.F32)
	err = p.Run([]*dtype.Array{x, dtype.FromF32([]int{3}, []float32{5, 7, 9}), y})
	assert.ErrorContains(t, err, "argument 1 (w): shape [3], want [2]")
	narrow := &dtype.Array{Kind: dtype.F16, Shape: []int{1}, F32: []float32{0.1}}
	k := parse(t, "", "kernel n(in x: f16[1], out y: f16[1]) {\n  y[0] = x[0]\n}\n", nil)
	err = exec.Run(k, []*dtype.Array{narrow, dtype.New(dtype.F16, []int{1})})
	assert.ErrorContains(t, err, "is not a f16 value")
	assert.False(t, errors.Is(err, exec.ErrDivideByZero))
}
