//go:build !cgo || nodnnl

package model

// onednnBackend is absent from this build: it needs cgo and libdnnl
// (built unless the nodnnl tag is given).
func onednnBackend() Backend { return nil }
