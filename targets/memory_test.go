package targets

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMemoryEveryDevice checks that every device kiln ships describes its
// memory, each figure with a source, and that the ASIC libraries' DRAM
// says it is an assumption.
func TestMemoryEveryDevice(t *testing.T) {
	for _, d := range All() {
		t.Run(d.Name, func(t *testing.T) {
			require.NotNil(t, d.Memory, "no memory section")
			require.NotEmpty(t, d.Memory.OffChip)
			for _, m := range d.Memory.OffChip {
				require.NoError(t, m.Check())
				for _, s := range []string{m.Source, m.LatencySource, m.BurstSource, m.AccessSource} {
					assert.GreaterOrEqual(t, len(s), 40, "%s: a source too short to name a document: %q", m.Name, s)
				}
				if d.Kind == ASIC {
					assert.True(t, strings.HasPrefix(m.Source, "assumption"), m.Source)
					assert.True(t, strings.HasPrefix(m.LatencySource, "assumption"), m.LatencySource)
				}
			}
			if d.Kind == ASIC {
				assert.Nil(t, d.Memory.OnChip)
				return
			}
			o := d.Memory.OnChip
			require.NotNil(t, o)
			assert.Equal(t, d.Resources.BRAM36, o.BRAM.Count)
			assert.NotEmpty(t, o.BRAM.Source)
			assert.NotEmpty(t, o.LUTRAMSource)
			assert.Equal(t, d.Resources.URAM > 0, o.URAM != nil)
		})
	}
}

// TestOffChipCost checks the conversions at 5 and 10 ns against values
// worked by hand from devices.json's figures: latency ns / clock rounded
// up; a channel carries min(its GB/s x clock, port bits / 8) bytes a
// cycle, the memory min(peak GB/s x clock, channels x that).
func TestOffChipCost(t *testing.T) {
	type want struct {
		lat                  int
		bytes, channel       float64
		burst, access, chans int
	}
	for _, c := range []struct {
		device string
		mem    int // index in Memory.OffChip
		clock  float64
		want   want
	}{
		// ZedBoard DDR3, 206.7 ns, 4.264 GB/s, 4 HP ports of 8 B.
		{"xc7z020-1clg484-VVD", 0, 10, want{21, 32, 8, 128, 32, 4}},       // 20.67 -> 21; min(42.64, 4 x 8)
		{"xc7z020-1clg484-VVD", 0, 5, want{42, 21.32, 8, 128, 32, 4}},     // 41.34 -> 42; min(21.32, 32)
		{"xc7vx690t-3ffg1930-VVD", 0, 10, want{21, 128, 64, 4096, 64, 2}}, // min(298.56, 2 x min(149.28, 64))
		{"xc7vx690t-3ffg1930-VVD", 0, 5, want{42, 128, 64, 4096, 64, 2}},  // min(149.28, 2 x min(74.64, 64))
		// HBM2, 137.8 ns, 460 GB/s, 32 ports of 32 B at 14.4 GB/s.
		{"xcu280-2Lfsvh2892-VVD", 0, 10, want{14, 1024, 32, 512, 32, 32}},  // 13.78 -> 14; min(4600, 32 x 32)
		{"xcu280-2Lfsvh2892-VVD", 0, 5, want{28, 1024, 32, 512, 32, 32}},   // 27.56 -> 28
		{"xcu280-2Lfsvh2892-VVD", 0, 1, want{138, 460, 14.4, 512, 32, 32}}, // 1 GHz: the memory, not the ports
		{"xcu280-2Lfsvh2892-VVD", 1, 10, want{21, 128, 64, 4096, 64, 2}},   // DDR4: min(384, 2 x min(192, 64))
		{"xcu280-2Lfsvh2892-VVD", 1, 5, want{42, 128, 64, 4096, 64, 2}},    // min(192, 2 x min(96, 64))
		{"xcu55c-2Lfsvh2892-VVD", 0, 5, want{28, 1024, 32, 512, 32, 32}},
		// DDR4-3200 assumption, 100 ns, 25.6 GB/s, no port limit.
		{"nangate45", 0, 10, want{10, 256, 256, 4096, 64, 1}}, // exactly 10 cycles
		{"asap7", 0, 5, want{20, 128, 128, 4096, 64, 1}},
	} {
		d, err := Lookup(c.device)
		require.NoError(t, err)
		m := d.Memory.OffChip[c.mem]
		got, err := m.Cost(c.clock)
		require.NoError(t, err)
		assert.Equal(t, c.want.lat, got.LatencyCycles, "%s %s at %g ns: latency", c.device, m.Name, c.clock)
		assert.InDelta(t, c.want.bytes, got.BytesPerCycle, 1e-9, "%s %s at %g ns: bytes/cycle", c.device, m.Name, c.clock)
		assert.InDelta(t, c.want.channel, got.ChannelBytesPerCycle, 1e-9, "%s %s at %g ns: channel", c.device, m.Name, c.clock)
		assert.Equal(t, c.want.burst, got.BurstBytes)
		assert.Equal(t, c.want.access, got.AccessBytes)
		assert.Equal(t, c.want.chans, got.Channels)
		assert.Contains(t, got.Source, m.LatencySource)
		if c.mem == 0 {
			viaDevice, err := d.OffChip(c.clock)
			require.NoError(t, err)
			assert.Equal(t, got, viaDevice)
		}
	}
}

