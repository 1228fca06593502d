package ocr

import (
	"cmp"
	"context"
	"fmt"
	"image"
	"time"
)

// Options are the detector's thresholds. The zero value of a field means its
// default (DefaultOptions); the command line exposes each as a flag.
type Options struct {
	// MinConfidence: words Tesseract is less sure of (0..100) are ignored.
	// Default 60. Lower finds more faint text and more texture noise.
	MinConfidence float64 `json:"min_confidence"`
	// StrongConfidence: one accepted word at or above it, with more than
	// StrongChars letters or digits, decides "has text" alone; one of just
	// StrongChars needs 75 (shortStrongConfidence). Default 65.
	// (70 scored the same on version 2's tuning sample and would drop a
	// lone "ware" read at 65.2 in the demo's drawn windows, but the default
	// is also written out by runner's --init-config, which this package
	// does not own.)
	StrongConfidence float64 `json:"strong_confidence"`
	// MinChars: letters or digits a word needs to count. Default 3
	// ("a", "to" and lone glyphs are what textures produce).
	MinChars int `json:"min_chars"`
	// StrongChars: letters or digits of a word that decides alone. Default 4.
	StrongChars int `json:"strong_chars"`
	// SureConfidence: one accepted word at or above it decides alone
	// whatever its length (from MinChars: "BAR", "SPA"). Default 95 (at
	// 90 texture made a lone "Fat" on the tuning part).
	SureConfidence float64 `json:"sure_confidence"`
	// MinWords: accepted words below StrongConfidence that together decide
	// "has text". Default 2.
	MinWords int `json:"min_words"`
	// LineConfidence: MinWords words on a line decide only when one of
	// them has at least this confidence. Default 65: on the tuning part it
	// loses nothing, and two weak fragments side by side ("BSE" 60.5, "eon"
	// 64.4: the windows of a drawn street) no longer decide. With
	// StrongConfidence also 65, a line now decides where its surest word
	// is shorter than StrongChars ("sun" 66 beside "quiet" 62).
	LineConfidence float64 `json:"line_confidence"`
	// MinWordHeight: the smallest word box, in pixels of the original image,
	// that counts (smaller is noise or text nobody can read). Default 5.
	MinWordHeight int `json:"min_word_height"`
	// UpscaleTo: images whose long side is shorter are scaled up to it (at
	// most 3x) so glyphs of 220-px thumbnails reach a size Tesseract reads.
	// Default 640.
	UpscaleTo int `json:"upscale_to"`
	// MaxSide: larger images are scaled down to it first, bounding the cost
	// of big photos. Default 1600.
	MaxSide int `json:"max_side"`
	// MinEdgeDensity: images with fewer strong edges than this fraction of
	// their pixels (skies, blurs, flat colour) are decided "no text" without
	// OCR. Default 0.004. Set it negative to always run OCR.
	MinEdgeDensity float64 `json:"min_edge_density"`
	// TextureEdgeDensity: images with more strong edges than this fraction
	// of their pixels (foliage, gravel, brick, stripes) get only the first
	// pass: the later passes read texture as letters and cost more on it.
	// Default 1 (off): memes and signs sit on busy photos, and the gate at
	// 0.3 lost a tenth of the text of the tuning part.
	TextureEdgeDensity float64 `json:"texture_edge_density"`
	// Passes to run, in order, until one finds text. Default
	// DefaultPasses. See PassNames.
	Passes []string `json:"passes"`
	// ScoutPasses: the first ScoutPasses passes run on every image; the
	// later ones only when an earlier pass read something word-like (an
	// accepted word, or a word that failed only on confidence with at least
	// HintConfidence). 0 means all of Passes (the default: see below).
	ScoutPasses int `json:"scout_passes"`
	// InvertLines keeps, in every pass, Tesseract's own second reading on
	// the inverted line image of every line it is unsure of
	// (tessedit_do_invert: mean confidence under 70; the tesseract CLI's
	// default). Default off, so only the otsu pass keeps it: the inverted,
	// dark and local passes read light text already, and on texture nearly
	// every line is one Tesseract is unsure of, so the second reading costs
	// the most where there is no text (see DefaultPasses for the
	// measurement).
	InvertLines bool `json:"invert_lines"`
	// HintConfidence: see ScoutPasses. Default 40.
	//
	// The default ScoutPasses is all of Passes: on the tuning part almost
	// every photo without text reads something word-like in texture, so the
	// gate saved little and lost text.
	HintConfidence float64 `json:"hint_confidence"`
}

