package targets

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pinnedAnswers is the SHA-256 of every answer pinKeys and pinClocks ask
// of every device (values, Source and error text), as the cost tables
// answered before their cache was rewritten (commit of this test).
const pinnedAnswers = "b6a7f5b20fb3067d592432368bbc8644b4445fdc91883152178bb014942ef416"

// pinOps are every operation name the tables know (cells, soft-float and
// libm units, the derived float operations and aliases) and a few they do
// not.
func pinOps(t testing.TB) []string {
	ts, err := loadTables()
	require.NoError(t, err)
	set := map[string]bool{"fma": true, "cast": true, "frob": true, "": true}
	for _, tb := range ts {
		for op := range tb.soft {
			set[op] = true
		}
	}
	for _, op := range intOps {
		set[op] = true
	}
	for op := range floatOther {
		set[op] = true
	}
	for op := range libmAlias {
		set[op] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// pinKeys: integer operations at the characterised widths, the widths
// either side of them and out of range; every float operation at every
// float width, between them and out of range; a few bad types.
func pinKeys(t testing.TB) []OpKey {
	var ks []OpKey
	for _, op := range pinOps(t) {
		for _, b := range []int{0, 8, 16, 17, 32, 33, 64, 65} {
			ks = append(ks, OpKey{op, "float", b})
		}
		if !slices.Contains(intOps, op) && op != "frob" && op != "exp" {
			continue
		}
		for _, typ := range []string{"int", "uint"} {
			for _, b := range []int{0, 1, 7, 8, 9, 16, 17, 31, 32, 33, 63, 64, 65} {
				ks = append(ks, OpKey{op, typ, b})
			}
		}
	}
	return append(ks, OpKey{"add", "complex", 32}, OpKey{"add", "", 32}, OpKey{"add", "Int", 32})
}

// pinClocks: the brief's clocks, every characterised soft-float clock of
// every device, those ± a little (inside and outside softAt's 1e-9 ns),
// midpoints between them, the stage and combinational delays of the
// 32-bit multipliers and loads (v.DelayNS ≤ clock is the test pick makes), odd ones and
// invalid ones.
func pinClocks(t testing.TB) []float64 {
	ts, err := loadTables()
	require.NoError(t, err)
	set := map[float64]bool{}
	for _, c := range []float64{0.1, 0.3, 0.5, 0.7, 1.1, 2, 2.5, 3.3, 4, 5, 6.7, 7.5, 10, 10.0000001, 10.5, 12.5, 20, 40, 1000} {
		set[c] = true
	}
	for _, tb := range ts {
		var pts []float64
		for _, s := range tb.Soft {
			for _, p := range s.Points {
				pts = append(pts, p.ClockNS)
			}
		}
		slices.Sort(pts)
		pts = slices.Compact(pts)
		for i, p := range pts {
			for _, c := range []float64{p, p + 4e-10, p - 2e-9} {
				set[c] = true
			}
			if i > 0 {
				set[(p+pts[i-1])/2] = true
			}
		}
		for _, e := range tb.Ops {
			if e.Bits == 32 && (e.Op == "mul" || e.Op == "load") {
				for _, v := range e.Variants {
					set[v.DelayNS] = true
				}
			}
		}
	}
	cs := slices.Sorted(maps.Keys(set))
	return append(cs, 0, -1, math.NaN(), math.Inf(1))
}

// pinDevices: every device of devices.json and one without tables.
func pinDevices() []Device {
	return append(All(), Device{Name: "gpu", Bambu: "none"})
}

// writeAnswer writes one answer to h in a fixed format: every field, the
// floats in their shortest exact form.
func writeAnswer(h hash.Hash, d Device, k OpKey, clock float64, c OpCost, err error) {
	e := ""
	if err != nil {
		e = err.Error()
	}
	fmt.Fprintf(h, "%s|%s|%q|%d|%v|%d|%d|%v|%d|%d|%d|%d|%v|%v|%q|%q\n", d.Name, k.Op, k.Type, k.Bits, clock,
		c.Cycles, c.II, c.DelayNS, c.LUT, c.FF, c.DSP, c.BRAM, c.AreaUM2, c.EnergyPJ, c.Source, e)
}

// TestPinnedAnswers: every device's answer to every key at every clock,
// asked twice (the second from the cache, or after eviction), is the
// same, and all of them hash to pinnedAnswers.
func TestPinnedAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("asks every key of every device at every clock (-short)")
	}
	keys, clocks := pinKeys(t), pinClocks(t)
	h := sha256.New()
	n, failed := 0, 0
	for _, d := range pinDevices() {
		for _, clock := range clocks {
			for _, k := range keys {
				c, err := d.OpCost(k, clock)
				c2, err2 := d.OpCost(k, clock)
				if !assert.Equal(t, c, c2, "%s %v @ %g", d.Name, k, clock) || !assert.Equal(t, err, err2) {
					if failed++; failed > 10 {
						t.FailNow()
					}
				}
				writeAnswer(h, d, k, clock, c, err)
				n++
			}
		}
	}
	t.Logf("%d answers (%d keys × %d clocks × %d devices)", n, len(keys), len(clocks), len(pinDevices()))
	assert.Equal(t, pinnedAnswers, hex.EncodeToString(h.Sum(nil)))
}

