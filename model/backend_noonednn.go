//go:build !cgo || nodnnl || noblas

package model

// onednnBackend is absent from this build: it needs cgo, libdnnl (built
// unless the nodnnl tag is given) and the cpu backend it runs on top of
// (its C kernels and OpenBLAS, left out by the noblas tag).
func onednnBackend() Backend { return nil }
