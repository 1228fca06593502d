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
	if (dnnl_primitive_execute(p, cd_strm, n, a) != dnnl_success) return 1;
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

// dnnlBackend runs convolutions (regular, 1x1 and depthwise as grouped
// convolution; forward, backward-data and backward-weights) on oneDNN with
// NHWC activations, and everything else on the cpu backend it embeds.
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
	return fmt.Sprintf("%s convolutions, c kernels, openblas products", C.GoString(C.cd_version()))
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
	if debugDNNL {
		println("bwd", x.N, x.H, x.W, x.C, y.H, y.W, y.C, len(dy), len(x.Data), len(w.Grad))
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

var debugDNNL = false
