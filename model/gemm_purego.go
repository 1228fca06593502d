//go:build !cgo || noblas

package model

const blasName = "go"

// gemm is the matrix product the engine runs: without cgo, the Go reference.
var gemm gemmFunc = gemmRef

func setBLASThreads(int) {}
