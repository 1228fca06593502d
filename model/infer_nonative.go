//go:build !cgo || noblas

package model

// cInferKernels are absent without the cpu backend's C kernels: the host
// backends use the Go loops.
func cInferKernels() *inferKernels { return nil }
