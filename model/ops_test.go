package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gradHarness builds tiny graphs of ops and checks their backward passes
// against central finite differences of the forward pass.
type gradHarness struct {
	t      *testing.T
	rng    *rand.Rand
	inputs []*Tensor
	params []*Param
	ops    []op
	e      exec
}

// matchRef builds one network with build on be and on ref, runs one
// backward pass of the same output gradient through both and checks the
// forward output and every gradient against ref's; it returns be's harness.
func matchRef(t *testing.T, be Backend, build func(h *gradHarness)) *gradHarness {
	t.Helper()
	h, ref := newHarness(t, be), newHarness(t, refBackend())
	build(h)
	build(ref)
	r := h.outGrad()
	got, want := h.backward(r), ref.backward(r)
	closeTo(t, "forward", h.output(), ref.output())
	for i := range want {
		closeTo(t, want[i].name+" gradient", got[i].g, want[i].g)
	}
	return h
}

func newHarness(t *testing.T, be Backend) *gradHarness {
	return &gradHarness{t: t, rng: rand.New(rand.NewPCG(1, 2)), e: exec{pool: pool{threads: 2}, be: be, train: true, stepSeed: 77}}
}

func (h *gradHarness) input(n, hh, w, c int) *Tensor {
	x := newTensor(n, hh, w, c, true)
	x.alloc()
	x.allocGrad()
	for i := range x.Data {
		x.Data[i] = float32(h.rng.NormFloat64())
	}
	h.inputs = append(h.inputs, x)
	return x
}

func (h *gradHarness) param(shape ...int) *Param {
	n := 1
	for _, s := range shape {
		n *= s
	}
	p := &Param{Name: fmt.Sprintf("p%d", len(h.params)), Shape: shape, Data: make([]float32, n), Grad: make([]float32, n), Trainable: true}
	for i := range p.Data {
		p.Data[i] = float32(h.rng.NormFloat64() * 0.5)
	}
	h.params = append(h.params, p)
	return p
}

// add registers an op and allocates its output.
func (h *gradHarness) add(o op) *Tensor {
	y := opOutput(o)
	if y != nil {
		y.alloc()
		y.allocGrad()
	}
	h.ops = append(h.ops, o)
	return y
}

func opOutput(o op) *Tensor {
	switch o := o.(type) {
	case *convOp:
		return o.y
	case *dwConvOp:
		return o.y
	case *bnOp:
		return o.y
	case *actOp:
		return o.y
	case *gapOp:
		return o.y
	case *scaleOp:
		return o.y
	case *addOp:
		return o.y
	case *dropoutOp:
		return o.y
	case *mulOp:
		return o.y
	case *concatOp:
		return o.y
	case *gramOp:
		return o.y
	case *preprocOp:
		return o.y
	}
	return nil
}

// loss runs the forward pass and returns sum(R*y) of the last output (or
// the cross-entropy when the last op is softmaxCE).
func (h *gradHarness) loss(r []float32) float64 {
	for _, o := range h.ops {
		o.forward(&h.e)
	}
	last := h.ops[len(h.ops)-1]
	if ce, ok := last.(*softmaxCE); ok {
		return ce.loss
	}
	var s float64
	for i, v := range opOutput(last).Data {
		s += float64(v) * float64(r[i])
	}
	return s
}

// target is one value buffer with the gradient the backward pass gave it.
type target struct {
	name string
	v    []float32
	g    []float32
}

// backward runs forward, then backward from the output gradient r, and
// returns every input and parameter with a copy of its gradient.
func (h *gradHarness) backward(r []float32) []target {
	last := h.ops[len(h.ops)-1]
	h.loss(r)
	for _, x := range h.inputs {
		x.gradLive = false
	}
	for _, o := range h.ops {
		if y := opOutput(o); y != nil {
			y.gradLive = false
		}
	}
	for _, p := range h.params {
		clear(p.Grad)
	}
	if y := opOutput(last); y != nil {
		copy(y.Grad, r)
		y.gradLive = true
	}
	for i := len(h.ops) - 1; i >= 0; i-- {
		h.ops[i].backward(&h.e)
	}
	var ts []target
	for i, x := range h.inputs {
		g := append([]float32(nil), x.Grad...)
		if !x.gradLive {
			clear(g)
		}
		ts = append(ts, target{fmt.Sprintf("input%d", i), x.Data, g})
	}
	for _, p := range h.params {
		ts = append(ts, target{p.Name, p.Data, append([]float32(nil), p.Grad...)})
	}
	return ts
}

