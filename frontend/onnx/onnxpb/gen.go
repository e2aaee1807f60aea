// Package onnxpb holds the Go types protoc generates from ONNX's own schema,
// onnx.proto (copied unchanged from ../shared/reference/onnx/, Apache-2.0).
// Nothing here is written by hand except this file.
package onnxpb

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go_opt=Monnx.proto=github.com/kiln-hls/kiln/frontend/onnx/onnxpb onnx.proto
