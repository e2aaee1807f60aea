package gridsim

import (
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const dataDir = "../../../../shared/data/ieee68"

func loadSystem(t *testing.T) *System {
	t.Helper()
	s, err := Load(dataDir)
	require.NoError(t, err)
	return s
}

// TestLoad checks the counts that ../shared/data/ieee68/README.md states.
func TestLoad(t *testing.T) {
	s := loadSystem(t)
	pairs, tapped := 0, 0
	for _, a := range s.Adj {
		pairs += len(a)
	}
	for _, l := range s.Lines {
		if _, ok := taps[[2]int{l.From, l.To}]; ok {
			tapped++
		}
	}
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"buses", len(s.Buses), 68},
		{"line rows, duplicates kept", len(s.Lines), 86},
		{"distinct bus pairs", pairs / 2, 83},
		{"transformer rows", tapped, 20},
		{"machines", len(s.Machines), 16},
		{"swing bus type", s.Buses[64].Type, 1},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, tc.got) })
	}
	for i, h := range s.Hops {
		assert.GreaterOrEqual(t, h, 0, "bus %d is not connected to a generator", i+1)
	}
}

// TestPowerFlow checks Y_bus against the solved load flow: at buses.csv's
// voltages the injected power V·conj(Y·V) must equal generation − load at
// every bus. The tolerance covers buses.csv's 6-decimal rounding: 1e-6 times
// |Y| entries up to about 700 pu (x = 0.0015, lines 41-66 and 42-67) is
// 7e-4 pu; the worst bus is at 2e-4.
func TestPowerFlow(t *testing.T) {
	s := loadSystem(t)
	y := ybus(s.Lines)
	v := make([]complex128, NumBuses)
	for i, b := range s.Buses {
		v[i] = cmplx.Rect(b.V, b.AngleDeg*math.Pi/180)
	}
	for i, b := range s.Buses {
		var cur complex128
		for j := range NumBuses {
			cur += y[i*NumBuses+j] * v[j]
		}
		got := v[i] * cmplx.Conj(cur)
		want := complex(b.PGen-b.PLoad, b.QGen-b.QLoad)
		assert.InDelta(t, real(want), real(got), 1e-3, "bus %d P", b.Num)
		assert.InDelta(t, imag(want), imag(got), 1e-3, "bus %d Q", b.Num)
	}
}

// TestInitialSolution: the network solved with the machines' E' behind x'_d
// and constant-admittance loads reproduces buses.csv (6 decimals).
func TestInitialSolution(t *testing.T) {
	s := loadSystem(t)
	mag, ang := s.InitialVoltages()
	for i, b := range s.Buses {
		assert.InDelta(t, b.V, mag[i], 5e-6, "bus %d |V|", b.Num)
		assert.InDelta(t, b.AngleDeg, ang[i], 5e-5, "bus %d angle", b.Num)
	}
}

func TestLoadErrors(t *testing.T) {
	good := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dataDir, name))
		require.NoError(t, err)
		return string(b)
	}
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"missing folder", "", "", "no such file"},
		{"bad header", "lines.csv", "a,b,c,d,e\n", `column 1 is "a", want "from"`},
		{"not a number", "lines.csv", "from,to,r_pu,x_pu,b_pu\n1,2,x,0.1,0\n", "column r_pu"},
		{"bus out of range", "lines.csv", "from,to,r_pu,x_pu,b_pu\n1,69,0,0.1,0\n", "bus 69 is not in 1..68"},
		{"short bus table", "buses.csv", "bus,type,v_pu,angle_deg,p_gen_pu,q_gen_pu,p_load_pu,q_load_pu\n1,3,1,0,0,0,0,0\n", "1 buses, want 68"},
		{"no machines", "generators.csv", "bus,H,D,machine,mva_base,ra_pu,xd_pu,xd_prime_pu,xq_pu,H_sys100\n", "no machines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ieee68")
			if tc.file != "" {
				require.NoError(t, os.Mkdir(dir, 0o755))
				for _, f := range []string{"lines.csv", "buses.csv", "generators.csv"} {
					c := good(f)
					if f == tc.file {
						c = tc.content
					}
					require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte(c), 0o644))
				}
			}
			_, err := Load(dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "gridsim: ")
		})
	}
}
