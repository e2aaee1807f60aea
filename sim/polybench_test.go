package sim

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// The PolyBench kernels of SODA's experiment as loop-IR files
// (../shared/calibration/polybench_kernels.md §4): testdata/polybench/
// <kernel>_<N>.kir (the none variant) and <kernel>_<N>_full.kir (after the
// full pipeline; nbt for symm and trmm), rendered from the templates in
// testdata/polybench/tmpl. Regenerate them with
//
//	go test ./sim -run TestPolybenchFiles -update-polybench
var updatePolybench = flag.Bool("update-polybench", false, "rewrite sim/testdata/polybench/*.kir from their templates")

var (
	polybenchKernels = []string{"gemm", "atax", "bicg", "doitgen", "gemver", "gesummv", "mvt", "symm", "syr2k", "syrk", "three_mm", "trmm", "two_mm"}
	polybenchSizes   = []int{2, 4, 8, 16}
)

const polybenchDir = "testdata/polybench"

// renderPolybench renders template <name>.kir.tmpl at size n. {{N}} is the
// size; {{copy "dst" "src" rank}} is a buffer-trick copy nest (every loop
// unroll(full), indented one level).
func renderPolybench(name string, n int) (string, error) {
	funcs := template.FuncMap{
		"N":    func() int { return n },
		"copy": func(dst, src string, rank int) string { return pbCopyNest(dst, src, rank, n) },
	}
	path := filepath.Join(polybenchDir, "tmpl", name+".kir.tmpl")
	tm, err := template.New(filepath.Base(path)).Funcs(funcs).ParseFiles(path)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := tm.Execute(&b, nil); err != nil {
		return "", err
	}
	return b.String(), nil
}

func pbCopyNest(dst, src string, rank, n int) string {
	var lines, ix []string
	for d := range rank {
		lines = append(lines, fmt.Sprintf("%sfor c%d in 0..%d unroll(full) {", strings.Repeat("  ", d+1), d, n))
		ix = append(ix, fmt.Sprintf("c%d", d))
	}
	at := strings.Join(ix, ", ")
	lines = append(lines, fmt.Sprintf("%s%s[%s] = %s[%s]", strings.Repeat("  ", rank+1), dst, at, src, at))
	for d := rank - 1; d >= 0; d-- {
		lines = append(lines, strings.Repeat("  ", d+1)+"}")
	}
	return strings.Join(lines, "\n")
}

// polybenchFile is the name of a kernel's file (full: the full/nbt one).
func polybenchFile(kernel string, n int, full bool) string {
	if full {
		return fmt.Sprintf("%s_%d_full.kir", kernel, n)
	}
	return fmt.Sprintf("%s_%d.kir", kernel, n)
}

// pbNBT ran with the nbt pipeline instead of full (§3).
var pbNBT = map[string]bool{"symm": true, "trmm": true}

// loadPolybench parses and verifies one file.
func loadPolybench(t testing.TB, kernel string, n int, full bool) (*loop.Kernel, string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(polybenchDir, polybenchFile(kernel, n, full)))
	require.NoError(t, err)
	k, err := loop.Parse(string(src), nil)
	require.NoError(t, err)
	require.NoError(t, loop.Verify(k))
	return k, string(src)
}

func TestPolybenchFiles(t *testing.T) {
	for _, kernel := range polybenchKernels {
		for _, n := range polybenchSizes {
			for _, full := range []bool{false, true} {
				name := polybenchFile(kernel, n, full)
				t.Run(name, func(t *testing.T) {
					tmpl := kernel
					if full {
						tmpl += "_full"
					}
					want, err := renderPolybench(tmpl, n)
					require.NoError(t, err)
					path := filepath.Join(polybenchDir, name)
					if *updatePolybench {
						require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
					}
					got, err := os.ReadFile(path)
					require.NoError(t, err)
					require.Equal(t, want, string(got), "out of date: go test ./sim -run TestPolybenchFiles -update-polybench")
					k, src := loadPolybench(t, kernel, n, full)
					assert.Equal(t, fmt.Sprintf("%s_%d_kernel", kernel, n), k.Name)
					assert.Equal(t, polybenchHeaderLine(kernel, full), strings.SplitN(src, "\n", 2)[0])
					assert.Equal(t, pbStripComments(src), k.String(), "not in the printer's canonical form")
					variant, iface, err := PolybenchHeader(src)
					require.NoError(t, err)
					assert.Equal(t, polybenchHeaderLine(kernel, full), "// variant: "+variant+", interface: "+iface)
				})
			}
		}
	}
}

