package loop

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop/looptest"
)

// FuzzParse: the parser and the verifier never panic, and whatever parses
// prints as text that parses back to the same text.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.kir")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, src := range fixedSeeds {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		k, err := Parse(src, looptest.Data(src))
		if err != nil {
			return
		}
		_ = Verify(k)
		text := k.String()
		k2, err := Parse(text, constants(k))
		if err != nil {
			t.Fatalf("printed kernel does not parse: %v\n%s", err, text)
		}
		if again := k2.String(); again != text {
			t.Fatalf("round trip differs:\n%s\n---\n%s", text, again)
		}
	})
}

// constants maps each constant with values to them.
func constants(k *Kernel) map[string]*dtype.Array {
	m := map[string]*dtype.Array{}
	for _, b := range k.Buffers {
		if b.Init != nil {
			m[b.Name] = b.Init
		}
	}
	return m
}

// fixedSeeds exercise fixed-point kinds at their extremes: 64-bit constants
// whose exact values need dozens of digits, unsigned ones, inline data.
var fixedSeeds = []string{
	`kernel f(in x: fixed<64,0>[2], out y: fixed<64,64,rne,sat>[2], out z: fixed<8,3>[2]) {
  for i in 0..2 {
    y[i] = cast<fixed<64,64,rne,sat>>(max(x[i], 0.4999999999999999999457898913757247782996273599565029144287109375:fixed<64,0>))
    z[i] = cast<fixed<8,3>>(cast<fixed<32,1>>(x[i]) + -0.5:fixed<32,1>)
  }
}
`,
	`kernel g(const c: ufixed<63,1>[2] = {1.99999999999999999978315956550289911319850943982601165771484375, 0}, out y: fixed<8,3,rnd,sat>[2], out w: fixed<8,3>[2]) {
  for i in 0..2 {
    y[i] = cast<fixed<8,3,rnd,sat>>(-c[i])
    w[i] = cast<fixed<8,3>>(abs(cast<fixed<12,4>>(c[i]) * -1.5:fixed<4,2>))
  }
}
`,
}
