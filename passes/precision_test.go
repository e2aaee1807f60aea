package passes_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/passes"
)

func fixedP(t *testing.T, s string) passes.Precision {
	f, err := dtype.ParseFixed(s)
	require.NoError(t, err)
	return passes.Precision{Kind: passes.FixedPoint, Fixed: f}
}

// TestParsePrecision: every name, its canonical String and a round trip.
func TestParsePrecision(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"fp32", "fp32"}, {"F32", "fp32"}, {"float32", "fp32"},
		{"fp16", "fp16"}, {"f16", "fp16"}, {"float16", "fp16"},
		{"bf16", "bf16"}, {"bfloat16", "bf16"},
		{"fp8e4m3", "fp8e4m3"}, {"FP8E5M2", "fp8e5m2"}, {" amp ", "amp"},
		{"int8", "int8"}, {"int8:sym", "int8"}, {"int8:tensor", "int8"},
		{"int8:asym", "int8:asym"}, {"int16:channel", "int16:channel"},
		{"int8:channel:asym", "int8:asym:channel"}, {"int8: asym : tensor", "int8:asym"},
		{"fixed<16,6>", "fixed<16,6>"}, {"ufixed<8, 3>", "ufixed<8,3>"},
		{"ap_fixed<12,4,AP_RND_CONV,AP_SAT>", "fixed<12,4,rne,sat>"},
		{"fixed<12,4,sat>", "fixed<12,4,trn,sat>"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			p, err := passes.ParsePrecision(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.String())
			back, err := passes.ParsePrecision(p.String())
			require.NoError(t, err)
			assert.Equal(t, p, back)
		})
	}
}

// TestParsePrecisionSpec: good specs, the struct they give and their
// canonical text.
func TestParsePrecisionSpec(t *testing.T) {
	fp16 := passes.Precision{Kind: passes.FP16}
	int8c := passes.Precision{Kind: passes.Int8, PerChannel: true}
	for _, tc := range []struct {
		in, canon string
		want      passes.PrecisionSpec
	}{
		{in: "fixed<16,6>", canon: "fixed<16,6>",
			want: passes.PrecisionSpec{Default: passes.PrecisionSet{All: fixedP(t, "fixed<16,6>")}}},
		{in: "default=fixed<16,6>", canon: "fixed<16,6>",
			want: passes.PrecisionSpec{Default: passes.PrecisionSet{All: fixedP(t, "fixed<16,6>")}}},
		{in: " default = fixed<16, 6> , lstm = fixed<18,8> ", canon: "default=fixed<16,6>,lstm=fixed<18,8>",
			want: passes.PrecisionSpec{Default: passes.PrecisionSet{All: fixedP(t, "fixed<16,6>")},
				Layers: []passes.LayerPrecision{{Name: "lstm", PrecisionSet: passes.PrecisionSet{All: fixedP(t, "fixed<18,8>")}}}}},
		{in: "default=fixed<16,6>,acc=fixed<32,12>,weights=fixed<8,3>",
			canon: "default=fixed<16,6>,weights=fixed<8,3>,acc=fixed<32,12>",
			want: passes.PrecisionSpec{Default: passes.PrecisionSet{All: fixedP(t, "fixed<16,6>"),
				Weights: fixedP(t, "fixed<8,3>"), Acc: fixedP(t, "fixed<32,12>")}}},
		{in: "lstm.weights=int8:channel", canon: "lstm.weights=int8:channel",
			want: passes.PrecisionSpec{Layers: []passes.LayerPrecision{{Name: "lstm", PrecisionSet: passes.PrecisionSet{Weights: int8c}}}}},
		{in: "default.activations=fp16,conv*.act=fp16,conv=fp16,\"weights\"=fp16",
			canon: "act=fp16,conv=fp16,conv*.act=fp16,\"weights\"=fp16",
			want: passes.PrecisionSpec{Default: passes.PrecisionSet{Act: fp16}, Layers: []passes.LayerPrecision{
				{Name: "conv", PrecisionSet: passes.PrecisionSet{All: fp16}},
				{Name: "conv", Prefix: true, PrecisionSet: passes.PrecisionSet{Act: fp16}},
				{Name: "weights", PrecisionSet: passes.PrecisionSet{All: fp16}}}}},
		{in: `"a,b=c"*.acc=fixed<24,8,rne>,/enc/layers.0/MatMul=amp`,
			canon: `/enc/layers.0/MatMul=amp,"a,b=c"*.acc=fixed<24,8,rne>`,
			want: passes.PrecisionSpec{Layers: []passes.LayerPrecision{
				{Name: "/enc/layers.0/MatMul", PrecisionSet: passes.PrecisionSet{All: passes.Precision{Kind: passes.AMP}}},
				{Name: "a,b=c", Prefix: true, PrecisionSet: passes.PrecisionSet{Acc: fixedP(t, "fixed<24,8,rne>")}}}}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			spec, err := passes.ParsePrecisionSpec(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, spec)
			assert.Equal(t, tc.canon, spec.String())
			back, err := passes.ParsePrecisionSpec(spec.String())
			require.NoError(t, err)
			assert.Equal(t, spec, back)
		})
	}
}

