package place_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/lower/lowertest"
	"github.com/kiln-hls/kiln/passes/place"
)

// The two parts of issue 9, as targets/devices.json gives them:
// xc7z020 (AMD DS190 Table 1: 140 RAMB36, 106,400 flip-flops) and the
// Alveo U280's XCVU37P (AMD DS890/DS963: 2,016 RAMB36, 960 UltraRAMs,
// 2,607,360 registers). Both block kinds are dual-ported (UG473, UG573).
var (
	zynq7020 = place.Capacity{BRAM36: 140, Ports: 2, RegisterBits: 106400}
	u280     = place.Capacity{BRAM36: 2016, URAM: 960, Ports: 2, RegisterBits: 2607360}
)

var models = []string{"lstm", "cnn", "stgcn"}

func zoo(t *testing.T, name string) *loop.Program {
	t.Helper()
	m, err := lowertest.Zoo(name, 1)
	require.NoError(t, err)
	return m.Program
}

// TestZooFits: with the default policy every built-in model fits both
// parts; every buffer is placed; the model's inputs and outputs are off
// chip, scalars in registers; a kernel's parameters are where the top
// buffers passed to them are; p is untouched; the same input gives the
// same report.
func TestZooFits(t *testing.T) {
	for _, name := range models {
		for _, dev := range []struct {
			name string
			cap  place.Capacity
		}{{"xc7z020", zynq7020}, {"u280", u280}} {
			t.Run(name+"/"+dev.name, func(t *testing.T) {
				p := zoo(t, name)
				before, text := spaces(p), p.String()
				q, r, err := place.Apply(p, place.Options{Capacity: dev.cap})
				require.NoError(t, err)
				require.NoError(t, loop.VerifyProgram(q))
				assert.Equal(t, before, spaces(p), "p's spaces changed")
				assert.Equal(t, text, p.String(), "p changed")
				assert.LessOrEqual(t, r.BRAM36(), int64(dev.cap.BRAM36))
				assert.LessOrEqual(t, r.URAM(), int64(dev.cap.URAM))
				assert.Positive(t, r.BRAM36()+r.URAM())
				checkPlaced(t, q)
				_, again, err := place.Apply(p, place.Options{Capacity: dev.cap})
				require.NoError(t, err)
				assert.Equal(t, r.String(), again.String())
			})
		}
	}
}

func checkPlaced(t *testing.T, q *loop.Program) {
	t.Helper()
	for _, b := range q.Buffers {
		if b.Role == loop.Input || b.Role == loop.Output {
			assert.Equal(t, loop.OffChip, b.Space, b.Name)
		}
	}
	for ki, k := range q.Kernels {
		for _, b := range k.Buffers {
			assert.NotEqual(t, loop.SpaceAuto, b.Space, "%s.%s", k.Name, b.Name)
			if b.Rank() == 0 {
				assert.Equal(t, loop.Register, b.Space, "%s.%s", k.Name, b.Name)
			}
		}
		for _, c := range q.Calls {
			if c.Kernel != ki {
				continue
			}
			for i, arg := range c.Args {
				assert.Equal(t, q.Buffers[arg].Space, k.Buffers[k.Params[i]].Space, "%s parameter %d", k.Name, i)
			}
		}
	}
}

