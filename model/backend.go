package model

import (
	"fmt"
	"strings"
)

// Backend does the arithmetic of every op of a compiled network. The
// network, its graph and its ops (shapes, Keras names, the builder, the
// gradient bookkeeping) are backend-independent; an op's forward and
// backward are one call into the backend with the op itself as the
// descriptor: its geometry, its tensors and parameters (the buffers), and a
// slot (opState) where the backend keeps whatever it prepares once per
// shape (oneDNN primitives, a cuDNN plan, workspace).
//
// Buffers are handed over as the graph's *Tensor and *Param values, never as
// host slices chosen by the op: a host backend (ref, cpu, onednn) reads
// their Data and Grad; a device backend would keep device memory beside
// them and copy at the boundary (upload of the input batch, download of the
// probabilities and loss, and of the parameters when Params is read). See
// ARCHITECTURE.md, "model backends".
//
// Gradient calls follow the graph's accumulation rule: a backward writes an
// input gradient when it is the first consumer to do so and adds to it
// otherwise (Tensor.gradIn says which), and always adds to parameter
// gradients (cleared once per step).
type Backend interface {
	// Name is the backend's name as --backend spells it.
	Name() string
	// Describe says what the backend runs on (kernels, BLAS, library version).
	Describe() string

	convForward(e *exec, o *convOp)
	convBackward(e *exec, o *convOp)
	dwForward(e *exec, o *dwConvOp)
	dwBackward(e *exec, o *dwConvOp)
	bnForward(e *exec, o *bnOp)
	bnBackward(e *exec, o *bnOp)
	actForward(e *exec, o *actOp)
	actBackward(e *exec, o *actOp)
	gapForward(e *exec, o *gapOp)
	gapBackward(e *exec, o *gapOp)
	scaleForward(e *exec, o *scaleOp)
	scaleBackward(e *exec, o *scaleOp)
	addForward(e *exec, o *addOp)
	addBackward(e *exec, o *addOp)
	dropoutForward(e *exec, o *dropoutOp)
	dropoutBackward(e *exec, o *dropoutOp)
	mulForward(e *exec, o *mulOp)
	mulBackward(e *exec, o *mulOp)
	concatForward(e *exec, o *concatOp)
	concatBackward(e *exec, o *concatOp)
	gramForward(e *exec, o *gramOp)
	gramBackward(e *exec, o *gramOp)
	preprocForward(e *exec, o *preprocOp)
	preprocBackward(e *exec, o *preprocOp)
	softmaxForward(e *exec, o *softmaxCE)
	softmaxBackward(e *exec, o *softmaxCE)
	// adagrad applies one optimiser step to every trainable parameter.
	adagrad(e *exec, a Adagrad, params []*Param)
	// setThreads tells the backend how many threads it may use.
	setThreads(n int)
}

// opState is the per-op slot a backend caches its per-shape preparations
// in. Ops embed it; plans are cached per (batch, size), so a backend
// prepares each op once per shape and reuses it every step.
type opState struct{ state any }

// refBackend is the pure-Go reference: plain loops that define the maths.
// It builds everywhere (CGO_ENABLED=0, arm64).
func refBackend() Backend { return &hostBackend{name: "ref", k: goKernels()} }

// backendMakers lists the backends in order of preference; entries return
// nil when the backend is not built into this binary. `onednn` comes first:
// it is the fastest (B2 training step at batch 16 on a 2-core AMD EPYC:
// about 30% less time than cpu) and, like cpu, deterministic and
// independent of the thread count (TestDeterministicSteps); it never opens
// an OpenMP parallel region, so the hang seen when oneDNN's own OpenMP
// threading ran after Tesseract (TestReportDemo) cannot recur. Without
// libdnnl (the nodnnl tag) cpu is the default; without cgo, ref.
var backendMakers = []struct {
	name string
	make func() Backend
}{
	{"onednn", onednnBackend},
	{"cpu", cpuBackend},
	{"ref", refBackend},
}

// Backends lists the backends built into this binary, the default first.
func Backends() []string {
	var names []string
	for _, m := range backendMakers {
		if m.make() != nil {
			names = append(names, m.name)
		}
	}
	return names
}

// NewBackend returns the named backend, or the default (the first of
// Backends) for "".
func NewBackend(name string) (Backend, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, m := range backendMakers {
		if name != "" && name != m.name {
			continue
		}
		if b := m.make(); b != nil {
			return b, nil
		}
		if name != "" {
			return nil, fmt.Errorf("model: backend %q is not built into this binary (built: %s)", name, strings.Join(Backends(), ", "))
		}
	}
	return nil, fmt.Errorf("model: unknown backend %q (want one of %s)", name, strings.Join(Backends(), ", "))
}
