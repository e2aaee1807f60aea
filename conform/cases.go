package conform

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Case is one conformance case: a folder with model.onnx and data sets.
func Case(dir string, opt Options) Result {
	res := Result{Name: filepath.Base(dir)}
	results, err := Eval(File(filepath.Join(dir, "model.onnx")), os.DirFS(dir), opt)
	if err != nil {
		return failure(res, err)
	}
	for _, r := range results {
		if r.Status != Pass {
			res.Status, res.Detail = r.Status, r.Detail
			if len(results) > 1 {
				res.Detail = r.Name + ": " + r.Detail
			}
			return res
		}
	}
	return res
}

// FindCases expands each root: a folder holding model.onnx is a case,
// otherwise every sub-folder (recursively) holding one is. Sorted, no
// duplicates.
func FindCases(roots []string) ([]string, error) {
	seen := map[string]bool{}
	var cases []string
	for _, root := range roots {
		st, err := os.Stat(root)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("%s is not a folder", root)
		}
		root = filepath.Clean(root)
		err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if _, err := os.Stat(filepath.Join(p, "model.onnx")); err == nil && !seen[p] {
					seen[p] = true
					cases = append(cases, p)
					return filepath.SkipDir
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(cases)
	if len(cases) == 0 {
		return nil, fmt.Errorf("no case folders (with a model.onnx) under %s", strings.Join(roots, ", "))
	}
	return cases, nil
}

// Cases runs Case on every folder of dirs, opt.Jobs at a time (a back end
// that builds code spends most of a case in the compiler, so cases build in
// parallel), and returns the results in dirs' order.
func Cases(dirs []string, opt Options) []Result {
	results := make([]Result, len(dirs))
	jobs := min(max(opt.Jobs, 1), max(len(dirs), 1))
	next := make(chan int)
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = Case(dirs[i], opt)
			}
		}()
	}
	for i := range dirs {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}
