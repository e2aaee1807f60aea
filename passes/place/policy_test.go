package place_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/place"
)

// TestOffChipWeights: constants over WeightBits (default one RAMB36,
// 36,864 bits) go off chip even where they would fit; smaller ones stay.
func TestOffChipWeights(t *testing.T) {
	p := zoo(t, "lstm")
	cases := []struct {
		weightBits int64
		off, on    []string
	}{
		{0, []string{"lstm_layer_LSTM.onnx__LSTM_111", "lstm_layer_LSTM.onnx__LSTM_112", "dense_layer_Gemm.dense_layer_weight", "dense_layer_Gemm.dense_layer_bias"},
			[]string{"lstm_layer_LSTM.onnx__LSTM_113"}},
		{1 << 20, []string{"lstm_layer_LSTM.onnx__LSTM_111", "dense_layer_Gemm.dense_layer_weight"},
			[]string{"lstm_layer_LSTM.onnx__LSTM_112", "lstm_layer_LSTM.onnx__LSTM_113", "dense_layer_Gemm.dense_layer_bias"}},
	}
	for _, c := range cases {
		q, r, err := place.Apply(p, place.Options{Capacity: u280, Policy: place.OffChipWeights, WeightBits: c.weightBits})
		require.NoError(t, err)
		s := spaces(q)
		for _, n := range c.off {
			assert.Equal(t, loop.OffChip, s[n], "%s at %d", n, c.weightBits)
			k, b, _ := cut(n)
			bp, _ := r.Buffer(k, b)
			assert.Equal(t, place.LargeWeight, bp.Why, n)
		}
		for _, n := range c.on {
			assert.Equal(t, loop.ROM, s[n], "%s at %d", n, c.weightBits)
		}
	}
}

const tinySrc = `kernel tiny(in x: f32[4], out y: f32[4]) {
  temp a: f32[2]
  temp b: f32[3]
  temp s: f32
  const w: f32[2] = {0.5, 2.0}
  for i in 0..4 {
    a[0] = x[i] * w[0]
    a[1] = x[i] * w[1]
    b[0] = a[0]
    b[1] = a[1]
    b[2] = a[0] + a[1]
    s = b[0] + b[1] + b[2]
    y[i] = s
  }
}`

// TestRegisters: scalars and arrays of at most RegisterBits (default 64)
// go in registers while the register bits last; then arrays take LUT RAM
// (up to DistRAMBits, default 256) — and scalars that do not fit are an
// error.
func TestRegisters(t *testing.T) {
	p := oneKernel(t, tinySrc)
	cases := []struct {
		name    string
		opt     place.Options
		a, w, b loop.Space
		bMem    place.Memory
	}{
		{"default", place.Options{Capacity: zynq7020}, loop.Register, loop.Register, loop.RAM, place.LUTRAM},
		{"wide threshold", place.Options{Capacity: zynq7020, RegisterBits: 96}, loop.Register, loop.Register, loop.Register, place.Flops},
		{"scalars only", place.Options{Capacity: zynq7020, RegisterBits: -1}, loop.RAM, loop.ROM, loop.RAM, place.LUTRAM},
		// 32 bits of registers: the scalar, then nothing; w (more reuse than a) would be next.
		{"registers full", place.Options{Capacity: place.Capacity{BRAM36: 1, RegisterBits: 32}}, loop.RAM, loop.ROM, loop.RAM, place.LUTRAM},
		{"no LUT RAM", place.Options{Capacity: zynq7020, DistRAMBits: -1}, loop.Register, loop.Register, loop.RAM, place.BRAM},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, r, err := place.Apply(p, c.opt)
			require.NoError(t, err)
			s := spaces(q)
			assert.Equal(t, loop.Register, s["tiny.s"])
			assert.Equal(t, c.a, s["tiny.a"])
			assert.Equal(t, c.w, s["tiny.w"])
			assert.Equal(t, c.b, s["tiny.b"])
			b, _ := r.Buffer("tiny", "b")
			assert.Equal(t, c.bMem, b.Memory)
		})
	}
	_, _, err := place.Apply(p, place.Options{Capacity: place.Capacity{BRAM36: 1, RegisterBits: 16}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "kernel tiny buffer s (f32, 32 bits")
	assert.Contains(t, err.Error(), "16 of the device's 16 register bits are left; needed by scalar")
}

