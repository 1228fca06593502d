//go:build cgo

package ocr

// #cgo pkg-config: tesseract
// #include <stdlib.h>
// #include <tesseract/capi.h>
//
// typedef struct { char *text; float conf; int x0, y0, x1, y1; } curate_word;
//
// // curate_words runs recognition and returns the words, which the caller
// // frees with curate_free_words. Every string and iterator Tesseract
// // hands out is released here.
// static curate_word *curate_words(TessBaseAPI *api, int *n, int *rc) {
//     *n = 0;
//     *rc = TessBaseAPIRecognize(api, NULL);
//     if (*rc != 0) return NULL;
//     TessResultIterator *ri = TessBaseAPIGetIterator(api);
//     if (ri == NULL) return NULL;
//     int cap = 64;
//     curate_word *out = malloc(cap * sizeof(curate_word));
//     TessPageIterator *pi = TessResultIteratorGetPageIterator(ri);
//     do {
//         char *t = TessResultIteratorGetUTF8Text(ri, RIL_WORD);
//         if (t == NULL) continue;
//         if (*n == cap) { cap *= 2; out = realloc(out, cap * sizeof(curate_word)); }
//         curate_word *w = &out[*n];
//         w->text = t;
//         w->conf = TessResultIteratorConfidence(ri, RIL_WORD);
//         TessPageIteratorBoundingBox(pi, RIL_WORD, &w->x0, &w->y0, &w->x1, &w->y1);
//         (*n)++;
//     } while (TessPageIteratorNext(pi, RIL_WORD));
//     TessResultIteratorDelete(ri);
//     return out;
// }
//
// static void curate_free_words(curate_word *w, int n) {
//     for (int i = 0; i < n; i++) TessDeleteText(w[i].text);
//     free(w);
// }
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// engine is one Tesseract instance, driven through Tesseract's C API.
//
// Why not gosseract's Client for recognition: gosseract v2.4.1 never frees
// the result iterator nor the word strings of GetBoundingBoxes (nor the text
// of Text and HOCRText): about 75 KB of C heap per image with our passes,
// some 16 GB over WEBEmo's 220k images. This is the same TessBaseAPI calls
// gosseract makes, with every allocation released, and the image handed
// over as raw pixels rather than an encoded file.
type engine struct {
	api *C.TessBaseAPI
}

// newEngine starts Tesseract with the language data in dir.
func newEngine(dir, lang string) (*engine, error) {
	api := C.TessBaseAPICreate()
	if api == nil {
		return nil, fmt.Errorf("create Tesseract engine")
	}
	cdir, clang := C.CString(dir), C.CString(lang)
	defer C.free(unsafe.Pointer(cdir))
	defer C.free(unsafe.Pointer(clang))
	if rc := C.TessBaseAPIInit3(api, cdir, clang); rc != 0 {
		C.TessBaseAPIDelete(api)
		return nil, fmt.Errorf("Tesseract could not load %s/%s.traineddata (code %d)", dir, lang, int(rc))
	}
	e := &engine{api: api}
	// Debug output to /dev/null: packages never print.
	if err := e.set("debug_file", "/dev/null"); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

func (e *engine) set(name, value string) error {
	cn, cv := C.CString(name), C.CString(value)
	defer C.free(unsafe.Pointer(cn))
	defer C.free(unsafe.Pointer(cv))
	if C.TessBaseAPISetVariable(e.api, cn, cv) == 0 {
		return fmt.Errorf("Tesseract rejected %s=%s", name, value)
	}
	return nil
}

func (e *engine) close() {
	if e.api != nil {
		C.TessBaseAPIEnd(e.api)
		C.TessBaseAPIDelete(e.api)
		e.api = nil
	}
}

// words recognises an 8-bit image with bpp bytes per pixel (1 grey, 3 RGB).
func (e *engine) words(pix []uint8, w, h, bpp int, psm int) ([]rawWord, error) {
	if len(pix) != w*h*bpp || len(pix) == 0 {
		return nil, fmt.Errorf("image buffer of %d bytes for %dx%dx%d", len(pix), w, h, bpp)
	}
	C.TessBaseAPISetPageSegMode(e.api, C.TessPageSegMode(psm))
	C.TessBaseAPISetImage(e.api, (*C.uchar)(unsafe.Pointer(&pix[0])), C.int(w), C.int(h), C.int(bpp), C.int(w*bpp))
	// Photos carry no resolution; 70 dpi is what the tesseract CLI assumes.
	C.TessBaseAPISetSourceResolution(e.api, 70)
	var n, rc C.int
	ws := C.curate_words(e.api, &n, &rc)
	runtime.KeepAlive(pix)
	defer C.TessBaseAPIClear(e.api)
	if rc != 0 {
		return nil, fmt.Errorf("Tesseract recognition failed (code %d)", int(rc))
	}
	if ws == nil {
		return nil, nil
	}
	defer C.curate_free_words(ws, n)
	list := unsafe.Slice(ws, int(n))
	out := make([]rawWord, 0, len(list))
	for _, cw := range list {
		out = append(out, rawWord{text: C.GoString(cw.text), conf: float64(cw.conf),
			x0: int(cw.x0), y0: int(cw.y0), x1: int(cw.x1), y1: int(cw.y1)})
	}
	return out, nil
}
