package graph

// quantOps is the op table of this family. (placeholder: filled in by the family's owner)
var quantOps = []OpDef{}
