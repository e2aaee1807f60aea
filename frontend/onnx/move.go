package onnx

// moveParsers is the parser table of this family. (placeholder: filled in by the family's owner)
var moveParsers = []ParserDef{}
