package passes_test

import (
	"testing"

	"github.com/kiln-hls/kiln/passes"
)

// FuzzParsePrecisionSpec: no input panics, and a spec that parses prints
// as text that parses back to an equal spec, which prints the same.
func FuzzParsePrecisionSpec(f *testing.F) {
	for _, s := range []string{
		"fixed<16,6>", "default=fixed<16,6>,lstm=fixed<18,8>", mixedText,
		"default=fixed<16,6>,acc=fixed<32,12>,weights=fixed<8,3>", "lstm.weights=int8",
		`"a,b"*.acc=ufixed<12,4,rne,sat>`, "int8:asym:channel", "conv*.act=bf16,x=amp",
		"fixed<4,9>", "int7", "fp12", "default=", "fixed<16,6", `"x\"y".weights=fp8e4m3`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := passes.ParsePrecisionSpec(s)
		if err != nil {
			return
		}
		text := spec.String()
		back, err := passes.ParsePrecisionSpec(text)
		if err != nil {
			t.Fatalf("%q parses, but its String %q does not: %v", s, text, err)
		}
		if back.String() != text {
			t.Fatalf("%q: String %q parses back to %q", s, text, back.String())
		}
		if len(back.Layers) != len(spec.Layers) || back.Default != spec.Default {
			t.Fatalf("%q: String %q parses back to a different spec", s, text)
		}
		for i := range back.Layers {
			if back.Layers[i] != spec.Layers[i] {
				t.Fatalf("%q: String %q parses back to a different layer %d", s, text, i)
			}
		}
	})
}
