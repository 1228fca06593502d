//go:build !cgo || noblas

package model

// setBLASThreads does nothing without OpenBLAS.
func setBLASThreads(int) {}

// cpuBackend is absent without cgo: the cpu backend needs OpenBLAS and the
// C kernels.
func cpuBackend() Backend { return nil }
