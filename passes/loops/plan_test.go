package loops_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/loops"
)

func TestParseSteps(t *testing.T) {
	rows := []struct {
		op         loops.Op
		in         string
		want       string // the canonical plan, one step per line
		err        string
		errPrefix  string // the error's start when not the default "--OP "
		noPrefixed bool
	}{
		{op: loops.OpTile, in: "gemm.j=16", want: "tile gemm.j=16"},
		{op: loops.OpTile, in: "lstm.gates=16,8, lstm.k=0004", want: "tile lstm.gates=16,8\ntile lstm.k=4"},
		{op: loops.OpTile, in: "/dense_layer/Gemm.i.outer=2", want: "tile /dense_layer/Gemm.i.outer=2"},
		{op: loops.OpInterchange, in: "gemm.i=j", want: "interchange gemm.i=j"},
		{op: loops.OpUnroll, in: "c.k=full,c.j=4:expand,c.i=full:expand,c.m=2", want: "unroll c.k=full\nunroll c.j=4:expand\nunroll c.i=full:expand\nunroll c.m=2"},
		{op: loops.OpPartition, in: "c.w=cyclic:4,c.v=block:2:1,c.b=complete,c.a=complete::2,c.z=cyclic:3:0",
			want: "partition c.w=cyclic:4\npartition c.v=block:2:1\npartition c.b=complete\npartition c.a=complete::2\npartition c.z=cyclic:3"},

		{op: loops.OpTile, in: "gemm.j=0", err: "--tile gemm.j=0: loops: tile: tile size 0 (want 1 ≤ tile size < 2^31)"},
		{op: loops.OpTile, in: "gemm.j=-3", err: "tile size -3 (want 1 ≤"},
		{op: loops.OpTile, in: "gemm.j=abc", err: `tile size "abc" is not an integer`},
		{op: loops.OpTile, in: "gemm.j=+4", err: `tile size "+4" is not an integer`},
		{op: loops.OpTile, in: "gemm.j=1.5", err: `tile size "1.5" is not an integer`},
		{op: loops.OpTile, in: "gemm.j=2147483648", err: "tile size 2147483648 (want"},
		{op: loops.OpTile, in: "gemm.j=99999999999999999999", err: "is not an integer"},
		{op: loops.OpTile, in: "gemm.j=16,full", err: "tile sizes are integers; full is an unroll factor"},
		{op: loops.OpTile, in: "gemm.j=16,", err: "--tile: loops: spec", errPrefix: "--tile: "},
		{op: loops.OpTile, in: "", err: "empty item", errPrefix: "--tile: "},
		{op: loops.OpTile, in: "gemm.=4", err: "want KERNEL.LOOP=VALUE", errPrefix: "--tile: "},
		{op: loops.OpTile, in: ".j=4", err: "want KERNEL.LOOP=VALUE", errPrefix: "--tile: "},
		{op: loops.OpTile, in: "ge mm.j=4", err: `kernel name "ge mm" has a space`},
		{op: loops.OpTile, in: "gemm.j\t=4", err: `loop name "j\t" has a space`},
		{op: loops.OpInterchange, in: "gemm.i=j,k", err: "one value, not 2 (j,k)"},
		{op: loops.OpInterchange, in: "gemm.i=i", err: "loop i cannot be swapped with itself"},
		{op: loops.OpInterchange, in: "gemm.i=j k", err: `loop name "j k" has a space`},
		{op: loops.OpInterchange, in: "gemm.i=j=k", err: `loop name "j=k" has a ',', an '='`},
		{op: loops.OpUnroll, in: "gemm.k=1", err: "unroll factor 1 (want 2 ≤ unroll factor < 2^31) (or full)"},
		{op: loops.OpUnroll, in: "gemm.k=0:expand", err: "unroll factor 0"},
		{op: loops.OpUnroll, in: "gemm.k=full:expnad", err: `":expnad" after the factor`},
		{op: loops.OpUnroll, in: "gemm.k=4:expand:expand", err: `":expand:expand" after the factor`},
		{op: loops.OpUnroll, in: "gemm.k=Full", err: `unroll factor "Full" is not an integer`},
		{op: loops.OpUnroll, in: "gemm.k=4,8", err: "one value, not 2"},
		{op: loops.OpPartition, in: "gemm.w=diagonal:4", err: `partition mode "diagonal" (want cyclic, block or complete)`},
		{op: loops.OpPartition, in: "gemm.w=complete:4", err: "complete takes no factor (got 4); write complete::DIM"},
		{op: loops.OpPartition, in: "gemm.w=complete:4:1", err: "complete takes no factor"},
		{op: loops.OpPartition, in: "gemm.w=complete:", err: "want complete or complete::DIM"},
		{op: loops.OpPartition, in: "gemm.w=cyclic", err: "cyclic needs a factor: cyclic:FACTOR[:DIM]"},
		{op: loops.OpPartition, in: "gemm.w=block::1", err: "block needs a factor"},
		{op: loops.OpPartition, in: "gemm.w=cyclic:1", err: "partition factor 1 (want 2 ≤"},
		{op: loops.OpPartition, in: "gemm.w=cyclic:4:-1", err: "dimension -1 (want 0 ≤"},
		{op: loops.OpPartition, in: "gemm.w=cyclic:4:x", err: `dimension "x" is not an integer`},
		{op: loops.OpPartition, in: "gemm.w=cyclic:4:1:2", err: `"cyclic:4:1:2" has 4 fields`},
		{op: loops.OpPartition, in: "gemm.w=", err: "want KERNEL.LOOP=VALUE", errPrefix: "--partition: "},
	}
	for _, r := range rows {
		t.Run(r.op.String()+" "+r.in, func(t *testing.T) {
			source := "--" + r.op.String()
			got, err := loops.ParseSteps(r.op, r.in, source)
			if r.err != "" {
				require.Error(t, err)
				assert.Nil(t, got)
				assert.Contains(t, err.Error(), r.err)
				prefix := source + " "
				if r.errPrefix != "" {
					prefix = r.errPrefix
				}
				assert.True(t, strings.HasPrefix(err.Error(), prefix), "%q does not start with %q", err, prefix)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, r.want+"\n", loops.Plan(got).String())
			for _, s := range got {
				assert.Equal(t, source, s.Source)
				assert.Equal(t, r.op, s.Op)
			}
		})
	}
}

