package weights

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/safetensors"
)

// layout is how a Keras tensor is laid out in PyTorch.
type layout int

const (
	same   layout = iota // vectors: BN, biases
	conv                 // Keras (kh,kw,in,out) <-> PyTorch (out,in,kh,kw)
	dwconv               // Keras (kh,kw,C,1)   <-> PyTorch (C,1,kh,kw)
)

var blockRe = regexp.MustCompile(`^block([0-9]+)([a-z])_(.+)$`)

var bnNames = map[string]string{"gamma": "weight", "beta": "bias", "moving_mean": "running_mean", "moving_variance": "running_var"}

// timmName maps a backbone parameter's Keras name onto timm's
// tf_efficientnetv2 key and layout. kinds holds, per Keras block prefix,
// whether the block has an expand_conv and a dwconv2 (its block type).
// ok is false for head parameters, which timm's backbone lacks.
func timmName(name string, kinds map[string]blockKind) (string, layout, bool) {
	layer, weight, found := strings.Cut(strings.TrimSuffix(name, ":0"), "/")
	if !found {
		return "", same, false
	}
	tail := func(module string) (string, layout, bool) {
		switch weight {
		case "kernel":
			return module + ".weight", conv, true
		case "depthwise_kernel":
			return module + ".weight", dwconv, true
		case "bias":
			return module + ".bias", same, true
		}
		if t, ok := bnNames[weight]; ok {
			return module + "." + t, same, true
		}
		return "", same, false
	}
	switch layer {
	case "stem_conv":
		return tail("conv_stem")
	case "stem_bn":
		return tail("bn1")
	case "top_conv":
		return tail("conv_head")
	case "top_bn":
		return tail("bn2")
	}
	m := blockRe.FindStringSubmatch(layer)
	if m == nil {
		return "", same, false
	}
	var stage int
	fmt.Sscan(m[1], &stage)
	prefix := fmt.Sprintf("blocks.%d.%d.", stage-1, m[2][0]-'a')
	k := kinds[fmt.Sprintf("block%s%s_", m[1], m[2])]
	var module string
	switch {
	case k.dw && k.expand: // timm InvertedResidual
		module = map[string]string{"expand_conv": "conv_pw", "expand_bn": "bn1", "dwconv2": "conv_dw", "bn": "bn2",
			"se_reduce": "se.conv_reduce", "se_expand": "se.conv_expand", "project_conv": "conv_pwl", "project_bn": "bn3"}[m[3]]
	case k.dw: // timm DepthwiseSeparableConv
		module = map[string]string{"dwconv2": "conv_dw", "bn": "bn1", "se_reduce": "se.conv_reduce",
			"se_expand": "se.conv_expand", "project_conv": "conv_pw", "project_bn": "bn2"}[m[3]]
	case k.expand: // timm EdgeResidual
		module = map[string]string{"expand_conv": "conv_exp", "expand_bn": "bn1", "project_conv": "conv_pwl", "project_bn": "bn2"}[m[3]]
	default: // timm ConvBnAct
		module = map[string]string{"project_conv": "conv", "project_bn": "bn1"}[m[3]]
	}
	if module == "" {
		return "", same, false
	}
	return tail(prefix + module)
}

type blockKind struct{ expand, dw bool }

func blockKinds(net *model.Net) map[string]blockKind {
	kinds := map[string]blockKind{}
	for _, p := range net.Params() {
		m := blockRe.FindStringSubmatch(strings.SplitN(p.Name, "/", 2)[0])
		if m == nil {
			continue
		}
		key := fmt.Sprintf("block%s%s_", m[1], m[2])
		k := kinds[key]
		k.expand = k.expand || m[3] == "expand_conv"
		k.dw = k.dw || m[3] == "dwconv2"
		kinds[key] = k
	}
	return kinds
}

// torchShape is the PyTorch shape of a Keras shape.
func torchShape(s []int, l layout) []int {
	switch l {
	case conv:
		return []int{s[3], s[2], s[0], s[1]}
	case dwconv:
		return []int{s[2], 1, s[0], s[1]}
	}
	return slices.Clone(s)
}

