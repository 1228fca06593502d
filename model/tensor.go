package model

import "fmt"

// Tensor is a float32 activation in NHWC layout. Vectors (dense layers) are
// tensors with H = W = 1. Data and Grad are allocated once per plan and
// reused by every step.
type Tensor struct {
	N, H, W, C int
	Data       []float32
	Grad       []float32 // nil when no gradient flows into this tensor

	needGrad bool
	flat     bool // a vector (Keras shape (C,)) rather than a 1x1 map
	gradLive bool // Grad holds a value written during the current backward pass
}

func newTensor(n, h, w, c int, needGrad bool) *Tensor {
	return &Tensor{N: n, H: h, W: w, C: c, needGrad: needGrad}
}

// Len is the number of elements.
func (t *Tensor) Len() int { return t.N * t.H * t.W * t.C }

// Shape is the shape without the batch dimension, as Keras prints it.
func (t *Tensor) Shape() []int {
	if t.H == 1 && t.W == 1 && t.flat {
		return []int{t.C}
	}
	return []int{t.H, t.W, t.C}
}

func (t *Tensor) String() string { return fmt.Sprintf("(%d,%d,%d,%d)", t.N, t.H, t.W, t.C) }

func (t *Tensor) alloc() {
	if t.Data == nil {
		t.Data = make([]float32, t.Len())
	}
}

func (t *Tensor) allocGrad() {
	if t.needGrad && t.Grad == nil {
		t.Grad = make([]float32, t.Len())
	}
}

// gradIn returns the buffer an op's backward pass writes this tensor's
// gradient into, and whether it must add (another consumer already wrote) or
// may overwrite. It returns nil when no gradient is needed.
func (t *Tensor) gradIn() (g []float32, acc bool) {
	if t.Grad == nil {
		return nil, false
	}
	acc = t.gradLive
	t.gradLive = true
	return t.Grad, acc
}

// gradZeroed returns the gradient buffer ready for scattered additions.
func (t *Tensor) gradZeroed() []float32 {
	if t.Grad == nil {
		return nil
	}
	if !t.gradLive {
		clear(t.Grad)
		t.gradLive = true
	}
	return t.Grad
}

// gradOut returns the gradient of an op's output, zero if no consumer wrote it.
func (t *Tensor) gradOut() []float32 { return t.gradZeroed() }

// Param is one weight tensor, addressed by its Keras weight name
// (`block1a_project_conv/kernel:0`) and stored in Keras layout: conv kernels
// (kh, kw, in, out), depthwise (kh, kw, C, 1), dense (in, out), BN vectors (C).
type Param struct {
	Name      string
	Shape     []int
	Data      []float32
	Grad      []float32 // nil for non-trainable parameters
	Trainable bool

	accum []float32 // Adagrad accumulator
}

// Len is the number of elements.
func (p *Param) Len() int { return len(p.Data) }

// op is one step of a compiled network: forward computes outputs from
// inputs; backward adds input and parameter gradients from output gradients.
type op interface {
	forward(e *exec)
	backward(e *exec)
	io() (inputs []*Tensor, output *Tensor)
}

// exec is what ops see while running: the backend, the mode, the thread
// pool, the per-step seed for random masks and shared scratch memory.
type exec struct {
	pool
	be        Backend
	train     bool
	frozenOps int // ops [0, frozenOps) are frozen (Freeze): inference mode, no backward
	stepSeed  uint64
	scratchA  []float32
	scratchB  []float32
}

// scratch returns two scratch slices of at least na and nb floats. Ops use
// them only inside one forward or backward call.
func (e *exec) scratch(na, nb int) ([]float32, []float32) {
	if len(e.scratchA) < na {
		e.scratchA = make([]float32, na)
	}
	if len(e.scratchB) < nb {
		e.scratchB = make([]float32, nb)
	}
	return e.scratchA[:na], e.scratchB[:nb]
}

// mix64 is the splitmix64 finaliser, the engine's counter-based random
// source: mask bit i of an op is a pure function of (step seed, op, i), so
// masks do not depend on thread count or scheduling.
func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// uniform01 maps a hash to [0,1).
func uniform01(h uint64) float32 { return float32(h>>40) / (1 << 24) }
