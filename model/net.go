package model

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"runtime"
)

// Layer is one Keras layer of the network as `summary` prints it.
type Layer struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	Shape     []int  `json:"shape"` // output shape without the batch dimension
	Params    int    `json:"params"`
	Trainable int    `json:"trainable"`
}

// Net is an EfficientNetV2 + Gram-module classifier: its configuration, its
// parameters (addressable by Keras weight name) and the compiled plan of the
// batch shape it last ran.
type Net struct {
	cfg     Config
	params  []*Param
	byName  map[string]*Param
	initRNG *rand.Rand
	opt     Adagrad
	step    uint64
	threads int
	be      Backend
	cur     *plan
	plans   map[planKey]*plan // compiled plans by (batch, size)
	arenas  map[int]*plan     // per size, the largest-batch plan: the others are views of its buffers
	ex      *exec
	frozen  frozen      // see Freeze
	infer   *inferCache // Predict's inference programs (infer.go)
}

// New builds a network with freshly initialised weights (Keras
// initialisers, seeded by cfg.Seed).
func New(cfg Config) (*Net, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	t := cfg.Threads
	if t <= 0 {
		t = runtime.NumCPU()
	}
	be, err := NewBackend(cfg.Backend)
	if err != nil {
		return nil, err
	}
	be.setThreads(t)
	n := &Net{cfg: cfg, byName: map[string]*Param{}, initRNG: rand.New(rand.NewPCG(cfg.Seed, 0x5eed)),
		opt: DefaultAdagrad(), threads: t, be: be, plans: map[planKey]*plan{}, arenas: map[int]*plan{}}
	if _, err := n.compile(1, cfg.Size); err != nil {
		return nil, err
	}
	return n, nil
}

// Backend names the backend the network runs on.
func (n *Net) Backend() string { return n.be.Name() }

// Config returns the network's configuration.
func (n *Net) Config() Config { return n.cfg }

// Params returns every parameter in creation (Keras layer) order.
func (n *Net) Params() []*Param { return n.params }

// Param returns the parameter with a Keras weight name such as
// `block1a_project_conv/kernel:0`, or nil.
func (n *Net) Param(name string) *Param { return n.byName[name] }

// SetOptimizer replaces the optimiser settings (accumulators are kept).
func (n *Net) SetOptimizer(o Adagrad) { n.opt = o }

// Layers returns the Keras layer list for a size x size input.
func (n *Net) Layers(size int) ([]Layer, error) {
	p, err := n.compile(1, size)
	if err != nil {
		return nil, err
	}
	return p.layers, nil
}

// plan is the network compiled for one batch shape: ops in order and every
// activation, allocated once and reused by each step.
type plan struct {
	n, size   int
	ops       []op
	tensors   []*Tensor
	layers    []Layer
	input     *Tensor
	ce        *softmaxCE
	tap       *Tensor
	allocated bool
	grads     bool
	arena     *plan // nil, or the larger plan of the same size whose buffers this one views

	// layerOps[i] and layerParams[i] are the number of ops and parameters
	// that exist once layer i is built (for Freeze).
	layerOps, layerParams []int
}

// planKey identifies a compiled plan.
type planKey struct{ batch, size int }

type builder struct {
	net     *Net
	p       *plan
	nparams int // parameters built so far by this compile
}

// initKind selects a Keras initialiser.
type initKind int

const (
	initZeros initKind = iota
	initOnes
	initConvFanOut // VarianceScaling(2.0, fan_out, truncated normal): EfficientNet convs
	initGlorot     // glorot_uniform: Keras Dense/Conv2D default
)

func (b *builder) param(name string, shape []int, trainable bool, init initKind) *Param {
	b.nparams++
	size := 1
	for _, s := range shape {
		size *= s
	}
	if p, ok := b.net.byName[name]; ok {
		if p.Len() != size {
			panic(fmt.Sprintf("model: parameter %s rebuilt with %v, was %v", name, shape, p.Shape))
		}
		return p
	}
	p := &Param{Name: name, Shape: shape, Data: make([]float32, size), Trainable: trainable}
	if trainable {
		p.Grad = make([]float32, size)
	}
	rng := b.net.initRNG
	switch init {
	case initOnes:
		for i := range p.Data {
			p.Data[i] = 1
		}
	case initConvFanOut:
		fanOut := shape[len(shape)-1]
		for _, s := range shape[:len(shape)-2] {
			fanOut *= s
		}
		std := math.Sqrt(2/float64(fanOut)) / 0.87962566103423978
		for i := range p.Data {
			z := rng.NormFloat64()
			for math.Abs(z) > 2 {
				z = rng.NormFloat64()
			}
			p.Data[i] = float32(z * std)
		}
	case initGlorot:
		rf := 1
		for _, s := range shape[:len(shape)-2] {
			rf *= s
		}
		fanIn, fanOut := shape[len(shape)-2]*rf, shape[len(shape)-1]*rf
		lim := math.Sqrt(6 / float64(fanIn+fanOut))
		for i := range p.Data {
			p.Data[i] = float32((2*rng.Float64() - 1) * lim)
		}
	}
	b.net.params = append(b.net.params, p)
	b.net.byName[name] = p
	return p
}