// TestParsePrecisionSpecErrors: each error quotes the spec and says what is
// wrong; a few are pinned exactly, the rest by a telling fragment.
func TestParsePrecisionSpecErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"fixed<4,9>", `precision spec "fixed<4,9>": dtype: fixed type "fixed<4,9>": integer bits I=9 exceed the width W=4`},
		{"int7", `precision spec "int7": precision "int7": int7 is not supported; want int8 or int16`},
		{"fp12", `precision spec "fp12": precision "fp12": fp12 is not supported; want fp32, fp16, bf16, fp8e4m3 or fp8e5m2`},
		{"default=fp16,speed=fast", `precision spec "default=fp16,speed=fast": speed: precision "fast": unknown precision; want fp32, fp16, bf16, fp8e4m3, fp8e5m2, amp, int8, int16, fixed<W,I> or ufixed<W,I>`},
		{"", `precision spec "": empty spec; want fp32, fp16, bf16, fp8e4m3, fp8e5m2, amp, int8, int16, fixed<W,I> or ufixed<W,I>, or KEY=PRECISION items`},
		{"default=fp16,lstm=int8,lstm=int16", `precision spec "default=fp16,lstm=int8,lstm=int16": lstm: given twice (int8 and int16)`},
		{"default=,lstm=fp16", `precision spec "default=,lstm=fp16": default= has no precision after '='`},
		{"default=fixed<16,6,lstm=fp16", `precision spec "default=fixed<16,6,lstm=fp16": '<' at offset 13 is not closed by '>'`},
		{"   ", "empty spec"},
		{"fp8", "fp8 needs a format"},
		{"uint8", "uint8 is not supported"},
		{"int8:asym:sym", `option "sym" conflicts with or repeats`},
		{"int8:fast", `unknown option "fast"`},
		{"fp16:asym", "apply to int8 and int16 only"},
		{"fixed", "want fixed<W,I> or ufixed<W,I>"},
		{"fixed<16,6>>", "'>' at offset 11 has no matching '<'"},
		{"fp16,lstm=fp32", `item "fp16" has no KEY=`},
		{"default=fp16,,lstm=fp32", "item 2 is empty"},
		{"=fp16", `item "=fp16" has no key`},
		{"default=fp16,default=fp32", "default: given twice"},
		{"acc=fp16,accumulators=fp32", "accumulators: given twice (fp16 and fp32)"},
		{"weights=amp", "weights: amp (fp16 products, fp32 sums) applies to a whole layer"},
		{"lstm.acc=int16", "lstm.acc: int16 is not an accumulator type"},
		{"act=int8:channel", "act: per-channel quantisation (int8:channel) applies to weights only"},
		{"*=fp16", "an empty prefix matches every node"},
		{`"lstm=fp16`, "quote at offset 0 is not closed"},
		{`"lstm"x=fp16`, `want weights, act or acc after the quoted layer name, got "x"`},
		{`"lstm"weights=fp16`, `want weights, act or acc after the quoted layer name`},
		{`a"b"=fp16`, "must be quoted"},
		{`"\q"=fp16`, "bad quoted layer name"},
		{`"".acc=fp16`, "empty layer name"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			_, err := passes.ParsePrecisionSpec(tc.in)
			require.Error(t, err)
			if strings.HasPrefix(tc.want, "precision spec ") {
				assert.Equal(t, tc.want, err.Error())
			} else {
				assert.Contains(t, err.Error(), tc.want)
				assert.True(t, strings.HasPrefix(err.Error(), "precision spec "+quote(tc.in)+": "), err.Error())
			}
		})
	}
}

func quote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

const mixedText = `default=fixed<16,6>,weights=fixed<8,3>,acc=fixed<32,12>,enc/*=bf16,lstm=fixed<18,8>,lstm_2.weights=int8:channel,lstm_2.acc=fp32,"weights"=fp16`

