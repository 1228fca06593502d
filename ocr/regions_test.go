package ocr

import (
	"cmp"
	"context"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// TestRegionsRecall measures the candidate-region finder alone on the
// tuning part (never the held-out part): the share of composited text
// boxes (evalset's Sample.Boxes) that candidate lines cover by half or
// more, by kind and size, and the candidates it proposes on photos
// without text. It runs only when OCR_REGIONS_RECALL is set; every
// OCR_TUNE_STRIDE-th scene.
//
//	OCR_REGIONS_RECALL=1 OCR_TUNE_STRIDE=2 go test ./ocr -run TestRegionsRecall -v
func TestRegionsRecall(t *testing.T) {
	if os.Getenv("OCR_REGIONS_RECALL") == "" {
		t.Skip("set OCR_REGIONS_RECALL=1 to measure candidate recall on the tuning part")
	}
	all := loadReal(t, evalset.PartTune)
	stride := envInt("OCR_TUNE_STRIDE", 1)
	type tally struct{ boxes, covered, images, found, cands int }
	by := map[string]*tally{}
	var el time.Duration
	n := 0
	var missed []string
	for i := 0; i < len(all); i += 2 * stride {
		for _, s := range all[i : i+2] {
			col := toRGB(s.Image)
			start := time.Now()
			chans := []grayImage{col.gray()}
			if defaultRegionParams.chroma {
				chans = append(chans, col.yellowBlue())
			}
			rs, _ := findRegions(chans, defaultRegionParams)
			el += time.Since(start)
			n++
			size := map[bool]string{false: "full", true: "thumb"}[s.Thumb]
			key := s.Kind + "/" + size
			if by[key] == nil {
				by[key] = &tally{}
			}
			tl := by[key]
			tl.images++
			tl.cands += len(rs)
			any := false
			for _, b := range s.Boxes {
				tl.boxes++
				if coverage(b, rs) >= 0.5 {
					tl.covered++
					any = true
				}
			}
			if any || s.HasText && len(s.Boxes) == 0 && len(rs) > 0 {
				tl.found++
			} else if len(s.Boxes) > 0 {
				missed = append(missed, fmt.Sprintf("%s %v cands %v", s.Name, s.Boxes, regionBoxes(rs)))
			}
		}
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		tl := by[k]
		t.Logf("%-16s images %3d  with a covered box %3d  boxes covered %3d/%-3d  candidates/image %.1f",
			k, tl.images, tl.found, tl.covered, tl.boxes, float64(tl.cands)/float64(tl.images))
	}
	if os.Getenv("OCR_REGIONS_MISSED") != "" {
		t.Log("missed:\n" + strings.Join(missed, "\n"))
	}
	t.Logf("%d images, %.1f ms an image to find regions", n, float64(el.Microseconds())/1000/float64(n))
}

// coverage is the share of box b that the candidate lines cover (each
// counted with a margin of a quarter of its glyph height).
func coverage(b image.Rectangle, rs []region) float64 {
	if b.Empty() {
		return 0
	}
	hit := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			for _, r := range rs {
				m := r.height / 4
				if x >= r.x0-m && x < r.x1+m && y >= r.y0-m && y < r.y1+m {
					hit++
					break
				}
			}
		}
	}
	return float64(hit) / float64(b.Dx()*b.Dy())
}

func regionBoxes(rs []region) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("[%d %d %d %d]%v/%d", r.x0, r.y0, r.x1, r.y1, r.light, r.glyphs))
	}
	return out
}

// skimagePhoto decodes one of scikit-image's sample photos (python3-skimage).
func skimagePhoto(t testing.TB, name string) image.Image {
	t.Helper()
	path := filepath.Join(evalset.SkimageDir, name)
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (installed by the Debian package python3-skimage)", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// dejavuBold opens DejaVu Sans Bold (fonts-dejavu-core) at px pixels, the
// face the tests' drawn captions use; the caller closes it.
func dejavuBold(t *testing.T, px float64) font.Face {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(evalset.FontDir, "truetype/dejavu/DejaVuSans-Bold.ttf"))
	if err != nil {
		t.Fatalf("%v (installed by the Debian package fonts-dejavu-core)", err)
	}
	f, err := opentype.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	return face
}

