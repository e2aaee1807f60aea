package passes

import (
	"fmt"
	"time"

	"github.com/kiln-hls/kiln/ir/graph"
)

// Context is what every pass sees: options shared by the pipeline and the
// hooks the CLI uses to show intermediate IR. It holds no pass state.
type Context struct {
	// MaxTensorBytes bounds any tensor a pass computes (0: no limit).
	MaxTensorBytes int64
	// VerifyEach verifies the IR after every pass.
	VerifyEach bool
	// DumpAfter names a pass after which Dump is called ("all": every pass).
	DumpAfter string
	// Dump receives the IR text after a pass (set by the CLI).
	Dump func(pass, ir string)
	// Timing, when non-nil, receives each pass's wall time.
	Timing func(pass string, d time.Duration)
}

// GraphPass is one transformation of the graph IR.
type GraphPass struct {
	Name string
	Doc  string
	Run  func(*Context, *graph.Graph) error
}

// CleanupPipeline makes exported models clean: what computes at compile
// time becomes constants, no-op operators go, and what nothing reads is
// removed. Order matters (see passOrder).
var CleanupPipeline = []GraphPass{
	foldConstants,
	removeNoOps,
	eliminateDead,
}

// CompilePipeline prepares a model for lowering: the clean-up, then
// fuse-ops (BatchNormalization folded into the layer before it). It is
// not the conformance pipeline: conform runs CleanupPipeline, and fusion
// stays an option of compilation.
var CompilePipeline = []GraphPass{
	foldConstants,
	removeNoOps,
	fuseOps,
	eliminateDead,
}

// passOrder lists pairs (a, b): when both are in a pipeline, a runs first.
var passOrder = [][2]string{
	{"fold-constants", "remove-no-ops"}, // folding exposes Identity chains on constants
	{"remove-no-ops", "eliminate-dead"}, // removal leaves dead tensors behind
	{"fold-constants", "eliminate-dead"},
	{"fold-constants", "fuse-ops"}, // fuse-ops folds constant weights and statistics only
	{"remove-no-ops", "fuse-ops"},  // an Identity between Conv and BatchNormalization blocks the fold
}

// RunGraph runs the passes in order on g.
func RunGraph(ctx *Context, g *graph.Graph, pipeline []GraphPass) error {
	if ctx == nil {
		ctx = &Context{}
	}
	for _, p := range pipeline {
		start := time.Now()
		if err := p.Run(ctx, g); err != nil {
			return fmt.Errorf("pass %s: %w", p.Name, err)
		}
		if ctx.Timing != nil {
			ctx.Timing(p.Name, time.Since(start))
		}
		if ctx.VerifyEach {
			if err := graph.Verify(g); err != nil {
				return fmt.Errorf("after pass %s: %w", p.Name, err)
			}
		}
		if ctx.Dump != nil && (ctx.DumpAfter == "all" || ctx.DumpAfter == p.Name) {
			ctx.Dump(p.Name, g.String())
		}
	}
	return nil
}

// GraphPasses lists every graph pass kiln has, in pipeline order.
func GraphPasses() []GraphPass { return CompilePipeline }

// CheckOrder returns an error if pipeline breaks a passOrder constraint.
func CheckOrder(pipeline []GraphPass) error {
	pos := map[string]int{}
	for i, p := range pipeline {
		pos[p.Name] = i
	}
	for _, c := range passOrder {
		a, okA := pos[c[0]]
		b, okB := pos[c[1]]
		if okA && okB && a > b {
			return fmt.Errorf("pass %s must run before %s", c[0], c[1])
		}
	}
	return nil
}