// outGrad draws a random output gradient for the harness's last op.
func (h *gradHarness) outGrad() []float32 {
	var r []float32
	if y := opOutput(h.ops[len(h.ops)-1]); y != nil {
		r = make([]float32, y.Len())
		for i := range r {
			r[i] = float32(h.rng.NormFloat64())
		}
	}
	return r
}

// output is a copy of the last op's output (or its loss).
func (h *gradHarness) output() []float32 {
	last := h.ops[len(h.ops)-1]
	if ce, ok := last.(*softmaxCE); ok {
		return append([]float32{float32(ce.loss)}, ce.probs...)
	}
	return append([]float32(nil), opOutput(last).Data...)
}

func (h *gradHarness) check() {
	t := h.t
	t.Helper()
	r := h.outGrad()
	ts := h.backward(r)
	const eps = 1e-2
	for _, tg := range ts {
		idx := h.rng.Perm(len(tg.v))
		if len(idx) > 40 {
			idx = idx[:40]
		}
		var scale float64
		for _, g := range tg.g {
			scale = math.Max(scale, math.Abs(float64(g)))
		}
		bad := 0
		for _, i := range idx {
			old := tg.v[i]
			tg.v[i] = old + eps
			lp := h.loss(r)
			tg.v[i] = old - eps
			lm := h.loss(r)
			tg.v[i] = old
			num := (lp - lm) / (2 * eps)
			an := float64(tg.g[i])
			if math.Abs(num-an) > 2e-2*math.Max(math.Abs(num), math.Abs(an))+2e-3*math.Max(1, scale) {
				if bad < 5 {
					t.Errorf("%s[%d]: analytic %.6g, numeric %.6g", tg.name, i, an, num)
				}
				bad++
			}
		}
	}
	h.loss(r)
}

