package loops_test

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/backend"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	lexec "github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/passes/lower/lowertest"
	"github.com/kiln-hls/kiln/sim"
)

// zooProgram is a built-in model lowered as kiln lower does (the compile
// pipeline, fused), its first validation window and the untransformed
// program's outputs_sha256 on it.
type zooProgram struct {
	p      *loop.Program
	window *dtype.Array
	want   string
}

var zooPrograms sync.Map // name → func() (*zooProgram, error)

func loadZoo(t *testing.T, name string) *zooProgram {
	t.Helper()
	f, _ := zooPrograms.LoadOrStore(name, sync.OnceValues(func() (*zooProgram, error) { return lowerZoo(name) }))
	m, err := f.(func() (*zooProgram, error))()
	require.NoError(t, err)
	return m
}

func lowerZoo(name string) (*zooProgram, error) {
	lm, err := lowertest.Zoo(name, 1)
	if err != nil {
		return nil, err
	}
	m := &zooProgram{p: lm.Program, window: lm.Windows[0]}
	m.want, err = runProgram(lm.Program, m.window, nil)
	return m, err
}

// runProgram runs p on one window, with the interpreter when b is nil, and
// hashes the outputs.
func runProgram(p *loop.Program, in *dtype.Array, b *backend.Backend) (string, error) {
	args := []*dtype.Array{in}
	var outs []*dtype.Array
	for _, id := range p.Params[1:] {
		buf := p.Buffers[id]
		o := dtype.New(buf.Kind, buf.Shape)
		outs, args = append(outs, o), append(args, o)
	}
	var err error
	if b == nil {
		err = lexec.RunProgram(p, args)
	} else {
		err = b.RunProgram(p, args, backend.Options{})
	}
	return sim.OutputsSHA256(outs), err
}

// loopInfo is what the random choices need of a kernel's loops: the first
// loop of each name, in program order, and the perfect nests among them.
type loopInfo struct {
	names   []string
	trip    map[string]int  // constant trip counts
	stmts   map[string]int  // statements in the body
	dyn     map[string]bool // data-dependent bounds (CSR loops): directives only
	perfect [][2]string
}

func loopsOf(k *loop.Kernel) loopInfo {
	li := loopInfo{trip: map[string]int{}, stmts: map[string]int{}, dyn: map[string]bool{}}
	var walk func(body []loop.Stmt)
	walk = func(body []loop.Stmt) {
		for _, s := range body {
			switch s := s.(type) {
			case *loop.For:
				name := k.Vars[s.Var].Name
				if !slices.Contains(li.names, name) {
					li.names = append(li.names, name)
					li.stmts[name] = loops.CountStmts(s.Body)
					li.dyn[name] = s.Lo.Dyn != nil || s.Hi.Dyn != nil
					if s.Lo.Dyn == nil && s.Hi.Dyn == nil && s.Lo.Aff.IsConst() && s.Hi.Aff.IsConst() {
						li.trip[name] = (s.Hi.Aff.Const - s.Lo.Aff.Const + s.Step - 1) / s.Step
					}
					if g, ok := onlyLoop(s.Body); ok {
						li.perfect = append(li.perfect, [2]string{name, k.Vars[g.Var].Name})
					}
				}
				walk(s.Body)
			case *loop.If:
				walk(s.Then)
				walk(s.Else)
			}
		}
	}
	walk(k.Body)
	return li
}

func onlyLoop(body []loop.Stmt) (*loop.For, bool) {
	if len(body) != 1 {
		return nil, false
	}
	g, ok := body[0].(*loop.For)
	return g, ok
}

// step is one random legal transform of k: its description, the pass
// name, and the result (nil when an interchange was refused).
func step(t *testing.T, r *rand.Rand, k *loop.Kernel) (string, string, *loop.Kernel) {
	t.Helper()
	li := loopsOf(k)
	if len(li.names) == 0 {
		return "", "", k
	}
	name := li.names[r.IntN(len(li.names))]
	trip, constant := li.trip[name]
	switch op := r.IntN(10); {
	case op >= 8:
		bufs := readIn(k, name)
		if len(bufs) == 0 {
			return "", "", k
		}
		buf := bufs[r.IntN(len(bufs))]
		desc := fmt.Sprintf("copy %s.%s=%s", k.Name, buf, name)
		got, err := loops.Copy(k, buf, name)
		if err != nil && copyRefusal.MatchString(err.Error()) {
			return desc, "copy-refused", nil
		}
		require.NoError(t, err, desc)
		return desc, "copy", got
	case li.dyn[name]:
		got, err := loops.Unroll(k, name, 2+r.IntN(7), false)
		require.NoError(t, err, "unroll %s.%s", k.Name, name)
		return fmt.Sprintf("unroll %s.%s expand=false", k.Name, name), "unroll-directive", got
	case op < 3 && (!constant || trip >= 1):
		size := 1 + r.IntN(8)
		if constant {
			size = 1 + r.IntN(trip)
		}
		got, err := loops.Tile(k, name, size)
		require.NoError(t, err, "tile %s.%s by %d", k.Name, name, size)
		return fmt.Sprintf("tile %s.%s=%d", k.Name, name, size), "tile", got
	case op < 6:
		factor, expand := 2+r.IntN(7), op < 5
		if constant && r.IntN(3) == 0 && trip*li.stmts[name] <= 4096 {
			factor = loop.UnrollFull
		}
		got, err := loops.Unroll(k, name, factor, expand)
		require.NoError(t, err, "unroll %s.%s by %d (expand %v)", k.Name, name, factor, expand)
		return fmt.Sprintf("unroll %s.%s=%d expand=%v", k.Name, name, factor, expand), map[bool]string{true: "unroll-expand", false: "unroll-directive"}[expand], got
	case len(li.perfect) > 0:
		pair := li.perfect[r.IntN(len(li.perfect))]
		got, err := loops.Interchange(k, pair[0], pair[1])
		desc := fmt.Sprintf("interchange %s.%s,%s", k.Name, pair[0], pair[1])
		if errors.Is(err, loops.ErrCarried) {
			return desc, "interchange-refused", nil
		}
		require.NoError(t, err, desc)
		return desc, "interchange", got
	}
	return "", "", k
}