// captioned draws a white caption in DejaVu Sans Bold (fonts-dejavu-core)
// on a copy of img and returns the copy and the caption's ink box.
func captioned(t *testing.T, img image.Image, text string, px float64, at image.Point) (*image.RGBA, image.Rectangle) {
	t.Helper()
	face := dejavuBold(t, px)
	defer face.Close()
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	d := font.Drawer{Dst: out, Src: image.White, Face: face, Dot: fixed.P(at.X, at.Y)}
	b, _ := d.BoundString(text)
	d.DrawString(text)
	return out, image.Rect(b.Min.X.Floor(), b.Min.Y.Floor(), b.Max.X.Ceil(), b.Max.Y.Ceil())
}

// TestRegionsFindLines checks the region finder and the regions passes on
// real photos (scikit-image's samples): a caption drawn on a photo is a
// candidate line or lines (light glyphs, 80% covered) and both passes read it, full
// size and as a 220-px thumbnail, with the deciding words inside the
// caption; on photos without text (brick, grass, gravel, a cat, a
// cameraman) the passes find no text, and on a photo without any line-like
// texture (a horse's silhouette) the finder proposes nothing at all.
func TestRegionsFindLines(t *testing.T) {
	img, box := captioned(t, skimagePhoto(t, "coffee.png"), "Fresh morning coffee", 40, image.Pt(60, 70))
	col := toRGB(img)
	rs, _ := findRegions([]grayImage{col.gray(), col.yellowBlue()}, defaultRegionParams)
	if c := coverage(box, rs); c < 0.8 {
		t.Fatalf("caption %v covered %.2f by the candidates %v", box, c, regionBoxes(rs))
	}
	glyphs := 0
	for _, r := range rs {
		if r.light && overlap([4]int{r.x0, r.y0, r.x1, r.y1}, [4]int{box.Min.X, box.Min.Y, box.Max.X, box.Max.Y}) > 0.8 {
			glyphs += r.glyphs
		}
	}
	if glyphs < 15 {
		t.Errorf("candidates of light glyphs over the caption %v hold %d glyphs, want 15 or more: %v", box, glyphs, regionBoxes(rs))
	}
	if rs, _ := findRegions([]grayImage{toRGB(skimagePhoto(t, "horse.png")).gray()}, defaultRegionParams); len(rs) != 0 {
		t.Errorf("horse silhouette: %d candidates %v, want none", len(rs), regionBoxes(rs))
	}

	thumb := image.NewRGBA(image.Rect(0, 0, 220, 220*img.Bounds().Dy()/img.Bounds().Dx()))
	draw.CatmullRom.Scale(thumb, thumb.Bounds(), img, img.Bounds(), draw.Src, nil)
	f := float64(thumb.Bounds().Dx()) / float64(img.Bounds().Dx())
	thumbBox := image.Rect(int(float64(box.Min.X)*f), int(float64(box.Min.Y)*f), int(float64(box.Max.X)*f+1), int(float64(box.Max.Y)*f+1))
	for _, pass := range []string{PassRegions, PassRegionsGrey} {
		det := testDetector(t, 1, Options{Passes: []string{pass}})
		for _, c := range []struct {
			name string
			img  image.Image
			box  image.Rectangle
		}{{"full size", img, box}, {"thumbnail", thumb, thumbBox}} {
			v, err := det.Detect(context.Background(), c.img)
			if err != nil {
				t.Fatal(err)
			}
			if !v.HasText || v.Pass != pass {
				t.Errorf("%s, %s: missed the caption: %+v", pass, c.name, v)
				continue
			}
			for _, w := range v.Words {
				if w.Decisive && overlap(w.Box, [4]int{c.box.Min.X, c.box.Min.Y, c.box.Max.X, c.box.Max.Y}) < 0.5 {
					t.Errorf("%s, %s: deciding word %+v outside the caption %v", pass, c.name, w, c.box)
				}
			}
		}
		for _, name := range []string{"brick.png", "grass.png", "gravel.png", "chelsea.png", "camera.png"} {
			v, err := det.Detect(context.Background(), skimagePhoto(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if v.HasText {
				t.Errorf("%s, %s (no text): found text %+v", pass, name, v)
			}
		}
	}
}

func TestGlyphLike(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    component
		want bool
	}{
		{"letter", component{0, 0, 10, 14, 50, 40}, true},
		{"narrow bar (I, l)", component{0, 0, 3, 14, 42, 32}, true},
		{"speck", component{0, 0, 3, 3, 9, 8}, false},
		{"too low", component{0, 0, 6, 4, 16, 14}, false},
		{"solid block", component{0, 0, 12, 14, 160, 44}, false},
		{"too wide", component{0, 0, 100, 14, 500, 300}, false},
		{"a third of the image high", component{0, 0, 20, 40, 300, 200}, false},
		{"thick strokes", component{0, 0, 14, 14, 150, 40}, false},
	} {
		if got := glyphLike(tc.c, 5, 100); got != tc.want {
			t.Errorf("%s %+v (stroke %.1f): glyphLike = %v, want %v", tc.name, tc.c, tc.c.stroke(), got, tc.want)
		}
	}
}

func TestChainLines(t *testing.T) {
	glyph := func(x, y, w, h int) component { return component{x, y, x + w, y + h, w * h / 3, w * h / 2} }
	row := func(n, x, y, h int) []component {
		var cs []component
		for i := range n {
			cs = append(cs, glyph(x+i*(h*3/4), y, h/2, h))
		}
		return cs
	}
	for _, tc := range []struct {
		name  string
		cs    []component
		lines int
	}{
		{"one line", row(6, 10, 10, 20), 1},
		{"two lines", append(row(5, 10, 10, 20), row(5, 10, 60, 20)...), 2},
		{"two glyphs", row(2, 10, 10, 20), 0},
		{"far apart", []component{glyph(0, 0, 10, 20), glyph(100, 0, 10, 20), glyph(200, 0, 10, 20)}, 0},
		{"heights differ", []component{glyph(0, 0, 10, 10), glyph(15, 0, 10, 30), glyph(30, 0, 10, 10)}, 0},
		{"a staircase", []component{glyph(0, 0, 10, 20), glyph(14, 11, 10, 20), glyph(28, 22, 10, 20), glyph(42, 33, 10, 20)}, 0},
	} {
		if got := chainLines(tc.cs, 3); len(got) != tc.lines {
			t.Errorf("%s: %d lines %v, want %d", tc.name, len(got), regionBoxes(got), tc.lines)
		}
	}
}

// TestRegionsDarkOnBand: dark letters on a light caption band over a
// picture (a common web layout; testdata/dark-on-band.jpg is the demo's
// 220-px "GOOD NEWS" scene). The gaps and counters between the letters
// also chain into a "line" of light glyphs over the same box, scoring
// higher, which used to push the dark line out as a duplicate; its crop
// turned the letters white and Tesseract read "ecole)". Both polarities of
// a line are kept now: the light-glyph and the dark-glyph candidates cover
// the band, and the regions pass alone reads the caption.
func TestRegionsDarkOnBand(t *testing.T) {
	data, err := os.ReadFile("testdata/dark-on-band.jpg")
	if err != nil {
		t.Fatal(err)
	}
	det := testDetector(t, 1, Options{Passes: []string{PassRegions}})
	v, err := det.DetectBytes(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	if !v.HasText {
		t.Fatalf("missed the dark caption on a light band: %+v", v)
	}
	var read []string
	for _, w := range v.Words {
		if w.Decisive {
			read = append(read, w.Text)
		}
	}
	if got := strings.Join(read, " "); !strings.Contains(got, "GOOD") && !strings.Contains(got, "NEWS") {
		t.Errorf("decided on %q, want the caption's words GOOD NEWS", got)
	}
}

// TestLabellerComponents checks the run-based labeller against a plain
// flood fill (8-connected, pixel by pixel, components in the raster order
// of their first pixel) on random images of both polarities and every
// level, and on the local contrast of a real photo.
func TestLabellerComponents(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	type input struct {
		name string
		w, h int
		diff []int16
	}
	var ins []input
	for _, sz := range [][2]int{{1, 1}, {1, 9}, {9, 1}, {2, 2}, {17, 13}, {64, 40}} {
		for _, density := range []int{10, 50, 90} {
			d := make([]int16, sz[0]*sz[1])
			for i := range d {
				// A value above 30, below -30 or between, in the given shares.
				switch r := rng.IntN(100); {
				case r < density/2:
					d[i] = int16(31 + rng.IntN(50))
				case r < density:
					d[i] = int16(-31 - rng.IntN(50))
				default:
					d[i] = int16(rng.IntN(61) - 30)
				}
			}
			ins = append(ins, input{fmt.Sprintf("random %dx%d at %d%%", sz[0], sz[1], density), sz[0], sz[1], d})
		}
	}
	g := toRGB(skimagePhoto(t, "coffee.png")).gray()
	ins = append(ins, input{"coffee.png", g.w, g.h, g.minusLocalMean(max(8, min(g.w, g.h)/16))})
	var lab labeller
	for _, in := range ins {
		for _, light := range []bool{true, false} {
			for _, lv := range []int{14, 30, 60} {
				d := in.diff
				if !light {
					d = negated(d)
				}
				got := lab.components(d, in.w, in.h, lv)
				want := floodComponents(in.diff, in.w, in.h, lv, light)
				if !slices.Equal(got, want) {
					t.Errorf("%s, light %v, level %d: %d components, want %d (first difference %v)", in.name, light, lv, len(got), len(want), firstDiff(got, want))
				}
			}
		}
	}
}

// floodComponents is the reference for the labeller: a breadth-first
// flood fill from each unlabelled set pixel in raster order.
func floodComponents(diff []int16, w, h, lv int, light bool) []component {
	set := func(x, y int) bool {
		if x < 0 || y < 0 || x >= w || y >= h {
			return false
		}
		d := int(diff[y*w+x])
		if light {
			return d >= lv
		}
		return d <= -lv
	}
	seen := make([]bool, w*h)
	var out []component
	for y := range h {
		for x := range w {
			if !set(x, y) || seen[y*w+x] {
				continue
			}
			c := component{x0: x, y0: y, x1: x + 1, y1: y + 1}
			queue := [][2]int{{x, y}}
			seen[y*w+x] = true
			for len(queue) > 0 {
				p := queue[0]
				queue = queue[1:]
				px, py := p[0], p[1]
				c.x0, c.y0, c.x1, c.y1 = min(c.x0, px), min(c.y0, py), max(c.x1, px+1), max(c.y1, py+1)
				c.area++
				if !set(px-1, py) || !set(px+1, py) || !set(px, py-1) || !set(px, py+1) {
					c.boundary++
				}
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						if nx, ny := px+dx, py+dy; set(nx, ny) && !seen[ny*w+nx] {
							seen[ny*w+nx] = true
							queue = append(queue, [2]int{nx, ny})
						}
					}
				}
			}
			out = append(out, c)
		}
	}
	return out
}