// opCases builds one small graph per op and variant (strides, odd sizes,
// chunked im2col, fused activations): the shared backend suite.
var opCases = []struct {
	name  string
	build func(h *gradHarness)
}{
	{"conv3x3_s1", func(h *gradHarness) {
		x := h.input(2, 5, 5, 3)
		h.add(newConvOp(x, 4, 3, 1, h.param(3, 3, 3, 4), nil, true))
	}},
	{"conv3x3_s2_even", func(h *gradHarness) {
		x := h.input(2, 6, 6, 3)
		h.add(newConvOp(x, 4, 3, 2, h.param(3, 3, 3, 4), nil, true))
	}},
	{"conv3x3_s2_odd_chunked", func(h *gradHarness) {
		old := colLimit
		colLimit = 30 // one output row per chunk
		h.t.Cleanup(func() { colLimit = old })
		x := h.input(2, 7, 5, 2)
		h.add(newConvOp(x, 3, 3, 2, h.param(3, 3, 2, 3), nil, true))
	}},
	{"conv1x1_bias", func(h *gradHarness) {
		x := h.input(2, 3, 3, 5)
		h.add(newConvOp(x, 4, 1, 1, h.param(1, 1, 5, 4), h.param(4), true))
	}},
	// Batches the onednn backend cuts into chunks with a smaller last one
	// (9 images: four chunks of 2 and one of 1), with a bias.
	{"conv3x3_bias_batch9", func(h *gradHarness) {
		x := h.input(9, 4, 5, 3)
		h.add(newConvOp(x, 4, 3, 1, h.param(3, 3, 3, 4), h.param(4), true))
	}},
	// Channel counts where the onednn backend runs backward-data and
	// backward-weights on oneDNN's gemm implementation (gemmBackward), one
	// with a bias, one strided in chunks of one image.
	{"conv3x3_wide_bias", func(h *gradHarness) {
		x := h.input(2, 5, 6, 48)
		h.add(newConvOp(x, 64, 3, 1, h.param(3, 3, 48, 64), h.param(64), true))
	}},
	{"conv3x3_s2_batch3", func(h *gradHarness) {
		x := h.input(3, 7, 6, 16)
		h.add(newConvOp(x, 24, 3, 2, h.param(3, 3, 16, 24), nil, true))
	}},
	{"depthwise_s1_batch9", func(h *gradHarness) {
		x := h.input(9, 5, 5, 4)
		h.add(newDWConvOp(x, 3, 1, h.param(3, 3, 4, 1)))
	}},
	// One input read by two convolutions: the second backward adds to the
	// input gradient the first wrote.
	{"conv_shared_input", func(h *gradHarness) {
		x := h.input(3, 4, 4, 3)
		a := h.add(newConvOp(x, 4, 1, 1, h.param(1, 1, 3, 4), nil, true))
		b := h.add(newConvOp(x, 4, 3, 1, h.param(3, 3, 3, 4), nil, true))
		h.add(newAddOp(a, b, 0, 1))
	}},
	{"dense", func(h *gradHarness) {
		x := h.input(3, 1, 1, 7)
		h.add(newConvOp(x, 5, 1, 1, h.param(7, 5), h.param(5), true))
	}},
	{"depthwise_s1", func(h *gradHarness) {
		x := h.input(2, 5, 4, 6)
		h.add(newDWConvOp(x, 3, 1, h.param(3, 3, 6, 1)))
	}},
	{"depthwise_s2", func(h *gradHarness) {
		x := h.input(2, 6, 7, 3)
		h.add(newDWConvOp(x, 3, 2, h.param(3, 3, 3, 1)))
	}},
	{"batchnorm", func(h *gradHarness) {
		x := h.input(3, 3, 3, 4)
		mean, vari := h.param(4), h.param(4)
		h.add(newBNOp(x, actNone, h.param(4), h.param(4), mean, vari))
	}},
	{"batchnorm_swish", func(h *gradHarness) {
		x := h.input(3, 3, 2, 4)
		h.add(newBNOp(x, actSwish, h.param(4), h.param(4), h.param(4), h.param(4)))
	}},
	{"swish", func(h *gradHarness) { h.add(newActOp(h.input(2, 3, 3, 4), actSwish)) }},
	{"sigmoid", func(h *gradHarness) { h.add(newActOp(h.input(2, 3, 3, 4), actSigmoid)) }},
	{"leaky_relu", func(h *gradHarness) { h.add(newActOp(h.input(2, 3, 3, 4), actLeaky)) }},
	{"global_average_pool", func(h *gradHarness) { h.add(newGAPOp(h.input(2, 3, 4, 5))) }},
	{"squeeze_excite", func(h *gradHarness) {
		x := h.input(2, 3, 3, 4)
		s := h.add(newGAPOp(x))
		s = h.add(newConvOp(s, 2, 1, 1, h.param(1, 1, 4, 2), h.param(2), true))
		s = h.add(newActOp(s, actSwish))
		s = h.add(newConvOp(s, 4, 1, 1, h.param(1, 1, 2, 4), h.param(4), true))
		s = h.add(newActOp(s, actSigmoid))
		h.add(newScaleOp(x, s))
	}},
	{"add", func(h *gradHarness) { h.add(newAddOp(h.input(2, 2, 2, 3), h.input(2, 2, 2, 3), 0, 1)) }},
	{"stochastic_depth_add", func(h *gradHarness) {
		h.add(newAddOp(h.input(6, 2, 2, 3), h.input(6, 2, 2, 3), 0.5, 1))
	}},
	{"dropout", func(h *gradHarness) { h.add(newDropoutOp(h.input(4, 1, 1, 10), 0.5, 3)) }},
	{"multiply", func(h *gradHarness) { h.add(newMulOp(h.input(2, 1, 1, 5), h.input(2, 1, 1, 5))) }},
	{"concatenate", func(h *gradHarness) {
		h.add(newConcatOp([]*Tensor{h.input(2, 1, 1, 3), h.input(2, 1, 1, 4)}))
	}},
	{"gram", func(h *gradHarness) { h.add(newGramOp(h.input(2, 3, 4, 3))) }},
	{"preprocess", func(h *gradHarness) { h.add(newPreprocOp(h.input(2, 2, 2, 3), true)) }},
	{"softmax_cross_entropy", func(h *gradHarness) {
		x := h.input(4, 1, 1, 3)
		ce := newSoftmaxCE(x)
		copy(ce.labels, []int{0, 2, 1, 2})
		h.ops = append(h.ops, ce)
	}},
}

