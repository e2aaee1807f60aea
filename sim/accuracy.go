package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// Accuracy compares a model's outputs with reference (fp32) outputs over
// every element of every float output.
type Accuracy struct {
	N         int     `json:"n"`          // elements compared
	RMSE      float64 `json:"rmse"`       // root mean square error
	MaxAbs    float64 `json:"max_abs"`    // largest absolute error
	RefRMS    float64 `json:"ref_rms"`    // root mean square of the reference
	RelRMSE   float64 `json:"rel_rmse"`   // RMSE / RefRMS (0 when both are 0)
	NonFinite int     `json:"non_finite"` // outputs that are NaN or ±Inf where the reference is finite
}

// Compare computes the accuracy of got against ref, output by output (same
// count, shapes and float kinds). Non-finite outputs are counted, and make
// RMSE and MaxAbs +Inf, rather than hidden.
func Compare(ref, got []*dtype.Array) (Accuracy, error) {
	if len(ref) != len(got) {
		return Accuracy{}, fmt.Errorf("sim: %d outputs, %d reference outputs", len(got), len(ref))
	}
	var a Accuracy
	var sq, refSq float64
	for i := range ref {
		r, g := ref[i], got[i]
		if !r.Kind.IsFloat() || !g.Kind.IsFloat() || !slices.Equal(r.Shape, g.Shape) {
			return Accuracy{}, fmt.Errorf("sim: output %d is %v%v, the reference %v%v", i, g.Kind, g.Shape, r.Kind, r.Shape)
		}
		for j := range r.Len() {
			rv, gv := r.At(j), g.At(j)
			if math.IsNaN(rv) || math.IsInf(rv, 0) {
				continue // nothing to compare with
			}
			a.N++
			refSq += rv * rv
			d := math.Abs(gv - rv)
			if math.IsNaN(d) || math.IsInf(d, 0) {
				a.NonFinite++
				d = math.Inf(1)
			}
			sq += d * d
			a.MaxAbs = max(a.MaxAbs, d)
		}
	}
	if a.N == 0 {
		return a, nil
	}
	a.RMSE = math.Sqrt(sq / float64(a.N))
	a.RefRMS = math.Sqrt(refSq / float64(a.N))
	switch {
	case a.RefRMS > 0:
		a.RelRMSE = a.RMSE / a.RefRMS
	case a.RMSE > 0:
		a.RelRMSE = math.Inf(1)
	}
	return a, nil
}

// OutputsSHA256 is a hex SHA-256 of outputs: for each, its kind's name,
// its shape and its elements' bits little-endian (floats as the IEEE bits
// of their storage: float32 for f32 and the narrow floats, float64 for
// f64; integers and fixed-point raws as 64-bit two's complement; bools as
// one byte). Equal digests mean bit-identical outputs.
func OutputsSHA256(outs []*dtype.Array) string {
	h := sha256.New()
	var b [8]byte
	for _, a := range outs {
		fmt.Fprintf(h, "%v%v;", a.Kind, a.Shape)
		for i := range a.Len() {
			switch a.Kind.Class() {
			case dtype.ClassFloat:
				binary.LittleEndian.PutUint32(b[:4], math.Float32bits(a.F32[i]))
				h.Write(b[:4])
				continue
			case dtype.ClassDouble:
				binary.LittleEndian.PutUint64(b[:], math.Float64bits(a.F64[i]))
			case dtype.ClassUint:
				binary.LittleEndian.PutUint64(b[:], a.U64[i])
			case dtype.ClassBool:
				h.Write([]byte{boolByte(a.Bool[i])})
				continue
			default: // ints and fixed-point raws
				binary.LittleEndian.PutUint64(b[:], uint64(a.Int(i)))
			}
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// Functional runs p on args (inputs then outputs, as exec.Whole.Run takes
// them) through the bit-accurate interpreter and returns its fixed-point
// narrowing statistics.
func Functional(p *loop.Program, args []*dtype.Array) (exec.Stats, error) {
	w, err := exec.CompileProgram(p)
	if err != nil {
		return exec.Stats{}, err
	}
	if err := w.Run(args); err != nil {
		return exec.Stats{}, err
	}
	return w.Stats(), nil
}
