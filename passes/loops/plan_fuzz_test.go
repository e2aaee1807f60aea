package loops_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/passes/loops"
)

// FuzzParseSteps: any flag text gives an error or steps whose canonical
// text parses back to the same steps, one by one and as a whole plan.
func FuzzParseSteps(f *testing.F) {
	for _, s := range []struct {
		op   uint8
		text string
	}{
		{0, "gemm.j=16,8"}, {0, "a.b=0004, a.c=1"}, {0, "a.b=full"}, {1, "gemm.i=j"}, {1, "a.b=b"},
		{2, "c.k=full:expand,c.j=4"}, {2, "c.k=1"}, {3, "c.w=cyclic:4:1,c.b=complete::2"},
		{3, "c.w=complete:4"}, {3, "c.w=block:2:0"}, {4, "x.y=2"}, {0, ",,"}, {2, "a.b=2:expand:"},
	} {
		f.Add(s.op, s.text)
	}
	f.Fuzz(func(t *testing.T, op uint8, text string) {
		steps, err := loops.ParseSteps(loops.Op(op%5), text, "--flag")
		if err != nil {
			require.NotEmpty(t, err.Error())
			require.Nil(t, steps)
			return
		}
		require.NotEmpty(t, steps)
		for _, s := range steps {
			again, err := loops.ParseSteps(s.Op, s.Spec.String(), s.Source)
			require.NoError(t, err, "%s", s)
			require.Equal(t, []loops.Step{s}, again)
		}
		checkReparse(t, loops.Plan(steps))
	})
}

// FuzzParsePlan: any file gives an error or a plan whose canonical text
// parses back to it, line by line and written again as YAML and JSON.
func FuzzParsePlan(f *testing.F) {
	for _, s := range []string{yamlPlan, jsonPlan, "", "[]", "- tile:\n", "- tile: &x a.b=2\n- tile: *x\n",
		`[{"tile": ["a.b=2", 3]}]`, "- partition: [c.w=complete::1, c.v=block:2]\n", "tile: a.b=2\n",
		`[{"unroll": "a.b=full:expand"}] x`, "- tile: a.b=2\n---\n- tile: a.c=3\n"} {
		f.Add([]byte(s), strings.HasPrefix(s, "[{"))
	}
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		ext := map[bool]string{true: ".json", false: ".yaml"}[asJSON]
		pl, err := loops.ParsePlan(data, ext, "plan"+ext)
		if err != nil {
			require.NotEmpty(t, err.Error())
			require.Nil(t, pl)
			return
		}
		require.NotEmpty(t, pl)
		checkReparse(t, pl)
	})
}

// checkReparse checks pl's canonical text reads back to pl: each line as
// flag text for its op, and the whole as a YAML and a JSON plan file.
func checkReparse(t *testing.T, pl loops.Plan) {
	t.Helper()
	text := pl.String()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	require.Len(t, lines, len(pl))
	var yml []byte
	var items []map[string]string
	for i, line := range lines {
		name, spec, ok := strings.Cut(line, " ")
		require.True(t, ok, line)
		op, err := loops.ParseOp(name)
		require.NoError(t, err)
		again, err := loops.ParseSteps(op, spec, "x")
		require.NoError(t, err, line)
		require.Len(t, again, 1, line)
		assert.Equal(t, pl[i].Op, again[0].Op)
		assert.Equal(t, pl[i].Spec, again[0].Spec)
		yml = fmt.Appendf(yml, "- %s: %q\n", name, spec)
		items = append(items, map[string]string{name: spec})
	}
	js, err := json.Marshal(items)
	require.NoError(t, err)
	for ext, data := range map[string][]byte{".yaml": yml, ".json": js} {
		back, err := loops.ParsePlan(data, ext, "again"+ext)
		require.NoError(t, err, "%s", data)
		assert.Equal(t, text, back.String())
	}
}