// TestBiggerPartKeepsMore: the U280 keeps more on chip than the xc7z020,
// and sends fewer bytes off chip; the weights that go off chip on the
// small part are the large ones read once per inference.
func TestBiggerPartKeepsMore(t *testing.T) {
	offSmall := map[string][]string{
		"lstm": {"dense_layer_Gemm.dense_layer_weight"},
		"cnn":  {"dense_layer_Gemm.dense_layer_weight"},
	}
	for _, name := range models {
		t.Run(name, func(t *testing.T) {
			p := zoo(t, name)
			_, small, err := place.Apply(p, place.Options{Capacity: zynq7020})
			require.NoError(t, err)
			_, big, err := place.Apply(p, place.Options{Capacity: u280})
			require.NoError(t, err)
			onChip := func(r *place.Report) int64 {
				return r.Space(loop.RAM).Bits + r.Space(loop.ROM).Bits + r.Space(loop.Register).Bits
			}
			assert.Greater(t, onChip(big), onChip(small))
			assert.Less(t, big.OffChipBytes(), small.OffChipBytes())
			// On the U280 only the model's input and output stay off chip.
			assert.Equal(t, 2, big.Space(loop.OffChip).Buffers)
			for _, kb := range offSmall[name] {
				k, b, _ := cut(kb)
				s, ok := small.Buffer(k, b)
				require.True(t, ok)
				assert.Equal(t, loop.OffChip, s.Space)
				assert.Equal(t, place.NoRoom, s.Why)
				assert.InDelta(t, 1.0, s.Reuse, 1e-9, "a dense weight is read once per inference")
				g, _ := big.Buffer(k, b)
				assert.Equal(t, loop.ROM, g.Space)
				assert.Equal(t, place.BRAM, g.Memory)
			}
		})
	}
}

// TestCNNWeightsForcedOnChip: the CNN's dense weight (4080×256 f32 =
// 33,423,360 bits, 1,020 RAMB36 at 1K×36) cannot be on an xc7z020 (140
// RAMB36), by override or by the onchip policy; the error names the
// buffer, its size and the capacity. The U280 holds it.
func TestCNNWeightsForcedOnChip(t *testing.T) {
	p := zoo(t, "cnn")
	ov, err := place.ParseOverrides("conv_layer_Conv.conv_layer_weight=rom,dense_layer_Gemm.dense_layer_weight=rom", "--place")
	require.NoError(t, err)
	for _, opt := range []place.Options{{Capacity: zynq7020, Overrides: ov}, {Capacity: zynq7020, Policy: place.OnChip}} {
		_, _, err := place.Apply(p, opt)
		require.Error(t, err)
		for _, want := range []string{"kernel dense_layer_Gemm buffer dense_layer_weight", "f32[4080,256]",
			"33423360 bits", "1020 BRAM36", "of the device's 140 BRAM36 (5160960 bits)"} {
			assert.Contains(t, err.Error(), want)
		}
	}
	for _, opt := range []place.Options{{Capacity: u280, Overrides: ov}, {Capacity: u280, Policy: place.OnChip}} {
		q, r, err := place.Apply(p, opt)
		require.NoError(t, err)
		assert.Equal(t, loop.ROM, spaces(q)["dense_layer_Gemm.dense_layer_weight"])
		assert.LessOrEqual(t, r.BRAM36(), int64(2016))
	}
}

// TestOverridesApply: overrides by kernel name, by ONNX node name and by
// top buffer move buffers where the policy would not, and say so.
func TestOverridesApply(t *testing.T) {
	p := zoo(t, "lstm")
	ov, err := place.ParseOverrides("dense_layer_Gemm.dense_layer_bias=offchip,/lstm_layer/LSTM.h=reg,x=ram,"+
		"lstm_layer_Transpose_output_0=offchip,lstm_layer_LSTM.xg=bram", "--place")
	require.NoError(t, err)
	q, r, err := place.Apply(p, place.Options{Capacity: u280, Overrides: ov})
	require.NoError(t, err)
	s := spaces(q)
	assert.Equal(t, loop.OffChip, s["dense_layer_Gemm.dense_layer_bias"])
	assert.Equal(t, loop.Register, s["lstm_layer_LSTM.h"])
	assert.Equal(t, loop.RAM, s["x"])
	assert.Equal(t, loop.RAM, s["lstm_layer_Transpose.x"], "the parameter follows the top buffer")
	assert.Equal(t, loop.OffChip, s["lstm_layer_Transpose_output_0"])
	assert.Equal(t, loop.OffChip, s["lstm_layer_LSTM.lstm_layer_Transpose_output_0"])
	xg, _ := r.Buffer("lstm_layer_LSTM", "xg")
	assert.Equal(t, place.BRAM, xg.Memory)
	assert.Equal(t, place.ByOverride, xg.Why)
	assert.Equal(t, "--place lstm_layer_LSTM.xg=bram", xg.Override)
	h, _ := r.Buffer("lstm_layer_LSTM", "h")
	assert.Equal(t, "--place /lstm_layer/LSTM.h=reg", h.Override)
	assert.Contains(t, r.String(), "lstm_layer_LSTM.h temp f32[64] 2048 bits: reg (ff), reuse ")

	// Without the overrides the policy puts them elsewhere.
	d := spaces(mustApply(t, p, place.Options{Capacity: u280}))
	assert.Equal(t, loop.ROM, d["dense_layer_Gemm.dense_layer_bias"])
	assert.Equal(t, loop.RAM, d["lstm_layer_LSTM.h"])
	assert.Equal(t, loop.OffChip, d["x"])
}

