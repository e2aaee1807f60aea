package sim

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// ddr is an external memory for the tests: 20 cycles to a random
// element, 8 bytes per cycle, 64-byte bursts, one channel.
func ddr() *OffChip {
	return &OffChip{LatencyCycles: 20, ChannelBytesPerCycle: 8, BurstBytes: 64, Channels: 1}
}

// offCosts is testCosts with min and max (combinational, 1 ns) for the
// clamped gathers' indices.
var offCosts = func() fixture {
	f := fixture{"min.int": {DelayNS: 1}, "max.int": {DelayNS: 1}}
	for k, c := range testCosts {
		f[k] = c
	}
	return f
}()

func offConfig(o *OffChip) Config {
	cfg := testConfig(2)
	cfg.Costs, cfg.OffChip = offCosts, o
	return cfg
}

// stream reads x in order: y[i] = x[i] + 1.
const stream = `kernel l(in x: f32[64]%s, out y: f32[64]) {
  for i in 0..64 {
    y[i] = x[i] + 1.0
  }
}`

// gather reads x at data-dependent places: y[i] = x[ix[i]] (clamped,
// which chains into the load's state).
const gather = `kernel g(in ix: i64[16]%s, in x: f32[1024]%s, out y: f32[16]) {
  for i in 0..16 {
    y[i] = x[min(max(ix[i], 0), 1023)]
  }
}`

func kir(t *testing.T, src string) *loop.Kernel {
	t.Helper()
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	require.NoError(t, loop.Verify(k))
	return k
}

// sprintf puts a into format's %s in order.
func sprintf(format string, a ...string) string {
	for _, s := range a {
		format = strings.Replace(format, "%s", s, 1)
	}
	return format
}

// TestOffChipKernels: cycles and bytes worked out by hand (testConfig:
// 10 ns, loads 2 states, fadd 4, stores combinational, a latch state per
// iteration, no call states).
func TestOffChipKernels(t *testing.T) {
	for _, c := range []struct {
		name   string
		src    string
		cfg    *OffChip
		cycles int64
		bytes  int64
		wait   int64
	}{
		// on chip: load 0–1, fadd 2–5, store 6: 7 states + latch, × 64.
		{"stream on chip", sprintf(stream, ""), ddr(), 512, 0, 0},
		// a stream costs what the on-chip load does per element, plus
		// one latency per 64-byte burst: 256 bytes, 4 bursts × 20.
		{"stream", sprintf(stream, " offchip"), ddr(), 512 + 80, 256, 0},
		// 128-byte bursts: 2 × 20.
		{"stream, long bursts", sprintf(stream, " offchip"), &OffChip{LatencyCycles: 20, ChannelBytesPerCycle: 8, BurstBytes: 128, Channels: 1}, 512 + 40, 256, 0},
		// a quarter byte per cycle: 256 bytes need 1024 cycles, 432 more
		// than the 592 of the schedule and the bursts.
		{"stream, bandwidth-bound", sprintf(stream, " offchip"), &OffChip{LatencyCycles: 20, ChannelBytesPerCycle: 0.25, BurstBytes: 64, Channels: 1}, 1024, 256, 432},
		// on chip: ix 0–1, x 2–3, store 4: 5 states + latch, × 16.
		{"gather on chip", sprintf(gather, "", ""), ddr(), 96, 0, 0},
		// x is random: its load 2–21, the store 22: 23 + latch, × 16;
		// 64 bytes.
		{"gather", sprintf(gather, "", " offchip"), ddr(), 16 * 24, 64, 0},
		// ix streams as well: 128 bytes in two bursts, 40 cycles more.
		{"gather, both off chip", sprintf(gather, " offchip", " offchip"), ddr(), 16*24 + 40, 192, 0},
		// a scatter: the random store waits for its write response:
		// loads 0–1, the store 2–21: 22 + latch, × 16.
		{"scatter", `kernel s(in ix: i64[16], in x: f32[16], out y: f32[1024] offchip) {
  for i in 0..16 {
    y[min(max(ix[i], 0), 1023)] = x[i]
  }
}`, ddr(), 16 * 23, 64, 0},
		// a column walk (stride 8) is random: load 0–19, fadd 20–23,
		// store 24: 25 + latch, × 8.
		{"strided", `kernel c(in x: f32[8,8] offchip, out y: f32[8]) {
  for i in 0..8 {
    y[i] = x[i,0] + 1.0
  }
}`, ddr(), 8 * 26, 32, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := kir(t, c.src)
			e, err := EstimateKernel(k, offConfig(c.cfg))
			require.NoError(t, err)
			assert.Equal(t, c.cycles, e.Cycles)
			assert.Equal(t, c.bytes, e.OffChipBytes)
			require.Len(t, e.Layers, 1)
			assert.Equal(t, c.bytes, e.Layers[0].OffChipBytes)
			assert.InDelta(t, float64(c.wait)/float64(c.cycles), e.BandwidthBoundShare, 1e-12)
			assert.InDelta(t, e.BandwidthBoundShare, e.Layers[0].BandwidthBoundShare, 1e-12)
		})
	}
}

