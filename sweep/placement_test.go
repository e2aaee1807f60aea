package sweep_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/sweep"
)

// TestPlacementKnob: the placement knob takes passes/place's policies and
// none, canonical in lower case; it sits after batch and before the loop
// knobs whatever the file's order; designs read it back; a space without
// one keeps its digest.
func TestPlacementKnob(t *testing.T) {
	const text = "model: cnn\nunroll: {g.k: [none, 2]}\nplacement: [Auto, offchip-weights, onchip, none]\nbatch: [1, 4]\n"
	s := parse(t, text)
	var names []string
	for _, k := range s.Knobs {
		names = append(names, k.Name)
	}
	assert.Equal(t, []string{"batch", "placement", "unroll:g.k"}, names)
	k := s.Knob("placement")
	require.NotNil(t, k)
	var vals []string
	for _, v := range k.Values {
		vals = append(vals, v.Text)
	}
	assert.Equal(t, []string{"auto", "offchip-weights", "onchip", "none"}, vals)
	assert.Equal(t, 3, k.Line)
	require.Equal(t, uint64(16), s.Size())
	d := s.Design(5) // batch 1 (index 0), placement 2 (onchip), unroll 1 (2)
	pl, ok := d.Placement()
	require.True(t, ok)
	assert.Equal(t, "onchip", pl)
	assert.Equal(t, "batch=1 placement=onchip unroll:g.k=2", d.Key())
	assert.Len(t, d.Plan(), 1)

	_, ok = parse(t, "clock: 5\n").Design(0).Placement()
	assert.False(t, ok)
	// The placement knob is new: a space without it hashes as before
	// (Canonical lists the knobs a space has, by name).
	assert.Equal(t, `{"kiln_sweep_space":1,"model":"m","knobs":[{"knob":"batch","values":["1"]},{"knob":"unroll:g.k","values":["none"]}]}`,
		string(parse(t, "model: m\nunroll: {g.k: none}\nbatch: 1\n").Canonical()))
	assert.Contains(t, string(s.Canonical()), `{"knob":"placement","values":["auto","offchip-weights","onchip","none"]}`)
}

func TestPlacementKnobErrors(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"unknown", "placement:\n  - auto\n  - offchip\n", `space.yaml:3: sweep: knob placement: value offchip: "offchip" is not a placement (want auto, onchip, offchip-weights, none)`},
		{"twice", "placement: [auto, AUTO]\n", "space.yaml:1: sweep: knob placement: value AUTO given twice (as auto, first at line 1)"},
		{"empty", "placement: ['']\n", "is not a placement"},
		{"number", "placement: 3\n", `"3" is not a placement`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := sweep.ParseSpace("space.yaml", []byte(c.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// TestPlaceKnob: the place knob takes override lists (as --place writes
// them) or none, canonical as place.Override prints them, each override's
// Source its file:line; it sits after placement, before the loop knobs.
func TestPlaceKnob(t *testing.T) {
	s := parse(t, "unroll: {g.k: 2}\nplace:\n  - none\n  - \"g.w = offchip, y=ram\"\n  - g.w=uram\nplacement: onchip\n")
	var names []string
	for _, k := range s.Knobs {
		names = append(names, k.Name)
	}
	assert.Equal(t, []string{"placement", "place", "unroll:g.k"}, names)
	k := s.Knob("place")
	require.NotNil(t, k)
	require.Len(t, k.Values, 3)
	assert.Equal(t, "none", k.Values[0].Text)
	assert.Nil(t, k.Values[0].Overrides)
	assert.Equal(t, "g.w=offchip,y=ram", k.Values[1].Text)
	assert.Equal(t, "g.w=uram", k.Values[2].Text)
	ovs, ok := s.Design(1).Overrides()
	require.True(t, ok)
	require.Len(t, ovs, 2)
	assert.Equal(t, "g", ovs[0].Kernel)
	assert.Equal(t, "space.yaml:4", ovs[0].Source)
	assert.Equal(t, "y", ovs[1].Buffer)
	assert.Equal(t, `placement=onchip place="g.w=offchip,y=ram" unroll:g.k=2`, s.Design(1).Key())
	_, ok = parse(t, "clock: 5\n").Design(0).Overrides()
	assert.False(t, ok)

	for _, c := range []struct{ name, text, want string }{
		{"space", "place: [g.w=disk]\n", `space.yaml:1: sweep: knob place: value "g.w=disk": override "g.w=disk": space "disk" (want reg, ram, rom, offchip, bram or uram)`},
		{"form", "place:\n  - g.w\n", `space.yaml:2: sweep: knob place: value g.w: override "g.w": want KERNEL.BUFFER=SPACE`},
		{"twice", "place: [\"g.w=ram\", \"g.w = ram\"]\n", "value \"g.w = ram\" given twice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := sweep.ParseSpace("space.yaml", []byte(c.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
