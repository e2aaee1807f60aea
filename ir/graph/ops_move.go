package graph

// moveOps is the op table of this family. (placeholder: filled in by the family's owner)
var moveOps = []OpDef{}
