package augment

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"sync"
	"testing"
)

// TestResolveMatchesSpec checks the M=7 arguments of SPEC.md §4 in both
// conventions (torchvision's translation at width 256).
func TestResolveMatchesSpec(t *testing.T) {
	tests := []struct {
		conv     Convention
		op       Op
		negative bool
		want     float64
		tol      float64
	}{
		{TF, ShearX, false, 0.21, 1e-12},
		{TF, ShearY, true, -0.21, 1e-12},
		{TF, TranslateX, false, 70, 0},
		{TF, TranslateY, true, -70, 0},
		{TF, Rotate, false, 21, 1e-12},
		{TF, Brightness, true, 1.36, 1e-12}, // never flipped
		{TF, Color, false, 1.36, 1e-12},
		{TF, Contrast, false, 1.36, 1e-12},
		{TF, Sharpness, false, 1.36, 1e-12},
		{TF, Posterize, false, 2, 0},
		{TF, Solarize, false, 179, 0},
		{TF, SolarizeAdd, false, 77, 0},
		{TF, Cutout, false, 28, 0}, // a 56x56 square
		{Torchvision, ShearX, false, 0.07, 1e-8},
		{Torchvision, ShearY, true, -0.07, 1e-8},
		{Torchvision, TranslateX, false, 27, 0},
		{Torchvision, TranslateY, true, -27, 0},
		{Torchvision, Rotate, true, -7, 0},
		{Torchvision, Brightness, false, 1.21, 1e-7},
		{Torchvision, Color, true, 0.79, 1e-7},
		{Torchvision, Posterize, false, 7, 0},
		{Torchvision, Solarize, false, 195.5, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%v", tt.conv, tt.op, tt.negative), func(t *testing.T) {
			p, err := tt.conv.Resolve(tt.op, 7, tt.negative, 256, 256)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(p.Arg-tt.want) > tt.tol {
				t.Errorf("arg = %v, want %v", p.Arg, tt.want)
			}
		})
	}
}

func TestResolveRejects(t *testing.T) {
	tests := []struct {
		conv Convention
		op   Op
		m    float64
	}{
		{Torchvision, Cutout, 7},
		{Torchvision, Invert, 7},
		{Torchvision, SolarizeAdd, 7},
		{TF, Rotate, 10.5},
		{TF, Rotate, -1},
		{TF, Rotate, math.NaN()},
		{Torchvision, Rotate, 31},
		{Torchvision, Rotate, 7.5},
	}
	for _, tt := range tests {
		if _, err := tt.conv.Resolve(tt.op, tt.m, false, 256, 256); err == nil {
			t.Errorf("%s %s M=%v: no error", tt.conv, tt.op, tt.m)
		}
	}
	if _, err := New(Options{N: -1, M: 7}); err == nil {
		t.Error("N=-1 accepted")
	}
	if _, err := New(Options{N: 3, M: 11}); err == nil {
		t.Error("TF M=11 accepted")
	}
	if _, err := ParseOp("blur"); err == nil {
		t.Error("ParseOp(blur) accepted")
	}
	if op, err := ParseOp("solarize-add"); err != nil || op != SolarizeAdd {
		t.Errorf("ParseOp(solarize-add) = %v, %v", op, err)
	}
}

func testSource(t testing.TB) *Image {
	return loadPNG(t, filepath.Join("testdata", "refs", "src.png"))
}

