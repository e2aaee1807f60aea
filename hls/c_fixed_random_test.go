package hls

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// cfxGen builds random fixed-point expressions of the loop IR, as text,
// over the inputs of cfxGen.ins, keeping every exact type within 64 bits.
type cfxGen struct {
	rng *rand.Rand
	ins []dtype.Fixed // input r<n> has type ins[n]
}

// typ is a random fixed type: W 1..64 (63 unsigned), any I, any modes.
func (g *cfxGen) typ() dtype.Fixed {
	f := dtype.Fixed{W: 1 + g.rng.IntN(64), Unsigned: g.rng.IntN(3) == 0,
		Round: dtype.Rounding(g.rng.IntN(3)), Overflow: dtype.Overflow(g.rng.IntN(2))}
	if f.Unsigned && f.W == 64 {
		f.W = 63
	}
	f.I = g.rng.IntN(f.W + 1)
	return f
}

// fits reports whether t is an exact type the loop IR holds.
func cfxFits(t dtype.Fixed) bool { return t.W <= 64 && !(t.Unsigned && t.W > 63) }

// expr is a random expression of at most depth levels and its type.
func (g *cfxGen) expr(depth int) (string, dtype.Fixed) {
	if depth == 0 || g.rng.IntN(5) == 0 {
		return g.leaf()
	}
	x, tx := g.expr(depth - 1)
	switch g.rng.IntN(8) {
	case 0, 1, 2: // Add, Sub, Mul
		y, ty := g.expr(depth - 1)
		op := []string{"+", "-", "*"}[g.rng.IntN(3)]
		t := map[string]func(a, b dtype.Fixed) dtype.Fixed{"+": dtype.AddType, "-": dtype.SubType, "*": dtype.MulType}[op](tx, ty)
		if !cfxFits(t) {
			return g.cast(x, tx)
		}
		return fmt.Sprintf("(%s %s %s)", x, op, y), t
	case 3: // Neg, Abs
		t := dtype.SubType(tx, tx)
		if !cfxFits(t) {
			return g.cast(x, tx)
		}
		if g.rng.IntN(2) == 0 {
			return "(-" + x + ")", t
		}
		return "abs(" + x + ")", t
	case 4: // Min, Max, Select on one kind
		y, _ := g.expr(depth - 1)
		y = fmt.Sprintf("cast<%v>(%s)", tx, y)
		switch g.rng.IntN(3) {
		case 0:
			return fmt.Sprintf("min(%s, %s)", x, y), tx
		case 1:
			return fmt.Sprintf("max(%s, %s)", x, y), tx
		}
		return fmt.Sprintf("select(%s <= %s, %s, %s)", x, y, y, x), tx
	case 5: // through a float or an integer kind
		k := []string{"f64", "f32", "i16", "u64", "i64"}[g.rng.IntN(5)]
		t := g.typ()
		return fmt.Sprintf("cast<%v>(cast<%s>(%s))", t, k, x), t
	}
	return g.cast(x, tx)
}

// cast casts x to a random type.
func (g *cfxGen) cast(x string, _ dtype.Fixed) (string, dtype.Fixed) {
	t := g.typ()
	return fmt.Sprintf("cast<%v>(%s)", t, x), t
}

// leaf is an input element or a constant (printed exactly).
func (g *cfxGen) leaf() (string, dtype.Fixed) {
	if g.rng.IntN(4) > 0 {
		n := g.rng.IntN(len(g.ins))
		return fmt.Sprintf("r%d[i]", n), g.ins[n]
	}
	f := dtype.Fixed{W: 1 + g.rng.IntN(40), Unsigned: g.rng.IntN(2) == 0}
	f.I = g.rng.IntN(f.W + 1)
	raw := dtype.WrapRaw(f, int64(g.rng.Uint64()))
	return "(" + strconv.FormatFloat(dtype.ToFloat(f, raw), 'f', f.FracBits(), 64) + ":" + f.String() + ")", f
}

// TestCFixedRandom: random expressions of fixed-point operations and casts
// (seeded), on random raws of inputs of 8 to 64 bits, computed by the
// emitted C and by exec, bit for bit.
func TestCFixedRandom(t *testing.T) {
	gcc := cNeedGCC(t)
	rng := rand.New(rand.NewPCG(10, 1))
	g := &cfxGen{rng: rng, ins: []dtype.Fixed{{W: 8, I: 3}, {W: 12, I: 4, Unsigned: true}, {W: 24, I: 10},
		{W: 32, I: 20, Unsigned: true}, {W: 40, I: 30}, {W: 20, I: 2, Unsigned: true}, {W: 64, I: 20}}}
	const n, nexpr = 256, 80
	var ins []cfxIn
	for fi, f := range g.ins {
		raws := cfxRandomRaws(f, n, rng)
		ins = append(ins, cfxIn{fmt.Sprintf("r%d", fi), cfxArray(cfxKind(f), []int{n}, nil, func(i int) int64 { return raws[i] })})
	}
	var outs []cfxOut
	for e := range nexpr {
		x, _ := g.expr(4)
		to := g.typ()
		outs = append(outs, cfxOut{fmt.Sprintf("y%d", e), fmt.Sprintf("cast<%v>(%s)", to, x), dtype.New(cfxKind(to), []int{n})})
	}
	k := cfxKernel(t, "fx_random", []int{n}, ins, outs)
	f, err := EmitC(k)
	require.NoError(t, err)
	args := make([]*dtype.Array, 0, len(ins)+len(outs))
	for _, in := range ins {
		args = append(args, in.a)
	}
	for _, o := range outs {
		args = append(args, o.want)
	}
	want := make([]*dtype.Array, len(args))
	for i, a := range args {
		want[i] = a.Clone()
	}
	require.NoError(t, exec.Run(k, want))
	got := cBuildRun(t, gcc, k, f, args)
	for i, o := range outs {
		cCompare(t, o.name+" = "+o.expr, want[len(ins)+i], got[len(ins)+i], 0)
	}
}
