package filter

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/curate-ml/curate/internal/atomicfile"
)

// Contact-sheet layout: a grid of cells, each an image scaled to fit with
// its accepted word boxes drawn in red and a caption (key, deciding pass).
const (
	sheetCols = 6
	sheetRows = 5
	cellW     = 240
	cellH     = 240
	captionH  = 30
	pad       = 6
)

var (
	boxColor     = color.RGBA{255, 32, 32, 255}
	sheetBG      = color.RGBA{250, 250, 250, 255}
	captionColor = color.RGBA{20, 20, 20, 255}
)

// sheets renders the dropped images onto PNG pages, one page in memory at a time.
type sheets struct {
	dir      string
	maxPages int // 0 = unlimited, < 0 = none
	page     *image.RGBA
	n        int // cells used on page
	pages    int // pages written
	written  []string
}

func newSheets(dir string, maxPages int) *sheets { return &sheets{dir: dir, maxPages: maxPages} }

func (s *sheets) full() bool { return s.maxPages < 0 || (s.maxPages > 0 && s.pages >= s.maxPages) }

// add draws one dropped image into the next cell.
func (s *sheets) add(it item, v Verdict) error {
	if s.full() {
		return nil
	}
	if s.page == nil {
		s.page = image.NewRGBA(image.Rect(0, 0, sheetCols*(cellW+pad)+pad, sheetRows*(cellH+captionH+pad)+pad))
		draw.Draw(s.page, s.page.Bounds(), image.NewUniform(sheetBG), image.Point{}, draw.Src)
	}
	col, row := s.n%sheetCols, s.n/sheetCols
	x0, y0 := pad+col*(cellW+pad), pad+row*(cellH+captionH+pad)
	if img, _, err := image.Decode(bytes.NewReader(it.row.Image)); err == nil {
		b := img.Bounds()
		f := min(float64(cellW)/float64(b.Dx()), float64(cellH)/float64(b.Dy()))
		w, h := max(1, int(float64(b.Dx())*f)), max(1, int(float64(b.Dy())*f))
		ox, oy := x0+(cellW-w)/2, y0+(cellH-h)/2
		draw.ApproxBiLinear.Scale(s.page, image.Rect(ox, oy, ox+w, oy+h), img, b, draw.Src, nil)
		for _, wd := range v.Words {
			if wd.Reject != "" {
				continue
			}
			r := image.Rect(ox+int(float64(wd.Box[0])*f), oy+int(float64(wd.Box[1])*f),
				ox+int(float64(wd.Box[2])*f+0.999), oy+int(float64(wd.Box[3])*f+0.999))
			strokeRect(s.page, r.Inset(-1), boxColor)
			strokeRect(s.page, r.Inset(-2), boxColor)
		}
	}
	label := it.key
	if len(label) > 38 {
		label = "…" + label[len(label)-37:]
	}
	caption(s.page, x0, y0+cellH+13, label)
	var words string
	for _, wd := range v.Words {
		if wd.Reject == "" && len(words) < 30 {
			words += wd.Text + " "
		}
	}
	caption(s.page, x0, y0+cellH+26, v.Pass+": "+words)
	s.n++
	if s.n == sheetCols*sheetRows {
		return s.flush()
	}
	return nil
}

func (s *sheets) flush() error {
	if s.page == nil {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("filter-text: contact sheets: %w", err)
	}
	// The last page ends after its last used row.
	rows := (s.n + sheetCols - 1) / sheetCols
	page := s.page.SubImage(image.Rect(0, 0, s.page.Bounds().Dx(), pad+rows*(cellH+captionH+pad)))
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, page); err != nil {
		return fmt.Errorf("filter-text: contact sheet: %w", err)
	}
	name := filepath.Join(s.dir, fmt.Sprintf("page-%04d.png", s.pages+1))
	if err := atomicfile.WriteFile(name, buf.Bytes()); err != nil {
		return fmt.Errorf("filter-text: %w", err)
	}
	s.written = append(s.written, name)
	s.pages++
	s.page, s.n = nil, 0
	return nil
}

// finish writes the last page and removes pages of an earlier run beyond
// this run's count. It returns the number of pages.
func (s *sheets) finish() (int, error) {
	if err := s.flush(); err != nil {
		return s.pages, err
	}
	for i := s.pages + 1; ; i++ {
		old := filepath.Join(s.dir, fmt.Sprintf("page-%04d.png", i))
		if err := os.Remove(old); err != nil {
			break
		}
	}
	return s.pages, nil
}

// abort drops the page in memory; written pages stay (a rerun rewrites them).
func (s *sheets) abort() { s.page = nil }

func strokeRect(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Bounds())
	if r.Empty() {
		return
	}
	for x := r.Min.X; x < r.Max.X; x++ {
		img.SetRGBA(x, r.Min.Y, c)
		img.SetRGBA(x, r.Max.Y-1, c)
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		img.SetRGBA(r.Min.X, y, c)
		img.SetRGBA(r.Max.X-1, y, c)
	}
}

func caption(img *image.RGBA, x, y int, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(captionColor), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	// Clip to the cell width: 7 px per glyph.
	if r := []rune(s); len(r) > cellW/7 {
		s = string(r[:cellW/7])
	}
	d.DrawString(s)
}
