package sweep_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/sweep"
)

const small = `# a small space
model: lstm
precision: [fp32, "fixed<16,6>"]
device: nangate45
clock: {from: 5, to: 6, step: 0.5}
channels: [1, 2]
tile:
  gemm.j: [none, 8, "16,8"]
unroll:
  gemm.k: [1, 4, full:expand]
partition:
  gemm.w: [none, "cyclic:4:1", complete]
`

func parse(t *testing.T, text string) *sweep.Space {
	t.Helper()
	s, err := sweep.ParseSpace("space.yaml", []byte(text))
	require.NoError(t, err)
	return s
}

func TestParseSpace(t *testing.T) {
	s := parse(t, small)
	assert.Equal(t, "lstm", s.Model)
	var got []string
	for _, k := range s.Knobs {
		var vs []string
		for _, v := range k.Values {
			vs = append(vs, v.Text)
		}
		got = append(got, fmt.Sprintf("%s@%d=%s", k.Name, k.Line, strings.Join(vs, "|")))
	}
	assert.Equal(t, []string{
		"precision@3=fp32|fixed<16,6>",
		"device@4=nangate45",
		"clock@5=5|5.5|6",
		"channels@6=1|2",
		"tile:gemm.j@8=none|8|16,8",
		"unroll:gemm.k@10=none|4|full:expand",
		"partition:gemm.w@12=none|cyclic:4:1|complete",
	}, got)
	assert.Equal(t, uint64(2*3*2*3*3*3), s.Size())
	assert.Equal(t, "precision 2 × device 1 × clock 3 × channels 2 × tile:gemm.j 3 × unroll:gemm.k 3 × partition:gemm.w 3 = 324 designs", s.String())
	assert.Equal(t, "no knobs = 1 design", parse(t, "model: m\n").String())
	assert.Equal(t, 12, s.Knob("partition:gemm.w").Values[1].Line)
	assert.Nil(t, s.Knob("batch"))
}

func TestParseSpaceJSON(t *testing.T) {
	y := parse(t, small)
	j, err := sweep.ParseSpace("space.json", []byte(`{
	"model": "lstm",
	"precision": ["fp32", "fixed<16,6>"], "device": ["nangate45"],
	"clock": {"from": 5, "to": 6, "step": 0.5}, "channels": [1, 2.0],
	"tile": {"gemm.j": ["none", 8, "16,8"]},
	"unroll": {"gemm.k": [1, 4, "full:expand"]},
	"partition": {"gemm.w": ["none", "cyclic:4:1", "complete"]}
}`))
	require.NoError(t, err)
	assert.Equal(t, y.Digest(), j.Digest(), "the same space in JSON")
	assert.Equal(t, 5, j.Knob("tile:gemm.j").Line)
	assert.Equal(t, 3, j.Knob("precision").Values[1].Line)

	// JSON that YAML alone would refuse: escapes it does not know, tabs,
	// a byte-order mark.
	j, err = sweep.ParseSpace("space.json", []byte("\ufeff{\"model\": \"a\\/b\\ud83d\\ude00\",\n\t\"clock\":\t[5]}"))
	require.NoError(t, err)
	assert.Equal(t, "a/b\U0001F600", j.Model)
	assert.Equal(t, 2, j.Knob("clock").Line)
}

