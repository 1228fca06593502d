package weights

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/safetensors"
)

// python is Debian's interpreter (a pyenv shim may shadow python3 on PATH).
func python(t testing.TB, modules ...string) string {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		py = "python3"
	}
	args := []string{"-c", "import " + strings.Join(modules, ", ")}
	if out, err := exec.Command(py, args...).CombinedOutput(); err != nil {
		if os.Getenv("CURATE_REQUIRE_PYTHON") != "" {
			t.Fatalf("python modules %v missing (make test installs them): %v\n%s", modules, err, out)
		}
		t.Skipf("python modules %v not installed (scripts/install-deps.sh installs them): %s", modules, out)
	}
	return py
}

var (
	b2Once  sync.Once
	b2Dir   string
	b2Err   error
	b2Files struct{ h5, h5v2, st string }
)

// b2Fixture writes, once per test binary, the whole B2 no-top layer list at
// real shapes with scripts/keras_h5.py: as Keras writes it, in the v2
// layout, and as curate safetensors (the script's own writer).
func b2Fixture(t *testing.T) (h5, h5v2, st string) {
	t.Helper()
	py := python(t, "h5py", "numpy", "torch")
	b2Once.Do(func() {
		b2Dir, b2Err = os.MkdirTemp("", "curate-weights-b2-")
		if b2Err != nil {
			return
		}
		b2Files.h5 = filepath.Join(b2Dir, "b2.h5")
		b2Files.h5v2 = filepath.Join(b2Dir, "b2_v2.h5")
		b2Files.st = filepath.Join(b2Dir, "b2.safetensors")
		out, err := exec.Command(py, "../scripts/keras_h5.py", "--net", "b2", "--seed", "7", "--out", b2Files.h5,
			"--out-v2", b2Files.h5v2, "--safetensors", b2Files.st).CombinedOutput()
		if err != nil {
			b2Err = errors.New(string(out))
		}
	})
	if b2Err != nil {
		t.Fatalf("scripts/keras_h5.py: %v", b2Err)
	}
	return b2Files.h5, b2Files.h5v2, b2Files.st
}

func TestMain(m *testing.M) {
	code := m.Run()
	if b2Dir != "" {
		os.RemoveAll(b2Dir)
	}
	os.Exit(code)
}

