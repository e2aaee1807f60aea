package kiln_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/kiln-hls/kiln"

// allowed states which of kiln's packages each package may import
// (DESIGN.md's layout table, plus conform, backend and accuracy; conform
// does not import backend: lowering's tests read cases through conform;
// accuracy ties lowering, narrowing, the back ends and sim's metrics
// together for kiln eval --precision). A package
// not listed may import nothing of kiln's. Standard-library and
// third-party imports are not restricted here.
var allowed = map[string][]string{
	"ir/dtype":               {},
	"ir/graph":               {"ir/dtype"},
	"ir/graph/eval":          {"ir/graph", "ir/dtype"},
	"ir/loop":                {"ir/dtype"},
	"ir/loop/exec":           {"ir/loop", "ir/dtype"},
	"ir/loop/looptest":       {"ir/dtype"},
	"frontend/onnx":          {"ir/...", "frontend/onnx/onnxpb"},
	"frontend/onnx/onnxpb":   {},
	"passes/lower":           {"ir/...", "targets"},
	"hls":                    {"ir/...", "targets"},
	"passes":                 {"ir/...", "targets"},
	"conform":                {"frontend/onnx", "ir/...", "passes"},
	"backend":                {"ir/...", "passes", "passes/lower", "hls"},
	"passes/narrow":          {"ir/...", "passes"},
	"passes/lower/lowertest": {"ir/...", "frontend/onnx", "frontend/zoo", "passes", "passes/lower"},
	"passes/loops":           {"ir/...", "internal/yamlx"},
	"passes/place":           {"ir/...", "targets"},
	"sim":                    {"ir/...", "targets"},
	"sim/gpu":                {"ir/...", "targets"},
	"accuracy":               {"ir/...", "frontend/onnx", "conform", "passes", "passes/...", "backend", "sim"},
	"frontend/zoo":           {"ir/...", "frontend/onnx"},
	"frontend/zoo/gridsim":   {},
	"targets":                {},
	"targets/gen":            {},
	"report":                 {"accuracy", "internal/plotkit", "conform", "frontend/...", "ir/...", "passes", "passes/...", "sim", "sim/...", "targets"},
	"internal/slurmtest":     {},
	"internal/plotkit":       {},
	"internal/yamlx":         {},
	"sweep":                  {"internal/yamlx", "ir/...", "passes", "passes/...", "sim", "targets"},
	"sweep/eval":             {"accuracy", "conform", "frontend/...", "ir/...", "passes", "passes/...", "sim", "sweep", "targets"},
	"sweep/summary":          {"internal/plotkit", "sweep"},
	"cmd/kiln":               {"..."},
}

func permitted(pkg, imp string) bool {
	for _, a := range allowed[pkg] {
		switch {
		case a == "...":
			return true
		case strings.HasSuffix(a, "/..."):
			if imp == strings.TrimSuffix(a, "/...") || strings.HasPrefix(imp, strings.TrimSuffix(a, "...")) {
				return true
			}
		case a == imp:
			return true
		}
	}
	return false
}

// TestDependencies fails on an import arrow the layout does not allow.
func TestDependencies(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "." {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if _, listed := allowed[pkg]; !listed {
			t.Errorf("%s: package %s is not in the dependency table (deps_test.go)", path, pkg)
			return nil
		}
		for _, is := range f.Imports {
			imp, _ := strconv.Unquote(is.Path.Value)
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			rel := strings.TrimPrefix(imp, module+"/")
			if rel == pkg {
				continue
			}
			if !permitted(pkg, rel) {
				t.Errorf("%s: %s may not import %s", path, pkg, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