// pbStripComments drops the comment lines at the top of a file.
func pbStripComments(src string) string {
	for strings.HasPrefix(src, "//") {
		_, src, _ = strings.Cut(src, "\n")
	}
	return src
}

func polybenchHeaderLine(kernel string, full bool) string {
	switch {
	case !full:
		return "// variant: none, interface: shared"
	case pbNBT[kernel]:
		return "// variant: nbt, interface: per-array"
	}
	return "// variant: full, interface: per-array"
}

// pbOps is what one run executes: loads and stores of memory (buffers
// not in reg space; rank-0 in parameters are the scalars alpha and beta,
// passed by value), and f32 multiplies and adds.
type pbOps struct{ Loads, Stores, FMul, FAdd int }

// pbCountOps runs k's loop structure (trip counts from the actual bounds, so
// triangular loops count what they execute) and counts the operations.
func pbCountOps(t testing.TB, k *loop.Kernel) pbOps {
	var c pbOps
	pbCountStmts(t, k, k.Body, make([]int, len(k.Vars)), &c)
	return c
}

func pbInMemory(k *loop.Kernel, id loop.BufID) bool {
	b := k.Buffers[id]
	return b.Space != loop.Register && !(b.Role == loop.Input && b.Rank() == 0)
}

func pbEval(a loop.Affine, env []int) int {
	v := a.Const
	for _, term := range a.Terms {
		v += term.Coeff * env[term.Var]
	}
	return v
}

func pbCountStmts(t testing.TB, k *loop.Kernel, body []loop.Stmt, env []int, c *pbOps) {
	for _, s := range body {
		switch s := s.(type) {
		case *loop.For:
			lo, hi := pbEval(s.Lo.Aff, env), pbEval(s.Hi.Aff, env)
			for v := lo; v < hi; v += s.Step {
				env[s.Var] = v
				pbCountStmts(t, k, s.Body, env, c)
			}
		case *loop.Store:
			if pbInMemory(k, s.Buf) {
				c.Stores++
			}
			loop.WalkExpr(s.Value, func(e loop.Expr) { pbCountExpr(k, e, c) })
		default:
			t.Fatalf("%s: unexpected statement %T", k.Name, s)
		}
	}
}

func pbCountExpr(k *loop.Kernel, e loop.Expr, c *pbOps) {
	switch e := e.(type) {
	case *loop.Load:
		if pbInMemory(k, e.Buf) {
			c.Loads++
		}
	case *loop.Bin:
		switch e.Op {
		case loop.Mul:
			c.FMul++
		case loop.Add:
			c.FAdd++
		}
	}
}