func firstDiff(a, b []component) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("#%d: %+v, want %+v", i, a[i], b[i])
		}
	}
	return "in length"
}

// BenchmarkFindRegions times the candidate finder alone (luma and
// yellow-blue, the regions pass's channels) on a 600x400 photo and on it
// as a 220-px thumbnail searched upscaled.
//
//	go test ./ocr -run '^$' -bench FindRegions
func BenchmarkFindRegions(b *testing.B) {
	col := toRGB(skimagePhoto(b, "coffee.png"))
	for _, tc := range []struct {
		name string
		img  rgbImage
		minH int
	}{{"full", col, defaultRegionParams.minHeight}, {"thumb-up", col.resize(220.0 / 600).resize(640.0 / 220), defaultRegionParams.minHeightUp}} {
		b.Run(tc.name, func(b *testing.B) {
			p := defaultRegionParams
			p.minHeight = tc.minH
			chans := []grayImage{tc.img.gray(), tc.img.yellowBlue()}
			for b.Loop() {
				findRegions(chans, p)
			}
		})
	}
}

// TestLineEvidence: glyphs on one baseline make a line of more evidence
// than the same glyphs with bottoms that wander (texture), and a regions
// pass reads its lines best first, none under the pass's minimum, and
// stops when told.
func TestLineEvidence(t *testing.T) {
	glyph := func(x, y, w, h int) component { return component{x, y, x + w, y + h, w * h / 3, w * h / 2} }
	var level, ragged []component
	for i := range 6 {
		level = append(level, glyph(10+i*15, 10, 10, 20))
		ragged = append(ragged, glyph(10+i*15, 10+[]int{0, 8, -6, 9, -7, 5}[i], 10, 20))
	}
	a, b := chainLines(level, 3), chainLines(ragged, 3)
	if len(a) != 1 || len(b) != 1 {
		t.Fatalf("want one line each, got %v and %v", regionBoxes(a), regionBoxes(b))
	}
	if a[0].bottomDev != 0 || b[0].bottomDev < 0.1 {
		t.Errorf("baseline spread: level %.3f (want 0), ragged %.3f (want 0.1 or more)", a[0].bottomDev, b[0].bottomDev)
	}
	if a[0].evidence() <= b[0].evidence() || a[0].evidence() < gateLineEvidence {
		t.Errorf("evidence: level line %.2f, ragged %.2f; want the level one higher and at least %g", a[0].evidence(), b[0].evidence(), float64(gateLineEvidence))
	}

	img, _ := captioned(t, skimagePhoto(t, "coffee.png"), "Fresh morning coffee", 40, image.Pt(60, 70))
	det := testDetector(t, 1, Options{Passes: []string{PassRegions}})
	c, err := det.pool.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer det.pool.Put(c)
	var read []float64
	p := regionPasses[PassRegions]
	_, _, err = det.runRegions(c, PassRegions, p, det.newFrame(toRGB(img)), func(r region, _ []rawWord, _ float64) bool {
		read = append(read, r.evidence())
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(read) < 2 || !slices.IsSortedFunc(read, func(a, b float64) int { return cmp.Compare(b, a) }) || slices.Min(read) < p.minEvidence {
		t.Errorf("lines read with evidence %v: want two or more, best first, none under %g", read, p.minEvidence)
	}
	n := 0
	ws, _, err := det.runRegions(c, PassRegions, p, det.newFrame(toRGB(img)), func(_ region, ws []rawWord, _ float64) bool {
		n++
		return true
	})
	if err != nil || n != 1 {
		t.Errorf("told to stop after the first line, read %d lines (%v)", n, err)
	}
	t.Logf("first line alone: %d words", len(ws))
}

// TestLineGate: on photos of texture whose candidate lines have little
// line evidence (brick, grass, a cameraman) the whole-image passes local
// and otsu are skipped and the verdict says so; where the finder proposes
// no candidate at all (a horse's silhouette) nothing is skipped (text may
// lie outside the finder's range); on a captioned photo the regions pass
// decides first.
func TestLineGate(t *testing.T) {
	det := testDetector(t, 1, Options{})
	for _, tc := range []struct {
		name    string
		img     image.Image
		text    bool
		skipped []string
	}{
		{"horse.png", skimagePhoto(t, "horse.png"), false, []string{}},
		{"brick.png", skimagePhoto(t, "brick.png"), false, []string{PassLocal, PassOtsu}},
		{"grass.png", skimagePhoto(t, "grass.png"), false, []string{PassLocal, PassOtsu}},
		{"camera.png", skimagePhoto(t, "camera.png"), false, []string{PassLocal, PassOtsu}},
	} {
		v, err := det.Detect(context.Background(), tc.img)
		if err != nil {
			t.Fatal(err)
		}
		if v.HasText != tc.text || !slices.Equal(v.Skipped, tc.skipped) && len(v.Skipped)+len(tc.skipped) > 0 {
			t.Errorf("%s: has text %v, skipped %v; want %v, %v (%+v)", tc.name, v.HasText, v.Skipped, tc.text, tc.skipped, v)
		}
		t.Logf("%s: skipped %v, last pass %s", tc.name, v.Skipped, v.Pass)
	}
	img, _ := captioned(t, skimagePhoto(t, "coffee.png"), "Fresh morning coffee", 40, image.Pt(60, 70))
	v, err := det.Detect(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if !v.HasText || v.Pass != PassRegions || len(v.Skipped) != 0 {
		t.Errorf("captioned coffee: %+v, want text found by the regions pass, nothing skipped", v)
	}
}

// TestBestRegionsOtherSlope checks that bestRegions keeps a candidate
// inside a better one of the same polarity only when it is another line
// (otherSlope: a straighter baseline and a slope more than dupSlopeDeg
// steeper), and drops the same line found again.
func TestBestRegionsOtherSlope(t *testing.T) {
	deg := func(d float64) float64 { return math.Tan(d * math.Pi / 180) }
	// A sign's letters chained with what lies beside them: nine glyphs,
	// pulled towards level, bottoms far from one baseline.
	chain := region{x0: 40, y0: 170, x1: 180, y1: 300, glyphs: 9, score: 9, slope: deg(-11.8), bottomDev: 0.67}
	inside := func(slope, bottomDev float64, light bool) region {
		return region{x0: 64, y0: 229, x1: 180, y1: 300, glyphs: 6, score: 6, slope: deg(slope), bottomDev: bottomDev, light: light}
	}
	for _, tc := range []struct {
		name string
		r    region
		kept bool
	}{
		{"steeper and straighter: another line", inside(-20.3, 0.02, false), true},
		{"steeper the other way", inside(-2, 0.02, false), false},
		{"within dupSlopeDeg: the same line", inside(-14, 0.02, false), false},
		{"steeper but its baseline strays more", inside(-20.3, 0.8, false), false},
		{"less steep, straighter", inside(-5, 0.02, false), false},
		{"the other polarity is kept anyway", inside(-11.8, 0.9, true), true},
	} {
		got := bestRegions([]region{chain, tc.r}, 10)
		if kept := len(got) == 2; kept != tc.kept {
			t.Errorf("%s: kept %v, want %v (%d candidates)", tc.name, kept, tc.kept, len(got))
		}
		if got[0].glyphs != 9 {
			t.Errorf("%s: the best candidate is not first: %+v", tc.name, got[0])
		}
	}
}
