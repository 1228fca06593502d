package ocr

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrNoLanguageData is returned (wrapped) by NewPool when the Tesseract
// language data, such as eng.traineddata, cannot be found.
var ErrNoLanguageData = errors.New("ocr: Tesseract language data not found")

// tessdataDirs lists where Tesseract 4 and 5 packages put their data, most
// specific first: $TESSDATA_PREFIX (with or without a tessdata/ suffix),
// then the Debian/Ubuntu, Fedora, Homebrew and /usr/local locations.
func tessdataDirs() []string {
	var dirs []string
	if p := os.Getenv("TESSDATA_PREFIX"); p != "" {
		dirs = append(dirs, p, filepath.Join(p, "tessdata"))
	}
	return append(dirs,
		"/usr/share/tesseract-ocr/5/tessdata",
		"/usr/share/tesseract-ocr/4.00/tessdata",
		"/usr/share/tessdata",
		"/usr/local/share/tessdata",
		"/opt/homebrew/share/tessdata",
	)
}

// findTessdata returns the directory holding <lang>.traineddata: dir itself
// when given, else the first of the standard places that has it.
func findTessdata(dir, lang string) (string, error) {
	name := lang + ".traineddata"
	candidates := tessdataDirs()
	if dir != "" {
		candidates = []string{dir}
	}
	for _, d := range candidates {
		st, err := os.Stat(filepath.Join(d, name))
		if err == nil && st.Mode().IsRegular() && st.Size() > 0 {
			return d, nil
		}
	}
	hint := "install the Tesseract language package (Debian/Ubuntu: apt-get install tesseract-ocr-" + lang +
		"; or run `make deps`), or point TESSDATA_PREFIX at the folder holding it"
	if dir != "" {
		hint = "put " + name + " there or choose another --tessdata folder"
	}
	return "", fmt.Errorf("%w: no %s in %s; %s", ErrNoLanguageData, name, strings.Join(candidates, ", "), hint)
}
