//go:build cgo && !nodnnl && !noblas

package model

/*
#cgo LDFLAGS: -ldnnl -lgomp
#include <stdio.h>
#include <stdlib.h>
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int);

// The onednn backend's inference convolutions: forward-inference
// convolutions (depthwise as grouped) on NHWC activations with the folded
// batch norm as bias and the activation (eltwise post-op) or the residual
// (sum post-op: the destination holds the residual before the call) fused.
// Their own engine (backend_onednn.go's is static to its file); each
// convolution has its own stream.
static dnnl_engine_t ci_eng;

// Activation layouts, as inferLayout numbers them: the blocked one is
// whatever oneDNN prefers for a direct convolution on the ISA it runs
// (ci_probe_block: nChw8c up to AVX2, nChw16c on AVX-512).
static dnnl_format_tag_t ci_tags[] = {dnnl_nhwc, dnnl_nchw, dnnl_nChw8c};
static int ci_blk; // channels per block of ci_tags[2]; 0: oneDNN prefers no blocked layout

// ci_probe_block asks oneDNN which source layout it takes for a 3x3
// convolution of 64 channels on a 16x16 map when free to choose, and sets
// ci_tags[2] and ci_blk from the answer.
static void ci_probe_block(void) {
	dnnl_memory_desc_t any, w, b8, b16;
	dnnl_dims_t d = {1, 64, 16, 16}, wd = {64, 64, 3, 3}, st = {1, 1}, pad = {1, 1};
	dnnl_convolution_desc_t cd;
	dnnl_primitive_desc_t pd = NULL;
	ci_blk = 0;
	if (dnnl_memory_desc_init_by_tag(&any, 4, d, dnnl_f32, dnnl_format_tag_any) != dnnl_success ||
	    dnnl_memory_desc_init_by_tag(&w, 4, wd, dnnl_f32, dnnl_format_tag_any) != dnnl_success ||
	    dnnl_memory_desc_init_by_tag(&b8, 4, d, dnnl_f32, dnnl_nChw8c) != dnnl_success ||
	    dnnl_memory_desc_init_by_tag(&b16, 4, d, dnnl_f32, dnnl_nChw16c) != dnnl_success ||
	    dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &any, &w, NULL, &any,
					      st, pad, pad) != dnnl_success ||
	    dnnl_primitive_desc_create(&pd, &cd, NULL, ci_eng, NULL) != dnnl_success)
		return;
	const dnnl_memory_desc_t *src = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
	if (dnnl_memory_desc_equal(src, &b16)) {
		ci_tags[2] = dnnl_nChw16c;
		ci_blk = 16;
	} else if (dnnl_memory_desc_equal(src, &b8)) {
		ci_tags[2] = dnnl_nChw8c;
		ci_blk = 8;
	}
	dnnl_primitive_desc_destroy(pd);
}

static int ci_init(void) {
	if (ci_eng) return 0;
	if (dnnl_engine_create(&ci_eng, dnnl_cpu, 0) != dnnl_success) return 1;
	ci_probe_block();
	return 0;
}

static int ci_block(void) { return ci_init() ? 0 : ci_blk; }

// ci_set_block makes the blocked layout nChw16c (blk 16), nChw8c (8) or
// none (0) for the programs laid out from now on, whatever oneDNN prefers
// (paired benchmarks only; programs already laid out keep theirs).
static void ci_set_block(int blk) {
	if (ci_init()) return;
	ci_blk = blk;
	ci_tags[2] = blk == 16 ? dnnl_nChw16c : dnnl_nChw8c;
}


typedef struct {
	dnnl_stream_t strm; // its own: steps of different images run on different threads at once
	dnnl_primitive_t conv, wreorder, sreorder, dreorder, rreorder;
	dnnl_memory_t src, dst, wuser, wconv, bias, xuser, yuser, ruser;
	void *wbuf, *sbuf, *dbuf; // wbuf: allocated at the first re-layout (lanes reading a lead's kernel never do)
	size_t wsize;
	char impl[64]; // the implementation oneDNN chose (jit:avx2, jit_1x1:avx2, ref:any, ...)
} ci_conv;

static void ci_conv_free(ci_conv *c) {
	if (!c) return;
	dnnl_primitive_t ps[] = {c->conv, c->wreorder, c->sreorder, c->dreorder, c->rreorder};
	for (int i = 0; i < 5; i++) if (ps[i]) dnnl_primitive_destroy(ps[i]);
	dnnl_memory_t ms[] = {c->src, c->dst, c->wuser, c->wconv, c->bias, c->xuser, c->yuser, c->ruser};
	for (int i = 0; i < 8; i++) if (ms[i]) dnnl_memory_destroy(ms[i]);
	if (c->strm) dnnl_stream_destroy(c->strm);
	free(c->wbuf);
	free(c->sbuf);
	free(c->dbuf);
	free(c);
}

#define CI(x) do { if ((x) != dnnl_success) goto fail; } while (0)

static void *ci_alloc(const dnnl_memory_desc_t *md) {
	return aligned_alloc(64, (dnnl_memory_desc_get_size(md) + 63) / 64 * 64);
}

// ci_reorder prepares a reorder from memory from to to.
static int ci_reorder(dnnl_primitive_t *p, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to) {
	dnnl_primitive_desc_t pd = NULL;
	if (dnnl_reorder_primitive_desc_create(&pd, from, ci_eng, to, ci_eng, NULL) != dnnl_success) return 1;
	int rc = dnnl_primitive_create(p, pd) != dnnl_success;
	dnnl_primitive_desc_destroy(pd);
	return rc;
}

// ci_conv_new prepares act(conv(x, w) + b) (+ dst when sum) of N x H x W x
// Cin into N x Ho x Wo x Cout; groups = Cin = Cout for depthwise. act: 0
// none, 1 swish, 2 sigmoid, 3 leaky ReLU (slope 0.2). Layouts (ci_tags):
// src, dst are the convolution's; xl, yl, rl those of the caller's x, y
// and residual. Where x or the residual are in another layout than the
// convolution's, they are reordered into it first (x into scratch, the
// residual into the destination); where y is, the convolution writes
// scratch and reorders it into y.
static ci_conv *ci_conv_new(long N, long H, long W, long Cin, long Ho, long Wo, long Cout, long k, long s, long pt,
			    long pl, long pb, long pr, long groups, int bias, int act, int sum, int srcl, int dstl,
			    int xl, int yl, int rl, int threads) {
	ci_conv *c = calloc(1, sizeof(ci_conv));
	// oneDNN fixes a primitive's thread count when it is created.
	omp_set_num_threads(threads);
	dnnl_primitive_attr_t attr = NULL;
	dnnl_post_ops_t po = NULL;
	dnnl_primitive_desc_t pd = NULL, rpd = NULL;
	dnnl_memory_desc_t src, dst, wuser, wany, bmd, xmd, ymd, rmd;
	dnnl_dims_t sd = {N, Cin, H, W}, dd = {N, Cout, Ho, Wo}, bd = {Cout};
	CI(dnnl_memory_desc_init_by_tag(&src, 4, sd, dnnl_f32, ci_tags[srcl]));
	CI(dnnl_memory_desc_init_by_tag(&dst, 4, dd, dnnl_f32, ci_tags[dstl]));
	CI(dnnl_memory_desc_init_by_tag(&xmd, 4, sd, dnnl_f32, ci_tags[xl]));
	CI(dnnl_memory_desc_init_by_tag(&ymd, 4, dd, dnnl_f32, ci_tags[yl]));
	CI(dnnl_memory_desc_init_by_tag(&rmd, 4, dd, dnnl_f32, ci_tags[rl]));
	if (groups > 1) {
		dnnl_dims_t wd = {groups, Cout / groups, Cin / groups, k, k};
		CI(dnnl_memory_desc_init_by_tag(&wuser, 5, wd, dnnl_f32, dnnl_hwigo));
		CI(dnnl_memory_desc_init_by_tag(&wany, 5, wd, dnnl_f32, dnnl_format_tag_any));
	} else {
		dnnl_dims_t wd = {Cout, Cin, k, k};
		CI(dnnl_memory_desc_init_by_tag(&wuser, 4, wd, dnnl_f32, dnnl_hwio));
		CI(dnnl_memory_desc_init_by_tag(&wany, 4, wd, dnnl_f32, dnnl_format_tag_any));
	}
	CI(dnnl_memory_desc_init_by_tag(&bmd, 1, bd, dnnl_f32, dnnl_a));
	dnnl_dims_t st = {s, s}, padl = {pt, pl}, padr = {pb, pr};
	dnnl_convolution_desc_t fd;
	CI(dnnl_convolution_forward_desc_init(&fd, dnnl_forward_inference, dnnl_convolution_direct, &src, &wany,
					      bias ? &bmd : NULL, &dst, st, padl, padr));
	CI(dnnl_primitive_attr_create(&attr));
	CI(dnnl_post_ops_create(&po));
	switch (act) {
	case 1: CI(dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_swish, 1.0f, 0.0f)); break;
	case 2: CI(dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_logistic, 0.0f, 0.0f)); break;
	case 3: CI(dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0.2f, 0.0f)); break;
	}
	if (sum) CI(dnnl_post_ops_append_sum(po, 1.0f));
	CI(dnnl_primitive_attr_set_post_ops(attr, po));
	CI(dnnl_primitive_desc_create(&pd, &fd, attr, ci_eng, NULL));
	CI(dnnl_stream_create(&c->strm, ci_eng, dnnl_stream_default_flags));
	const char *impl = "";
	dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
	snprintf(c->impl, sizeof c->impl, "%s", impl);
	CI(dnnl_primitive_create(&c->conv, pd));
	const dnnl_memory_desc_t *wf = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
	CI(dnnl_memory_create(&c->wuser, &wuser, ci_eng, DNNL_MEMORY_NONE));
	if (bias) CI(dnnl_memory_create(&c->bias, &bmd, ci_eng, DNNL_MEMORY_NONE));
	if (!dnnl_memory_desc_equal(wf, &wuser)) {
		c->wsize = (dnnl_memory_desc_get_size(wf) + 63) / 64 * 64;
		CI(dnnl_memory_create(&c->wconv, wf, ci_eng, DNNL_MEMORY_NONE));
		CI(ci_reorder(&c->wreorder, &wuser, wf));
	}
	if (xl != srcl) {
		CI(dnnl_memory_create(&c->xuser, &xmd, ci_eng, DNNL_MEMORY_NONE));
		c->sbuf = ci_alloc(&src);
		CI(dnnl_memory_create(&c->src, &src, ci_eng, c->sbuf));
		CI(ci_reorder(&c->sreorder, &xmd, &src));
	} else {
		CI(dnnl_memory_create(&c->src, &src, ci_eng, DNNL_MEMORY_NONE));
	}
	if (yl != dstl) {
		CI(dnnl_memory_create(&c->yuser, &ymd, ci_eng, DNNL_MEMORY_NONE));
		c->dbuf = ci_alloc(&dst);
		CI(dnnl_memory_create(&c->dst, &dst, ci_eng, c->dbuf));
		CI(ci_reorder(&c->dreorder, &dst, &ymd));
	} else {
		CI(dnnl_memory_create(&c->dst, &dst, ci_eng, DNNL_MEMORY_NONE));
	}
	if (sum && (rl != dstl || yl != dstl)) {
		// The sum post-op adds what the destination holds: the residual,
		// reordered (or copied) into it unless y is the destination and
		// the residual is in its layout (then the caller copies it into y).
		CI(dnnl_memory_create(&c->ruser, &rmd, ci_eng, DNNL_MEMORY_NONE));
		CI(ci_reorder(&c->rreorder, &rmd, &dst));
	}
	dnnl_primitive_desc_destroy(pd);
	dnnl_post_ops_destroy(po);
	dnnl_primitive_attr_destroy(attr);
	return c;
fail:
	if (pd) dnnl_primitive_desc_destroy(pd);
	if (rpd) dnnl_primitive_desc_destroy(rpd);
	if (po) dnnl_post_ops_destroy(po);
	if (attr) dnnl_primitive_attr_destroy(attr);
	ci_conv_free(c);
	return NULL;
}

static int ci_exec(dnnl_stream_t st, dnnl_primitive_t p, int n, dnnl_exec_arg_t *a) {
	if (dnnl_primitive_execute(p, st, n, a) != dnnl_success) return 1;
	return dnnl_stream_wait(st) != dnnl_success;
}

// ci_conv_run runs the convolution with threads OpenMP threads, first
// reordering the kernel into the primitive's layout when fresh (it was
// folded again since the last run; the first run is always fresh), and x
// and the residual res into the convolution's layouts where they differ
// (ci_conv_new); when they do not, the caller has put the residual in y.
// ci_conv_share re-lays the kernel w out into c's own buffer when fresh
// (or never laid out), for c and the lanes that read c's kernel.
static int ci_conv_share(ci_conv *c, int threads, int fresh, float *w) {
	if (!c->wreorder || (!fresh && c->wbuf)) return 0;
	omp_set_num_threads(threads);
	if (!c->wbuf && !(c->wbuf = aligned_alloc(64, c->wsize))) return 1;
	dnnl_memory_set_data_handle(c->wuser, w);
	dnnl_memory_set_data_handle(c->wconv, c->wbuf);
	dnnl_exec_arg_t r[] = {{DNNL_ARG_FROM, c->wuser}, {DNNL_ARG_TO, c->wconv}};
	return ci_exec(c->strm, c->wreorder, 2, r);
}

// ci_conv_run: with a lead (image by image: the first lane's primitive of
// the same step, whose kernel ci_conv_share laid out before the lanes
// ran), the convolution reads the lead's kernel and fresh is ignored; a
// lead whose kernel was never laid out (a lane's step that Predict runs
// in its group program instead, run by a benchmark) is not used.
static int ci_conv_run(ci_conv *c, ci_conv *lead, int threads, int fresh, float *x, float *w, float *b, float *y,
		       float *res) {
	dnnl_memory_set_data_handle(c->wuser, w);
	dnnl_memory_t wm = c->wuser;
	omp_set_num_threads(threads);
	if (c->wreorder && lead && lead->wbuf) {
		dnnl_memory_set_data_handle(c->wconv, lead->wbuf);
		wm = c->wconv;
	} else if (c->wreorder) {
		if (ci_conv_share(c, threads, fresh, w)) return 1;
		dnnl_memory_set_data_handle(c->wconv, c->wbuf);
		wm = c->wconv;
	}
	if (c->sreorder) {
		dnnl_memory_set_data_handle(c->xuser, x);
		dnnl_exec_arg_t r[] = {{DNNL_ARG_FROM, c->xuser}, {DNNL_ARG_TO, c->src}};
		if (ci_exec(c->strm, c->sreorder, 2, r)) return 1;
	} else {
		dnnl_memory_set_data_handle(c->src, x);
	}
	if (c->dreorder) dnnl_memory_set_data_handle(c->yuser, y);
	else dnnl_memory_set_data_handle(c->dst, y);
	if (c->rreorder) {
		dnnl_memory_set_data_handle(c->ruser, res);
		dnnl_exec_arg_t r[] = {{DNNL_ARG_FROM, c->ruser}, {DNNL_ARG_TO, c->dst}};
		if (ci_exec(c->strm, c->rreorder, 2, r)) return 1;
	}
	dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, c->src}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, c->dst}, {DNNL_ARG_BIAS, c->bias}};
	if (c->bias) dnnl_memory_set_data_handle(c->bias, b);
	if (ci_exec(c->strm, c->conv, c->bias ? 4 : 3, a)) return 1;
	if (c->dreorder) {
		dnnl_exec_arg_t r[] = {{DNNL_ARG_FROM, c->dst}, {DNNL_ARG_TO, c->yuser}};
		if (ci_exec(c->strm, c->dreorder, 2, r)) return 1;
	}
	return 0;
}
*/
import "C"

