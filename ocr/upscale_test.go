package ocr

import "testing"

// stepImage is w x h, black left of column edge, white from it.
func stepImage(w, h, edge int) grayImage {
	g := grayImage{w: w, h: h, pix: make([]uint8, w*h)}
	for y := range h {
		for x := edge; x < w; x++ {
			g.pix[y*w+x] = 255
		}
	}
	return g
}

// ramp counts the pixels of row y that are neither near black nor near
// white: how wide an edge is blurred.
func ramp(g grayImage, y int) int {
	n := 0
	for _, v := range g.pix[y*g.w : (y+1)*g.w] {
		if v > 25 && v < 230 {
			n++
		}
	}
	return n
}

func TestResizeCubic(t *testing.T) {
	for _, c := range []struct {
		name string
		w, h int
		f    float64
	}{
		{"thumbnail factor", 22, 15, 640.0 / 220},
		{"triple", 10, 7, 3},
		{"identity", 9, 9, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			flat := grayImage{w: c.w, h: c.h, pix: make([]uint8, c.w*c.h)}
			for i := range flat.pix {
				flat.pix[i] = 137
			}
			cub, lin := flat.resizeCubic(c.f), flat.resize(c.f)
			if cub.w != lin.w || cub.h != lin.h {
				t.Fatalf("size %dx%d, bilinear %dx%d", cub.w, cub.h, lin.w, lin.h)
			}
			for i, v := range cub.pix {
				if v != 137 {
					t.Fatalf("flat image changed at %d: %d", i, v)
				}
			}
			step := stepImage(c.w, c.h, c.w/2)
			cub, lin = step.resizeCubic(c.f), step.resize(c.f)
			if rc, rl := ramp(cub, cub.h/2), ramp(lin, lin.h/2); rc > rl {
				t.Errorf("cubic edge %d px wide, bilinear %d", rc, rl)
			}
			// The ends of the step stay black and white (no ringing past
			// the clamp, no drift).
			row := cub.pix[cub.h/2*cub.w:]
			if row[0] != 0 || row[cub.w-1] != 255 {
				t.Errorf("ends %d and %d, want 0 and 255", row[0], row[cub.w-1])
			}
		})
	}
}

func TestSharpen(t *testing.T) {
	g := stepImage(20, 5, 10)
	for i := range g.pix { // a grey step, 100 to 160
		g.pix[i] = 100 + g.pix[i]/255*60
	}
	s := g.sharpen(1, 2)
	row := s.pix[2*s.w:]
	if row[0] != 100 || row[19] != 160 {
		t.Errorf("far from the edge: %d and %d, want 100 and 160", row[0], row[19])
	}
	if row[9] >= 100 || row[10] <= 160 {
		t.Errorf("at the edge: %d and %d, want under 100 and over 160", row[9], row[10])
	}
}

func TestLookGray(t *testing.T) {
	thumb := rgbImage{w: 220, h: 150, pix: make([]uint8, 3*220*150)}
	full := rgbImage{w: 800, h: 600, pix: make([]uint8, 3*800*600)}
	for i := range thumb.pix {
		thumb.pix[i] = uint8(i % 251)
	}
	d := &Detector{opts: DefaultOptions()}
	for _, c := range []struct {
		name  string
		col   rgbImage
		ch    int
		cubic bool
	}{
		{"thumbnail luma", thumb, 0, true},
		{"thumbnail yellow-blue", thumb, 1, false},
		{"full size", full, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			fr := d.newFrame(c.col)
			_, g, _ := fr.image(fr.upFactor > 1 && max(c.col.w, c.col.h) < regionUpBelow)
			diff := g.minusLocalMean(8)
			lg, ldiff := fr.lookGray(c.ch, g, diff)
			if lg.w != g.w || lg.h != g.h || len(ldiff) != len(diff) {
				t.Fatalf("look image %dx%d (diff %d), line image %dx%d (diff %d)", lg.w, lg.h, len(ldiff), g.w, g.h, len(diff))
			}
			if same := &lg.pix[0] == &g.pix[0]; same == c.cubic {
				t.Errorf("look reads its own upscale: %v, want %v", !same, c.cubic)
			}
		})
	}
}
