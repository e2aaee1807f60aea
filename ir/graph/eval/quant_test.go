package eval

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// arr builds an array of kind k from float64 values (rounded as Set does).
func arr(k dtype.Kind, shape []int, vals ...float64) *dtype.Array {
	a := dtype.New(k, shape)
	for i, v := range vals {
		a.Set(i, v)
	}
	return a
}

// runOne evaluates op on the inputs (nil = absent) with attrs.
func runOne(op graph.Op, attrs graph.Attrs, in ...*dtype.Array) (*dtype.Array, error) {
	ids := make([]graph.TensorID, len(in))
	for i, a := range in {
		ids[i] = graph.TensorID(i)
		if a == nil {
			ids[i] = graph.None
		}
	}
	n := &graph.Node{Op: op, Name: "q", In: ids, Out: []graph.TensorID{graph.TensorID(len(in))}, Attrs: attrs}
	out, err := Node(n, in, 0)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func values(a *dtype.Array) []float64 {
	out := make([]float64, a.Len())
	for i := range out {
		out[i] = a.At(i)
	}
	return out
}

// assertValues compares element values, NaN equal to NaN.
func assertValues(t *testing.T, want []float64, got *dtype.Array) {
	t.Helper()
	g := values(got)
	require.Len(t, g, len(want))
	for i := range want {
		if math.IsNaN(want[i]) {
			assert.True(t, math.IsNaN(g[i]), "element %d: want NaN, got %v", i, g[i])
			continue
		}
		assert.Equal(t, want[i], g[i], "element %d", i)
	}
}

func TestCast(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	big := dtype.New(dtype.U64, []int{1})
	big.U64[0] = math.MaxUint64
	i64 := dtype.FromI64([]int{1}, []int64{1<<53 + 1})
	cast := func(to dtype.Kind) graph.CastAttrs { return graph.CastAttrs{To: to, Saturate: true, RoundMode: "up"} }
	tests := []struct {
		name  string
		in    *dtype.Array
		attrs graph.CastAttrs
		want  []float64
	}{
		// float -> int truncates toward zero and wraps like numpy's astype
		{"f32 to i8", arr(dtype.F32, []int{4}, 1.9, -1.9, 300, -129.5), cast(dtype.I8), []float64{1, -1, 44, 127}},
		{"f32 to u8", arr(dtype.F32, []int{2}, -1, 256.7), cast(dtype.U8), []float64{255, 0}},
		{"f32 to i4", arr(dtype.F32, []int{3}, -9, 8, 7.9), cast(dtype.I4), []float64{7, -8, 7}},
		{"f32 nan to i32", arr(dtype.F32, []int{1}, nan), cast(dtype.I32), []float64{0}},
		// Operators.md: 200 (int16) -> -56 (int8)
		{"i16 to i8", arr(dtype.I16, []int{1}, 200), cast(dtype.I8), []float64{-56}},
		{"i64 to u4", arr(dtype.I64, []int{2}, 17, -1), cast(dtype.U4), []float64{1, 15}},
		{"u64 to i64", big, cast(dtype.I64), []float64{-1}},
		{"u64 to f32", big, cast(dtype.F32), []float64{float64(float32(math.MaxUint64))}},
		{"i64 to f32 rounds once", i64, cast(dtype.F32), []float64{1 << 53}},
		{"f32 to bool", arr(dtype.F32, []int{4}, 0, math.Copysign(0, -1), nan, 2), cast(dtype.Bool), []float64{0, 0, 1, 1}},
		{"bool to f16", arr(dtype.Bool, []int{2}, 1, 0), cast(dtype.F16), []float64{1, 0}},
		{"f64 to f16", arr(dtype.F64, []int{3}, 65519, 1e5, 0.1), cast(dtype.F16), []float64{65504, inf, 0.0999755859375}},
		{"f32 to bf16", arr(dtype.F32, []int{1}, 0.47892547), cast(dtype.BF16), []float64{0.478515625}},
		{"f32 to e4m3fn saturating", arr(dtype.F32, []int{3}, 1e6, -inf, 0.3), cast(dtype.F8E4M3FN), []float64{448, -448, 0.3125}},
		{"f32 to e4m3fn not saturating", arr(dtype.F32, []int{2}, 1e6, inf), graph.CastAttrs{To: dtype.F8E4M3FN}, []float64{nan, nan}},
		{"f32 to e5m2 not saturating", arr(dtype.F32, []int{1}, -1e6), graph.CastAttrs{To: dtype.F8E5M2}, []float64{-inf}},
		{"i32 to e4m3fnuz", arr(dtype.I32, []int{2}, 1000, 17), cast(dtype.F8E4M3FNUZ), []float64{240, 16}},
		{"f32 to e8m0 up", arr(dtype.F32, []int{3}, 3, 2.9, 4), cast(dtype.F8E8M0), []float64{4, 4, 4}},
		{"f32 to e8m0 down", arr(dtype.F32, []int{3}, 3, 2.9, 4), graph.CastAttrs{To: dtype.F8E8M0, Saturate: true, RoundMode: "down"}, []float64{2, 2, 4}},
		{"f32 to e8m0 nearest", arr(dtype.F32, []int{3}, 3, 2.9, 0), graph.CastAttrs{To: dtype.F8E8M0, RoundMode: "nearest"}, []float64{4, 2, nan}},
		{"e4m3fn to f16", arr(dtype.F8E4M3FN, []int{1}, 448), cast(dtype.F16), []float64{448}},
		{"i2 to f32", arr(dtype.I2, []int{2}, -2, 1), cast(dtype.F32), []float64{-2, 1}},
		{"zero size", arr(dtype.F32, []int{0, 3}), cast(dtype.I8), []float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := runOne(graph.OpCast, tt.attrs, tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.attrs.To, got.Kind)
			assert.Equal(t, tt.in.Shape, got.Shape)
			assertValues(t, tt.want, got)
		})
	}
}