import (
	"runtime"
	"strings"
)

// dnnlInfer is a fused step's prepared oneDNN convolution; a nil c means
// the step runs on the cpu backend's inference path. ep is the activation
// the epilogue applies after the convolution (inferEpilogueAct, by ISA),
// actNone when it is oneDNN's post-op (or there is none).
type dnnlInfer struct {
	c  *C.ci_conv
	ep actKind
}

// impl is the implementation oneDNN chose for the convolution.
func (d *dnnlInfer) impl() string { return C.GoString(&d.c.impl[0]) }

func (d *dnnlInfer) free() { C.ci_conv_free(d.c) }

// inferState returns the step's prepared convolution, preparing it on
// first use (plans are per shape, so once per program), or nil.
func inferState(st *opState, ep actKind, prepare func() *C.ci_conv) *dnnlInfer {
	d, ok := st.state.(*dnnlInfer)
	if !ok {
		d = &dnnlInfer{ep: ep}
		if C.ci_init() == 0 {
			d.c = prepare()
		}
		st.state = d
		if d.c != nil {
			runtime.SetFinalizer(d, (*dnnlInfer).free)
		}
	}
	if d.c == nil {
		return nil
	}
	return d
}

// padAfter is the padding after the input along a side of in pixels.
func padAfter(in, out, k, stride, before int) int { return (out-1)*stride + k - in - before }

