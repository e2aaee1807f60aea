package lower

import "github.com/kiln-hls/kiln/ir/graph"

// elemLowerings: element-wise operators beyond the first ones (elem.go).
var elemLowerings = map[graph.Op]lowerFunc{
	graph.OpMean: binary,
}
