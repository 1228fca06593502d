package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curate-ml/curate/augment"
	"github.com/curate-ml/curate/shards"
)

func augTestGlobal() (*Global, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Global{Stdout: &out, Stderr: &errb, Quiet: true}, &out
}

// augTestImage is a w x h picture with gradients and a block, as PNG bytes.
func augTestImage(t *testing.T, w, h, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x*3+seed*40), uint8(y*4), uint8((x+y)*2+seed), 255
			if x > w/4 && x < w/2 && y > h/3 && y < 2*h/3 {
				img.Pix[i], img.Pix[i+1], img.Pix[i+2] = 200, 30, uint8(60+seed*20)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func augReadPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAugmentApply(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.png")
	raw := augTestImage(t, 90, 70, 1)
	if err := os.WriteFile(in, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	src, _ := png.Decode(bytes.NewReader(raw))
	tests := []struct {
		opts     AugmentApplyOptions
		negative bool
		op       augment.Op
		conv     augment.Convention
	}{
		{AugmentApplyOptions{Op: "rotate", M: 7, Convention: "tf", Sign: "-"}, true, augment.Rotate, augment.TF},
		{AugmentApplyOptions{Op: "translate-x", M: 7, Convention: "torchvision", Sign: "+"}, false, augment.TranslateX, augment.Torchvision},
		{AugmentApplyOptions{Op: "Solarize_Add", M: 7, Convention: "tf"}, false, augment.SolarizeAdd, augment.TF},
		{AugmentApplyOptions{Op: "sharpness", M: 19, Convention: "tv", Sign: "-"}, true, augment.Sharpness, augment.Torchvision},
		{AugmentApplyOptions{Op: "cutout", M: 7, CX: 10, CY: -1}, false, augment.Cutout, augment.TF},
	}
	for _, tt := range tests {
		t.Run(tt.opts.Op, func(t *testing.T) {
			g, stdout := augTestGlobal()
			opts := tt.opts
			opts.In, opts.Out, opts.JSON = in, filepath.Join(dir, "out-"+tt.opts.Op+".png"), true
			if opts.Op != "cutout" {
				opts.CX, opts.CY = -1, -1
			}
			if err := runAugmentApply(context.Background(), opts, g); err != nil {
				t.Fatal(err)
			}
			var rep AugmentApplyReport
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatalf("--json output: %v\n%s", err, stdout)
			}
			p, err := tt.conv.Resolve(tt.op, tt.opts.M, tt.negative, 90, 70)
			if err != nil {
				t.Fatal(err)
			}
			if tt.op == augment.Cutout {
				p.CX, p.CY = 10, 35
			}
			if rep.Applied.Op != tt.op.String() || rep.Applied.Arg != p.Arg || rep.Width != 90 {
				t.Errorf("report %+v, want op %s arg %v", rep, tt.op, p.Arg)
			}
			want := &augment.Image{}
			if err := augment.ApplyOp(want, augment.FromImage(src), p); err != nil {
				t.Fatal(err)
			}
			got := augment.FromImage(augReadPNG(t, opts.Out))
			if !bytes.Equal(got.Pix, want.Pix) {
				t.Error("written image differs from augment.ApplyOp")
			}
		})
	}
}

func TestAugmentApplyErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.png")
	os.WriteFile(in, augTestImage(t, 20, 20, 0), 0o644)
	bad := filepath.Join(dir, "bad.jpg")
	os.WriteFile(bad, []byte("<html>not an image</html>"), 0o644)
	tests := []struct {
		name string
		opts AugmentApplyOptions
		code int
		msg  string
	}{
		{"unknown op", AugmentApplyOptions{Op: "blur", M: 7, In: in}, exitUsage, "unknown op"},
		{"tv cutout", AugmentApplyOptions{Op: "cutout", M: 7, Convention: "torchvision", In: in}, exitUsage, "not an op of the torchvision"},
		{"sign on unsigned", AugmentApplyOptions{Op: "posterize", M: 7, Sign: "-", In: in}, exitUsage, "not a signed op"},
		{"bad sign", AugmentApplyOptions{Op: "rotate", M: 7, Sign: "x", In: in}, exitUsage, "--sign"},
		{"M too large", AugmentApplyOptions{Op: "rotate", M: 12, In: in}, exitUsage, "out of range"},
		{"tv fractional M", AugmentApplyOptions{Op: "rotate", M: 7.5, Convention: "torchvision", In: in}, exitUsage, "whole bin"},
		{"missing input", AugmentApplyOptions{Op: "rotate", M: 7, In: filepath.Join(dir, "nope.png")}, exitError, "nope.png"},
		{"not an image", AugmentApplyOptions{Op: "rotate", M: 7, In: bad}, exitError, "bad.jpg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := augTestGlobal()
			opts := tt.opts
			opts.Out = filepath.Join(dir, "out.png")
			err := runAugmentApply(context.Background(), opts, g)
			if err == nil || exitCode(err) != tt.code || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v (exit %d), want exit %d mentioning %q", err, exitCode(err), tt.code, tt.msg)
			}
			if _, err := os.Stat(opts.Out); !os.IsNotExist(err) {
				t.Error("output written despite the error")
			}
		})
	}
}

