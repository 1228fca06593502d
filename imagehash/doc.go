// Package imagehash computes perceptual hashes and the near-duplicate
// signatures that curate split groups copies with. It knows nothing of
// datasets, labels or splits.
//
// PHash and DHash are Python imagehash's phash and dhash (imagehash 4.3)
// bit for bit: Luma is PIL's convert("L") ((R*19595 + G*38470 + B*7471 +
// 0x8000) >> 16), Resize is PIL's Lanczos resample in its 8-bit fixed
// point (a horizontal pass rounded to 8 bits, then a vertical one), and the
// DCT is scipy.fftpack's unnormalised type II along axis 0, then axis 1.
// testdata/vectors.json, written by scripts/imagehash_fixtures.py from
// imagehash's lines transcribed on Debian's PIL and SciPy, checks the resize
// byte for byte and both hashes bit for bit. The only expected difference:
// a coefficient within float rounding of the median (flat images only) may
// fall either way. The Go library goimagehash resizes with another filter
// and converts to grey with float weights, so its hashes are not
// imagehash's; the issue asked for imagehash's, hence this package's own
// resize (about 100 lines).
//
// A Signature is what duplicate detection compares: Keys (a pHash and a
// dHash, both with a dead zone so flat regions give steady bits, and the
// region's mean and spread of luma) of the whole image, of its mirror
// image, and of 34 sub-windows (Windows), plus the low-frequency Shape of
// the image, its Colour (mean Cb and Cr on a 4x4 grid) and, for flat
// images only, its Detail (the 32x32 luma thumbnail, 1 KiB), for the
// others its Local (the 16x16 luma thumbnail, 256 bytes). A flat image
// whose whole key is still CentreSharp (a low-contrast texture: wood, a
// starry sky) keeps its windows and Local too, so its rotated, watermarked
// and cropped copies match by MatchCentre and MatchCrop. A uniform
// frame of up to 4% per side is trimmed first, so an added border does not
// move the keys. The Match functions are the rules: MatchWhole (resizes,
// re-encodes, borders, brightness, grayscale), MatchCrop (a whole image
// against another's window), MatchCentre (the same window of both: small rotations,
// watermarks; windows with MinCentreSure sure bits, a smooth texture's too) and MatchMirror. Every rule verifies the pHash candidate with
// the dHash and the luma statistics; flat images (few sure pHash bits or
// little contrast) are verified with the Shape correlation, the Colour
// (ColourAgree: the chroma of the cells agrees, or one side is grey, as a
// grayscale copy is) and the Detail (DetailAgree: the fine structure that
// the 8x8 DCT does not see, 16x16 samples with their mean and plane
// removed, correlates, allowing for a crop of 5-15% per side) instead, and
// match as crops only as low-contrast textures (both keys CentreSharp, their
// Means within CentreMean). Images that are not flat are verified too where the
// hashes are unsure: every whole, mirror and centre match needs the Colour
// to agree (two renders of one layout in other colours hash alike), a crop
// match the mean chroma of the window (WindowColourAgree); a grey image
// matches a colourful one only with a grayscale copy's luma (Means within
// GreyMean, Spreads within GreySpread); a centre match needs the window's
// Means within CentreMean; and a whole or mirror match more than
// SureDistance bits apart, and every crop and centre match, needs the
// Local detail of the two regions (12x12 samples of the 16x16 thumbnail,
// mean and plane removed) to correlate at MinLocal (LocalAgree). On the
// tuned-on parts of the edit set copies whose match is unsure correlate
// 0.7 or more but for a few (0.29-0.66) that join their group by another
// rule, the false matches it removed 0.48-0.65 (a sunset's near-mirror
// quadrants, a sky crop against another photo). Detail and Local are this
// package's own code (about 150 and 120 lines): no Go image library
// compares plane-removed thumbnails over a set of crop windows, and they
// run only on pairs every other check accepted (Local costs about 1 us a
// pair; make bench-dedup).
//
// Every whole, mirror and centre match also needs the Hues (the share of
// the pixels in each of 8 hue sectors, 8 bytes) to agree (HueAgree: one
// image keeps HueKeep of each of the other's hues; a crop may lose a hue,
// not gain one, HueCropAgree): two renders of one layout whose small parts
// are green in one and blue in the other agree on every hash, the coarse
// Colour grid and the luma detail, but each has a hue the other lacks. A
// mirror match, a copy with nothing else changed, needs the mirrored Shape
// to correlate at MinShape (sharp images too), and a flat pair's overall
// luma slope (the first horizontal and vertical DCT terms of the Shape) to
// agree within MaxSlope: a smooth gradient is almost all slope, so one
// whose mirror image runs 5 degrees off another's correlates with it as a
// flat photo does with its mirror copy, but its slope does not agree.
//
// Near-uniform images (the interquartile range of the 32x32 luma grid at
// most PlainIQR: flat renders, dark templates, plain wallpaper quadrants)
// also keep a Plain: their median, a 16x16 thumbnail, the signs of its
// residual after a robust plane and that plane's outliers. A copy of such
// an image with a watermark, a rotation's black corners or a 1-px border
// moves most of its few sure bits, its Spread past SpreadRatio and its
// Shape, so MatchWhole rejects it; MatchPlain (one side flat, medians as
// Means agree, colours agree, residual signs within PlainBits, and the
// residuals correlating at MinPlain on the samples neither image calls an
// outlier; or both blank patches of one median and colour) accepts it. Where
// both images have a Plain every other rule is vetoed by PlainAgree when
// that inlier structure correlates under MinPlainVeto: a mark two dark
// renders share can carry their hashes and Local detail. Plain is this
// package's own code (about 250 lines): a robust plane fit over 256 samples
// with an outlier mask is not in a Go image library.
//
// Images on a backdrop (a Plain, or half the 32x32 grid within FineBand of
// its median: posters, star fields, papers) also keep their 64x64 work
// image (Fine, 4 KiB; only they do), the level of its fine structure (each
// sample less its 5x5 mean) and how sparse it is (Peak: the energy share of
// its strongest tenth; grain and noise about 0.45-0.55, strokes and points
// 0.6 or more). Where both images of a match by any rule have a Fine with
// FineLevel of sparse (FinePeak) structure, it must correlate at MinFine
// (FineAgree: the inner 0.8 of the matched regions on a 48x48 grid, the
// best of one-sample shifts, and for whole images of the centred windows
// too): two posters of one template with other words, or two star fields,
// agree on every thumbnail of 32x32 or less but not in their strokes or
// points. A grayscale copy matches as a whole image only: mirror and centre
// matches need both images grey or both colourful.
package imagehash
