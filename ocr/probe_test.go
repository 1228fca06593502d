package ocr

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// TestProbeLines (the tuning part; OCR_PROBE_PART names another part
// one may look at, such as the validation parts heldout and heldout3) prints, for the samples whose name
// matches OCR_PROBE, the candidate lines the finder proposes (angle,
// evidence, words read), the tiled gate and the verdict; with
// OCR_PROBE_DIR it writes each image there as PNG.
//
//	OCR_PROBE='tiled' go test ./ocr -run TestProbeLines -v
func TestProbeLines(t *testing.T) {
	pat := os.Getenv("OCR_PROBE")
	if pat == "" {
		t.Skip("set OCR_PROBE=REGEXP to probe tuning-part samples")
	}
	re := regexp.MustCompile(pat)
	det := testDetector(t, 2, Options{})
	c, err := det.pool.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer det.pool.Put(c)
	part := evalset.PartTune
	if p := os.Getenv("OCR_PROBE_PART"); p != "" {
		part = p
	}
	for _, s := range loadReal(t, part) {
		if !re.MatchString(s.Name) {
			continue
		}
		if dir := os.Getenv("OCR_PROBE_DIR"); dir != "" {
			f, _ := os.Create(filepath.Join(dir, strings.ReplaceAll(s.Name, "/", "_")+".png"))
			png.Encode(f, s.Image)
			f.Close()
			if os.Getenv("OCR_PROBE_DUMPONLY") != "" {
				continue
			}
		}
		col := toRGB(s.Image)
		fr := det.newFrame(col)
		g := fr.gate()
		t.Logf("== %s kind=%s text=%v %q boxes=%v tiling=%.3f (%d,%d) lum=%.0f", s.Name, s.Kind, s.HasText, s.Text, s.Boxes, g.Score, g.DX, g.DY, g.lum)
		if os.Getenv("OCR_PROBE_COMPS") != "" {
			probeComponents(t, fr, s.Boxes)
		}
		for _, pass := range []string{PassRegions, PassRegionsGrey} {
			_, _, err := det.runRegions(c, pass, regionPasses[pass], fr, func(r region, ws []rawWord, scale float64) bool {
				var txt []string
				for _, w := range ws {
					txt = append(txt, w.text+"@"+itoa(int(w.conf)))
				}
				if dir := os.Getenv("OCR_PROBE_CROPS"); dir != "" {
					var diff []int16
					chans := []grayImage{fr.nativeGray}
					if fr.up.pix != nil && max(fr.native.w, fr.native.h) < regionUpBelow {
						chans = []grayImage{fr.upGray}
					}
					if r.ch == 0 {
						if regionPasses[pass].contrast {
							diff = chans[0].minusLocalMean(max(8, min(chans[0].w, chans[0].h)/16))
						}
						crop, ff, ox, oy := lineCrop(chans[0], diff, r)
						if deg := math.Atan(r.slope) * 180 / math.Pi; math.Abs(deg) > 2 {
							crop, _ = levelBand(crop, deg, r, ff, ox, oy)
						}
						im := image.NewGray(image.Rect(0, 0, crop.w, crop.h))
						copy(im.Pix, crop.pix)
						f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%s-%d-%d.png", strings.ReplaceAll(s.Name, "/", "_"), pass, r.x0, r.y0)))
						png.Encode(f, im)
						f.Close()
					}
				}
				t.Logf("  %s line [%d %d %d %d]x%.2f ch%d light=%v lv%d glyphs=%d h=%d deg=%.1f ev=%.2f bd=%.2f: %v",
					pass, r.x0, r.y0, r.x1, r.y1, scale, r.ch, r.light, r.level, r.glyphs, r.height, math.Atan(r.slope)*180/math.Pi, r.evidence(), r.bottomDev, txt)
				return false
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		v, err := det.Detect(context.Background(), s.Image)
		if err != nil {
			t.Fatal(err)
		}
		var ws []string
		for _, w := range v.Words {
			ws = append(ws, w.Pass+":"+w.Text+"@"+itoa(int(w.Conf))+"!"+w.Reject)
		}
		t.Logf("  verdict %v rule=%s pass=%s skipped=%v words=%v", v.HasText, v.Rule, v.Pass, v.Skipped, ws)
	}
}

func itoa(v int) string {
	b := []byte{}
	if v == 0 {
		return "0"
	}
	for ; v > 0; v /= 10 {
		b = append([]byte{byte('0' + v%10)}, b...)
	}
	return string(b)
}

// probeComponents logs (OCR_PROBE_COMPS) the components of every
// binarisation the regions finder makes that lie inside the text boxes
// (OCR_PROBE_BOX "x0,y0,x1,y1" in the sample's pixels, else its Boxes):
// their size, fill and stroke, whether glyphLike keeps them, and the
// chains they make, to see why a line of text makes no candidate.
func probeComponents(t *testing.T, fr *frame, boxes []image.Rectangle) {
	if b := os.Getenv("OCR_PROBE_BOX"); b != "" {
		var r image.Rectangle
		fmt.Sscanf(b, "%d,%d,%d,%d", &r.Min.X, &r.Min.Y, &r.Max.X, &r.Max.Y)
		boxes = []image.Rectangle{r}
	}
	up := max(fr.native.w, fr.native.h) < regionUpBelow
	p := defaultRegionParams
	if up {
		p.minHeight = p.minHeightUp
	}
	img, g, scale := fr.image(up)
	chans := map[string]grayImage{"luma": g, "yb": img.yellowBlue()}
	for _, name := range []string{"luma", "yb"} {
		ch := chans[name]
		diff := ch.minusLocalMean(max(8, min(ch.w, ch.h)/16))
		var lab labeller
		lab.eachThreshold(diff, ch.w, ch.h, p.levels, func(component) bool { return true }, func(light bool, lv int, cs []component) {
			var in, kept []component
			for _, c := range cs {
				cx, cy := float64(c.x0+c.x1)/2/scale, float64(c.y0+c.y1)/2/scale
				for _, b := range boxes {
					if image.Pt(int(cx), int(cy)).In(b) && c.area >= 4 {
						in = append(in, c)
						if glyphLike(c, p.minHeight, ch.h) {
							kept = append(kept, c)
						}
						break
					}
				}
			}
			if len(in) == 0 {
				return
			}
			var desc []string
			for _, c := range in {
				if c.h() < 3 {
					continue
				}
				fill := float64(c.area) / float64(c.w()*c.h())
				desc = append(desc, fmt.Sprintf("%dx%d@%d,%d f%.2f s%.1f%s", c.w(), c.h(), c.x0, c.y0, fill, c.stroke(), map[bool]string{true: "+", false: ""}[glyphLike(c, p.minHeight, ch.h)]))
			}
			var chains []string
			for _, r := range chainLines(append([]component(nil), kept...), 2) {
				chains = append(chains, fmt.Sprintf("[%d %d %d %d]g%d h%d", r.x0, r.y0, r.x1, r.y1, r.glyphs, r.height))
			}
			t.Logf("  comps %s light=%v lv%d: %d in box, %d glyph-like, chains %v\n      %s", name, light, lv, len(in), len(kept), chains, strings.Join(desc, " "))
		})
	}
}
