package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/sweep"
)

// sweepLines runs kiln sweep cnn on the space text (and more flags) and
// returns the space and its results' lines; out is what kiln printed.
func sweepLines(t *testing.T, text string, flags ...string) (*sweep.Space, []sweep.Line, string) {
	t.Helper()
	space := filepath.Join(t.TempDir(), "space.yaml")
	require.NoError(t, os.WriteFile(space, []byte(text), 0o644))
	sp, err := sweep.ParseSpace(space, []byte(text))
	require.NoError(t, err)
	dir := t.TempDir()
	out, err := run(append([]string{"sweep", "cnn", "--space", space, "-o", dir, "-j", "2"}, flags...)...)
	require.NoError(t, err, out)
	var lines []sweep.Line
	_, err = sweep.ReadResults(filepath.Join(dir, "results.jsonl"), func(l *sweep.Line) error {
		lines = append(lines, *l)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, lines, int(sp.Size()))
	return sp, lines, out
}

// simArgs is kiln sim's command line for design d of a CNN space with
// no clock knob (and more flags).
func simArgs(d sweep.Design, flags ...string) []string {
	dev, _ := d.Device()
	placement, ok := d.Placement()
	if !ok {
		placement = "auto"
	}
	clock := "10" // a sweep's default clock: 10 ns on an FPGA, 5 on an ASIC
	if dev == "nangate45" || dev == "asap7" {
		clock = "5"
	}
	args := append([]string{"sim", "cnn", "-t", dev, "--clock", clock, "--placement", placement, "--json"}, flags...)
	for _, s := range d.Plan() {
		args = append(args, "--"+s.Op.String(), s.Spec.String())
	}
	ovs, _ := d.Overrides()
	for _, o := range ovs {
		args = append(args, "--place", o.String())
	}
	return args
}

// sameAsSim checks a results line's figures against kiln sim --json's
// output (every figure the line has but its batch and accuracy).
func sameAsSim(t *testing.T, l sweep.Line, simOut string) map[string]any {
	t.Helper()
	require.Empty(t, l.Error, l.Key)
	var got, want map[string]any
	require.NoError(t, json.Unmarshal(l.Figures, &got))
	require.NoError(t, json.Unmarshal([]byte(simOut), &want))
	for k, v := range got {
		if k == "batch" || k == "batch_latency_us" || k == "accuracy" {
			continue
		}
		assert.Equal(t, want[k], v, "design %s: %s", l.Key, k)
	}
	return got
}

// TestSweepPlacementMatchesSim: a sweep's figures for a design are kiln
// sim --json's for the same design, placement and --place overrides (the
// fp32 CNN on the xc7z020, whose weights do not all fit), and a placement
// kiln sim refuses (onchip) is the design's error in the results, not the
// end of the sweep.
func TestSweepPlacementMatchesSim(t *testing.T) {
	const text = "model: cnn\naccuracy_windows: 1\ndevice: [xc7z020-1clg484-VVD]\nplacement: [auto, onchip, offchip-weights, none]\n" +
		"place: [none, \"conv_layer_Conv.conv_layer_weight = offchip\"]\nunroll:\n  dense_layer_Gemm.k: [none, 4]\n"
	sp, lines, out := sweepLines(t, text)
	assert.Contains(t, out, "16 designs evaluated (6 refused by the tool chain)")
	offchip := map[string]float64{}
	for _, l := range lines {
		d := sp.Design(l.Index)
		placement, _ := d.Placement()
		ovs, _ := d.Overrides()
		simOut, simErr := run(simArgs(d)...)
		switch {
		case simErr != nil && placement == "none":
			assert.Contains(t, simErr.Error(), "needs a placement")
			assert.Contains(t, l.Error, "needs a placement (placement none places nothing)")
		case simErr != nil:
			assert.Equal(t, "onchip", placement)
			assert.Contains(t, l.Error, "does not fit")
			assert.Contains(t, l.Error, simErr.Error(), "design %s: place's message", l.Key)
		default:
			got := sameAsSim(t, l, simOut)
			if b, ok := got["offchip_bytes"].(float64); ok && len(ovs) == 0 {
				offchip[placement] = b
			}
		}
	}
	assert.Positive(t, offchip["auto"], "auto sends some of the CNN's weights off chip")
	assert.Greater(t, offchip["offchip-weights"], offchip["auto"])
	assert.Zero(t, offchip["none"])
}

// TestSweepOffChipMemory: --offchip-memory gives every device that memory
// as kiln sim's flag does (the U280's DDR4 instead of its HBM2: other
// figures, the same as kiln sim's); a device that does not list it
// refuses its designs with kiln sim's message; a .json memory (an ASIC's
// DRAM) works too.
func TestSweepOffChipMemory(t *testing.T) {
	const text = "model: cnn\naccuracy_windows: 1\ndevice: [xcu280-2Lfsvh2892-VVD, xc7z020-1clg484-VVD]\nplacement: offchip-weights\n"
	sp, lines, out := sweepLines(t, text, "--offchip-memory", "DDR4")
	assert.Contains(t, out, "2 designs evaluated (1 refused by the tool chain)")
	_, hbm, _ := sweepLines(t, text)
	for i, l := range lines {
		d := sp.Design(l.Index)
		simOut, simErr := run(simArgs(d, "--offchip-memory", "DDR4")...)
		if dev, _ := d.Device(); dev == "xc7z020-1clg484-VVD" {
			require.Error(t, simErr)
			assert.Contains(t, l.Error, simErr.Error())
			continue
		}
		require.NoError(t, simErr)
		got := sameAsSim(t, l, simOut)
		require.Equal(t, l.Index, hbm[i].Index)
		var other map[string]any
		require.NoError(t, json.Unmarshal(hbm[i].Figures, &other))
		assert.NotEqual(t, other["cycles"], got["cycles"], "DDR4 and HBM2 give the same cycles: the flag did nothing")
	}

	const asic = "model: cnn\naccuracy_windows: 1\ndevice: nangate45\nplacement: offchip-weights\n"
	sp, lines, _ = sweepLines(t, asic, "--offchip-memory", "../../examples/dram-hbm2-stack.json")
	simOut, err := run(simArgs(sp.Design(0), "--offchip-memory", "../../examples/dram-hbm2-stack.json")...)
	require.NoError(t, err)
	sameAsSim(t, lines[0], simOut)
}

// TestSweepCopy: a copy knob may name a loop only a tile knob makes
// (j.outer): the value passes the space's check, the designs without
// that tile are refused with the copy's error, and the others' figures
// are kiln sim's with the same --tile, --copy and --unroll flags. A copy
// of a loop no combination makes is refused at its line.
func TestSweepCopy(t *testing.T) {
	const text = "model: cnn\naccuracy_windows: 1\ndevice: [xc7z020-1clg484-VVD]\n" +
		"tile:\n  dense_layer_Gemm.j: [none, 16]\ncopy:\n  dense_layer_Gemm.dense_layer_weight: [none, j.outer]\n" +
		"unroll:\n  dense_layer_Gemm.k: [none, \"4:expand\"]\n"
	sp, lines, out := sweepLines(t, text)
	assert.Contains(t, out, "8 designs evaluated (2 refused by the tool chain)")
	copied := 0
	for _, l := range lines {
		d := sp.Design(l.Index)
		tile := d.Value(1).Text // the knobs: device, tile, copy, unroll
		cp := d.Value(2).Text
		if tile == "none" && cp != "none" {
			assert.Contains(t, l.Error, "copy dense_layer_Gemm.dense_layer_weight=j.outer: loops: copy: kernel dense_layer_Gemm: loop j.outer: no such loop", l.Key)
			continue
		}
		simOut, err := run(simArgs(d)...)
		require.NoError(t, err, l.Key)
		got := sameAsSim(t, l, simOut)
		if cp != "none" {
			copied++
			assert.Greater(t, got["resources"].(map[string]any)["bram"], 115.0, "%s: the tile's block RAM", l.Key)
		}
	}
	assert.Equal(t, 2, copied)

	bad := filepath.Join(t.TempDir(), "space.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("model: cnn\ntile:\n  dense_layer_Gemm.j: [none, 16]\ncopy:\n  dense_layer_Gemm.dense_layer_weight: [nosuch]\n"), 0o644))
	_, err := run("sweep", "cnn", "--space", bad, "-t", "xc7z020-1clg484-VVD", "-o", t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "space.yaml:5: sweep: knob copy:dense_layer_Gemm.dense_layer_weight: value nosuch: loops: copy: kernel dense_layer_Gemm: loop nosuch: no such loop (nor after any of the earlier knobs' values on dense_layer_Gemm)")

	// The tile knob may name the kernel by its ONNX node.
	byNode := filepath.Join(t.TempDir(), "space.yaml")
	require.NoError(t, os.WriteFile(byNode, []byte("model: cnn\naccuracy_windows: 1\ntile:\n  \"/dense_layer/Gemm.j\": [none, 16]\n"+
		"copy:\n  dense_layer_Gemm.dense_layer_weight: [none, j.outer]\n"), 0o644))
	out, err = run("sweep", "cnn", "--space", byNode, "-t", "xc7z020-1clg484-VVD", "-o", t.TempDir(), "-j", "2")
	require.NoError(t, err, out)
	assert.Contains(t, out, "4 designs evaluated (1 refused by the tool chain)")
}

// TestSomeContext: the combinations are tried in odometer order until
// one works, and at most maxContexts of them: past that the search says
// it did not try them all.
func TestSomeContext(t *testing.T) {
	knobs := func(text string) []*sweep.Knob {
		sp, err := sweep.ParseSpace("s.yaml", []byte(text))
		require.NoError(t, err)
		var ks []*sweep.Knob
		for i := range sp.Knobs {
			ks = append(ks, &sp.Knobs[i])
		}
		return ks
	}
	small := knobs("tile: {k.a: [none, 2, 4]}\nunroll: {k.b: [none, 2]}\n")
	var seen []string
	found, all := someContext(small, func(p loops.Plan) bool {
		seen = append(seen, strings.ReplaceAll(strings.TrimSuffix(p.String(), "\n"), "\n", "; "))
		return false
	})
	assert.Equal(t, []any{false, true}, []any{found, all})
	assert.Equal(t, []string{"", "unroll k.b=2", "tile k.a=2", "tile k.a=2; unroll k.b=2", "tile k.a=4", "tile k.a=4; unroll k.b=2"}, seen)
	found, _ = someContext(small, func(p loops.Plan) bool { return len(p) == 2 })
	assert.True(t, found)

	big := knobs("tile: {k.a: {from: 1, to: 100}}\nunroll: {k.b: {from: 1, to: 100}}\n") // 10,000
	n := 0
	found, all = someContext(big, func(loops.Plan) bool { n++; return false })
	assert.Equal(t, []any{false, false, maxContexts}, []any{found, all, n})
}

// TestSweepPlaceMadeBuffer: a place value may name a buffer only a loop
// knob makes (the copy's dense_layer_weight_tile): the designs with it
// are kiln sim's with the same flags, those without are refused with
// place's error, and a name no combination makes is refused at its line.
func TestSweepPlaceMadeBuffer(t *testing.T) {
	const knobs = "tile:\n  dense_layer_Gemm.j: [none, 16]\ncopy:\n  dense_layer_Gemm.dense_layer_weight: [none, j.outer]\n"
	const text = "model: cnn\naccuracy_windows: 1\ndevice: [xc7z020-1clg484-VVD]\n" +
		"place: [\"dense_layer_Gemm.dense_layer_weight_tile=bram\"]\n" + knobs
	sp, lines, _ := sweepLines(t, text)
	placed := 0
	for _, l := range lines {
		d := sp.Design(l.Index)
		switch {
		case d.Value(2).Text == "none" || d.Value(3).Text == "none": // the knobs: device, place, tile, copy
			assert.NotEmpty(t, l.Error, l.Key)
			if d.Value(2).Text != "none" {
				assert.Contains(t, l.Error, `place: kernel dense_layer_Gemm has no buffer "dense_layer_weight_tile"`, l.Key)
			}
		default:
			simOut, err := run(simArgs(d)...)
			require.NoError(t, err, l.Key)
			sameAsSim(t, l, simOut)
			placed++
		}
	}
	assert.Equal(t, 1, placed)

	bad := filepath.Join(t.TempDir(), "space.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("model: cnn\nplace: [\"dense_layer_Gemm.nosuch=bram\"]\n"+knobs), 0o644))
	_, err := run("sweep", "cnn", "--space", bad, "-t", "xc7z020-1clg484-VVD", "-o", t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `space.yaml:2: sweep: knob place: value "dense_layer_Gemm.nosuch=bram"`)
	assert.Contains(t, err.Error(), "(nor after any of the values of the loop knobs on its kernels)")
}
