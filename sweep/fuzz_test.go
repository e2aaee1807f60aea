package sweep_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kiln-hls/kiln/sweep"
)

// spaceJSON writes s back as a JSON space file of its canonical values,
// knobs in order.
func spaceJSON(s *sweep.Space) []byte {
	var b strings.Builder
	b.WriteString("{")
	str := func(v string) string { m, _ := json.Marshal(v); return string(m) }
	sep := ""
	if s.Model != "" {
		b.WriteString(`"model":` + str(s.Model))
		sep = ","
	}
	if s.Windows != 0 {
		b.WriteString(sep + `"accuracy_windows":` + strconv.Itoa(s.Windows))
		sep = ","
	}
	for i, k := range s.Knobs {
		var vs []string
		for _, v := range k.Values {
			vs = append(vs, str(v.Text))
		}
		list := "[" + strings.Join(vs, ",") + "]"
		switch {
		case !k.Kind.IsLoop():
			b.WriteString(sep + str(k.Name) + ":" + list)
		case i == 0 || s.Knobs[i-1].Kind != k.Kind:
			b.WriteString(sep + str(k.Kind.String()) + ":{" + str(k.Target) + ":" + list)
		default:
			b.WriteString("," + str(k.Target) + ":" + list)
		}
		if k.Kind.IsLoop() && (i == len(s.Knobs)-1 || s.Knobs[i+1].Kind != k.Kind) {
			b.WriteString("}")
		}
		sep = ","
	}
	b.WriteString("}")
	return []byte(b.String())
}

// FuzzParseSpace: any input gives a space or an error naming the file;
// a space's canonical values read back to the same digest, and its
// designs print as valid JSON.
func FuzzParseSpace(f *testing.F) {
	for _, s := range []string{small, space2000, "clock: 5\n", "precision: [fp32, \"fixed<8,3>\"]\n",
		`{"tile": {"a.b": [1, "2,3"]}, "partition": {"a.c": ["block:2:1"]}}`, "tile: {k.l: {from: 1, to: 64, times: 2}}\n",
		"unroll: {a.b: [none, full, 2:expand]}\ninterchange: {a.b: [none, c]}\n", "clock: {from: 1, to: 2, step: 0.1}\n",
		`{"model": "a\/b\ud83d\ude00", "clock":	[5, 1e1]}`, "placement: [auto, None]\nplace: [none, \"a.b = ram, c=offchip\"]\n",
		"copy: {a.w: [none, j.outer]}\ntile: {a.j: [none, 4]}\n"} {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob("../examples/sweep-*.yaml")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := sweep.ParseSpace("f.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error without the file's name: %v", err)
			}
			if json.Valid(data) && strings.Contains(err.Error(), "space: yaml:") {
				t.Fatalf("valid JSON that YAML does not read: %v", err)
			}
			return
		}
		if s.Size() < 1 {
			t.Fatalf("size %d", s.Size())
		}
		again, err := sweep.ParseSpace("f.json", spaceJSON(s))
		if err != nil {
			t.Fatalf("canonical values do not read back: %v\n%s", err, spaceJSON(s))
		}
		if again.Digest() != s.Digest() {
			t.Fatalf("canonical values read back to another space:\n%s\n%s", s.Canonical(), again.Canonical())
		}
		for _, i := range []uint64{0, s.Size() / 2, s.Size() - 1} {
			d := s.Design(i)
			if !json.Valid(sweep.KnobsJSON(d)) {
				t.Fatalf("design %d: knobs %s", i, sweep.KnobsJSON(d))
			}
			if i > 0 && d.Key() == s.Design(0).Key() {
				t.Fatalf("designs 0 and %d have the key %s", i, d.Key())
			}
			_ = d.Plan()
		}
		for d := range s.Sample(3, 1).All() {
			if d.Index >= s.Size() {
				t.Fatalf("sample %d of %d", d.Index, s.Size())
			}
		}
	})
}