// DefaultPasses is the default pass order, chosen on the tuning part of the
// real-material evaluation set (ocr/internal/evalset) by replaying pass
// orders over cached pass results (tune_test.go).
//
// Issue 16: the two passes that read candidate text lines (regions.go)
// come first and replace inverted, dark and chroma. Replayed on every
// other scene of the tuning part (218 images, load 8-11), the previous
// five (local, otsu, inverted, dark, chroma) scored full size F1 0.868 (P
// 0.971), thumbnails 0.849, at 1248 ms an image; regions alone 0.909 /
// 0.849 at 432 ms; regions, regions-grey 0.909 / 0.923 at 628 ms; with
// local 0.923 / 0.937 at 743 ms; with local and otsu (the default) 0.937 /
// 0.950 (P 1.000 / 1.000) at 1124 ms; adding inverted, dark or chroma
// after them found nothing more, and chroma brought back the one false
// positive. local and otsu still find a faint corner watermark and a
// headline each that the line finder misses.
//
// The previous order's notes: auto (PSM 3) alone finds under a fifth of
// the text in photos; tilted added two thumbnails and one false positive
// for 65% more time.
//
// steep and steep-dark (issue 16: tiled diagonal watermarks at 20-45
// degrees, which the upright passes miss) come last, and cost little where there is
// no watermark (tiled.go): they run only where the image repeats itself
// (the autocorrelation gate: 45 of the tuning part's 270 photos without
// text), steep only where the image is not bright, steep-dark only where
// it is not dark; they read at 384 px, and their words decide only at
// confidence 85 or when a word repeats elsewhere (RuleRepeat). Replayed on
// the whole tuning part (436 images, passes cached in one run, load 9):
// full size F1 0.859 to 0.889 (64 to 68 found, the same 2 false
// positives), thumbnails 0.839 to 0.871 (60 to 64, none); tiled
// watermarks found 1 of 16 before, 9 of 16 after; pass time 1697 to 1768
// ms an image (+4.2%; ungated +39.5%). Run for real on every third scene
// of the tuning part (146 images, three runs each, alternating): CPU an
// image 295, 295, 289 ms with the five, 344 with the seven before the
// repetition test's FFT was trimmed (36-43 ms of CPU an image), 280 and
// 308 after (17 ms on a full-size image, 12 on a thumbnail); load 2-13.
// Ungated at full resolution the steep passes had added false positives (a
// gravel crop read "Lars" at 85, "Lats" at 81) and 50-110% more time on
// photos without text.
//
// steep-stack (issue 16, wave 7) comes after them, gated by the same
// repetition test (either brightness: it reads light text on images of
// mean luma up to 150, dark text on brighter ones): it reads the image
// averaged with two copies each way along the repetition the gate
// measured (stackTiles), where a tiled watermark adds up and the photo
// under it flattens. Chosen on the validation parts (heldout, heldout3;
// both looked at since), all scenes, no new false positive: heldout full
// size F1 0.975 -> 0.981 (a tiled "COPYRIGHT" that steep read in
// fragments), heldout3 thumbnails 0.928 -> 0.935 (a tiled "PREVIEW ONLY"
// at 45 degrees), the tuning part unchanged (0.969 / 0.949). make
// bench-ocr (stride 8, heldout, 56 images, one quiet window each, load
// 2): 17.42 images/s beside the CLI's 9.97 (1.75x), 112 ms of CPU an
// image; main before it, 21.57 beside 11.39 (1.89x), 91 ms; the same F1
// 0.952. The CLI ran 15% slower in the first window, so the pass costs
// some 7% of CPU there, at most 23%.
//
// Tesseract's in-pass second reading of unsure lines on the inverted image
// (Options.InvertLines) is kept in otsu only: replayed on the first 76
// images of version 2's tuning part (every fourth scene), keeping it in all
// five passes scored full size F1 0.857 (3 false positives), thumbnails
// 0.865, at 5.5 s an image (load 12-16); in none, 0.872 / 0.765 at 3.6 s;
// in otsu only, 0.900 / 0.833 at 3.9 s (29% less time than in all).
//
// regions-large and regions-coarse (issue 16, wave 12; large.go) follow
// the two regions passes: the candidate lines of letters taller than a
// third of the picture, found on the picture set on a canvas of its
// border's colour (game banners, logos cut tight round their letters),
// and of a full-size picture reduced to 220 px (UI text in striped faces,
// which only its thumbnail showed as letters). Tuned on version 6's
// validation part (all 434): full size F1 0.864 -> 0.927, thumbnails
// 0.898 -> 0.933 (with scene.go's two word rules; P 1.000 both, was
// 0.988 on thumbnails); validation: version 2 full 0.988 -> 0.994,
// version 5 0.941 -> 0.960 / 0.941 -> 0.947, versions 3 and 4 and the
// tuning part unchanged, no new false positive anywhere. CPU an image
// (timing runs, main and this alternating, load 2-5): version 6 72-73 ->
// 75 ms, version 2 72 -> 77, the tuning part 71-75 -> 75-76 (79 before
// the view passes went luma only), version 5 183 -> 176.
var DefaultPasses = []string{PassRegions, PassRegionsGrey, PassRegionsLarge, PassRegionsCoarse, PassLocal, PassOtsu, PassSteep, PassSteepDark, PassSteepStack}

