package loop

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// fixedKernel wraps one store of expr into a kernel over fixed buffers.
func fixedKernel(out, expr string) string {
	return `kernel k(in a: fixed<8,3>[4], in b: fixed<6,2>[4], in u: ufixed<8,2>[4], in wide: fixed<40,8>[4], in f: f32[4], in n: i16[4], out y: ` +
		out + `[4]) {
  for i in 0..4 {
    y[i] = ` + expr + `
  }
}
`
}

// TestVerifyFixed: the fixed-point rules of the contract, valid and not.
func TestVerifyFixed(t *testing.T) {
	rows := []struct{ out, expr, want string }{
		{"fixed<8,3>", "a[i]", ""},
		{"fixed<14,5>", "a[i] * b[i]", ""},
		{"fixed<9,4>", "a[i] + b[i]", ""},  // AddType: I = max(3,2)+1, F = max(5,4)
		{"fixed<9,4>", "b[i] - a[i]", ""},  // SubType
		{"fixed<10,4>", "a[i] + u[i]", ""}, // unsigned operand counts a sign bit: I = max(3,3)+1
		{"ufixed<9,3>", "u[i] + u[i]", ""}, // unsigned sum stays unsigned
		{"fixed<9,3>", "u[i] - u[i]", ""},  // a difference is signed
		{"fixed<9,4>", "-a[i]", ""},        // Neg: SubType(t, t)
		{"fixed<9,4>", "abs(a[i])", ""},    // Abs too
		{"fixed<8,3>", "min(a[i], max(a[i], 0.5:fixed<8,3>))", ""},
		{"fixed<8,3>", "select(a[i] <= 1.25:fixed<8,3>, a[i], -4:fixed<8,3>)", ""},
		{"fixed<80,16>", "wide[i] * wide[i]", "unknown kind"},
		{"fixed<8,3>", "cast<fixed<8,3>>(wide[i] * wide[i])",
			"fixed<40,8> * fixed<40,8>: exact result fixed<80,16> is wider than 64 bits; cast an operand to a narrower type first"},
		{"fixed<8,3>", "cast<fixed<8,3>>(cast<fixed<64,8>>(a[i]) + a[i])",
			"fixed<64,8> + fixed<8,3>: exact result fixed<65,9> is wider than 64 bits"},
		{"fixed<8,3>", "cast<fixed<8,3>>(cast<ufixed<63,8>>(u[i]) + u[i])",
			"ufixed<63,8> + ufixed<8,2>: exact result ufixed<64,9> is wider than 63 bits"},
		{"fixed<8,3>", "cast<fixed<8,3>>(-cast<fixed<64,8>>(a[i]))",
			"- on fixed<64,8>: exact result fixed<65,9> is wider than 64 bits; cast the operand to a narrower type first"},
		{"fixed<8,3>", "cast<fixed<8,3>>(cast<ufixed<64,8>>(a[i]))",
			"cast to ufixed<64,8> is wider than 63 bits"},
		{"fixed<8,3>", "a[i] / a[i]", "fixed<8,3> / fixed<8,3>: / is not defined on fixed point"},
		{"fixed<8,3>", "a[i] % a[i]", "% is not defined on fixed point"},
		{"bool", "a[i] && a[i]", "&& is not defined on fixed point"},
		{"fixed<8,3>", "a[i] + f[i]", "fixed<8,3> + f32: fixed point combines only with fixed point (cast explicitly)"},
		{"fixed<8,3>", "cast<fixed<8,3>>(n[i] * a[i])", "i16 * fixed<8,3>: fixed point combines only with fixed point"},
		{"fixed<8,3>", "min(a[i], b[i])", "fixed<8,3> min fixed<6,2>: operand kinds differ (cast explicitly)"},
		{"bool", "a[i] < b[i]", "fixed<8,3> < fixed<6,2>: operand kinds differ"},
		{"fixed<8,3>", "select(true, a[i], b[i])", "select of fixed<8,3> and fixed<6,2> (cast explicitly)"},
		{"fixed<8,3>", "sqrt(a[i])", "sqrt on fixed<8,3>: not defined on fixed point (cast to a float kind)"},
		{"fixed<8,3>", "floor(a[i])", "floor on fixed<8,3>: not defined on fixed point"},
		{"bool", "!a[i]", "! on fixed<8,3>: not defined on fixed point"},
		{"f32", "pow(a[i], a[i])", "pow argument 0 is fixed<8,3> (want a float kind)"},
		{"fixed<8,3>", "a[i] * a[i]", "stores a fixed<16,6> value into fixed<8,3> buffer y (cast explicitly)"},
		{"fixed<8,3>", "cast<fixed<8,3>>(f[i]) + 0:fixed<8,3>", "stores a fixed<9,4> value"},
		{"ufixed<64,2>", "cast<ufixed<64,2>>(a[i])", "buffer y: kind ufixed<64,2> is wider than 63 bits"},
		{"i16", "n[min(max(cast<i64>(a[i]), 0), 3)]", ""},
		{"i16", "n[cast<i64>(a[i])]", "cannot bound the data-dependent index cast<i64>(a[i])"},
		{"i16", "n[a[i]]", "n index 0: fixed<8,3> index (want an integer kind)"},
	}
	for _, r := range rows {
		t.Run(r.expr, func(t *testing.T) {
			src := fixedKernel(r.out, r.expr)
			k, err := Parse(src, nil)
			if err == nil {
				err = Verify(k)
			}
			if r.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), r.want)
		})
	}
}

