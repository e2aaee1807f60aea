package onnx

// elemParsers is the parser table of this family. (placeholder: filled in by the family's owner)
var elemParsers = []ParserDef{}
