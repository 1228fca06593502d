//go:build cgo && !nodnnl && !noblas

package model

/*
#cgo LDFLAGS: -ldnnl -lgomp
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int);

static dnnl_engine_t cd_eng;

static int cd_init(void) {
	if (cd_eng) return 0;
	if (dnnl_engine_create(&cd_eng, dnnl_cpu, 0) != dnnl_success) return 1;
	return 0;
}

// Every primitive is created and run with one OpenMP thread on the calling
// thread: the engine splits convolutions into fixed chunks of images and
// runs the chunks on its own goroutines, so oneDNN never opens a parallel
// region (no OpenMP team, nothing to hang on), its kernels are blocked for
// one thread whatever the engine's thread count, and every result is a
// function of the shape alone.
static void cd_one_thread(void) { omp_set_num_threads(1); }

#define CK(x) do { if ((x) != dnnl_success) goto fail; } while (0)

// cd_pd makes a primitive descriptor whose scratchpad the caller supplies
// (so chunks can run at once, each with its own). With prefer set it takes
// the first implementation whose name contains prefer (e.g. "gemm"), else
// oneDNN's first choice: the caller picks by the shape alone, so the same
// shape always runs the same implementation.
static dnnl_primitive_desc_t cd_pd(const_dnnl_op_desc_t d, const_dnnl_primitive_desc_t hint, int sum, const char *prefer) {
	dnnl_primitive_attr_t attr = NULL;
	dnnl_post_ops_t po = NULL;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_primitive_desc_iterator_t it = NULL;
	if (dnnl_primitive_attr_create(&attr) != dnnl_success) return NULL;
	dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
	if (sum) {
		dnnl_post_ops_create(&po);
		dnnl_post_ops_append_sum(po, 1.0f);
		dnnl_primitive_attr_set_post_ops(attr, po);
	}
	if (prefer && dnnl_primitive_desc_iterator_create(&it, d, attr, cd_eng, hint) == dnnl_success) {
		do {
			dnnl_primitive_desc_t c = dnnl_primitive_desc_iterator_fetch(it);
			const char *name = NULL;
			if (!c) break;
			if (dnnl_primitive_desc_query(c, dnnl_query_impl_info_str, 0, &name) == dnnl_success && name && strstr(name, prefer)) {
				pd = c;
				break;
			}
			dnnl_primitive_desc_destroy(c);
		} while (dnnl_primitive_desc_iterator_next(it) == dnnl_success);
		dnnl_primitive_desc_iterator_destroy(it);
	}
	if (!pd && dnnl_primitive_desc_create(&pd, d, attr, cd_eng, hint) != dnnl_success) pd = NULL;
	if (po) dnnl_post_ops_destroy(po);
	dnnl_primitive_attr_destroy(attr);
	return pd;
}

// cd_prim turns pd into a primitive, raising *scr to its scratchpad size.
static dnnl_primitive_t cd_prim(dnnl_primitive_desc_t pd, size_t *scr) {
	dnnl_primitive_t p = NULL;
	if (!pd) return NULL;
	const dnnl_memory_desc_t *s = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
	if (s) {
		size_t n = dnnl_memory_desc_get_size(s);
		if (n > *scr) *scr = n;
	}
	if (dnnl_primitive_create(&p, pd) != dnnl_success) p = NULL;
	return p;
}

// cd_reorder makes a reorder src -> dst (user scratchpad), raising *scr to
// its scratchpad size.
static dnnl_primitive_t cd_reorder(const dnnl_memory_desc_t *src, const dnnl_memory_desc_t *dst, size_t *scr) {
	dnnl_primitive_attr_t attr = NULL;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_primitive_t p = NULL;
	if (dnnl_primitive_attr_create(&attr) != dnnl_success) return NULL;
	dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
	if (dnnl_reorder_primitive_desc_create(&pd, src, cd_eng, dst, cd_eng, attr) == dnnl_success) {
		p = cd_prim(pd, scr);
		dnnl_primitive_desc_destroy(pd);
	}
	dnnl_primitive_attr_destroy(attr);
	return p;
}

// cd_shape is one convolution prepared for chunks of nb images: forward,
// backward-data and backward-weights primitives on NHWC activations, the
// weights kept by the caller in Keras layout (kh, kw, in, out; depthwise
// kh, kw, C, 1) and reordered once per call into the layout each primitive
// chose (format "any").
typedef struct {
	long nb;
	dnnl_primitive_t fwd, bwdd, bwdw, r_w2fwd, r_w2bwdd, r_dw2user;
	dnnl_memory_desc_t src, dst, wuser, wf, wb, dw, bmd;
	int wf_user, wb_user, dw_user; // the forward / backward-data / backward-weights layout is the user's
	size_t scr;
} cd_shape;

// cd_conv is an op's convolution: the shape of its full chunks and, when
// the batch is not a multiple of the chunk, of the last one; and per chunk
// a stream. Buffers that live only during one call (weights in oneDNN's
// layout, per-chunk scratchpads and weight gradients in oneDNN's layout)
// are the caller's, shared by all ops: scr, dwb and wb bytes of them.
typedef struct {
	cd_shape *full, *rest;
	long chunks, per, wlen, bias;
	size_t scr, dwb, wb;
	dnnl_stream_t *strm;
} cd_conv;

static void cd_shape_free(cd_shape *s) {
	if (!s) return;
	dnnl_primitive_t ps[] = {s->fwd, s->bwdd, s->bwdw, s->r_w2fwd, s->r_w2bwdd, s->r_dw2user};
	for (int i = 0; i < 6; i++) if (ps[i]) dnnl_primitive_destroy(ps[i]);
	free(s);
}

static void cd_conv_free(cd_conv *c) {
	if (!c) return;
	for (long i = 0; i < c->chunks; i++)
		if (c->strm && c->strm[i]) dnnl_stream_destroy(c->strm[i]);
	free(c->strm);
	cd_shape_free(c->full);
	cd_shape_free(c->rest);
	free(c);
}

// cd_shape_new prepares nb x H x W x Cin -> nb x Ho x Wo x Cout with a k x k
// kernel, stride s, padding pt/pl before and pb/pr after; groups = Cin =
// Cout for depthwise. train also prepares the backward passes.
static cd_shape *cd_shape_new(long nb, long H, long W, long Cin, long Ho, long Wo, long Cout, long k, long s,
			      long pt, long pl, long pb, long pr, long groups, int bias, int train, int gemmf, int gemmd, int gemmw) {
	cd_shape *c = calloc(1, sizeof(cd_shape));
	dnnl_primitive_desc_t fpd = NULL, dpd = NULL, wpd = NULL;
	dnnl_memory_desc_t wany;
	c->nb = nb;
	dnnl_dims_t sd = {nb, Cin, H, W}, dd = {nb, Cout, Ho, Wo};
	CK(dnnl_memory_desc_init_by_tag(&c->src, 4, sd, dnnl_f32, dnnl_nhwc));
	CK(dnnl_memory_desc_init_by_tag(&c->dst, 4, dd, dnnl_f32, dnnl_nhwc));
	if (groups > 1) {
		dnnl_dims_t wd = {groups, Cout / groups, Cin / groups, k, k};
		CK(dnnl_memory_desc_init_by_tag(&c->wuser, 5, wd, dnnl_f32, dnnl_hwigo));
		CK(dnnl_memory_desc_init_by_tag(&wany, 5, wd, dnnl_f32, dnnl_format_tag_any));
	} else {
		dnnl_dims_t wd = {Cout, Cin, k, k};
		CK(dnnl_memory_desc_init_by_tag(&c->wuser, 4, wd, dnnl_f32, dnnl_hwio));
		CK(dnnl_memory_desc_init_by_tag(&wany, 4, wd, dnnl_f32, dnnl_format_tag_any));
	}
	dnnl_dims_t bd = {Cout};
	CK(dnnl_memory_desc_init_by_tag(&c->bmd, 1, bd, dnnl_f32, dnnl_a));
	dnnl_dims_t st = {s, s}, padl = {pt, pl}, padr = {pb, pr};
	dnnl_convolution_desc_t fd, bdd, bwd;
	CK(dnnl_convolution_forward_desc_init(&fd, train ? dnnl_forward_training : dnnl_forward_inference,
		dnnl_convolution_direct, &c->src, &wany, bias ? &c->bmd : NULL, &c->dst, st, padl, padr));
	fpd = cd_pd(&fd, NULL, 0, gemmf ? "gemm" : NULL);
	if (!fpd) goto fail;
	c->wf = *dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 0);
	if (!(c->fwd = cd_prim(fpd, &c->scr))) goto fail;
	c->wf_user = dnnl_memory_desc_equal(&c->wf, &c->wuser);
	if (!c->wf_user && !(c->r_w2fwd = cd_reorder(&c->wuser, &c->wf, &c->scr))) goto fail;
	if (train) {
		CK(dnnl_convolution_backward_data_desc_init(&bdd, dnnl_convolution_direct, &c->src, &wany, &c->dst, st, padl, padr));
		if (!(dpd = cd_pd(&bdd, fpd, 0, gemmd ? "gemm" : NULL))) goto fail;
		c->wb = *dnnl_primitive_desc_query_md(dpd, dnnl_query_weights_md, 0);
		if (!(c->bwdd = cd_prim(dpd, &c->scr))) goto fail;
		c->wb_user = dnnl_memory_desc_equal(&c->wb, &c->wuser);
		if (!c->wb_user && !(c->r_w2bwdd = cd_reorder(&c->wuser, &c->wb, &c->scr))) goto fail;
		CK(dnnl_convolution_backward_weights_desc_init(&bwd, dnnl_convolution_direct, &c->src, &wany, bias ? &c->bmd : NULL,
			&c->dst, st, padl, padr));
		if (!(wpd = cd_pd(&bwd, fpd, 0, gemmw ? "gemm" : NULL))) goto fail;
		c->dw = *dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_weights_md, 0);
		if (!(c->bwdw = cd_prim(wpd, &c->scr))) goto fail;
		c->dw_user = dnnl_memory_desc_equal(&c->dw, &c->wuser);
		if (!c->dw_user && !(c->r_dw2user = cd_reorder(&c->dw, &c->wuser, &c->scr))) goto fail;
	}
	dnnl_primitive_desc_destroy(fpd);
	if (dpd) dnnl_primitive_desc_destroy(dpd);
	if (wpd) dnnl_primitive_desc_destroy(wpd);
	return c;
fail:
	if (fpd) dnnl_primitive_desc_destroy(fpd);
	if (dpd) dnnl_primitive_desc_destroy(dpd);
	if (wpd) dnnl_primitive_desc_destroy(wpd);
	cd_shape_free(c);
	return NULL;
}

// cd_conv_new prepares a convolution of an N-image batch cut into chunks
// of per images (the last one smaller when per does not divide N).
static cd_conv *cd_conv_new(long N, long per, long H, long W, long Cin, long Ho, long Wo, long Cout, long k, long s,
			    long pt, long pl, long pb, long pr, long groups, int bias, int train, int gemmf, int gemmd, int gemmw) {
	cd_one_thread();
	cd_conv *c = calloc(1, sizeof(cd_conv));
	c->per = per;
	c->chunks = (N + per - 1) / per;
	c->bias = bias;
	c->wlen = k * k * Cin * Cout / groups;
	c->full = cd_shape_new(per, H, W, Cin, Ho, Wo, Cout, k, s, pt, pl, pb, pr, groups, bias, train, gemmf, gemmd, gemmw);
	if (!c->full) goto fail;
	if (N % per) {
		c->rest = cd_shape_new(N % per, H, W, Cin, Ho, Wo, Cout, k, s, pt, pl, pb, pr, groups, bias, train, gemmf, gemmd, gemmw);
		if (!c->rest) goto fail;
		if (!dnnl_memory_desc_equal(&c->rest->wf, &c->full->wf)) goto fail;
		if (train && !dnnl_memory_desc_equal(&c->rest->wb, &c->full->wb)) goto fail;
	}
	c->strm = calloc(c->chunks, sizeof(dnnl_stream_t));
	cd_shape *ss[] = {c->full, c->rest};
	for (int i = 0; i < 2; i++) {
		cd_shape *s = ss[i];
		if (!s) continue;
		if (s->scr > c->scr) c->scr = s->scr;
		size_t n = s->wf_user ? 0 : dnnl_memory_desc_get_size(&s->wf);
		if (n > c->wb) c->wb = n;
		n = !train || s->wb_user ? 0 : dnnl_memory_desc_get_size(&s->wb);
		if (n > c->wb) c->wb = n;
		n = !train || s->dw_user ? 0 : dnnl_memory_desc_get_size(&s->dw);
		if (n > c->dwb) c->dwb = n;
	}
	for (long i = 0; i < c->chunks; i++)
		CK(dnnl_stream_create(&c->strm[i], cd_eng, dnnl_stream_default_flags));
	return c;
fail:
	cd_conv_free(c);
	return NULL;
}

// cd_run executes p on stream st with n (argument, descriptor, buffer)
// triples; the memory objects live for this call only (a few microseconds;
// a chunk takes hundreds) so no two chunks ever share one.
static int cd_run(dnnl_primitive_t p, dnnl_stream_t st, int n, const int *args, const dnnl_memory_desc_t *const *mds,
		  void *const *ptrs, const dnnl_memory_desc_t *scrmd, void *scr) {
	dnnl_exec_arg_t a[8];
	int rc = 0, made = 0;
	for (; made < n; made++) {
		a[made].arg = args[made];
		if (dnnl_memory_create(&a[made].memory, mds[made], cd_eng, ptrs[made]) != dnnl_success) { rc = 1; break; }
	}
	if (!rc && scrmd && dnnl_memory_desc_get_size(scrmd) > 0) {
		a[made].arg = DNNL_ARG_SCRATCHPAD;
		if (dnnl_memory_create(&a[made].memory, scrmd, cd_eng, scr) != dnnl_success) rc = 1;
		else made++;
	}
	if (!rc) rc = dnnl_primitive_execute(p, st, made, a) != dnnl_success || dnnl_stream_wait(st) != dnnl_success;
	for (int i = 0; i < made; i++) dnnl_memory_destroy(a[i].memory);
	return rc;
}

static const dnnl_memory_desc_t *cd_scrmd(dnnl_primitive_t p) {
	const_dnnl_primitive_desc_t pd = NULL;
	if (dnnl_primitive_get_primitive_desc(p, &pd) != dnnl_success) return NULL;
	return dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
}

static int cd_reorder_run(dnnl_primitive_t p, dnnl_stream_t st, const dnnl_memory_desc_t *from, void *src,
			  const dnnl_memory_desc_t *to, void *dst, void *scr) {
	int args[] = {DNNL_ARG_FROM, DNNL_ARG_TO};
	const dnnl_memory_desc_t *mds[] = {from, to};
	void *ptrs[] = {src, dst};
	return cd_run(p, st, 2, args, mds, ptrs, cd_scrmd(p), scr);
}

// cd_conv_weights reorders the user weights w into wbuf in the layout of
// the forward (bwd = 0) or backward-data (bwd = 1) primitives, once per
// call, on the calling thread with chunk 0's stream and scratchpad scr.
// The full and the last chunk's primitives run on the same weights: oneDNN
// picks the weight layout by channels and kernel, never by batch, so a
// last chunk whose layout differed is refused (cd_conv_new fails).
static int cd_conv_weights(cd_conv *c, int bwd, float *w, void *wbuf, void *scr) {
	cd_one_thread();
	cd_shape *s = c->full;
	dnnl_primitive_t r = bwd ? s->r_w2bwdd : s->r_w2fwd;
	if (r && cd_reorder_run(r, c->strm[0], &s->wuser, w, bwd ? &s->wb : &s->wf, wbuf, scr)) return 1;
	return 0;
}

static cd_shape *cd_chunk_shape(cd_conv *c, long i) { return c->rest && i == c->chunks - 1 ? c->rest : c->full; }

// cd_conv_fwd runs chunk i: x and y point at the chunk's first image, wbuf
// holds the weights cd_conv_weights reordered, scr is the chunk's
// scratchpad.
static int cd_conv_fwd(cd_conv *c, long i, float *x, float *w, void *wbuf, float *b, float *y, void *scr) {
	cd_one_thread();
	cd_shape *s = cd_chunk_shape(c, i);
	int args[] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, DNNL_ARG_BIAS};
	const dnnl_memory_desc_t *mds[] = {&s->src, &s->wf, &s->dst, &s->bmd};
	void *ptrs[] = {x, s->wf_user ? (void *)w : wbuf, y, b};
	return cd_run(s->fwd, c->strm[i], c->bias ? 4 : 3, args, mds, ptrs, cd_scrmd(s->fwd), scr);
}

// cd_conv_bwd runs chunk i's backward: its weight (and bias) gradient into
// dw (db), overwritten, in the user layout (through dwblk, the chunk's
// buffer for oneDNN's layout); and the input gradient into dx (overwritten)
// when dx is not NULL, from the weights cd_conv_weights put in wbuf.
static int cd_conv_bwd(cd_conv *c, long i, float *x, float *w, void *wbuf, float *dy, float *dx, float *dw, float *db,
		       void *dwblk, void *scr) {
	cd_one_thread();
	cd_shape *s = cd_chunk_shape(c, i);
	void *blk = s->dw_user ? (void *)dw : dwblk;
	int args[] = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS};
	const dnnl_memory_desc_t *mds[] = {&s->src, &s->dst, &s->dw, &s->bmd};
	void *ptrs[] = {x, dy, blk, db};
	if (cd_run(s->bwdw, c->strm[i], c->bias ? 4 : 3, args, mds, ptrs, cd_scrmd(s->bwdw), scr)) return 1;
	if (!s->dw_user && cd_reorder_run(s->r_dw2user, c->strm[i], &s->dw, blk, &s->wuser, dw, scr)) return 1;
	if (!dx) return 0;
	int dargs[] = {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC};
	const dnnl_memory_desc_t *dmds[] = {&s->dst, &s->wb, &s->src};
	void *dptrs[] = {dy, s->wb_user ? (void *)w : wbuf, dx};
	return cd_run(s->bwdd, c->strm[i], 3, dargs, dmds, dptrs, cd_scrmd(s->bwdd), scr);
}

// cd_conv_bwd_data runs chunk i's backward-data alone (cd_conv_bwd's
// second half), for timing it (chunkBackward).
static int cd_conv_bwd_data(cd_conv *c, long i, float *w, void *wbuf, float *dy, float *dx, void *scr) {
	cd_one_thread();
	cd_shape *s = cd_chunk_shape(c, i);
	int dargs[] = {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC};
	const dnnl_memory_desc_t *dmds[] = {&s->dst, &s->wb, &s->src};
	void *dptrs[] = {dy, s->wb_user ? (void *)w : wbuf, dx};
	return cd_run(s->bwdd, c->strm[i], 3, dargs, dmds, dptrs, cd_scrmd(s->bwdd), scr);
}

// cd_impl names the implementation oneDNN runs for chunk 0's forward
// (which 0), backward-data (1) or backward-weights (2), "" if none.
static const char *cd_impl(cd_conv *c, int which) {
	dnnl_primitive_t ps[] = {c->full->fwd, c->full->bwdd, c->full->bwdw};
	const_dnnl_primitive_desc_t pd = NULL;
	const char *name = NULL;
	if (which < 0 || which > 2 || !ps[which] || dnnl_primitive_get_primitive_desc(ps[which], &pd) != dnnl_success) return "";
	if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name) != dnnl_success || !name) return "";
	return name;
}

static void cd_add(float *restrict dst, const float *restrict src, long n) {
	for (long i = 0; i < n; i++) dst[i] += src[i];
}

// cd_sum_parts adds chunks partials (parts + i*stride, i in order) to
// g[0, n): each g[j] gets g[j] + p0[j] + p1[j] + ... in that order, the
// same sum whatever the split of [0, n) across threads. Blocks of 2048
// values keep g's block in L1 while the partials stream past.
static void cd_sum_parts(float *restrict g, const float *restrict parts, long stride, long chunks, long n) {
	for (long j0 = 0; j0 < n; j0 += 2048) {
		long j1 = j0 + 2048 < n ? j0 + 2048 : n;
		for (long i = 0; i < chunks; i++) {
			const float *restrict p = parts + i * stride;
			for (long j = j0; j < j1; j++) g[j] += p[j];
		}
	}
}

static int cd_isa(void) { return (int)dnnl_get_effective_cpu_isa(); }

static const char *cd_version(void) {
	static char buf[64];
	const dnnl_version_t *v = dnnl_version();
	snprintf(buf, sizeof buf, "oneDNN %d.%d.%d", v->major, v->minor, v->patch);
	return buf;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// dnnlBackend is the cpu backend with oneDNN's convolutions: regular (1x1,
// 3x3, strided) and depthwise as grouped convolution, forward,
// backward-data and backward-weights, on NHWC activations. Everything else
// (batch norm fused with swish, the vector ops, dense layers, Gram
// products) runs on the cpu backend it embeds, where it measured as fast
// or faster than oneDNN's own batch norm, eltwise and pooling.
//
// It is deterministic and independent of the thread count, like cpu: a
// convolution is cut into chunks of images fixed by the batch and map size
// alone (chunkImages), each chunk runs one single-threaded oneDNN primitive
// (created for one thread, executed with one OpenMP thread, its own stream
// and scratchpad) on one of the engine's goroutines, and the chunks' weight
// gradients are added in chunk order. oneDNN never starts an OpenMP
// parallel region, so nothing of OpenMP's state (e.g. what Tesseract leaves
// behind) can stall it.
// Primitives are created once per op shape (per plan) and reused every step.
type dnnlBackend struct {
	hostBackend
	// Buffers that live for one op's call, shared by all ops so they cost
	// the largest op's size, not the sum (a per-op weight-gradient partial
	// per chunk came to 8x the parameters): the weights in oneDNN's layout,
	// and per chunk a scratchpad, a weight gradient in oneDNN's layout and
	// one in Keras layout (plus the bias gradient).
	wbuf, scr, dwblk, part []float32
	// threads is the engine's thread count (setThreads); the training ops
	// never hand it to oneDNN (one thread per chunk), it is there for code
	// that runs a whole op on oneDNN's own threads.
	threads int
	// isa is the instruction set oneDNN runs on (gemmBackward).
	isa dnnlISA
	// maxChunks caps a convolution's chunks (chunkImages); 0 means
	// dnnlChunks. Only BenchmarkDnnlChunkCap sets it, to pair caps in one
	// process.
	maxChunks int
	// noFusedStats turns off the batch-norm statistics added up in the
	// convolutions' forward chunks (forward), for paired measurements and
	// tests against the separate pass.
	noFusedStats bool
	// force1x1 overrides route1x1's table for every 1x1 convolution when
	// not nil (TestDnnlRoutes runs each route against ref).
	force1x1 *convRoute
}

// onednnBackend is oneDNN over the cpu backend, or nil if oneDNN cannot
// start an engine.
func onednnBackend() Backend {
	if C.cd_init() != 0 {
		return nil
	}
	return &dnnlBackend{hostBackend: hostBackend{name: "onednn", k: cKernels()}, threads: 1, isa: effectiveISA()}
}

func (b *dnnlBackend) setThreads(n int) {
	b.threads = n
	b.hostBackend.setThreads(n)
}

func (b *dnnlBackend) Describe() string {
	return fmt.Sprintf("%s convolutions on %s (one thread per image chunk%s), %s products", C.GoString(C.cd_version()), b.isa, b.isaNote(), cKernelsLevel())
}

// A convolution's batch is cut into between dnnlMinChunks and dnnlChunks
// chunks of images, fewer when the maps are small: each chunk should hold
// at least dnnlChunkPositions input positions, as every chunk writes,
// reorders and adds a whole weight gradient however few positions it
// sums (B2's 8x8 stages: 260k weights per convolution). The count is a
// function of the shape alone, never of the thread count, so results do
// not depend on the latter.
//
// The cap of 8 was measured against others on the Zen 4 box of wave 7
// (paired training steps, 3 rounds): 32 chunks 0.90x at batch 64 and 0.93x
// at batch 16; 16 chunks at batch 64 1.07x median but spread 0.94-1.08,
// too noisy to adopt. Settled on this box's kind (Zen 5, wave 8,
// BenchmarkDnnlChunkCap, 14 paired rounds of batch-64 steps in one quiet
// run): 16 chunks 0.998x median (0.93-1.08), so 8 stays. Fewer, larger
// chunks do not pay either: on the Zen 4 of wave 10 (batch 16, one thread,
// fastest of 5, BenchmarkDnnlChunkSize) chunks of twice the images took
// 1.04x as long a step (933 + 2368 against 898 + 2288 ms forward +
// backward; an earlier run under heavier load 0.95x), per shape 0.6-1.4x.
const (
	dnnlChunks         = 8
	dnnlMinChunks      = 4
	dnnlChunkPositions = 512
)

// dnnlConv is an op's prepared oneDNN convolution; a nil c means the op
// runs on the cpu backend.
type dnnlConv struct {
	c   *C.cd_conv
	per int // images per chunk
	// ho, wo, cout are the output's geometry (backwardOn).
	ho, wo, cout int
	// route says which implementation runs each pass (route1x1).
	route convRoute
	// most is the backend's maxChunks it was prepared under, other the
	// op's preparation under another cap (BenchmarkDnnlChunkCap only).
	most  int
	other *dnnlConv
}

// floats is the number of float32s holding n bytes, rounded up to 64 bytes
// so every chunk's buffer starts on a cache line.
func floats(n C.size_t) int { return (int(n) + 63) / 64 * 16 }

// grow returns buf with at least n values, reallocated when shorter.
func grow(buf *[]float32, n int) []float32 {
	if len(*buf) < n {
		*buf = make([]float32, n)
	}
	return *buf
}

func (d *dnnlConv) free() { C.cd_conv_free(d.c) }

// impls names oneDNN's implementations of the forward, backward-data and
// backward-weights passes (e.g. "jit:avx2", "x64:gemm:jit").
func (d *dnnlConv) impls() (fwd, bwdData, bwdWeights string) {
	return C.GoString(C.cd_impl(d.c, 0)), C.GoString(C.cd_impl(d.c, 1)), C.GoString(C.cd_impl(d.c, 2))
}

type opStateHolder interface{ slot() *opState }

func (s *opState) slot() *opState { return s }

// convState returns the op's prepared convolution (nil to fall back),
// preparing it on first use.
func (b *dnnlBackend) convState(o opStateHolder, prepare func() *dnnlConv) *dnnlConv {
	st := o.slot()
	d, ok := st.state.(*dnnlConv)
	if ok && d.most != b.maxChunks {
		// BenchmarkDnnlChunkCap switched caps: take the op's other
		// preparation, or prepare one and keep this one beside it.
		if o := d.other; o != nil && o.most == b.maxChunks {
			d.other, o.other = nil, d
			d = o
		} else {
			ok = false
		}
	}
	if !ok {
		old := d
		if old != nil {
			old.other = nil
		}
		d = prepare()
		d.most, d.other = b.maxChunks, old
		st.state = d
		if d.c != nil {
			runtime.SetFinalizer(d, (*dnnlConv).free)
		}
	} else {
		st.state = d
	}
	if d.c == nil {
		return nil
	}
	return d
}

func p32(s []float32) *C.float {
	if len(s) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&s[0]))
}

// chunkImages is the images per chunk of a batch of n maps of hw positions.
func chunkImages(n, hw int) int { return chunkImagesUpTo(n, hw, dnnlChunks) }

// chunkImagesUpTo is chunkImages with a cap of most chunks instead of
// dnnlChunks.
func chunkImagesUpTo(n, hw, most int) int {
	c := max(dnnlMinChunks, min(most, n*hw/dnnlChunkPositions))
	return (n + c - 1) / c
}

// dnnlISA is the instruction set oneDNN's kernels run on
// (dnnl_get_effective_cpu_isa: the CPU's, lowered by ONEDNN_MAX_CPU_ISA
// or DNNL_MAX_CPU_ISA), as oneDNN's dnnl_cpu_isa_t bit masks.
type dnnlISA int

const (
	isaSSE41      dnnlISA = 0x1
	isaAVX        dnnlISA = 0x3
	isaAVX2       dnnlISA = 0x7
	isaAVX512Core dnnlISA = 0x27
	isaAVX512MIC  dnnlISA = 0xf // Xeon Phi
)

// effectiveISA is the ISA oneDNN runs on here.
func effectiveISA() dnnlISA { return dnnlISA(C.cd_isa()) }

// avx512 says whether oneDNN runs AVX-512 kernels.
func (i dnnlISA) avx512() bool { return i.has(isaAVX512Core) || i.has(isaAVX512MIC) }

// has says whether the ISA includes every instruction of o.
func (i dnnlISA) has(o dnnlISA) bool { return i&o == o }

func (i dnnlISA) String() string {
	switch {
	case i.has(isaAVX512Core):
		return "avx512_core"
	case i.has(isaAVX512MIC):
		return "avx512_mic"
	case i.has(isaAVX2):
		return "avx2"
	case i.has(isaAVX):
		return "avx"
	case i.has(isaSSE41):
		return "sse41"
	}
	return fmt.Sprintf("isa 0x%x", int(i))
}

// gemmBackward says whether a convolution's backward-data and
// backward-weights run on oneDNN's gemm implementation (im2col + its own
// single-threaded sgemm) instead of its first choice, chosen by the ISA
// oneDNN runs on and the shape alone, so in one process a shape always
// gets the same implementation (and the same bits) whatever the thread
// count.
//
// On AVX2 (and AVX2 with VNNI, which has the same fp32 kernels) the
// first choice is the direct jit:avx2 / jit_1x1:avx2 kernels, and this
// rule was measured single-threaded per chunk on every B2 shape (Zen
// AVX2, 2 images a chunk): jit's backward-weights reaches 27-60 GFLOP/s
// on 3x3 convolutions with 32+ inputs and 64+ outputs where gemm reaches
// 55-67 (2x on 32->128 at 64x64), and gemm is as fast or up to 1.5x
// faster on every 1x1; jit's backward-data of 3x3 convolutions with 48+
// inputs or stride 2 runs 1.5-3.5x slower than gemm's (56->224 at 32x32:
// 8.6 vs 5.8 ms quiet). On fewer channels (16, 32 outputs at 128x128) jit
// wins by 2-8x, and depthwise stays on jit_dw (gemm is 10-100x slower
// there). Per B2 batch-16 training step (2 threads, quiet,
// BenchmarkOpBreakdown) 3x3 backward went from 2.5-4.2x its forward to
// 1.7-2.1x, 1x1 from 2.8x to 2.1x.
//
// On AVX-512 (Zen 5, avx512_core; BenchmarkDnnlGemmBackward, paired,
// single-threaded per chunk) gemm is as fast or faster for the
// backward-weights of every 1x1 convolution: 1.0-1.3x at batch 16 (2 to
// 4 images a chunk) and 1.0-2.6x at batch 64 (8 a chunk), most where the
// convolution narrows (128->32 at 64x64: 1.3x and 1.6x; 720->120 at
// 16x16: 1.2x and 1.4x), and never below 0.98x. Everything else keeps
// oneDNN's first choice, the direct jit:avx512_core / jit_1x1 kernels:
// their 3x3 backward-weights beat gemm on every B2 shape (gemm 0.15-0.9x;
// 10x slower on 16 and 32 channels at 128x128), and backward-data is a
// draw or worse on gemm at batch 16 (0.4-1.2x, 1x1 at 8x8 0.7x), gaining
// only on one shape at batch 64 (3x3 32->128 at 64x64, 1.4x) that a rule
// would be fitted to. Below AVX2 nothing is asked for: with
// ONEDNN_MAX_CPU_ISA=SSE41 or AVX oneDNN's first choice for the
// backward passes of every B2 convolution is already its gemm
// implementation (AVX keeps jit_1x1 for 1x1 backward-data), depthwise
// jit_dw:sse41 (TestDnnlB2Primitives logs them).
func gemmBackward(isa dnnlISA, cin, cout, k, stride, groups int) (data, weights bool) {
	switch {
	case groups > 1 || !isa.has(isaAVX2):
		return false, false
	case isa.avx512():
		return false, k == 1
	}
	data = k > 1 && (stride > 1 || cin >= 48)
	weights = k == 1 || (cin >= 32 && cout >= 64)
	return data, weights
}

func (b *dnnlBackend) prepare(x, y *Tensor, k, stride, padT, padL, groups int, bias bool) *dnnlConv {
	gd, gw := gemmBackward(b.isa, x.C, y.C, k, stride, groups)
	r := convRoute{fwd: onDnnl, data: onDnnl, weights: onDnnl}
	if gd {
		r.data = onDnnlGemm
	}
	if gw {
		r.weights = onDnnlGemm
	}
	return b.prepareRoute(x, y, k, stride, padT, padL, groups, bias, r)
}

// prepareRoute prepares the convolution for the route r: oneDNN's gemm
// implementation for the backward passes r puts on it, its first choice
// for the others (a pass on OpenBLAS runs on the host backend).
func (b *dnnlBackend) prepareRoute(x, y *Tensor, k, stride, padT, padL, groups int, bias bool, r convRoute) *dnnlConv {
	per := chunkImages(x.N, x.H*x.W)
	if b.maxChunks > 0 {
		per = chunkImagesUpTo(x.N, x.H*x.W, b.maxChunks)
	}
	pb := (y.H-1)*stride + k - x.H - padT
	pr := (y.W-1)*stride + k - x.W - padL
	if r.chunks > 0 {
		per = chunkImagesUpTo(x.N, x.H*x.W, r.chunks)
	}
	d := b.prepareOn(x, y, per, k, stride, padT, padL, pb, pr, groups, bias, r.fwd == onDnnlGemm, r.data == onDnnlGemm, r.weights == onDnnlGemm)
	d.route = r
	return d
}

// prepareOn prepares the convolution with the given chunk size, asking for
// oneDNN's gemm implementation of the forward (gf), backward-data (gd)
// and backward-weights (gw) or taking its first choice.
func (b *dnnlBackend) prepareOn(x, y *Tensor, per, k, stride, padT, padL, pb, pr, groups int, bias, gf, gd, gw bool) *dnnlConv {
	c := C.cd_conv_new(C.long(x.N), C.long(per), C.long(x.H), C.long(x.W), C.long(x.C), C.long(y.H), C.long(y.W), C.long(y.C),
		C.long(k), C.long(stride), C.long(padT), C.long(padL), C.long(pb), C.long(pr), C.long(groups), cbool(bias), 1, cbool(gf), cbool(gd), cbool(gw))
	return &dnnlConv{c: c, per: per, ho: y.H, wo: y.W, cout: y.C}
}

// conv prepares the op's convolution on maps of at least 2x2 (1x1 and 3x3,
// oneDNN's jit_1x1 and jit kernels beat im2col + OpenBLAS on every such
// shape of B2, 1.5-2x on the 1x1 ones); dense layers and the
// squeeze-and-excitation convolutions stay on OpenBLAS (a call costs more
// than the work).
func (b *dnnlBackend) conv(o *convOp) *dnnlConv {
	if o.y.H < 2 || o.y.W < 2 {
		return nil
	}
	return b.convState(o, func() *dnnlConv {
		if o.direct() {
			r := route1x1(b.isa, o.x.C, o.y.C)
			if b.force1x1 != nil {
				r = *b.force1x1
			}
			return b.prepareRoute(o.x, o.y, 1, 1, 0, 0, 1, o.b != nil, r)
		}
		return b.prepare(o.x, o.y, o.k, o.stride, o.padT, o.padL, 1, o.b != nil)
	})
}

// dw prepares the op's depthwise convolution (grouped, one group per
// channel) on maps of at least 4x4: oneDNN 2.6's depthwise backward-weights
// crashes on smaller ones.
func (b *dnnlBackend) dw(o *dwConvOp) *dnnlConv {
	if o.x.H < 4 || o.x.W < 4 {
		return nil
	}
	return b.convState(o, func() *dnnlConv {
		return b.prepare(o.x, o.y, o.k, o.stride, o.padT, o.padL, o.x.C, false)
	})
}

func (b *dnnlBackend) dwForward(e *exec, o *dwConvOp) {
	d := b.dw(o)
	if d == nil {
		b.hostBackend.dwForward(e, o)
		return
	}
	b.forward(e, d, o.x, o.y, o.w, nil, o.bn)
}

func (b *dnnlBackend) dwBackward(e *exec, o *dwConvOp) {
	d := b.dw(o)
	if d == nil {
		b.hostBackend.dwBackward(e, o)
		return
	}
	b.backward(e, d, o.x, o.y, o.w, nil)
}

func cbool(v bool) C.int {
	if v {
		return 1
	}
	return 0
}

func (b *dnnlBackend) check(rc C.int, what string) {
	if rc != 0 {
		panic("model: oneDNN " + what + " failed") // a prepared primitive failing to run is a bug
	}
}

// chunks runs fn(i, first image) for every chunk of d across the exec's
// goroutines, each taking the next chunk as it finishes one (pool.each):
// a chunk has its own output, stream, scratchpad and partials, so which
// goroutine runs it changes nothing. On the 2-core Xeon of wave 9 (a KVM
// guest, 0-25% of the time stolen) the fixed halves of the chunks left a
// core waiting for the other.
func (b *dnnlBackend) chunks(e *exec, d *dnnlConv, fn func(i, n0 int)) {
	e.each(int(d.c.chunks), func(i int) { fn(i, i*d.per) })
}

func (b *dnnlBackend) convForward(e *exec, o *convOp) {
	d := b.conv(o)
	if d == nil || d.route.fwd == onBLAS {
		b.hostBackend.convForward(e, o)
		return
	}
	b.forward(e, d, o.x, o.y, o.w, o.b, o.bn)
}

// forward runs the chunks of a prepared convolution y = x * w (+ bias).
// In training, when bn (the batch norm that reads y next) is given, each
// chunk also adds up bn's statistics of its own output right after writing
// it, while it is still in cache, into bn's partials (bnOp.fusedChunks):
// the batch norm then skips its pass over y. The chunks are fixed by the
// shape, so the sums are the same whatever the thread count.
func (b *dnnlBackend) forward(e *exec, d *dnnlConv, x, y *Tensor, w, bias *Param, bn *bnOp) {
	var bp *C.float
	if bias != nil {
		bp = p32(bias.Data)
	}
	wbuf := grow(&b.wbuf, floats(d.c.wb)+1)
	ss := floats(d.c.scr)
	scr := grow(&b.scr, int(d.c.chunks)*ss+1)
	b.check(C.cd_conv_weights(d.c, 0, p32(w.Data), unsafe.Pointer(p32(wbuf)), unsafe.Pointer(p32(scr))), "weight reorder")
	xs, ys := x.H*x.W*x.C, y.H*y.W*y.C
	var part []float64
	if !e.train || b.noFusedStats || bn == nil || bn.x != y {
		bn = nil
	} else {
		part = bn.statParts(int(d.c.chunks))
	}
	Cy := y.C
	b.chunks(e, d, func(i, n0 int) {
		b.check(C.cd_conv_fwd(d.c, C.long(i), p32(x.Data[n0*xs:]), p32(w.Data), unsafe.Pointer(p32(wbuf)), bp,
			p32(y.Data[n0*ys:]), unsafe.Pointer(p32(scr[i*ss:]))), "convolution forward")
		if bn != nil {
			n1 := min(n0+d.per, y.N)
			s := part[(i+1)*2*Cy : (i+2)*2*Cy]
			b.k.bnStats(y.Data[n0*ys:n1*ys], (n1-n0)*y.H*y.W, Cy, s[:Cy], s[Cy:])
		}
	})
	if bn != nil {
		bn.fusedChunks = int(d.c.chunks)
	}
}

// convBackward runs each chunk's backward-weights (into its own partial,
// then added to the parameter gradients in chunk order) and backward-data
// (into the input gradient, or into scratch then added when another
// consumer wrote first).
func (b *dnnlBackend) convBackward(e *exec, o *convOp) {
	d := b.conv(o)
	if d == nil {
		b.hostBackend.convBackward(e, o)
		return
	}
	r := d.route
	if r.data != onBLAS && r.weights != onBLAS {
		b.backward(e, d, o.x, o.y, o.w, o.b)
		return
	}
	// A 1x1 convolution with a pass on OpenBLAS (route1x1).
	dy := o.y.gradOut()
	dx, acc := o.x.gradIn()
	var ddx []float32
	if r.data != onBLAS {
		ddx = dx
	}
	b.backwardOn(e, d, o.x, dy, o.w, o.b, ddx, acc, r.weights != onBLAS)
	if r.weights == onBLAS {
		b.hostBackend.directWeights(e, o, dy)
	}
	if dx != nil && r.data == onBLAS {
		b.hostBackend.directData(e, o, dy, dx, acc)
	}
}

// backward runs the chunks' backward passes of a prepared convolution.
func (b *dnnlBackend) backward(e *exec, d *dnnlConv, x, y *Tensor, w, bias *Param) {
	dx, acc := x.gradIn()
	b.backwardOn(e, d, x, y.gradOut(), w, bias, dx, acc, true)
}

// backwardOn runs the chunks' backward passes of d on x's geometry and
// data and the output gradient dy: the weight (and bias) gradients when
// wts, added to the parameters' gradients; the input gradient into dx
// when dx is not nil (added when acc). Both passes of a chunk run in one
// call, while the chunk's dy is in cache.
func (b *dnnlBackend) backwardOn(e *exec, d *dnnlConv, x *Tensor, dy []float32, w, bias *Param, dx []float32, acc, wts bool) {
	if !wts && dx == nil {
		return
	}
	target := dx
	if acc {
		target, _ = e.scratch(len(dx), 0)
	}
	chunks, wlen := int(d.c.chunks), int(d.c.wlen)
	plen := wlen
	if bias != nil {
		plen += d.cout
	}
	wbuf := grow(&b.wbuf, floats(d.c.wb)+1)
	ss, ds := floats(d.c.scr), floats(d.c.dwb)
	scr := grow(&b.scr, chunks*ss+1)
	var dwblk, parts []float32
	if wts {
		dwblk = grow(&b.dwblk, chunks*ds+1)
		parts = grow(&b.part, chunks*plen)
	}
	if dx != nil {
		b.check(C.cd_conv_weights(d.c, 1, p32(w.Data), unsafe.Pointer(p32(wbuf)), unsafe.Pointer(p32(scr))), "weight reorder")
	}
	xs, ys := x.H*x.W*x.C, d.ho*d.wo*d.cout
	b.chunks(e, d, func(i, n0 int) {
		var dxc *C.float
		if target != nil {
			dxc = p32(target[n0*xs:])
		}
		if !wts {
			b.check(C.cd_conv_bwd_data(d.c, C.long(i), p32(w.Data), unsafe.Pointer(p32(wbuf)), p32(dy[n0*ys:]), dxc,
				unsafe.Pointer(p32(scr[i*ss:]))), "convolution backward-data")
			return
		}
		part := parts[i*plen : (i+1)*plen]
		var db *C.float
		if bias != nil {
			db = p32(part[wlen:])
		}
		b.check(C.cd_conv_bwd(d.c, C.long(i), p32(x.Data[n0*xs:]), p32(w.Data), unsafe.Pointer(p32(wbuf)), p32(dy[n0*ys:]), dxc,
			p32(part[:wlen]), db, unsafe.Pointer(p32(dwblk[i*ds:])), unsafe.Pointer(p32(scr[i*ss:]))), "convolution backward")
	})
	if wts {
		// Partials in chunk order: the sum does not depend on which
		// goroutine ran which chunk, nor on the split of the parameters
		// across them.
		e.run(plen, 4096, func(lo, hi int) {
			if lo < wlen {
				h := min(hi, wlen)
				C.cd_sum_parts(p32(w.Grad[lo:h]), p32(parts[lo:]), C.long(plen), C.long(chunks), C.long(h-lo))
			}
			if hi > wlen {
				l := max(lo, wlen)
				C.cd_sum_parts(p32(bias.Grad[l-wlen:hi-wlen]), p32(parts[l:]), C.long(plen), C.long(chunks), C.long(hi-l))
			}
		})
	}
	if acc {
		b.addInto(e, dx, target)
	}
}

// addInto is dst += src, split across the exec's goroutines.
func (b *dnnlBackend) addInto(e *exec, dst, src []float32) {
	e.run(len(dst), 1<<14, func(lo, hi int) {
		C.cd_add(p32(dst[lo:hi]), p32(src[lo:hi]), C.long(hi-lo))
	})
}

// chunkBackward runs one backward pass of chunk i of d on the calling
// goroutine: backward-weights into dw (with the weight gradient's reorder
// to the user layout) when dx is nil, else backward-data into dx (with
// the reorder of the weights into the primitive's layout, which backward
// runs once per op rather than per chunk). It is there to time one
// implementation of the backward passes against another on one chunk
// (BenchmarkDnnlGemmBackward).
func (b *dnnlBackend) chunkBackward(d *dnnlConv, i int, x, w, dy, dx, dw []float32) {
	wbuf := grow(&b.wbuf, floats(d.c.wb)+1)
	scr := grow(&b.scr, floats(d.c.scr)+1)
	dwblk := grow(&b.dwblk, floats(d.c.dwb)+1)
	if dx == nil {
		b.check(C.cd_conv_bwd(d.c, C.long(i), p32(x), p32(w), unsafe.Pointer(p32(wbuf)), p32(dy), nil, p32(dw), nil,
			unsafe.Pointer(p32(dwblk)), unsafe.Pointer(p32(scr))), "convolution backward-weights")
		return
	}
	b.check(C.cd_conv_weights(d.c, 1, p32(w), unsafe.Pointer(p32(wbuf)), unsafe.Pointer(p32(scr))), "weight reorder")
	b.check(C.cd_conv_bwd_data(d.c, C.long(i), p32(w), unsafe.Pointer(p32(wbuf)), p32(dy), p32(dx), unsafe.Pointer(p32(scr))),
		"convolution backward-data")
}
