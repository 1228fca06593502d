package main

import (
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/curate-ml/curate/ocr/filter"
	"github.com/curate-ml/curate/shards"
)

// filterTextInput writes a folder with two images showing text (a sign, a
// caption) and two without (a gradient sky, a striped awning).
func filterTextInput(t *testing.T) string {
	t.Helper()
	f, err := opentype.Parse(gobold.TTF)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 44, DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	save := func(name string, img image.Image) {
		fh, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		if err := png.Encode(fh, img); err != nil {
			t.Fatal(err)
		}
	}
	text := func(bg, ink color.RGBA, s string) image.Image {
		img := image.NewRGBA(image.Rect(0, 0, 480, 320))
		draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
		d := font.Drawer{Dst: img, Src: image.NewUniform(ink), Face: face, Dot: fixed.P(40, 180)}
		d.DrawString(s)
		return img
	}
	save("sign.png", text(color.RGBA{240, 220, 60, 255}, color.RGBA{20, 20, 20, 255}, "LIBRARY CLOSED"))
	save("caption.png", text(color.RGBA{30, 40, 90, 255}, color.RGBA{250, 250, 250, 255}, "keep going forever"))
	sky := image.NewRGBA(image.Rect(0, 0, 400, 300))
	stripes := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for y := range 300 {
		for x := range 400 {
			sky.Set(x, y, color.RGBA{uint8(60 + y/3), uint8(120 + y/4), 230, 255})
			c := color.RGBA{200, 30, 40, 255}
			if (x/18)%2 == 0 {
				c = color.RGBA{245, 245, 245, 255}
			}
			stripes.Set(x, y, c)
		}
	}
	save("sky.png", sky)
	save("stripes.png", stripes)
	return dir
}

func TestRunFilterText(t *testing.T) {
	in := filterTextInput(t)
	out := filepath.Join(t.TempDir(), "out")
	g, stdout, _ := testGlobal()
	g.Quiet = true
	g.JSON = true
	if err := runFilterText(context.Background(), FilterTextOptions{In: in, Out: out, Workers: 2}, g); err != nil {
		t.Fatal(err)
	}
	var st filter.Stats
	if err := json.Unmarshal(stdout.Bytes(), &st); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout)
	}
	if st.Images != 4 || st.Kept != 2 || st.Dropped != 2 {
		t.Errorf("stats %+v: want 4 images, 2 kept, 2 dropped", st)
	}
	ds, err := shards.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	var ids []string
	it := ds.Splits[0].Iter()
	for r, err := it.Next(); err == nil; r, err = it.Next() {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, ",") != "sky,stripes" {
		t.Errorf("kept %v, want sky and stripes", ids)
	}
	for _, name := range []string{filter.VerdictsFile, filter.StatsFile, filepath.Join(filter.SheetsDir, "page-0001.png")} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	// The table summary names what was done.
	g, stdout, _ = testGlobal()
	g.Quiet = true
	if err := runFilterText(context.Background(), FilterTextOptions{In: in, Out: out, Workers: 1}, g); err != nil {
		t.Fatal(err)
	}
	if s := stdout.String(); !strings.Contains(s, "4 images, 2 kept") || !strings.Contains(s, "4 from an earlier run") {
		t.Errorf("summary of a resumed run:\n%s", s)
	}
}

func TestFilterTextCommandFlags(t *testing.T) {
	in := filterTextInput(t)
	run := func(args ...string) (string, int) {
		g, stdout, stderr := testGlobal()
		g.Quiet = true
		err := newApp(g).RunContext(context.Background(), append([]string{"curate", "filter-text"}, args...))
		if err != nil {
			stderr.WriteString(err.Error())
		}
		return stdout.String() + stderr.String(), exitCode(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if text, code := run("--in", in, "--out", out, "--json", "--workers", "2", "--passes", "auto", "--min-conf", "65", "--sheet-pages", "-1"); code != 0 ||
		!strings.Contains(text, `"passes": [`) || !strings.Contains(text, `"min_confidence": 65`) {
		t.Errorf("flags: exit %d\n%s", code, text)
	}
	if _, err := os.Stat(filepath.Join(out, filter.SheetsDir)); err == nil {
		t.Error("--sheet-pages -1 still wrote contact sheets")
	}
	for _, args := range [][]string{
		{"--out", out},
		{"--in", in},
		{"--in", in, "--out", out, "--workers", "0"},
		{"--in", in, "--out", out, "--passes", "auto,bogus"},
		{"--in", in, "--out", out, "--min-conf", "150"},
		{"--in", in, "--out", out, "extra"},
	} {
		if text, code := run(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (usage)\n%s", args, code, exitUsage, text)
		}
	}
	if text, code := run("--in", in, "--out", out, "--tessdata", t.TempDir()); code != exitError || !strings.Contains(text, "eng.traineddata") {
		t.Errorf("--tessdata without eng.traineddata: exit %d\n%s", code, text)
	}
}
