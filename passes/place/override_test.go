package place_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/place"
)

func TestParseOverrides(t *testing.T) {
	good := []struct {
		text string
		want []place.Override
	}{
		{"dense.w=offchip", []place.Override{{Kernel: "dense", Buffer: "w", Space: loop.OffChip}}},
		{" dense.w = offchip ", []place.Override{{Kernel: "dense", Buffer: "w", Space: loop.OffChip}}},
		{"y=ram, lstm.h=reg", []place.Override{{Buffer: "y", Space: loop.RAM}, {Kernel: "lstm", Buffer: "h", Space: loop.Register}}},
		{"/dense/Gemm.w=rom", []place.Override{{Kernel: "/dense/Gemm", Buffer: "w", Space: loop.ROM}}},
		{"a.b=bram,c=uram", []place.Override{{Kernel: "a", Buffer: "b", Space: loop.RAM, Memory: place.BRAM},
			{Buffer: "c", Space: loop.RAM, Memory: place.URAM}}},
	}
	for _, c := range good {
		t.Run(c.text, func(t *testing.T) {
			got, err := place.ParseOverrides(c.text, "")
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
	bad := []struct{ text, want string }{
		{"", `override "": want KERNEL.BUFFER=SPACE`},
		{"dense.w", `override "dense.w": want`},
		{"dense.w=", `want KERNEL.BUFFER=SPACE`},
		{"=ram", `want KERNEL.BUFFER=SPACE`},
		{" = ram", `want KERNEL.BUFFER=SPACE`},
		{"dense.w=dram", `space "dram" (want reg, ram, rom, offchip, bram or uram)`},
		{"dense.w=RAM", `space "RAM"`},
		{".w=ram", "empty kernel name"},
		{"dense.=ram", "empty buffer name"},
		{"dense.w.x=ram", `buffer name "w.x" has a '.'`},
		{"de nse.w=ram", "has a space"},
		{"a.b=ram,,c=rom", `override "": want`},
	}
	for _, c := range bad {
		t.Run("bad "+c.text, func(t *testing.T) {
			_, err := place.ParseOverrides(c.text, "--place")
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "--place: place: ")
		})
	}
}

// TestOverrideString: the canonical text parses back to the same override.
func TestOverrideString(t *testing.T) {
	for _, text := range []string{"dense.w=offchip", "y=ram", "k.t=reg", "k.c=rom", "k.t=bram", "y=uram"} {
		o, err := place.ParseOverrides(text, "")
		require.NoError(t, err)
		require.Len(t, o, 1)
		assert.Equal(t, text, o[0].String())
	}
}

// FuzzParseOverrides: any text parses or errors without panicking, and
// what parses prints back to text that parses to the same overrides.
func FuzzParseOverrides(f *testing.F) {
	for _, s := range []string{"dense.w=offchip", "y=ram, lstm.h=reg", "a.b=bram,c=uram", ".w=ram", "a.b.c=rom", "x=", "=", ",", "a\x00.b=ram"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ov, err := place.ParseOverrides(text, "")
		if err != nil {
			return
		}
		parts := make([]string, len(ov))
		for i, o := range ov {
			parts[i] = o.String()
		}
		again, err := place.ParseOverrides(strings.Join(parts, ","), "")
		require.NoError(t, err)
		assert.Equal(t, ov, again)
	})
}