// polybenchPerRun transcribes the "Per run" formulas of §4.
var polybenchPerRun = map[string]func(n int) pbOps{
	"gemm": func(n int) pbOps { n2, n3 := n*n, n*n*n; return pbOps{3*n3 + n2, n3 + n2, 2*n3 + n2, n3} },
	// 2N² MACs, each 3 loads + 1 store; 2N zero stores.
	"atax": func(n int) pbOps { return pbOps{6 * n * n, 2*n*n + 2*n, 2 * n * n, 2 * n * n} },
	// N² iterations × (5 loads, 2 fmul, 2 fadd, 2 stores).
	"bicg": func(n int) pbOps { return pbOps{5 * n * n, 2 * n * n, 2 * n * n, 2 * n * n} },
	// N⁴ MACs memory-carried in sum[p], N³ zero stores, N³ copies.
	"doitgen": func(n int) pbOps { n3, n4 := n*n*n, n*n*n*n; return pbOps{3*n4 + n3, n4 + 2*n3, n4, n4} },
	// N² × (6 fmul, 4 fadd, 11 loads, 3 stores) + N × (1 fadd, 2 loads, 1 store).
	"gemver": func(n int) pbOps { n2 := n * n; return pbOps{11*n2 + 2*n, 3*n2 + n, 6 * n2, 4*n2 + n} },
	// 2N² MACs (6 loads, 2 stores per j iteration) + N × (2 loads, 2 fmul, 1 fadd, 1 store).
	"gesummv": func(n int) pbOps { n2 := n * n; return pbOps{6*n2 + 2*n, 2*n2 + n, 2*n2 + 2*n, 2*n2 + n} },
	// 2N² MACs.
	"mvt": func(n int) pbOps { n2 := n * n; return pbOps{6 * n2, 2 * n2, 2 * n2, 2 * n2} },
	// N³ × (5 loads, 3 fmul, 2 fadd, 2 stores) + N² × (store temp2; 4 loads, 4 fmul, 2 fadd, 1 store).
	"symm": func(n int) pbOps {
		n2, n3 := n*n, n*n*n
		return pbOps{5*n3 + 4*n2, 2*n3 + 2*n2, 3*n3 + 4*n2, 2*n3 + 2*n2}
	},
	// N(N+1)/2 pairs × [N × (5 loads, 3 fmul, 2 fadd, 1 store) + (1 load, 1 fmul, 1 store)].
	"syr2k": func(n int) pbOps {
		p := n * (n + 1) / 2
		return pbOps{p * (5*n + 1), p * (n + 1), p * (3*n + 1), p * 2 * n}
	},
	// N(N+1)/2 pairs × [N × (3 loads, 2 fmul, 1 fadd, 1 store) + (1 load, 1 fmul, 1 store)].
	"syrk": func(n int) pbOps {
		p := n * (n + 1) / 2
		return pbOps{p * (3*n + 1), p * (n + 1), p * (2*n + 1), p * n}
	},
	// 3N³ MACs (3 loads, fmul, fadd, store) + 3N² zero stores.
	"three_mm": func(n int) pbOps { n2, n3 := n*n, n*n*n; return pbOps{9 * n3, 3*n3 + 3*n2, 3 * n3, 3 * n3} },
	// N·N(N−1)/2 MACs + N² scalings (load, fmul, store).
	"trmm": func(n int) pbOps { m, n2 := n*n*(n-1)/2, n*n; return pbOps{3*m + n2, m + n2, m + n2, m} },
	// N³ × (3 loads, 2 fmul, 1 fadd, 1 store) + N³ × (3 loads, 1 fmul, 1 fadd, 1 store) + N² × (1 store) + N² × (1 load, 1 fmul, 1 store).
	"two_mm": func(n int) pbOps { n2, n3 := n*n, n*n*n; return pbOps{6*n3 + n2, 2*n3 + 2*n2, 3*n3 + n2, 2 * n3} },
}

func TestPolybenchOpCounts(t *testing.T) {
	require.Len(t, polybenchPerRun, len(polybenchKernels))
	for _, kernel := range polybenchKernels {
		for _, n := range polybenchSizes {
			t.Run(polybenchFile(kernel, n, false), func(t *testing.T) {
				k, _ := loadPolybench(t, kernel, n, false)
				assert.Equal(t, polybenchPerRun[kernel](n), pbCountOps(t, k))
			})
		}
	}
}

// pbRandomArgs gives each parameter of k uniform f32 values in [-1, 1).
func pbRandomArgs(k *loop.Kernel, rng *rand.Rand) []*dtype.Array {
	args := make([]*dtype.Array, len(k.Params))
	for i, id := range k.Params {
		a := dtype.New(dtype.F32, k.Buffers[id].Shape)
		for j := range a.F32 {
			a.F32[j] = float32(rng.Float64()*2 - 1)
		}
		args[i] = a
	}
	return args
}

func pbCloneArgs(args []*dtype.Array) []*dtype.Array {
	out := make([]*dtype.Array, len(args))
	for i, a := range args {
		out[i] = dtype.New(a.Kind, a.Shape)
		copy(out[i].F32, a.F32)
	}
	return out
}

// TestPolybenchFullSameResults: the full (nbt) file computes bit for bit
// what the none file computes, on random inputs, and changes its outputs.
func TestPolybenchFullSameResults(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 16))
	for _, kernel := range polybenchKernels {
		for _, n := range polybenchSizes {
			t.Run(polybenchFile(kernel, n, true), func(t *testing.T) {
				none, _ := loadPolybench(t, kernel, n, false)
				full, _ := loadPolybench(t, kernel, n, true)
				require.Equal(t, pbParamDecls(none), pbParamDecls(full))
				in := pbRandomArgs(none, rng)
				a, b := pbCloneArgs(in), pbCloneArgs(in)
				require.NoError(t, exec.Run(none, a))
				require.NoError(t, exec.Run(full, b))
				changed := false
				for i, id := range none.Params {
					name := none.Buffers[id].Name
					for j := range a[i].F32 {
						require.Equal(t, math.Float32bits(a[i].F32[j]), math.Float32bits(b[i].F32[j]), "%s[%d]: none %v, full %v", name, j, a[i].F32[j], b[i].F32[j])
						changed = changed || a[i].F32[j] != in[i].F32[j]
					}
				}
				assert.True(t, changed, "no output changed")
			})
		}
	}
}

