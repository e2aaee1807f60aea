// Package yamlx holds what kiln's YAML readers (loop plans, sweep spaces)
// share about yaml.v3's nodes.
package yamlx

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Describe names what n is, for errors: "a list", "a mapping with 2
// keys", "the scalar \"x\"", "nothing (null)".
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return fmt.Sprintf("a mapping with %d keys", len(n.Content)/2)
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing (null)"
		}
		return fmt.Sprintf("the scalar %q", n.Value)
	}
	return "an empty document"
}