func mustApply(t *testing.T, p *loop.Program, opt place.Options) *loop.Program {
	t.Helper()
	q, _, err := place.Apply(p, opt)
	require.NoError(t, err)
	return q
}

// TestOverrideErrors: every bad override is reported at once, each naming
// what is wrong.
func TestOverrideErrors(t *testing.T) {
	p := zoo(t, "lstm")
	cases := []struct {
		text string
		cap  place.Capacity
		want string
	}{
		{"nokernel.w=ram", zynq7020, `--place nokernel.w=ram: place: program forward_kernel: no kernel "nokernel" (it has lstm_layer_Transpose, lstm_layer_LSTM,`},
		{"dense_layer_Gemm.nobuf=ram", zynq7020, `kernel dense_layer_Gemm has no buffer "nobuf" (it has Gather_1_output_0, dense_layer_weight,`},
		{"nobuf=ram", zynq7020, `no buffer "nobuf" in the top forward_kernel (it has x, y,`},
		{"h=ram", zynq7020, `a kernel's buffer is KERNEL.BUFFER: lstm_layer_LSTM.h`},
		{"dense_layer_Gemm.Gather_1_output_0=ram", zynq7020, "Gather_1_output_0 is a parameter of kernel dense_layer_Gemm: it lives where the top buffer passed to it does (Gather_1_output_0); override that one by its name"},
		{"lstm_layer_LSTM.h=rom", zynq7020, "rom holds constants; h is temp"},
		{"lstm_layer_LSTM.h=uram", zynq7020, "the device has no UltraRAM (140 BRAM36 + 0 URAM"},
		{"dense_layer_Gemm.dense_layer_weight=uram", u280, "dense_layer_weight is a constant and an UltraRAM cannot be initialised"},
		{"lstm_layer_LSTM.h=bram", place.Capacity{SRAMBits: 1 << 20}, "the device has no block RAM"},
		{"y=reg", zynq7020, "y is a buffer of the top, passed to kernels: it lives in memory"},
		{"dense_layer_Gemm.dense_layer_bias=rom,/dense_layer/Gemm.dense_layer_bias=offchip", zynq7020,
			"/dense_layer/Gemm.dense_layer_bias=offchip: place: the buffer is already placed by --place dense_layer_Gemm.dense_layer_bias=rom"},
		{"lstm_layer_LSTM.h=reg", place.Capacity{BRAM36: 140, RegisterBits: 1000}, "kernel lstm_layer_LSTM buffer h (f32[64], 2048 bits = 1 BRAM36 or 1 URAM) does not fit in reg: 1000 of the device's 1000 register bits are left; needed by --place lstm_layer_LSTM.h=reg"},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			ov, err := place.ParseOverrides(c.text, "--place")
			require.NoError(t, err)
			_, _, err = place.Apply(p, place.Options{Capacity: c.cap, Overrides: ov})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	// Two bad overrides: both reported.
	ov, err := place.ParseOverrides("nokernel.w=ram,nobuf=ram", "--place")
	require.NoError(t, err)
	_, _, err = place.Apply(p, place.Options{Capacity: zynq7020, Overrides: ov})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nokernel")
	assert.Contains(t, err.Error(), "nobuf")
}