// TestVerifyFixedBuilt: fixed constants and data that only Go code can
// build out of range.
func TestVerifyFixedBuilt(t *testing.T) {
	f83 := dtype.FixedKind(dtype.Fixed{W: 8, I: 3})
	u62 := dtype.FixedKind(dtype.Fixed{W: 6, I: 2, Unsigned: true})
	src := `kernel k(const c: fixed<8,3>[2] = {0.5, -4}, out y: fixed<8,3>[2]) {
  for i in 0..2 {
    y[i] = c[i]
  }
}
`
	rows := []struct {
		name string
		edit func(k *Kernel)
		want string
	}{
		{"valid", func(k *Kernel) {}, ""},
		{"max raw", func(k *Kernel) { storeOf(k).Value = Int(f83, 127) }, ""},
		{"min raw", func(k *Kernel) { storeOf(k).Value = Int(f83, -128) }, ""},
		{"raw above", func(k *Kernel) { storeOf(k).Value = Int(f83, 128) }, "constant raw 128 out of range for fixed<8,3>"},
		{"raw below", func(k *Kernel) { storeOf(k).Value = Int(f83, -129) }, "constant raw -129 out of range for fixed<8,3>"},
		{"unsigned negative", func(k *Kernel) {
			storeOf(k).Value = &Cast{To: f83, X: Int(u62, -1)}
		}, "constant raw -1 out of range for ufixed<6,2>"},
		{"unsigned above", func(k *Kernel) {
			storeOf(k).Value = &Cast{To: f83, X: Int(u62, 64)}
		}, "constant raw 64 out of range for ufixed<6,2>"},
		{"init raw", func(k *Kernel) { k.Buffers[0].Init.I64[1] = 200 }, "buffer c: element 1 has raw 200, out of range for fixed<8,3>"},
		{"init count", func(k *Kernel) { k.Buffers[0].Init.I64 = nil }, "buffer c: data holds the wrong number of elements"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			k, err := Parse(src, nil)
			require.NoError(t, err)
			r.edit(k)
			err = Verify(k)
			if r.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), r.want)
		})
	}
}

func storeOf(k *Kernel) *Store { return k.Body[0].(*For).Body[0].(*Store) }