func TestAugmentPreviewFolder(t *testing.T) {
	dir := t.TempDir()
	imgs := filepath.Join(dir, "imgs")
	os.Mkdir(imgs, 0o755)
	for i := 0; i < 5; i++ {
		os.WriteFile(filepath.Join(imgs, "p"+string(rune('a'+i))+".png"), augTestImage(t, 60+i*10, 50, i), 0o644)
	}
	os.WriteFile(filepath.Join(imgs, "notes.txt"), []byte("ignored: not an image name"), 0o644)
	run := func(out string, epoch uint64) AugmentPreviewReport {
		g, stdout := augTestGlobal()
		opts := AugmentPreviewOptions{In: imgs, Images: 4, Out: out, Convention: "tf", N: 3, M: 7,
			Seed: 5, Epoch: epoch, Size: 64, Columns: 2, Versions: 1, JSON: true}
		if err := runAugmentPreview(context.Background(), opts, g); err != nil {
			t.Fatal(err)
		}
		var rep AugmentPreviewReport
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	a, b, c := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.png"), filepath.Join(dir, "c.png")
	rep := run(a, 2)
	run(b, 2)
	repC := run(c, 3)
	if len(rep.Images) != 4 || rep.Images[0].Name != "pa.png" || rep.Images[3].SampleID != 3 {
		t.Fatalf("images %+v", rep.Images)
	}
	for _, im := range rep.Images {
		if len(im.Versions) != 1 || len(im.Versions[0].Ops) != 3 || im.Versions[0].Epoch != 2 {
			t.Errorf("%s: versions %+v, want one of 3 ops in epoch 2", im.Name, im.Versions)
		}
	}
	// 2 pairs per row -> 4 tiles of 64 + 5 gaps of 6; 2 rows of 64+6+4 lines*14+6.
	grid := augReadPNG(t, a)
	if w, h := grid.Bounds().Dx(), grid.Bounds().Dy(); w != 6+4*70 || h != 6+2*(64+6+4*14+6) || rep.Width != w {
		t.Errorf("grid %dx%d, report %dx%d", w, h, rep.Width, rep.Height)
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	bc, _ := os.ReadFile(c)
	if !bytes.Equal(ba, bb) {
		t.Error("same seed and epoch gave different grids")
	}
	if bytes.Equal(ba, bc) || equalOps(rep, repC) {
		t.Error("epochs 2 and 3 drew the same augmentations")
	}
}

func equalOps(a, b AugmentPreviewReport) bool {
	ja, _ := json.Marshal(a.Images)
	jb, _ := json.Marshal(b.Images)
	return bytes.Equal(ja, jb)
}

func TestAugmentPreviewDataset(t *testing.T) {
	root := t.TempDir()
	ds := filepath.Join(root, "ds")
	for _, split := range []string{"train", "test"} {
		w, err := shards.Create(filepath.Join(ds, split), shards.WriterOptions{LabelNames: []string{"others", "sadness"}, Split: split})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if err := w.Write(&shards.Row{ID: split + "-" + string(rune('0'+i)), Image: augTestImage(t, 40, 30, i),
				Label: int64(i % 2), SourceLabel: -1, Format: "png"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := shards.WriteDatasetDict(ds, []string{"train", "test"}); err != nil {
		t.Fatal(err)
	}
	g, stdout := augTestGlobal()
	out := filepath.Join(root, "grid.png")
	opts := AugmentPreviewOptions{In: ds, Split: "test", Images: 16, Out: out, Convention: "torchvision",
		N: 2, M: 9, Size: 32, Columns: 2, Versions: 3, Epoch: 10, JSON: true}
	if err := runAugmentPreview(context.Background(), opts, g); err != nil {
		t.Fatal(err)
	}
	var rep AugmentPreviewReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Images) != 3 || rep.Images[1].Name != "test-1" || rep.Images[1].Label != "test-1 sadness" {
		t.Fatalf("images %+v", rep.Images)
	}
	for _, im := range rep.Images {
		if len(im.Versions) != 3 || im.Versions[2].Epoch != 12 {
			t.Fatalf("%s: versions %+v, want epochs 10..12", im.Name, im.Versions)
		}
		for _, v := range im.Versions {
			for _, op := range v.Ops {
				if op.Op == "Cutout" || op.Op == "Invert" || op.Op == "SolarizeAdd" {
					t.Errorf("torchvision drew %s", op.Op)
				}
			}
		}
	}
	// 2 images of 4 tiles per row: 8 tiles of 32 + 9 gaps of 6; 2 rows.
	if b := augReadPNG(t, out).Bounds(); b.Dx() != 6+8*38 || b.Dy() != 6+2*(32+6+3*14+6) {
		t.Errorf("grid %v", b)
	}

	opts.Split = "validation"
	opts.Out = filepath.Join(root, "none.png")
	err := runAugmentPreview(context.Background(), opts, g)
	if exitCode(err) != exitUsage || !strings.Contains(err.Error(), "train, test") {
		t.Errorf("missing split: %v", err)
	}
	if _, err := os.Stat(opts.Out); !os.IsNotExist(err) {
		t.Error("grid written despite the error")
	}
}