// Pass names, as they appear in verdicts.
const (
	PassFlat      = "flat"       // early exit: no edges a glyph could have
	PassAuto      = "auto"       // PSM 3 (page layout analysis), adaptive (Sauvola) thresholding, colour: captions, signs, covers, pages
	PassAutoUp    = "auto-up"    // auto on the image upscaled to UpscaleTo: thumbnails
	PassSparse    = "sparse"     // PSM 11 (sparse text), Sauvola, upscaled when small: scattered small text
	PassOtsu      = "otsu"       // PSM 11, global Otsu on colour (Tesseract picks the channel), upscaled when small
	PassInverted  = "inverted"   // PSM 11 on the contrast-stretched negative, upscaled when small: light text on dark
	PassLocal     = "local"      // PSM 11 on local contrast (lighter than the surroundings turns dark): watermarks, outlined captions
	PassLocalUp   = "local-up"   // local, upscaled when small
	PassDark      = "dark"       // PSM 11 on local contrast the other way (darker than the surroundings), upscaled when small
	PassChroma    = "chroma"     // PSM 11 on the colour-saturation channel, upscaled when small: coloured text on grey
	PassTilted    = "tilted"     // local, upscaled when small, read turned by +20 and -20 degrees: diagonal watermarks, tilted headlines
	PassSteep     = "steep"      // tilted turned by +36 and -36 degrees, lower contrast floor, at 384 px, gated (tiled.go): tiled diagonal semi-transparent watermarks
	PassSteepDark = "steep-dark" // steep on local contrast the other way (darker than the surroundings): dark tiled watermarks on bright photos
	// steep on the image averaged with its copies along the repetition the gate measured (tiled.go, stackTiles)
	PassSteepStack = "steep-stack"
)

// PassNames lists every pass a detector knows.
var PassNames = []string{PassAuto, PassAutoUp, PassSparse, PassOtsu, PassInverted, PassLocal, PassLocalUp, PassDark, PassChroma, PassTilted, PassSteep, PassSteepDark, PassSteepStack, PassRegions, PassRegionsGrey, PassRegionsLarge, PassRegionsCoarse}

type prep int

const (
	prepNone    prep = iota
	prepInvert       // contrast-stretched negative
	prepLocal        // local contrast, light details turned dark
	prepDark         // local contrast, dark details kept dark
	prepChroma       // saturation, stretched and inverted
	prepTilted       // local contrast, turned both ways by tiltDegrees
	prepRegions      // candidate lines, cropped and read one by one (regions.go)
)

