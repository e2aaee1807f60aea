package passes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ReadPrecisionFile reads a spec from a .yaml, .yml or .json file. The
// file holds either the text form as one string or a mapping:
//
//	default: fixed<16,6>     # the model's default (all roles)
//	weights: fixed<8,3>      # and its roles: weights, act, acc
//	acc: fixed<32,12>
//	layers:                  # per-layer overrides; a trailing * makes a prefix
//	  lstm: fixed<18,8>      # a precision for all roles, or
//	  "enc/*": {weights: int8:channel, acc: fp32}  # a mapping of all, weights, act, acc
//
// Layer names are literal here (no quoting or .role suffixes). Every key is
// optional, but the spec must set something; a key may not repeat.
func ReadPrecisionFile(path string) (PrecisionSpec, error) {
	tree := map[string]func([]byte) (*fileNode, error){".yaml": yamlTree, ".yml": yamlTree, ".json": jsonTree}
	ext := strings.ToLower(filepath.Ext(path))
	if tree[ext] == nil {
		return PrecisionSpec{}, fmt.Errorf("precision file %q: extension %q: want .yaml, .yml or .json", path, ext)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return PrecisionSpec{}, fmt.Errorf("precision file: %w", err)
	}
	root, err := tree[ext](data)
	var spec PrecisionSpec
	if err == nil {
		spec, err = root.spec()
	}
	if err != nil {
		return PrecisionSpec{}, fmt.Errorf("precision file %q: %w", path, err)
	}
	return spec, nil
}

// fileNode is a YAML or JSON value of a precision file: a string or a
// mapping with string keys.
type fileNode struct {
	scalar string
	isMap  bool
	keys   []string
	vals   []*fileNode
	line   int // 0 when unknown (JSON)
}

func (n *fileNode) where(path string) string {
	if n.line > 0 {
		return fmt.Sprintf("line %d: %s", n.line, path)
	}
	return path
}

func (n *fileNode) add(k string, v *fileNode) error {
	if slices.Contains(n.keys, k) {
		return fmt.Errorf("%s: key %q repeats", v.where("mapping"), k)
	}
	n.keys, n.vals = append(n.keys, k), append(n.vals, v)
	return nil
}

func yamlTree(data []byte) (*fileNode, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("empty file")
	}
	return yamlNode(doc.Content[0])
}

func yamlNode(y *yaml.Node) (*fileNode, error) {
	n := &fileNode{line: y.Line}
	switch y.Kind {
	case yaml.ScalarNode:
		n.scalar = y.Value
		return n, nil
	case yaml.MappingNode:
		n.isMap = true
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a key must be a string", k.Line)
			}
			val, err := yamlNode(v)
			if err != nil {
				return nil, err
			}
			if err := n.add(k.Value, val); err != nil {
				return nil, err
			}
		}
		return n, nil
	}
	return nil, fmt.Errorf("line %d: want a precision or a mapping, not a list or an alias", y.Line)
}

func jsonTree(data []byte) (*fileNode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := jsonNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the top-level value")
	}
	return n, nil
}

func jsonNode(dec *json.Decoder) (*fileNode, error) {
	tok, err := dec.Token()
	if err == io.EOF {
		return nil, errors.New("empty file")
	}
	if err != nil {
		return nil, err
	}
	switch tok := tok.(type) {
	case string:
		return &fileNode{scalar: tok}, nil
	case json.Delim:
		if tok != '{' {
			break
		}
		n := &fileNode{isMap: true}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := jsonNode(dec)
			if err != nil {
				return nil, err
			}
			if err := n.add(k.(string), v); err != nil {
				return nil, err
			}
		}
		_, err := dec.Token() // the closing '}'
		return n, err
	}
	return nil, fmt.Errorf("want a precision string or an object, got %v", tok)
}

// spec interprets a file's top-level value.
func (n *fileNode) spec() (PrecisionSpec, error) {
	if !n.isMap {
		spec, err := ParsePrecisionSpec(n.scalar)
		if err != nil {
			return spec, fmt.Errorf("%s: %w", n.where("spec"), err)
		}
		return spec, nil
	}
	var spec PrecisionSpec
	for i, k := range n.keys {
		v := n.vals[i]
		var err error
		switch r, isRole := roleByName(k); {
		case k == "default":
			err = spec.setFile(target{isDefault: true}, v, k)
		case isRole:
			err = spec.setFile(target{isDefault: true, role: r}, v, k)
		case k == "layers":
			err = spec.fileLayers(v)
		default:
			err = fmt.Errorf("%s: unknown key; want default, weights, act, acc or layers", v.where(k))
		}
		if err != nil {
			return PrecisionSpec{}, err
		}
	}
	if err := spec.finish(); err != nil {
		return PrecisionSpec{}, err
	}
	return spec, nil
}

func (s *PrecisionSpec) fileLayers(n *fileNode) error {
	if !n.isMap {
		return fmt.Errorf("%s: want a mapping from layer names to precisions", n.where("layers"))
	}
	for i, name := range n.keys {
		v, path := n.vals[i], "layers."+name
		t := target{name: name}
		t.name, t.prefix = strings.CutSuffix(name, "*")
		if t.name == "" {
			return fmt.Errorf("%s: empty layer name or prefix", v.where(path))
		}
		if !v.isMap {
			if err := s.setFile(t, v, path); err != nil {
				return err
			}
			continue
		}
		for j, k := range v.keys {
			r, ok := roleByName(k)
			if !ok && k != "all" {
				return fmt.Errorf("%s: unknown key; want all, weights, act or acc", v.vals[j].where(path+"."+k))
			}
			t.role = r
			if err := s.setFile(t, v.vals[j], path+"."+k); err != nil {
				return err
			}
		}
	}
	return nil
}

// setFile sets the precision in the scalar n for t.
func (s *PrecisionSpec) setFile(t target, n *fileNode, path string) error {
	if n.isMap {
		return fmt.Errorf("%s: want a precision, not a mapping", n.where(path))
	}
	p, err := ParsePrecision(n.scalar)
	if err == nil {
		err = s.set(t, p)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", n.where(path), err)
	}
	return nil
}