func TestParseSourceInErrors(t *testing.T) {
	_, err := loops.Plan{{Op: loops.OpTile, Spec: loops.Spec{Kernel: "a.b", Loop: "c", Values: []string{"2"}}}}.Apply(&loop.Program{Name: "p"})
	assert.EqualError(t, err, `tile a.b.c=2: loops: tile: kernel name "a.b" has a ',', an '=' or (a kernel's) a '.'`)
	_, err = loops.Plan{{Op: loops.OpUnroll, Spec: loops.Spec{Kernel: "a", Loop: "c"}, Source: "x.yaml:1"}}.Apply(&loop.Program{Name: "p"})
	assert.EqualError(t, err, `x.yaml:1: unroll a.c=: loops: unroll: no value`)
	_, err = loops.Plan{}.Apply(nil)
	assert.EqualError(t, err, "loops: plan: nil program")
	_, err = loops.ParseSteps(loops.OpTile, "gemm.j=0", "plan.yaml:3")
	assert.EqualError(t, err, "plan.yaml:3: tile gemm.j=0: loops: tile: tile size 0 (want 1 ≤ tile size < 2^31)")
	_, err = loops.ParseSteps(loops.Op(9), "gemm.j=2", "x")
	assert.ErrorContains(t, err, "unknown transform 9")
}

func TestOps(t *testing.T) {
	for _, name := range []string{"tile", "interchange", "unroll", "partition", "copy"} {
		op, err := loops.ParseOp(name)
		require.NoError(t, err)
		assert.Equal(t, name, op.String())
	}
	_, err := loops.ParseOp("skew")
	assert.EqualError(t, err, `loops: transform "skew" (want tile, interchange, unroll, partition or copy)`)
	assert.Equal(t, "op?", loops.Op(9).String())
}

const yamlPlan = `# a plan
- tile: gemm.j=16,8
- unroll: gemm.k=4:expand
- partition: gemm.w=cyclic:4:1
- unroll: [gemm.i=full, "gemm.j.inner=2"]
- interchange:
    - gemm.i=j
- tile: gemm.a=2, gemm.b=3
`

const jsonPlan = `[
  {"tile": "gemm.j=16,8"},
  {"unroll": "gemm.k=4:expand"},
  {"partition": "gemm.w=cyclic:4:1"},
  {"unroll": ["gemm.i=full", "gemm.j.inner=2"]},
  {"interchange": ["gemm.i=j"]},
  {"tile": "gemm.a=2, gemm.b=3"}
]`

const wantPlan = `tile gemm.j=16,8
unroll gemm.k=4:expand
partition gemm.w=cyclic:4:1
unroll gemm.i=full
unroll gemm.j.inner=2
interchange gemm.i=j
tile gemm.a=2
tile gemm.b=3
`