// dnnlConvs reports whether f runs on oneDNN: a spatial map of 2x2 or
// more (on smaller ones, dense layers and squeeze-and-excitation
// convolutions, a call costs more than the work).
func dnnlConvs(f *fusedConv) bool { return f.y.H >= 2 && f.y.W >= 2 }

// Activation layouts of the onednn inference path (ci_tags). The first
// convolution (3 input channels) stays NHWC: oneDNN has no JIT kernel from
// NHWC to blocked, and its NCHW-to-blocked one plus the input written NCHW
// measured 8 ms slower per B2 batch of 16 than the NHWC stem and a reorder
// of its output.
const (
	layNHWC    = 0
	layNCHW    = 1 // not used: the NCHW first-layer kernel (3 channels) measured slower than the NHWC one
	layBlocked = 2 // nChw8c or nChw16c (dnnlBlock): channels in blocks, innermost
)

// dnnlBlock is the channel block of the blocked layout oneDNN prefers for a
// direct convolution on the ISA it runs (8 up to AVX2, 16 on AVX-512), or
// 0 when it prefers none (then everything stays NHWC). It is oneDNN's
// choice, asked once, so the layout follows the CPU rather than the one the
// engine was tuned on.
func dnnlBlock() int { return int(C.ci_block()) }

// setDnnlBlock overrides dnnlBlock for programs laid out from now on and
// returns the block it replaced (paired benchmarks only: BenchmarkInferBlocked).
func setDnnlBlock(blk int) int {
	old := dnnlBlock()
	C.ci_set_block(C.int(blk))
	return old
}

