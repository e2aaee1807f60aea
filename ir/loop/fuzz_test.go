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