func TestParsePlan(t *testing.T) {
	pl, err := loops.ParsePlan([]byte(yamlPlan), ".yaml", "plan.yaml")
	require.NoError(t, err)
	assert.Equal(t, wantPlan, pl.String())
	var sources []string
	for _, s := range pl {
		sources = append(sources, s.Source)
	}
	assert.Equal(t, []string{"plan.yaml:2", "plan.yaml:3", "plan.yaml:4", "plan.yaml:5", "plan.yaml:5", "plan.yaml:7", "plan.yaml:8", "plan.yaml:8"}, sources)

	pj, err := loops.ParsePlan([]byte(jsonPlan), "JSON", "plan.json")
	require.NoError(t, err)
	assert.Equal(t, wantPlan, pj.String())
	sources = sources[:0]
	for _, s := range pj {
		sources = append(sources, s.Source)
	}
	assert.Equal(t, []string{"plan.json[0]", "plan.json[1]", "plan.json[2]", "plan.json[3][0]", "plan.json[3][1]", "plan.json[4][0]", "plan.json[5]", "plan.json[5]"}, sources)
}

func TestParsePlanErrors(t *testing.T) {
	rows := []struct{ name, ext, data, err string }{
		{"yaml empty", ".yaml", "", "plan.yaml: loops: plan: empty file"},
		{"yaml comments only", ".yml", "# nothing\n", "plan.yaml: loops: plan: empty file"},
		{"yaml syntax", ".yaml", "- tile: [a\n", "plan.yaml: loops: plan: yaml: line"},
		{"yaml mapping root", ".yaml", "tile: gemm.j=4\n", `plan.yaml:1: loops: plan: want a list of steps (- tile: KERNEL.LOOP=16), not a mapping with 1 keys`},
		{"yaml scalar root", ".yaml", "gemm.j=4\n", `plan.yaml:1: loops: plan: want a list of steps (- tile: KERNEL.LOOP=16), not the scalar "gemm.j=4"`},
		{"yaml empty list", ".yaml", "[]\n", "plan.yaml:1: loops: plan: the list has no steps"},
		{"yaml step scalar", ".yaml", "- tile: a.b=2\n- a.b=3\n", `plan.yaml:2: loops: plan: a step is a mapping with one key (- tile: KERNEL.LOOP=16), not the scalar "a.b=3"`},
		{"yaml two keys", ".yaml", "- tile: a.b=2\n  unroll: a.c=2\n", "plan.yaml:1: loops: plan: a step is a mapping with one key (- tile: KERNEL.LOOP=16), not a mapping with 2 keys"},
		{"yaml unknown key", ".yaml", "- tile: a.b=2\n\n- skew: a.b=2\n", `plan.yaml:3: loops: plan: unknown key "skew" (want tile, interchange, unroll, partition, copy)`},
		{"yaml null value", ".yaml", "- tile:\n", "plan.yaml:1: loops: plan: tile: want a spec string or a list of them, not nothing (null)"},
		{"yaml mapping value", ".yaml", "- tile: {a: 1}\n", "plan.yaml:1: loops: plan: tile: want a spec string or a list of them, not a mapping with 1 keys"},
		{"yaml nested list", ".yaml", "- tile: [a.b=2, [a.c=3]]\n", "plan.yaml:1: loops: plan: tile: want a spec string or a list of them, not a list"},
		{"yaml empty value list", ".yaml", "- unroll: []\n", "plan.yaml:1: loops: plan: unroll: an empty list"},
		{"yaml alias", ".yaml", "- tile: &x a.b=2\n- tile: *x\n", "plan.yaml:2: loops: plan: tile: want a spec string or a list of them, not an alias"},
		{"yaml number", ".yaml", "- tile: 16\n", `plan.yaml:1: tile: loops: spec "16": want KERNEL.LOOP=VALUE`},
		{"yaml bad value", ".yaml", "- tile: a.b=2\n- unroll:\n  - a.b=3\n  - a.c=1\n", "plan.yaml:4: unroll a.c=1: loops: unroll: unroll factor 1"},
		{"json empty", ".json", " ", "plan.json: loops: plan: empty file"},
		{"json object root", ".json", `{"tile": "a.b=2"}`, `plan.json: loops: plan: want a list of steps ([{"tile": "KERNEL.LOOP=16"}]), not an object`},
		{"json empty list", ".json", `[]`, "plan.json: loops: plan: the list has no steps"},
		{"json step string", ".json", `[{"tile": "a.b=2"}, "a.b=2"]`, `plan.json[1]: loops: plan: a step is an object with one key ({"tile": "KERNEL.LOOP=16"}), not the string "a.b=2"`},
		{"json two keys", ".json", `[{"tile": "a.b=2", "unroll": "a.c=2"}]`, `plan.json[0]: loops: plan: a step is an object with one key, but "unroll" follows "tile"`},
		{"json empty object", ".json", `[{}]`, "plan.json[0]: loops: plan: a step is an object with one key, not an empty object"},
		{"json unknown key", ".json", `[{"tiles": "a.b=2"}]`, `plan.json[0]: loops: plan: unknown key "tiles"`},
		{"json number", ".json", `[{"tile": 16}]`, "plan.json[0]: loops: plan: tile: want a spec string or a list of them, not the number 16"},
		{"json null", ".json", `[{"tile": null}]`, "plan.json[0]: loops: plan: tile: want a spec string or a list of them, not null"},
		{"json object value", ".json", `[{"tile": {"a": 1}}]`, "plan.json[0]: loops: plan: tile: want a spec string or a list of them, not an object"},
		{"json list of numbers", ".json", `[{"tile": ["a.b=2", 3]}]`, "plan.json[0][1]: loops: plan: tile: want a spec string, not the number 3"},
		{"json empty value list", ".json", `[{"tile": []}]`, "plan.json[0]: loops: plan: tile: an empty list"},
		{"json trailing", ".json", `[{"tile": "a.b=2"}] [`, "plan.json: loops: plan: data after the list"},
		{"json unclosed", ".json", `[{"tile": "a.b=2"}`, "plan.json: loops: plan: "},
		{"json syntax", ".json", `[{"tile" "a.b=2"}]`, "plan.json[0]: loops: plan: invalid character"},
		{"json bad value", ".json", `[{"partition": ["a.w=cyclic:2", "a.w=complete:2"]}]`, "plan.json[0][1]: partition a.w=complete:2: loops: partition: complete takes no factor"},
		{"extension", ".toml", "", `loops: plan file plan.toml: extension ".toml": want .yaml, .yml or .json`},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			name := "plan" + map[bool]string{true: ".json", false: ".yaml"}[r.ext == ".json"]
			if r.ext == ".toml" {
				name = "plan.toml"
			}
			pl, err := loops.ParsePlan([]byte(r.data), r.ext, name)
			require.Error(t, err)
			assert.Nil(t, pl)
			assert.Contains(t, err.Error(), r.err)
			assert.True(t, strings.HasPrefix(err.Error(), strings.SplitN(r.err, ":", 2)[0]), "%q", err)
		})
	}
}

