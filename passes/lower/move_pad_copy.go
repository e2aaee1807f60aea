package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// padRun is a run of positions of an output axis, [at, at+n), that copy
// input positions src, src+step, … (step 0 repeats an edge, −1 mirrors).
// A run with a table reads its input positions from it instead.
type padRun struct {
	at, n, src, step int
	table            loop.BufID
	hasTable         bool
}

// padRuns cuts an axis's map into maximal runs of a constant step.
func padRuns(m []int) []padRun {
	var runs []padRun
	for i := 0; i < len(m); {
		r := padRun{at: i, n: 1, src: m[i]}
		if i+1 < len(m) {
			r.step = m[i+1] - m[i]
		}
		for i+r.n < len(m) && m[i+r.n]-m[i+r.n-1] == r.step {
			r.n++
		}
		runs = append(runs, r)
		i += r.n
	}
	return runs
}

// padCopy lowers the reflect, edge and wrap modes. Each axis's map from
// output to input positions is cut into runs where it is affine (the
// leading pad, the data, the trailing pad; more when a pad exceeds the
// axis), and every combination of one run per axis is a loop nest that
// copies. When the combinations exceed maxPadNests, an axis of several
// runs reads its positions from a constant table instead.
func padCopy(b *builder, x, y loop.BufID, mode string, begin []int) error {
	xs, ys := b.shape(x), b.shape(y)
	axes := make([][]padRun, len(xs))
	nests := 1
	for a := range xs {
		lo, pb := max(-begin[a], 0), max(begin[a], 0)
		size := xs[a] - lo - max(-(ys[a]-xs[a]-begin[a]), 0)
		if size <= 0 {
			return fmt.Errorf("%s pad of axis %d leaves no elements to copy", mode, a)
		}
		axes[a] = padRuns(padMap(mode, ys[a], pb, lo, size))
		nests *= len(axes[a])
		if nests > maxPadNests {
			nests = maxPadNests + 1
		}
	}
	if nests > maxPadNests {
		for a, runs := range axes {
			if len(runs) > 1 {
				axes[a] = []padRun{padTable(b, a, runs)}
			}
		}
	}
	pick := make([]int, len(xs))
	for {
		b.k.Body = append(b.k.Body, padNest(b, x, y, axes, pick)...)
		a := len(pick) - 1
		for ; a >= 0; a-- {
			if pick[a]++; pick[a] < len(axes[a]) {
				break
			}
			pick[a] = 0
		}
		if a < 0 {
			return nil
		}
	}
}

// padTable is one run over a whole axis that reads the input positions of
// runs from a constant i64 table.
func padTable(b *builder, a int, runs []padRun) padRun {
	last := runs[len(runs)-1]
	n := last.at + last.n
	v := make([]int64, n)
	for _, r := range runs {
		for k := range r.n {
			v[r.at+k] = int64(r.src + k*r.step)
		}
	}
	buf := b.k.NewBuffer(&loop.Buffer{Name: b.unique(fmt.Sprintf("pad_map%d", a)), Kind: dtype.I64,
		Shape: []int{n}, Role: loop.Constant, Init: dtype.FromI64([]int{n}, v)})
	return padRun{n: n, table: buf, hasTable: true}
}

// padNest copies the combination of runs pick (one per axis).
func padNest(b *builder, x, y loop.BufID, axes [][]padRun, pick []int) []loop.Stmt {
	var vs []loop.VarID
	var ext []int
	xi, yi := make([]loop.Index, len(axes)), make([]loop.Index, len(axes))
	for a, runs := range axes {
		r := runs[pick[a]]
		ya, xa := loop.Lit(r.at), loop.Lit(r.src)
		if r.n > 1 {
			v := b.k.NewVar(b.unique(fmt.Sprintf("i%d", a)))
			vs, ext = append(vs, v), append(ext, r.n)
			ya, xa = ya.Add(loop.V(v)), xa.Add(loop.V(v).Scale(r.step))
		}
		xi[a], yi[a] = loop.At(xa), loop.At(ya)
		if r.hasTable {
			xi[a] = loop.Index{Dyn: load(r.table, []loop.Index{yi[a]})}
		}
	}
	return nest(vs, ext, store(y, yi, load(x, xi)))
}
