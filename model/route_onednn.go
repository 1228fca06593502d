//go:build cgo && !nodnnl && !noblas

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

// route1x1 is the route of a 1x1 stride-1 convolution of cin -> cout
// channels on the ISA oneDNN runs on (no row depends on the batch or the
// map size, so neither is asked for): which of
// oneDNN's direct kernels, oneDNN's gemm implementation or OpenBLAS runs
// each pass. The table, by ISA (BenchmarkConv1x1Routes: every B2 1x1
// shape at batch 16 and 64, whole ops on 2 threads, the variants
// alternating in 5-7 rounds of one process, medians):
//
//	oneDNN ISA        forward         backward-data   backward-weights
//	avx512_core       dnnl (brgconv)  dnnl (jit_1x1)  dnnl gemm
//	avx2 (+vnni)      dnnl (jit_1x1)  dnnl (jit_1x1)  dnnl gemm
//	avx, sse41        dnnl            dnnl            dnnl (its first choice is gemm)
//
// OpenBLAS is on no row. Measured on the Intel Xeon of wave 9 (family 6
// model 207, 2 cores) under the AVX2 model (ONEDNN_MAX_CPU_ISA=AVX2,
// OPENBLAS_CORETYPE=Haswell, CGO_CFLAGS=-DCURATE_X86_MAX=3): OpenBLAS's
// forward never beat jit_1x1:avx2 by more than 2% and lost 10-75% on most
// shapes (more with the statistics pass it leaves to the batch norm,
// which oneDNN's chunks add up in cache); its backward-weights won a few
// batch-64 shapes by 1-20% (416->104 at 16x16: 16.8 vs 20.9 ms), but per
// step the best of the three implementations per pass, run as separate
// passes (batch 16: 900-1242 ms, batch 64: 3552-3854), did not beat the
// route above (918-1201, 3308-3713), which runs a chunk's backward-data
// and backward-weights in one call while its output gradient is in cache.
// Natively (avx512_core) OpenBLAS ran 4-7x slower: Debian's OpenBLAS
// 0.3.21 does not know model 207 and ran its Prescott (SSE3) kernels.
// With its SkylakeX kernels (blascore_native.go), on an Intel Xeon that
// reports family 6 model 167 with AVX-512 and AMX (wave 12, 2 cores,
// batch 16, 5 rounds, load 4.8), OpenBLAS still lost every pass of every
// B2 shape but two (within 4%): forward with the statistics pass 1.14-2.03x
// oneDNN's time, backward-data 1.03-1.71x, backward-weights 0.96-2.51x; the
// route in force came to 220.7 ms a step against 213.5 for the best
// implementation of each pass per shape. oneDNN 2.6 has no fp32 kernel on
// AMX (its brgemm AMX kernels are bf16/int8), so this CPU runs the same
// avx512_core kernels as any AVX-512 one.
// oneDNN's gemm forward and a cap of 4 chunks (convRoute.chunks) were
// within the noise of the route in force on both ISAs (batch 16: 919 vs
// 918 ms a step under AVX2, 917 vs 925 natively), so neither is taken.
// On an AMD EPYC Zen 4 (wave 10, avx512_core, 2 cores, a box under load
// 7-13): one chunk single-threaded, fastest of 5 (BenchmarkDnnlGemmBackward,
// batch 16), gemm's 1x1 backward-weights ran 0.89-1.35x jit_1x1's speed by
// shape, 13.5 ms a step less in all; paired steps with every 1x1 pass on
// oneDNN's first choice against this table (BenchmarkRoute1x1Step, 10
// pairs) took 1.13x as long (0.82-1.40). PyTorch on the same oneDNN runs
// jit_1x1 there (ONEDNN_VERBOSE=1), and brgconv_1x1 forward, as here.
func route1x1(isa dnnlISA, cin, cout int) convRoute {
	r := convRoute{fwd: onDnnl, data: onDnnl, weights: onDnnl}
	if _, gw := gemmBackward(isa, cin, cout, 1, 1, 1); gw {
		r.weights = onDnnlGemm
	}
	return r
}
