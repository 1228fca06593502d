//go:build cgo && !nodnnl

package model

// pass is the implementation one pass (forward, backward-data or
// backward-weights) of a convolution runs on in the onednn backend.
type pass uint8

const (
	onDnnl     pass = iota // oneDNN's first choice (its direct jit kernels)
	onDnnlGemm             // oneDNN's gemm implementation
	onBLAS                 // OpenBLAS's sgemm on the host path (1x1 convolutions only)
)

func (p pass) String() string {
	switch p {
	case onDnnlGemm:
		return "dnnl-gemm"
	case onBLAS:
		return "openblas"
	}
	return "dnnl"
}

// convRoute says which implementation runs each pass of a convolution.
// chunks, when not 0, caps the chunks the batch is cut into
// (chunkImagesUpTo) instead of dnnlChunks.
type convRoute struct {
	fwd, data, weights pass
	chunks             int
}

// route1x1 is the route of a 1x1 stride-1 convolution of n maps of hw
// positions, cin -> cout channels, on the ISA oneDNN runs on.
func route1x1(isa dnnlISA, n, hw, cin, cout int) convRoute {
	r := convRoute{fwd: onDnnl, data: onDnnl, weights: onDnnl}
	if _, gw := gemmBackward(isa, cin, cout, 1, 1, 1); gw {
		r.weights = onDnnlGemm
	}
	return r
}