func newNet(t testing.TB, backbone string, gram int) *model.Net {
	t.Helper()
	cfg, err := model.Preset(backbone, gram)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Seed = 3
	cfg.Threads = 2
	net, err := model.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func testImages(n, size int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	im := make([]float32, n*size*size*3)
	for i := range im {
		im[i] = float32(r.IntN(256))
	}
	return im
}

func predict(t testing.TB, net *model.Net, images []float32, n, size int) []float32 {
	t.Helper()
	probs := make([]float32, n*net.Config().Classes)
	if err := net.Predict(model.Batch{Images: images, N: n, Size: size}, probs); err != nil {
		t.Fatal(err)
	}
	return probs
}

func sameParams(t *testing.T, a, b *model.Net, what string) {
	t.Helper()
	for _, p := range a.Params() {
		q := b.Param(p.Name)
		if q == nil || !slices.Equal(p.Data, q.Data) {
			t.Fatalf("%s: parameter %s differs", what, p.Name)
		}
	}
}

// Keras .h5 (both layouts) and the same tensors as safetensors load into
// identical networks whose forward passes agree exactly.
func TestKerasB2MatchesSafetensors(t *testing.T) {
	h5, h5v2, st := b2Fixture(t)
	ctx := context.Background()
	fromST := newNet(t, "b2", 4)
	repST, err := LoadInit(ctx, st, fromST)
	if err != nil {
		t.Fatal(err)
	}
	if repST.Format != FormatCurate {
		t.Errorf("format %s", repST.Format)
	}
	for _, file := range []string{h5, h5v2} {
		net := newNet(t, "b2", 4)
		before := slices.Clone(net.Param("head_dense/kernel:0").Data)
		rep, err := LoadInit(ctx, file, net)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Format != FormatKeras || rep.KerasPublished || len(rep.MD5) != 32 {
			t.Errorf("%s: report %s published=%v md5=%q", file, rep.Format, rep.KerasPublished, rep.MD5)
		}
		total, _, _ := net.ParamCount()
		if rep.LoadedValues != 8769374 || rep.LoadedValues+rep.KeptValues != total {
			t.Errorf("%s: loaded %d values (want the 8,769,374 of the Keras B2 no-top backbone), kept %d, net %d",
				file, rep.LoadedValues, rep.KeptValues, total)
		}
		if !slices.Contains(rep.Kept, "gram4_dense/kernel:0") || !slices.Contains(rep.Kept, "predictions/bias:0") || slices.Contains(rep.Kept, "top_bn/gamma:0") {
			t.Errorf("kept %v", rep.Kept)
		}
		if !slices.Equal(before, net.Param("head_dense/kernel:0").Data) {
			t.Error("head_dense changed; it must keep its initialisation")
		}
		sameParams(t, net, fromST, file)
		im := testImages(2, 64, 1)
		a, b := predict(t, net, im, 2, 64), predict(t, fromST, im, 2, 64)
		if !slices.Equal(a, b) {
			t.Errorf("%s: forward %v, from safetensors %v", file, a, b)
		}
	}
}

// A file that does not fit is an error listing every problem, and the net
// is left untouched.
func TestMismatchListsEverything(t *testing.T) {
	src := newNet(t, "b2", 0)
	var ts []safetensors.Tensor
	for _, x := range Tensors(src) {
		switch x.Name {
		case "block2a_expand_conv/kernel": // missing
			continue
		case "top_bn/gamma":
			x.Shape, x.Data = []int{7}, x.Data[:7]
		}
		ts = append(ts, x)
	}
	ts = append(ts, safetensors.Tensor{Name: "block9z_foo/kernel", Shape: []int{1}, Data: []float32{1}},
		safetensors.Tensor{Name: "stem_bn/beta", Shape: []int{1}, Data: []float32{1}})
	ts[0].Data = slices.Clone(ts[0].Data)
	ts[0].Data[0] = float32(math.NaN())
	// stem_bn/beta twice is refused by the safetensors writer; drop it.
	ts = ts[:len(ts)-1]
	path := filepath.Join(t.TempDir(), "bad.safetensors")
	if err := safetensors.Write(path, ts, nil); err != nil {
		t.Fatal(err)
	}
	net := newNet(t, "b2", 0)
	before := slices.Clone(net.Param("stem_conv/kernel:0").Data)
	_, err := LoadInit(context.Background(), path, net)
	var mm *MismatchError
	if !errors.As(err, &mm) {
		t.Fatalf("err = %v, want *MismatchError", err)
	}
	msg := err.Error()
	for _, want := range []string{"block2a_expand_conv/kernel:0", "block9z_foo/kernel:0", "top_bn/gamma:0: file [7], network [1408]", "not finite", "stem_conv/kernel:0", path} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if len(mm.Missing) != 1 || len(mm.Extra) != 1 || len(mm.MisShaped) != 1 || len(mm.NonFinite) != 1 {
		t.Errorf("missing %v extra %v mis-shaped %v non-finite %v", mm.Missing, mm.Extra, mm.MisShaped, mm.NonFinite)
	}
	if !slices.Equal(before, net.Param("stem_conv/kernel:0").Data) {
		t.Error("a failed load changed the network")
	}
}

// Wrong inputs are clear errors naming the file.
func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.bin")
	os.WriteFile(junk, []byte("not a weight file at all"), 0o644)
	notKeras := filepath.Join("..", "testdata", "hdf5", "small_v0.h5")
	net := newNet(t, "b0", 0)
	for _, tc := range []struct{ path, want string }{
		{junk, "neither HDF5"},
		{filepath.Join(dir, "absent.h5"), "no such file"},
		{notKeras, "mis-shaped"}, // h5py-written layers at toy shapes
	} {
		_, err := LoadInit(context.Background(), tc.path, net)
		if err == nil || !strings.Contains(err.Error(), filepath.Base(tc.path)) {
			t.Errorf("%s: err = %v, want an error naming the file", tc.path, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadInit(ctx, junk, net); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// Keras names map onto timm's, in PyTorch layouts, and back.
func TestTimmNamesAndRoundTrip(t *testing.T) {
	net := newNet(t, "b2", 4)
	ts := TimmTensors(net)
	by := map[string]safetensors.Tensor{}
	for _, x := range ts {
		by[x.Name] = x
	}
	for _, tc := range []struct {
		name  string
		shape []int
	}{
		{"conv_stem.weight", []int{32, 3, 3, 3}},
		{"bn1.running_var", []int{32}},
		{"blocks.0.0.conv.weight", []int{16, 32, 3, 3}},
		{"blocks.0.1.bn1.weight", []int{16}},
		{"blocks.1.0.conv_exp.weight", []int{64, 16, 3, 3}},
		{"blocks.1.2.conv_pwl.weight", []int{32, 128, 1, 1}},
		{"blocks.2.2.bn2.bias", []int{56}},
		{"blocks.3.0.conv_pw.weight", []int{224, 56, 1, 1}},
		{"blocks.3.0.conv_dw.weight", []int{224, 1, 3, 3}},
		{"blocks.3.0.se.conv_reduce.weight", []int{14, 224, 1, 1}},
		{"blocks.3.0.se.conv_expand.bias", []int{224}},
		{"blocks.5.9.bn3.running_mean", []int{208}},
		{"conv_head.weight", []int{1408, 208, 1, 1}},
		{"bn2.weight", []int{1408}},
	} {
		x, ok := by[tc.name]
		if !ok || !slices.Equal(x.Shape, tc.shape) {
			t.Errorf("%s: %v %v, want %v", tc.name, ok, x.Shape, tc.shape)
		}
	}
	// 6 stages: 2+3+3+4+6+10 blocks; nothing of the head.
	for name := range by {
		if strings.HasPrefix(name, "head") || strings.Contains(name, "gram") || strings.HasPrefix(name, "blocks.6") {
			t.Errorf("unexpected timm tensor %s", name)
		}
	}
	// Layout: Keras kernel (kh,kw,in,out)[y,x,i,o] == PyTorch (out,in,kh,kw)[o,i,y,x].
	k := net.Param("blocks.0.0.conv.weight")
	_ = k
	kp := net.Param("block1a_project_conv/kernel:0")
	tp := by["blocks.0.0.conv.weight"]
	y, x, i, o := 2, 1, 30, 9
	if kp.Data[((y*3+x)*32+i)*16+o] != tp.Data[((o*32+i)*3+y)*3+x] {
		t.Error("conv layout")
	}
	dp := net.Param("block4a_dwconv2/depthwise_kernel:0")
	dt := by["blocks.3.0.conv_dw.weight"]
	if dp.Data[(y*3+x)*224+100] != dt.Data[(100*3+y)*3+x] {
		t.Error("depthwise layout")
	}
	// Round trip through a timm file, with the extras timm files carry.
	extra := append(slices.Clone(ts), safetensors.Tensor{Name: "classifier.weight", Shape: []int{3, 1408}, Data: make([]float32, 3*1408)})
	path := filepath.Join(t.TempDir(), "timm.safetensors")
	if err := safetensors.Write(path, extra, nil); err != nil {
		t.Fatal(err)
	}
	other := newNet(t, "b2", 4)
	for _, p := range other.Params() {
		if !IsHead(p.Name) {
			for j := range p.Data {
				p.Data[j] = -1
			}
		}
	}
	rep, err := LoadInit(context.Background(), path, other)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != FormatTimm || !slices.ContainsFunc(rep.Ignored, func(s string) bool { return strings.HasPrefix(s, "classifier.weight") }) {
		t.Errorf("report %+v", rep.Ignored)
	}
	sameParams(t, net, other, "timm round trip")
}