// TestApplyDeterministic: the output depends only on (seed, epoch, id), not
// on the goroutine, the order of calls or what the pool held before.
func TestApplyDeterministic(t *testing.T) {
	src := testSource(t)
	for _, conv := range []Convention{TF, Torchvision} {
		ra, err := New(Options{N: 3, M: 7, Convention: conv, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		const samples = 64
		want := make([][]byte, samples)
		for id := range want {
			dst := NewImage(1, 1)
			if _, err := ra.Apply(dst, src, 3, uint64(id)); err != nil {
				t.Fatal(err)
			}
			want[id] = dst.Pix
		}
		// The same samples on 8 goroutines, in reverse, with a fresh RandAugment.
		ra2, _ := New(Options{N: 3, M: 7, Convention: conv, Seed: 42})
		var wg sync.WaitGroup
		errs := make(chan error, samples)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				dst := NewImage(src.W, src.H)
				for id := samples - 1 - g; id >= 0; id -= 8 {
					if _, err := ra2.Apply(dst, src, 3, uint64(id)); err != nil {
						errs <- err
						return
					}
					if !bytes.Equal(dst.Pix, want[id]) {
						errs <- fmt.Errorf("%s sample %d differs when run concurrently", conv, id)
					}
				}
			}(g)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		// A different epoch gives a different draw for most samples.
		same := 0
		for id := 0; id < samples; id++ {
			a := ra.Draw(nil, 3, uint64(id), src.W, src.H)
			b := ra.Draw(nil, 4, uint64(id), src.W, src.H)
			if fmt.Sprint(a) == fmt.Sprint(b) {
				same++
			}
		}
		if same > samples/4 {
			t.Errorf("%s: %d of %d samples drew the same ops in epochs 3 and 4", conv, same, samples)
		}
	}
}

// TestApplyComposesOps: Apply equals ApplyOp run on its trace in order.
func TestApplyComposesOps(t *testing.T) {
	src := testSource(t)
	for _, conv := range []Convention{TF, Torchvision} {
		for _, n := range []int{0, 1, 2, 3, 4} {
			ra, err := New(Options{N: n, M: 7, Convention: conv, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			for id := uint64(0); id < 20; id++ {
				dst := NewImage(1, 1)
				trace, err := ra.Apply(dst, src, 1, id)
				if err != nil {
					t.Fatal(err)
				}
				if len(trace) != n {
					t.Fatalf("trace has %d ops, want %d", len(trace), n)
				}
				cur := src.Clone()
				for _, p := range trace {
					next := NewImage(1, 1)
					if err := ApplyOp(next, cur, p); err != nil {
						t.Fatal(err)
					}
					cur = next
				}
				if !bytes.Equal(cur.Pix, dst.Pix) {
					t.Fatalf("%s N=%d sample %d: Apply differs from its ops %v applied one by one", conv, n, id, trace)
				}
			}
		}
	}
}

// TestDrawDistribution: ops uniform over the convention's list (TF: 16 ops +
// Identity), signs fair, Cutout centres anywhere in the image.
func TestDrawDistribution(t *testing.T) {
	for _, conv := range []Convention{TF, Torchvision} {
		ra, _ := New(Options{N: 3, M: 7, Convention: conv, Seed: 1})
		counts := map[Op]int{}
		neg, signed := 0, 0
		var trace []Params
		const samples = 20000
		for id := uint64(0); id < samples; id++ {
			trace = ra.Draw(trace[:0], 0, id, 256, 256)
			for _, p := range trace {
				counts[p.Op]++
				if p.Op.Signed(conv) {
					signed++
					if p.Negative {
						neg++
					}
				}
				if p.Op == Cutout && (p.CX < 0 || p.CX >= 256 || p.CY < 0 || p.CY >= 256) {
					t.Fatalf("cutout centre %d,%d outside the image", p.CX, p.CY)
				}
			}
		}
		k := len(conv.ops())
		if len(counts) != k {
			t.Errorf("%s: drew %d distinct ops, want %d", conv, len(counts), k)
		}
		exp := float64(3*samples) / float64(k)
		for op, c := range counts {
			// 5 standard deviations of a binomial count.
			if math.Abs(float64(c)-exp) > 5*math.Sqrt(exp) {
				t.Errorf("%s: %s drawn %d times, expected about %.0f", conv, op, c, exp)
			}
		}
		if frac := float64(neg) / float64(signed); math.Abs(frac-0.5) > 0.02 {
			t.Errorf("%s: %.3f of signed ops flipped, want 0.5", conv, frac)
		}
	}
}

func TestApplyNoAllocations(t *testing.T) {
	src := NewImage(256, 256)
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 7)
	}
	ra, _ := New(Options{N: 3, M: 7, Seed: 3})
	dst := NewImage(256, 256)
	trace := make([]Params, 0, 3)
	id := uint64(0)
	allocs := testing.AllocsPerRun(200, func() {
		trace, _ = ra.AppendApply(trace[:0], dst, src, 0, id)
		id++
	})
	// Under -race, sync.Pool randomly drops pooled buffers, which are then
	// made again; without it nothing is allocated.
	limit := 0.0
	if raceEnabled {
		limit = 4
	}
	if allocs > limit {
		t.Errorf("AppendApply allocates %.1f times per image, want at most %v", allocs, limit)
	}
}

func TestApplyErrors(t *testing.T) {
	ra, _ := New(Options{N: 2, M: 7})
	src := NewImage(8, 8)
	if _, err := ra.Apply(src, src, 0, 0); err == nil {
		t.Error("dst == src accepted")
	}
	alias := &Image{Pix: src.Pix, W: 8, H: 8}
	if _, err := ra.Apply(alias, src, 0, 0); err == nil {
		t.Error("dst sharing src's buffer accepted")
	}
	if _, err := ra.Apply(NewImage(1, 1), &Image{Pix: make([]uint8, 5), W: 8, H: 8}, 0, 0); err == nil {
		t.Error("short source buffer accepted")
	}
	if err := ApplyOp(NewImage(1, 1), src, Params{Op: Cutout, Convention: Torchvision}); err == nil {
		t.Error("torchvision Cutout accepted")
	}
}

// TestTinyImages: every op copes with 1x1 and 2x3 images.
func TestTinyImages(t *testing.T) {
	for _, conv := range []Convention{TF, Torchvision} {
		for _, op := range conv.ops() {
			for _, sz := range [][2]int{{1, 1}, {2, 3}, {3, 2}} {
				src := NewImage(sz[0], sz[1])
				for i := range src.Pix {
					src.Pix[i] = uint8(40 * i)
				}
				p, err := conv.Resolve(op, 7, true, sz[0], sz[1])
				if err != nil {
					t.Fatal(err)
				}
				if err := ApplyOp(NewImage(1, 1), src, p); err != nil {
					t.Errorf("%s %s %v: %v", conv, op, sz, err)
				}
			}
		}
	}
}

func TestParamsString(t *testing.T) {
	tests := []struct {
		conv Convention
		op   Op
		neg  bool
		want string
	}{
		{TF, Rotate, true, "Rotate -21"},
		{TF, ShearX, false, "ShearX 0.21"},
		{TF, Cutout, false, "Cutout 56px"},
		{TF, Equalize, false, "Equalize"},
		{Torchvision, Solarize, false, "Solarize 195.5"},
		{Torchvision, Color, true, "Color 0.79"},
		{Torchvision, ShearY, false, "ShearY 0.07"},
	}
	for _, tt := range tests {
		p, err := tt.conv.Resolve(tt.op, 7, tt.neg, 256, 256)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.String(); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.conv, tt.op, got, tt.want)
		}
	}
}
