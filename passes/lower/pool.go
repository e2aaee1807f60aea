package lower

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// pool lowers MaxPool and AveragePool (window from graph.PoolWindow, ceil
// mode and auto_pad included) and their Global forms (one window over all
// spatial axes):
//
//	for n, c, o… { acc = lowest or 0; cnt = 0; for k… { if tap in padded input { cnt += 1; if tap in input { acc = max(acc, x[…]) or acc + x[…] } } }; y[…] = acc or acc / cnt }
//
// cnt, the divisor, counts the taps in the input, or with
// count_include_pad those in the input or its padding; it is left out of
// MaxPool. Floats compute in arith(kind); MaxPool also takes integers
// (lowest is the kind's least value). A float MaxPool, or one with its
// Indices output, is lowered by maxPoolFirst; GlobalMaxPool of floats
// lets a NaN win.
func pool(b *builder) error {
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	k := b.kindIn(0)
	avg := b.n.Op == graph.OpAveragePool || b.n.Op == graph.OpGlobalAveragePool
	global := b.n.Op == graph.OpGlobalAveragePool || b.n.Op == graph.OpGlobalMaxPool
	if !k.IsFloat() && (avg || global || !k.IsInt()) {
		return fmt.Errorf("%v is not defined on %v", b.n.Op, k)
	}
	if len(b.shape(x)) < 3 {
		return fmt.Errorf("input has rank %d, want at least 3 (N x C x D1…)", len(b.shape(x)))
	}
	win, includePad, err := b.poolWindow(b.shape(x))
	if err != nil {
		return err
	}
	pw := b.poolTaps(win, x)
	indices := len(b.n.Out) > 1 && b.n.Out[1] != graph.None
	if indices || b.n.Op == graph.OpMaxPool && k.IsFloat() {
		return b.maxPoolFirst(pw, x, y, indices)
	}
	b.k.Body = b.poolAccumulate(pw, x, y, avg, includePad)
	return nil
}

// poolAccumulate is the nest of an AveragePool, a global pool or an
// integer MaxPool: acc = lowest or 0 (cnt = 0); for taps { acc = max or
// sum }; y = acc or acc / cnt.
func (b *builder) poolAccumulate(pw poolNest, x, y loop.BufID, avg, includePad bool) []loop.Stmt {
	k := b.kindIn(0)
	ak := arith(k)
	acc := b.tempOf("acc", ak)
	xv := convert(ak, k, load(x, pw.xi))
	init, v := lowest(ak), bin(loop.Max, scalar(acc), xv)
	if k.IsFloat() { // GlobalMaxPool: NaN wins, as Go's max in eval's nnGlobalPool
		v = sel(bin(loop.Or, bin(loop.Gt, xv, scalar(acc)), bin(loop.Ne, xv, xv)), xv, scalar(acc))
	}
	if avg {
		init, v = konst(ak, 0), bin(loop.Add, scalar(acc), xv)
	}
	tap := guard(pw.inInput, set(acc, v))
	body := []loop.Stmt{set(acc, init)}
	var result loop.Expr = scalar(acc)
	if avg {
		cnt := b.tempOf("cnt", ak)
		count := []loop.Stmt{set(cnt, bin(loop.Add, scalar(cnt), konst(ak, 1)))}
		if includePad {
			tap = guard(pw.inPadded, append(count, tap...)...)
		} else {
			tap = guard(pw.inInput, append(count, set(acc, v))...)
		}
		body = append(body, set(cnt, konst(ak, 0)))
		result = bin(loop.Div, scalar(acc), scalar(cnt))
	}
	body = append(body, nest(pw.k, pw.win.Kernel, tap...)...)
	body = append(body, store(y, idx(pw.out), convert(k, ak, result)))
	return nest(pw.out, pw.ext, body...)
}

// poolNest is the loops of a pooling node: the output variables n, c, o…
// and their extents, the tap variables k…, x's index at a tap, and the
// conditions that the tap lies in the input and in the padded input (nil:
// always).
type poolNest struct {
	win                graph.Window
	out, k             []loop.VarID
	ext                []int
	xi                 []loop.Index
	xa                 []loop.Affine // x's spatial positions at a tap
	inInput, inPadded  loop.Expr
	channels, spatials int // x's C and the elements of one plane
}

// poolTaps plans the loops of a pooling of x over win.
func (b *builder) poolTaps(win graph.Window, x loop.BufID) poolNest {
	xs := b.shape(x)
	nc := b.vars("n", "c")
	pw := poolNest{win: win, xi: idx(nc), channels: xs[1], spatials: dtype.Size(xs[2:])}
	o := b.axisVars("o", len(win.Out))
	pw.k = b.axisVars("k", len(win.Out))
	pw.out = append(append([]loop.VarID{}, nc...), o...)
	pw.ext = append([]int{xs[0], xs[1]}, win.Out...)
	for d := range win.Out {
		a := loop.V(o[d]).Scale(win.Strides[d]).Add(loop.V(pw.k[d]).Scale(win.Dilations[d])).Add(loop.Lit(-win.PadBegin[d]))
		pw.xi = append(pw.xi, loop.At(a))
		pw.xa = append(pw.xa, a)
		hi := (win.Out[d]-1)*win.Strides[d] + (win.Kernel[d]-1)*win.Dilations[d] - win.PadBegin[d]
		pw.inInput = and(pw.inInput, within(a, 0, win.In[d], -win.PadBegin[d], hi))
		pw.inPadded = and(pw.inPadded, within(a, -win.PadBegin[d], win.In[d]+win.PadEnd[d], -win.PadBegin[d], hi))
	}
	return pw
}