func TestReadPlanFile(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"p.yaml": yamlPlan, "p.YML": yamlPlan, "p.json": jsonPlan} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
		pl, err := loops.ReadPlanFile(path)
		require.NoError(t, err, name)
		assert.Equal(t, wantPlan, pl.String(), name)
		assert.True(t, strings.HasPrefix(pl[1].Source, path), "%s: source %s", name, pl[1].Source)
	}
	_, err := loops.ReadPlanFile(filepath.Join(dir, "missing.yaml"))
	assert.ErrorContains(t, err, "loops: plan file: open ")
	path := filepath.Join(dir, "p.txt")
	require.NoError(t, os.WriteFile(path, []byte(yamlPlan), 0o644))
	_, err = loops.ReadPlanFile(path)
	assert.ErrorContains(t, err, `extension ".txt"`)
}

// kernelProgram wraps the kernel in file (testdata/…) in a program whose
// one call passes the top's buffers; node is the ONNX node it computes.
func kernelProgram(t *testing.T, file, node string) *loop.Program {
	t.Helper()
	k := parseFile(t, file)
	p := &loop.Program{Name: loop.TopName, Kernels: []*loop.Kernel{k}, KernelNodes: [][]string{{node}}}
	var args []loop.BufID
	for _, id := range k.Params {
		b := k.Buffers[id]
		p.Buffers = append(p.Buffers, &loop.Buffer{Name: b.Name, Kind: b.Kind, Shape: slices.Clone(b.Shape), Role: b.Role})
		args = append(args, loop.BufID(len(p.Buffers)-1))
	}
	p.Params = args
	p.Calls = []loop.KernelCall{{Kernel: 0, Args: args}}
	require.NoError(t, loop.VerifyProgram(p))
	return p
}

// planGoldens are plans (YAML) applied to a kernel of testdata wrapped in a
// program; the result is testdata/plan/<name>.golden.
var planGoldens = []struct{ name, file, node, plan string }{
	{"gemm_tile_j3", "gemm.kir", "/gemm", "- tile: gemm.j=3\n"},
	{"gemm_node_unroll", "gemm.kir", "/gemm", "- unroll: /gemm.j=4\n- unroll: gemm.k=2:expand\n"},
	{"gemm_unroll_partition", "gemm.kir", "/gemm", "- unroll: gemm.k=full:expand\n- partition: gemm.w=cyclic:3:1\n"},
	{"gemm_unroll_partition_complete", "gemm.kir", "/gemm", "- unroll: gemm.j=full:expand\n- partition: [gemm.b=complete, gemm.w=complete]\n"},
	{"gemm_interchange_tile", "gemm.kir", "/gemm", "- interchange: gemm.i=j\n- tile: gemm.i=1\n"},
	{"band_tile_i_2_3_1", "plan/band.kir", "/band", "- tile: band.i=2,3,1\n"},
	{"band_tile_i_3_3", "plan/band.kir", "/band", "- tile: band.i=3,3\n"},
	{"band_tile_j_2_2", "plan/band.kir", "/band", "- tile: band.j=2,2\n"},
}

