package weights

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curate-ml/curate/model"
)

// perturb gives every BN layer and bias non-trivial values, so a wrong
// mapping of any of them changes the outputs.
func perturb(net *model.Net, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 2))
	for _, p := range net.Params() {
		switch {
		case strings.HasSuffix(p.Name, "/gamma:0") || strings.HasSuffix(p.Name, "/moving_variance:0"):
			for i := range p.Data {
				p.Data[i] = 0.5 + r.Float32()
			}
		case strings.HasSuffix(p.Name, "/beta:0") || strings.HasSuffix(p.Name, "/moving_mean:0") || strings.HasSuffix(p.Name, "/bias:0"):
			for i := range p.Data {
				p.Data[i] = float32(r.NormFloat64() * 0.1)
			}
		}
	}
}

// unsaturate tunes the two-class classifier so the comparisons test the
// whole network: it centres the logit difference over the images (bias)
// and scales it (kernel and bias) until the largest is between 0.75 and
// 1.25, so no probability is near 0 or 1 and the images' answers differ
// by what the network computed from them.
func unsaturate(t testing.TB, net *model.Net, images []float32, n, size int) []float32 {
	t.Helper()
	kernel, bias := net.Param("predictions/kernel:0"), net.Param("predictions/bias:0")
	for range 60 {
		probs := predict(t, net, images, n, size)
		diffs := make([]float64, n)
		mean, worst := 0.0, 0.0
		for i := range diffs {
			diffs[i] = math.Log(float64(probs[2*i+1])) - math.Log(float64(probs[2*i]))
			mean += diffs[i] / float64(n)
		}
		for _, d := range diffs {
			worst = max(worst, math.Abs(d-mean))
		}
		if math.Abs(mean) < 0.05 && worst >= 0.75 && worst <= 1.25 {
			return probs
		}
		bias.Data[1] -= float32(mean)
		f := float32(1)
		switch {
		case worst > 1.25:
			f = 0.8
		case worst < 0.75:
			f = float32(min(1/max(worst, 1e-3), 4))
		}
		for i := range kernel.Data {
			kernel.Data[i] *= f
		}
		for i := range bias.Data {
			bias.Data[i] *= f
		}
	}
	t.Fatal("could not tune the classifier to probabilities between 0.22 and 0.78")
	return nil
}

func writeF32(t testing.TB, path string, xs []float32) {
	t.Helper()
	b := make([]byte, 4*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// onnxRuntime returns node and the tools folder, or skips when ONNX
// Runtime is not installed (make test installs it).
func onnxRuntime(t testing.TB) (string, string) {
	t.Helper()
	tools, _ := filepath.Abs(filepath.Join("..", "tools"))
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(tools, "node_modules", "onnxruntime-node", "package.json"))
	}
	if err != nil {
		if os.Getenv("CURATE_REQUIRE_PYTHON") != "" {
			t.Fatalf("ONNX Runtime missing (make test installs npm onnxruntime-node under tools/): %v", err)
		}
		t.Skipf("ONNX Runtime not installed under tools/ (make test installs it): %v", err)
	}
	return node, tools
}

// The exported ONNX model passes the onnx checker and, run in ONNX Runtime,
// gives curate's probabilities within 1e-4, for the baseline and k = 4.
func TestONNXMatchesCurate(t *testing.T) {
	py := python(t, "onnx")
	node, tools := onnxRuntime(t)
	const size = 64
	dir := t.TempDir()
	imPath := filepath.Join(dir, "images.f32")
	for _, k := range []int{0, 4} {
		c := parityNet(t, k)
		net, want := c.net, c.probs
		writeF32(t, imPath, c.images)
		path := filepath.Join(dir, "model.onnx")
		if err := WriteONNX(path, net, size, "test"); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(py, "../scripts/check_onnx.py", path).CombinedOutput()
		if err != nil {
			t.Fatalf("k=%d: onnx checker: %v\n%s", k, err, out)
		}
		var info struct {
			Opset   []int            `json:"opset"`
			Inputs  map[string][]any `json:"inputs"`
			Outputs map[string][]any `json:"outputs"`
		}
		if err := json.Unmarshal(out, &info); err != nil || len(info.Opset) != 1 || info.Opset[0] < 13 ||
			len(info.Inputs[ONNXInput]) != 4 || len(info.Outputs[ONNXOutput]) != 2 {
			t.Errorf("k=%d: checker says %s (%v)", k, out, err)
		}
		cmd := exec.Command(node, filepath.Join(tools, "run-onnx.mjs"), path, imPath, "3", "64")
		cmd.Dir = tools
		out, err = cmd.Output()
		if err != nil {
			t.Fatalf("k=%d: onnx runtime: %v\n%s", k, err, out)
		}
		var res struct {
			Dims []int     `json:"dims"`
			Data []float64 `json:"data"`
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("k=%d: %v: %s", k, err, out)
		}
		if len(res.Data) != len(want) {
			t.Fatalf("k=%d: ONNX Runtime gave %d values, want %d", k, len(res.Data), len(want))
		}
		worst, spread := 0.0, 0.0
		for i := range want {
			worst = max(worst, math.Abs(res.Data[i]-float64(want[i])))
			spread = max(spread, math.Abs(float64(want[i])-0.5))
		}
		t.Logf("k=%d: curate %v, ONNX Runtime %v, max |diff| %.2g", k, want, res.Data, worst)
		if worst > 1e-4 {
			t.Errorf("k=%d: ONNX Runtime differs from curate by %.3g > 1e-4", k, worst)
		}
		if spread < 0.01 {
			t.Errorf("k=%d: probabilities %v all near 0.5; the comparison would prove little", k, want)
		}
	}
}
