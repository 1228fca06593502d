package evalset

import (
	"errors"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"sync"

	_ "image/jpeg" // the Debian sample photos are JPEG and PNG
	_ "image/png"

	"golang.org/x/image/draw"
)

// The real-material set (Real) is built from photographs that Debian
// packages install, so it needs no download and no file in the repository:
//
//   - opencv-doc: the sample images of OpenCV's examples
//     (/usr/share/doc/opencv-doc/examples), among them real scene text
//     (shop fronts, signs, packaging, books) and plain photos;
//   - python3-skimage: scikit-image's data images (faces, foliage, brick,
//     gravel, coffee, a cat, a rocket, documents);
//   - fonts-dejavu, fonts-liberation, fonts-freefont-ttf, fonts-urw-base35
//     and fonts-lato: the typefaces of the composited text.
//
// Every photo belongs to one part, tuning or held-out, chosen by its place in
// its list (alternating), and a photo's crops and composites stay in its
// part, so no background is seen on both sides.

// Parts of the real set.
const (
	PartTune    = "tune"    // thresholds and passes are chosen on this part
	PartHeldOut = "heldout" // only ever scored, never tuned on
)

// Folders the Debian packages install their images into.
var (
	OpenCVDir  = "/usr/share/doc/opencv-doc/examples"
	SkimageDir = "/usr/lib/python3/dist-packages/skimage/data"
	// BackgroundsDir holds mate-backgrounds, ukui-wallpapers,
	// lomiri-wallpapers-20.04 and sway-backgrounds (version 2).
	BackgroundsDir = "/usr/share/backgrounds"
	// WallpapersDir holds plasma-workspace-wallpapers (version 2): one
	// folder per wallpaper, each image in several sizes.
	WallpapersDir = "/usr/share/wallpapers"
	// MatplotlibDir holds python-matplotlib-data's sample photos (version 2).
	MatplotlibDir = "/usr/share/matplotlib/mpl-data/sample_data"
)

// photo is one real photograph of the set.
type photo struct {
	path string // relative to its package folder
	pkg  string // "opencv-doc" or "python3-skimage"
}

func (p photo) file() string {
	if f, ok := p.file3(); ok {
		return f
	}
	switch p.pkg {
	case "opencv-doc":
		return filepath.Join(OpenCVDir, p.path)
	case "python3-skimage":
		return filepath.Join(SkimageDir, p.path)
	case "plasma-workspace-wallpapers":
		return filepath.Join(WallpapersDir, p.path)
	case "python-matplotlib-data":
		return filepath.Join(MatplotlibDir, p.path)
	}
	return filepath.Join(BackgroundsDir, p.path)
}

func cv(paths ...string) []photo { return pkgPhotos("opencv-doc", paths) }
func sk(paths ...string) []photo { return pkgPhotos("python3-skimage", paths) }
func pkgPhotos(pkg string, paths []string) []photo {
	out := make([]photo, len(paths))
	for i, p := range paths {
		out[i] = photo{p, pkg}
	}
	return out
}

// sceneText lists real photos with text in the scene (signs, shop fronts,
// packaging, book covers, a football shirt with a corner logo, pages).
var sceneText = concat(
	cv("text/scenetext01.jpg", "text/scenetext02.jpg", "text/scenetext03.jpg", "text/scenetext04.jpg",
		"text/scenetext05.jpg", "text/scenetext06.jpg",
		"text/scenetext_segmented_word01.jpg", "text/scenetext_segmented_word02.jpg",
		"text/scenetext_segmented_word03.jpg", "text/scenetext_segmented_word04.jpg",
		"text/scenetext_segmented_word05.jpg",
		"data/box.png", "data/left.jpg", "data/messi5.jpg", "data/text_defocus.jpg", "data/imageTextN.png"),
	sk("page.png", "text.png", "bw_text.png"),
)

// plain lists real photos without text: faces, animals, foliage, brick,
// gravel, skies, fruit, streets, buildings, objects, paintings. Photos with
// small or doubtful lettering (a motorcycle's badge, an astronaut's patches,
// playing cards, a sudoku, a circuit board, graffiti) are left out of both
// lists rather than labelled either way.
var plain = concat(
	cv("data/Blender_Suzanne1.jpg", "data/HappyFish.jpg", "data/aero1.jpg", "data/aero3.jpg",
		"data/aloeL.jpg", "data/apple.jpg", "data/baboon.jpg", "data/blox.jpg", "data/building.jpg",
		"data/butterfly.jpg", "data/fruits.jpg", "data/home.jpg", "data/leuvenA.jpg", "data/orange.jpg",
		"data/rubberwhale1.png", "data/smarties.png", "data/squirrel_cls.jpg", "data/starry_night.jpg",
		"data/stuff.jpg", "data/ela_original.jpg", "data/pic3.png", "data/ml.png",
		"hfs/data/000.jpg", "hfs/data/001.jpg", "hfs/data/002.jpg", "alphamat/input_images/plant.jpg",
		"dnn_superres/butterfly.png", "fuzzy/input.png"),
	sk("brick.png", "camera.png", "chelsea.png", "coffee.png", "coins.png", "color.png", "grass.png",
		"gravel.png", "hubble_deep_field.jpg", "ihc.png", "rocket.jpg", "retina.jpg", "moon.png", "horse.png"),
)