// maxPoolFirst lowers MaxPool taking the first largest tap of each
// window, as ir/graph/eval's nnPoolMax does (a NaN wins only as the first
// tap), and with indices its Indices output: the tap's position in x
// flattened (row-major, or with storage_order 1 column-major within a
// plane). An empty window gives lowest and -1:
//
//	best = lowest; arg = -1; for k… { if tap in input { if arg < 0 || x[…] > best { best = x[…]; arg = position } } }
//
// Without Indices a bool seen stands for arg ≥ 0.
func (b *builder) maxPoolFirst(pw poolNest, x, y loop.BufID, indices bool) error {
	if b.n.Op != graph.OpMaxPool {
		return fmt.Errorf("%v has no Indices output", b.n.Op)
	}
	at, _ := b.n.Attrs.(graph.PoolAttrs)
	k := b.kindIn(0)
	ak := arith(k)
	best := b.tempOf("best", ak)
	xv := convert(ak, k, load(x, pw.xi))
	var mark, unseen loop.Stmt
	var flag loop.BufID
	var fresh loop.Expr
	if indices {
		flag = b.tempOf("arg", dtype.I64)
		fresh = bin(loop.Lt, scalar(flag), loop.Int(dtype.I64, 0))
		mark, unseen = set(flag, pw.position(at.StorageOrder == 1)), set(flag, loop.Int(dtype.I64, -1))
	} else {
		flag = b.tempOf("seen", dtype.Bool)
		fresh = un(loop.Not, scalar(flag))
		mark, unseen = set(flag, loop.Int(dtype.Bool, 1)), set(flag, loop.Int(dtype.Bool, 0))
	}
	first := &loop.If{Cond: bin(loop.Or, fresh, bin(loop.Gt, xv, scalar(best))), Then: []loop.Stmt{set(best, xv), mark}}
	body := []loop.Stmt{set(best, lowest(ak)), unseen}
	body = append(body, nest(pw.k, pw.win.Kernel, guard(pw.inInput, first)...)...)
	body = append(body, store(y, idx(pw.out), convert(k, ak, scalar(best))))
	if indices {
		ind, err := b.out(1)
		if err != nil {
			return err
		}
		if b.kindOut(1) != dtype.I64 {
			return fmt.Errorf("Indices is %v, want i64", b.kindOut(1))
		}
		body = append(body, store(ind, idx(pw.out), scalar(flag)))
	}
	b.k.Body = nest(pw.out, pw.ext, body...)
	return nil
}

// position is the i64 flat index in x of the tap: (n·C + c)·S plus the
// spatial position, row-major or (colMajor) column-major.
func (pw poolNest) position(colMajor bool) loop.Expr {
	pos := loop.V(pw.out[0]).Scale(pw.channels * pw.spatials).Add(loop.V(pw.out[1]).Scale(pw.spatials))
	str := dtype.Strides(pw.win.In)
	if colMajor {
		step := 1
		for d, n := range pw.win.In {
			str[d] = step
			step *= n
		}
	}
	for d, a := range pw.xa {
		pos = pos.Add(a.Scale(str[d]))
	}
	e := affExpr(pos)
	if pos.Const != 0 {
		e = bin(loop.Add, e, loop.Int(dtype.I64, int64(pos.Const)))
	}
	return e
}

// lowest is the least value of kind k: −inf for floats.
func lowest(k dtype.Kind) loop.Expr {
	if k.IsFloat() {
		return konst(k, math.Inf(-1))
	}
	lo, _ := k.IntRange()
	return loop.Int(k, lo)
}

// guard puts body under cond (nil: always).
func guard(cond loop.Expr, body ...loop.Stmt) []loop.Stmt {
	if cond == nil {
		return body
	}
	return []loop.Stmt{&loop.If{Cond: cond, Then: body}}
}

// poolWindow is the node's window over an input of shape xs, and whether
// padded taps count in an average.
func (b *builder) poolWindow(xs []int) (graph.Window, bool, error) {
	if at, ok := b.n.Attrs.(graph.PoolAttrs); ok {
		w, err := graph.PoolWindow(at, xs)
		return w, at.CountIncludePad, err
	}
	n := len(xs) - 2
	if n < 1 {
		return graph.Window{}, false, fmt.Errorf("input has rank %d, want at least 3 (N x C x D1…)", len(xs))
	}
	w := graph.Window{In: xs[2:], Kernel: xs[2:], Strides: ones(n), Dilations: ones(n),
		PadBegin: make([]int, n), PadEnd: make([]int, n), Out: ones(n)}
	return w, false, nil
}

func ones(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}