func (b *builder) add(o op, out *Tensor) {
	b.p.ops = append(b.p.ops, o)
	if out != nil {
		b.p.tensors = append(b.p.tensors, out)
	}
}

func (b *builder) layer(name, typ string, shape []int, params ...*Param) {
	l := Layer{Name: name, Type: typ, Shape: shape}
	for _, p := range params {
		if p == nil {
			continue
		}
		l.Params += p.Len()
		if p.Trainable {
			l.Trainable += p.Len()
		}
	}
	b.p.layers = append(b.p.layers, l)
	b.p.layerOps = append(b.p.layerOps, len(b.p.ops))
	b.p.layerParams = append(b.p.layerParams, b.nparams)
}

func seedOf(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

func (b *builder) conv(name string, x *Tensor, cout, k, stride int, bias bool, init initKind) *Tensor {
	w := b.param(name+"/kernel:0", []int{k, k, x.C, cout}, true, init)
	var bp *Param
	if bias {
		bp = b.param(name+"/bias:0", []int{cout}, true, initZeros)
	}
	o := newConvOp(x, cout, k, stride, w, bp, true)
	b.add(o, o.y)
	b.layer(name, "Conv2D", o.y.Shape(), w, bp)
	if name == b.net.cfg.Tap {
		b.p.tap = o.y
	}
	return o.y
}

func (b *builder) dense(name string, x *Tensor, units int) *Tensor {
	w := b.param(name+"/kernel:0", []int{x.C, units}, true, initGlorot)
	bp := b.param(name+"/bias:0", []int{units}, true, initZeros)
	o := newConvOp(x, units, 1, 1, w, bp, true)
	o.y.flat = true
	b.add(o, o.y)
	b.layer(name, "Dense", o.y.Shape(), w, bp)
	return o.y
}

// bn adds a BatchNormalization layer and, when act is not actNone, the
// Activation layer after it (fused into one op).
func (b *builder) bn(name string, x *Tensor, act actKind, actName string) *Tensor {
	C := x.C
	g := b.param(name+"/gamma:0", []int{C}, true, initOnes)
	be := b.param(name+"/beta:0", []int{C}, true, initZeros)
	m := b.param(name+"/moving_mean:0", []int{C}, false, initZeros)
	v := b.param(name+"/moving_variance:0", []int{C}, false, initOnes)
	o := newBNOp(x, act, g, be, m, v)
	o.y.flat = x.flat
	if n := len(b.p.ops); n > 0 {
		switch c := b.p.ops[n-1].(type) {
		case *convOp:
			if c.y == x {
				c.bn = o
			}
		case *dwConvOp:
			if c.y == x {
				c.bn = o
			}
		}
	}
	b.add(o, o.y)
	b.layer(name, "BatchNormalization", o.y.Shape(), g, be, m, v)
	if act != actNone {
		b.layer(actName, "Activation", o.y.Shape())
	}
	return o.y
}

func (b *builder) act(name string, x *Tensor, act actKind, layer bool) *Tensor {
	o := newActOp(x, act)
	b.add(o, o.y)
	if layer {
		b.layer(name, "Activation", o.y.Shape())
	}
	return o.y
}

// planFor returns the plan for batch x size x size. Plans are cached per
// (batch, size), so switching between training, evaluation and a last
// partial batch neither recompiles nor reallocates. Activations are NHWC
// with the batch outermost, so a smaller batch's tensors are prefixes of a
// larger batch's: per size, the largest plan (the arena) owns the memory and
// the smaller plans view it. A batch larger than the arena's replaces it.
func (n *Net) planFor(batch, size int) (*plan, error) {
	if p := n.plans[planKey{batch, size}]; p != nil {
		n.cur = p
		return p, nil
	}
	if a := n.arenas[size]; a != nil && a.n < batch {
		for k := range n.plans {
			if k.size == size {
				delete(n.plans, k)
			}
		}
		delete(n.arenas, size)
		n.cur = nil // let the old plans' buffers go before allocating new ones
	}
	p, err := n.compile(batch, size)
	if err != nil {
		return nil, err
	}
	if a := n.arenas[size]; a != nil {
		p.arena = a
	} else {
		n.arenas[size] = p
	}
	n.plans[planKey{batch, size}] = p
	n.cur = p
	return p, nil
}

// alloc gives every activation its memory: its own, or a prefix of the
// arena's tensor of the same position in the graph.
func (p *plan) alloc() {
	if p.allocated {
		return
	}
	p.allocated = true
	if p.arena == nil {
		for _, t := range p.tensors {
			t.alloc()
		}
		return
	}
	p.arena.alloc()
	for i, t := range p.tensors {
		t.Data = p.arena.tensors[i].Data[:t.Len()]
	}
}

// compile builds a plan for batch n at size x size without allocating its
// activations. Parameters are created on the first build and shared by
// every plan.
func (n *Net) compile(batch, size int) (*plan, error) {
	cfg := &n.cfg
	if size < 8 {
		return nil, fmt.Errorf("model: input size %d too small", size)
	}
	b := &builder{net: n, p: &plan{n: batch, size: size}}
	x := newTensor(batch, size, size, 3, false)
	b.p.input = x
	b.p.tensors = append(b.p.tensors, x)
	b.layer("input_1", "InputLayer", x.Shape())
	pre := newPreprocOp(x, cfg.ImageNet)
	b.add(pre, pre.y)
	b.layer("rescaling", "Rescaling", x.Shape())
	if cfg.ImageNet {
		b.layer("normalization", "Normalization", x.Shape())
	}
	x = pre.y

	x = b.conv("stem_conv", x, cfg.roundFilters(cfg.Blocks[0].In), 3, 2, false, initConvFanOut)
	x = b.bn("stem_bn", x, actSwish, "stem_activation")

	base := 0
	for _, a := range cfg.Blocks {
		base += a.Repeats
	}
	blk := 0
	for i, a := range cfg.Blocks {
		in, out := cfg.roundFilters(a.In), cfg.roundFilters(a.Out)
		reps := cfg.roundRepeats(a.Repeats)
		for j := 0; j < reps; j++ {
			stride := a.Stride
			if j > 0 {
				stride, in = 1, out
			}
			if j >= 26 {
				return nil, fmt.Errorf("model: stage %d has %d blocks, more than Keras can name", i+1, reps)
			}
			name := fmt.Sprintf("block%d%c_", i+1, 'a'+j)
			rate := float32(cfg.DropConnect * float64(blk) / float64(base))
			x = b.block(name, x, a, in, out, stride, rate)
			blk++
		}
	}
	x = b.conv("top_conv", x, cfg.roundFilters(cfg.TopFilters), 1, 1, false, initConvFanOut)
	x = b.bn("top_bn", x, actSwish, "top_activation")
	if err := b.head(x); err != nil {
		return nil, err
	}
	return b.p, nil
}

func (b *builder) block(name string, x *Tensor, a BlockArgs, in, out, stride int, rate float32) *Tensor {
	inputs := x
	filters := in * a.Expand
	if a.Fused {
		if a.Expand != 1 {
			x = b.conv(name+"expand_conv", x, filters, a.Kernel, stride, false, initConvFanOut)
			x = b.bn(name+"expand_bn", x, actSwish, name+"expand_activation")
			x = b.conv(name+"project_conv", x, out, 1, 1, false, initConvFanOut)
			x = b.bn(name+"project_bn", x, actNone, "")
		} else {
			x = b.conv(name+"project_conv", x, out, a.Kernel, stride, false, initConvFanOut)
			x = b.bn(name+"project_bn", x, actSwish, name+"project_activation")
		}
	} else {
		if a.Expand != 1 {
			x = b.conv(name+"expand_conv", x, filters, 1, 1, false, initConvFanOut)
			x = b.bn(name+"expand_bn", x, actSwish, name+"expand_activation")
		}
		w := b.param(name+"dwconv2/depthwise_kernel:0", []int{a.Kernel, a.Kernel, filters, 1}, true, initConvFanOut)
		dw := newDWConvOp(x, a.Kernel, stride, w)
		b.add(dw, dw.y)
		b.layer(name+"dwconv2", "DepthwiseConv2D", dw.y.Shape(), w)
		x = b.bn(name+"bn", dw.y, actSwish, name+"activation")
		if a.SE > 0 {
			x = b.se(name, x, max(1, int(float64(in)*a.SE)))
		}
		x = b.conv(name+"project_conv", x, out, 1, 1, false, initConvFanOut)
		x = b.bn(name+"project_bn", x, actNone, "")
	}
	if stride == 1 && in == out {
		if rate > 0 {
			b.layer(name+"drop", "Dropout", x.Shape())
		}
		o := newAddOp(inputs, x, rate, seedOf(name+"drop"))
		b.add(o, o.y)
		b.layer(name+"add", "Add", o.y.Shape())
		x = o.y
	}
	return x
}

// se is squeeze-and-excitation: pool, 1x1 conv to r channels with swish,
// 1x1 conv back with sigmoid, multiply.
func (b *builder) se(name string, x *Tensor, r int) *Tensor {
	g := newGAPOp(x)
	b.add(g, g.y)
	b.layer(name+"se_squeeze", "GlobalAveragePooling2D", g.y.Shape())
	s := g.y
	s.flat = false
	b.layer(name+"se_reshape", "Reshape", s.Shape())
	s = b.conv(name+"se_reduce", s, r, 1, 1, true, initConvFanOut)
	s = b.act("", s, actSwish, false)
	s = b.conv(name+"se_expand", s, x.C, 1, 1, true, initConvFanOut)
	s = b.act("", s, actSigmoid, false)
	o := newScaleOp(x, s)
	b.add(o, o.y)
	b.layer(name+"se_excite", "Multiply", o.y.Shape())
	return o.y
}

// head is the paper's classifier: pool -> dropout -> Dense(k*C, LeakyReLU)
// plus k Gram modules on the tap, concatenated and added, -> Dense(classes)
// softmax.
func (b *builder) head(x *Tensor) error {
	cfg := &b.net.cfg
	g := newGAPOp(x)
	b.add(g, g.y)
	b.layer("avg_pool", "GlobalAveragePooling2D", g.y.Shape())
	d := newDropoutOp(g.y, float32(cfg.Dropout), seedOf("head_dropout"))
	b.add(d, d.y)
	b.layer("head_dropout", "Dropout", d.y.Shape())
	width := cfg.HeadWidth
	var F *Tensor
	if cfg.Gram > 0 {
		F = b.p.tap
		if F == nil {
			return fmt.Errorf("model: tap layer %q not in the network", cfg.Tap)
		}
		if width == 0 {
			width = cfg.Gram * F.C
		}
		if width != cfg.Gram*F.C {
			return fmt.Errorf("model: head width %d must be k*C = %d to add the Gram modules", width, cfg.Gram*F.C)
		}
	} else if width == 0 {
		width = 168
	}
	h := b.dense("head_dense", d.y, width)
	h = b.act("head_activation", h, actLeaky, true)
	if cfg.Gram > 0 {
		C := F.C
		mods := make([]*Tensor, cfg.Gram)
		for i := range mods {
			pre := fmt.Sprintf("gram%d_", i+1)
			gm := newGramOp(F)
			b.add(gm, gm.y)
			b.layer(pre+"matrix", "Gram", []int{C, C})
			b.layer(pre+"flatten", "Flatten", gm.y.Shape())
			a := b.dense(pre+"dense", gm.y, C)
			a = b.act(pre+"activation", a, actLeaky, true)
			a = b.bn(pre+"bn", a, actNone, "")
			c := b.conv(pre+"conv", F, C, 1, 1, true, initGlorot)
			c = b.act(pre+"conv_activation", c, actLeaky, true)
			gp := newGAPOp(c)
			b.add(gp, gp.y)
			b.layer(pre+"pool", "GlobalAveragePooling2D", gp.y.Shape())
			m := newMulOp(a, gp.y)
			b.add(m, m.y)
			b.layer(pre+"multiply", "Multiply", m.y.Shape())
			mods[i] = m.y
		}
		cat := mods[0]
		if len(mods) > 1 {
			co := newConcatOp(mods)
			b.add(co, co.y)
			cat = co.y
		}
		b.layer("gram_concat", "Concatenate", cat.Shape())
		ad := newAddOp(h, cat, 0, 0)
		b.add(ad, ad.y)
		b.layer("head_add", "Add", ad.y.Shape())
		h = ad.y
	}
	logits := b.dense("predictions", h, cfg.Classes)
	b.p.ce = newSoftmaxCE(logits)
	b.p.ops = append(b.p.ops, b.p.ce)
	return nil
}