// toTorch reorders Keras data (kh,kw,in,out) into PyTorch (out,in,kh,kw);
// a depthwise kernel (kh,kw,C,1) is the case in=C, out=1 read as (C,1,kh,kw).
func toTorch(d []float32, s []int, l layout) []float32 { return relayout(d, s, l, true) }

// fromTorch is toTorch's inverse; s is the Keras shape.
func fromTorch(d []float32, s []int, l layout) []float32 { return relayout(d, s, l, false) }

// relayout moves data between the Keras layout and PyTorch's: into
// PyTorch's when torch is set, back otherwise. s is the Keras shape.
func relayout(d []float32, s []int, l layout, torch bool) []float32 {
	if l == same {
		return slices.Clone(d)
	}
	kh, kw, in, out := s[0], s[1], s[2], s[3]
	r := make([]float32, len(d))
	for y := 0; y < kh; y++ {
		for x := 0; x < kw; x++ {
			for i := 0; i < in; i++ {
				for o := 0; o < out; o++ {
					keras := ((y*kw+x)*in+i)*out + o
					pt := ((i*out+o)*kh+y)*kw + x // depthwise: (C,1,kh,kw)
					if l == conv {
						pt = ((o*in+i)*kh+y)*kw + x
					}
					if torch {
						r[pt] = d[keras]
					} else {
						r[keras] = d[pt]
					}
				}
			}
		}
	}
	return r
}

// fromTimm renames and relayouts a timm file's tensors for net, recording
// what does not map in mm. timm's ImageNet classifier is ignored.
func (f *File) fromTimm(net *model.Net, mm *MismatchError, rep *InitReport, present map[string]bool) []Tensor {
	kinds := blockKinds(net)
	byName := map[string]Tensor{}
	for _, t := range f.Tensors {
		byName[t.Name] = t
	}
	used := map[string]bool{}
	var out []Tensor
	for _, p := range net.Params() {
		tn, l, ok := timmName(p.Name, kinds)
		if !ok {
			continue // head: keeps its initialisation
		}
		t, ok := byName[tn]
		if !ok {
			mm.Missing = append(mm.Missing, fmt.Sprintf("%s %v (timm %s %v)", p.Name, p.Shape, tn, torchShape(p.Shape, l)))
			continue
		}
		used[tn] = true
		present[p.Name] = true
		want := torchShape(p.Shape, l)
		if !slices.Equal(t.Shape, want) {
			mm.MisShaped = append(mm.MisShaped, fmt.Sprintf("%s: file %v, network %v (timm layout of %s %v)", tn, t.Shape, want, p.Name, p.Shape))
			continue
		}
		out = append(out, Tensor{Name: p.Name, Shape: slices.Clone(p.Shape), Data: fromTorch(t.Data, p.Shape, l)})
	}
	for _, t := range f.Tensors {
		switch {
		case used[t.Name]:
		case strings.HasPrefix(t.Name, "classifier."):
			rep.Ignored = append(rep.Ignored, t.Name+" (timm's ImageNet classifier)")
		default:
			mm.Extra = append(mm.Extra, fmt.Sprintf("%s %v", t.Name, t.Shape))
		}
	}
	return out
}

// TimmTensors returns the network's backbone under timm's names and
// PyTorch layouts (no num_batches_tracked, no classifier).
func TimmTensors(net *model.Net) []safetensors.Tensor {
	kinds := blockKinds(net)
	var out []safetensors.Tensor
	for _, p := range net.Params() {
		tn, l, ok := timmName(p.Name, kinds)
		if !ok {
			continue
		}
		out = append(out, safetensors.Tensor{Name: tn, Shape: torchShape(p.Shape, l), Data: toTorch(p.Data, p.Shape, l)})
	}
	return out
}

// WriteTimm writes the backbone as timm safetensors, loadable with
// `model.load_state_dict(safetensors.torch.load_file(path), strict=False)`
// into `timm.create_model("tf_efficientnetv2_b2")` (strict=False because
// the file has no classifier and no num_batches_tracked).
func WriteTimm(path string, net *model.Net) error {
	meta := map[string]string{"format": "timm", "timm_model": "tf_efficientnetv2_" + net.Config().Backbone, "exported_by": "curate"}
	if err := safetensors.Write(path, TimmTensors(net), meta); err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	return nil
}