// tiltDegrees is the turn of the tilted pass: Tesseract reads lines up to
// about 8 degrees off horizontal; turned by 20 degrees either way, text
// tilted by 12 to 28 degrees becomes level enough.
const tiltDegrees = 20

// passSpec says how a pass prepares the image and segments the page.
type passSpec struct {
	psm     int
	thresh  thresholding
	upscale bool // upscale images smaller than UpscaleTo
	prep    prep
	// invertLines keeps Tesseract's second reading of unsure lines on the
	// inverted line image in this pass even without Options.InvertLines:
	// otsu reads the image as it is, so light text on a busy photo is
	// found only that way (measured on the tuning part: see DefaultPasses).
	invertLines bool
	// turn (degrees) and floor (local-contrast floor) of the turned passes.
	turn, floor float64
	dark        bool
}

var passSpecs = map[string]passSpec{
	PassAuto:       {psmAuto, sauvola, false, prepNone, false, 0, 0, false},
	PassAutoUp:     {psmAuto, sauvola, true, prepNone, false, 0, 0, false},
	PassSparse:     {psmSparse, sauvola, true, prepNone, false, 0, 0, false},
	PassOtsu:       {psmSparse, otsu, true, prepNone, true, 0, 0, false},
	PassInverted:   {psmSparse, otsu, true, prepInvert, false, 0, 0, false},
	PassLocal:      {psmSparse, otsu, false, prepLocal, false, 0, 0, false},
	PassLocalUp:    {psmSparse, otsu, true, prepLocal, false, 0, 0, false},
	PassDark:       {psmSparse, otsu, true, prepDark, false, 0, 0, false},
	PassChroma:     {psmSparse, otsu, true, prepChroma, false, 0, 0, false},
	PassTilted:     {psmSparse, otsu, true, prepTilted, false, tiltDegrees, 0.25, false},
	PassSteep:      {psmSparse, otsu, true, prepTilted, false, 36, 0.12, false},
	PassSteepDark:  {psmSparse, otsu, true, prepTilted, false, 36, 0.12, true},
	PassSteepStack: {psmSparse, otsu, true, prepTilted, false, 36, 0.12, false},
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{
		MinConfidence:      60,
		StrongConfidence:   65,
		MinChars:           3,
		StrongChars:        4,
		SureConfidence:     95,
		MinWords:           2,
		LineConfidence:     65,
		MinWordHeight:      5,
		UpscaleTo:          640,
		MaxSide:            1600,
		MinEdgeDensity:     0.004,
		TextureEdgeDensity: 1,
		Passes:             DefaultPasses,
		HintConfidence:     40,
	}
}

// withDefaults fills zero fields from DefaultOptions and checks the rest.
func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	o.MinConfidence = cmp.Or(o.MinConfidence, d.MinConfidence)
	o.StrongConfidence = cmp.Or(o.StrongConfidence, d.StrongConfidence)
	o.MinChars = cmp.Or(o.MinChars, d.MinChars)
	o.StrongChars = cmp.Or(o.StrongChars, d.StrongChars)
	o.SureConfidence = cmp.Or(o.SureConfidence, d.SureConfidence)
	o.MinWords = cmp.Or(o.MinWords, d.MinWords)
	o.LineConfidence = cmp.Or(o.LineConfidence, d.LineConfidence)
	o.MinWordHeight = cmp.Or(o.MinWordHeight, d.MinWordHeight)
	o.UpscaleTo = cmp.Or(o.UpscaleTo, d.UpscaleTo)
	o.MaxSide = cmp.Or(o.MaxSide, d.MaxSide)
	o.MinEdgeDensity = cmp.Or(o.MinEdgeDensity, d.MinEdgeDensity)
	o.TextureEdgeDensity = cmp.Or(o.TextureEdgeDensity, d.TextureEdgeDensity)
	if len(o.Passes) == 0 {
		o.Passes = d.Passes
	}
	o.ScoutPasses = cmp.Or(o.ScoutPasses, len(o.Passes))
	o.HintConfidence = cmp.Or(o.HintConfidence, d.HintConfidence)
	switch {
	case o.MinConfidence < 0 || o.MinConfidence > 100 || o.StrongConfidence < 0 || o.StrongConfidence > 100 ||
		o.SureConfidence < 0 || o.SureConfidence > 101 || o.LineConfidence < 0 || o.LineConfidence > 100:
		return o, fmt.Errorf("ocr: confidences must lie in 0..100 (min %g, strong %g)", o.MinConfidence, o.StrongConfidence)
	case o.MinChars < 1 || o.StrongChars < 1 || o.MinWords < 1 || o.MinWordHeight < 1:
		return o, fmt.Errorf("ocr: min chars, strong chars, min words and min word height must be at least 1")
	case o.UpscaleTo < 16 || o.MaxSide < 16:
		return o, fmt.Errorf("ocr: upscale-to (%d) and max-side (%d) must be at least 16 px", o.UpscaleTo, o.MaxSide)
	}
	for _, p := range o.Passes {
		_, known := passSpecs[p]
		if _, r := regionPasses[p]; !known && !r {
			return o, fmt.Errorf("ocr: unknown pass %q (known: %v)", p, PassNames)
		}
	}
	return o, nil
}