func TestQuantizeLinear(t *testing.T) {
	f32 := func(shape []int, v ...float64) *dtype.Array { return arr(dtype.F32, shape, v...) }
	scalar := []int{}
	tests := []struct {
		name      string
		attrs     graph.QuantAttrs
		x, s, zp  *dtype.Array
		wantKind  dtype.Kind
		wantValue []float64
	}{
		{"per tensor, default u8, half to even", graph.QuantAttrs{Axis: 1, Saturate: true},
			f32([]int{6}, 0, 1.5, 2.5, -1, 1000, -1000), f32(scalar, 1), nil,
			dtype.U8, []float64{0, 2, 2, 0, 255, 0}},
		{"i8 zero point", graph.QuantAttrs{Axis: 1, Saturate: true},
			f32([]int{3}, 1.25, -1, 100), f32(scalar, 0.5), arr(dtype.I8, scalar, -1),
			dtype.I8, []float64{1, -3, 127}},
		{"per axis", graph.QuantAttrs{Axis: 1, Saturate: true},
			f32([]int{2, 3}, 1, 2, 4, 3, 6, -8), f32([]int{3}, 1, 2, 4), arr(dtype.U8, []int{3}, 0, 10, 20),
			dtype.U8, []float64{1, 11, 21, 3, 13, 18}},
		{"per axis, negative axis", graph.QuantAttrs{Axis: -2, Saturate: true},
			f32([]int{2, 2}, 1, 2, 3, 4), f32([]int{2}, 1, 2), arr(dtype.I16, []int{2}, 0, 0),
			dtype.I16, []float64{1, 2, 2, 2}},
		{"blocked int4 by output_dtype", graph.QuantAttrs{Axis: 1, BlockSize: 2, Saturate: true, Out: dtype.I4},
			f32([]int{2, 4}, 1, 2, 3, 4, 5, 6, 7, 80), f32([]int{2, 2}, 1, 2, 3, 4), nil,
			dtype.I4, []float64{1, 2, 2, 2, 2, 2, 2, 7}},
		{"blocked, last block short", graph.QuantAttrs{Axis: 1, BlockSize: 2},
			f32([]int{1, 5}, 1, 2, 3, 4, 10), f32([]int{1, 3}, 1, 2, 5), arr(dtype.U4, []int{1, 3}, 1, 1, 1),
			dtype.U4, []float64{2, 3, 3, 3, 3}},
		{"float8 saturating", graph.QuantAttrs{Saturate: true, Out: dtype.F8E4M3FN},
			f32([]int{2}, 1000, 0.3), f32(scalar, 1), nil,
			dtype.F8E4M3FN, []float64{448, 0.3125}},
		{"float8 not saturating", graph.QuantAttrs{Out: dtype.F8E4M3FN},
			f32([]int{1}, 1000), f32(scalar, 1), nil,
			dtype.F8E4M3FN, []float64{math.NaN()}},
		{"float4 always saturates", graph.QuantAttrs{},
			f32([]int{2}, 100, 2.5), f32(scalar, 1), arr(dtype.F4E2M1, scalar, 0),
			dtype.F4E2M1, []float64{6, 2}},
		{"f32 precision", graph.QuantAttrs{Out: dtype.U16},
			f32([]int{1}, 100000), f32(scalar, 2), nil,
			dtype.U16, []float64{50000}},
		{"f16 precision overflows", graph.QuantAttrs{Out: dtype.U16, Precision: dtype.F16},
			f32([]int{1}, 100000), f32(scalar, 2), nil,
			dtype.U16, []float64{65535}},
		{"int32 input, i2 output", graph.QuantAttrs{},
			arr(dtype.I32, []int{4}, -5, -2, 2, 5), f32(scalar, 2), arr(dtype.I2, []int{1}, 0),
			dtype.I2, []float64{-2, -1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []*dtype.Array{tt.x, tt.s}
			if tt.zp != nil {
				in = append(in, tt.zp)
			}
			got, err := runOne(graph.OpQuantizeLinear, tt.attrs, in...)
			require.NoError(t, err)
			assert.Equal(t, tt.wantKind, got.Kind)
			assertValues(t, tt.wantValue, got)
		})
	}
}

