// Package weights moves network weights in and out of curate: it reads
// Keras legacy .h5 files (package hdf5), timm `tf_efficientnetv2_*`
// safetensors and curate's own safetensors into Keras-named tensors, fits
// them onto a *model.Net by name and shape (LoadInit, the `--init` of
// training), and writes a network out as curate safetensors, as timm
// safetensors (PyTorch names and layouts) or as an ONNX model of the whole
// inference network.
//
// Matching is strict for the backbone: every backbone parameter must come
// from the file with its exact shape, and a tensor of the file that fits no
// parameter is an error; the error lists every missing, extra and
// mis-shaped tensor. The classifier head (head_dense, predictions) and the
// Gram modules keep their initialisation unless the file is a curate file
// holding them at the same shapes; the report says which.
//
// It knows the network only through model's exported API (names, shapes
// and data of parameters, the configuration); it never prints.
package weights

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/curate-ml/curate/hdf5"
	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/safetensors"
)

// KerasB2NoTopMD5 is the MD5 of `efficientnetv2-b2_notop.h5` as Keras
// publishes it (keras/applications/efficientnet_v2.py, WEIGHTS_HASHES).
const KerasB2NoTopMD5 = "1dfe2e7a5d45b6632553a8961ea609eb"

// Format names a weight file format.
type Format string

// The formats Read knows.
const (
	FormatKeras  Format = "keras-h5"
	FormatTimm   Format = "timm-safetensors"
	FormatCurate Format = "curate-safetensors"
)

// Tensor is one weight under its Keras name (`stem_conv/kernel:0`) in
// Keras layout.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// File is a weight file read into memory.
type File struct {
	Path     string
	Format   Format
	MD5      string
	Tensors  []Tensor          // Keras names and layouts (curate and Keras files); file names for timm until fitted
	Ignored  []string          // tensors of the file that carry no weights (num_batches_tracked, optimizer state)
	Metadata map[string]string // safetensors __metadata__, or Keras root attributes
	dtypes   map[string]string
	shapes   map[string][]int // as stored (timm: PyTorch layout)
}

// KerasPublished says whether the file is the Keras-published B2 no-top file.
func (f *File) KerasPublished() bool { return f.MD5 == KerasB2NoTopMD5 }

var hdf5Sig = []byte("\x89HDF\r\n\x1a\n")

// Read reads a weight file of any of the three formats, telling them apart
// by content: the HDF5 signature, or safetensors with timm's `conv_stem`
// keys, or other safetensors (curate's).
func Read(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	sum := md5.Sum(b)
	f := &File{Path: path, MD5: hex.EncodeToString(sum[:]), Metadata: map[string]string{}, dtypes: map[string]string{}, shapes: map[string][]int{}}
	if len(b) >= 8 && string(b[:8]) == string(hdf5Sig) {
		f.Format = FormatKeras
		h, err := hdf5.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("weights: %s: %w", path, err)
		}
		h.Path = path
		if err := f.readKeras(h); err != nil {
			return nil, err
		}
		return f, nil
	}
	st, err := safetensors.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("weights: %s is neither HDF5 (Keras .h5) nor safetensors: %w", path, err)
	}
	st.Path = path
	f.Metadata = st.Metadata
	f.Format = FormatCurate
	if _, ok := st.Info("conv_stem.weight"); ok {
		f.Format = FormatTimm
	}
	for _, info := range st.Tensors() {
		f.dtypes[info.Name] = string(info.DType)
		f.shapes[info.Name] = info.Shape
		if strings.HasSuffix(info.Name, "num_batches_tracked") || strings.HasPrefix(info.Name, "optimizer/") {
			f.Ignored = append(f.Ignored, info.Name)
			continue
		}
		data, err := st.Float32(info.Name)
		if err != nil {
			return nil, fmt.Errorf("weights: %s: %w", path, err)
		}
		name := info.Name
		if f.Format == FormatCurate && !strings.HasSuffix(name, ":0") {
			name += ":0"
		}
		f.Tensors = append(f.Tensors, Tensor{Name: name, Shape: info.Shape, Data: data})
	}
	return f, nil
}

