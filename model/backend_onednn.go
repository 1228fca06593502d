//go:build cgo && !nodnnl

package model

/*
#cgo LDFLAGS: -ldnnl -lgomp
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int);

static dnnl_engine_t cd_eng;
static dnnl_stream_t cd_strm;
static int cd_threads = 1;

static int cd_init(void) {
	if (cd_eng) return 0;
	if (dnnl_engine_create(&cd_eng, dnnl_cpu, 0) != dnnl_success) return 1;
	if (dnnl_stream_create(&cd_strm, cd_eng, dnnl_stream_default_flags) != dnnl_success) return 2;
	return 0;
}

static void cd_set_threads(int n) { cd_threads = n < 1 ? 1 : n; }

// cd_conv is one convolution shape prepared once: forward, backward-data
// and backward-weights primitives on NHWC activations, the weights kept by
// the caller in Keras layout (kh, kw, in, out; depthwise kh, kw, C, 1) and
// reordered to the layout each primitive chose (format "any").
typedef struct {
	int bias;
	dnnl_primitive_t fwd, bwdd, bwdw;
	dnnl_primitive_t r_w2fwd, r_w2bwdd, r_dw2user; // reorders (r_dw2user accumulates)
	dnnl_memory_t src, dst, wuser, wfwd, wbwdd, dwblk, dwuser, bias_m, dbias, dsrc, ddst;
	void *wfwd_buf, *wbwdd_buf, *dwblk_buf;
	float *dbias_buf;
	long cout;
} cd_conv;

#define CK(x) do { if ((x) != dnnl_success) goto fail; } while (0)

static dnnl_primitive_t cd_prim(dnnl_primitive_desc_t pd) {
	dnnl_primitive_t p = NULL;
	if (dnnl_primitive_create(&p, pd) != dnnl_success) p = NULL;
	return p;
}

// cd_reorder makes a reorder src -> dst, accumulating into dst when sum.
static dnnl_primitive_t cd_reorder(const dnnl_memory_desc_t *src, const dnnl_memory_desc_t *dst, int sum) {
	dnnl_primitive_attr_t attr = NULL;
	dnnl_post_ops_t po = NULL;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_primitive_t p = NULL;
	if (sum) {
		dnnl_primitive_attr_create(&attr);
		dnnl_post_ops_create(&po);
		dnnl_post_ops_append_sum(po, 1.0f);
		dnnl_primitive_attr_set_post_ops(attr, po);
	}
	if (dnnl_reorder_primitive_desc_create(&pd, src, cd_eng, dst, cd_eng, attr) == dnnl_success) {
		p = cd_prim(pd);
		dnnl_primitive_desc_destroy(pd);
	}
	if (po) dnnl_post_ops_destroy(po);
	if (attr) dnnl_primitive_attr_destroy(attr);
	return p;
}

static dnnl_memory_t cd_mem(const dnnl_memory_desc_t *md, void **buf) {
	dnnl_memory_t m = NULL;
	void *h = DNNL_MEMORY_NONE;
	if (buf) {
		*buf = aligned_alloc(64, (dnnl_memory_desc_get_size(md) + 63) / 64 * 64);
		h = *buf;
	}
	if (dnnl_memory_create(&m, md, cd_eng, h) != dnnl_success) return NULL;
	return m;
}

static void cd_conv_free(cd_conv *c) {
	if (!c) return;
	dnnl_primitive_t ps[] = {c->fwd, c->bwdd, c->bwdw, c->r_w2fwd, c->r_w2bwdd, c->r_dw2user};
	for (int i = 0; i < 6; i++) if (ps[i]) dnnl_primitive_destroy(ps[i]);
	dnnl_memory_t ms[] = {c->src, c->dst, c->wuser, c->wfwd, c->wbwdd, c->dwblk, c->dwuser, c->bias_m, c->dbias, c->dsrc, c->ddst};
	for (int i = 0; i < 11; i++) if (ms[i]) dnnl_memory_destroy(ms[i]);
	free(c->wfwd_buf); free(c->wbwdd_buf); free(c->dwblk_buf); free(c->dbias_buf);
	free(c);
}

// cd_conv_new prepares a convolution of N x H x W x Cin into N x Ho x Wo x
// Cout with a k x k kernel, stride s, padding pt/pl before and pb/pr after;
// groups = Cin = Cout for depthwise. train also prepares the backward passes.
static cd_conv *cd_conv_new(long N, long H, long W, long Cin, long Ho, long Wo, long Cout, long k, long s,
			    long pt, long pl, long pb, long pr, long groups, int bias, int train) {
	cd_conv *c = calloc(1, sizeof(cd_conv));
	dnnl_primitive_desc_t fpd = NULL, dpd = NULL, wpd = NULL;
	c->bias = bias;
	c->cout = Cout;
	dnnl_memory_desc_t src, dst, wuser, wany, bmd;
	dnnl_dims_t sd = {N, Cin, H, W}, dd = {N, Cout, Ho, Wo};
	CK(dnnl_memory_desc_init_by_tag(&src, 4, sd, dnnl_f32, dnnl_nhwc));
	CK(dnnl_memory_desc_init_by_tag(&dst, 4, dd, dnnl_f32, dnnl_nhwc));
	int wnd = groups > 1 ? 5 : 4;
	if (groups > 1) {
		dnnl_dims_t wd = {groups, Cout / groups, Cin / groups, k, k};
		CK(dnnl_memory_desc_init_by_tag(&wuser, 5, wd, dnnl_f32, dnnl_hwigo));
		CK(dnnl_memory_desc_init_by_tag(&wany, 5, wd, dnnl_f32, dnnl_format_tag_any));
	} else {
		dnnl_dims_t wd = {Cout, Cin, k, k};
		CK(dnnl_memory_desc_init_by_tag(&wuser, 4, wd, dnnl_f32, dnnl_hwio));
		CK(dnnl_memory_desc_init_by_tag(&wany, 4, wd, dnnl_f32, dnnl_format_tag_any));
	}
	(void)wnd;
	dnnl_dims_t bd = {Cout};
	CK(dnnl_memory_desc_init_by_tag(&bmd, 1, bd, dnnl_f32, dnnl_a));
	dnnl_dims_t st = {s, s}, padl = {pt, pl}, padr = {pb, pr};
	dnnl_convolution_desc_t fd, bdd, bwd;
	CK(dnnl_convolution_forward_desc_init(&fd, train ? dnnl_forward_training : dnnl_forward_inference,
		dnnl_convolution_direct, &src, &wany, bias ? &bmd : NULL, &dst, st, padl, padr));
	CK(dnnl_primitive_desc_create(&fpd, &fd, NULL, cd_eng, NULL));
	const dnnl_memory_desc_t *wf = dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 0);
	c->fwd = cd_prim(fpd);
	if (!c->fwd) goto fail;
	c->src = cd_mem(&src, NULL);
	c->dst = cd_mem(&dst, NULL);
	c->wuser = cd_mem(&wuser, NULL);
	if (bias) c->bias_m = cd_mem(&bmd, NULL);
	if (!dnnl_memory_desc_equal(wf, &wuser)) {
		c->wfwd = cd_mem(wf, &c->wfwd_buf);
		c->r_w2fwd = cd_reorder(&wuser, wf, 0);
		if (!c->r_w2fwd) goto fail;
	}
	if (train) {
		CK(dnnl_convolution_backward_data_desc_init(&bdd, dnnl_convolution_direct, &src, &wany, &dst, st, padl, padr));
		CK(dnnl_primitive_desc_create(&dpd, &bdd, NULL, cd_eng, fpd));
		const dnnl_memory_desc_t *wb = dnnl_primitive_desc_query_md(dpd, dnnl_query_weights_md, 0);
		c->bwdd = cd_prim(dpd);
		if (!c->bwdd) goto fail;
		if (!dnnl_memory_desc_equal(wb, &wuser)) {
			c->wbwdd = cd_mem(wb, &c->wbwdd_buf);
			c->r_w2bwdd = cd_reorder(&wuser, wb, 0);
			if (!c->r_w2bwdd) goto fail;
		}
		CK(dnnl_convolution_backward_weights_desc_init(&bwd, dnnl_convolution_direct, &src, &wany, bias ? &bmd : NULL,
			&dst, st, padl, padr));
		CK(dnnl_primitive_desc_create(&wpd, &bwd, NULL, cd_eng, fpd));
		const dnnl_memory_desc_t *dw = dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_weights_md, 0);
		c->bwdw = cd_prim(wpd);
		if (!c->bwdw) goto fail;
		c->dwblk = cd_mem(dw, &c->dwblk_buf);
		c->dwuser = cd_mem(&wuser, NULL);
		c->r_dw2user = cd_reorder(dw, &wuser, 1);
		if (!c->r_dw2user) goto fail;
		if (bias) {
			c->dbias_buf = malloc(sizeof(float) * Cout);
			c->dbias = cd_mem(&bmd, NULL);
			dnnl_memory_set_data_handle(c->dbias, c->dbias_buf);
		}
		c->dsrc = cd_mem(&src, NULL);
		c->ddst = cd_mem(&dst, NULL);
	}
	dnnl_primitive_desc_destroy(fpd);
	if (dpd) dnnl_primitive_desc_destroy(dpd);
	if (wpd) dnnl_primitive_desc_destroy(wpd);
	return c;
fail:
	if (fpd) dnnl_primitive_desc_destroy(fpd);
	if (dpd) dnnl_primitive_desc_destroy(dpd);
	if (wpd) dnnl_primitive_desc_destroy(wpd);
	cd_conv_free(c);
	return NULL;
}

static int cd_run(dnnl_primitive_t p, int n, dnnl_exec_arg_t *a) {
	dnnl_status_t st = dnnl_primitive_execute(p, cd_strm, n, a);
	if (st != dnnl_success) return 1;
	return dnnl_stream_wait(cd_strm) != dnnl_success;
}

// cd_reorder_run runs a weight reorder on the calling thread alone: the
// weights are small and a parallel region's fork and join cost more than
// the copy.
static int cd_reorder_run(dnnl_primitive_t p, dnnl_memory_t from, dnnl_memory_t to) {
	dnnl_exec_arg_t r[] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
	omp_set_num_threads(1);
	int rc = cd_run(p, 2, r);
	omp_set_num_threads(cd_threads);
	return rc;
}

static int cd_conv_fwd(cd_conv *c, float *x, float *w, float *b, float *y) {
	omp_set_num_threads(cd_threads);
	dnnl_memory_set_data_handle(c->src, x);
	dnnl_memory_set_data_handle(c->dst, y);
	dnnl_memory_set_data_handle(c->wuser, w);
	dnnl_memory_t wm = c->wuser;
	if (c->r_w2fwd) {
		if (cd_reorder_run(c->r_w2fwd, c->wuser, c->wfwd)) return 1;
		wm = c->wfwd;
	}
	dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, c->src}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, c->dst}, {DNNL_ARG_BIAS, c->bias_m}};
	if (c->bias) dnnl_memory_set_data_handle(c->bias_m, b);
	return cd_run(c->fwd, c->bias ? 4 : 3, a);
}

// cd_conv_bwd adds the weight (and bias) gradients into dw (db) and writes
// the input gradient into dx (when dx is not NULL).
static int cd_conv_bwd(cd_conv *c, float *x, float *w, float *dy, float *dx, float *dw, float *db) {
	omp_set_num_threads(cd_threads);
	dnnl_memory_set_data_handle(c->src, x);
	dnnl_memory_set_data_handle(c->ddst, dy);
	dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, c->src}, {DNNL_ARG_DIFF_DST, c->ddst}, {DNNL_ARG_DIFF_WEIGHTS, c->dwblk},
				{DNNL_ARG_DIFF_BIAS, c->dbias}};
	if (cd_run(c->bwdw, c->bias ? 4 : 3, a)) return 1;
	dnnl_memory_set_data_handle(c->dwuser, dw);
	if (cd_reorder_run(c->r_dw2user, c->dwblk, c->dwuser)) return 1;
	if (c->bias)
		for (long i = 0; i < c->cout; i++) db[i] += c->dbias_buf[i];
	if (!dx) return 0;
	dnnl_memory_set_data_handle(c->wuser, w);
	dnnl_memory_t wm = c->wuser;
	if (c->r_w2bwdd) {
		if (cd_reorder_run(c->r_w2bwdd, c->wuser, c->wbwdd)) return 1;
		wm = c->wbwdd;
	}
	dnnl_memory_set_data_handle(c->dsrc, dx);
	dnnl_exec_arg_t d[] = {{DNNL_ARG_DIFF_DST, c->ddst}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DIFF_SRC, c->dsrc}};
	return cd_run(c->bwdd, 3, d);
}

// cd_exec runs p with n arguments, each memory made around the caller's
// buffer for this call only (a few microseconds; the ops take milliseconds).
static int cd_exec(dnnl_primitive_t p, int n, const int *args, const dnnl_memory_desc_t *const *mds, void *const *ptrs) {
	dnnl_exec_arg_t a[10];
	int rc = 0, made = 0;
	for (; made < n; made++) {
		a[made].arg = args[made];
		if (dnnl_memory_create(&a[made].memory, mds[made], cd_eng, ptrs[made]) != dnnl_success) { rc = 1; break; }
	}
	if (!rc) {
		omp_set_num_threads(cd_threads);
		rc = cd_run(p, n, a);
	}
	for (int i = 0; i < made; i++) dnnl_memory_destroy(a[i].memory);
	return rc;
}

static dnnl_primitive_t cd_make(const_dnnl_op_desc_t d, const_dnnl_primitive_desc_t hint, dnnl_primitive_desc_t *keep) {
	dnnl_primitive_desc_t pd = NULL;
	if (dnnl_primitive_desc_create(&pd, d, NULL, cd_eng, hint) != dnnl_success) return NULL;
	dnnl_primitive_t p = cd_prim(pd);
	if (keep) *keep = pd; else dnnl_primitive_desc_destroy(pd);
	return p;
}

// cd_bn is batch normalisation of an N x H x W x C map: training forward
// (batch statistics out), inference forward (moving statistics in), backward.
typedef struct {
	dnnl_primitive_t ftrain, finf, bwd;
	dnnl_memory_desc_t data, stat;
} cd_bn;

static void cd_bn_free(cd_bn *b) {
	if (!b) return;
	if (b->ftrain) dnnl_primitive_destroy(b->ftrain);
	if (b->finf) dnnl_primitive_destroy(b->finf);
	if (b->bwd) dnnl_primitive_destroy(b->bwd);
	free(b);
}

static cd_bn *cd_bn_new(long N, long H, long W, long C, float eps) {
	cd_bn *b = calloc(1, sizeof(cd_bn));
	dnnl_dims_t d = {N, C, H, W}, sd = {C};
	dnnl_primitive_desc_t hint = NULL;
	dnnl_batch_normalization_desc_t ft, fi, bd;
	unsigned ss = dnnl_use_scale | dnnl_use_shift;
	if (dnnl_memory_desc_init_by_tag(&b->data, 4, d, dnnl_f32, dnnl_nhwc) != dnnl_success) goto fail;
	if (dnnl_memory_desc_init_by_tag(&b->stat, 1, sd, dnnl_f32, dnnl_a) != dnnl_success) goto fail;
	if (dnnl_batch_normalization_forward_desc_init(&ft, dnnl_forward_training, &b->data, eps, ss) != dnnl_success) goto fail;
	if (dnnl_batch_normalization_forward_desc_init(&fi, dnnl_forward_inference, &b->data, eps, ss | dnnl_use_global_stats) != dnnl_success) goto fail;
	if (!(b->ftrain = cd_make(&ft, NULL, &hint))) goto fail;
	if (!(b->finf = cd_make(&fi, NULL, NULL))) goto fail;
	if (dnnl_batch_normalization_backward_desc_init(&bd, dnnl_backward, &b->data, &b->data, eps, ss) != dnnl_success) goto fail;
	b->bwd = cd_make(&bd, hint, NULL);
	dnnl_primitive_desc_destroy(hint);
	if (!b->bwd) goto fail;
	return b;
fail:
	cd_bn_free(b);
	return NULL;
}

// cd_bn_fwd: training writes the batch mean and (biased) variance into mean
// and var; inference reads the moving statistics from them.
static int cd_bn_fwd(cd_bn *b, int train, float *x, float *y, float *scale, float *shift, float *mean, float *var) {
	int args[] = {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE};
	const dnnl_memory_desc_t *mds[] = {&b->data, &b->data, &b->stat, &b->stat, &b->stat, &b->stat};
	void *ptrs[] = {x, y, scale, shift, mean, var};
	return cd_exec(train ? b->ftrain : b->finf, 6, args, mds, ptrs);
}

static int cd_bn_bwd(cd_bn *b, float *x, float *mean, float *var, float *dy, float *scale, float *shift, float *dx, float *dscale, float *dshift) {
	int args[] = {DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DIFF_DST, DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_DIFF_SRC,
		      DNNL_ARG_DIFF_SCALE, DNNL_ARG_DIFF_SHIFT};
	const dnnl_memory_desc_t *mds[] = {&b->data, &b->stat, &b->stat, &b->data, &b->stat, &b->stat, &b->data, &b->stat, &b->stat};
	void *ptrs[] = {x, mean, var, dy, scale, shift, dx, dscale, dshift};
	return cd_exec(b->bwd, 9, args, mds, ptrs);
}

// cd_elt is an element-wise activation over n values: swish (alg 1),
// sigmoid (2, backward from its output), leaky ReLU with slope alpha (3).
typedef struct {
	dnnl_primitive_t fwd, bwd;
	dnnl_memory_desc_t md;
	int use_dst;
} cd_elt;

static void cd_elt_free(cd_elt *e) {
	if (!e) return;
	if (e->fwd) dnnl_primitive_destroy(e->fwd);
	if (e->bwd) dnnl_primitive_destroy(e->bwd);
	free(e);
}

static cd_elt *cd_elt_new(long n, int kind, float alpha) {
	cd_elt *e = calloc(1, sizeof(cd_elt));
	dnnl_alg_kind_t alg = kind == 1 ? dnnl_eltwise_swish : kind == 2 ? dnnl_eltwise_logistic_use_dst_for_bwd : dnnl_eltwise_relu;
	e->use_dst = kind == 2;
	dnnl_dims_t d = {n};
	dnnl_eltwise_desc_t fd, bd;
	dnnl_primitive_desc_t hint = NULL;
	if (dnnl_memory_desc_init_by_tag(&e->md, 1, d, dnnl_f32, dnnl_a) != dnnl_success) goto fail;
	if (dnnl_eltwise_forward_desc_init(&fd, dnnl_forward_training, alg, &e->md, alpha, 0) != dnnl_success) goto fail;
	if (!(e->fwd = cd_make(&fd, NULL, &hint))) goto fail;
	if (dnnl_eltwise_backward_desc_init(&bd, alg, &e->md, &e->md, alpha, 0) != dnnl_success) goto fail;
	e->bwd = cd_make(&bd, hint, NULL);
	dnnl_primitive_desc_destroy(hint);
	if (!e->bwd) goto fail;
	return e;
fail:
	cd_elt_free(e);
	return NULL;
}

static int cd_elt_fwd(cd_elt *e, float *x, float *y) {
	int args[] = {DNNL_ARG_SRC, DNNL_ARG_DST};
	const dnnl_memory_desc_t *mds[] = {&e->md, &e->md};
	void *ptrs[] = {x, y};
	return cd_exec(e->fwd, 2, args, mds, ptrs);
}

static int cd_elt_bwd(cd_elt *e, float *x, float *y, float *dy, float *dx) {
	int args[] = {e->use_dst ? DNNL_ARG_DST : DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC};
	const dnnl_memory_desc_t *mds[] = {&e->md, &e->md, &e->md};
	void *ptrs[] = {e->use_dst ? y : x, dy, dx};
	return cd_exec(e->bwd, 3, args, mds, ptrs);
}

// cd_pool is global average pooling N x H x W x C -> N x C.
typedef struct {
	dnnl_primitive_t fwd, bwd;
	dnnl_memory_desc_t src, dst;
} cd_pool;

static void cd_pool_free(cd_pool *p) {
	if (!p) return;
	if (p->fwd) dnnl_primitive_destroy(p->fwd);
	if (p->bwd) dnnl_primitive_destroy(p->bwd);
	free(p);
}

static cd_pool *cd_pool_new(long N, long H, long W, long C) {
	cd_pool *p = calloc(1, sizeof(cd_pool));
	dnnl_dims_t sd = {N, C, H, W}, dd = {N, C, 1, 1}, st = {1, 1}, k = {H, W}, z = {0, 0};
	dnnl_pooling_desc_t fd, bd;
	dnnl_primitive_desc_t hint = NULL;
	if (dnnl_memory_desc_init_by_tag(&p->src, 4, sd, dnnl_f32, dnnl_nhwc) != dnnl_success) goto fail;
	if (dnnl_memory_desc_init_by_tag(&p->dst, 4, dd, dnnl_f32, dnnl_nhwc) != dnnl_success) goto fail;
	if (dnnl_pooling_forward_desc_init(&fd, dnnl_forward_training, dnnl_pooling_avg_exclude_padding, &p->src, &p->dst, st, k, z, z) != dnnl_success) goto fail;
	if (!(p->fwd = cd_make(&fd, NULL, &hint))) goto fail;
	if (dnnl_pooling_backward_desc_init(&bd, dnnl_pooling_avg_exclude_padding, &p->src, &p->dst, st, k, z, z) != dnnl_success) goto fail;
	p->bwd = cd_make(&bd, hint, NULL);
	dnnl_primitive_desc_destroy(hint);
	if (!p->bwd) goto fail;
	return p;
fail:
	cd_pool_free(p);
	return NULL;
}

static int cd_pool_fwd(cd_pool *p, float *x, float *y) {
	int args[] = {DNNL_ARG_SRC, DNNL_ARG_DST};
	const dnnl_memory_desc_t *mds[] = {&p->src, &p->dst};
	void *ptrs[] = {x, y};
	return cd_exec(p->fwd, 2, args, mds, ptrs);
}

static int cd_pool_bwd(cd_pool *p, float *dy, float *dx) {
	int args[] = {DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC};
	const dnnl_memory_desc_t *mds[] = {&p->dst, &p->src};
	void *ptrs[] = {dy, dx};
	return cd_exec(p->bwd, 2, args, mds, ptrs);
}

static void cd_add(float *restrict dst, const float *restrict src, long n) {
	for (long i = 0; i < n; i++) dst[i] += src[i];
}

static const char *cd_version(void) {
	static char buf[64];
	const dnnl_version_t *v = dnnl_version();
	snprintf(buf, sizeof buf, "oneDNN %d.%d.%d (%s)", v->major, v->minor, v->patch, v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other");
	return buf;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// dnnlBackend runs on oneDNN, with NHWC activations: convolutions (regular,
// 1x1 and depthwise as grouped convolution; forward, backward-data and
// backward-weights), batch normalisation without a fused activation
// (forward training/inference, backward), the element-wise activations
// (swish, sigmoid, leaky ReLU) and global average pooling; everything else
// (batch norm fused with swish, the vector ops, dense layers, Gram
// products) on the cpu backend it embeds.
// Primitives are created once per op shape (per plan) and reused every step.
// Ops oneDNN declines (or 1x1-spatial ones, where a call costs more than the
// work) fall back to the cpu backend.
type dnnlBackend struct {
	hostBackend
	threads int
}

// onednnBackend is oneDNN over the cpu backend, or nil if oneDNN cannot
// start an engine.
func onednnBackend() Backend {
	if C.cd_init() != 0 {
		return nil
	}
	return &dnnlBackend{hostBackend: hostBackend{name: "onednn", k: cKernels()}, threads: 1}
}

func (b *dnnlBackend) Describe() string {
	return fmt.Sprintf("%s convolutions, batch norm, eltwise, pooling; c kernels for bn+swish and the rest; openblas products", C.GoString(C.cd_version()))
}

func (b *dnnlBackend) setThreads(n int) {
	b.threads = n
	b.hostBackend.setThreads(n)
	C.cd_set_threads(C.int(n))
}

// dnnlConv is an op's prepared oneDNN convolution; a nil c means the op
// runs on the cpu backend.
type dnnlConv struct{ c *C.cd_conv }

func (d *dnnlConv) free() { C.cd_conv_free(d.c) }

// convState returns the op's prepared convolution (nil to fall back),
// preparing forward and backward primitives on first use.
func (b *dnnlBackend) convState(o opStateHolder, prepare func() *C.cd_conv) *dnnlConv {
	st := o.slot()
	d, ok := st.state.(*dnnlConv)
	if !ok {
		d = &dnnlConv{c: prepare()}
		st.state = d
		if d.c != nil {
			runtime.SetFinalizer(d, (*dnnlConv).free)
		}
	}
	if d.c == nil {
		return nil
	}
	return d
}

type opStateHolder interface{ slot() *opState }

func (s *opState) slot() *opState { return s }

func p32(s []float32) *C.float {
	if len(s) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&s[0]))
}

func (b *dnnlBackend) conv(o *convOp) *dnnlConv {
	if o.y.H < 2 || o.y.W < 2 {
		return nil // dense layers, SE convolutions: a call costs more than the work
	}
	return b.convState(o, func() *C.cd_conv {
		x, y := o.x, o.y
		pb := (y.H-1)*o.stride + o.k - x.H - o.padT
		pr := (y.W-1)*o.stride + o.k - x.W - o.padL
		return C.cd_conv_new(C.long(x.N), C.long(x.H), C.long(x.W), C.long(x.C), C.long(y.H), C.long(y.W), C.long(y.C),
			C.long(o.k), C.long(o.stride), C.long(o.padT), C.long(o.padL), C.long(pb), C.long(pr), 1, cbool(o.b != nil), 1)
	})
}

func (b *dnnlBackend) dw(o *dwConvOp) *dnnlConv {
	if o.x.H < 4 || o.x.W < 4 {
		return nil // oneDNN 2.6's depthwise backward-weights crashes on maps smaller than 4x4 (1 or 2 pixels)
	}
	return b.convState(o, func() *C.cd_conv {
		x, y := o.x, o.y
		pb := (y.H-1)*o.stride + o.k - x.H - o.padT
		pr := (y.W-1)*o.stride + o.k - x.W - o.padL
		return C.cd_conv_new(C.long(x.N), C.long(x.H), C.long(x.W), C.long(x.C), C.long(y.H), C.long(y.W), C.long(y.C),
			C.long(o.k), C.long(o.stride), C.long(o.padT), C.long(o.padL), C.long(pb), C.long(pr), C.long(x.C), 0, 1)
	})
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

func (b *dnnlBackend) convForward(e *exec, o *convOp) {
	d := b.conv(o)
	if d == nil {
		b.hostBackend.convForward(e, o)
		return
	}
	var bias *C.float
	if o.b != nil {
		bias = p32(o.b.Data)
	}
	b.check(C.cd_conv_fwd(d.c, p32(o.x.Data), p32(o.w.Data), bias, p32(o.y.Data)), "convolution forward")
}

// convBackward runs backward-weights (accumulated into the parameter
// gradients by a summing reorder) and backward-data (into the input
// gradient, or into scratch then added when another consumer wrote first).
func (b *dnnlBackend) convBackward(e *exec, o *convOp) {
	d := b.conv(o)
	if d == nil {
		b.hostBackend.convBackward(e, o)
		return
	}
	var db *C.float
	if o.b != nil {
		db = p32(o.b.Grad)
	}
	b.convBack(e, d, o.x, o.y, o.w, db)
}

func (b *dnnlBackend) convBack(e *exec, d *dnnlConv, x, y *Tensor, w *Param, db *C.float) {
	dy := y.gradOut()
	dx, acc := x.gradIn()
	target := dx
	if acc {
		target, _ = e.scratch(len(dx), 0)
	}
	b.check(C.cd_conv_bwd(d.c, p32(x.Data), p32(w.Data), p32(dy), p32(target), p32(w.Grad), db), "convolution backward")
	if acc {
		e.run(len(dx), 1<<14, func(lo, hi int) {
			C.cd_add(p32(dx[lo:hi]), p32(target[lo:hi]), C.long(hi-lo))
		})
	}
}

func (b *dnnlBackend) dwForward(e *exec, o *dwConvOp) {
	d := b.dw(o)
	if d == nil {
		b.hostBackend.dwForward(e, o)
		return
	}
	b.check(C.cd_conv_fwd(d.c, p32(o.x.Data), p32(o.w.Data), nil, p32(o.y.Data)), "depthwise convolution forward")
}

func (b *dnnlBackend) dwBackward(e *exec, o *dwConvOp) {
	d := b.dw(o)
	if d == nil {
		b.hostBackend.dwBackward(e, o)
		return
	}
	b.convBack(e, d, o.x, o.y, o.w, nil)
}

// dnnlBN is an op's prepared oneDNN batch normalisation with the batch
// statistics of the last training forward and the scale/shift gradients.
type dnnlBN struct {
	c                     *C.cd_bn
	mean, vari, dg, dbeta []float32
}

func (d *dnnlBN) free() { C.cd_bn_free(d.c) }

// bn prepares batch norms without a fused activation on maps of at least
// 2x2: the ones followed by swish keep the cpu backend's fused kernels,
// which read and write each activation fewer times than oneDNN's batch norm
// plus a separate swish (which would also have to keep the pre-activation
// for its backward pass).
func (b *dnnlBackend) bn(o *bnOp) *dnnlBN {
	if o.act != actNone || o.x.H < 2 || o.x.W < 2 {
		return nil
	}
	if d, ok := o.state.(*dnnlBN); ok {
		if d.c == nil {
			return nil
		}
		return d
	}
	C0 := o.x.C
	d := &dnnlBN{c: C.cd_bn_new(C.long(o.x.N), C.long(o.x.H), C.long(o.x.W), C.long(C0), C.float(o.eps)),
		mean: make([]float32, C0), vari: make([]float32, C0), dg: make([]float32, C0), dbeta: make([]float32, C0)}
	o.state = d
	if d.c == nil {
		return nil
	}
	runtime.SetFinalizer(d, (*dnnlBN).free)
	return d
}

func (b *dnnlBackend) bnForward(e *exec, o *bnOp) {
	d := b.bn(o)
	if d == nil {
		b.hostBackend.bnForward(e, o)
		return
	}
	x, y := o.x, o.y
	if !e.train {
		b.check(C.cd_bn_fwd(d.c, 0, p32(x.Data), p32(y.Data), p32(o.gamma.Data), p32(o.beta.Data),
			p32(o.mean.Data), p32(o.vari.Data)), "batch norm forward")
		return
	}
	b.check(C.cd_bn_fwd(d.c, 1, p32(x.Data), p32(y.Data), p32(o.gamma.Data), p32(o.beta.Data),
		p32(d.mean), p32(d.vari)), "batch norm forward")
	rows := x.N * x.H * x.W
	m := o.momentum
	for c := range d.mean {
		v := float64(d.vari[c])
		unbiased := v
		if rows > 1 {
			unbiased = v * float64(rows) / float64(rows-1)
		}
		o.mean.Data[c] = m*o.mean.Data[c] + (1-m)*d.mean[c]
		o.vari.Data[c] = m*o.vari.Data[c] + (1-m)*float32(unbiased)
	}
}

func (b *dnnlBackend) bnBackward(e *exec, o *bnOp) {
	d := b.bn(o)
	if d == nil {
		b.hostBackend.bnBackward(e, o)
		return
	}
	x := o.x
	dy := o.y.gradOut()
	dx, acc := x.gradIn()
	target := dx
	if acc || dx == nil {
		target, _ = e.scratch(x.Len(), 0)
	}
	b.check(C.cd_bn_bwd(d.c, p32(x.Data), p32(d.mean), p32(d.vari), p32(dy), p32(o.gamma.Data), p32(o.beta.Data), p32(target),
		p32(d.dg), p32(d.dbeta)), "batch norm backward")
	for c := range d.dg {
		o.gamma.Grad[c] += d.dg[c]
		o.beta.Grad[c] += d.dbeta[c]
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

// dnnlElt is an op's prepared oneDNN element-wise activation.
type dnnlElt struct{ c *C.cd_elt }

func (d *dnnlElt) free() { C.cd_elt_free(d.c) }

// elt prepares the activation of an actOp of at least 4096 values (smaller
// ones, the squeeze-and-excitation and head vectors, stay on the cpu
// backend, where a call costs less than a primitive's).
func (b *dnnlBackend) elt(o *actOp) *dnnlElt {
	kind := map[actKind]int{actSwish: 1, actSigmoid: 2, actLeaky: 3}[o.act]
	if kind == 0 || o.x.Len() < 4096 {
		return nil
	}
	if d, ok := o.state.(*dnnlElt); ok {
		if d.c == nil {
			return nil
		}
		return d
	}
	d := &dnnlElt{c: C.cd_elt_new(C.long(o.x.Len()), C.int(kind), leakySlope)}
	o.state = d
	if d.c == nil {
		return nil
	}
	runtime.SetFinalizer(d, (*dnnlElt).free)
	return d
}

func (b *dnnlBackend) actForward(e *exec, o *actOp) {
	d := b.elt(o)
	if d == nil {
		b.hostBackend.actForward(e, o)
		return
	}
	b.check(C.cd_elt_fwd(d.c, p32(o.x.Data), p32(o.y.Data)), "eltwise forward")
}

func (b *dnnlBackend) actBackward(e *exec, o *actOp) {
	d := b.elt(o)
	if d == nil {
		b.hostBackend.actBackward(e, o)
		return
	}
	dy := o.y.gradOut()
	dx, acc := o.x.gradIn()
	if dx == nil {
		return
	}
	target := dx
	if acc {
		target, _ = e.scratch(len(dx), 0)
	}
	b.check(C.cd_elt_bwd(d.c, p32(o.x.Data), p32(o.y.Data), p32(dy), p32(target)), "eltwise backward")
	if acc {
		b.addInto(e, dx, target)
	}
}

// dnnlPool is an op's prepared oneDNN global average pooling.
type dnnlPool struct{ c *C.cd_pool }

func (d *dnnlPool) free() { C.cd_pool_free(d.c) }

func (b *dnnlBackend) pool(o *gapOp) *dnnlPool {
	if o.x.H*o.x.W < 4 {
		return nil
	}
	if d, ok := o.state.(*dnnlPool); ok {
		if d.c == nil {
			return nil
		}
		return d
	}
	x := o.x
	d := &dnnlPool{c: C.cd_pool_new(C.long(x.N), C.long(x.H), C.long(x.W), C.long(x.C))}
	o.state = d
	if d.c == nil {
		return nil
	}
	runtime.SetFinalizer(d, (*dnnlPool).free)
	return d
}

func (b *dnnlBackend) gapForward(e *exec, o *gapOp) {
	d := b.pool(o)
	if d == nil {
		b.hostBackend.gapForward(e, o)
		return
	}
	b.check(C.cd_pool_fwd(d.c, p32(o.x.Data), p32(o.y.Data)), "pooling forward")
}

func (b *dnnlBackend) gapBackward(e *exec, o *gapOp) {
	d := b.pool(o)
	if d == nil {
		b.hostBackend.gapBackward(e, o)
		return
	}
	dy := o.y.gradOut()
	dx, acc := o.x.gradIn()
	if dx == nil {
		return
	}
	target := dx
	if acc {
		target, _ = e.scratch(len(dx), 0)
	}
	b.check(C.cd_pool_bwd(d.c, p32(dy), p32(target)), "pooling backward")
	if acc {
		b.addInto(e, dx, target)
	}
}
