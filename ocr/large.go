package ocr

import (
	"slices"
	"strings"
)

// Text that fills the picture (issue 16, wave 12): game banners and
// status screens ("GAME OVER", "PAUSED", "LOADING"), logos cut tight
// round their letters ("PINGUS", "LinCity") and signs whose letters take
// most of the picture's height. The candidate-line finder takes a
// component for a glyph only when it is under a third of the image high
// (glyphLike), and whole-image readings of such words are dropped as
// huge (boxRule: a box over 60% of the image high): on version 6's
// validation part 15 of the 17 missed real scenes were such pictures,
// where no candidate line was found at all.
//
// The regions-large pass looks at the picture set on a canvas of its
// border's colour (largeFrame): largeMarginY of the picture's height above
// and below it, largeMarginX at its sides, the whole scaled to
// largeCanvas pixels high, so that letters as high as the picture are
// under a third of the canvas, their local mean is taken over a window
// wider than their strokes and their crops have margins. It reads only
// lines of glyphs over a third of the picture's height (largeParams'
// minHeight): the regions passes read the others already. Its words may
// be as high as the picture (judge.large: the huge rule spares them).

// PassRegionsLarge reads the candidate lines of letters taller than a
// third of the picture (see above).
const PassRegionsLarge = "regions-large"

// The canvas of the regions-large pass: margins as shares of the
// picture's height, and the canvas's height in pixels. With the picture
// a third of the canvas high, a glyph of a third of the picture's height
// is largeCanvas/9 (26) pixels high there, one of its whole height
// largeCanvas/3 (80), read from crops scaled to lineHeight (32).
const (
	largeMarginY = 1.0
	largeMarginX = 0.5
	largeCanvas  = 240
	// largePadFirst: pictures scaled by this or more onto the canvas
	// (under 160 px high) are padded before they are scaled (the cheaper
	// order for larger ones moves a thumbnail's border by a pixel, which
	// lost "LOADING" of version 6 at 42 instead of 45).
	largePadFirst = 0.5
)

// largeParams are the finder's parameters of the regions-large pass:
// glyphs of a third of the picture's height or more (on the canvas), the
// four best lines, no quarter-turned lines, luma only (see
// coarseParams).
var largeParams = func() regionParams {
	p := defaultRegionParams
	h := largeCanvas / int(1+2*largeMarginY) / 3
	p.minHeight, p.minHeightUp = h, h
	p.maxLines = 4
	p.quarter, p.readQuarter = false, false
	p.chroma = false
	p.view = viewLarge
	return p
}()

// viewKind names the views of a picture that passes search instead of
// the picture itself (frame.viewFrame).
type viewKind int

const (
	viewNone   viewKind = iota
	viewLarge           // the picture on a canvas (largeFrame)
	viewCoarse          // the picture reduced (coarseFrame)
	numViews
)

// viewFrame returns the frame of view v of fr's picture, made once, or
// nil where the view does not apply; upscaleTo is Options.UpscaleTo.
func (fr *frame) viewFrame(v viewKind, upscaleTo int) *frame {
	if fr.viewDone[v] {
		return fr.views[v]
	}
	fr.viewDone[v] = true
	switch v {
	case viewLarge:
		fr.views[v] = fr.largeFrame()
	case viewCoarse:
		fr.views[v] = fr.coarseFrame(upscaleTo)
	}
	return fr.views[v]
}

// largeFrame returns the frame of the regions-large pass over fr's
// picture (see above), or nil for a picture too small to search.
func (fr *frame) largeFrame() *frame {
	col := fr.native
	if col.w < 8 || col.h < 8 {
		return nil
	}
	k := float64(largeCanvas) / ((1 + 2*largeMarginY) * float64(col.h))
	var canvas rgbImage
	var px, py int
	if k >= largePadFirst {
		// A small picture is set on its canvas, then scaled.
		px, py = int(largeMarginX*float64(col.h)+0.5), int(largeMarginY*float64(col.h)+0.5)
		canvas = col.padded(px, py)
		canvas = canvas.resize(float64(largeCanvas) / float64(canvas.h))
		k = float64(canvas.h) / float64(col.h+2*py) // the true ratio after rounding
		px, py = int(float64(px)*k+0.5), int(float64(py)*k+0.5)
	} else {
		// A larger one is reduced first: its canvas at full size would
		// hold nine times its pixels.
		small := col.resize(k)
		k = float64(small.h) / float64(col.h)
		px, py = int(largeMarginX*float64(small.h)+0.5), int(largeMarginY*float64(small.h)+0.5)
		canvas = small.padded(px, py)
	}
	// Words read there are shifted back by the margins (unpad) and
	// mapped to the original by fr.nScale*k.
	return &frame{native: canvas, nScale: fr.nScale * k, upFactor: 1, lineEvidence: -1,
		offX: float64(px), offY: float64(py)}
}

