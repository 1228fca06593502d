//go:build cgo && !nodnnl && !noblas

package model

// Instruction-set dependent choices of the onednn backend's inference
// path: which of a fused step's parts oneDNN runs, by the ISA oneDNN runs
// on (dnnlISA: the CPU's, or ONEDNN_MAX_CPU_ISA's cap). The table,
// measured per B2 convolution with BenchmarkInferAB (one lane, the fastest
// of 9-12 alternating runs of each variant, batch 16, 256x256):
//
//	oneDNN ISA    activation of a fused convolution    implementation
//	avx512_core   oneDNN post-op (all)                 brgconv, brgconv_1x1
//	avx2          oneDNN post-op (all)                 jit:avx2, jit_1x1:avx2, jit_dw:avx2
//	avx           epilogue (swish, sigmoid, leaky)     jit:avx, jit_1x1:avx; jit_dw:sse41
//	sse41         oneDNN post-op (all)                 jit:sse41, jit_1x1:sse41, jit_dw:sse41
//
// oneDNN 2.6's AVX kernels (jit:avx for direct convolutions, jit_1x1:avx)
// take no swish, sigmoid or leaky ReLU post-op: its eltwise injector
// needs 256-bit integer instructions, which are AVX2's. Asked for one on
// an AVX-only CPU, oneDNN falls back to its SSE4.1 kernels, half the
// vector width: 2.2-4x slower on every B2 convolution (3x3 32->128 at
// 64x64: 7.2-7.4 ms fused on jit:sse41, 2.9-3.1 ms on jit:avx with the
// epilogue; the convolutions of one image 95 -> 38 ms). There the
// activation runs as the epilogue (inferKernels.epilogue: one pass over
// the output while it is in cache, adding the residual when there is one)
// after oneDNN's convolution with its bias. Modelled as a real AVX-only
// CPU would run it (CGO_CFLAGS=-DCURATE_X86_MAX=1: the epilogue's SSE2
// clone; OPENBLAS_CORETYPE=Sandybridge) the convolutions of one image
// still went from 84 to 68 ms.
//
// Measured and rejected (kept as oneDNN's fused post-op):
//   - avx2: the epilogue instead of the post-op was 5% faster with the
//     epilogue's AVX-512 clone, 27% slower with its AVX2 one (what an AVX2
//     CPU runs: CGO_CFLAGS=-DCURATE_X86_MAX=3): 39.7 vs 31.2 ms an image.
//     Again after the AVX2 clone's swish went 2.5-2.7 -> 0.8-1.1 ns an
//     element (curate_simd.h), modelled as an AVX2 CPU in every part
//     (OPENBLAS_CORETYPE=Haswell too; Zen 4, quiet window): 44.0 vs 40.3
//     ms an image; the post-op wins on the 16x16 and 8x8 maps of 720 and
//     1248 channels (1x1 120->720: 0.59 vs 0.88 ms, depthwise 720: 0.16
//     vs 0.41), and the epilogue gains nowhere by more than noise.
//     NHWC for the 3x3 convolutions there: 40.1 ms, a draw.
//   - sse41: 12% faster under the cap (70.7 vs 80.0 ms an image), but with
//     the SSE2 epilogue of a real SSE4.1 CPU 10% slower (110 vs 100 ms).
//   - the cpu backend's path (im2col + OpenBLAS) under the sse41 cap:
//     44 vs 80 ms an image, but only because OpenBLAS keeps this CPU's
//     AVX2 kernels (openblas Haswell); with a real SSE4.1 CPU's
//     (OPENBLAS_CORETYPE=Nehalem) 123 vs 100 ms.
//   - NHWC instead of the blocked layout (inferLayout) for the 3x3
//     convolutions under avx and avx2: within 3% either way.

// inferEpilogueAct is the activation of a fused step that runs as the
// epilogue after oneDNN's convolution on the ISA oneDNN runs on (the
// table above), or actNone when oneDNN fuses it (or there is none).
func (b *dnnlBackend) inferEpilogueAct(act actKind) actKind {
	if act != actNone && b.isa.has(isaAVX) && !b.isa.has(isaAVX2) {
		return act
	}
	return actNone
}

// isaNote describes the ISA-dependent choices in force (Describe), ""
// when there are none.
func (b *dnnlBackend) isaNote() string {
	if b.inferEpilogueAct(actSwish) != actNone {
		return "; inference activations in the epilogue, not fused: oneDNN has no " + b.isa.String() + " kernel with them"
	}
	return ""
}

// postAct is the activation handed to oneDNN as a post-op: act unless the
// epilogue applies it (ep).
func postAct(act, ep actKind) actKind {
	if ep != actNone {
		return actNone
	}
	return act
}

// inferEpilogue applies act and then adds res (when not nil) to y, element
// by element (so in whatever layout y and res share), across the exec's
// goroutines.
func (b *dnnlBackend) inferEpilogue(e *exec, y, res *Tensor, act actKind) {
	ik := b.inferKernels()
	e.run(y.Len(), 1<<14, func(lo, hi int) {
		var r []float32
		if res != nil {
			r = res.Data[lo:hi]
		}
		ik.epilogue(y.Data[lo:hi], 1, hi-lo, nil, act, r)
	})
}