// TestOffChipUnchangedOnChip: a kernel without off-chip buffers is
// estimated as it was, with an external memory configured or not, and
// its JSON has no off-chip fields.
func TestOffChipUnchangedOnChip(t *testing.T) {
	for _, src := range []string{sprintf(stream, ""), sprintf(gather, "", "")} {
		k := kir(t, src)
		cfg := testConfig(2)
		cfg.Costs = offCosts
		want, err := EstimateKernel(k, cfg)
		require.NoError(t, err)
		got, err := EstimateKernel(k, offConfig(ddr()))
		require.NoError(t, err)
		assert.Equal(t, want, got)
		b, err := json.Marshal(got.Figures(false))
		require.NoError(t, err)
		assert.NotContains(t, string(b), "offchip")
		assert.NotContains(t, string(b), "bandwidth_bound_share")
	}
	p := stgcn(t)
	for _, o2 := range []bool{false, true} {
		cfg := testConfig(2)
		cfg.LLVMUnroll = o2
		want, err := Estimate(p, cfg)
		require.NoError(t, err)
		cfg.OffChip = ddr()
		got, err := Estimate(p, cfg)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}

// TestOffChipUnrolled: a stream split over unrolled copies, or fully
// unrolled into the enclosing loop's block, moves the same bytes and pays
// one latency per burst of each run.
func TestOffChipUnrolled(t *testing.T) {
	for _, c := range []struct {
		name, src string
		stall     int64 // burst latencies in cycles
	}{
		// 64 elements × 4 bytes: 4 bursts of 64 bytes.
		{"unroll 2", `kernel u(in x: f32[64] offchip, out y: f32[64]) {
  for i in 0..64 unroll(2) {
    y[i] = x[i] + 1.0
  }
}`, 4 * 20},
		// 4 runs of 16 elements (64 bytes): a burst each.
		{"inner loop unrolled", `kernel u(in x: f32[4,16] offchip, out y: f32[4,16]) {
  for i in 0..4 {
    for j in 0..16 unroll(full) {
      y[i,j] = x[i,j] + 1.0
    }
  }
}`, 4 * 20},
		// 16 runs of 4 elements (16 bytes): still a burst each.
		{"short runs", `kernel u(in x: f32[16,4] offchip, out y: f32[16,4]) {
  for i in 0..16 {
    for j in 0..4 unroll(full) {
      y[i,j] = x[i,j] + 1.0
    }
  }
}`, 16 * 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			on := kir(t, strings.Replace(c.src, " offchip", "", 1))
			off := kir(t, c.src)
			// x behind an interface of its own on chip too (as its
			// channel is off chip), so that the schedules are the same
			cfg := offConfig(nil)
			cfg.Interface = ArrayInterface
			want, err := EstimateKernel(on, cfg)
			require.NoError(t, err)
			cfg.OffChip = ddr()
			got, err := EstimateKernel(off, cfg)
			require.NoError(t, err)
			assert.Equal(t, want.Cycles+c.stall, got.Cycles)
			assert.Equal(t, int64(256), got.OffChipBytes)
		})
	}
}