// TestPlanApplyGolden compares each plan's result with its golden text
// (go test -update rewrites them), checks the input is untouched, the
// result parses back to itself and computes the input's bits.
func TestPlanApplyGolden(t *testing.T) {
	for _, c := range planGoldens {
		t.Run(c.name, func(t *testing.T) {
			p := kernelProgram(t, filepath.Join("testdata", c.file), c.node)
			before := p.String()
			pl, err := loops.ParsePlan([]byte(c.plan), ".yaml", "plan.yaml")
			require.NoError(t, err)
			q, err := pl.Apply(p)
			require.NoError(t, err)
			assert.Equal(t, before, p.String(), "the input program changed")
			k := q.Kernels[0]
			text := "// " + strings.ReplaceAll(strings.TrimSuffix(pl.String(), "\n"), "\n", "\n// ") + "\n" + k.String()
			path := filepath.Join("testdata", "plan", c.name+".golden")
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, string(want), text, "%s (go test -update rewrites it)", path)
			back, err := loop.Parse(k.String(), nil)
			require.NoError(t, err)
			assert.Equal(t, k.String(), back.String())
			for seed := range uint64(3) {
				assert.Equal(t, hashKernel(t, p.Kernels[0], seed+1), hashKernel(t, k, seed+1))
			}
		})
	}
}

// TestPlanBandOrder: tiling a band of three puts the three tile loops
// outside the three point loops, each in the band's order.
func TestPlanBandOrder(t *testing.T) {
	rows := []struct {
		spec string
		want []string
	}{
		{"band.i=2,3,1", []string{"i.outer", "j.outer", "k.outer", "i.inner", "j.inner", "k.inner"}},
		{"band.i=2,3", []string{"i.outer", "j.outer", "i.inner", "j.inner", "k"}},
		{"band.j=3,2", []string{"i", "j.outer", "k.outer", "j.inner", "k.inner"}},
		{"band.k=2", []string{"i", "j", "k.outer", "k.inner"}},
	}
	for _, r := range rows {
		t.Run(r.spec, func(t *testing.T) {
			p := kernelProgram(t, "testdata/plan/band.kir", "/band")
			steps, err := loops.ParseSteps(loops.OpTile, r.spec, "--tile")
			require.NoError(t, err)
			q, err := loops.Plan(steps).Apply(p)
			require.NoError(t, err)
			k := q.Kernels[0]
			var got []string
			for body := k.Body; len(body) > 0; {
				f, ok := body[0].(*loop.For)
				if !ok {
					break
				}
				got, body = append(got, k.Vars[f.Var].Name), f.Body
			}
			assert.Equal(t, r.want, got)
		})
	}
}

// TestPlanApplyErrors: every error names the step's source and canonical
// text, then what the pass says.
func TestPlanApplyErrors(t *testing.T) {
	rows := []struct{ file, op, text, err string }{
		{"gemm.kir", "tile", "gemm.j=9999", "--tile gemm.j=9999: loops: tile: kernel gemm: loop j: tile size 9999 is larger than the trip count 4"},
		{"gemm.kir", "tile", "gemm.q=2", "--tile gemm.q=2: loops: tile: kernel gemm: loop q: no such loop"},
		{"gemm.kir", "tile", "gemm.q=2,2", "--tile gemm.q=2,2: loops: tile: kernel gemm: loop q: no such loop"},
		{"gemm.kir", "tile", "conv9.j=2", `--tile conv9.j=2: loops: program forward_kernel: no kernel "conv9" (it has gemm)`},
		{"gemm.kir", "tile", "gemm.i=2,2", ""},
		{"gemm.kir", "tile", "gemm.i=1,2,3", "--tile gemm.i=1,2,3: loops: tile: kernel gemm: loop i: 3 tile sizes but the band has 2 loops (i, j): the body of j is not a single loop"},
		{"plan/band.kir", "tile", "band.i=2,4", "--tile band.i=2,4: loops: tile: kernel band: loop i: band i, j: moving j.outer outside i.inner " +
			"(a size that does not divide its loop's trip count leaves a remainder loop beside the tile loop): interchange: kernel band: loop i.inner: its body is not exactly the loop over j.outer"},
		{"gemm.kir", "interchange", "gemm.j=k", "--interchange gemm.j=k: loops: interchange: kernel gemm: loop j: its body is not exactly the loop over k"},
		{"gemm.kir", "unroll", "gemm.k=full", ""},
		{"gemm.kir", "unroll", "/gemm.z=2", "--unroll /gemm.z=2: loops: unroll: kernel gemm: loop z: no such loop"},
		{"gemm.kir", "partition", "gemm.w=block:2", "--partition gemm.w=block:2: loops: partition: kernel gemm: buffer w: block 2 on dim 0: an index spans more than one block of 2 (unroll first): " +
			"refused: the bank of an access is not static (unrolling the loops that index w with :expand first makes the banks static)"},
		{"gemm.kir", "partition", "gemm.w=cyclic:3:1", "--partition gemm.w=cyclic:3:1: loops: partition: kernel gemm: buffer w: cyclic 3 on dim 1: an index has a variable with coefficient 1, not a multiple of 3 (unroll first): " +
			"refused: the bank of an access is not static (unrolling the loops that index w with :expand first makes the banks static)"},
		{"gemm.kir", "partition", "gemm.x=complete", "--partition gemm.x=complete: loops: partition: kernel gemm: buffer x: is a parameter"},
		{"gemm.kir", "partition", "gemm.w=cyclic:2:5", "--partition gemm.w=cyclic:2:5: loops: partition: kernel gemm: buffer w: dim 5 out of range (rank 2)"},
	}
	for _, r := range rows {
		t.Run(r.op+" "+r.text, func(t *testing.T) {
			p := kernelProgram(t, filepath.Join("testdata", r.file), "/gemm")
			before := p.String()
			op, err := loops.ParseOp(r.op)
			require.NoError(t, err)
			steps, err := loops.ParseSteps(op, r.text, "--"+r.op)
			require.NoError(t, err)
			q, err := loops.Plan(steps).Apply(p)
			assert.Equal(t, before, p.String(), "the input program changed")
			if r.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Nil(t, q)
			assert.Contains(t, err.Error(), r.err)
			assert.True(t, strings.HasPrefix(err.Error(), "--"+r.op+" "+r.text+": "), "%q", err)
		})
	}
}