func TestOnChipBits(t *testing.T) {
	for _, c := range []struct {
		device             string
		bram, uram, lutram int64
	}{
		{"xc7z020-1clg484-VVD", 140 * 36864, 0, 0},
		{"xc7vx690t-3ffg1930-VVD", 1470 * 36864, 0, 10888 * 1024},
		{"xcu280-2Lfsvh2892-VVD", 2016 * 36864, 960 * 288 * 1024, 36 << 20},
		{"nangate45", 0, 0, 0},
	} {
		d, err := Lookup(c.device)
		require.NoError(t, err)
		bram, uram, lutram := d.OnChipBits()
		assert.Equal(t, []int64{c.bram, c.uram, c.lutram}, []int64{bram, uram, lutram}, c.device)
	}
	bram, uram, lutram := Device{Name: "bare"}.OnChipBits()
	assert.Zero(t, bram+uram+lutram)
}

func TestOffChipBadClock(t *testing.T) {
	d, err := Lookup("xcu280-2Lfsvh2892-VVD")
	require.NoError(t, err)
	for _, clock := range []float64{0, -5, math.NaN(), math.Inf(1)} {
		_, err := d.OffChip(clock)
		require.Error(t, err, "clock %g", clock)
		assert.Contains(t, err.Error(), "xcu280-2Lfsvh2892-VVD")
		assert.Contains(t, err.Error(), "clock period")
	}
	_, err = Device{Name: "bare"}.OffChip(10)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "device bare: no off-chip memory")
}

// TestWithOffChip configures an ASIC's DRAM: the new memory is costed,
// the old default (same name) replaced, the embedded device untouched.
func TestWithOffChip(t *testing.T) {
	d, err := Lookup("nangate45")
	require.NoError(t, err)
	m := d.Memory.OffChip[0]
	m.PeakGBs, m.ChannelPeakGBs, m.Channels, m.LatencyNS = 51.2, 25.6, 2, 80
	d2, err := d.WithOffChip(m)
	require.NoError(t, err)
	require.Len(t, d2.Memory.OffChip, 1)
	c, err := d2.OffChip(10)
	require.NoError(t, err)
	assert.Equal(t, 8, c.LatencyCycles)
	assert.InDelta(t, 512, c.BytesPerCycle, 1e-9)
	again, err := Lookup("nangate45")
	require.NoError(t, err)
	assert.InDelta(t, 25.6, again.Memory.OffChip[0].PeakGBs, 0)

	u, err := Lookup("xcu280-2Lfsvh2892-VVD")
	require.NoError(t, err)
	ddr, err := u.FindOffChip("ddr4")
	require.NoError(t, err)
	u2, err := u.WithOffChip(ddr) // DDR4 as the default
	require.NoError(t, err)
	_, err = u.FindOffChip("GDDR6")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `device xcu280-2Lfsvh2892-VVD: no off-chip memory "GDDR6" (it has HBM2, DDR4)`)
	_, err = Device{Name: "bare"}.FindOffChip("DDR4")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "device bare: no off-chip memory described")
	assert.Equal(t, []string{"DDR4", "HBM2"}, []string{u2.Memory.OffChip[0].Name, u2.Memory.OffChip[1].Name})
	assert.Equal(t, u.Memory.OnChip, u2.Memory.OnChip)

	m.LatencyNS, m.Kind = 0, "sram"
	_, err = d.WithOffChip(m)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "device nangate45")
	assert.Contains(t, err.Error(), "latency_ns 0")
	assert.Contains(t, err.Error(), `kind "sram"`)
}
