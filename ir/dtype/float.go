package dtype

import "fmt"

// RoundFloat rounds v to the nearest value of the float kind k (ties to
// even). With saturate, values beyond the kind's largest finite value become
// that value (ONNX Cast's saturate=1 for the float8 types); without, they
// become infinity, or NaN for kinds without infinity.
//
// STUB: only f32 and f64 are implemented yet; the narrow formats are filled
// in by float_narrow.go.
func RoundFloat(k Kind, v float64, saturate bool) float64 {
	switch k {
	case F32:
		return float64(float32(v))
	case F64:
		return v
	}
	return roundNarrow(k, v, saturate)
}

// roundNarrow is replaced when the narrow float formats land.
var _ = fmt.Sprint