// TestFixedText: constants of fixed kinds print their exact value and parse
// back to the same raw, for random raws of many types including 64-bit ones.
func TestFixedText(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 1))
	types := []dtype.Fixed{
		{W: 8, I: 3}, {W: 1, I: 0}, {W: 1, I: 1}, {W: 6, I: 0, Unsigned: true}, {W: 16, I: 16},
		{W: 64, I: 0}, {W: 64, I: 64}, {W: 64, I: 17, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate},
		{W: 63, I: 0, Unsigned: true}, {W: 63, I: 63, Unsigned: true}, {W: 53, I: 1}, {W: 60, I: 5, Round: dtype.RoundHalfUp},
	}
	for _, f := range types {
		t.Run(f.String(), func(t *testing.T) {
			k := dtype.FixedKind(f)
			raws := []int64{f.MinRaw(), f.MaxRaw(), 0, 1, -1, f.MinRaw() + 1, f.MaxRaw() - 1}
			for range 200 {
				raws = append(raws, int64(rng.Uint64())>>(64-f.W)) // sign-extended: in range when signed
			}
			for _, raw := range raws {
				if f.Unsigned {
					raw = int64(uint64(raw) << (64 - f.W) >> (64 - f.W))
				}
				if raw < f.MinRaw() || raw > f.MaxRaw() {
					continue
				}
				c := Int(k, raw)
				text := constString(c)
				got := parseConst(t, text)
				require.Equal(t, k, got.Kind, text)
				require.Equal(t, raw, got.Int, text)
				if f.W <= 53 {
					v := dtype.ToFloat(f, raw)
					assert.Equal(t, fmt.Sprint(v), fmt.Sprint(parseConst(t, fmt.Sprint(v)+":f64").Float), text)
				}
			}
		})
	}
	t.Run("examples", func(t *testing.T) {
		f83 := dtype.FixedKind(dtype.Fixed{W: 8, I: 3})
		for raw, want := range map[int64]string{13: "0.40625", -128: "-4", 1: "0.03125", -1: "-0.03125", 0: "0", 96: "3"} {
			assert.Equal(t, want+":fixed<8,3>", constString(Int(f83, raw)))
		}
		assert.Equal(t, "-9223372036854775808:fixed<64,64>", constString(Int(dtype.FixedKind(dtype.Fixed{W: 64, I: 64}), -1<<63)))
		assert.Equal(t, "-0.5:fixed<64,0>", constString(Int(dtype.FixedKind(dtype.Fixed{W: 64, I: 0}), -1<<63)))
	})
}

// parseConst parses text as the value stored into a scalar f64 output (via
// a cast when the constant is not f64) and returns the constant.
func parseConst(t *testing.T, text string) *Const {
	t.Helper()
	k, err := Parse("kernel k(out y: f64) {\n  y = cast<f64>("+text+")\n}\n", nil)
	require.NoError(t, err, text)
	return k.Body[0].(*Store).Value.(*Cast).X.(*Const)
}

// TestFixedParseErrors: numbers that are not exactly values of the kind.
func TestFixedParseErrors(t *testing.T) {
	rows := []struct{ text, want string }{
		{"0.1:fixed<8,3>", "0.1 is not a fixed<8,3> value (not a multiple of 2^-5)"},
		{"0.015625:fixed<8,3>", "not a multiple of 2^-5"},
		{"4:fixed<8,3>", "4 is out of range for fixed<8,3>"},
		{"-4.03125:fixed<8,3>", "-4.03125 is out of range for fixed<8,3>"},
		{"-0.25:ufixed<8,3>", "-0.25 is out of range for ufixed<8,3>"},
		{"inf:fixed<8,3>", "inf is not a fixed<8,3> value"},
		{"nan:fixed<8,3>", "nan is not a fixed<8,3> value"},
		{"1e999999999:fixed<8,3>", "1e999999999 is not a fixed<8,3> value"},
		{"true:fixed<8,3>", "expected"},
	}
	for _, r := range rows {
		t.Run(r.text, func(t *testing.T) {
			_, err := Parse("kernel k(out y: f64) {\n  y = cast<f64>("+r.text+")\n}\n", nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), r.want)
		})
	}
	t.Run("exponent form", func(t *testing.T) {
		assert.Equal(t, int64(-40), parseConst(t, "-125e-2:fixed<8,3>").Int)
		assert.Equal(t, int64(0x20), parseConst(t, "0x1:fixed<8,3>").Int)
	})
}

// TestFixedSeeds: the fuzz seeds with fixed kinds are valid kernels that
// print as themselves, so the fuzzer starts from the interesting forms.
func TestFixedSeeds(t *testing.T) {
	for _, src := range fixedSeeds {
		k, err := Parse(src, nil)
		require.NoError(t, err)
		require.NoError(t, Verify(k))
		assert.Equal(t, src, k.String())
	}
}