// inferLayout runs in the blocked layout oneDNN prefers (dnnlBlock:
// nChw8c up to AVX2, nChw16c on AVX-512) the convolutions for which that
// pays, and keeps every tensor that only such convolutions write and read
// blocked: blocked sources and destinations let oneDNN's direct
// convolutions skip the NHWC gathers (measured on AVX2 10-25% faster on
// the 3x3 convolutions of B2's fused stages, none on 1x1 convolutions of
// small maps, which therefore run blocked only to read a blocked input). A tensor any other op reads (pooling, the Gram matrix, a
// depthwise convolution, a scaled input) stays NHWC, reordered at the
// boundary by the convolution that writes or reads it (a JIT reorder, one
// pass); a convolution that would read and write NHWC anyway stays on NHWC
// (oneDNN has no JIT kernel for NHWC to blocked), and so does one whose
// blocked primitive is not a JIT one (3x3 on 4x4 maps of few channels get
// ref:any).
func (b *dnnlBackend) inferLayout(p *inferProg) {
	readers := map[*Tensor][]*inferStep{}
	for i := range p.steps {
		for _, t := range p.steps[i].ins {
			readers[t] = append(readers[t], &p.steps[i])
		}
	}
	blk := map[*fusedConv]bool{} // convolutions that run blocked
	blkC := dnnlBlock()          // whole blocks only: a padded block would not fit the tensor's slot
	for _, s := range p.steps {
		if f := s.conv; f != nil && blkC > 0 && dnnlConvs(f) && f.scale == nil && f.y.C%blkC == 0 && f.x.C%blkC == 0 {
			blk[f] = true
		}
	}
	// blocked reports whether t, the output of producer, is kept blocked.
	blocked := func(t *Tensor, producer *fusedConv) bool {
		if !blk[producer] {
			return false
		}
		for _, s := range readers[t] {
			if f := s.conv; f == nil || !blk[f] || (t != f.x && t != f.res) {
				return false
			}
		}
		return true
	}
	producer := map[*Tensor]*fusedConv{}
	for _, s := range p.steps {
		if s.conv != nil {
			producer[s.conv.y] = s.conv
		}
	}
	lay := func(t *Tensor) int8 {
		if f := producer[t]; f != nil && blocked(t, f) {
			return layBlocked
		}
		return layNHWC
	}
	jit := map[fusedLayout]bool{}
	for changed := true; changed; {
		changed = false
		for _, s := range p.steps {
			f := s.conv
			if f == nil || !blk[f] {
				continue
			}
			f.lay = fusedLayout{src: layBlocked, dst: layBlocked, x: lay(f.x), y: lay(f.y), res: layNHWC}
			if f.res != nil {
				f.lay.res = lay(f.res)
			}
			drop := f.lay.x != layBlocked && f.lay.y != layBlocked || // a reorder both ways for nothing
				f.res != nil && !f.sumPostOp() && f.lay.res != f.lay.y || // inferConv adds it in y's layout
				// A 1x1 convolution gains little from the layout itself: it
				// runs blocked only to read a blocked input (so that the 3x3
				// before it can write one), never to reorder its own input,
				// and then reorders its output only if that is no larger
				// than its input (else the reorder belongs before it).
				f.conv.direct() && (f.lay.x != layBlocked || f.lay.y != layBlocked && f.y.C > f.x.C)
			if !drop {
				fast, tried := jit[f.lay]
				if !tried {
					fast = false
					if c := newInferConv(f, 1, b.inferEpilogueAct(f.act)); c != nil {
						fast = strings.HasPrefix(C.GoString(&c.impl[0]), "jit")
						C.ci_conv_free(c)
					}
					jit[f.lay] = fast
				}
				drop = !fast
			}
			if drop {
				blk[f] = false
				changed = true
			}
		}
	}
	for _, s := range p.steps {
		if f := s.conv; f != nil {
			f.lay = fusedLayout{}
			if blk[f] {
				f.lay = fusedLayout{src: layBlocked, dst: layBlocked, x: lay(f.x), y: lay(f.y)}
				if f.res != nil {
					f.lay.res = lay(f.res)
				}
			}
		}
	}
}