// TestBackendSuite is the shared backend suite (gonum testblas's pattern):
// for every backend built into this binary, every op's forward and backward
// against the ref backend on the same inputs, and its backward against
// central finite differences of its own forward.
func TestBackendSuite(t *testing.T) {
	for _, name := range Backends() {
		be, err := NewBackend(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range opCases {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				if name != "ref" {
					matchRef(t, be, c.build)
				}
				h := newHarness(t, be)
				c.build(h)
				h.check()
			})
		}
	}
}

// closeTo fails when got and want (a backend against the reference) differ
// by more than float32 rounding of differently ordered sums.
func closeTo(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, reference %d", what, len(got), len(want))
	}
	var scale float64
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*math.Abs(float64(want[i]))+1e-5*math.Max(1, scale) {
			t.Fatalf("%s[%d] = %v, reference %v", what, i, got[i], want[i])
		}
	}
}

func TestStochasticDepthMasks(t *testing.T) {
	// Masks keep about 1-rate of the images, scale kept ones by 1/(1-rate),
	// and are a function of the step seed only.
	h := newHarness(t, refBackend())
	a, b := h.input(400, 1, 1, 1), h.input(400, 1, 1, 1)
	o := newAddOp(a, b, 0.25, 9)
	o.y.alloc()
	o.forward(&h.e)
	kept := 0
	for _, m := range o.mask {
		switch m {
		case 0:
		case 1 / float32(0.75):
			kept++
		default:
			t.Fatalf("mask value %v", m)
		}
	}
	if kept < 270 || kept > 330 {
		t.Errorf("kept %d of 400, want about 300", kept)
	}
	first := append([]float32(nil), o.mask...)
	h.e.threads = 1
	o.forward(&h.e)
	for i := range first {
		if first[i] != o.mask[i] {
			t.Fatal("mask changed between identical steps")
		}
	}
	h.e.train = false
	o.forward(&h.e)
	for i, v := range o.y.Data {
		if v != a.Data[i]+b.Data[i] {
			t.Fatal("inference add is not a+b")
		}
	}
}

func TestExpf(t *testing.T) {
	for x := float32(-87); x <= 88; x += 0.0137 {
		want := math.Exp(float64(x))
		got := float64(expf(x))
		if math.Abs(got-want) > 4e-7*want {
			t.Fatalf("expf(%v) = %v, want %v", x, got, want)
		}
	}
	if v := expf(-1000); v <= 0 || math.IsInf(float64(expf(1000)), 0) {
		t.Errorf("expf does not clamp: %v", v)
	}
}

func TestSamePad(t *testing.T) {
	for _, c := range []struct{ in, k, s, out, before int }{
		{256, 3, 2, 128, 0}, {255, 3, 2, 128, 1}, {32, 3, 1, 32, 1}, {32, 1, 1, 32, 0}, {7, 3, 2, 4, 1},
	} {
		out, before := samePad(c.in, c.k, c.s)
		if out != c.out || before != c.before {
			t.Errorf("samePad(%d,%d,%d) = %d,%d want %d,%d", c.in, c.k, c.s, out, before, c.out, c.before)
		}
	}
}
