package model

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// backboneCount sums the parameters of the layers up to top_activation.
func backboneCount(layers []Layer) (total, trainable int) {
	for _, l := range layers {
		total += l.Params
		trainable += l.Trainable
		if l.Name == "top_activation" {
			break
		}
	}
	return
}

func TestKerasB2Backbone(t *testing.T) {
	cfg, err := Preset("b2", 0)
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := n.Layers(256)
	if err != nil {
		t.Fatal(err)
	}
	total, trainable := backboneCount(layers)
	if total != 8769374 || trainable != 8687086 || total-trainable != 82288 {
		t.Errorf("backbone params %d (%d trainable + %d non-trainable), want 8769374 (8687086 + 82288)",
			total, trainable, total-trainable)
	}
	want := map[string][]int{
		"stem_conv":            {128, 128, 32},
		"block1b_add":          {128, 128, 16},
		"block2c_add":          {64, 64, 32},
		"block3b_project_conv": {32, 32, 56},
		"block4d_add":          {16, 16, 104},
		"block5f_add":          {16, 16, 120},
		"block6j_add":          {8, 8, 208},
		"top_activation":       {8, 8, 1408},
	}
	for _, l := range layers {
		if w, ok := want[l.Name]; ok {
			if len(w) != len(l.Shape) || w[0] != l.Shape[0] || w[1] != l.Shape[1] || w[2] != l.Shape[2] {
				t.Errorf("%s shape %v, want %v", l.Name, l.Shape, w)
			}
			delete(want, l.Name)
		}
	}
	for name := range want {
		t.Errorf("layer %s missing", name)
	}
}

// narrowConfig is a small EfficientNetV2 (width 0.25, two blocks in stage 3
// so block3b exists) for tests at 32x32.
func narrowConfig(gram int) Config {
	cfg, _ := Preset("b0", gram)
	cfg.Width, cfg.Depth, cfg.TopFilters, cfg.Size = 0.25, 0.51, 64, 32
	cfg.Seed = 3
	cfg.Threads = 2
	return cfg
}

func randomBatch(rng *rand.Rand, n, size, classes int) Batch {
	b := Batch{Images: make([]float32, n*size*size*3), Labels: make([]int, n), N: n, Size: size}
	for i := range b.Images {
		b.Images[i] = float32(rng.IntN(256))
	}
	for i := range b.Labels {
		b.Labels[i] = rng.IntN(classes)
	}
	return b
}

func TestNetworkGradients(t *testing.T) {
	for _, gram := range []int{0, 2} {
		cfg := narrowConfig(gram)
		n, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(5, 6))
		b := randomBatch(rng, 4, 32, 2)
		if _, err := n.gradients(b); err != nil {
			t.Fatal(err)
		}
		grads := map[*Param][]float32{}
		for _, p := range n.Params() {
			if p.Trainable {
				grads[p] = append([]float32(nil), p.Grad...)
			}
		}
		// The narrow net at init is strongly curved (batch statistics over 4
		// images at 1x1 resolution), so the step is small and a few samples
		// near a LeakyReLU kink may disagree.
		const eps = 3e-4
		checked, bad := 0, 0
		for _, p := range n.Params() {
			if !p.Trainable {
				continue
			}
			g := grads[p]
			var scale float64
			for _, v := range g {
				scale = math.Max(scale, math.Abs(float64(v)))
			}
			for _, i := range rng.Perm(p.Len())[:min(2, p.Len())] {
				old := p.Data[i]
				p.Data[i] = old + eps
				lp, _ := n.Loss(b, true)
				p.Data[i] = old - eps
				lm, _ := n.Loss(b, true)
				p.Data[i] = old
				num := (float64(lp) - float64(lm)) / (2 * eps)
				an := float64(g[i])
				checked++
				if math.Abs(num-an) > 5e-2*math.Max(math.Abs(num), math.Abs(an))+1e-2*scale+1e-2 {
					bad++
					t.Logf("gram=%d %s[%d]: analytic %.6g numeric %.6g (scale %.3g)", gram, p.Name, i, an, num, scale)
				}
			}
		}
		if bad > checked/50 {
			t.Errorf("gram=%d: %d of %d sampled gradients disagree with finite differences", gram, bad, checked)
		}
		t.Logf("gram=%d: %d gradients checked, %d off", gram, checked, bad)
	}
}

// TestKerasLayerTable compares the summary with the Keras B2 layer table
// (testdata/model/b2_layers.tsv at the repository root: name, output shape
// at 256x256, parameters). Every Keras layer listed must appear, in order,
// with the same shape and parameter count.
func TestKerasLayerTable(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "model", "b2_layers.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := Preset("b2", 0)
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := n.Layers(256)
	if err != nil {
		t.Fatal(err)
	}
	next, rows := 0, 0
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 {
			continue // header
		}
		if len(f) != 3 {
			t.Fatalf("b2_layers.tsv line %d: %d fields, want 3", i+1, len(f))
		}
		rows++
		j := next
		for j < len(layers) && layers[j].Name != f[0] {
			j++
		}
		if j == len(layers) {
			t.Errorf("layer %s (line %d) missing or out of order", f[0], i+1)
			continue
		}
		next = j + 1
		l := layers[j]
		shape := make([]string, len(l.Shape))
		for k, v := range l.Shape {
			shape[k] = strconv.Itoa(v)
		}
		if got := strings.Join(shape, "x"); got != f[1] {
			t.Errorf("%s shape %s, Keras %s", l.Name, got, f[1])
		}
		if got := strconv.Itoa(l.Params); got != f[2] {
			t.Errorf("%s params %s, Keras %s", l.Name, got, f[2])
		}
	}
	if rows < 200 {
		t.Errorf("only %d layers in the table", rows)
	}
}
