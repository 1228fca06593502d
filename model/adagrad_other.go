//go:build cgo && !noblas && !amd64

package model

// adagradNative is adagradGo where no vector version is written (GCC does
// not vectorise its square root without -fno-math-errno; adagrad_amd64.go).
func adagradNative(w, g, acc []float32, lr, eps float32) { adagradGo(w, g, acc, lr, eps) }