// TestPlanProperty: on the built-in LSTM and CNN, random plans of one to
// three random legal steps (each chosen on the program the steps before it
// made, named by the kernel's loop-IR name or its ONNX node, written as
// flag text, parsed and applied) give the program that the same plan read
// back from a YAML or JSON file gives, and it keeps the interpreter's
// outputs_sha256 on a validation window. Refused steps (an interchange
// that could reorder a dependence, a partition whose banks are not
// static) are counted and left out.
func TestPlanProperty(t *testing.T) {
	for _, model := range []string{"cnn", "lstm"} {
		t.Run(model, func(t *testing.T) {
			m := loadZoo(t, model)
			r := rand.New(rand.NewPCG(12, uint64(len(model))))
			counts := map[string]int{}
			for trial := range planTrials {
				cur, lines := randomPlan(t, r, m.p, counts)
				if len(lines) == 0 {
					continue
				}
				got := reparsePlan(t, m.p, lines, trial%2 == 0)
				for i, k := range got.Kernels {
					if k != m.p.Kernels[i] || cur.Kernels[i] != m.p.Kernels[i] {
						require.Equal(t, cur.Kernels[i].String(), k.String(), "kernel %s after %s", k.Name, strings.Join(lines, "; "))
					}
				}
				hash, err := runProgram(got, m.window, nil)
				require.NoError(t, err, strings.Join(lines, "; "))
				assert.Equal(t, m.want, hash, "outputs_sha256 after %s", strings.Join(lines, "; "))
				counts["checked"]++
			}
			t.Logf("%v", counts)
			for _, op := range []string{"tile", "unroll", "partition", "checked"} {
				assert.Positive(t, counts[op], "no %s", op)
			}
		})
	}
}

// planTrials is how many random plans each model gets.
const planTrials = 40

// randomPlan makes up to three random steps on p, applying each (as flag
// text) to what the ones before made; it returns the result and the
// canonical lines of the steps that were not refused.
func randomPlan(t *testing.T, r *rand.Rand, p *loop.Program, counts map[string]int) (*loop.Program, []string) {
	t.Helper()
	var lines []string
	for range 1 + r.IntN(3) {
		ki := pickKernel(r, p.Kernels)
		name := p.Kernels[ki].Name
		if r.IntN(2) == 0 {
			name = p.KernelNodes[ki][0]
		}
		choice := []planChoice{planStep(r, p.Kernels[ki], name)}
		if r.IntN(6) == 0 {
			choice = planBank(r, p.Kernels[ki], name)
		}
		for _, c := range choice {
			if c.text == "" {
				continue
			}
			steps, err := loops.ParseSteps(c.op, c.text, "--"+c.op.String())
			require.NoError(t, err, c.text)
			q, err := loops.Plan(steps).Apply(p)
			if errors.Is(err, loops.ErrCarried) || errors.Is(err, loops.ErrNotStatic) {
				counts[c.op.String()+" refused"]++
				continue
			}
			require.NoError(t, err, "%s %s after %s", c.op, c.text, strings.Join(lines, "; "))
			counts[c.op.String()]++
			p, lines = q, append(lines, loops.Plan(steps).String())
		}
	}
	return p, lines
}

