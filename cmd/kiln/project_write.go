package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/hls"
)

// writeProject writes files (paths relative to dir, '/'-separated) as the
// folder dir, atomically: everything goes into a temporary folder beside
// dir, which is then renamed into place. An existing dir is replaced only
// when it is empty or a kiln project holding nothing but the files its
// kiln.json lists and a build/ folder, which moves into the new project.
func writeProject(dir string, files map[string][]byte) error {
	dir = filepath.Clean(dir)
	old, err := existingProject(dir)
	if err != nil {
		return err
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-*")
	if err != nil {
		return err
	}
	if err := fillProject(tmp, files); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if !old {
		if err := os.Rename(tmp, dir); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("write %s: %w", dir, err)
		}
		return nil
	}
	return replaceProject(dir, tmp)
}

// fillProject writes files into the empty folder tmp: scripts executable,
// everything else readable.
func fillProject(tmp string, files map[string][]byte) error {
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !filepath.IsLocal(name) || strings.Contains(name, `\`) {
			return fmt.Errorf("project file %q is not a path inside the project", name)
		}
		path := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(path, files[name], mode); err != nil {
			return err
		}
	}
	return nil
}

// replaceProject puts the new project tmp in the place of the old one
// at dir, moving dir/build into it first.
func replaceProject(dir, tmp string) error {
	build, newBuild := filepath.Join(dir, "build"), filepath.Join(tmp, "build")
	moved := false
	if _, err := os.Stat(build); err == nil {
		if err := os.Rename(build, newBuild); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("write %s: moving its build folder: %w", dir, err)
		}
		moved = true
	}
	trash, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".old-*")
	if err == nil {
		err = os.Remove(trash) // only its name is wanted
	}
	if err == nil {
		err = os.Rename(dir, trash)
	}
	if err == nil {
		if err = os.Rename(tmp, dir); err != nil {
			os.Rename(trash, dir) // put the old one back
		}
	}
	if err != nil {
		if moved {
			os.Rename(newBuild, build)
		}
		os.RemoveAll(tmp)
		return fmt.Errorf("write %s: %w", dir, err)
	}
	return os.RemoveAll(trash)
}

// existingProject reports whether dir exists (and may be replaced); an
// error says why it may not.
func existingProject(dir string) (bool, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case !st.IsDir():
		return false, fmt.Errorf("-o %s: it exists and is not a folder", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) == 0 {
		return true, err
	}
	notOurs := func(why string) error {
		return fmt.Errorf("-o %s: the folder exists and is not a kiln project (%s); remove it or choose another folder", dir, why)
	}
	data, err := os.ReadFile(filepath.Join(dir, hls.ManifestName))
	if err != nil {
		return false, notOurs("no readable " + hls.ManifestName)
	}
	var m hls.Manifest
	if err := json.Unmarshal(data, &m); err != nil || m.Generator != hls.ManifestGenerator {
		return false, notOurs(hls.ManifestName + " is not kiln compile's")
	}
	listed := map[string]bool{"build": true}
	for _, f := range m.Files {
		for p := f; p != "." && p != "/"; p = filepath.Dir(p) {
			listed[filepath.ToSlash(p)] = true
		}
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if rel == "build" {
			return fs.SkipDir
		}
		if !listed[rel] {
			return notOurs(fmt.Sprintf("kiln did not write %s", rel))
		}
		return nil
	})
	return err == nil, err
}
