package train

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/curate-ml/curate/augment"
	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/shards"
)

func collect(t *testing.T, src Source, o loaderOptions) (imgs [][]float32, labels [][]int, ends []int) {
	t.Helper()
	l := newLoader(context.Background(), src, o)
	defer l.close()
	for {
		b, err := l.next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			return
		}
		imgs = append(imgs, slices.Clone(b.Images))
		labels = append(labels, slices.Clone(b.Labels))
		ends = append(ends, b.End)
		l.release(b)
	}
}

func TestLoader(t *testing.T) {
	dir := t.TempDir()
	// Stored at 40x40, loaded at 32x32: the loader resizes.
	data := writeDataset(t, filepath.Join(dir, "ds"), 40, 5, []splitSpec{{Name: "train", Rows: 21}, {Name: "validation", Rows: 3}}, nil, nil)
	ds, err := shards.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	src := splitSource{ds.Split("train")}
	aug, err := augment.New(augment.Options{N: 3, M: 7, Convention: augment.TF, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	order := shuffle(21, 1, 0)
	base := loaderOptions{Size: 32, Batch: 8, Workers: 1, Prefetch: 1, Augment: aug, Epoch: 0, Order: order}
	i1, l1, e1 := collect(t, src, base)
	if len(i1) != 3 || len(i1[2]) != 5*32*32*3 || !slices.Equal(e1, []int{8, 16, 21}) {
		t.Fatalf("%d batches ending at %v, last of %d values: want 8+8+5 images of 32x32", len(i1), e1, len(i1[2]))
	}
	for k, lab := range l1[0] {
		if want := order[k] % 2; lab != want { // labels alternate by row
			t.Errorf("batch 0 image %d: label %d, want %d (row %d)", k, lab, want, order[k])
		}
	}
	// More workers and prefetch: the same bytes.
	many := base
	many.Workers, many.Prefetch = 4, 3
	i2, _, _ := collect(t, src, many)
	for k := range i1 {
		if !slices.Equal(i1[k], i2[k]) {
			t.Fatalf("batch %d differs with 4 workers", k)
		}
	}
	// Starting mid-order gives the rest of the same batches.
	mid := base
	mid.Start = 8
	i3, _, e3 := collect(t, src, mid)
	if len(i3) != 2 || !slices.Equal(i3[0], i1[1]) || e3[1] != 21 {
		t.Fatalf("resumed at 8: %d batches, ends %v", len(i3), e3)
	}
	// Another epoch draws other augmentations; no augmentation differs too.
	ep := base
	ep.Epoch = 1
	i4, _, _ := collect(t, src, ep)
	none := base
	none.Augment = nil
	i5, _, _ := collect(t, src, none)
	if slices.Equal(i4[0], i1[0]) || slices.Equal(i5[0], i1[0]) {
		t.Error("augmentation does not depend on the epoch, or does nothing")
	}
	// Padding: the last batch keeps 8 slots, zeros after the 5 images.
	pad := none
	pad.Pad = true
	i6, _, _ := collect(t, src, pad)
	if len(i6[2]) != 8*32*32*3 || !slices.Equal(i6[2][:5*32*32*3], i5[2]) || slices.Max(i6[2][5*32*32*3:]) != 0 {
		t.Error("padded last batch wrong")
	}
}

func TestShuffle(t *testing.T) {
	a, b, c := shuffle(100, 1, 0), shuffle(100, 1, 1), shuffle(100, 2, 0)
	if slices.Equal(a, b) || slices.Equal(a, c) {
		t.Error("order does not change with the epoch or the seed")
	}
	if !slices.Equal(a, shuffle(100, 1, 0)) {
		t.Error("order is not a function of (seed, epoch)")
	}
	s := slices.Clone(a)
	slices.Sort(s)
	for i, v := range s {
		if v != i {
			t.Fatal("not a permutation")
		}
	}
}

// --freeze-until head keeps every backbone weight and BN statistic of the
// initialisation; the head trains.
func TestTrainFreezeHead(t *testing.T) {
	dir := t.TempDir()
	data := writeDataset(t, filepath.Join(dir, "ds"), 32, 6, []splitSpec{{Name: "train", Rows: 16}, {Name: "validation", Rows: 4}}, nil, nil)
	o := tinyOptions(data, filepath.Join(dir, "run"))
	o.Epochs, o.FreezeUntil = 1, "head"
	if _, err := Train(context.Background(), o, Env{}); err != nil {
		t.Fatal(err)
	}
	cfg, _ := o.modelConfig()
	fresh, _ := model.New(cfg)
	c, err := OpenCheckpoint(filepath.Join(o.Out, LastCheckpoint))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"stem_conv/kernel", "top_bn/moving_mean", "block3a_project_conv/kernel", "predictions/kernel"} {
		got, err := c.File.Float32(name)
		if err != nil {
			t.Fatal(err)
		}
		same := slices.Equal(got, fresh.Param(name+":0").Data)
		if head := name == "predictions/kernel"; head == same {
			t.Errorf("%s: unchanged = %v after training with the backbone frozen", name, same)
		}
	}
	o.Out, o.FreezeUntil = filepath.Join(dir, "run2"), "no_such_layer"
	if _, err := Train(context.Background(), o, Env{}); err == nil {
		t.Error("--freeze-until of an unknown layer: no error")
	}
}