// planStep is a random legal choice of op on k (named name) as flag
// text, or "" when k offers none.
func planStep(r *rand.Rand, k *loop.Kernel, name string) planChoice {
	li := loopsOf(k)
	if len(li.names) == 0 {
		return planChoice{loops.OpPartition, planPartition(r, k, name)}
	}
	lp := li.names[r.IntN(len(li.names))]
	trip, constant := li.trip[lp]
	size := func(trip int) int { return 1 + r.IntN(trip) }
	switch op := r.IntN(10); {
	case li.dyn[lp]:
		return planChoice{loops.OpUnroll, fmt.Sprintf("%s.%s=%d", name, lp, 2+r.IntN(7))}
	case op < 3 && len(li.perfect) > 0 && r.IntN(3) == 0:
		pair := li.perfect[r.IntN(len(li.perfect))]
		inner := divisors(li.trip[pair[1]])
		return planChoice{loops.OpTile, fmt.Sprintf("%s.%s=%d,%d", name, pair[0], size(li.trip[pair[0]]), inner[r.IntN(len(inner))])}
	case op < 3 && constant && trip >= 1:
		return planChoice{loops.OpTile, fmt.Sprintf("%s.%s=%d", name, lp, size(trip))}
	case op < 6:
		factor := fmt.Sprint(2 + r.IntN(7))
		if constant && r.IntN(3) == 0 && trip*li.stmts[lp] <= 4096 {
			factor = "full"
		}
		if r.IntN(3) > 0 {
			factor += ":expand"
		}
		return planChoice{loops.OpUnroll, fmt.Sprintf("%s.%s=%s", name, lp, factor)}
	case op < 8 && len(li.perfect) > 0:
		pair := li.perfect[r.IntN(len(li.perfect))]
		return planChoice{loops.OpInterchange, fmt.Sprintf("%s.%s=%s", name, pair[0], pair[1])}
	}
	return planChoice{loops.OpPartition, planPartition(r, k, name)}
}

// divisors are n's divisors (1 when n < 1).
func divisors(n int) []int {
	out := []int{1}
	for d := 2; d <= n; d++ {
		if n%d == 0 {
			out = append(out, d)
		}
	}
	return out
}

// planChoice is one step as flag text.
type planChoice struct {
	op   loops.Op
	text string
}

