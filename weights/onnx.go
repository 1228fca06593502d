package weights

import (
	"fmt"
	"slices"
	"strings"

	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/onnx"
)

// ONNXOpset is the operator set the export uses.
const ONNXOpset = 13

// ONNX input and output names.
const (
	ONNXInput  = "images"
	ONNXOutput = "probabilities"
)

// ONNXInputDoc documents the exported model's input.
const ONNXInputDoc = "float32 [N, size, size, 3]: RGB pixels 0..255, NHWC (rows, columns, channels), " +
	"resized to the network's input size; the model scales them itself (x/255, ImageNet mean/std for the B variants)"

// gb builds the ONNX graph of a network.
type gb struct {
	net   *model.Net
	m     *onnx.Model
	n     int
	used  map[string]bool
	shape map[string][3]int // C, H, W of 4-D values
	convs map[string][]int  // Keras conv layer -> output H, W, C
}

func (g *gb) name(prefix string) string {
	g.n++
	return fmt.Sprintf("%s_%d", prefix, g.n)
}

func (g *gb) node(op string, inputs []string, attrs ...onnx.Attr) string {
	out := g.name(strings.ToLower(op))
	g.m.Nodes = append(g.m.Nodes, onnx.Node{Name: out, Op: op, Inputs: inputs, Outputs: []string{out}, Attrs: attrs})
	return out
}

func (g *gb) param(name string) *model.Param {
	p := g.net.Param(name)
	if p == nil {
		panic(fmt.Errorf("weights: onnx export: the network has no parameter %s", name))
	}
	g.used[name] = true
	return p
}

func (g *gb) init(name string, dims []int, data []float32) string {
	d := make([]int64, len(dims))
	for i, x := range dims {
		d[i] = int64(x)
	}
	g.m.Initializers = append(g.m.Initializers, onnx.Tensor{Name: name, Dims: d, Floats: data})
	return name
}

func (g *gb) ints(name string, v ...int64) string {
	g.m.Initializers = append(g.m.Initializers, onnx.Tensor{Name: name, Dims: []int64{int64(len(v))}, Ints: v})
	return name
}

// samePads is TF "same" padding: out = ceil(in/s), the extra pixel after.
func samePads(in, k, s int) (out, before, after int) {
	out = (in + s - 1) / s
	total := max((out-1)*s+k-in, 0)
	return out, total / 2, total - total/2
}

// conv adds a Conv of the Keras layer (kernel, optional bias); dw makes it
// depthwise.
func (g *gb) conv(layer, x string, stride int, dw bool) string {
	kname := layer + "/kernel:0"
	l := conv
	if dw {
		kname, l = layer+"/depthwise_kernel:0", dwconv
	}
	w := g.param(kname)
	k := w.Shape[0]
	s := g.shape[x]
	cout := w.Shape[3]
	group := int64(1)
	if dw {
		cout, group = w.Shape[2], int64(w.Shape[2])
	}
	ho, pt, pb := samePads(s[1], k, stride)
	wo, pl, pr := samePads(s[2], k, stride)
	inputs := []string{x, g.init(kname, torchShape(w.Shape, l), toTorch(w.Data, w.Shape, l))}
	if b := g.net.Param(layer + "/bias:0"); b != nil {
		g.used[b.Name] = true
		inputs = append(inputs, g.init(b.Name, b.Shape, b.Data))
	}
	y := g.node("Conv", inputs, onnx.AInts("kernel_shape", int64(k), int64(k)), onnx.AInts("strides", int64(stride), int64(stride)),
		onnx.AInts("pads", int64(pt), int64(pl), int64(pb), int64(pr)), onnx.AInt("group", group))
	g.shape[y] = [3]int{cout, ho, wo}
	g.convs[layer] = []int{ho, wo, cout}
	return y
}

func (g *gb) bn(layer, x string) string {
	in := []string{x}
	for _, w := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
		p := g.param(layer + "/" + w + ":0")
		in = append(in, g.init(p.Name, p.Shape, p.Data))
	}
	y := g.node("BatchNormalization", in, onnx.AFloat("epsilon", 1e-3))
	if s, ok := g.shape[x]; ok {
		g.shape[y] = s
	}
	return y
}

func (g *gb) keep(x, y string) string {
	if s, ok := g.shape[x]; ok {
		g.shape[y] = s
	}
	return y
}