// TestOffChipProgram: an intermediate placed off chip is written by one
// kernel and read by the next, streamed both times; it takes no block
// RAM; the layers' bytes and waits add up to the design's.
func TestOffChipProgram(t *testing.T) {
	prog := func(space loop.Space) *loop.Program {
		k1 := kir(t, sprintf(`kernel a(in x: f32[64], out y: f32[64]%s) {
  for i in 0..64 {
    y[i] = x[i] + 1.0
  }
}`, map[loop.Space]string{loop.OffChip: " offchip"}[space]))
		k2 := kir(t, sprintf(stream, map[loop.Space]string{loop.OffChip: " offchip"}[space]))
		buf := func(name string, r loop.Role) *loop.Buffer {
			return &loop.Buffer{Name: name, Kind: dtype.F32, Shape: []int{64}, Role: r}
		}
		return &loop.Program{Name: "p", Buffers: []*loop.Buffer{buf("in", loop.Input), buf("t", loop.Temp), buf("out", loop.Output)},
			Params: []loop.BufID{0, 2}, Kernels: []*loop.Kernel{k1, k2},
			Calls: []loop.KernelCall{{Kernel: 0, Args: []loop.BufID{0, 1}}, {Kernel: 1, Args: []loop.BufID{1, 2}}}}
	}
	on, err := Estimate(prog(loop.SpaceAuto), offConfig(ddr()))
	require.NoError(t, err)
	assert.Equal(t, int64(2*512), on.Cycles)
	assert.Equal(t, 1, on.Resources.BRAM, "t: 64 × 32 bits in a block RAM")

	off, err := Estimate(prog(loop.OffChip), offConfig(ddr()))
	require.NoError(t, err)
	assert.Equal(t, int64(2*(512+80)), off.Cycles)
	assert.Contains(t, off.Notes, offchipNote)
	assert.NotContains(t, on.Notes, offchipNote)
	assert.Equal(t, 0, off.Resources.BRAM, "t is off chip")
	assert.Equal(t, int64(512), off.OffChipBytes)
	for _, l := range off.Layers {
		assert.Equal(t, int64(256), l.OffChipBytes, l.Kernel)
		assert.Zero(t, l.BandwidthBoundShare, l.Kernel)
	}
	assert.Zero(t, off.BandwidthBoundShare)

	slow := &OffChip{LatencyCycles: 20, ChannelBytesPerCycle: 0.25, BurstBytes: 64, Channels: 1}
	bound, err := Estimate(prog(loop.OffChip), offConfig(slow))
	require.NoError(t, err)
	assert.Equal(t, int64(2*1024), bound.Cycles)
	for _, l := range bound.Layers {
		assert.InDelta(t, 432.0/1024, l.BandwidthBoundShare, 1e-12, l.Kernel)
	}
	assert.InDelta(t, 864.0/2048, bound.BandwidthBoundShare, 1e-12)
	// an Estimator reused across memories answers as a fresh one does
	var x Estimator
	same := prog(loop.OffChip) // the same kernels each time: kept ones may answer
	for i, o := range []*OffChip{ddr(), slow, ddr(), ddr(), nil} {
		cfg := offConfig(o)
		if o == nil {
			_, err := x.Estimate(same, cfg)
			assert.ErrorContains(t, err, "buffer y is placed off chip")
			continue
		}
		got, err := x.Estimate(same, cfg)
		require.NoError(t, err)
		want, err := Estimate(same, cfg)
		require.NoError(t, err)
		assert.Equal(t, want, got)
		if i == 3 { // as the design before: both kernels, with their off-chip accesses, kept
			assert.Equal(t, 2, x.keep.hits, "kernels kept")
		}
	}

	f := bound.Figures(false)
	assert.Equal(t, bound.OffChipBytes, f.OffChipBytes)
	b, err := json.Marshal(f)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"offchip_bytes":512`)
	assert.Contains(t, string(b), `"bandwidth_bound_share":0.421875`)
}

// TestOffChipChannels: two streams on one channel share its bandwidth;
// on two channels each has its own (the bound halves).
func TestOffChipChannels(t *testing.T) {
	src := `kernel two(in a: f32[64] offchip, in b: f32[64] offchip, out y: f32[64]) {
  for i in 0..64 {
    y[i] = a[i] + b[i]
  }
}`
	k := kir(t, src)
	one := &OffChip{LatencyCycles: 20, ChannelBytesPerCycle: 0.25, BurstBytes: 64, Channels: 1}
	two := *one
	two.Channels = 2
	e1, err := EstimateKernel(k, offConfig(one))
	require.NoError(t, err)
	e2, err := EstimateKernel(k, offConfig(&two))
	require.NoError(t, err)
	assert.Equal(t, int64(512), e1.OffChipBytes)
	assert.Equal(t, int64(2048), e1.Cycles, "512 bytes at 0.25 per cycle")
	assert.Equal(t, int64(1024), e2.Cycles, "256 bytes per channel")
	capped := two
	capped.BytesPerCycle = 0.25 // the memory's peak: no more than one channel's
	e3, err := EstimateKernel(k, offConfig(&capped))
	require.NoError(t, err)
	assert.Equal(t, int64(2048), e3.Cycles, "512 bytes at the peak's 0.25 per cycle")
}

// TestOffChipAccessBytes: a random access moves a whole DRAM burst on the
// bus (AccessBytes), which the bandwidth bound counts; the bytes reported
// are the elements'.
func TestOffChipAccessBytes(t *testing.T) {
	k := kir(t, sprintf(gather, "", " offchip"))
	o := ddr()
	o.ChannelBytesPerCycle, o.AccessBytes = 1, 64
	e, err := EstimateKernel(k, offConfig(o))
	require.NoError(t, err)
	// 16 accesses × 64 bytes at 1 byte per cycle: 1024 cycles, 640 more
	// than the schedule's 384 (II 4 per access: within its block, as
	// only one access of x is in it).
	assert.Equal(t, int64(1024), e.Cycles)
	assert.Equal(t, int64(64), e.OffChipBytes)
	assert.InDelta(t, 640.0/1024, e.BandwidthBoundShare, 1e-12)
}

// TestOffChipShareRandom: for random memories, the share is in [0, 1),
// the cycles are no fewer than the bandwidth allows nor than on chip,
// and the bytes do not depend on the memory's speed.
func TestOffChipShareRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 28))
	kernels := []*loop.Kernel{kir(t, sprintf(stream, " offchip")), kir(t, sprintf(gather, " offchip", " offchip"))}
	want := []int64{256, 192}
	var on []int64 // the same kernels on chip
	for _, k := range []*loop.Kernel{kir(t, sprintf(stream, "")), kir(t, sprintf(gather, "", ""))} {
		e, err := EstimateKernel(k, offConfig(nil))
		require.NoError(t, err)
		on = append(on, e.Cycles)
	}
	for i := range 200 {
		o := &OffChip{LatencyCycles: rng.IntN(300), ChannelBytesPerCycle: 0.05 + rng.Float64()*64,
			BurstBytes: 1 + rng.IntN(4096), Channels: 1 + rng.IntN(4), AccessBytes: rng.IntN(3) * 32}
		if rng.IntN(2) == 0 { // a peak below the channels' sum
			o.BytesPerCycle = o.ChannelBytesPerCycle * (0.5 + rng.Float64()*float64(o.Channels))
		}
		for j, k := range kernels {
			e, err := EstimateKernel(k, offConfig(o))
			require.NoError(t, err)
			require.GreaterOrEqual(t, e.Cycles, on[j], "no faster than on chip")
			s := e.BandwidthBoundShare
			require.True(t, s >= 0 && s < 1, "case %d kernel %d: share %g with %+v", i, j, s, o)
			require.Equal(t, want[j], e.OffChipBytes)
			bw := o.ChannelBytesPerCycle * float64(min(o.Channels, j+1)) // the stream has one buffer, the gather two
			if o.BytesPerCycle > 0 {
				bw = min(bw, o.BytesPerCycle)
			}
			require.GreaterOrEqual(t, float64(e.Cycles), float64(want[j])/bw-1e-9, "no faster than the bandwidth")
		}
	}
}

// TestOffChipErrors: an off-chip buffer without an external memory, and
// bad memories, are errors naming what is wrong.
func TestOffChipErrors(t *testing.T) {
	k := kir(t, sprintf(stream, " offchip"))
	_, err := EstimateKernel(k, testConfig(2))
	assert.ErrorContains(t, err, "sim: kernel l: buffer x is placed off chip, but the device has no off-chip memory")
	for _, c := range []struct {
		o    OffChip
		want string
	}{
		{OffChip{LatencyCycles: -1, ChannelBytesPerCycle: 8, BurstBytes: 64, Channels: 1}, "off-chip latency -1 cycles"},
		{OffChip{LatencyCycles: 20, ChannelBytesPerCycle: 0, BurstBytes: 64, Channels: 1}, "off-chip channel bandwidth 0 bytes per cycle"},
		{OffChip{LatencyCycles: 20, ChannelBytesPerCycle: 8, BytesPerCycle: -1, BurstBytes: 64, Channels: 1}, "off-chip bandwidth -1 bytes per cycle"},
		{OffChip{LatencyCycles: 20, ChannelBytesPerCycle: 8, BurstBytes: 0, Channels: 1}, "off-chip burst of 0 bytes"},
		{OffChip{LatencyCycles: 20, ChannelBytesPerCycle: 8, BurstBytes: 64, Channels: 0}, "0 off-chip channels"},
		{OffChip{LatencyCycles: 20, ChannelBytesPerCycle: 8, BurstBytes: 64, Channels: 1, AccessBytes: -4}, "off-chip access of -4 bytes"},
	} {
		_, err := EstimateKernel(k, offConfig(&c.o))
		assert.ErrorContains(t, err, c.want)
		// checked even where no buffer is off chip
		_, err = EstimateKernel(kir(t, sprintf(stream, "")), offConfig(&c.o))
		assert.ErrorContains(t, err, c.want)
	}
}

// TestOffChipDense: a dense layer's 256 × 1024 weights streamed from off
// chip, a row per run of the inner loop: 1 MiB, 64 bursts of 64 bytes per
// row, so 256 × 64 × 20 cycles more than on chip (its schedule the same:
// x and w behind interfaces of their own either way); at a quarter byte
// per cycle the bandwidth bounds it instead.
func TestOffChipDense(t *testing.T) {
	src := `kernel fc(in x: f32[1024], in w: f32[256,1024]%s, out y: f32[256]) {
  temp acc: f32 reg
  for o in 0..256 {
    acc = 0.0
    for i in 0..1024 {
      acc = acc + w[o,i] * x[i]
    }
    y[o] = acc
  }
}`
	cfg := offConfig(nil)
	cfg.Interface = ArrayInterface
	on, err := EstimateKernel(kir(t, sprintf(src, "")), cfg)
	require.NoError(t, err)
	cfg.OffChip = ddr()
	off, err := EstimateKernel(kir(t, sprintf(src, " offchip")), cfg)
	require.NoError(t, err)
	assert.Equal(t, on.Cycles+256*64*20, off.Cycles)
	assert.Equal(t, int64(1<<20), off.OffChipBytes)
	assert.Zero(t, off.BandwidthBoundShare)

	cfg.OffChip.ChannelBytesPerCycle = 0.25
	slow, err := EstimateKernel(kir(t, sprintf(src, " offchip")), cfg)
	require.NoError(t, err)
	assert.Equal(t, int64(4<<20), slow.Cycles)
	assert.InDelta(t, 1-float64(off.Cycles)/float64(4<<20), slow.BandwidthBoundShare, 1e-12)
	t.Logf("on chip %d cycles, off chip %d, at 0.25 B/cycle %d (share %.3f)", on.Cycles, off.Cycles, slow.Cycles, slow.BandwidthBoundShare)
}

// TestOffChipFootprint: a kernel's scratch array takes block RAM on chip
// (64 × 64 × 32 bits: 4 RAMB36 of 1024 × 36) and none off chip.
func TestOffChipFootprint(t *testing.T) {
	src := `kernel s(in x: f32[64], out y: f32[64]) {
  temp w: f32[64,64]%s
  for o in 0..64 {
    for i in 0..64 {
      w[o,i] = x[i]
    }
  }
  for o in 0..64 {
    y[o] = w[o,o]
  }
}`
	on, err := EstimateKernel(kir(t, sprintf(src, "")), offConfig(ddr()))
	require.NoError(t, err)
	off, err := EstimateKernel(kir(t, sprintf(src, " offchip")), offConfig(ddr()))
	require.NoError(t, err)
	assert.Equal(t, 4, on.Resources.BRAM)
	assert.Equal(t, 0, off.Resources.BRAM)
	assert.Equal(t, int64(64*64*4+64*4), off.OffChipBytes, "the writes, then the diagonal")
}

// TestOffChipASICInterface: on an ASIC an off-chip buffer, like a
// pointer argument, is reached through a memory controller
// (MemoryInterfaceUM2), not an on-chip array cell; its storage is
// outside the design.
func TestOffChipASICInterface(t *testing.T) {
	src := `kernel s(in x: f32[64], out y: f32[64]) {
  temp w: f32[64]%s
  for i in 0..64 {
    w[i] = x[i]
  }
  for i in 0..64 {
    y[i] = w[63 - i]
  }
}`
	cfg := offConfig(ddr())
	costs := fixture{}
	for k, c := range offCosts {
		costs[k] = c
	}
	load := costs["load.float"]
	load.AreaUM2 = 500
	costs["load.float"] = load
	cfg.Costs, cfg.ASIC, cfg.MemoryInterfaceUM2 = costs, true, 70
	on, err := EstimateKernel(kir(t, sprintf(src, " ram")), cfg)
	require.NoError(t, err)
	off, err := EstimateKernel(kir(t, sprintf(src, " offchip")), cfg)
	require.NoError(t, err)
	// The shared interface of x and y (a controller) in both; w an array
	// cell on chip (sim counts no ASIC memory bits), a second controller
	// off chip.
	assert.InDelta(t, 70-500, off.Resources.AreaUM2-on.Resources.AreaUM2, 1e-9)
	// w's 64 × 32 bits on chip are counted apart from the area, and said so.
	assert.Equal(t, []int64{64 * 32, 0}, []int64{on.Resources.MemoryBits, off.Resources.MemoryBits})
	assert.Contains(t, strings.Join(on.Notes, "\n"), "not in the ASIC area")
	assert.NotContains(t, strings.Join(off.Notes, "\n"), "not in the ASIC area")
	cfg.ASIC = false // an FPGA's arrays are its block RAM and LUT RAM counts
	fpga, err := EstimateKernel(kir(t, sprintf(src, " ram")), cfg)
	require.NoError(t, err)
	assert.Zero(t, fpga.Resources.MemoryBits)
}

// TestOffChipInterleaved: an expanded unroll's copies of a stream
// (x[4*i], x[4*i+1], x[4*i+2], x[4*i+3]) read it in order: a latency
// per burst, as the plain stream; copies that leave a gap stay random
// accesses.
func TestOffChipInterleaved(t *testing.T) {
	cost := func(body string) int64 {
		t.Helper()
		k := kir(t, `kernel s(in x: f32[72] offchip, out y: f32[64]) {
  for i in 0..16 {
`+body+`
  }
}`)
		r, err := EstimateKernel(k, offConfig(ddr()))
		require.NoError(t, err)
		return r.Cycles
	}
	four := func(offsets ...int) string {
		var b strings.Builder
		for j, o := range offsets {
			fmt.Fprintf(&b, "    y[4*i + %d] = x[4*i + %d] + 1.0\n", j, o)
		}
		return b.String()
	}
	inOrder := cost(four(0, 1, 2, 3))
	shuffled := cost(four(2, 0, 3, 1))
	gap := cost(four(0, 1, 3, 5))
	assert.Equal(t, inOrder, shuffled, "the order of the copies within an iteration does not matter")
	assert.Greater(t, gap, inOrder+16*10, "a gap leaves the accesses random: a latency per iteration (the four overlap)")
	// On chip the same body costs the schedule alone; in order, the 256
	// bytes add 4 bursts' latency (4 × 20 cycles), as the plain stream's
	// 256 bytes do (TestOffChipKernels: 512 + 80 for y[i] = x[i] + 1).
	k := kir(t, `kernel s(in x: f32[64], out y: f32[64]) {
  for i in 0..16 {
`+four(0, 1, 2, 3)+`
  }
}`)
	on, err := EstimateKernel(k, offConfig(ddr()))
	require.NoError(t, err)
	t.Logf("on chip %d, in order %d, with a gap %d", on.Cycles, inOrder, gap)
	assert.LessOrEqual(t, inOrder-on.Cycles, int64(4*20), "at most a latency per burst")
}

// TestUltraRAMBlocks: an array placed in UltraRAM counts 288 Kb blocks of
// 4K × 72 bits (AMD UG573) instead of block RAMs, against the device's
// UltraRAMs: a part without them cannot hold it.
func TestUltraRAMBlocks(t *testing.T) {
	src := `kernel u(in x: f32[8192], out y: f32[8192]) {
  temp t: f32[8192] ram%s
  for i in 0..8192 {
    t[i] = x[i]
  }
  for i in 0..8192 {
    y[i] = t[i]
  }
}`
	cfg := testConfig(2)
	cfg.Capacity = &Capacity{LUT: 1 << 20, FF: 1 << 20, DSP: 1 << 10, BRAM36: 100, URAM: 1}
	inBRAM, err := EstimateKernel(kir(t, sprintf(src, "")), cfg)
	require.NoError(t, err)
	inURAM, err := EstimateKernel(kir(t, sprintf(src, " uram")), cfg)
	require.NoError(t, err)
	assert.Equal(t, inBRAM.Resources.BRAM-8, inURAM.Resources.BRAM, "8192 × 32 bits: 8 RAMB36 (1K × 36 each) no longer")
	assert.Equal(t, 0, inBRAM.Resources.URAM)
	assert.Equal(t, 2, inURAM.Resources.URAM, "8192 words: two 4K-deep UltraRAMs")
	assert.Equal(t, inBRAM.Cycles, inURAM.Cycles)
	assert.False(t, inURAM.Feasible)
	assert.Contains(t, inURAM.Infeasible, "URAM: the design needs 2, the device has 1")
	f := inURAM.Figures(false)
	require.NotNil(t, f.Resources.URAM)
	assert.Equal(t, 2, *f.Resources.URAM)
	assert.Nil(t, inBRAM.Figures(false).Resources.URAM, "no uram figure for a design without UltraRAM")
	cfg.Capacity.URAM = 0
	none, err := EstimateKernel(kir(t, sprintf(src, " uram")), cfg)
	require.NoError(t, err)
	assert.Contains(t, none.Infeasible, "URAM: the design needs 2, the device has 0")
}
