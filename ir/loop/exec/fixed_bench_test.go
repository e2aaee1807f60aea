package exec_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// fixedGemmKernel is the inner loop passes/narrow makes of a layer narrowed
// to fixed<16,6> (as the STGCN's): each exact product cast to the
// accumulator's type, the exact sum cast again, the result cast to a
// saturating output type.
const fixedGemmKernel = `kernel fgemm(in x: fixed<16,6>[1,64], in w: fixed<16,6>[64,512], out y: fixed<8,3,rne,sat>[1,512]) {
  temp acc: fixed<16,6> reg
  for i in 0..512 {
    acc = 0:fixed<16,6>
    for k in 0..64 {
      acc = cast<fixed<16,6>>(acc + cast<fixed<16,6>>(x[0, k] * w[k, i]))
    }
    y[0, i] = cast<fixed<8,3,rne,sat>>(acc)
  }
}
`

// randomArgs makes the arguments of k's non-constant parameters: raws
// spread over each fixed kind's range, floats in [−64, 64), integers.
func randomArgs(t testing.TB, k *loop.Kernel, seed uint64) []*dtype.Array {
	rng := rand.New(rand.NewPCG(seed, 1))
	args := make([]*dtype.Array, len(k.Params))
	for i, id := range k.Params {
		b := k.Buffers[id]
		if b.Role == loop.Constant {
			continue
		}
		a := dtype.New(b.Kind, b.Shape)
		f, fixed := b.Kind.Fixed()
		for j := range a.I64 {
			if fixed {
				a.I64[j] = dtype.WrapRaw(f, int64(rng.Uint64()))
			} else {
				a.I64[j] = int64(int32(rng.Uint32()))
			}
		}
		for j := range a.F32 {
			a.F32[j] = float32(rng.NormFloat64() * 16)
		}
		args[i] = a
	}
	require.NotEmpty(t, args)
	return args
}

// runBench runs k on random arguments b.N times and reports the time per
// cast into a fixed kind.
func runBench(b *testing.B, k *loop.Kernel) {
	p, err := exec.Compile(k)
	require.NoError(b, err)
	args := randomArgs(b, k, 7)
	require.NoError(b, p.Run(args))
	casts := p.Stats().NarrowCasts
	require.Positive(b, casts)
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Run(args); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(casts)/float64(b.N), "ns/cast")
}

// BenchmarkFixedGemm: 64·512 multiply-accumulates, two casts each.
func BenchmarkFixedGemm(b *testing.B) {
	runBench(b, parse(b, "", fixedGemmKernel, nil))
}

// BenchmarkFixedCast: y[i] = cast<to>(x[i]) over 4096 elements, for the
// kinds of casts narrowed models execute.
func BenchmarkFixedCast(b *testing.B) {
	for _, c := range []struct{ from, to string }{
		{"f32", "fixed<16,6>"},
		{"f32", "fixed<16,6,rnd,sat>"},
		{"f32", "fixed<16,6,rne>"},
		{"fixed<32,12>", "fixed<16,6>"},
		{"fixed<32,12>", "fixed<16,6,rnd,sat>"},
		{"fixed<32,12>", "fixed<16,6,rne,sat>"},
		{"fixed<8,3>", "fixed<24,10>"},
		{"i32", "fixed<40,36,trn,sat>"},
	} {
		b.Run(c.from+"→"+c.to, func(b *testing.B) {
			src := fmt.Sprintf(`kernel c(in x: %s[4096], out y: %s[4096]) {
  for i in 0..4096 {
    y[i] = cast<%s>(x[i])
  }
}
`, c.from, c.to, c.to)
			runBench(b, parse(b, "", src, nil))
		})
	}
}