func TestParseSpaceErrors(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"unknown knob", "precision: fp32\ntiles: {a.b: 2}\n", `space.yaml:2: sweep: unknown knob "tiles"`},
		{"empty range", "clock: {from: 10, to: 5}\n", "space.yaml:1: sweep: knob clock: empty range: from 10 > to 5"},
		{"endless range", "clock: {from: 1, to: 5, step: 0}\n", "knob clock: endless range"},
		{"geometric", "channels: {from: 1, to: 5, times: 1}\n", "knob channels: empty or endless range"},
		{"range keys", "clock: {from: 1, upto: 5}\n", `range key "upto"`},
		{"empty list", "device: []\n", "space.yaml:1: sweep: knob device: an empty list"},
		{"null", "device:\n", "knob device: no value"},
		{"bad precision", "precision:\n  - fp16\n  - fp17\n", `space.yaml:3: sweep: knob precision: value fp17: precision spec "fp17"`},
		{"split fixed", "precision: [fixed<16,6>]\n", "quote it"},
		{"bad device", "device: [nangate45, vu9p]\n", "space.yaml:1: sweep: knob device: value vu9p"},
		{"duplicate value", "clock:\n  - 5\n  - 5.0\n", "space.yaml:3: sweep: knob clock: value 5.0 given twice (as 5, first at line 2)"},
		{"duplicate knob", "clock: 5\nclock: 6\n", "space.yaml:2: sweep: knob clock given twice (first at line 1)"},
		{"duplicate loop", "tile:\n  g.j: 2\n  g.j: 4\n", "space.yaml:3: sweep: knob tile:g.j given twice (first at line 2)"},
		{"bad tile", "tile:\n  g.j: [2, 0]\n", "space.yaml:2: sweep: knob tile:g.j: value 0: tile size 0 (want 1 ≤ tile size < 2^31)"},
		{"tile full", "tile: {g.j: full}\n", "full is an unroll factor"},
		{"bad unroll", "unroll: {g.k: [2, 3x]}\n", "knob unroll:g.k: value 3x"},
		{"bad partition", "partition: {g.w: cyclic}\n", "cyclic needs a factor"},
		{"bad target", "tile: {gemm: 4}\n", `knob tile:gemm: "gemm" is not KERNEL.LOOP`},
		{"two specs", "unroll: {g.k: \"2,g.j=4\"}\n", "knob unroll:g.k"},
		{"loop not a mapping", "tile: [4]\n", "knob tile: want a mapping of KERNEL.LOOP to values"},
		{"channels", "channels: 1.5\n", "1.5 is not an integer"},
		{"clock zero", "clock: 0\n", "0 is out of range"},
		{"batch", "batch: -1\n", "-1 is out of range"},
		{"list of lists", "clock: [[5]]\n", "a list holds values, not a list"},
		{"not a mapping", "- fp32\n", "want a mapping of knobs"},
		{"empty", "# nothing\n", "space.yaml: sweep: space: empty file"},
		{"model", "model: [lstm]\n", "model: want a model's name"},
		{"yaml", "clock: [5\n", "space.yaml: sweep: space: yaml:"},
		{"alias", "a: &x [5]\nclock: *x\n", `unknown knob "a"`},
		{"alias value", "clock: &x [5]\nchannels: *x\n", "knob channels: want a value, a list or a range"},
		{"huge range", "clock: {from: 1, to: 1000000, step: 1}\n", "more than 65536 values"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := sweep.ParseSpace("space.yaml", []byte(c.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	t.Run("json syntax", func(t *testing.T) {
		_, err := sweep.ParseSpace("space.json", []byte("{\n\"clock\": [5,]\n}"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "space.json:2: sweep: space:")
	})
	t.Run("all at once", func(t *testing.T) {
		_, err := sweep.ParseSpace("space.yaml", []byte("clock: 0\nbatch: 0\nfoo: 1\n"))
		require.Error(t, err)
		assert.Equal(t, 3, strings.Count(err.Error(), "space.yaml:"), err.Error())
	})
	t.Run("too big", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("tile:\n")
		for i := range 7 {
			fmt.Fprintf(&b, "  k.l%d: {from: 1, to: 1000}\n", i)
		}
		_, err := sweep.ParseSpace("space.yaml", []byte(b.String()))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "more than 2^64 designs")
	})
}

func TestCheck(t *testing.T) {
	s := parse(t, "tile:\n  g.j: [2, 4, 64]\n  g.k: [none, 8]\nclock: [1, 5]\n")
	trips := map[string]int{"g.j": 32, "g.k": 4}
	err := s.Check(func(k *sweep.Knob, v *sweep.Value) error {
		switch {
		case k.Kind == sweep.KindClock && v.Num < 2:
			return fmt.Errorf("faster than the device's %v ns", 2)
		case k.Kind == sweep.KindTile && v.Step != nil:
			var n int
			fmt.Sscan(v.Text, &n)
			if n > trips[k.Target] {
				return fmt.Errorf("tile %d is larger than the loop (%d iterations)", n, trips[k.Target])
			}
		}
		return nil
	})
	require.Error(t, err)
	assert.Equal(t, "space.yaml:4: sweep: knob clock: value 1: faster than the device's 2 ns\n"+
		"space.yaml:2: sweep: knob tile:g.j: value 64: tile 64 is larger than the loop (32 iterations)\n"+
		"space.yaml:3: sweep: knob tile:g.k: value 8: tile 8 is larger than the loop (4 iterations)", err.Error())
	assert.NoError(t, s.Check(func(*sweep.Knob, *sweep.Value) error { return nil }))
}

func TestDigest(t *testing.T) {
	a := parse(t, small)
	b := parse(t, "# reformatted\n"+strings.ReplaceAll(small, "{from: 5, to: 6, step: 0.5}", "[5.0, 5.5, 6]"))
	assert.Equal(t, a.Digest(), b.Digest(), "formatting and how values are written do not count")
	assert.Regexp(t, "^sha256:[0-9a-f]{64}$", a.Digest())
	for _, edit := range [][2]string{
		{"channels: [1, 2]", "channels: [2, 1]"}, // order numbers the designs
		{"model: lstm", "model: cnn"},
		{"device: nangate45", "device: asap7"},
		{"gemm.k: [1, 4", "gemm.k: [2, 4"},
	} {
		c := parse(t, strings.Replace(small, edit[0], edit[1], 1))
		assert.NotEqual(t, a.Digest(), c.Digest(), edit[1])
	}
}

// TestDesign checks the mixed-radix numbering against a product built by
// nested loops, and the accessors.
func TestDesign(t *testing.T) {
	s := parse(t, small)
	var want []string
	var rec func(k int, prefix []string)
	rec = func(k int, prefix []string) {
		if k == len(s.Knobs) {
			want = append(want, strings.Join(prefix, " "))
			return
		}
		for _, v := range s.Knobs[k].Values {
			text := v.Text
			if strings.ContainsAny(text, " \"=") {
				text = fmt.Sprintf("%q", text)
			}
			rec(k+1, append(append([]string(nil), prefix...), s.Knobs[k].Name+"="+text))
		}
	}
	rec(0, nil)
	require.Len(t, want, int(s.Size()))
	keys := map[string]bool{}
	for i := range s.Size() {
		d := s.Design(i)
		assert.Equal(t, want[i], d.Key())
		keys[d.Key()] = true
		for k, v := range d.Values() {
			assert.Same(t, v, d.Value(k))
		}
	}
	assert.Len(t, keys, int(s.Size()))

	d := s.Design(s.Size() - 1)
	assert.Equal(t, "precision=fixed<16,6> device=nangate45 clock=6 channels=2 tile:gemm.j=16,8 unroll:gemm.k=full:expand partition:gemm.w=complete", d.Key())
	p, ok := d.Precision()
	assert.True(t, ok)
	assert.Equal(t, "fixed<16,6>", p.String())
	dev, _ := d.Device()
	clock, _ := d.ClockNS()
	ch, _ := d.Channels()
	_, hasBatch := d.Batch()
	assert.Equal(t, []any{"nangate45", 6.0, 2, false}, []any{dev, clock, ch, hasBatch})
	assert.Equal(t, "tile gemm.j=16,8\nunroll gemm.k=full:expand\npartition gemm.w=complete\n", d.Plan().String())
	assert.Equal(t, "space.yaml:8", d.Plan()[0].Source)
	assert.Empty(t, s.Design(0).Plan(), "none, unroll 1 and none add no step")
	assert.Panics(t, func() { s.Design(s.Size()) })
}

func TestSample(t *testing.T) {
	for _, size := range []int{1, 2, 3, 7, 64, 100, 1000, 4097} {
		s := parse(t, fmt.Sprintf("tile: {k.l: {from: 1, to: %d}}\n", size))
		require.Equal(t, uint64(size), s.Size())
		for _, n := range []uint64{0, 1, uint64(size) / 3, uint64(size), uint64(size) + 5} {
			a, b := s.Sample(n, 42), s.Sample(n, 42)
			assert.Equal(t, min(n, uint64(size)), a.Len())
			seen := map[uint64]bool{}
			for j := range a.Len() {
				i := a.At(j).Index
				assert.Less(t, i, uint64(size))
				assert.False(t, seen[i], "size %d n %d: %d twice", size, n, i)
				seen[i] = true
				assert.Equal(t, i, b.At(j).Index, "deterministic")
			}
		}
	}
	s := parse(t, "tile: {k.l: {from: 1, to: 1000}}\n")
	a, b := s.Sample(100, 1), s.Sample(100, 2)
	same := 0
	for j := range a.Len() {
		if a.At(j).Index == b.At(j).Index {
			same++
		}
	}
	assert.Less(t, same, 10, "another seed, another sample")
	// A sample is spread over the space: its mean index is near the middle.
	c := s.Sample(500, 7)
	var sum float64
	for d := range c.All() {
		sum += float64(d.Index)
	}
	assert.InDelta(t, 500, sum/500, 50)
}

func TestShard(t *testing.T) {
	s := parse(t, small)
	r := rand.New(rand.NewPCG(1, 2))
	for _, set := range []sweep.Set{s.All(), s.Sample(100, 9), s.Sample(1, 3)} {
		for n := 1; n <= 7; n++ {
			var all []uint64
			for i := range n {
				sh, err := set.Shard(i, n)
				require.NoError(t, err)
				assert.InDelta(t, float64(set.Len())/float64(n), float64(sh.Len()), 1)
				for d := range sh.All() {
					all = append(all, d.Index)
				}
			}
			var want []uint64
			for d := range set.All() {
				want = append(want, d.Index)
			}
			assert.Equal(t, want, all, "shards of %d cover the set in order", n)
		}
		i := r.IntN(3)
		sh, _ := set.Shard(i, 3)
		sub, err := sh.Shard(0, 2)
		require.NoError(t, err)
		if sub.Len() > 0 {
			assert.Equal(t, sh.At(0), sub.At(0))
		}
	}
	for _, bad := range [][2]int{{0, 0}, {3, 3}, {-1, 2}} {
		_, err := s.All().Shard(bad[0], bad[1])
		assert.Error(t, err)
	}
}

func TestParseShard(t *testing.T) {
	i, n, err := sweep.ParseShard("1/3")
	require.NoError(t, err)
	assert.Equal(t, [2]int{1, 3}, [2]int{i, n})
	for _, bad := range []string{"3/3", "1", "-1/3", "a/b", "0/0", "1/3/4"} {
		_, _, err := sweep.ParseShard(bad)
		assert.Error(t, err, bad)
	}
}

// TestParseSpaceCopy: copy knobs are keyed KERNEL.BUFFER, take a loop or
// none, and come after the interchanges and before the unrolls, in the
// design numbering and in each design's plan, whatever the file's order.
func TestParseSpaceCopy(t *testing.T) {
	s := parse(t, "unroll: {g.k: [none, 2]}\ncopy: {g.w: [none, j.outer]}\ninterchange: {g.i: [none, j]}\ntile: {g.j: [none, 8]}\n")
	var names []string
	for _, k := range s.Knobs {
		names = append(names, k.Name)
	}
	assert.Equal(t, []string{"tile:g.j", "interchange:g.i", "copy:g.w", "unroll:g.k"}, names)
	d := s.Design(s.Size() - 1)
	assert.Equal(t, "tile g.j=8\ninterchange g.i=j\ncopy g.w=j.outer\nunroll g.k=2\n", d.Plan().String())
	assert.Equal(t, "space.yaml:2", d.Plan()[2].Source)
	for _, c := range []struct{ text, want string }{
		{"copy: {g.w: [\"j,k\"]}\n", "knob copy:g.w: value"},
		{"copy: {gw: j}\n", `knob copy:gw: "gw" is not KERNEL.LOOP (KERNEL.BUFFER for copy and partition)`},
	} {
		_, err := sweep.ParseSpace("space.yaml", []byte(c.text))
		require.Error(t, err, c.text)
		assert.Contains(t, err.Error(), c.want)
	}
}

// TestParseSpaceJSONRaw: a JSON string may hold characters YAML does not
// read raw as themselves (DEL, a C1 control, NEL and U+2028/9, which
// YAML takes for line breaks): the value is kept and later lines keep
// their numbers in errors.
func TestParseSpaceJSONRaw(t *testing.T) {
	for _, c := range []string{"\x7f", "\u0085", "\u0090", "\u2028", "\u2029"} {
		s, err := sweep.ParseSpace("s.json", []byte("{\"model\": \"a"+c+"b\",\n \"clock\": [5]}"))
		require.NoError(t, err, "%q", c)
		assert.Equal(t, "a"+c+"b", s.Model, "%q", c)
		_, err = sweep.ParseSpace("s.json", []byte("{\"model\": \"a"+c+"b\",\n \"clock\": \"x\"}"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "s.json:2:", "%q", c)
	}
}
