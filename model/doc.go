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
// Convolutions are matrix products: 1x1 convolutions and dense layers
// directly on the (N*H*W) x C activation, 3x3 convolutions through im2col in
// chunks of output rows. Products run on OpenBLAS (cgo) with one BLAS thread,
// split by the engine across its goroutines (rows, columns, or the inner
// dimension for weight gradients), so BLAS threads never compete with the
// engine's own. Batch norm, swish, depthwise convolution and the vector ops
// run as C loops that GCC vectorises (AVX-512/AVX2/baseline chosen at load
// time). Without cgo (or with -tags noblas) the plain-Go references of all
// of these run instead; tests compare the two.
//
// Reductions use a fixed split that does not depend on the thread count and
// random masks are a pure function of (seed, step, layer, element), so a
// training run is deterministic for a given seed and thread count.
//
// The network (New, Preset) follows the Keras EfficientNetV2 block table
// (B0..B3, V2-S), with Keras layer names and Keras weight names for every
// parameter (`block1a_project_conv/kernel:0`, stored in Keras layout), and
// the head of Motiejauskas & Dzemyda (2024): global pooling, dropout 0.5,
// Dense(k*C) with LeakyReLU(0.2), plus k Gram modules on block3b_project_conv
// (Gram matrix -> Dense(C) -> LeakyReLU -> BatchNorm, times 1x1 conv ->
// LeakyReLU -> pooling), concatenated and added, then Dense(2) softmax.
// Net.Step trains on one batch with Keras Adagrad; Net.Predict runs
// inference. A Net is not safe for concurrent use.
package model
