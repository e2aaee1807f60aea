package onnx

import "fmt"

//go:generate go run gen_versions.go

// opVersion is the version of op in effect at opset, from ONNX's changelog;
// ok is false when the operator does not exist yet at that opset (or is not
// in the default domain at all).
func opVersion(op string, opset int) (v int, ok bool) {
	for _, s := range opVersions[op] {
		if s <= opset {
			v, ok = s, true
		}
	}
	return v, ok
}

// checkOpVersion rejects an operator used at an opset where it does not
// exist, and one whose definition at an opset below MinOpset differs from
// its definition at MinOpset (kiln's parsers implement MinOpset onwards).
func checkOpVersion(op string, opset int) error {
	v, ok := opVersion(op, opset)
	if !ok {
		if vs := opVersions[op]; len(vs) > 0 {
			return fmt.Errorf("%s does not exist at opset %d (it was introduced in opset %d)", op, opset, vs[0])
		}
		return nil // not an ONNX operator: reported as unsupported
	}
	if opset < MinOpset {
		if at6, _ := opVersion(op, MinOpset); at6 != v {
			return fmt.Errorf("%s-%d (opset %d) was redefined as %s-%d by opset %d; kiln reads operators as defined from opset %d on", op, v, opset, op, at6, MinOpset, MinOpset)
		}
	}
	return nil
}
