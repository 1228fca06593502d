package imagehash

import (
	"image"
	"image/color"
	"testing"
)

// BenchmarkSign is the cost of one signature of a 220x165 picture.
func BenchmarkSign(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 220, 165))
	for y := range 165 {
		for x := range 220 {
			img.Set(x, y, color.RGBA{uint8(x * y), uint8(x + 3*y), uint8(x ^ y), 255})
		}
	}
	for b.Loop() {
		Sign(img)
	}
}

// BenchmarkSignPoster is the cost of one signature of a 220x165 template
// poster: an image on a backdrop, which keeps a Fine too.
func BenchmarkSignPoster(b *testing.B) {
	img := poster(1, 1)
	for b.Loop() {
		Sign(img)
	}
}