// planBank is a full expanded unroll of a loop of k and a partition, on
// the dimension that loop's trip count matches, of a constant or temp that
// the loop may index, so that the banks are likely static.
func planBank(r *rand.Rand, k *loop.Kernel, name string) []planChoice {
	li := loopsOf(k)
	var pairs [][3]string
	for _, b := range k.Buffers {
		if b == nil || (b.Role != loop.Constant && b.Role != loop.Temp) {
			continue
		}
		for d, n := range b.Shape {
			for _, lp := range li.names {
				if n >= 2 && li.trip[lp] == n && n*li.stmts[lp] <= 4096 {
					mode := fmt.Sprintf("cyclic:%d:%d", divisors(n)[1+r.IntN(len(divisors(n))-1)], d)
					if n <= 16 && r.IntN(2) == 0 {
						mode = fmt.Sprintf("complete::%d", d)
					}
					pairs = append(pairs, [3]string{lp, b.Name, mode})
				}
			}
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	pick := pairs[r.IntN(len(pairs))]
	return []planChoice{
		{loops.OpUnroll, fmt.Sprintf("%s.%s=full:expand", name, pick[0])},
		{loops.OpPartition, fmt.Sprintf("%s.%s=%s", name, pick[1], pick[2])},
	}
}

// planPartition banks a random constant or temp of k with a mode and
// factor that fit its shape, or is "" when k has none.
func planPartition(r *rand.Rand, k *loop.Kernel, name string) string {
	var bufs []*loop.Buffer
	for _, b := range k.Buffers {
		if b != nil && (b.Role == loop.Constant || b.Role == loop.Temp) && b.Rank() > 0 && !slices.Contains(b.Shape, 1) {
			bufs = append(bufs, b)
		}
	}
	if len(bufs) == 0 {
		return ""
	}
	b := bufs[r.IntN(len(bufs))]
	dim := r.IntN(b.Rank())
	n := b.Shape[dim]
	f := 2 + r.IntN(min(n, 8)-1)
	mode := []string{"cyclic", "block", "complete"}[r.IntN(3)]
	switch {
	case mode == "complete" && n <= 16:
		return fmt.Sprintf("%s.%s=complete::%d", name, b.Name, dim)
	case mode == "block" && (f-1)*((n+f-1)/f) < n:
		return fmt.Sprintf("%s.%s=block:%d:%d", name, b.Name, f, dim)
	}
	return fmt.Sprintf("%s.%s=cyclic:%d:%d", name, b.Name, f, dim)
}

// reparsePlan writes lines ("op spec") as a YAML or JSON plan file,
// parses it, checks it reads back to the same canonical text and applies
// it to p.
func reparsePlan(t *testing.T, p *loop.Program, lines []string, asYAML bool) *loop.Program {
	t.Helper()
	text := strings.Join(lines, "")
	var file []byte
	var items []map[string]string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		op, spec, _ := strings.Cut(line, " ")
		items = append(items, map[string]string{op: spec})
		file = fmt.Appendf(file, "- %s: %q\n", op, spec)
	}
	ext := ".yaml"
	if !asYAML {
		var err error
		file, err = json.Marshal(items)
		require.NoError(t, err)
		ext = ".json"
	}
	pl, err := loops.ParsePlan(file, ext, "plan"+ext)
	require.NoError(t, err, string(file))
	require.Equal(t, text, pl.String())
	got, err := pl.Apply(p)
	require.NoError(t, err, text)
	return got
}

// TestPlanZoo: on the lowered LSTM, a kernel is named by its loop-IR name
// or its ONNX node, an unknown name lists the kernels, and errors read as
// the user wrote the step.
func TestPlanZoo(t *testing.T) {
	p := loadZoo(t, "lstm").p
	apply := func(op loops.Op, text string) (*loop.Program, error) {
		steps, err := loops.ParseSteps(op, text, "--"+op.String())
		require.NoError(t, err)
		return loops.Plan(steps).Apply(p)
	}
	_, err := apply(loops.OpTile, "dense_layer_Gemm.j=9999")
	assert.EqualError(t, err, "--tile dense_layer_Gemm.j=9999: loops: tile: kernel dense_layer_Gemm: loop j: tile size 9999 is larger than the trip count 4080")
	q, err := apply(loops.OpTile, "/dense_layer/Gemm.j=16")
	require.NoError(t, err)
	for i, k := range q.Kernels {
		if k.Name == "dense_layer_Gemm" {
			assert.Contains(t, k.String(), "for j.outer in 0..4080 step 16 {")
		} else {
			assert.Same(t, p.Kernels[i], k, "kernel %s changed", k.Name)
		}
	}
	_, err = apply(loops.OpUnroll, "lstm.g=4")
	assert.ErrorContains(t, err, `--unroll lstm.g=4: loops: program forward_kernel: no kernel "lstm" (it has lstm_layer_Transpose, lstm_layer_LSTM,`)
	// A band: the tile loops go outside the point loops, as the output's
	// index tells the tiles apart.
	q, err = apply(loops.OpTile, "/dense_layer/Gemm.i=1,16")
	require.NoError(t, err)
	text := q.Kernels[slices.IndexFunc(q.Kernels, func(k *loop.Kernel) bool { return k.Name == "dense_layer_Gemm" })].String()
	assert.Regexp(t, `(?s)for i\.outer in .*for j\.outer in .*for i\.inner in .*for j\.inner in `, text)
	_, err = apply(loops.OpPartition, "dense_layer_Gemm.dense_layer_weight=cyclic:4:1")
	assert.ErrorContains(t, err, "(unrolling the loops that index dense_layer_weight with :expand first makes the banks static)")
	assert.ErrorIs(t, err, loops.ErrNotStatic)
}

// TestPlanKernelNames: a loop-IR name wins over an ONNX node of another
// kernel, and a node that several kernels compute must be named by kernel.
func TestPlanKernelNames(t *testing.T) {
	p := kernelProgram(t, "testdata/gemm.kir", "/gemm")
	other, err := loop.Parse("kernel other(in a: f32[3], out b: f32[3]) {\n  for i in 0..3 {\n    b[i] = a[i]\n  }\n}\n", nil)
	require.NoError(t, err)
	p.Kernels = append(p.Kernels, other)
	p.KernelNodes = [][]string{{"/gemm", "/shared"}, {"gemm", "/shared", "/other"}}
	run := func(text string) (*loop.Program, error) {
		steps, err := loops.ParseSteps(loops.OpUnroll, text, "--unroll")
		require.NoError(t, err)
		return loops.Plan(steps).Apply(p)
	}
	q, err := loops.Plan(nil).Apply(p)
	require.NoError(t, err)
	assert.NotSame(t, p, q)
	assert.Equal(t, p.String(), q.String())
	q, err = run("gemm.i=2")
	require.NoError(t, err)
	assert.Contains(t, q.Kernels[0].String(), "for i in 0..2 unroll(2)")
	assert.Same(t, other, q.Kernels[1])
	_, err = run("/other.j=2")
	assert.ErrorContains(t, err, "--unroll /other.j=2: loops: unroll: kernel other: loop j: no such loop")
	_, err = run("/shared.i=2")
	assert.EqualError(t, err, `--unroll /shared.i=2: loops: program forward_kernel: ONNX node "/shared" is computed by several kernels (gemm, other); name one`)
}