// Word is one word Tesseract recognised, in the original image's pixels.
type Word struct {
	Text string  `json:"text"`
	Conf float64 `json:"conf"`
	Box  [4]int  `json:"box"` // x0, y0, x1, y1
	Pass string  `json:"pass"`
	// Reject says which rule dropped the word; "" for words that count.
	Reject string `json:"reject,omitempty"`
	// Decisive marks the words that decided "has text" (see Verdict.Rule).
	Decisive bool `json:"decisive,omitempty"`
}

// Verdict is the detector's decision on one image.
type Verdict struct {
	HasText bool `json:"has_text"`
	// Pass is the pass that decided: the one that found text, PassFlat for
	// the early exit, or the last pass run when none found text.
	Pass string `json:"pass"`
	// Rule says what decided: RuleStrong (one strong word), RuleAgree (one
	// word read alike by two passes), RuleLine (words side by side on a
	// line), RuleRepeat (a tiled pass's word read again elsewhere), RuleFlat
	// (no edges: no OCR), or RuleNone (no pass found text).
	Rule string `json:"rule"`
	// Skipped lists the passes left out because the candidate-line finder
	// saw nothing line-like and nothing was read so far (see lineGated).
	Skipped []string `json:"skipped,omitempty"`
	// Words holds the accepted words first, then up to a few rejected ones
	// (at most MaxVerdictWords in all).
	Words  []Word `json:"words"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// Elapsed is the detection time, decoding included.
	Elapsed time.Duration `json:"-"`
}

// Rules that decide a verdict.
const (
	RuleFlat   = "flat"        // no edges a glyph could have: decided without OCR
	RuleStrong = "strong-word" // one word of StrongConfidence and StrongChars
	RuleAgree  = "agree"       // one accepted word read alike by two passes
	RuleLine   = "line"        // MinWords accepted words side by side on one line
	RuleRepeat = "repeat"      // a word of a tiled pass read again elsewhere (a tiled watermark)
	RuleNone   = "none"        // no pass found text
)

// MaxVerdictWords bounds the words kept in a Verdict: textures can make
// Tesseract report hundreds of fragments.
const MaxVerdictWords = 24

// Detector decides whether images show text. It is safe for concurrent use:
// each call takes its own engine from the pool.
type Detector struct {
	pool *Pool
	opts Options
	gate gateLimits // the tiled passes' gate (tiled.go)
}

// NewDetector returns a detector using the engines of pool.
func NewDetector(pool *Pool, opts Options) (*Detector, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Detector{pool: pool, opts: o, gate: defaultGate}, nil
}

// Options returns the detector's options with defaults filled in.
func (d *Detector) Options() Options { return d.opts }

// DetectBytes decodes an encoded image (JPEG, PNG, GIF, WebP) and detects text in it.
func (d *Detector) DetectBytes(ctx context.Context, data []byte) (Verdict, error) {
	start := time.Now()
	g, err := decodeRGB(data)
	if err != nil {
		return Verdict{}, err
	}
	v, err := d.detect(ctx, g)
	v.Elapsed = time.Since(start)
	return v, err
}

// Detect detects text in a decoded image.
func (d *Detector) Detect(ctx context.Context, img image.Image) (Verdict, error) {
	start := time.Now()
	v, err := d.detect(ctx, toRGB(img))
	v.Elapsed = time.Since(start)
	return v, err
}

func (d *Detector) detect(ctx context.Context, col rgbImage) (Verdict, error) {
	v := Verdict{Width: col.w, Height: col.h}
	if col.w < 8 || col.h < 8 {
		v.Pass, v.Rule = PassFlat, RuleFlat
		return v, nil
	}
	edges := col.gray().edgeDensity(16)
	if d.opts.MinEdgeDensity > 0 && edges < d.opts.MinEdgeDensity {
		v.Pass, v.Rule = PassFlat, RuleFlat
		return v, nil
	}
	passes := d.opts.Passes
	if edges > d.opts.TextureEdgeDensity {
		passes = passes[:1]
	}
	fr := d.newFrame(col)
	c, err := d.pool.Get(ctx)
	if err != nil {
		return v, err
	}
	defer d.pool.Put(c)

	var acc judge
	acc.init(d.opts, col.w, col.h)
	acc.support, acc.supportAlong, acc.fit = fr.support, fr.supportAlong, fr.supportFit
	rereads := 0
	for i, pass := range passes {
		if err := ctx.Err(); err != nil {
			return v, err
		}
		if lineGated[pass] && fr.lineEvidence >= 0 && fr.lineEvidence < gateLineEvidence && len(acc.accepted) == 0 {
			v.Skipped = append(v.Skipped, pass) // no line-like structure and nothing read: see lineGated
			continue
		}
		v.Pass = pass
		if p, ok := regionPasses[pass]; ok {
			// Judged line by line: the pass stops at the line that decides.
			var rerr error
			_, _, err := d.runRegions(c, pass, p, fr, func(r region, ws []rawWord, scale float64) bool {
				acc.addLine(ws, pass, scale, readSlope(r, p.deskew))
				if acc.hasText() != "" {
					return true
				}
				if rereads == maxRereads || r.readOnce() || r.own || !acc.unsureLine(ws, pass, scale) {
					return false
				}
				// A second reading of an unsure line (words.go).
				rereads++
				again, err := rereadLine(c, fr.lineChannel(r), r, p.deskew)
				if err != nil {
					rerr = err
					return true
				}
				acc.addLine(again, pass+rereadSuffix, scale, readSlope(r, p.deskew))
				return acc.hasText() != ""
			})
			if err == nil && rerr != nil {
				err = fmt.Errorf("ocr: %s pass, second reading: %w", pass, rerr)
			}
			if err != nil {
				return v, err
			}
		} else {
			raw, scale, err := d.runPass(c, pass, fr)
			if err != nil {
				return v, err
			}
			for _, w := range raw {
				acc.add(w, pass, scale)
			}
		}
		if rule := acc.hasText(); rule != "" {
			v.HasText, v.Rule = true, rule
			break
		}
		if i+1 >= d.opts.ScoutPasses && !acc.hint {
			break
		}
	}
	if !v.HasText {
		v.Rule = RuleNone
	}
	v.Words = acc.words()
	return v, nil
}

// frame holds the image a detection works on: native, the original bounded
// to MaxSide, and (made on first use) up, it upscaled so that thumbnail
// glyphs reach a size Tesseract reads. Each keeps the factor that maps its
// coordinates back to the original image.
type frame struct {
	native, up       rgbImage
	nativeGray       grayImage
	upGray           grayImage
	nScale, upFactor float64
	tile             *tileGate // made on first use by a tiled pass (tiled.go)
	// lumaLines: the luma candidate lines of native [0] and up [1], shared
	// by the regions passes (regions.go).
	lumaLines [2]*lumaLines
	// lineEvidence is the best evidence (region.evidence) of the candidate
	// lines the regions passes found, -1 while they found none.
	lineEvidence float64
	// looks counts the second looks at candidate lines (regions.go).
	looks int
	// yb: the yellow-blue channel of native [0] and up [1], made for a
	// second reading of a line (lineChannel).
	yb [2]grayImage
	// views are the frames of the regions-large and regions-coarse passes
	// (large.go: the picture on a canvas, the picture reduced), made on
	// first use (viewDone); offX and offY are the margins of a canvas, in
	// its pixels.
	views      [numViews]*frame
	viewDone   [numViews]bool
	offX, offY float64
	// given marks the frame of the picture as given (newFrame), not a
	// view: its upscaled image is made by upscaleThumb (upscale.go).
	given bool
	// lookUp and lookDiff: the luma a second look at a thumbnail's line
	// reads (frame.lookGray), made on first use.
	lookUp   grayImage
	lookDiff []int16
}

// lineGated holds the whole-image passes that are skipped when the regions
// passes ran before them, found no candidate line of gateLineEvidence and
// nothing was accepted so far: on photos without text these passes cost
// most of the time (otsu alone 110 ms of CPU an image, local 37, against
// 40 for the finder), and on the tuning part every image they found text
// in either had a candidate line of evidence 5 or more or an accepted word
// already (replayed over cached lines and passes: TestTuneSched; at 4 and
// 4.5 no verdict changes, at 5 one thumbnail is lost). 245 of the tuning
// part's 270 photos without text have no line of evidence 4. An image
// where the finder proposes no line at all runs every pass: skipping there
// lost a scene thumbnail of the tuning part that only otsu reads.
var lineGated = map[string]bool{PassLocal: true, PassOtsu: true}

// gateLineEvidence: see lineGated.
const gateLineEvidence = 4

func (d *Detector) newFrame(col rgbImage) *frame {
	fr := &frame{native: col, nScale: 1, upFactor: 1, lineEvidence: -1, given: true}
	if long := max(col.w, col.h); long > d.opts.MaxSide {
		fr.nScale = float64(d.opts.MaxSide) / float64(long)
		fr.native = col.resize(fr.nScale)
	}
	if long := max(fr.native.w, fr.native.h); long < d.opts.UpscaleTo {
		fr.upFactor = min(3, float64(d.opts.UpscaleTo)/float64(long))
	}
	return fr
}

// image returns the colour and grey image of a pass and its scale factor.
func (fr *frame) image(upscale bool) (rgbImage, grayImage, float64) {
	if !upscale || fr.upFactor == 1 {
		if fr.nativeGray.pix == nil {
			fr.nativeGray = fr.native.gray()
		}
		return fr.native, fr.nativeGray, fr.nScale
	}
	if fr.up.pix == nil {
		if fr.given {
			fr.up = fr.native.upscaleThumb(fr.upFactor)
		} else {
			fr.up = fr.native.resize(fr.upFactor)
		}
		fr.upGray = fr.up.gray()
	}
	return fr.up, fr.upGray, fr.nScale * fr.upFactor
}

// runPass prepares the image for one pass and runs Tesseract on it. It
// returns the words and the factor that maps their boxes to the original.
func (d *Detector) runPass(c *Client, pass string, fr *frame) ([]rawWord, float64, error) {
	if p, ok := regionPasses[pass]; ok {
		return d.runRegions(c, pass, p, fr, nil)
	}
	spec := passSpecs[pass]
	img, gimg, scale := fr.image(spec.upscale)
	if spec.prep == prepTilted {
		return d.runTurned(c, pass, spec, fr)
	}
	var in pixels
	switch spec.prep {
	case prepNone:
		in = img
	case prepInvert:
		in = gimg.stretch(0.01, 0.99, true)
	case prepLocal:
		in = gimg.localContrast(max(8, min(gimg.w, gimg.h)/16), 0.25)
	case prepDark:
		in = gimg.stretch(0, 1, true).localContrast(max(8, min(gimg.w, gimg.h)/16), 0.25)
	case prepChroma:
		in = img.saturation().stretch(0.01, 0.99, true)
	}
	raw, err := c.recognize(in, spec.psm, spec.thresh, spec.invertLines || d.opts.InvertLines)
	if err != nil {
		return nil, 0, fmt.Errorf("ocr: %s pass: %w", pass, err)
	}
	return raw, scale, nil
}