// newInferConv prepares f's oneDNN convolution in its layouts for threads
// OpenMP threads, or returns nil when oneDNN cannot; its activation is
// oneDNN's post-op unless ep (the epilogue's, inferEpilogueAct) is set.
func newInferConv(f *fusedConv, threads int, ep actKind) *C.ci_conv {
	if C.ci_init() != 0 {
		return nil
	}
	o, x, y, l := f.conv, f.x, f.y, f.lay
	return C.ci_conv_new(C.long(x.N), C.long(x.H), C.long(x.W), C.long(x.C), C.long(y.H), C.long(y.W), C.long(y.C),
		C.long(o.k), C.long(o.stride), C.long(o.padT), C.long(o.padL), C.long(padAfter(x.H, y.H, o.k, o.stride, o.padT)),
		C.long(padAfter(x.W, y.W, o.k, o.stride, o.padL)), 1, cbool(f.b != nil), C.int(postAct(f.act, ep)), cbool(f.sumPostOp()),
		C.int(l.src), C.int(l.dst), C.int(l.x), C.int(l.y), C.int(l.res), C.int(threads))
}

// sumPostOp reports whether f's residual is oneDNN's sum post-op: only
// without an activation (oneDNN 2.6's AVX2 direct convolution has no JIT
// kernel for an activation followed by a sum: ref:any); after one, inferConv
// adds the residual in a pass of its own, in the destination's layout.
func (f *fusedConv) sumPostOp() bool { return f.res != nil && f.act == actNone }