func TestDequantizeLinear(t *testing.T) {
	scalar := []int{}
	e8 := arr(dtype.F8E8M0, []int{1}, 0.5)
	tests := []struct {
		name      string
		attrs     graph.QuantAttrs
		x, s, zp  *dtype.Array
		wantKind  dtype.Kind
		wantValue []float64
	}{
		// Operators.md DequantizeLinear example
		{"per tensor", graph.QuantAttrs{Axis: 1},
			arr(dtype.U8, []int{4}, 0, 3, 128, 255), arr(dtype.F32, scalar, 2), arr(dtype.U8, scalar, 128),
			dtype.F32, []float64{-256, -250, 0, 254}},
		{"per axis", graph.QuantAttrs{Axis: 0},
			arr(dtype.I8, []int{2, 2}, 1, 2, 3, 4), arr(dtype.F32, []int{2}, 1, 0.5), arr(dtype.I8, []int{2}, 0, 2),
			dtype.F32, []float64{1, 2, 0.5, 1}},
		{"blocked", graph.QuantAttrs{Axis: 0, BlockSize: 2},
			arr(dtype.I4, []int{3, 1}, 1, 2, 3), arr(dtype.F32, []int{2, 1}, 1, 10), nil,
			dtype.F32, []float64{1, 2, 30}},
		{"f16 output overflows", graph.QuantAttrs{Out: dtype.F16},
			arr(dtype.I32, []int{1}, 70000), arr(dtype.F32, scalar, 1), nil,
			dtype.F16, []float64{math.Inf(1)}},
		{"f16 scale gives f16", graph.QuantAttrs{},
			arr(dtype.U8, []int{1}, 3), arr(dtype.F16, scalar, 0.1), nil,
			dtype.F16, []float64{0.2998046875}},
		{"e8m0 scale", graph.QuantAttrs{Out: dtype.F32},
			arr(dtype.I8, []int{1}, 3), e8, nil,
			dtype.F32, []float64{1.5}},
		{"float8 input", graph.QuantAttrs{},
			arr(dtype.F8E4M3FN, []int{2}, 448, -2), arr(dtype.F32, scalar, 0.5), arr(dtype.F8E4M3FN, []int{1}, 1),
			dtype.F32, []float64{223.5, -1.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []*dtype.Array{tt.x, tt.s}
			if tt.zp != nil {
				in = append(in, tt.zp)
			}
			got, err := runOne(graph.OpDequantizeLinear, tt.attrs, in...)
			require.NoError(t, err)
			assert.Equal(t, tt.wantKind, got.Kind)
			assertValues(t, tt.wantValue, got)
		})
	}
}

