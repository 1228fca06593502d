//go:build cgo && !nodnnl

package model

// Instruction-set dependent choices of the onednn backend's inference
// path: which of a fused step's parts oneDNN runs, by the ISA oneDNN runs
// on (dnnlISA: the CPU's, or ONEDNN_MAX_CPU_ISA's cap).
//
// oneDNN 2.6's AVX kernels (jit:avx for direct convolutions, jit_1x1:avx)
// take no swish or sigmoid post-op: its eltwise injector computes exp
// with 256-bit integer instructions, which are AVX2's. Asked for a fused
// swish on an AVX-only CPU, oneDNN falls back to its SSE4.1 kernels (half
// the vector width: measured in BenchmarkInferAB on every B2 convolution
// under ONEDNN_MAX_CPU_ISA=AVX). There the activation runs as the
// epilogue (inferKernels.epilogue, one pass over the output while it is
// hot, with the residual when there is one) after oneDNN's convolution
// with its bias, so the convolution runs on the AVX kernels.

// inferEpilogueAct is the activation of a fused step that runs as the
// epilogue after oneDNN's convolution on the ISA oneDNN runs on, or
// actNone when oneDNN fuses it (or there is none).
func (b *dnnlBackend) inferEpilogueAct(act actKind) actKind {
	if (act == actSwish || act == actSigmoid) && b.isa.has(isaAVX) && !b.isa.has(isaAVX2) {
		return act
	}
	return actNone
}

// isaNote describes the ISA-dependent choices in force (Describe), ""
// when there are none.
func (b *dnnlBackend) isaNote() string {
	if b.inferEpilogueAct(actSwish) != actNone {
		return "; inference swish and sigmoid in the epilogue, not fused: oneDNN has no " + b.isa.String() + " kernel with them"
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