// readKeras reads a Keras legacy weights file: the group holding
// `layer_names` (the root for save_weights, /model_weights for model.save),
// one group per layer and one dataset per name in its `weight_names`.
func (f *File) readKeras(h *hdf5.File) error {
	top, err := h.Root()
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	names, ok, err := kerasAttr(top, "layer_names")
	if err == nil && !ok {
		if mw, err2 := top.Child("model_weights"); err2 == nil {
			top = mw
			names, ok, err = kerasAttr(top, "layer_names")
		}
	}
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	if !ok {
		return fmt.Errorf("weights: %s: HDF5 file without a Keras `layer_names` attribute (not a Keras weights file)", f.Path)
	}
	attrs, err := top.Attributes()
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	for _, a := range attrs {
		if !strings.HasPrefix(a.Name, "layer_names") && len(a.Strings) == 1 {
			f.Metadata[a.Name] = a.Strings[0]
		}
	}
	for _, layer := range names.Strings {
		g, err := top.Child(layer)
		if err != nil {
			return fmt.Errorf("weights: %s: layer %q listed in layer_names: %w", f.Path, layer, err)
		}
		wn, _, err := kerasAttr(g, "weight_names")
		if err != nil {
			return fmt.Errorf("weights: %s: layer %q: %w", f.Path, layer, err)
		}
		for _, w := range wn.Strings {
			d, err := g.Child(w) // a path: h5py made the intermediate group
			if strings.Contains(w, "/") {
				d, err = h.Get(top.Path + "/" + layer + "/" + w)
			}
			if err != nil {
				return fmt.Errorf("weights: %s: weight %q of layer %q: %w", f.Path, w, layer, err)
			}
			info, err := d.Info()
			if err != nil {
				return fmt.Errorf("weights: %s: %w", f.Path, err)
			}
			data, err := d.Float32()
			if err != nil {
				return fmt.Errorf("weights: %s: weight %q: %w", f.Path, w, err)
			}
			name := w
			if i := strings.LastIndex(w, "/"); !strings.HasPrefix(w, layer+"/") {
				name = layer + "/" + w[i+1:]
			}
			if !strings.HasSuffix(name, ":0") {
				name += ":0"
			}
			f.dtypes[name] = info.DType
			f.shapes[name] = info.Shape
			f.Tensors = append(f.Tensors, Tensor{Name: name, Shape: info.Shape, Data: data})
		}
	}
	return nil
}

// kerasAttr reads a string-list attribute the way Keras writes it: whole,
// or split into name0, name1, ... when it would pass HDF5's 64 KiB header
// message limit (save_attributes_to_hdf5_group).
func kerasAttr(o *hdf5.Object, name string) (hdf5.Attribute, bool, error) {
	a, ok, err := o.Attr(name)
	if err != nil || ok {
		return a, ok, err
	}
	for i := 0; ; i++ {
		part, ok, err := o.Attr(fmt.Sprintf("%s%d", name, i))
		if err != nil {
			return a, false, err
		}
		if !ok {
			return a, i > 0, nil
		}
		a.Name = name
		a.Strings = append(a.Strings, part.Strings...)
	}
}

// IsHead says whether a Keras weight name belongs to the paper's head
// (head_dense, predictions, the Gram modules) rather than the backbone.
func IsHead(name string) bool {
	return strings.HasPrefix(name, "head_") || strings.HasPrefix(name, "predictions/") || gramRe.MatchString(name)
}

var (
	gramRe      = regexp.MustCompile(`^gram[0-9]+_`)
	gramDenseRe = regexp.MustCompile(`^gram([0-9]+)_dense/kernel:0$`)
)

// preprocessing weights Keras may store for its Normalization layer; the
// network has the same constants built in.
func isPreprocessing(name string) bool {
	return strings.HasPrefix(name, "normalization/") || strings.HasPrefix(name, "rescaling/")
}

// InitReport says what LoadInit did.
type InitReport struct {
	Path           string   `json:"path"`
	Format         Format   `json:"format"`
	MD5            string   `json:"md5"`
	KerasPublished bool     `json:"keras_published"` // the file is Keras's efficientnetv2-b2_notop.h5
	Loaded         []string `json:"loaded"`          // parameters set from the file (Keras names)
	Kept           []string `json:"kept"`            // parameters that kept their initialisation (head, Gram modules)
	Ignored        []string `json:"ignored"`         // tensors of the file not used (num_batches_tracked, optimizer state, ImageNet classifier, preprocessing constants)
	LoadedValues   int      `json:"loaded_values"`
	KeptValues     int      `json:"kept_values"`
}

// MismatchError lists every tensor that kept a file from fitting a network.
type MismatchError struct {
	Path       string
	Missing    []string // network parameters the file lacks
	Extra      []string // file tensors no parameter takes
	MisShaped  []string // "name: file [..] net [..]"
	NonFinite  []string // tensors holding NaN or Inf
	NetSummary string
}

func (e *MismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "weights: %s does not fit the %s:", e.Path, e.NetSummary)
	list := func(what string, xs []string) {
		if len(xs) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n  %s (%d):", what, len(xs))
		for i, x := range xs {
			if i == 40 {
				fmt.Fprintf(&b, "\n    ... and %d more", len(xs)-i)
				break
			}
			b.WriteString("\n    " + x)
		}
	}
	list("missing", e.Missing)
	list("extra", e.Extra)
	list("mis-shaped", e.MisShaped)
	list("not finite", e.NonFinite)
	return b.String()
}

