package imagehash

import (
	"image"
	"image/color"
	"image/draw"
	"testing"
)

// loadRGBA is the picture at path as RGBA.
func loadRGBA(t *testing.T, path string) *image.RGBA {
	t.Helper()
	img := decodeFile(t, path)
	out := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

// recoloured is img with its luma kept and every pixel given the chroma
// (Cb, Cr), plus add grey levels of luma.
func recoloured(img *image.RGBA, cb, cr uint8, add int) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			p := img.RGBAAt(x, y)
			l := luma8(p.R, p.G, p.B)
			r, g, b := color.YCbCrToRGB(uint8(min(255, int(l)+add)), cb, cr)
			out.SetRGBA(x, y, color.RGBA{r, g, b, 255})
		}
	}
	return out
}

// half is the left (or right) half of img.
func half(img *image.RGBA, right bool) *image.RGBA {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	x0 := 0
	if right {
		x0 = w - w/2
	}
	out := image.NewRGBA(image.Rect(0, 0, w/2, h))
	draw.Draw(out, out.Bounds(), img, image.Pt(x0, 0), draw.Src)
	return out
}

// marked is img with a white box over its lower right corner (a mark).
func marked(img *image.RGBA) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, image.Point{}, draw.Src)
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	draw.Draw(out, image.Rect(w*3/4, h*7/8, w-4, h-4), image.NewUniform(color.White), image.Point{}, draw.Src)
	return out
}

// TestLocalVerify checks the verification of unsure matches: copies
// (JPEG, a 5% crop, a mark in the corner, the mirror image) keep their Local
// detail, other pictures and the other half of the same picture do not; a
// grey picture matches a colourful one only with its luma; and two
// pictures of one luma layout in other colours do not match.
func TestLocalVerify(t *testing.T) {
	coffee := loadRGBA(t, "testdata/coffee.png")
	chelsea := loadRGBA(t, "testdata/chelsea.png")
	all := Window{0, 0, 1, 1}
	local := []struct {
		name   string
		a, b   image.Image
		wb     Window
		mirror bool
		want   bool
	}{
		{"a JPEG q50 copy", coffee, reencode(t, coffee, 50), all, false, true},
		{"a 5% crop against its window", cropped(coffee, 0.05), coffee, Windows[0], false, true},
		{"a mark in the corner", marked(coffee), coffee, all, false, true},
		{"the mirror image, mirrored", mirrorImage(coffee), coffee, all, true, true},
		{"another photo", chelsea, coffee, all, false, false},
		{"the other half of the photo", half(coffee, false), half(coffee, true), all, false, false},
		{"the other half, mirrored", half(coffee, false), half(coffee, true), all, true, false},
	}
	for _, c := range local {
		t.Run(c.name, func(t *testing.T) {
			a, b := Sign(c.a), Sign(c.b)
			if a.Local == nil || b.Local == nil {
				t.Fatal("want pictures that are not flat, with a Local")
			}
			corr := LocalCorrelation(&a, all, c.mirror, &b, c.wb)
			if got := corr >= MinLocal; got != c.want {
				t.Errorf("LocalCorrelation %.3f (MinLocal %.2f): agree %v, want %v", corr, MinLocal, got, c.want)
			}
		})
	}
	grey := [2]uint8{128, 128}
	whole := []struct {
		name string
		a, b image.Image
		want bool
	}{
		{"its grayscale copy", coffee, recoloured(coffee, grey[0], grey[1], 0), true},
		{"a grey picture 12 levels brighter", coffee, recoloured(coffee, grey[0], grey[1], 12), false},
		{"one luma in blue and in orange", recoloured(coffee, 165, 110, 0), recoloured(coffee, 90, 170, 0), false},
		{"one luma in blue, 12 levels brighter", recoloured(coffee, 165, 110, 0), recoloured(coffee, 165, 110, 12), true},
	}
	for _, c := range whole {
		t.Run(c.name, func(t *testing.T) {
			a, b := Sign(c.a), Sign(c.b)
			if got := MatchWhole(&a, &b, 10); got != c.want {
				t.Errorf("MatchWhole = %v, want %v (P %d bits, Means %d/%d, colour difference %.2f)",
					got, c.want, a.Full.P.Distance(b.Full.P), a.Full.Mean, b.Full.Mean, ColourDiff(&a, &b, false))
			}
		})
	}
}