// pbParamDecls describes the parameters: role, name, kind and shape.
func pbParamDecls(k *loop.Kernel) []string {
	var out []string
	for _, id := range k.Params {
		b := k.Buffers[id]
		out = append(out, fmt.Sprintf("%v %s: %v%v", b.Role, b.Name, b.Kind, b.Shape))
	}
	return out
}

// pbLoops lists the loops of body, outer before inner.
func pbLoops(body []loop.Stmt) []*loop.For {
	var out []*loop.For
	for _, s := range body {
		if f, ok := s.(*loop.For); ok {
			out = append(out, f)
			out = append(out, pbLoops(f.Body)...)
		}
	}
	return out
}

// pbThreeRounds marks the loops that §3's step 4 unrolls: three rounds, each
// fully unrolling every loop with constant bounds that has no loop left
// inside it.
func pbThreeRounds(body []loop.Stmt) map[*loop.For]bool {
	done := map[*loop.For]bool{}
	for range 3 {
		var round []*loop.For
		for _, f := range pbLoops(body) {
			if done[f] || !f.Lo.Aff.IsConst() || !f.Hi.Aff.IsConst() || f.Lo.Dyn != nil || f.Hi.Dyn != nil {
				continue
			}
			innermost := true
			for _, g := range pbLoops(f.Body) {
				innermost = innermost && done[g]
			}
			if innermost {
				round = append(round, f)
			}
		}
		for _, f := range round {
			done[f] = true
		}
	}
	return done
}

// polybenchLoopsLeft are the loops §4 says remain after full (nbt).
var polybenchLoopsLeft = map[string][]string{"doitgen": {"r"}, "syr2k": {"i", "j"}, "syrk": {"i", "j"}, "three_mm": {"n"}, "two_mm": {"n"}, "trmm": {"i", "j", "k"}}

// TestPolybenchFullUnrolling: the unroll(full) directives of a full file
// are exactly what three rounds of innermost full unrolling do, the loops
// left are those §4 names, and none files carry no directive.
func TestPolybenchFullUnrolling(t *testing.T) {
	for _, kernel := range polybenchKernels {
		for _, n := range polybenchSizes {
			t.Run(polybenchFile(kernel, n, true), func(t *testing.T) {
				none, _ := loadPolybench(t, kernel, n, false)
				for _, f := range pbLoops(none.Body) {
					assert.Zero(t, f.Dir.Unroll, "none loop %s", none.Vars[f.Var].Name)
				}
				full, _ := loadPolybench(t, kernel, n, true)
				rounds := pbThreeRounds(full.Body)
				var left []string
				for _, f := range pbLoops(full.Body) {
					name := full.Vars[f.Var].Name
					assert.Equal(t, rounds[f], f.Dir.Unroll == loop.UnrollFull, "loop %s", name)
					if f.Dir.Unroll != loop.UnrollFull {
						left = append(left, name)
					}
				}
				assert.Equal(t, polybenchLoopsLeft[kernel], left)
			})
		}
	}
}

// pbAccesses calls f on every load and store of body with its buffer and
// indices.
func pbAccesses(body []loop.Stmt, f func(id loop.BufID, ix []loop.Index)) {
	for _, s := range body {
		switch s := s.(type) {
		case *loop.For:
			pbAccesses(s.Body, f)
		case *loop.Store:
			f(s.Buf, s.Index)
			loop.WalkExpr(s.Value, func(e loop.Expr) {
				if l, ok := e.(*loop.Load); ok {
					f(l.Buf, l.Index)
				}
			})
		}
	}
}