// Version 2 adds the photos below, split into parts on their own so that
// every photo of version 1 stays in the part it was in (the detector's
// defaults were chosen on version 1's tuning part).
func mate(paths ...string) []photo   { return pkgPhotos("mate-backgrounds", paths) }
func ukui(paths ...string) []photo   { return pkgPhotos("ukui-wallpapers", paths) }
func lomiri(paths ...string) []photo { return pkgPhotos("lomiri-wallpapers-20.04", paths) }
func plasma(names ...string) []photo { return pkgPhotos("plasma-workspace-wallpapers", names) }

// sceneText2 lists version 2's extra photos with text in them: desktop
// wallpapers with a product name set large.
var sceneText2 = concat(
	mate("mate/desktop/MATE-Stripes-Dark.png"),
	pkgPhotos("sway-backgrounds", []string{"sway/Sway_Wallpaper_Blue_1136x640.png"}),
)

// plain2 lists version 2's extra photos without text: flowers, grass,
// water, sand, wood, skies, landscapes, a portrait, and abstract desktop
// art (gradients, waves, hexagons), which web images hold too. Wallpapers
// with a logo or a version number are left out.
var plain2 = concat(
	mate("mate/nature/Aqua.jpg", "mate/nature/Blinds.jpg", "mate/nature/Dune.jpg", "mate/nature/FreshFlower.jpg",
		"mate/nature/Garden.jpg", "mate/nature/GreenMeadow.jpg", "mate/nature/LadyBird.jpg", "mate/nature/RainDrops.jpg",
		"mate/nature/Storm.jpg", "mate/nature/TwoWings.jpg", "mate/nature/Wood.jpg", "mate/nature/YellowFlower.jpg",
		"mate/desktop/Ubuntu-Mate-Cold-no-logo.png", "mate/desktop/Ubuntu-Mate-Warm-no-logo.png",
		"mate/abstract/Elephants.jpg", "mate/desktop/Stripes.png"),
	ukui("2004default.jpg", "calla.png", "city.png", "desert.png", "fluent-color.png", "goldfish.png", "rhythm.jpg"),
	lomiri("Bridge_by_Sander_Klootwijk.jpg", "Dragonfly_by_Bolly.jpg", "Fossa_by_Jasper_Roks.jpg",
		"Infinite-Sea_by_Aury88.jpg", "Kleiber_by_Lukas_Baubkus.jpg", "Painting-Colors_by__herobrine7gamer.jpg",
		"Picture_0B_by_freespace.jpg", "Picture_1A_by_freespace.jpg", "Wine_by_Jakkub_Mede.jpg",
		"aitzgorri_by_Aitzol_Berasategi.jpg", "analogpattern_by_Peter_Nerlich.jpg", "free_by_Peter_Nerlich.jpg",
		"friends_by_Aitzol_Berasategi.jpg", "greentock_by_Peter_Nerlich.jpg", "life_by_Aitzol_Berasategi.jpg",
		"picosdeeuropa_by_Aitzol_Berasategi.jpg", "seeding_by_Clements_Engelhardt.jpg",
		"sunset_by_Aitzol_Berasategi.jpg", "umang_by_Abhishek_Mudgal.jpg"),
	plasma("Altai", "Autumn", "BytheWater", "Canopee", "Cascade", "Cluster", "ColdRipple", "ColorfulCups",
		"DarkestHour", "Elarun", "EveningGlow", "FallenLeaf", "Flow", "FlyingKonqui", "Grey", "Honeywave",
		"IceCold", "Kite", "Kokkini", "MilkyWay", "OneStandsOut", "Opal", "PastelHills", "Patak", "Path",
		"SafeLanding", "Shell", "Volna", "summer_1am"),
	pkgPhotos("python-matplotlib-data", []string{"grace_hopper.jpg"}),
)

