package lower

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// elemFloatUnary are the float-only unary operators beyond the first ones,
// each f(x) on float kind k.
var elemFloatUnary = map[graph.Op]func(n *graph.Node, k dtype.Kind, x loop.Expr) loop.Expr{}