// TestPolybenchFullBuffers: local buffers are reg exactly when every access
// to them has constant indices once the unroll(full) loops are expanded
// (§3, derived), else ram; with the buffer trick (full, not nbt) the
// arguments are touched only by copy-in nests (every array argument) and
// copy-out nests (every out argument); nbt files have no local arrays.
func TestPolybenchFullBuffers(t *testing.T) {
	for _, kernel := range polybenchKernels {
		for _, n := range polybenchSizes {
			t.Run(polybenchFile(kernel, n, true), func(t *testing.T) {
				k, _ := loadPolybench(t, kernel, n, true)
				unrolled := map[loop.VarID]bool{}
				for _, f := range pbLoops(k.Body) {
					unrolled[f.Var] = f.Dir.Unroll == loop.UnrollFull
				}
				constIx := map[loop.BufID]bool{}
				pbAccesses(k.Body, func(id loop.BufID, ix []loop.Index) {
					c, seen := constIx[id]
					if !seen {
						c = true
					}
					for _, i := range ix {
						for _, term := range i.Aff.Terms {
							c = c && unrolled[term.Var]
						}
					}
					constIx[id] = c
				})
				for id, b := range k.Buffers {
					if b.Role == loop.Temp && b.Rank() > 0 {
						assert.False(t, pbNBT[kernel], "nbt has no local buffer %s", b.Name)
						want := map[bool]loop.Space{true: loop.Register, false: loop.RAM}[constIx[loop.BufID(id)]]
						assert.Equal(t, want.String(), b.Space.String(), "local buffer %s", b.Name)
					}
				}
				if !pbNBT[kernel] {
					pbCheckCopies(t, k)
				}
			})
		}
	}
}

// pbCheckCopies checks that array arguments appear only in copy statements
// X_l[ix] = X[ix] (every array argument) and X[ix] = X_l[ix] (every out one).
func pbCheckCopies(t *testing.T, k *loop.Kernel) {
	isArg := func(id loop.BufID) bool { return k.Buffers[id].Role != loop.Temp && k.Buffers[id].Rank() > 0 }
	copiedIn, copiedOut := map[string]bool{}, map[string]bool{}
	var walk func(body []loop.Stmt)
	walk = func(body []loop.Stmt) {
		for _, s := range body {
			switch s := s.(type) {
			case *loop.For:
				walk(s.Body)
			case *loop.Store:
				l, isLoad := s.Value.(*loop.Load)
				switch {
				case isLoad && isArg(l.Buf) && !isArg(s.Buf):
					copiedIn[k.Buffers[l.Buf].Name] = true
					assert.Equal(t, k.Buffers[l.Buf].Name+"_l", k.Buffers[s.Buf].Name)
				case isLoad && isArg(s.Buf) && !isArg(l.Buf):
					copiedOut[k.Buffers[s.Buf].Name] = true
					assert.Equal(t, k.Buffers[s.Buf].Name+"_l", k.Buffers[l.Buf].Name)
				default:
					pbAccesses([]loop.Stmt{s}, func(id loop.BufID, _ []loop.Index) {
						assert.False(t, isArg(id), "argument %s used outside the copy nests", k.Buffers[id].Name)
					})
				}
			}
		}
	}
	walk(k.Body)
	wantIn, wantOut := map[string]bool{}, map[string]bool{}
	for _, id := range k.Params {
		if b := k.Buffers[id]; b.Rank() > 0 {
			wantIn[b.Name] = true
			if b.Role == loop.Output {
				wantOut[b.Name] = true
			}
		}
	}
	assert.Equal(t, wantIn, copiedIn, "copy-in nests")
	assert.Equal(t, wantOut, copiedOut, "copy-out nests")
}

const polybenchCSV = "../../shared/calibration/polybench_bambu.csv"

