package ocr

import (
	"context"
	"image"
	"image/color"
	"math/rand"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// TestSteepPass checks that the steep pass reads faint light text turned
// 36 degrees and tiled over a grey, grainy background, and maps its boxes
// back into the upright image, where the upright passes and tilted read
// nothing.
func TestSteepPass(t *testing.T) {
	// Render the words level at 1x, blow them up 5x, turn them, and add
	// them faintly (+45 grey levels) to a noisy grey background.
	txt := image.NewGray(image.Rect(0, 0, 130, 16))
	d := font.Drawer{Dst: txt, Src: image.NewUniform(color.Gray{255}), Face: basicfont.Face7x13, Dot: fixed.P(2, 12)}
	d.DrawString("STOCK PHOTOS")
	big := grayImage{w: txt.Rect.Dx(), h: txt.Rect.Dy(), pix: txt.Pix}.resize(5)
	rot, _ := big.rotate(-36, 0)
	const W, H = 1000, 640
	rng := rand.New(rand.NewSource(1))
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	// Two copies side by side, as a stock preview tiles its name.
	for y := range H {
		for x := range W {
			v := 90 + rng.Intn(20)
			for _, ox := range []int{W/4 - rot.w/2, 3*W/4 - rot.w/2} {
				oy := (H - rot.h) / 2
				if rx, ry := x-ox, y-oy; rx >= 0 && ry >= 0 && rx < rot.w && ry < rot.h {
					v += int(rot.pix[ry*rot.w+rx]) * 45 / 255
				}
			}
			img.Set(x, y, color.RGBA{uint8(min(v, 255)), uint8(min(v, 255)), uint8(min(v, 255)), 255})
		}
	}
	pool, err := NewPool(PoolOptions{Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// The upright passes and tilted (20 degrees) do not read it: the
	// case the steep pass is for.
	def, err := NewDetector(pool, Options{Passes: []string{PassLocal, PassOtsu, PassInverted, PassDark, PassChroma, PassTilted}})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := def.Detect(context.Background(), img); err != nil || v.HasText {
		t.Fatalf("default passes and tilted: %+v, %v; want no text (the fixture no longer needs steep)", v, err)
	}
	det, err := NewDetector(pool, Options{Passes: []string{PassSteep}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := det.Detect(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if !v.HasText || v.Pass != PassSteep {
		t.Fatalf("steep pass missed text turned 36 degrees: %+v", v)
	}
	for _, w := range v.Words {
		if w.Box[0] < -W/4 || w.Box[1] < -H/4 || w.Box[2] > W*5/4 || w.Box[3] > H*5/4 || w.Pass != PassSteep {
			t.Errorf("word %+v: box outside the upright image or wrong pass", w)
		}
	}
}