// TestLatencyParts: every float answer's Latency says how its Cycles
// follow from the points (a characterised clock's, spread below, kept
// above, interpolated between and rounded to the nearest; fma the sum of
// its two units), measured as a top function exactly when the point is
// softfloat_libm.csv's; a cell's has none.
func TestLatencyParts(t *testing.T) {
	clocks := pinClocks(t)
	n := 0
	for _, d := range All() {
		for _, clock := range clocks {
			for _, k := range pinKeys(t) {
				c, err := d.OpCost(k, clock)
				if err != nil {
					continue
				}
				l := c.Latency
				if k.Type != "float" || floatOther[k.Op] != "" {
					require.Zero(t, l.N, "%s %v @ %g", d.Name, k, clock)
					continue
				}
				want := 1
				if k.Op == "fma" {
					want = 2
				}
				require.Equal(t, want, l.N, "%s %v @ %g", d.Name, k, clock)
				sum := 0
				for _, p := range l.Parts[:l.N] {
					a, b := p.A, p.B
					switch p.How {
					case LatencyAt:
						require.InDelta(t, clock, a.ClockNS, 1e-9)
						sum += a.Cycles
					case LatencySpread:
						require.Less(t, clock, a.ClockNS)
						sum += int(math.Ceil(float64(a.Cycles) * a.ClockNS / clock))
					case LatencyKept:
						require.Greater(t, clock, a.ClockNS)
						sum += a.Cycles
					case LatencyBetween:
						require.True(t, a.ClockNS < clock && clock < b.ClockNS, "%s %v @ %g: between %g and %g", d.Name, k, clock, a.ClockNS, b.ClockNS)
						f := (1/clock - 1/a.ClockNS) / (1/b.ClockNS - 1/a.ClockNS)
						sum += int(math.Round(float64(a.Cycles) + f*float64(b.Cycles-a.Cycles)))
					}
				}
				require.Equal(t, c.Cycles, sum, "%s %v @ %g: %+v", d.Name, k, clock, l)
				n++
			}
		}
	}
	t.Logf("%d float answers", n)
	ts, err := loadTables()
	require.NoError(t, err)
	for _, tb := range ts {
		for _, s := range tb.Soft {
			for _, p := range s.Points {
				assert.Equal(t, strings.HasPrefix(p.Source, "softfloat_libm.csv"), p.Top, "%s %s: %s", tb.Device, s.Op, p.Source)
			}
		}
	}
	// Which measurement: a csv point on the Virtex-7, the tutorial log's
	// on nangate45 at its clock.
	v7, err := Lookup("xc7vx690t-3ffg1930-VVD")
	require.NoError(t, err)
	c, err := v7.OpCost(OpKey{"mul", "float", 32}, 10)
	require.NoError(t, err)
	assert.Equal(t, Latency{N: 1, Parts: [2]LatencyPart{{A: LatencyPoint{Cycles: 3, ClockNS: 10, TopFunction: true}}}}, c.Latency)
	ng, err := Lookup("nangate45")
	require.NoError(t, err)
	c, err = ng.OpCost(OpKey{"mul", "float", 32}, 5)
	require.NoError(t, err)
	assert.Equal(t, LatencyAt, c.Latency.Parts[0].How)
	assert.False(t, c.Latency.Parts[0].A.TopFunction)
}