// TestSRAM: an ASIC's on-chip memory is counted in bits: what fits stays,
// the rest goes off chip; no blocks are reported.
func TestSRAM(t *testing.T) {
	p := zoo(t, "cnn")
	// 3,342,336 bits of conv weights plus the small buffers fit in 4 Mb;
	// the dense weight (33,423,360 bits) does not.
	q, r, err := place.Apply(p, place.Options{Capacity: place.Capacity{SRAMBits: 4 << 20}})
	require.NoError(t, err)
	s := spaces(q)
	assert.Equal(t, loop.ROM, s["conv_layer_Conv.conv_layer_weight"])
	assert.Equal(t, loop.OffChip, s["dense_layer_Gemm.dense_layer_weight"])
	assert.Zero(t, r.BRAM36())
	w, _ := r.Buffer("conv_layer_Conv", "conv_layer_weight")
	assert.Equal(t, place.SRAM, w.Memory)
	assert.LessOrEqual(t, r.Space(loop.RAM).Bits+r.Space(loop.ROM).Bits, int64(4<<20))
	// No on-chip memory at all: everything but registers off chip.
	q, _, err = place.Apply(p, place.Options{})
	require.NoError(t, err)
	assert.Equal(t, loop.OffChip, spaces(q)["conv_layer_Conv.conv_layer_weight"])
}

// TestBadOptions: unusable options and inputs are errors, not panics.
func TestBadOptions(t *testing.T) {
	p := oneKernel(t, tinySrc)
	cases := []struct {
		opt  place.Options
		want string
	}{
		{place.Options{Policy: "everywhere"}, `place: policy "everywhere" (want auto, onchip or offchip-weights)`},
		{place.Options{Capacity: place.Capacity{BRAM36: -1}}, "place: capacity: BRAM36 is -1 (want ≥ 0)"},
		{place.Options{Capacity: place.Capacity{RegisterBits: -5, URAM: -2}}, "URAM is -2"},
		{place.Options{Capacity: place.Capacity{BRAM36: 4, SRAMBits: 8}}, "both blocks (BRAM36/URAM) and SRAMBits"},
		{place.Options{WeightBits: -1}, "place: WeightBits -1"},
	}
	for _, c := range cases {
		_, _, err := place.Apply(p, c.opt)
		require.Error(t, err)
		assert.Contains(t, err.Error(), c.want)
	}
	_, _, err := place.Apply(nil, place.Options{})
	assert.EqualError(t, err, "place: no program")
	bad := *p
	bad.Calls = []loop.KernelCall{{Kernel: 3}}
	_, _, err = place.Apply(&bad, place.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "place: program forward_kernel: the input does not verify")
	for _, s := range []string{"", "auto", "onchip", "offchip-weights"} {
		_, err := place.ParsePolicy(s)
		assert.NoError(t, err, s)
	}
}

// TestParamsFollowCalls: a kernel called twice, once with the model's
// input and once with a temporary, has its parameter off chip (the
// farther of the two); the temporary's accesses add both calls'.
func TestParamsFollowCalls(t *testing.T) {
	k, err := loop.Parse(`kernel copy(in a: f32[8], out b: f32[8]) {
  for i in 0..8 {
    b[i] = a[i]
  }
}`, nil)
	require.NoError(t, err)
	buf := func(name string, role loop.Role) *loop.Buffer {
		return &loop.Buffer{Name: name, Kind: k.Buffers[0].Kind, Shape: []int{8}, Role: role}
	}
	p := &loop.Program{Name: loop.TopName, Kernels: []*loop.Kernel{k},
		Buffers: []*loop.Buffer{buf("x", loop.Input), buf("y", loop.Output), buf("t", loop.Temp)},
		Params:  []loop.BufID{0, 1},
		Calls:   []loop.KernelCall{{Kernel: 0, Args: []loop.BufID{0, 2}}, {Kernel: 0, Args: []loop.BufID{2, 1}}}}
	q, r, err := place.Apply(p, place.Options{Capacity: zynq7020})
	require.NoError(t, err)
	s := spaces(q)
	assert.Equal(t, loop.RAM, s["t"])
	assert.Equal(t, loop.OffChip, s["copy.a"])
	assert.Equal(t, loop.OffChip, s["copy.b"])
	tb, _ := r.Buffer("", "t")
	assert.Equal(t, int64(16), tb.Accesses)
	assert.InDelta(t, 2.0, tb.Reuse, 1e-12)
	_, inReport := r.Buffer("copy", "a")
	assert.False(t, inReport, "a kernel's parameters are the top's buffers: not reported twice")
}
