package ocr

import (
	"fmt"
	"image"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// TestRegionsRecall measures the candidate-region finder alone on the
// tuning part (never the held-out part): the share of composited text
// boxes (evalset's Sample.Boxes) that candidate lines cover by half or
// more, by kind and size, and the candidates it proposes on photos
// without text. It runs only when OCR_REGIONS_RECALL is set; every
// OCR_TUNE_STRIDE-th scene.
//
//	OCR_REGIONS_RECALL=1 OCR_TUNE_STRIDE=2 go test ./ocr -run TestRegionsRecall -v
func TestRegionsRecall(t *testing.T) {
	if os.Getenv("OCR_REGIONS_RECALL") == "" {
		t.Skip("set OCR_REGIONS_RECALL=1 to measure candidate recall on the tuning part")
	}
	all := loadReal(t, evalset.PartTune)
	stride := envInt("OCR_TUNE_STRIDE", 1)
	type tally struct{ boxes, covered, images, found, cands int }
	by := map[string]*tally{}
	var el time.Duration
	n := 0
	var missed []string
	for i := 0; i < len(all); i += 2 * stride {
		for _, s := range all[i : i+2] {
			col := toRGB(s.Image)
			start := time.Now()
			chans := []grayImage{col.gray()}
			if defaultRegionParams.chroma {
				chans = append(chans, col.yellowBlue())
			}
			rs, _ := findRegions(chans, defaultRegionParams)
			el += time.Since(start)
			n++
			size := map[bool]string{false: "full", true: "thumb"}[s.Thumb]
			key := s.Kind + "/" + size
			if by[key] == nil {
				by[key] = &tally{}
			}
			tl := by[key]
			tl.images++
			tl.cands += len(rs)
			any := false
			for _, b := range s.Boxes {
				tl.boxes++
				if coverage(b, rs) >= 0.5 {
					tl.covered++
					any = true
				}
			}
			if any || s.HasText && len(s.Boxes) == 0 && len(rs) > 0 {
				tl.found++
			} else if len(s.Boxes) > 0 {
				missed = append(missed, fmt.Sprintf("%s %v cands %v", s.Name, s.Boxes, regionBoxes(rs)))
			}
		}
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		tl := by[k]
		t.Logf("%-16s images %3d  with a covered box %3d  boxes covered %3d/%-3d  candidates/image %.1f",
			k, tl.images, tl.found, tl.covered, tl.boxes, float64(tl.cands)/float64(tl.images))
	}
	if os.Getenv("OCR_REGIONS_MISSED") != "" {
		t.Log("missed:\n" + strings.Join(missed, "\n"))
	}
	t.Logf("%d images, %.1f ms an image to find regions", n, float64(el.Microseconds())/1000/float64(n))
}

// coverage is the share of box b that the candidate lines cover (each
// counted with a margin of a quarter of its glyph height).
func coverage(b image.Rectangle, rs []region) float64 {
	if b.Empty() {
		return 0
	}
	hit := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			for _, r := range rs {
				m := r.height / 4
				if x >= r.x0-m && x < r.x1+m && y >= r.y0-m && y < r.y1+m {
					hit++
					break
				}
			}
		}
	}
	return float64(hit) / float64(b.Dx()*b.Dy())
}

func regionBoxes(rs []region) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("[%d %d %d %d]%v/%d", r.x0, r.y0, r.x1, r.y1, r.light, r.glyphs))
	}
	return out
}
