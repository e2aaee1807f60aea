package conform

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/dtype"
)

const nodeTests = "../../shared/testdata/onnx-node"

// TestONNXNodeTests: every case of ONNX's backend node tests in
// ../shared/testdata/onnx-node (446 of them, index.tsv) passes.
func TestONNXNodeTests(t *testing.T) {
	f, err := os.Open(filepath.Join(nodeTests, "index.tsv"))
	require.NoError(t, err)
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		names = append(names, strings.Split(sc.Text(), "\t")[0])
	}
	require.Len(t, names, 446)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := Case(filepath.Join(nodeTests, name), Options{})
			assert.Equal(t, Pass, r.Status, "%s", r.Detail)
		})
	}
}

// debianKnown are the cases of Debian's libonnx-testdata (ONNX 1.12) that
// kiln fails on purpose, each with the reason.
var debianKnown = map[string]string{
	// ONNX 1.12 cast float→bfloat16 by truncation; ONNX since rounds to
	// nearest even (Operators.md, Cast), which kiln does and the newer
	// test_cast_FLOAT_to_BFLOAT16 in ../shared checks.
	"node/test_cast_FLOAT_to_BFLOAT16": "older bfloat16 rounding",
	// The stored data has shape [1] for an input the model declares rank 2;
	// kiln checks declared shapes (ONNX Runtime rejects these too).
	"node/test_castlike_BFLOAT16_to_FLOAT_expanded": "data contradicts the declared shape",
	"node/test_castlike_FLOAT_to_BFLOAT16_expanded": "data contradicts the declared shape",
}

// TestDebianONNXTestdata runs kiln over Debian's libonnx-testdata: no case
// may FAIL except the known ones; cases with operators or types kiln does
// not implement are UNSUPPORTED.
func TestDebianONNXTestdata(t *testing.T) {
	const root = "/usr/share/libonnx-testdata/data"
	if _, err := os.Stat(root); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("libonnx-testdata is not installed (%v); .ci/run installs it", err)
		}
		t.Skip("libonnx-testdata is not installed (apt-get install libonnx-testdata)")
	}
	for _, sub := range []string{"node", "pytorch-converted", "pytorch-operator", "simple"} {
		cases, err := FindCases([]string{filepath.Join(root, sub)})
		require.NoError(t, err)
		var counts [3]int
		for _, c := range cases {
			r := Case(c, Options{})
			counts[r.Status]++
			key := sub + "/" + filepath.Base(c)
			if _, known := debianKnown[key]; known {
				assert.Equal(t, Fail, r.Status, "%s is listed as a known failure but did not fail", key)
				continue
			}
			assert.NotEqual(t, Fail, r.Status, "%s: %s", key, r.Detail)
		}
		t.Logf("%s: %d passed, %d failed, %d unsupported", sub, counts[Pass], counts[Fail], counts[Unsupported])
	}
}

func TestCompare(t *testing.T) {
	f32 := func(v ...float32) *dtype.Array { return dtype.FromF32([]int{len(v)}, v) }
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	tests := []struct {
		name      string
		got, want *dtype.Array
		fail      string // substring of the mismatch, "" for a match
	}{
		{"equal", f32(1, 2), f32(1, 2), ""},
		{"within rtol", f32(1000.9), f32(1000), ""},
		{"outside rtol", f32(1001.2), f32(1000), "element [0] is 1001"},
		{"atol near zero", f32(5e-8), f32(0), ""},
		{"beyond atol", f32(2e-7), f32(0), "element [0]"},
		{"nan matches nan", f32(nan), f32(nan), ""},
		{"nan vs number", f32(nan), f32(1), "element [0]"},
		{"same infinity", f32(inf), f32(inf), ""},
		{"opposite infinity", f32(-inf), f32(inf), "element [0]"},
		{"worst element reported", f32(1, 5, 3.5), f32(1, 2, 3), "element [1] is 5, want 2"},
		{"kind", dtype.FromI64([]int{1}, []int64{1}), f32(1), "kind i64, want f32"},
		{"shape", f32(1, 2), dtype.FromF32([]int{2, 1}, []float32{1, 2}), "shape [2], want [2 1]"},
		{"ints exact", dtype.FromI64([]int{1}, []int64{1001}), dtype.FromI64([]int{1}, []int64{1000}), "element [0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := Compare(tc.got, tc.want)
			if tc.fail == "" {
				assert.Empty(t, msg)
			} else {
				assert.Contains(t, msg, tc.fail)
			}
		})
	}
}

func TestUnknownBackend(t *testing.T) {
	r := Case(filepath.Join(nodeTests, "test_abs"), Options{Backend: "vhdl"})
	assert.Equal(t, Fail, r.Status)
	assert.Equal(t, `backend "vhdl" is not available; kiln has ref, loop, llvm, c`, r.Detail)
}

// TestDataJSONTolerance: a data folder's data.json overrides ONNX's
// tolerance (ONNX's backend-test convention); a bad one is an error.
func TestDataJSONTolerance(t *testing.T) {
	const dir = "../frontend/onnx/testdata/torch/lstm_opset13"
	in, err := os.ReadFile(dir + "/test_data_set_0/input_0.pb")
	require.NoError(t, err)
	want, err := onnx.ReadTensorFile(dir+"/test_data_set_0/output_0.pb", 0)
	require.NoError(t, err)
	want.F32[0] += 0.01
	out, err := proto.Marshal(onnx.EncodeTensor("y", want))
	require.NoError(t, err)
	data := func(json string) fstest.MapFS {
		fsys := fstest.MapFS{
			"test_data_set_0/input_0.pb":  {Data: in},
			"test_data_set_0/output_0.pb": {Data: out},
		}
		if json != "" {
			fsys["data.json"] = &fstest.MapFile{Data: []byte(json)}
		}
		return fsys
	}
	model := File(dir + "/model.onnx")
	tests := []struct {
		json   string
		status Status
		err    string
	}{
		{"", Fail, ""},
		{`{"atol": 0.02}`, Pass, ""},
		{`{"atol": 1e-6}`, Fail, ""},
		{`{"atol": -1}`, Pass, "must not be negative"},
		{`{"atol": "x"}`, Pass, "data.json"},
	}
	for _, tc := range tests {
		t.Run(tc.json, func(t *testing.T) {
			res, err := Eval(model, data(tc.json), Options{})
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, res, 1)
			assert.Equal(t, tc.status, res[0].Status, res[0].Detail)
		})
	}
}