// inferPerImage: the onednn backend runs Predict image by image
// (inferImager), every primitive single-threaded on its lane's thread.
func (b *dnnlBackend) inferPerImage() bool { return true }

// inferShare prepares the first lane's primitive of step s and, when its
// kernel was refolded, lays the kernel out once for every lane.
func (b *dnnlBackend) inferShare(e *exec, s *inferStep) {
	var d *dnnlInfer
	var fresh bool
	var w []float32
	switch {
	case s.conv != nil && dnnlConvs(s.conv):
		d, fresh, w = b.inferConvState(e, s.conv), s.conv.fresh, s.conv.w
	case s.dw != nil && s.dw.y.H >= 2 && s.dw.y.W >= 2:
		d, fresh, w = b.inferDWState(e, s.dw), s.dw.fresh, s.dw.w
	}
	if d != nil {
		b.check(C.ci_conv_share(d.c, C.int(e.threads), cbool(fresh), p32(w)), "inference kernel layout")
	}
}

// leadOf is the prepared primitive in a lead lane's step state, or nil.
func leadOf(st *opState) *C.ci_conv {
	if st == nil {
		return nil
	}
	if d, ok := st.state.(*dnnlInfer); ok {
		return d.c
	}
	return nil
}

// inferConvState is f's prepared convolution (inferState).
func (b *dnnlBackend) inferConvState(e *exec, f *fusedConv) *dnnlInfer {
	ep := b.inferEpilogueAct(f.act)
	return inferState(&f.opState, ep, func() *C.ci_conv { return newInferConv(f, e.threads, ep) })
}