// TestReadPrecisionFile: the YAML and JSON files give the text form's spec.
func TestReadPrecisionFile(t *testing.T) {
	want, err := passes.ParsePrecisionSpec(mixedText)
	require.NoError(t, err)
	assert.Equal(t, mixedText, want.String())
	for _, file := range []string{"precision_mixed.yaml", "precision_mixed.json", "precision_text.yaml"} {
		t.Run(file, func(t *testing.T) {
			got, err := passes.ReadPrecisionFile("testdata/" + file)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

// TestReadPrecisionFileErrors: errors name the file, and the line where
// YAML gives one.
func TestReadPrecisionFileErrors(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"precision_bad_repeat.yaml", `precision file "testdata/precision_bad_repeat.yaml": line 4: mapping: key "lstm" repeats`},
		{"precision_bad_type.json", `precision file "testdata/precision_bad_type.json": layers.lstm.acc: int8 is not an accumulator type`},
		{"precision_missing.yaml", `precision file: open testdata/precision_missing.yaml`},
		{"precision_mixed.toml", `want .yaml, .yml or .json`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, err := passes.ReadPrecisionFile("testdata/" + tc.file)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// precisionGraph is x → conv_1 → relu_1 → lstm → y, with conv_1's weight a
// constant.
func precisionGraph() *graph.Graph {
	g := &graph.Graph{Name: "p"}
	x := g.AddTensor("x", dtype.F32, []int{1, 4}, nil)
	w := g.AddTensor("w", dtype.F32, []int{4, 4}, dtype.New(dtype.F32, []int{4, 4}))
	a := g.AddTensor("a", dtype.F32, []int{1, 4}, nil)
	b := g.AddTensor("b", dtype.F32, []int{1, 4}, nil)
	y := g.AddTensor("y", dtype.F32, []int{1, 4}, nil)
	g.AddNode(graph.OpMatMul, "conv_1", []graph.TensorID{x, w}, []graph.TensorID{a}, graph.NoAttrs{})
	g.AddNode(graph.OpRelu, "relu_1", []graph.TensorID{a}, []graph.TensorID{b}, graph.NoAttrs{})
	g.AddNode(graph.OpRelu, "lstm", []graph.TensorID{b}, []graph.TensorID{y}, graph.NoAttrs{})
	g.Inputs, g.Outputs = []graph.TensorID{x}, []graph.TensorID{y}
	return g
}

// TestPrecisionSpecCheck: overrides must name nodes; every unknown one is
// reported, with the graph's node names.
func TestPrecisionSpecCheck(t *testing.T) {
	g := precisionGraph()
	for _, ok := range []string{"fp16", "lstm=fixed<18,8>", "conv*=int8,relu_1.act=fp16", "default=fp32,conv_1.weights=int8:channel"} {
		spec, err := passes.ParsePrecisionSpec(ok)
		require.NoError(t, err)
		assert.NoError(t, spec.Check(g), ok)
	}
	spec, err := passes.ParsePrecisionSpec("default=fp16,lsmt=fixed<18,8>,conv=int8,relu*.acc=fp32,pool*=fp16")
	require.NoError(t, err)
	err = spec.Check(g)
	require.Error(t, err)
	nodes := `the nodes are "conv_1", "relu_1", "lstm"`
	assert.Equal(t, strings.Join([]string{
		`precision spec "default=fp16,conv=int8,lsmt=fixed<18,8>,pool*=fp16,relu*.acc=fp32": layer conv matches no node; ` + nodes,
		`precision spec "default=fp16,conv=int8,lsmt=fixed<18,8>,pool*=fp16,relu*.acc=fp32": layer lsmt matches no node; ` + nodes,
		`precision spec "default=fp16,conv=int8,lsmt=fixed<18,8>,pool*=fp16,relu*.acc=fp32": layer pool* matches no node; ` + nodes,
	}, "\n"), err.Error())
	assert.Error(t, spec.Check(nil))
}

// TestPrecisionSpecCheckClosest: in a large graph the error names the
// closest nodes rather than all of them.
func TestPrecisionSpecCheckClosest(t *testing.T) {
	g := &graph.Graph{}
	in := g.AddTensor("x", dtype.F32, []int{1}, nil)
	for _, name := range []string{"conv_1", "conv_2", "conv_3", "relu_1", "relu_2", "relu_3",
		"pool_1", "pool_2", "gemm_1", "gemm_2", "lstm_1", "lstm_2", "softmax"} {
		out := g.AddTensor(name+"_out", dtype.F32, []int{1}, nil)
		g.AddNode(graph.OpRelu, name, []graph.TensorID{in}, []graph.TensorID{out}, graph.NoAttrs{})
		in = out
	}
	spec, err := passes.ParsePrecisionSpec("lstm_3=fp16,lsmt*=fp16")
	require.NoError(t, err)
	err = spec.Check(g)
	require.Error(t, err)
	assert.Equal(t, `precision spec "lsmt*=fp16,lstm_3=fp16": layer lsmt* matches no node; closest: "lstm_1", "lstm_2"`+"\n"+
		`precision spec "lsmt*=fp16,lstm_3=fp16": layer lstm_3 matches no node; closest: "lstm_1", "lstm_2"`, err.Error())
}

// TestLayerPrecisionMatches: exact names and prefixes.
func TestLayerPrecisionMatches(t *testing.T) {
	exact := passes.LayerPrecision{Name: "lstm"}
	prefix := passes.LayerPrecision{Name: "lstm", Prefix: true}
	assert.True(t, exact.Matches("lstm"))
	assert.False(t, exact.Matches("lstm_1"))
	assert.True(t, prefix.Matches("lstm_1"))
	assert.True(t, prefix.Matches("lstm"))
	assert.False(t, prefix.Matches("lst"))
}
