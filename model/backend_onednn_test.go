//go:build cgo && !nodnnl

package model

import (
	"fmt"
	"strings"
	"testing"
)

// TestDnnlChunks checks the onednn backend's cut of a batch into chunks:
// 4 to 8 chunks, fewer where maps are small (at least 512 input positions
// a chunk), a function of the shape alone.
func TestDnnlChunks(t *testing.T) {
	for _, c := range []struct{ n, hw, per, chunks int }{
		{16, 128 * 128, 2, 8}, // large maps: 8 chunks
		{16, 8 * 8, 4, 4},     // 1024 positions: the floor of 4 chunks
		{64, 8 * 8, 8, 8},     // 4096 positions: 8 chunks of 512
		{64, 16 * 16, 8, 8},
		{9, 5 * 5, 3, 3}, // 9 images in chunks of 3
		{3, 32 * 32, 1, 3},
		{1, 64 * 64, 1, 1},
	} {
		per := chunkImages(c.n, c.hw)
		if chunks := (c.n + per - 1) / per; per != c.per || chunks != c.chunks {
			t.Errorf("batch %d of %d positions: %d images a chunk, %d chunks; want %d, %d", c.n, c.hw, per, chunks, c.per, c.chunks)
		}
	}
}

// TestDnnlGemmBackward checks that the backward passes run the
// implementation gemmBackward picks for the shape: gemm for backward-data
// of wide or strided 3x3 convolutions and for backward-weights of every
// 1x1 and of wide 3x3 ones, oneDNN's direct kernels otherwise (always for
// depthwise).
func TestDnnlGemmBackward(t *testing.T) {
	be, err := NewBackend("onednn")
	if err != nil {
		t.Fatal(err)
	}
	b := be.(*dnnlBackend)
	for _, c := range []struct {
		n, h, cin, cout, k, stride, groups int
		gemmData, gemmWeights              bool
	}{
		{2, 8, 32, 16, 3, 1, 1, false, false}, // B2's 128x128 stage: jit is 2-8x faster
		{2, 8, 32, 128, 3, 1, 1, false, true},
		{2, 8, 56, 224, 3, 1, 1, true, true},
		{2, 8, 16, 64, 3, 2, 1, true, false},
		{2, 8, 120, 720, 1, 1, 1, false, true},
		{2, 8, 56, 56, 1, 1, 1, false, true},
		{2, 8, 64, 64, 3, 1, 64, false, false}, // depthwise
	} {
		name := fmt.Sprintf("%dx%d_%d->%d_s%d_g%d", c.k, c.k, c.cin, c.cout, c.stride, c.groups)
		if d, w := gemmBackward(isaAVX2, c.cin, c.cout, c.k, c.stride, c.groups); d != c.gemmData || w != c.gemmWeights {
			t.Errorf("%s: gemmBackward on avx2 = %v, %v; want %v, %v", name, d, w, c.gemmData, c.gemmWeights)
		}
		for _, isa := range []dnnlISA{isaSSE41, isaAVX, isaAVX512Core, isaAVX512Core | 0x40, isaAVX512MIC} {
			if d, w := gemmBackward(isa, c.cin, c.cout, c.k, c.stride, c.groups); d || w {
				t.Errorf("%s: gemmBackward on %v = %v, %v; want oneDNN's first choice", name, isa, d, w)
			}
		}
		if !b.isa.has(isaAVX2) || b.isa.avx512() {
			continue // the primitives below are checked where the AVX2 rule applies
		}
		ho := (c.h + c.stride - 1) / c.stride
		pad := (c.k - 1) / 2
		if c.stride > 1 {
			pad = 0
		}
		x, y := newTensor(c.n, c.h, c.h, c.cin, true), newTensor(c.n, ho, ho, c.cout, true)
		d := b.prepare(x, y, c.k, c.stride, pad, pad, c.groups, false)
		if d.c == nil {
			t.Fatalf("%s: oneDNN refused the convolution", name)
		}
		_, bd, bw := d.impls()
		d.free()
		if strings.Contains(bd, "gemm") != c.gemmData || strings.Contains(bw, "gemm") != c.gemmWeights {
			t.Errorf("%s: backward-data on %q, backward-weights on %q; want gemm %v, %v", name, bd, bw, c.gemmData, c.gemmWeights)
		}
	}
}

// TestDnnlB2Primitives prepares every convolution of a B2 + 4 Gram training
// step (batch 16, 256x256) on the ISA oneDNN runs on here and checks that
// none of its passes runs on oneDNN's reference implementation (plain C++
// loops, 10-100x slower: what a missing jit kernel or a refused gemm
// preference would fall back to), and that every pass gemmBackward asks
// gemm for got it. Run it with ONEDNN_MAX_CPU_ISA=SSE41 (or AVX, AVX2) to
// check another CPU's choice; -v logs the implementations.
func TestDnnlB2Primitives(t *testing.T) {
	if testing.Short() {
		t.Skip("prepares about 100 oneDNN convolutions")
	}
	cfg, _ := Preset("b2", 4)
	cfg.Backend = "onednn"
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := n.planFor(16, 256)
	if err != nil {
		t.Fatal(err)
	}
	b := n.be.(*dnnlBackend)
	t.Logf("oneDNN runs on %v", b.isa)
	seen := map[string]bool{}
	for _, o := range p.ops {
		var d *dnnlConv
		var name string
		var gd, gw bool
		switch c := o.(type) {
		case *convOp:
			d, name = b.conv(c), fmt.Sprintf("conv%dx%d_s%d %dx%dx%d->%d", c.k, c.k, c.stride, c.x.H, c.x.W, c.x.C, c.y.C)
			gd, gw = gemmBackward(b.isa, c.x.C, c.y.C, c.k, c.stride, 1)
		case *dwConvOp:
			d, name = b.dw(c), fmt.Sprintf("dw%dx%d_s%d %dx%dx%d", c.k, c.k, c.stride, c.x.H, c.x.W, c.x.C)
		default:
			continue
		}
		if d == nil || seen[name] {
			continue
		}
		seen[name] = true
		f, bd, bw := d.impls()
		t.Logf("%-28s fwd %-22s bwd-data %-22s bwd-weights %s", name, f, bd, bw)
		for _, impl := range []string{f, bd, bw} {
			if impl == "" || strings.Contains(impl, "ref") {
				t.Errorf("%s: a pass runs on %q (fwd %q, bwd-data %q, bwd-weights %q)", name, impl, f, bd, bw)
			}
		}
		if gd && !strings.Contains(bd, "gemm") || gw && !strings.Contains(bw, "gemm") {
			t.Errorf("%s: asked gemm for bwd-data %v, bwd-weights %v; got %q, %q", name, gd, gw, bd, bw)
		}
	}
	if len(seen) < 20 {
		t.Errorf("only %d distinct oneDNN convolutions in B2", len(seen))
	}
}