// inferDWState is f's prepared depthwise convolution (inferState).
func (b *dnnlBackend) inferDWState(e *exec, f *fusedDW) *dnnlInfer {
	ep := b.inferEpilogueAct(f.act)
	return inferState(&f.opState, ep, func() *C.ci_conv { return newInferDW(f, e.threads, ep) })
}

// newInferDW prepares f's oneDNN depthwise convolution (newInferConv).
func newInferDW(f *fusedDW, threads int, ep actKind) *C.ci_conv {
	o, x, y := f.dw, f.dw.x, f.y
	return C.ci_conv_new(C.long(x.N), C.long(x.H), C.long(x.W), C.long(x.C), C.long(y.H), C.long(y.W), C.long(y.C),
		C.long(o.k), C.long(o.stride), C.long(o.padT), C.long(o.padL), C.long(padAfter(x.H, y.H, o.k, o.stride, o.padT)),
		C.long(padAfter(x.W, y.W, o.k, o.stride, o.padL)), C.long(x.C), cbool(f.b != nil), C.int(postAct(f.act, ep)), 0, 0, 0, 0, 0, 0, C.int(threads))
}

func (b *dnnlBackend) inferConv(e *exec, r *inferRun, f *fusedConv) {
	x, y := f.x, f.y
	if !dnnlConvs(f) {
		b.hostBackend.inferConv(e, r, f) // dense layers, SE convolutions: a call costs more than the work
		return
	}
	d := b.inferConvState(e, f)
	if d == nil {
		if f.lay != (fusedLayout{}) {
			panic("model: oneDNN could not prepare an inference convolution on blocked tensors") // inferLayout prepared it once
		}
		b.hostBackend.inferConv(e, r, f)
		return
	}
	src := x.Data
	if f.scale != nil {
		// The squeeze-and-excitation scale, per image and input channel,
		// in place when nothing reads x after this step, else into
		// scratch: oneDNN has no per-image input scaling.
		P, C := x.H*x.W, x.C
		if f.scaleX {
			src = x.Data
			ik := b.inferKernels()
			e.run(x.N, 1, func(lo, hi int) {
				for n := lo; n < hi; n++ {
					ik.scaleCh(x.Data[n*P*C:(n+1)*P*C], f.scale.Data[n*C:(n+1)*C], P, C)
				}
			})
		} else {
			r.reserve(1)
			src = r.buf(0, x.Len())
			e.run(x.N, 1, func(lo, hi int) {
				for n := lo; n < hi; n++ {
					b.k.rowMul(x.Data[n*P*C:(n+1)*P*C], f.scale.Data[n*C:(n+1)*C], src[n*P*C:(n+1)*P*C], P, C, false)
				}
			})
		}
	}
	var res *C.float
	if f.sumPostOp() {
		res = p32(f.res.Data)
		if f.lay.res == f.lay.dst && f.lay.y == f.lay.dst {
			// The sum post-op adds what the destination holds (in
			// another layout, ci_conv_run reorders the residual into it).
			e.run(y.Len(), 1<<14, func(lo, hi int) { copy(y.Data[lo:hi], f.res.Data[lo:hi]) })
		}
	}
	b.check(C.ci_conv_run(d.c, leadOf(f.lead), C.int(e.threads), cbool(f.fresh), p32(src), p32(f.w), p32(f.b), p32(y.Data), res), "inference convolution")
	if d.ep != actNone {
		b.inferEpilogue(e, y, f.res, d.ep) // with the residual, in y's layout (inferLayout)
	} else if f.res != nil && !f.sumPostOp() {
		// y and the residual share a layout (inferLayout): element by element.
		e.run(y.Len(), 1<<14, func(lo, hi int) { b.k.scaleTo(y.Data[lo:hi], f.res.Data[lo:hi], 1, true) })
	}
}

func (b *dnnlBackend) inferDW(e *exec, r *inferRun, f *fusedDW) {
	x, y := f.dw.x, f.y
	if y.H < 2 || y.W < 2 {
		b.hostBackend.inferDW(e, r, f)
		return
	}
	d := b.inferDWState(e, f)
	if d == nil {
		b.hostBackend.inferDW(e, r, f)
		return
	}
	b.check(C.ci_conv_run(d.c, leadOf(f.lead), C.int(e.threads), cbool(f.fresh), p32(x.Data), p32(f.w), p32(f.b), p32(y.Data), nil), "inference depthwise convolution")
	if d.ep != actNone {
		b.inferEpilogue(e, y, nil, d.ep)
	}
}
