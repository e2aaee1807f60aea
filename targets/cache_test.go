package targets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// planOf is k's plan on d (the cache's own).
func planOf(t *testing.T, d Device, k OpKey) *plan {
	t.Helper()
	p, err := cacheOf(d).plan(k)
	require.NoError(t, err)
	return p
}

// TestKeptClocksBounded: 10,000 clocks asked of a soft-float unit, a cell
// and fma leave keptClocks answers per key, and every clock asked again
// (its answer long evicted) gives the same answer as the first time.
func TestKeptClocksBounded(t *testing.T) {
	d, err := Lookup("xc7vx690t-3ffg1930-VVD")
	require.NoError(t, err)
	// 1 to 11 ns: below the soft-float points (2.5 and 10 ns), between and
	// above; the 32-bit multiplier's variants and its combinational unit
	// spread over 2 periods.
	for _, k := range []OpKey{{"exp", "float", 32}, {"mul", "int", 32}, {"fma", "float", 16}} {
		t.Run(k.String(), func(t *testing.T) {
			first := make([]OpCost, 10000)
			for i := range first {
				first[i], err = d.OpCost(k, 1+float64(i)*1e-3)
				require.NoError(t, err)
			}
			p := planOf(t, d, k)
			assert.Equal(t, keptClocks, p.nkept)
			assert.LessOrEqual(t, len(p.texts), maxTexts)
			for i := len(first) - 1; i >= 0; i-- {
				got, err := d.OpCost(k, 1+float64(i)*1e-3)
				require.NoError(t, err)
				if !assert.Equal(t, first[i], got, "%g ns", 1+float64(i)*1e-3) {
					break
				}
			}
			assert.Equal(t, keptClocks, p.nkept)
		})
	}
}

// TestTextsBounded: below 5 ns the 32-bit multiplier of xc7vx690t is its
// combinational unit (4.987 ns, fu_library.csv) over ceil(4.987/T)
// cycles, a text per cycle count: more than maxTexts of them keep at most
// maxTexts, and every answer names its own count and clock.
func TestTextsBounded(t *testing.T) {
	d, err := Lookup("xc7vx690t-3ffg1930-VVD")
	require.NoError(t, err)
	k := OpKey{"mul", "int", 32}
	counts := map[int]bool{}
	for i := range 2000 {
		clock := 0.02 + float64(i)*1e-3
		c, err := d.OpCost(k, clock)
		require.NoError(t, err)
		n := int(math.Ceil(4.987 / clock))
		if c.Cycles != n || !strings.Contains(c.Source, fmt.Sprintf("over %d cycles of %g ns, not pipelined", n, clock)) {
			assert.Fail(t, "wrong answer", "%g ns: %d cycles (want %d): %s", clock, c.Cycles, n, c.Source)
			break
		}
		counts[n] = true
	}
	assert.Greater(t, len(counts), 2*maxTexts)
	assert.LessOrEqual(t, len(planOf(t, d, k).texts), maxTexts)
}

// TestClockText: a clock in a Source is written as %g writes it, for
// clocks of every magnitude (below and above the characterised ones).
func TestClockText(t *testing.T) {
	d, err := Lookup("nangate45")
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(32, 7))
	for range 2000 {
		clock := math.Exp(rng.Float64()*20 - 8) // e^-8 to e^12 ns
		c, err := d.OpCost(OpKey{"add", "float", 32}, clock)
		require.NoError(t, err)
		if clock >= 1.525-1e-9 && clock <= 6.101+1e-9 {
			continue // characterised or interpolated: no clock in the text
		}
		want := fmt.Sprintf("spread over %g ns periods", clock)
		if clock > 6.101 {
			want = fmt.Sprintf("kept for the longer period %g ns", clock)
		}
		if !assert.Contains(t, c.Source, want) {
			break
		}
	}
}

// TestDevicesBounded: devices edited by their caller (here: each its own
// energy scale) answer by their own data, at most maxDevices caches are
// kept, and the device of devices.json still answers by its own.
func TestDevicesBounded(t *testing.T) {
	d, err := Lookup("xc7vx690t-3ffg1930-VVD")
	require.NoError(t, err)
	k := OpKey{"add", "int", 32} // Horowitz: 0.1 pJ (energy.go), LUTs only: the logic scale
	base, err := d.OpCost(k, 10)
	require.NoError(t, err)
	assert.InDelta(t, 0.1*d.Energy.Logic, base.EnergyPJ, 1e-12)
	for i := range 3 * maxDevices {
		e := *d.Energy
		e.Logic = float64(i + 1)
		edited := d
		edited.Energy = &e
		c, err := edited.OpCost(k, 10)
		require.NoError(t, err)
		assert.InDelta(t, 0.1*float64(i+1), c.EnergyPJ, 1e-12, "scale %d", i+1)
		assert.Contains(t, c.Source, fmt.Sprintf("× %d (devices.json energy)", i+1))
		got, err := d.OpCost(k, 10)
		require.NoError(t, err)
		assert.Equal(t, base, got)
	}
	caches.mu.Lock()
	n := len(caches.m)
	caches.mu.Unlock()
	assert.LessOrEqual(t, n, maxDevices)
}

