package weights

import (
	"context"
	"encoding/json"
	"image"
	_ "image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curate-ml/curate/model"

	"github.com/disintegration/imaging"
)

// photos loads the committed real photographs (testdata/weights, from
// scikit-image's data: public domain / CC0), resized to size x size, as
// one NHWC batch of 0..255 values.
func photos(t testing.TB, size int) ([]float32, int) {
	t.Helper()
	names := []string{"astronaut.png", "coffee.png", "chelsea.png"}
	out := make([]float32, 0, len(names)*size*size*3)
	for _, n := range names {
		f, err := os.Open(filepath.Join("..", "testdata", "weights", n))
		if err != nil {
			t.Fatal(err)
		}
		im, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		rgba := imaging.Resize(im, size, size, imaging.Lanczos)
		for i := 0; i < size*size; i++ {
			out = append(out, float32(rgba.Pix[4*i]), float32(rgba.Pix[4*i+1]), float32(rgba.Pix[4*i+2]))
		}
	}
	return out, len(names)
}

type calib struct {
	net    *model.Net
	probs  []float32
	images []float32
	n      int
}

var calibrated = map[int]calib{}

// parityNet is the B2 network with k Gram modules whose backbone comes
// from the h5py-written Keras file, with its BN moving statistics moved
// onto the photos by training-mode passes (as fine-tuning would) so the
// outputs depend on the image, and its classifier scaled so that no
// probability saturates. Built once per k.
func parityNet(t *testing.T, k int) calib {
	t.Helper()
	if c, ok := calibrated[k]; ok {
		return c
	}
	h5, _, _ := b2Fixture(t)
	const size = 64
	images, n := photos(t, size)
	net := newNet(t, "b2", k)
	if _, err := LoadInit(context.Background(), h5, net); err != nil {
		t.Fatal(err)
	}
	perturb(net, 10+uint64(k)) // head biases and BN away from their trivial initialisation
	b := model.Batch{Images: images, Labels: make([]int, n), N: n, Size: size}
	for range 25 {
		if _, err := net.Loss(b, true); err != nil {
			t.Fatal(err)
		}
	}
	probs := unsaturate(t, net, images, n, size)
	spread := 0.0
	for i := 2; i < len(probs); i += 2 {
		spread = max(spread, math.Abs(float64(probs[i]-probs[0])))
	}
	if spread < 0.15 {
		t.Fatalf("k=%d: probabilities %v barely depend on the image", k, probs)
	}
	c := calib{net, probs, images, n}
	calibrated[k] = c
	return c
}

// Forward parity with an independent implementation: PyTorch
// (scripts/torch_parity.py on scripts/torch_effnet.py, in float64) loads
// the same weights and gives curate's probabilities within 1e-4 on real
// photos, for k = 0 and k = 4. Torch reads the weights once as curate
// safetensors and once with the backbone from the timm export (mapped by
// the script's own name table), which checks the timm names and layouts.
func TestTorchParity(t *testing.T) {
	py := python(t, "torch", "numpy")
	dir := t.TempDir()
	type job struct {
		Weights string `json:"weights"`
		Timm    string `json:"timm,omitempty"`
		Gram    int    `json:"gram"`
		Images  string `json:"images"`
		N       int    `json:"n"`
		Size    int    `json:"size"`
	}
	var jobs []job
	var wants [][]float32
	for _, k := range []int{0, 4} {
		c := parityNet(t, k)
		imPath := filepath.Join(dir, "images.f32")
		writeF32(t, imPath, c.images)
		wPath, tPath := filepath.Join(dir, itoa(k)+".safetensors"), filepath.Join(dir, itoa(k)+"-timm.safetensors")
		if err := WriteSafetensors(wPath, c.net, nil); err != nil {
			t.Fatal(err)
		}
		if err := WriteTimm(tPath, c.net); err != nil {
			t.Fatal(err)
		}
		for _, tm := range []string{"", tPath} {
			jobs = append(jobs, job{wPath, tm, k, imPath, c.n, 64})
			wants = append(wants, c.probs)
		}
	}
	jb, _ := json.Marshal(jobs)
	jobsPath := filepath.Join(dir, "jobs.json")
	if err := os.WriteFile(jobsPath, jb, 0o644); err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("CURATE_KEEP_PARITY"); keep != "" {
		os.CopyFS(keep, os.DirFS(dir))
	}
	out, err := exec.Command(py, "../scripts/torch_parity.py", "--jobs", jobsPath).Output()
	if err != nil {
		t.Fatalf("torch_parity.py: %v\n%s", err, out)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for i, j := range jobs {
		var res struct {
			Probabilities []float64 `json:"probabilities"`
		}
		if err := dec.Decode(&res); err != nil || len(res.Probabilities) != len(wants[i]) {
			t.Fatalf("job %d: %v: %s", i, err, out)
		}
		worst := 0.0
		for m := range wants[i] {
			worst = max(worst, math.Abs(res.Probabilities[m]-float64(wants[i][m])))
		}
		t.Logf("k=%d timm=%v: curate %v, torch %.7f, max |diff| %.2g", j.Gram, j.Timm != "", wants[i], res.Probabilities, worst)
		if worst > 1e-4 {
			t.Errorf("k=%d timm=%v: PyTorch differs from curate by %.3g > 1e-4", j.Gram, j.Timm != "", worst)
		}
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
