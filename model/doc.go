// Package model is curate's CPU training engine and the EfficientNetV2 + Gram
// network built on it.
//
// The engine works on float32 NHWC tensors. A network is compiled, per batch
// shape, into a plan: a list of ops (convolution, depthwise convolution,
// batch norm fused with swish, squeeze-and-excitation, pooling, dense,
// dropout, stochastic depth, Gram matrix, product, concatenation, addition,
// softmax cross-entropy), each with a forward and a backward pass, and every
// activation allocated once and reused by every step. Gradient buffers are
// shared between tensors whose gradients are never live at the same time.
//
// Every op's arithmetic goes through a Backend (backend.go): the op is the
// descriptor (geometry, tensors, parameters, a slot for per-shape state)
// and the backend does the work. Three are built: "ref", pure Go plain loops
// that define the maths (builds with CGO_ENABLED=0 and on any GOARCH);
// "cpu", OpenBLAS products and vectorised C loops (on x86-64 built with
// GCC target_clones for AVX-512/AVX2/baseline, chosen at load time); and
// "onednn", the cpu backend with Intel's oneDNN (Debian libdnnl-dev) for
// every convolution on a map of 2x2 or more (1x1, 3x3, strided, depthwise;
// absent with the nodnnl build tag, and with noblas, which leaves out the
// cpu backend it runs on). Config.Backend chooses; "" is the
// first built of onednn, cpu, ref (the fastest). The shared backend suite
// (TestBackendSuite) checks every op of every backend against ref and
// against finite differences.
//
// The onednn backend cuts each convolution's batch into 4 to 8 chunks of
// images (a function of the batch and map size alone) and runs each chunk
// as one single-threaded oneDNN primitive (its own stream and scratchpad)
// on one of the engine's goroutines; the chunks' weight gradients are added
// in chunk order. So oneDNN never starts OpenMP threads (nothing to hang on
// in a process that ran Tesseract), and its results, like cpu's, do not
// depend on the thread count.
// Which oneDNN implementation runs a backward pass (its direct jit kernels
// or its im2col + sgemm one) is fixed by the instruction set oneDNN runs
// on and the convolution's shape (gemmBackward: rules measured on AVX2
// and on AVX-512, each applied on its own ISA; below AVX2 oneDNN's own
// first choice), so it too is independent of the thread count.
//
// Each pass of a 1x1 convolution runs where route1x1's per-ISA table puts
// it (route_onednn.go: oneDNN's direct kernels, its gemm implementation,
// or OpenBLAS on the host path), a function of the ISA and shape alone.
//
// On the host backends convolutions are matrix products: 1x1 convolutions
// and dense layers directly on the (N*H*W) x C activation, 3x3 convolutions
// through im2col in chunks of output rows. Products run single-threaded
// BLAS calls on blocks of the output, shared out across the engine's
// goroutines, so BLAS threads never compete with the engine's own. Where
// OpenBLAS does not know the CPU and falls back to its SSE3 kernels
// (Debian 12's 0.3.21 on the Xeon of family 6 model 207), the engine makes
// it run the kernels of the CPU's x86-64 level instead (blascore_native.go).
//
// The engine's goroutines beyond the caller's are persistent helpers
// (par.go) that spin for a millisecond after each range before parking:
// a training step makes thousands of parallel calls, and waking an idle
// core's thread for each cost 120-200 us in a virtual machine. A
// convolution's oneDNN chunks go to whichever goroutine is free next
// (pool.each); each chunk owns its outputs and partials, so that changes
// nothing in the result.
//
// Results do not depend on the thread count: every reduction, and every
// cut of a matrix product into blocks (rows, columns, or slices of the inner
// dimension for weight gradients), is fixed by the shape alone, partial sums
// are added in a fixed order, and random masks are a pure function of
// (seed, step, layer, element). TestDeterministicSteps asserts bit-identical
// weights after training with 1, 2 and 3 threads on every backend.
//
// The network (New, Preset) follows the Keras EfficientNetV2 block table
// (B0..B3, V2-S), with Keras layer names and Keras weight names for every
// parameter (`block1a_project_conv/kernel:0`, stored in Keras layout), and
// the head of Motiejauskas & Dzemyda (2024): global pooling, dropout 0.5,
// Dense(k*C) with LeakyReLU(0.2), plus k Gram modules on block3b_project_conv
// (Gram matrix -> Dense(C) -> LeakyReLU -> BatchNorm, times 1x1 conv ->
// LeakyReLU -> pooling), concatenated and added, then Dense(2) softmax.
// Net.Step trains on one batch with Keras Adagrad; Net.Predict runs
// inference on an inference-only program compiled from the same graph
// (infer.go: batch norm folded into the convolutions, bias, activation and
// residual fused into their outputs, activations in a few reused slots;
// on onednn image by image on min(threads, N) lanes of single-threaded
// primitives, with activations fused as oneDNN post-ops except where the
// ISA oneDNN runs has no kernel with them (isa_onednn.go's table: AVX
// without AVX2 runs them in the epilogue), so an image's probabilities depend neither on its batch nor
// on the thread count, and oneDNN opens no OpenMP region unless a batch has
// fewer images than threads).
// A Net is not safe for concurrent use.
package model