// TestIncompleteDevice: a device value without the data OpCost needs is
// an error naming it, not a panic.
func TestIncompleteDevice(t *testing.T) {
	ng, err := Lookup("nangate45")
	require.NoError(t, err)
	noEnergy, noArea := ng, ng
	noEnergy.Name, noEnergy.Energy = "ng-no-energy", nil
	noArea.Name, noArea.ASICArea = "ng-no-area", nil
	_, err = noEnergy.OpCost(OpKey{"add", "int", 32}, 5)
	assert.EqualError(t, err, "targets: ng-no-energy has no energy scale (devices.json energy)")
	_, err = noArea.OpCost(OpKey{"add", "int", 32}, 5)
	assert.EqualError(t, err, "targets: ng-no-area is an ASIC without an area scale (devices.json asic_area)")
}

// TestConcurrentAnswers: goroutines asking the same keys at the same
// clocks in different orders get what one goroutine gets (run with
// -race to check the locking).
func TestConcurrentAnswers(t *testing.T) {
	ds := All()
	keys := []OpKey{{"add", "int", 32}, {"mul", "float", 32}, {"exp", "float", 16}, {"fma", "float", 32}, {"load", "float", 32}}
	clocks := []float64{2.5, 3.1, 5, 7.3, 10, 10.5, 12.25, 20, 4.2, 6.6, 9.9}
	type ask struct {
		d     Device
		k     OpKey
		clock float64
	}
	var asks []ask
	for _, d := range ds {
		for _, k := range keys {
			for _, c := range clocks {
				asks = append(asks, ask{d, k, c})
			}
		}
	}
	want := make([]OpCost, len(asks))
	for i, a := range asks {
		want[i], _ = a.d.OpCost(a.k, a.clock)
	}
	var wg sync.WaitGroup
	wrong := make([]int, 4)
	for g := range wrong {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range 3 {
				for _, i := range rng.Perm(len(asks)) {
					a := asks[i]
					if got, _ := a.d.OpCost(a.k, a.clock); got != want[i] {
						wrong[g]++
					}
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, []int{0, 0, 0, 0}, wrong)
	assert.True(t, slices.ContainsFunc(want, func(c OpCost) bool { return c.Cycles > 0 }))
}

// newClocks counts the clocks BenchmarkOpCostNewClock has asked (they go
// on from run to run with -count).
var newClocks int

// BenchmarkOpCostNewClock: the simulator's keys asked at a clock never
// asked before (every answer computed, its text from the kept ones).
func BenchmarkOpCostNewClock(b *testing.B) {
	d, err := Lookup("xc7vx690t-3ffg1930-VVD")
	if err != nil {
		b.Fatal(err)
	}
	keys := []OpKey{{"add", "int", 32}, {"mul", "float", 32}, {"exp", "float", 32}, {"load", "float", 32}}
	b.ReportAllocs()
	for b.Loop() {
		newClocks++
		clock := 10 + float64(newClocks)*1e-7
		for _, k := range keys {
			if _, err := d.OpCost(k, clock); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestTablesRefuseClockMark: a source with the NUL that stands for the
// clock in kept texts (clockMark) is refused when the tables are read.
func TestTablesRefuseClockMark(t *testing.T) {
	cell := `{"devices":[{"device":"x","ops":[{"op":"add","type":"int","bits":32,"variants":[{"delay_ns":1,"source":"a\u0000b"}]}],"soft":[]}]}`
	_, err := parseTables([]byte(cell))
	assert.ErrorContains(t, err, "x: add int32 has no unit or one without a source (or with a NUL in it)")
	pt := `{"devices":[{"device":"x","ops":[],"soft":[{"op":"exp","bits":32,"points":[{"clock_ns":10,"source":"\u0000"}]}]}]}`
	_, err = parseTables([]byte(pt))
	assert.ErrorContains(t, err, "x: float exp32 has no point or one without a source (or with a NUL in it) or clock")
	_, err = parseTables([]byte(strings.ReplaceAll(cell, `\u0000`, "")))
	assert.NoError(t, err)
}
