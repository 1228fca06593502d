package evalset

import (
	"image"
	"image/color"
	"math"
	"math/rand"

	"golang.org/x/image/font/sfnt"
)

// layer is the text that compose3 and compose4 set on one picture: it
// draws blocks and bands, keeps the blocks' boxes and measures each block's
// legibility on the 220-px thumbnail against the picture as it was before
// any text was set (plates and bands included).
type layer struct {
	img      *image.RGBA
	kind     string
	scale    float64 // thumbnail pixels per full-size pixel
	leg      legibility
	boxes    []image.Rectangle
	under    *image.RGBA
	glyphBuf sfnt.Buffer
}

func newLayer(img *image.RGBA, kind string) *layer {
	b := img.Bounds()
	return &layer{img: img, kind: kind, scale: float64(ThumbSize) / float64(max(b.Dx(), b.Dy())),
		leg: legibility{thumbPx: math.Inf(1), contrast: math.Inf(1)}}
}

// draw sets lines in style s centred at (cx, cy) and measures the block.
func (c *layer) draw(s style, lines []string, cx, cy int) {
	c.drawOver(s, lines, cx, cy, -1)
}

// drawOver is draw with the luma the block is read against given (a disc
// or a glow drawn just before it); under 0, the picture's under the box
// (or the plate's).
func (c *layer) drawOver(s style, lines []string, cx, cy int, bgLum float64) {
	img := c.img
	c.begin(s, lines...) // a missing glyph would draw a box
	whole := s.drawWhole(img, lines, cx, cy)
	r := whole.Intersect(img.Bounds())
	if r.Empty() {
		return
	}
	if c.kind != "tiled" && !whole.In(img.Bounds()) {
		c.leg.cut = true // only tiled watermarks run past the edges
	}
	c.boxes = append(c.boxes, r)
	bg := lumOf(c.under, r)
	if s.panel != nil {
		bg = lum(*s.panel)
	}
	if bgLum >= 0 {
		bg = bgLum
	}
	c.leg.measure(s, bg, c.scale)
}

// band blends colour col over the rows y0..y1 at the given opacity.
func (c *layer) band(y0, y1 int, col color.RGBA, opacity float64) {
	c.blend(image.Rect(0, y0, c.img.Bounds().Dx(), y1), col, opacity)
}

// blend blends colour col over r (clipped to the picture).
func (c *layer) blend(r image.Rectangle, col color.RGBA, opacity float64) {
	r = r.Intersect(c.img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := c.img.PixOffset(x, y)
			for k, v := range []uint8{col.R, col.G, col.B} {
				c.img.Pix[i+k] = uint8(float64(c.img.Pix[i+k])*(1-opacity) + float64(v)*opacity)
			}
		}
	}
}

// begin keeps the picture as it was before the first block (what later
// blocks are measured against) and notes a character of lines the face
// has no glyph for.
func (c *layer) begin(s style, lines ...string) {
	if c.under == nil {
		c.under = image.NewRGBA(c.img.Bounds())
		copy(c.under.Pix, c.img.Pix)
	}
	for _, l := range lines {
		for _, r := range l {
			if i, err := s.font.GlyphIndex(&c.glyphBuf, r); err != nil || (i == 0 && r != ' ') {
				c.leg.missing = true
			}
		}
	}
}

// end records a block drawn letter by letter (arcs, waves) whose glyphs
// landed in whole: its box, whether it runs past the picture, and its
// legibility against what was under it.
func (c *layer) end(s style, whole image.Rectangle) {
	r := whole.Intersect(c.img.Bounds())
	if r.Empty() {
		return
	}
	c.endOver(s, whole, lumOf(c.under, r))
}

// tileGrid sets word in rows stepY apart, stepX apart along a row, each
// row shifted by a phases-th of stepX more than the one above and all by
// a random part of stepX (tiled watermarks).
func (c *layer) tileGrid(rng *rand.Rand, s style, word string, stepX, stepY, phases int) {
	W, H := c.img.Bounds().Dx(), c.img.Bounds().Dy()
	for row, y := 0, rng.Intn(stepY); y < H+stepY; row, y = row+1, y+stepY {
		for x := (row%phases)*stepX/phases - rng.Intn(stepX/2+1); x < W+stepX; x += stepX {
			c.draw(s, []string{word}, x, y)
		}
	}
}
