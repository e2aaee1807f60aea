package lower

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// identity lowers Identity and inference Dropout: y = x, any kind; a
// Dropout's optional mask output is all true.
func identity(b *builder) error {
	x, err := b.in(0)
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	vs := b.axisVars("i", len(b.shape(y)))
	body := []loop.Stmt{store(y, idx(vs), load(x, idx(vs)))}
	if len(b.n.Out) > 1 && b.kindOut(1) != dtype.Invalid {
		mask, err := b.out(1)
		if err != nil {
			return err
		}
		body = append(body, store(mask, idx(vs), konst(dtype.Bool, 1)))
	}
	b.k.Body = nest(vs, b.shape(y), body...)
	return nil
}
