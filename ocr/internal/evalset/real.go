package evalset

import (
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sort"

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
)

// photo is one real photograph of the set.
type photo struct {
	path string // relative to its package folder
	pkg  string // "opencv-doc" or "python3-skimage"
}

func (p photo) file() string {
	if p.pkg == "opencv-doc" {
		return filepath.Join(OpenCVDir, p.path)
	}
	return filepath.Join(SkimageDir, p.path)
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

// CompositeKinds name the kinds of composited text, in generation order.
var CompositeKinds = []string{"meme", "quote", "watermark", "sign", "caption", "headline"}

// RealOptions sizes the real set.
type RealOptions struct {
	// PerKind is the number of composites per kind (default 8).
	PerKind int
	// Crops is the number of extra crops of each plain photo (default 2).
	Crops int
}

// Real builds one part (PartTune or PartHeldOut) of the real-material set:
// the real photos with scene text, composites of web-style text over plain
// photos, and the plain photos and crops of them as negatives, each as a
// full-size image and as a 220-px thumbnail. The same part and options give
// the same images on every run. It fails, naming the file and the package
// that installs it, when a photo or font is missing.
func Real(part string, o RealOptions) ([]Sample, error) {
	if part != PartTune && part != PartHeldOut {
		return nil, fmt.Errorf("evalset: unknown part %q (want %q or %q)", part, PartTune, PartHeldOut)
	}
	if o.PerKind <= 0 {
		o.PerKind = 8
	}
	if o.Crops <= 0 {
		o.Crops = 2
	}
	fonts, err := loadRealFonts()
	if err != nil {
		return nil, err
	}
	seed := int64(1)
	if part == PartHeldOut {
		seed = 2
	}
	texts, plains := partOf(sceneText, part), partOf(plain, part)
	load := func(p photo) (*image.RGBA, error) {
		img, err := loadPhoto(p.file())
		if err != nil {
			return nil, fmt.Errorf("evalset: %w (installed by the Debian package %s)", err, p.pkg)
		}
		return img, nil
	}
	bgs := make([]*image.RGBA, len(plains))
	for i, p := range plains {
		if bgs[i], err = load(p); err != nil {
			return nil, err
		}
	}
	var out []Sample
	add := func(s Sample, img *image.RGBA) {
		full := s
		full.Name = fmt.Sprintf("%s/%s-full", part, s.Name)
		full.Image = img
		thumb := s
		thumb.Name = fmt.Sprintf("%s/%s-thumb", part, s.Name)
		thumb.Thumb = true
		thumb.Image = thumbnail(img)
		out = append(out, full, thumb)
	}
	for _, p := range texts {
		img, err := load(p)
		if err != nil {
			return nil, err
		}
		add(Sample{Name: "pos-scene-" + stem(p.path), Kind: "scene", HasText: true, Source: p.file()}, img)
	}
	for k, kind := range CompositeKinds {
		for i := range o.PerKind {
			rng := rand.New(rand.NewSource(seed*1_000_003 + int64(k*1000+i)))
			b := rng.Intn(len(bgs))
			bg := randomCrop(rng, bgs[b], 0.55)
			text := compose(rng, fonts, kind, bg)
			add(Sample{Name: fmt.Sprintf("pos-%s-%02d", kind, i), Kind: kind, HasText: true, Text: text,
				Source: plains[b].file()}, bg)
		}
	}
	for i, p := range plains {
		rng := rand.New(rand.NewSource(seed*1_000_003 + 500_000 + int64(i)))
		add(Sample{Name: "neg-" + stem(p.path), Kind: "photo", Source: p.file()}, bgs[i])
		for c := range o.Crops {
			crop := randomCrop(rng, bgs[i], 0.35)
			if c%2 == 1 {
				flipH(crop)
			}
			add(Sample{Name: fmt.Sprintf("neg-%s-crop%d", stem(p.path), c+1), Kind: "photo", Source: p.file()}, crop)
		}
	}
	return out, nil
}

func stem(path string) string {
	b := filepath.Base(path)
	return b[:len(b)-len(filepath.Ext(b))]
}

// loadPhoto decodes an image file into RGBA, transparent parts over white,
// scaled down to MaxFullSide.
func loadPhoto(path string) (*image.RGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
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
	return dst, nil
}

// randomCrop copies a random window holding at least minArea of the image
// (a copy: composites never touch the photo).
func randomCrop(rng *rand.Rand, src *image.RGBA, minArea float64) *image.RGBA {
	b := src.Bounds()
	f := minArea + rng.Float64()*(1-minArea)
	ar := 0.75 + rng.Float64()*0.5
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