func TestPolybenchRows(t *testing.T) {
	rows, err := PolybenchRows(polybenchCSV)
	require.NoError(t, err)
	require.Len(t, rows, 312)
	variants, metrics := map[string]int{}, map[string]int{}
	for _, r := range rows {
		variants[r.Variant]++
		metrics[r.Metric]++
	}
	assert.Equal(t, map[string]int{"none": 112, "full": 80, "nbt": 16, "none_nangate": 27, "full_nangate": 13, "nbt_nangate": 4, "scalehls": 60}, variants)
	assert.Equal(t, map[string]int{"cycles": 116, "luts": 72, "dsps": 72, "power_w": 52}, metrics)
	find := func(kernel string, n int, variant, metric string) PolybenchRow {
		for _, r := range rows {
			if r.Kernel == kernel && r.N == n && r.Variant == variant && r.Metric == metric {
				return r
			}
		}
		t.Fatalf("no row %s %d %s %s", kernel, n, variant, metric)
		return PolybenchRow{}
	}
	// Values quoted in polybench_kernels.md §5 and read from the CSV's lines.
	assert.Equal(t, PolybenchRow{"gemm", 8, "none", "cycles", 6538, "Bambu", "xc7vx690t-3ffg1930-VVD", 10, "all.xlsx:cycles_df"}, find("gemm", 8, "none", "cycles"))
	assert.Equal(t, PolybenchRow{"gemm", 8, "none_nangate", "cycles", 11922, "Bambu", "nangate45", 2, "collect-results.ipynb:soda_opt_df"}, find("gemm", 8, "none_nangate", "cycles"))
	assert.Equal(t, 49250.0, find("syrk", 16, "none_nangate", "cycles").Value)
	assert.Equal(t, 15730.0, find("trmm", 16, "nbt", "cycles").Value)
	assert.Equal(t, 1.818, find("gemm", 8, "full", "power_w").Value)
	for i, want := range []float64{8, 8, 2, 2} {
		assert.Equal(t, want, find("gemm", 2<<i, "none", "dsps").Value)
	}
	sh := find("atax", 16, "scalehls", "cycles")
	assert.Equal(t, []any{1701.0, "ScaleHLS", "not recorded", 0.0}, []any{sh.Value, sh.Tool, sh.Device, sh.ClockNS})
}

// TestPolybenchRowsHaveFiles: every Bambu row has its kernel file, full
// rows only for kernels run with full and nbt rows only for symm and trmm.
func TestPolybenchRowsHaveFiles(t *testing.T) {
	rows, err := PolybenchRows(polybenchCSV)
	require.NoError(t, err)
	for _, r := range rows {
		if r.Tool != "Bambu" {
			continue
		}
		base := strings.TrimSuffix(r.Variant, "_nangate")
		require.Contains(t, []string{"none", "full", "nbt"}, base)
		full := base != "none"
		_, src := loadPolybench(t, r.Kernel, r.N, full)
		assert.Equal(t, "// variant: "+base, strings.SplitN(src, ",", 2)[0], "%s %d %s", r.Kernel, r.N, r.Variant)
	}
}

func TestPolybenchRowsErrors(t *testing.T) {
	head := "kernel,N,variant,metric,value,tool,device,clock_ns,source\n"
	for name, tc := range map[string]struct{ src, want string }{
		"empty":       {"", "header"},
		"header":      {"kernel,n,variant,metric,value,tool,device,clock_ns,source\n", `column 2 is "n"`},
		"no rows":     {head, "no rows"},
		"columns":     {head + "gemm,2,none,cycles,1\n", "wrong number of fields"},
		"N":           {head + "gemm,two,none,cycles,1,Bambu,d,10,s\n", `line 2: column N: "two"`},
		"N zero":      {head + "gemm,0,none,cycles,1,Bambu,d,10,s\n", "column N"},
		"value":       {head + "gemm,2,none,cycles,-1,Bambu,d,10,s\n", "column value"},
		"value NaN":   {head + "gemm,2,none,cycles,NaN,Bambu,d,10,s\n", "column value"},
		"clock":       {head + "gemm,2,none,cycles,1,Bambu,d,0,s\n", "column clock_ns"},
		"kernel":      {head + ",2,none,cycles,1,Bambu,d,10,s\n", "column kernel is empty"},
		"second line": {head + "gemm,2,none,cycles,1,Bambu,d,10,s\ngemm,2,none,cycles,x,Bambu,d,10,s\n", "line 3: column value"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readPolybench(strings.NewReader(tc.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := PolybenchRows(filepath.Join(t.TempDir(), "missing.csv"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing.csv")
}

func TestPolybenchHeaderErrors(t *testing.T) {
	for src, want := range map[string]string{
		"kernel k() {}":                       "is not",
		"// variant: none\nkernel k() {}":     "names no interface",
		"// variant: fast, interface: shared": `unknown variant "fast"`,
		"// variant: full, interface: axi":    `unknown interface "axi"`,
		"":                                    "is not",
	} {
		_, _, err := PolybenchHeader(src)
		require.Error(t, err, src)
		assert.Contains(t, err.Error(), want, src)
	}
}
