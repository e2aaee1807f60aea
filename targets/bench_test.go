package targets

import "testing"

// BenchmarkOpCost: the simulator asks once per operation kind per design
// point.
func BenchmarkOpCost(b *testing.B) {
	d, err := Lookup("xc7vx690t-3ffg1930-VVD")
	if err != nil {
		b.Fatal(err)
	}
	keys := []OpKey{{"add", "int", 32}, {"mul", "float", 32}, {"exp", "float", 32}, {"load", "float", 32}}
	for b.Loop() {
		for _, k := range keys {
			if _, err := d.OpCost(k, 10); err != nil {
				b.Fatal(err)
			}
		}
	}
}
