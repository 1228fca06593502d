package reports

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/curate-ml/curate/internal/atomicfile"
)

//go:embed report.html.tmpl
var templateFS embed.FS

var pageTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"f3":   func(v any) string { return num("%.3f", v) },
	"f4":   func(v any) string { return num("%.4f", v) },
	"f1":   func(v any) string { return num("%.1f", v) },
	"pf3":  func(v any) string { return num("%.3f", v) },
	"pf4":  func(v any) string { return num("%.4f", v) },
	"gram": gramLabel,
	"png":  func(b []byte) template.URL { return dataURL("image/png", b) },
	"jpeg": func(b []byte) template.URL { return dataURL("image/jpeg", b) },
	"data": func(p Picture) template.URL { return dataURL(p.MIME, p.Data) },
	"join": strings.Join,
	"base": filepath.Base,
	"inc":  func(i int) int { return i + 1 },
}).ParseFS(templateFS, "report.html.tmpl"))

// num formats a number of any of the report's kinds; absent (nil) and
// undefined (NaN) values show as a dash.
func num(format string, v any) string {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case Number:
		f = float64(x)
	case *float64:
		if x == nil {
			return "–"
		}
		f = *x
	case *Number:
		if x == nil {
			return "–"
		}
		f = float64(*x)
	case int:
		f = float64(x)
	default:
		return fmt.Sprint(v)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	return fmt.Sprintf(format, f)
}

func gramLabel(g any) string {
	switch v := g.(type) {
	case *int:
		if v == nil {
			return "–"
		}
		return gramLabel(*v)
	case int:
		if v < 0 {
			return "–"
		}
		if v == 0 {
			return "0 (baseline)"
		}
		return fmt.Sprint(v)
	}
	return "–"
}

// dataURL embeds bytes in the page: an <img> source that needs no network
// and no file beside the page.
func dataURL(mime string, b []byte) template.URL {
	return template.URL("data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(b))
}

// page is what the template sees.
type page struct {
	*Report
	Figures map[string][]*Figure // by section
	Sheets  []Picture
}

// HTML renders the page.
func (r *Report) HTML() ([]byte, error) {
	pg := page{Report: r, Figures: map[string][]*Figure{}, Sheets: r.sheets}
	for _, f := range r.figures {
		pg.Figures[f.Section] = append(pg.Figures[f.Section], f)
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, pg); err != nil {
		return nil, fmt.Errorf("render report: %w", err)
	}
	return buf.Bytes(), nil
}

// JSON is the report's numbers as one JSON document.
func (r *Report) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("report JSON: %w", err)
	}
	return buf.Bytes(), nil
}

// Figures returns the drawn figures in page order.
func (r *Report) Figures() []*Figure { return r.figures }

// Written lists the files Write wrote.
type Written struct {
	HTML    string   `json:"html"`
	JSON    string   `json:"json"`
	Figures []string `json:"figures"` // PNG and SVG of every figure
}

// FiguresDir is where Write puts the figures of the page at htmlPath:
// report.html -> report-figures/.
func FiguresDir(htmlPath string) string {
	return strings.TrimSuffix(htmlPath, filepath.Ext(htmlPath)) + "-figures"
}

// Write writes the page to htmlPath, the JSON document beside it (same name,
// .json) and every figure as PNG and SVG in FiguresDir(htmlPath). Each file
// is replaced atomically, the page last, so a reader never sees a half
// written page and the previous page stays until the new one is complete.
func (r *Report) Write(htmlPath string) (Written, error) {
	w := Written{HTML: htmlPath, JSON: strings.TrimSuffix(htmlPath, filepath.Ext(htmlPath)) + ".json"}
	page, err := r.HTML()
	if err != nil {
		return w, err
	}
	doc, err := r.JSON()
	if err != nil {
		return w, err
	}
	if dir := filepath.Dir(htmlPath); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return w, fmt.Errorf("report: %w", err)
		}
	}
	figDir := FiguresDir(htmlPath)
	if len(r.figures) > 0 {
		if err := os.MkdirAll(figDir, 0o755); err != nil {
			return w, fmt.Errorf("report: %w", err)
		}
	}
	for _, f := range r.figures {
		for _, out := range []struct {
			ext  string
			data []byte
		}{{".png", f.PNG}, {".svg", f.SVG}} {
			path := filepath.Join(figDir, f.Name+out.ext)
			if err := atomicfile.WriteFile(path, out.data); err != nil {
				return w, fmt.Errorf("report: write %s: %w", path, err)
			}
			w.Figures = append(w.Figures, path)
		}
	}
	if err := atomicfile.WriteFile(w.JSON, doc); err != nil {
		return w, fmt.Errorf("report: write %s: %w", w.JSON, err)
	}
	if err := atomicfile.WriteFile(htmlPath, page); err != nil {
		return w, fmt.Errorf("report: write %s: %w", htmlPath, err)
	}
	return w, removeStale(figDir, w.Figures)
}

// removeStale deletes the figures an earlier report left in dir that this
// one did not write (an eval set fewer), so the folder matches the page.
func removeStale(dir string, written []string) error {
	keep := map[string]bool{}
	for _, f := range written {
		keep[filepath.Base(f)] = true
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.Type().IsRegular() && (ext == ".png" || ext == ".svg") && !keep[e.Name()] {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("report: %w", err)
			}
		}
	}
	return nil
}