func concat(lists ...[]photo) []photo {
	var out []photo
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// partOf splits a list alternately, after sorting by a hash of the file
// name, so each part gets photos of every kind and source.
func partOf(list []photo, part string) []photo {
	s := append([]photo(nil), list...)
	h := func(p photo) uint32 { f := fnv.New32a(); f.Write([]byte(p.path)); return f.Sum32() }
	sort.SliceStable(s, func(a, b int) bool { return h(s[a]) < h(s[b]) })
	var out []photo
	for i, p := range s {
		if (i%2 == 0) == (part == PartTune) {
			out = append(out, p)
		}
	}
	return out
}

// MaxFullSide bounds the long side of full-size images (larger photos are
// scaled down to it), as web images are.
const MaxFullSide = 1024

// CompositeKinds name the kinds of composited text of version 1, in
// generation order; CompositeKinds2 the kinds version 2 adds.
var (
	CompositeKinds  = []string{"meme", "quote", "watermark", "sign", "caption", "headline"}
	CompositeKinds2 = []string{"tiled", "card", "price"}
)

// RealOptions sizes the real set.
type RealOptions struct {
	// PerKind is the number of composites per kind (default 8).
	PerKind int
	// Crops is the number of extra crops of each plain photo of version 1
	// (default 2); version 2's added photos get half as many (at least 1).
	Crops int
	// Version 1 is the set of the previous session (61 photos, 24 fonts
	// in both parts, six kinds), kept so that its numbers can be compared;
	// 0 or 2 is the current set: version 1's photos in the same parts plus
	// 77 photos and wallpapers of five more Debian packages, three more
	// kinds (tiled diagonal watermarks, quote cards, price tags) and, in
	// the held-out part, 22 typefaces of 11 font packages that the tuning
	// part never uses.
	Version int
}

// Real builds one part (PartTune or PartHeldOut) of the real-material set:
// the real photos with scene text, composites of web-style text over plain
// photos, and the plain photos and crops of them as negatives, each as a
// full-size image and as a 220-px thumbnail. The same part and options give
// the same images on every run. It fails, naming the file and the package
// that installs it, when a photo or font is missing.
func Real(part string, o RealOptions) ([]Sample, error) {
	if part == PartHeldOut3 {
		if o.Version != 0 && o.Version != 3 {
			return nil, fmt.Errorf("evalset: part %q is version 3 only (asked for version %d)", part, o.Version)
		}
		s, _, err := real3(o)
		return s, err
	}
	if part == PartHeldOut4 {
		if o.Version != 0 && o.Version != 4 {
			return nil, fmt.Errorf("evalset: part %q is version 4 only (asked for version %d)", part, o.Version)
		}
		s, _, err := real4(o)
		return s, err
	}
	if part == PartHeldOut5 {
		if o.Version != 0 && o.Version != 5 {
			return nil, fmt.Errorf("evalset: part %q is version 5 only (asked for version %d)", part, o.Version)
		}
		s, _, err := real5(o)
		return s, err
	}
	if part == PartHeldOut6 {
		if o.Version != 0 && o.Version != 6 {
			return nil, fmt.Errorf("evalset: part %q is version 6 only (asked for version %d)", part, o.Version)
		}
		s, _, err := real6(o)
		return s, err
	}
	if part == PartHeldOut7 {
		if o.Version != 0 && o.Version != 7 {
			return nil, fmt.Errorf("evalset: part %q is version 7 only (asked for version %d)", part, o.Version)
		}
		s, _, err := real7(o)
		return s, err
	}
	if part == PartHeldOut8 {
		if o.Version != 0 && o.Version != 8 {
			return nil, fmt.Errorf("evalset: part %q is version 8 only (asked for version %d)", part, o.Version)
		}
		s, _, err := real8(o)
		return s, err
	}
	if part != PartTune && part != PartHeldOut {
		return nil, fmt.Errorf("evalset: unknown part %q (want %q, %q, %q, %q, %q, %q, %q or %q)", part, PartTune, PartHeldOut, PartHeldOut3, PartHeldOut4, PartHeldOut5, PartHeldOut6, PartHeldOut7, PartHeldOut8)
	}
	if o.Version != 0 && o.Version != 1 && o.Version != 2 {
		return nil, fmt.Errorf("evalset: unknown version %d (want 1 or 2)", o.Version)
	}
	v2 := o.Version != 1
	if o.PerKind <= 0 {
		o.PerKind = 8
	}
	if o.Crops <= 0 {
		o.Crops = 2
	}
	fonts, err := loadRealFonts(v2 && part == PartHeldOut)
	if err != nil {
		return nil, err
	}
	seed := int64(1)
	if part == PartHeldOut {
		seed = 2
	}
	kinds := CompositeKinds
	texts, plains := partOf(sceneText, part), partOf(plain, part)
	crops := make([]int, len(plains))
	for i := range crops {
		crops[i] = o.Crops
	}
	if v2 {
		seed += 2
		kinds = append(append([]string(nil), CompositeKinds...), CompositeKinds2...)
		texts = append(texts, partOf(sceneText2, part)...)
		more := partOf(plain2, part)
		plains = append(plains, more...)
		for range more {
			crops = append(crops, max(1, o.Crops/2))
		}
	}
	load := func(p photo) (*image.RGBA, error) {
		img, err := loadPhoto(p.file())
		if err != nil {
			return nil, fmt.Errorf("evalset: %w (installed by the Debian package %s)", err, p.pkg)
		}
		return img, nil
	}
	// Every photo must be there before any is decoded (a missing package
	// fails at once, not after seconds of decoding the others).
	for _, p := range append(append([]photo(nil), texts...), plains...) {
		if _, err := os.Stat(p.file()); err != nil {
			return nil, fmt.Errorf("evalset: %w (installed by the Debian package %s)", err, p.pkg)
		}
	}
	// Decoding and shrinking the photos is most of the time: two at once.
	bgs := make([]*image.RGBA, len(plains))
	errs := make([]error, len(plains))
	twoAtOnce(len(plains), func(i int) { bgs[i], errs[i] = load(plains[i]) })
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []Sample
	add := func(s Sample, img *image.RGBA) { out = append(out, bothSizes(part, s, img)...) }
	for _, p := range texts {
		img, err := load(p)
		if err != nil {
			return nil, err
		}
		add(Sample{Name: "pos-scene-" + stem(p.path), Kind: "scene", HasText: true, Source: p.file()}, img)
	}
	for k, kind := range kinds {
		for i := range o.PerKind {
			rng := rand.New(rand.NewSource(seed*1_000_003 + int64(k*1000+i)))
			b := rng.Intn(len(bgs))
			bg := randomCrop(rng, bgs[b], 0.55)
			text, boxes := compose(rng, fonts, kind, bg)
			add(Sample{Name: fmt.Sprintf("pos-%s-%02d", kind, i), Kind: kind, HasText: true, Text: text,
				Source: plains[b].file(), Boxes: boxes}, bg)
		}
	}
	for i, p := range plains {
		rng := rand.New(rand.NewSource(seed*1_000_003 + 500_000 + int64(i)))
		add(Sample{Name: "neg-" + stem(p.path), Kind: "photo", Source: p.file()}, bgs[i])
		for c := range crops[i] {
			crop := randomCrop(rng, bgs[i], 0.35)
			if c%2 == 1 {
				flipH(crop)
			}
			add(Sample{Name: fmt.Sprintf("neg-%s-crop%d", stem(p.path), c+1), Kind: "photo", Source: p.file()}, crop)
		}
	}
	return out, nil
}

// bothSizes is a sample as a full-size image and as its thumbnail (named
// part/NAME-full and part/NAME-thumb, boxes scaled), in that order.
func bothSizes(part string, s Sample, img *image.RGBA) []Sample {
	full := s
	full.Name = fmt.Sprintf("%s/%s-full", part, s.Name)
	full.Image = img
	thumb := s
	thumb.Name = fmt.Sprintf("%s/%s-thumb", part, s.Name)
	thumb.Thumb = true
	thumb.Image = thumbnail(img)
	thumb.Boxes = scaleBoxes(s.Boxes, float64(thumb.Image.Bounds().Dx())/float64(img.Bounds().Dx()))
	return []Sample{full, thumb}
}

// twoAtOnce runs f(0), ..., f(n-1) on two goroutines (each f writes only
// its own slot, so the result does not depend on the order).
func twoAtOnce(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// scaleBoxes maps boxes to an image scaled by f (outward: a box keeps
// every pixel it touched).
func scaleBoxes(boxes []image.Rectangle, f float64) []image.Rectangle {
	var out []image.Rectangle
	for _, b := range boxes {
		out = append(out, image.Rect(int(math.Floor(float64(b.Min.X)*f)), int(math.Floor(float64(b.Min.Y)*f)),
			int(math.Ceil(float64(b.Max.X)*f)), int(math.Ceil(float64(b.Max.Y)*f))))
	}
	return out
}

func stem(path string) string {
	b := filepath.Base(path)
	return b[:len(b)-len(filepath.Ext(b))]
}

// loadPhoto decodes an image file into RGBA, transparent parts over white,
// scaled down to MaxFullSide.
func loadPhoto(path string) (*image.RGBA, error) {
	src, err := decodePhoto(path)
	if err != nil {
		return nil, err
	}
	return fitPhoto(src), nil
}

// decodePhoto decodes an image file, a Plasma wallpaper folder (its image
// of the right size), a jigzo puzzle (the photo inside it) or a member of a
// Qt resource file ("FILE.rcc#MEMBER", version 8).
func decodePhoto(path string) (image.Image, error) {
	path, err := wallpaperFile(path)
	if err != nil {
		return nil, err
	}
	if filepath.Ext(path) == ".pzl" {
		return puzzlePhoto(path)
	}
	if onDisk(path) != path {
		return decodeRcc(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	return src, nil
}

// fitPhoto copies a decoded photo into RGBA, transparent parts over white,
// scaled down to MaxFullSide.
func fitPhoto(src image.Image) *image.RGBA {
	// Halve very large photos (wallpapers of 4-6k px) with a box filter
	// first: Catmull-Rom over a 6x shrink costs seconds a photo.
	for b := src.Bounds(); max(b.Dx(), b.Dy()) > 2*MaxFullSide; b = src.Bounds() {
		src = halve(src)
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > MaxFullSide {
		w, h = max(1, w*MaxFullSide/long), max(1, h*MaxFullSide/long)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if w == b.Dx() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Over)
	} else {
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	}
	return dst
}

// randomCrop copies a random window holding at least minArea of the image
// (a copy: composites never touch the photo).
func randomCrop(rng *rand.Rand, src *image.RGBA, minArea float64) *image.RGBA {
	return randomCropAR(rng, src, minArea, 0.75, 0.5)
}

// randomCropAR is randomCrop with the window's aspect ratio (relative to
// the image's) drawn from [arLo, arLo+arSpan).
func randomCropAR(rng *rand.Rand, src *image.RGBA, minArea, arLo, arSpan float64) *image.RGBA {
	b := src.Bounds()
	f := minArea + rng.Float64()*(1-minArea)
	ar := arLo + rng.Float64()*arSpan
	w := min(b.Dx(), int(float64(b.Dx())*math.Sqrt(f*ar)))
	h := min(b.Dy(), int(float64(b.Dy())*math.Sqrt(f/ar)))
	w, h = max(w, 64), max(h, 64)
	w, h = min(w, b.Dx()), min(h, b.Dy())
	x := rng.Intn(b.Dx() - w + 1)
	y := rng.Intn(b.Dy() - h + 1)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), src, image.Point{x, y}, draw.Src)
	return dst
}

func flipH(img *image.RGBA) {
	w := img.Bounds().Dx()
	for y := range img.Bounds().Dy() {
		row := img.Pix[y*img.Stride:]
		for x := range w / 2 {
			a, b := row[4*x:4*x+4], row[4*(w-1-x):4*(w-1-x)+4]
			for k := range 4 {
				a[k], b[k] = b[k], a[k]
			}
		}
	}
}

// halve shrinks an image to half its size, averaging 2x2 blocks.
func halve(src image.Image) *image.RGBA {
	b := src.Bounds()
	full := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(full, full.Bounds(), src, b.Min, draw.Src)
	w, h := b.Dx()/2, b.Dy()/2
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		p, q := full.Pix[2*y*full.Stride:], full.Pix[(2*y+1)*full.Stride:]
		for x := range w {
			i := dst.PixOffset(x, y)
			for k := range 4 {
				v := int(p[8*x+k]) + int(p[8*x+4+k]) + int(q[8*x+k]) + int(q[8*x+4+k])
				dst.Pix[i+k] = uint8((v + 2) / 4)
			}
		}
	}
	return dst
}

// wallpaperFile turns a Plasma wallpaper folder (contents/images/WxH.ext)
// into its smallest image whose long side reaches MaxFullSide (the largest
// when none does); any other path comes back as it is.
func wallpaperFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil || !st.IsDir() {
		return path, nil // a file, or missing: os.Open names it
	}
	dir := filepath.Join(path, "contents", "images")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	best, bestLong, largest, largestLong := "", 0, "", 0
	for _, e := range entries {
		var w, h int
		if n, _ := fmt.Sscanf(e.Name(), "%dx%d.", &w, &h); n != 2 {
			continue
		}
		long := max(w, h)
		if long >= MaxFullSide && (best == "" || long < bestLong) {
			best, bestLong = e.Name(), long
		}
		if long > largestLong {
			largest, largestLong = e.Name(), long
		}
	}
	if best == "" {
		best = largest
	}
	if best == "" {
		return "", fmt.Errorf("%s: no WxH image", dir)
	}
	return filepath.Join(dir, best), nil
}
