package onnx

// nnParsers is the parser table of this family. (placeholder: filled in by the family's owner)
var nnParsers = []ParserDef{}