func (g *gb) swish(x string) string {
	return g.keep(x, g.node("Mul", []string{x, g.node("Sigmoid", []string{x})}))
}

func (g *gb) leaky(x string) string {
	return g.keep(x, g.node("LeakyRelu", []string{x}, onnx.AFloat("alpha", 0.2)))
}

func (g *gb) dense(layer, x string) string {
	w, b := g.param(layer+"/kernel:0"), g.param(layer+"/bias:0")
	return g.node("Gemm", []string{x, g.init(w.Name, w.Shape, w.Data), g.init(b.Name, b.Shape, b.Data)})
}

func (g *gb) pool(x string) string {
	return g.node("Flatten", []string{g.node("GlobalAveragePool", []string{x})}, onnx.AInt("axis", 1))
}

// ONNX builds the network's inference graph for size x size inputs:
// preprocessing, backbone, head with its Gram modules, softmax. The batch
// dimension is symbolic ("N").
func ONNX(net *model.Net, size int, version string) (m *onnx.Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	cfg := net.Config()
	m = &onnx.Model{Producer: "curate", ProducerVersion: version, Opset: ONNXOpset, GraphName: "curate_" + cfg.Backbone,
		Doc: fmt.Sprintf("EfficientNetV2-%s + %d Gram modules (Motiejauskas & Dzemyda 2024), exported by curate. Input %s. Output %s: float32 [N, %d] softmax probabilities (class 0 others, class 1 sadness).",
			strings.ToUpper(cfg.Backbone), cfg.Gram, ONNXInputDoc, ONNXOutput, cfg.Classes),
		Metadata: map[string]string{"backbone": cfg.Backbone, "gram": fmt.Sprint(cfg.Gram), "size": fmt.Sprint(size),
			"input": ONNXInputDoc, "labels": "others,sadness"}}
	g := &gb{net: net, m: m, used: map[string]bool{}, shape: map[string][3]int{}, convs: map[string][]int{}}
	m.Inputs = []onnx.Value{{Name: ONNXInput, Elem: onnx.Float, Dims: []int64{-1, int64(size), int64(size), 3}, DimNames: []string{"N"}, Doc: ONNXInputDoc}}
	m.Outputs = []onnx.Value{{Name: ONNXOutput, Elem: onnx.Float, Dims: []int64{-1, int64(cfg.Classes)}, DimNames: []string{"N"},
		Doc: "softmax probabilities per class"}}

	// Preprocessing, as the model's Rescaling + Normalization: x*scale + shift per channel.
	mean, std := [3]float64{0.485, 0.456, 0.406}, [3]float64{0.229, 0.224, 0.225}
	scale, shift := make([]float32, 3), make([]float32, 3)
	for c := range 3 {
		if cfg.ImageNet {
			scale[c], shift[c] = float32(1/(255*std[c])), float32(-mean[c]/std[c])
		} else {
			scale[c], shift[c] = 1.0/128, -1
		}
	}
	x := g.node("Mul", []string{ONNXInput, g.init("preprocess_scale", []int{3}, scale)})
	x = g.node("Add", []string{x, g.init("preprocess_shift", []int{3}, shift)})
	x = g.node("Transpose", []string{x}, onnx.AInts("perm", 0, 3, 1, 2))
	g.shape[x] = [3]int{3, size, size}

	x = g.swish(g.bn("stem_bn", g.conv("stem_conv", x, 2, false)))
	tap := ""
	for i, a := range cfg.Blocks {
		for j := 0; ; j++ {
			pre := fmt.Sprintf("block%d%c_", i+1, 'a'+j)
			if net.Param(pre+"project_conv/kernel:0") == nil {
				if j == 0 {
					return nil, fmt.Errorf("weights: onnx export: stage %d has no blocks", i+1)
				}
				break
			}
			stride := 1
			if j == 0 {
				stride = a.Stride
			}
			in := x
			expand := net.Param(pre+"expand_conv/kernel:0") != nil
			dw := net.Param(pre+"dwconv2/depthwise_kernel:0") != nil
			var proj string
			if !dw { // Fused-MBConv
				if expand {
					x = g.swish(g.bn(pre+"expand_bn", g.conv(pre+"expand_conv", x, stride, false)))
					proj = g.conv(pre+"project_conv", x, 1, false)
					x = g.bn(pre+"project_bn", proj)
				} else {
					proj = g.conv(pre+"project_conv", x, stride, false)
					x = g.swish(g.bn(pre+"project_bn", proj))
				}
			} else {
				if expand {
					x = g.swish(g.bn(pre+"expand_bn", g.conv(pre+"expand_conv", x, 1, false)))
				}
				x = g.swish(g.bn(pre+"bn", g.conv(pre+"dwconv2", x, stride, true)))
				if net.Param(pre+"se_reduce/kernel:0") != nil {
					s := g.node("GlobalAveragePool", []string{x})
					g.shape[s] = [3]int{g.shape[x][0], 1, 1}
					s = g.swish(g.conv(pre+"se_reduce", s, 1, false))
					s = g.node("Sigmoid", []string{g.conv(pre+"se_expand", s, 1, false)})
					x = g.keep(x, g.node("Mul", []string{x, s}))
				}
				proj = g.conv(pre+"project_conv", x, 1, false)
				x = g.bn(pre+"project_bn", proj)
			}
			if pre+"project_conv" == cfg.Tap {
				tap = proj
			}
			if stride == 1 && g.shape[in][0] == g.shape[x][0] {
				x = g.keep(x, g.node("Add", []string{x, in}))
			}
		}
	}
	x = g.swish(g.bn("top_bn", g.conv("top_conv", x, 1, false)))
	h := g.leaky(g.dense("head_dense", g.pool(x)))
	if cfg.Gram > 0 {
		if tap == "" {
			return nil, fmt.Errorf("weights: onnx export: tap %s not found", cfg.Tap)
		}
		ts := g.shape[tap]
		C, P := ts[0], ts[1]*ts[2]
		flat := g.node("Reshape", []string{tap, g.ints("gram_shape_ncp", 0, int64(C), int64(P))})
		gram := g.node("MatMul", []string{flat, g.node("Transpose", []string{flat}, onnx.AInts("perm", 0, 2, 1))})
		gram = g.node("Mul", []string{gram, g.init("gram_inv_positions", nil, []float32{1 / float32(P)})})
		gram = g.node("Reshape", []string{gram, g.ints("gram_shape_flat", 0, int64(C*C))})
		var mods []string
		for k := 1; k <= cfg.Gram; k++ {
			pre := fmt.Sprintf("gram%d_", k)
			a := g.bn(pre+"bn", g.leaky(g.dense(pre+"dense", gram)))
			b := g.pool(g.leaky(g.conv(pre+"conv", tap, 1, false)))
			mods = append(mods, g.node("Mul", []string{a, b}))
		}
		cat := mods[0]
		if len(mods) > 1 {
			cat = g.node("Concat", mods, onnx.AInt("axis", 1))
		}
		h = g.node("Add", []string{h, cat})
	}
	logits := g.dense("predictions", h)
	m.Nodes = append(m.Nodes, onnx.Node{Name: "softmax", Op: "Softmax", Inputs: []string{logits}, Outputs: []string{ONNXOutput}, Attrs: []onnx.Attr{onnx.AInt("axis", 1)}})

	var unused []string
	for _, p := range net.Params() {
		if !g.used[p.Name] {
			unused = append(unused, p.Name)
		}
	}
	if len(unused) > 0 {
		return nil, fmt.Errorf("weights: onnx export left parameters out: %s", strings.Join(unused, ", "))
	}
	// Cross-check the graph's shapes against the network's own layer list.
	layers, err := net.Layers(size)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, l := range layers {
		if l.Type != "Conv2D" && l.Type != "DepthwiseConv2D" {
			continue
		}
		n++
		if got, ok := g.convs[l.Name]; !ok || !slices.Equal(got, l.Shape) {
			return nil, fmt.Errorf("weights: onnx export: layer %s is %v in the network, %v in the graph", l.Name, l.Shape, got)
		}
	}
	if n != len(g.convs) {
		return nil, fmt.Errorf("weights: onnx export: %d convolutions in the graph, %d in the network", len(g.convs), n)
	}
	return m, nil
}

// WriteONNX exports the network for size x size inputs to path.
func WriteONNX(path string, net *model.Net, size int, version string) error {
	m, err := ONNX(net, size, version)
	if err != nil {
		return err
	}
	return m.Write(path)
}