func TestQuantErrors(t *testing.T) {
	x := arr(dtype.F32, []int{2, 3})
	q := arr(dtype.U8, []int{2, 3})
	s := func(shape ...int) *dtype.Array { return arr(dtype.F32, shape) }
	tests := []struct {
		name  string
		op    graph.Op
		attrs graph.Attrs
		in    []*dtype.Array
		want  string
	}{
		{"per-axis length", graph.OpQuantizeLinear, graph.QuantAttrs{Axis: 1}, []*dtype.Array{x, s(2)}, "per-axis scale has shape [2], want [3]"},
		{"axis out of range", graph.OpQuantizeLinear, graph.QuantAttrs{Axis: 2}, []*dtype.Array{x, s(3)}, "axis 2 out of range for rank 2"},
		{"blocked shape", graph.OpDequantizeLinear, graph.QuantAttrs{Axis: 1, BlockSize: 2}, []*dtype.Array{q, s(2, 1)}, "blocked scale has shape [2 1], want [2 2]"},
		{"negative block", graph.OpDequantizeLinear, graph.QuantAttrs{Axis: 1, BlockSize: -1}, []*dtype.Array{q, s(3)}, "negative"},
		{"zero point shape", graph.OpDequantizeLinear, graph.QuantAttrs{Axis: 1}, []*dtype.Array{q, s(3), arr(dtype.U8, []int{2})}, "zero point shape"},
		{"zero point kind", graph.OpQuantizeLinear, graph.QuantAttrs{Out: dtype.I8}, []*dtype.Array{x, s(), arr(dtype.U8, nil)}, "zero point is u8, output_dtype is i8"},
		{"dequant zero point kind", graph.OpDequantizeLinear, graph.QuantAttrs{}, []*dtype.Array{q, s(), arr(dtype.I8, nil)}, "zero point is i8, input is u8"},
		{"quantize to f32", graph.OpQuantizeLinear, graph.QuantAttrs{Out: dtype.F32}, []*dtype.Array{x, s()}, "cannot quantize to f32"},
		{"quantize bool", graph.OpQuantizeLinear, graph.QuantAttrs{}, []*dtype.Array{arr(dtype.Bool, nil), s()}, "cannot quantize bool"},
		{"e8m0 scale needs output_dtype", graph.OpDequantizeLinear, graph.QuantAttrs{}, []*dtype.Array{q, arr(dtype.F8E8M0, nil, 1)}, "cannot dequantize to f8e8m0"},
		{"dequantize f32", graph.OpDequantizeLinear, graph.QuantAttrs{}, []*dtype.Array{x, s()}, "cannot dequantize f32"},
		{"cast to string", graph.OpCast, graph.CastAttrs{To: dtype.String}, []*dtype.Array{x}, "cannot cast to string"},
		{"cast round mode", graph.OpCast, graph.CastAttrs{To: dtype.F8E8M0, RoundMode: "sideways"}, []*dtype.Array{x}, "round_mode"},
		{"wrong attrs", graph.OpCast, graph.QuantAttrs{}, []*dtype.Array{x}, "want CastAttrs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runOne(tt.op, tt.attrs, tt.in...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