// TestProperty is issue 6's done-when for the loop passes: on the built-in
// LSTM and CNN, random chains of one to three random legal transforms of a
// random kernel (tile sizes 1..trip, unroll factors 2..8 or full, expanded
// or as a directive, interchanges of perfect nests where legal, copies of a
// buffer a loop reads) leave the
// interpreter's outputs_sha256 on a validation window unchanged. The
// program with every chain applied at once (each kernel as its last chain
// left it) also goes through the llvm and c back ends.
// (The STGCN is left out: the interpreter takes about 7 s per window.)
func TestProperty(t *testing.T) {
	models := map[string]int{"lstm": trials, "cnn": trials}
	if *stgcn {
		models["stgcn"] = 6
	}
	for _, model := range slices.Sorted(maps.Keys(models)) {
		t.Run(model, func(t *testing.T) {
			m := loadZoo(t, model)
			r := rand.New(rand.NewPCG(6, uint64(len(model))))
			combined, counts := randomChains(t, m, r, models[model])
			for _, pass := range []string{"tile", "unroll-expand", "unroll-directive", "interchange", "copy"} {
				if models[model] >= trials {
					assert.Positive(t, counts[pass], "no %s was tried", pass)
				}
			}
			require.NoError(t, loop.VerifyProgram(combined))
			got, err := runProgram(combined, m.window, nil)
			require.NoError(t, err)
			assert.Equal(t, m.want, got, "outputs_sha256 with every chain applied at once")
			for _, name := range []string{"llvm", "c"} {
				if !haveTools(t, name) {
					continue
				}
				b, err := backend.Lookup(name)
				require.NoError(t, err)
				start := time.Now()
				got, err := runProgram(combined, m.window, &b)
				require.NoError(t, err, name)
				assert.Equal(t, m.want, got, "%s back end: outputs_sha256 with every chain applied", name)
				t.Logf("%s back end: %v", name, time.Since(start).Round(time.Millisecond))
			}
		})
	}
}

// stgcn adds the STGCN to TestProperty (six chains; the interpreter takes
// about 7 s per window, so a minute or two).
var stgcn = flag.Bool("stgcn", false, "also check random chains on the STGCN (minutes)")

// randomChains checks trials random chains on m with the interpreter and
// returns the program with every kernel as its last chain left it, and
// how often each pass ran (and was refused).
func randomChains(t *testing.T, m *zooProgram, r *rand.Rand, trials int) (*loop.Program, map[string]int) {
	counts := map[string]int{}
	combined := *m.p
	combined.Kernels = slices.Clone(m.p.Kernels)
	var all []string
	start := time.Now()
	for range trials {
		ki := pickKernel(r, m.p.Kernels)
		k, descs := m.p.Kernels[ki], []string(nil)
		for range 1 + r.IntN(3) {
			desc, pass, got := step(t, r, k)
			if desc == "" {
				continue
			}
			counts[pass]++
			if got != nil {
				k, descs = got, append(descs, desc)
			}
		}
		if len(descs) == 0 {
			continue
		}
		p := *m.p
		p.Kernels = slices.Clone(m.p.Kernels)
		p.Kernels[ki] = k
		require.NoError(t, loop.VerifyProgram(&p))
		got, err := runProgram(&p, m.window, nil)
		require.NoError(t, err, strings.Join(descs, "; "))
		assert.Equal(t, m.want, got, "outputs_sha256 after %s", strings.Join(descs, "; "))
		counts["checked"]++
		combined.Kernels[ki] = k
		all = append(all, strings.Join(descs, "; "))
	}
	t.Logf("%v in %v; chains: %s", counts, time.Since(start).Round(time.Millisecond), strings.Join(all, " | "))
	return &combined, counts
}

// trials is how many random chains each model gets (the interpreter takes
// about 0.1 s per LSTM window, less for the CNN).
const trials = 40

// pickKernel picks a kernel at random, weighted by its number of loop
// names, so the kernels with deep nests (the LSTM cell, the convolutions)
// get most of the trials.
func pickKernel(r *rand.Rand, ks []*loop.Kernel) int {
	w := make([]int, len(ks))
	total := 0
	for i, k := range ks {
		w[i] = len(loopsOf(k).names) + 1
		total += w[i]
	}
	x := r.IntN(total)
	for i := range w {
		if x < w[i] {
			return i
		}
		x -= w[i]
	}
	return len(ks) - 1
}

// haveTools reports whether back end name's compiler is installed; when it
// is not, the test fails if CI is set and logs why it skips otherwise.
func haveTools(t *testing.T, name string) bool {
	t.Helper()
	for _, c := range map[string][]string{"llvm": {"clang-16", "clang-14"}, "c": {"gcc"}}[name] {
		if _, err := exec.LookPath(c); err == nil {
			return true
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("backend %s needs its compiler (CI installs it)", name)
	}
	t.Logf("backend %s: compiler not installed, not run", name)
	return false
}
