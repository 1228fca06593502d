// Package ocr decides whether an image shows text, using Tesseract. It owns
// the pool of Tesseract engines and the detection passes
// and rules; it reads images, never datasets (ocr/filter is the stage that
// does), and never prints.
//
// # Engines
//
// NewPool checks for <lang>.traineddata first ($TESSDATA_PREFIX, then the
// Debian, Fedora, Homebrew and /usr/local folders) and fails with an error
// wrapping ErrNoLanguageData that says which package to install
// (tesseract-ocr-eng). It then starts one engine per worker: a Tesseract
// instance is not safe for concurrent use, so a worker takes an engine with
// Get and returns it with Put.
//
// Engines are driven through Tesseract's C API (engine.go), not gosseract:
// gosseract v2.4.1 leaks the result iterator and every word string of each
// recognition (about 75 KB per image with these passes, measured; some 16 GB
// over WEBEmo), and it only takes encoded image files. The C API calls are
// the ones gosseract makes, with every allocation freed and raw pixels in.
//
// Each engine runs single-threaded. Tesseract's LSTM asks OpenMP for 4
// threads per text line, so N engines would run 4N threads on N cores. The
// usual cure, OMP_THREAD_LIMIT=1, must be in the environment before the
// process starts: libgomp reads it in a constructor that runs when
// libtesseract is loaded, before any Go code, so os.Setenv from Go is too
// late. Instead every recognition pins its goroutine to its OS thread and
// sets that thread's OpenMP max-active-levels to 0 (see singleThreaded),
// which makes every parallel region run on the calling thread; a test
// counts the process's threads to prove it. Exporting OMP_THREAD_LIMIT=1
// before starting curate does no harm.
//
// # Detection
//
// Detector.Detect runs passes until one finds text (Options.Passes; default
// auto, local):
//
//   - auto: Tesseract's page layout analysis (PSM 3) on the colour image with
//     adaptive Sauvola thresholding, which keeps captions and signs on
//     uneven, colourful photos that the default global Otsu threshold loses.
//   - local: sparse text (PSM 11) on the image minus its blur, where only
//     what is clearly lighter than its surroundings turns dark: translucent
//     watermarks and outlined captions.
//   - sparse: sparse text with Sauvola on the image upscaled to UpscaleTo
//     (thumbnail glyphs to a size Tesseract reads); optional.
//   - inverted: sparse text on the contrast-stretched negative; optional.
//
// Cheap exits keep plain photos fast: an image with almost no strong edges
// (sky, blur, flat colour; MinEdgeDensity) is decided without OCR, and an
// image that is mostly texture (TextureEdgeDensity) gets the first pass
// only, since the local pass reads texture as letters at ten times the
// cost. Tesseract's own retry of inverted lines stays on.
//
// A recognised word counts when it has MinChars letters or digits, is at
// least 3/4 letters or digits, has MinConfidence, reads like a word (a
// vowel; no six consonants, three equal letters, case flips or letter-digit
// interleaving; not mostly vertical strokes such as "lIl1", which stripes and
// grass produce) and has a plausible box (MinWordHeight or taller, under 60%
// of the image, glyphs 0.2..2 times as wide as the line is high). An image
// shows text when one counted word has StrongConfidence and StrongChars, or
// MinWords counted words sit on one line: texture fragments that pass the
// word rules are scattered, words of real text are side by side.
//
// # Evaluation
//
// ocr/internal/evalset generates the labelled evaluation set: seeded images
// drawn with the Go fonts over procedural photo-like backgrounds. The
// thresholds were tuned on seeds 1 and 5; TestDetectorEvalSet scores seed 2
// and fails below its stated floors; BenchmarkDetectorVsCLI (make
// bench-ocr) compares images/s and F1 with the tesseract command line.
package ocr