// unpad moves words read on a frame's canvas (largeFrame) off its
// margins; on other frames it returns ws as it is.
func (fr *frame) unpad(ws []rawWord) []rawWord {
	if fr.offX == 0 && fr.offY == 0 {
		return ws
	}
	out := slices.Clone(ws)
	for i := range out {
		dx, dy := int(fr.offX+0.5), int(fr.offY+0.5)
		out[i].x0, out[i].x1 = out[i].x0-dx, out[i].x1-dx
		out[i].y0, out[i].y1 = out[i].y0-dy, out[i].y1-dy
	}
	return out
}

// padded returns c on a canvas px pixels wider at each side and py higher
// above and below, filled with the median colour of c's border.
func (c rgbImage) padded(px, py int) rgbImage {
	var fill [3]uint8
	for k := range 3 {
		var hist [256]int
		n := 0
		add := func(x, y int) { hist[c.pix[3*(y*c.w+x)+k]]++; n++ }
		for x := range c.w {
			add(x, 0)
			add(x, c.h-1)
		}
		for y := 1; y < c.h-1; y++ {
			add(0, y)
			add(c.w-1, y)
		}
		for v, s := 0, 0; v < 256; v++ {
			if s += hist[v]; 2*s >= n {
				fill[k] = uint8(v)
				break
			}
		}
	}
	w, h := c.w+2*px, c.h+2*py
	out := rgbImage{w: w, h: h, pix: make([]uint8, 3*w*h)}
	for i := 0; i < w*h; i++ {
		copy(out.pix[3*i:3*i+3], fill[:])
	}
	for y := range c.h {
		copy(out.pix[3*((y+py)*w+px):3*((y+py)*w+px+c.w)], c.pix[3*y*c.w:3*(y+1)*c.w])
	}
	return out
}

// largePass reports whether words of pass were read on the regions-large
// canvas (or a second reading of one of its lines).
func largePass(pass string) bool {
	return pass == PassRegionsLarge || pass == PassRegionsLarge+rereadSuffix
}

// UI text in striped and dotted faces (issue 16, wave 12): the game
// screens of version 6's validation part set their menus ("CONTROLS",
// "LOAD GAME") and scores in a face whose letters are rows of short
// bars, each bar a component far wider than high that the finder takes
// for no glyph; their 220-px thumbnails, where the bars blur into
// letters, were all found, the full-size pictures not. The
// regions-coarse pass searches a full-size picture reduced to
// coarseSide pixels on its long side (box filter) as the regions pass
// searches a thumbnail (upscaled to UpscaleTo), and reads only lines of
// coarseEvidence or more (the three best): such lines are rare where
// there is no text, so the pass costs little on photos without text.

// PassRegionsCoarse reads the candidate lines of the picture reduced
// (see above).
const PassRegionsCoarse = "regions-coarse"

// coarseSide is the long side (px) of the reduced picture, as of a
// thumbnail; pictures under coarseMin on their long side are not reduced
// (they are thumbnails, or nearly).
const (
	coarseSide     = 220
	coarseMin      = 400
	coarseEvidence = 4
)

// coarseParams are the finder's parameters of the regions-coarse pass:
// luma only. On the tuning part's 270 photos without text the finder is
// nearly all of the view passes' cost (their few lines are read quickly):
// regions-coarse 6.5 ms of CPU an image with the yellow-blue channel, 5.2
// without, regions-large 2.8 and 2.2 (load 2-4).
var coarseParams = func() regionParams {
	p := defaultRegionParams
	p.maxLines = 3
	p.minEvidence = coarseEvidence
	p.quarter, p.readQuarter = false, false
	p.chroma = false
	p.view = viewCoarse
	return p
}()

// coarseFrame returns the frame of the regions-coarse pass over fr's
// picture, or nil for a picture under coarseMin.
func (fr *frame) coarseFrame(upscaleTo int) *frame {
	long := max(fr.native.w, fr.native.h)
	if long < coarseMin {
		return nil
	}
	k := float64(coarseSide) / float64(long)
	small := fr.native.resize(k)
	k = float64(small.w) / float64(fr.native.w) // the true ratio after rounding
	return &frame{native: small, nScale: fr.nScale * k, upFactor: min(3, float64(upscaleTo)/float64(max(small.w, small.h))), lineEvidence: -1}
}

// viewPass reports whether pass reads a view of its own (regions-large,
// regions-coarse). Their words decide alone or on a line, never by
// agreeing with or echoing another pass's: a view's lines are the regions
// pass's lines seen again, not another preparation of the picture (a
// forest of version 6's validation part read "\AnAAas" by regions at 41
// and by regions-coarse at 46 on the same branches, an echo on glyphs).
func viewPass(pass string) bool {
	p, ok := regionPasses[strings.TrimSuffix(pass, rereadSuffix)]
	return ok && p.view != viewNone
}