// LoadInit reads a weight file of any format and sets the network's
// backbone from it (`curate train --init FILE`). The net is changed only
// when every backbone tensor fits; otherwise the error is a
// *MismatchError listing what does not.
func LoadInit(ctx context.Context, path string, net *model.Net) (InitReport, error) {
	if err := ctx.Err(); err != nil {
		return InitReport{}, err
	}
	f, err := Read(path)
	if err != nil {
		return InitReport{}, err
	}
	if err := ctx.Err(); err != nil {
		return InitReport{}, err
	}
	return f.Apply(net)
}

// Apply fits the file's tensors onto net (see LoadInit).
func (f *File) Apply(net *model.Net) (InitReport, error) {
	rep := InitReport{Path: f.Path, Format: f.Format, MD5: f.MD5, KerasPublished: f.KerasPublished(), Ignored: slices.Clone(f.Ignored)}
	cfg := net.Config()
	mm := &MismatchError{Path: f.Path, NetSummary: fmt.Sprintf("%s network with %d Gram modules", cfg.Backbone, cfg.Gram)}
	present := map[string]bool{} // net parameters the file has, at any shape
	tensors := f.Tensors
	if f.Format == FormatTimm {
		tensors = f.fromTimm(net, mm, &rep, present)
	}
	type assign struct {
		p *model.Param
		t Tensor
	}
	var todo []assign
	used := map[string]bool{}
	for _, t := range tensors {
		if used[t.Name] {
			mm.Extra = append(mm.Extra, t.Name+" (twice)")
			continue
		}
		used[t.Name] = true
		p := net.Param(t.Name)
		if p != nil {
			present[p.Name] = true
		}
		switch {
		case p == nil && f.Format == FormatKeras && isPreprocessing(t.Name):
			rep.Ignored = append(rep.Ignored, t.Name+" (preprocessing constants, built into the network)")
		case p == nil && IsHead(t.Name) && f.Format == FormatCurate:
			rep.Ignored = append(rep.Ignored, t.Name+" (head tensor the network does not have)")
		case p == nil:
			mm.Extra = append(mm.Extra, fmt.Sprintf("%s %v", t.Name, t.Shape))
		case !slices.Equal(p.Shape, t.Shape) && IsHead(t.Name) && f.Format == FormatCurate:
			rep.Ignored = append(rep.Ignored, fmt.Sprintf("%s %v (network has %v; kept its initialisation)", t.Name, t.Shape, p.Shape))
		case !slices.Equal(p.Shape, t.Shape):
			mm.MisShaped = append(mm.MisShaped, fmt.Sprintf("%s: file %v, network %v", t.Name, t.Shape, p.Shape))
		default:
			if !finite(t.Data) {
				mm.NonFinite = append(mm.NonFinite, t.Name)
			}
			todo = append(todo, assign{p, t})
		}
	}
	loaded := map[string]bool{}
	for _, a := range todo {
		loaded[a.p.Name] = true
	}
	for _, p := range net.Params() {
		switch {
		case loaded[p.Name]:
		case IsHead(p.Name):
			rep.Kept = append(rep.Kept, p.Name)
			rep.KeptValues += p.Len()
		case !present[p.Name]:
			mm.Missing = append(mm.Missing, fmt.Sprintf("%s %v", p.Name, p.Shape))
		}
	}
	if len(mm.Missing)+len(mm.Extra)+len(mm.MisShaped)+len(mm.NonFinite) > 0 {
		return InitReport{}, mm
	}
	for _, a := range todo {
		copy(a.p.Data, a.t.Data)
		rep.Loaded = append(rep.Loaded, a.p.Name)
		rep.LoadedValues += a.p.Len()
	}
	return rep, nil
}

func finite(xs []float32) bool {
	for _, x := range xs {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return false
		}
	}
	return true
}

// Inspection describes a weight file.
type Inspection struct {
	Path           string         `json:"path"`
	Format         Format         `json:"format"`
	MD5            string         `json:"md5"`
	KerasPublished bool           `json:"keras_published"`
	Tensors        []TensorInfo   `json:"tensors"`
	Count          int            `json:"count"`
	Parameters     int            `json:"parameters"`
	Ignored        []string       `json:"ignored,omitempty"`
	Metadata       map[string]any `json:"metadata,omitempty"`
}

// TensorInfo is one tensor of an inspected file, as stored.
type TensorInfo struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
	DType string `json:"dtype"`
}

