package narrow_test

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// kernelProgram parses testdata/<name>.kir and wraps the kernel in a
// program whose top passes the kernel's parameters through, the kernel
// computing the node called name.
func kernelProgram(t *testing.T, name string) *loop.Program {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name+".kir"))
	require.NoError(t, err)
	return parseProgram(t, string(src), name)
}

// parseProgram is kernelProgram for kernel text src.
func parseProgram(t *testing.T, src, name string) *loop.Program {
	t.Helper()
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	p := &loop.Program{Name: loop.TopName, Kernels: []*loop.Kernel{k}, KernelNodes: [][]string{{name}}}
	var args []loop.BufID
	for _, pid := range k.Params {
		b := k.Buffers[pid]
		p.Buffers = append(p.Buffers, &loop.Buffer{Name: b.Name, Kind: b.Kind, Shape: slices.Clone(b.Shape), Role: b.Role})
		p.BufferTensors = append(p.BufferTensors, b.Name)
		id := loop.BufID(len(p.Buffers) - 1)
		p.Params = append(p.Params, id)
		args = append(args, id)
	}
	p.Calls = []loop.KernelCall{{Kernel: 0, Args: args}}
	require.NoError(t, loop.VerifyProgram(p))
	return p
}

// randomArgs are the program's arguments: inputs uniform in [−2, 2) from
// a fixed seed, zeroed outputs.
func randomArgs(p *loop.Program, seed uint64) []*dtype.Array {
	rng := rand.New(rand.NewPCG(seed, 1))
	var args []*dtype.Array
	for _, id := range p.Params {
		b := p.Buffers[id]
		a := dtype.New(b.Kind, b.Shape)
		if b.Role == loop.Input {
			for i := range a.Len() {
				a.Set(i, 4*rng.Float64()-2)
			}
		}
		args = append(args, a)
	}
	return args
}

// wide covers every input of randomArgs: ranges of max-abs 2.
func wide(p *loop.Program) map[string]passes.Range {
	r := map[string]passes.Range{}
	for _, name := range p.BufferTensors {
		r[name] = passes.Range{Min: -2, Max: 2, MaxAbs: 2, P999: 2, N: 1}
	}
	return r
}

// TestGolden: each kernel of testdata narrowed to a spec prints as
// testdata/<case>.<label>.golden (the program, then the report); it
// verifies, runs, and stays within tol (relative RMSE) of the f32 kernel
// on random inputs; the tables and fallbacks are as counted.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		kir, label, spec string
		luts, uses       int
		fallbacks        []string
		tol              float64
	}{
		// Bounds: about 3× the relative RMSE measured with interpolated tables.
		{"silu", "fixed16", "fixed<16,6>", 1, 1, nil, 3e-3},
		{"silu", "fp16", "fp16", 0, 0, nil, 2e-3},
		{"softmax", "fixed16", "fixed<16,6>", 1, 1, []string{"/"}, 5e-3},
		{"softmax", "bf16", "bf16", 0, 0, nil, 2e-2},
		{"gemm_tanh", "fixed16", "fixed<16,6,rnd,sat>", 1, 1, nil, 1e-3},
		{"gemm_tanh", "amp", "amp", 0, 0, nil, 2e-3},
		// sqrt(Σ(a − mean)²/12 + 1e-05) is NaN below −1.2e-4: no table
		// (checkTable); sqrt and the division compute in f32.
		{"instancenorm", "fixed24", "fixed<24,10>", 0, 0, []string{"sqrt", "/", "*", "+"}, 5e-4},
		{"lstm_step", "fixed16", "fixed<16,6>", 2, 5, nil, 3e-2},
		// int8 activations of max-abs 2 keep 5 fraction bits (ulp 1/32),
		// fewer than the step's 6: the gates' sigmoid and tanh read the
		// nearest of 1024 midpoints; tanh(c[j]), of the accumulator type,
		// interpolates a third table of 1025 edges.
		{"lstm_step", "int8", "int8", 3, 5, nil, 0.2},
		{"gemm", "int8", "int8", 0, 0, nil, 2e-2},
		{"gemm", "int8asym", "int8:asym", 0, 0, nil, 2e-2},
		{"gemm", "int8channel", "int8:channel", 0, 0, nil, 2e-2},
		{"gemm", "int8asymchannel", "int8:asym:channel", 0, 0, nil, 2e-2},
		{"lstm_step", "int8channel", "int8:channel", 3, 5, nil, 0.2},
		{"gemm", "mixed", "default=fp16,gemm.weights=fixed<8,1,rne>,gemm.acc=fp32", 0, 0, nil, 2e-3},
	} {
		t.Run(tc.kir+"."+tc.label, func(t *testing.T) {
			p := kernelProgram(t, tc.kir)
			spec, err := passes.ParsePrecisionSpec(tc.spec)
			require.NoError(t, err)
			np, rep, err := narrow.Apply(p, narrow.Options{Spec: spec, Ranges: wide(p)})
			require.NoError(t, err)
			checkGolden(t, filepath.Join("testdata", tc.kir+"."+tc.label+".golden"), np.String()+"\n"+rep.String())
			assert.Equal(t, tc.luts, rep.Kernels[0].LUTs, "tables")
			assert.Equal(t, tc.uses, rep.Kernels[0].LUTUses, "table reads")
			assert.Equal(t, tc.fallbacks, rep.Kernels[0].Fallbacks, "fallbacks")
			want, got := randomArgs(p, 1), randomArgs(np, 1)
			require.NoError(t, exec.RunProgram(p, want))
			require.NoError(t, exec.RunProgram(np, got))
			out := len(p.Params) - 1
			e := relRMSE(got[out:], want[out:])
			t.Logf("relative RMSE %.3g", e)
			assert.Less(t, e, tc.tol)
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to write it")
	assert.Equal(t, string(want), got, "%s (go test -update rewrites it)", path)
}
