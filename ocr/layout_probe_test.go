package ocr

import (
	"os"
	"testing"
	"time"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

func TestProbeLayoutCost(t *testing.T) {
	if os.Getenv("OCR_PROBE") == "" {
		t.Skip()
	}
	all := loadReal(t, evalset.PartTune)
	pool, _ := NewPool(PoolOptions{Size: 1})
	defer pool.Close()
	c := pool.all[0]
	for _, i := range []int{len(all) - 2, len(all) - 8, len(all) - 20, 60, 61} {
		col := toRGB(all[i].Image)
		g := col.gray()
		t0 := time.Now()
		ls, _ := c.e.lines(g.pix, g.w, g.h, 1, psmSparse)
		t1 := time.Now()
		ws, _ := c.recognize(g, psmSparse, otsu)
		t2 := time.Now()
		t.Logf("%s: layout %d lines %v; recognise %d words %v", all[i].Name, len(ls), t1.Sub(t0), len(ws), t2.Sub(t1))
	}
}
