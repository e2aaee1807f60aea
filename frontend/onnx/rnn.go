package onnx

// rnnParsers is the parser table of this family. (placeholder: filled in by the family's owner)
var rnnParsers = []ParserDef{}