// Inspect describes the weight file at path.
func Inspect(path string) (Inspection, error) {
	f, err := Read(path)
	if err != nil {
		return Inspection{}, err
	}
	in := Inspection{Path: path, Format: f.Format, MD5: f.MD5, KerasPublished: f.KerasPublished(), Ignored: f.Ignored}
	for _, t := range f.Tensors {
		name := t.Name
		dt := f.dtypes[name]
		if f.Format == FormatCurate {
			dt = f.dtypes[strings.TrimSuffix(name, ":0")]
		}
		in.Tensors = append(in.Tensors, TensorInfo{Name: name, Shape: t.Shape, DType: dt})
		in.Parameters += len(t.Data)
	}
	in.Count = len(in.Tensors)
	if len(f.Metadata) > 0 {
		in.Metadata = map[string]any{}
		for k, v := range f.Metadata {
			in.Metadata[k] = v
		}
	}
	return in, nil
}

// Tensors returns the network's parameters as tensors named the curate
// checkpoint way (Keras names without ":0"), in creation order.
func Tensors(net *model.Net) []safetensors.Tensor {
	var out []safetensors.Tensor
	for _, p := range net.Params() {
		out = append(out, safetensors.Tensor{Name: strings.TrimSuffix(p.Name, ":0"), Shape: slices.Clone(p.Shape), Data: p.Data})
	}
	return out
}

// ErrNoConfig is returned when a file's tensors match no known network.
var ErrNoConfig = errors.New("weights: the tensors match no known network")

// NetFor builds the network a curate file's tensors describe: the backbone
// whose shapes all match, k from the gram modules present, the head width
// from head_dense. size is the input size of the network's configuration.
func NetFor(f *File, size int) (*model.Net, error) {
	if f.Format != FormatCurate {
		return nil, fmt.Errorf("weights: %s is a %s file; export needs a curate checkpoint or weights file", f.Path, f.Format)
	}
	by := map[string]Tensor{}
	gram := 0
	for _, t := range f.Tensors {
		by[t.Name] = t
		if m := gramDenseRe.FindStringSubmatch(t.Name); m != nil {
			var k int
			fmt.Sscan(m[1], &k)
			gram = max(gram, k)
		}
	}
	hd, ok := by["head_dense/kernel:0"]
	if !ok || len(hd.Shape) != 2 {
		return nil, fmt.Errorf("%w: %s has no head_dense/kernel", ErrNoConfig, f.Path)
	}
	var tried []string
	for _, bb := range model.Backbones {
		cfg, err := model.Preset(bb, gram)
		if err != nil {
			return nil, err
		}
		cfg.HeadWidth, cfg.Size, cfg.Threads = hd.Shape[1], size, 0
		if p, ok := by["predictions/kernel:0"]; ok && len(p.Shape) == 2 {
			cfg.Classes = p.Shape[1]
		}
		if st, ok := by["stem_conv/kernel:0"]; !ok || len(st.Shape) != 4 {
			return nil, fmt.Errorf("%w: %s has no stem_conv/kernel", ErrNoConfig, f.Path)
		}
		net, err := model.New(cfg)
		if err != nil {
			tried = append(tried, bb+": "+err.Error())
			continue
		}
		rep, err := f.Apply(net)
		if err != nil {
			tried = append(tried, bb)
			continue
		}
		if len(rep.Kept) > 0 {
			return nil, fmt.Errorf("weights: %s lacks %d head tensors (%s, ...): a backbone-only init file, not a trained checkpoint", f.Path, len(rep.Kept), rep.Kept[0])
		}
		return net, nil
	}
	return nil, fmt.Errorf("%w: %s (tried %s with %d Gram modules)", ErrNoConfig, f.Path, strings.Join(tried, ", "), gram)
}

// WriteSafetensors writes the network's weights (no optimiser state) as a
// curate safetensors file.
func WriteSafetensors(path string, net *model.Net, meta map[string]string) error {
	m := map[string]string{"format": "curate-weights", "backbone": net.Config().Backbone, "gram": fmt.Sprint(net.Config().Gram)}
	for k, v := range meta {
		m[k] = v
	}
	if err := safetensors.Write(path, Tensors(net), m); err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	return nil
}

// WriteBackbone writes the named parameters (an InitReport's Loaded list:
// the backbone) as a curate safetensors file, in the network's order.
func WriteBackbone(path string, net *model.Net, names []string, meta map[string]string) error {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var ts []safetensors.Tensor
	for _, t := range Tensors(net) {
		if want[t.Name+":0"] {
			ts = append(ts, t)
		}
	}
	m := map[string]string{"format": "curate-weights", "backbone": net.Config().Backbone, "content": "backbone"}
	for k, v := range meta {
		m[k] = v
	}
	if err := safetensors.Write(path, ts, m); err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	return nil
}
