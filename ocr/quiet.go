//go:build cgo

package ocr

// #cgo pkg-config: lept
// #include <leptonica/allheaders.h>
import "C"

// silenceLeptonica stops Leptonica printing its error messages on stderr
// (photos make Tesseract ask it to clip boxes that fall outside the image,
// which it reports and then handles). Packages never print; the detector's
// errors come back as Go errors.
func silenceLeptonica() { C.setMsgSeverity(C.L_SEVERITY_NONE) }
