//go:build cgo && !nodnnl

package model

/*
#cgo LDFLAGS: -ldnnl -lgomp
#include <stdlib.h>
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int);

// The onednn backend's inference convolutions: forward-inference
// convolutions (depthwise as grouped) on NHWC activations with the folded
// batch norm as bias and the activation (eltwise post-op) or the residual
// (sum post-op: the destination holds the residual before the call) fused.
// Their own engine and stream: backend_onednn.go's are static to its file.
static dnnl_engine_t ci_eng;
static dnnl_stream_t ci_strm;

static int ci_init(void) {
	if (ci_eng) return 0;
	if (dnnl_engine_create(&ci_eng, dnnl_cpu, 0) != dnnl_success) return 1;
	if (dnnl_stream_create(&ci_strm, ci_eng, dnnl_stream_default_flags) != dnnl_success) return 2;
	return 0;
}

typedef struct {
	dnnl_primitive_t conv, wreorder;
	dnnl_memory_t src, dst, wuser, wconv, bias;
	void *wbuf;
} ci_conv;

static void ci_conv_free(ci_conv *c) {
	if (!c) return;
	if (c->conv) dnnl_primitive_destroy(c->conv);
	if (c->wreorder) dnnl_primitive_destroy(c->wreorder);
	dnnl_memory_t ms[] = {c->src, c->dst, c->wuser, c->wconv, c->bias};
	for (int i = 0; i < 5; i++) if (ms[i]) dnnl_memory_destroy(ms[i]);
	free(c->wbuf);
	free(c);
}

#define CI(x) do { if ((x) != dnnl_success) goto fail; } while (0)

// ci_conv_new prepares act(conv(x, w) + b) (+ dst when sum) of N x H x W x
// Cin into N x Ho x Wo x Cout; groups = Cin = Cout for depthwise. act: 0
// none, 1 swish, 2 sigmoid, 3 leaky ReLU (slope 0.2).
static ci_conv *ci_conv_new(long N, long H, long W, long Cin, long Ho, long Wo, long Cout, long k, long s, long pt,
			    long pl, long pb, long pr, long groups, int bias, int act, int sum) {
	ci_conv *c = calloc(1, sizeof(ci_conv));
	dnnl_primitive_attr_t attr = NULL;
	dnnl_post_ops_t po = NULL;
	dnnl_primitive_desc_t pd = NULL, rpd = NULL;
	dnnl_memory_desc_t src, dst, wuser, wany, bmd;
	dnnl_dims_t sd = {N, Cin, H, W}, dd = {N, Cout, Ho, Wo}, bd = {Cout};
	CI(dnnl_memory_desc_init_by_tag(&src, 4, sd, dnnl_f32, dnnl_nhwc));
	CI(dnnl_memory_desc_init_by_tag(&dst, 4, dd, dnnl_f32, dnnl_nhwc));
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
	if (sum) CI(dnnl_post_ops_append_sum(po, 1.0f));
	switch (act) {
	case 1: CI(dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_swish, 1.0f, 0.0f)); break;
	case 2: CI(dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_logistic, 0.0f, 0.0f)); break;
	case 3: CI(dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0.2f, 0.0f)); break;
	}
	CI(dnnl_primitive_attr_set_post_ops(attr, po));
	CI(dnnl_primitive_desc_create(&pd, &fd, attr, ci_eng, NULL));
	CI(dnnl_primitive_create(&c->conv, pd));
	const dnnl_memory_desc_t *wf = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
	CI(dnnl_memory_create(&c->src, &src, ci_eng, DNNL_MEMORY_NONE));
	CI(dnnl_memory_create(&c->dst, &dst, ci_eng, DNNL_MEMORY_NONE));
	CI(dnnl_memory_create(&c->wuser, &wuser, ci_eng, DNNL_MEMORY_NONE));
	if (bias) CI(dnnl_memory_create(&c->bias, &bmd, ci_eng, DNNL_MEMORY_NONE));
	if (!dnnl_memory_desc_equal(wf, &wuser)) {
		c->wbuf = aligned_alloc(64, (dnnl_memory_desc_get_size(wf) + 63) / 64 * 64);
		CI(dnnl_memory_create(&c->wconv, wf, ci_eng, c->wbuf));
		CI(dnnl_reorder_primitive_desc_create(&rpd, &wuser, ci_eng, wf, ci_eng, NULL));
		CI(dnnl_primitive_create(&c->wreorder, rpd));
	}
	dnnl_primitive_desc_destroy(pd);
	if (rpd) dnnl_primitive_desc_destroy(rpd);
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

static int ci_exec(dnnl_primitive_t p, int n, dnnl_exec_arg_t *a) {
	if (dnnl_primitive_execute(p, ci_strm, n, a) != dnnl_success) return 1;
	return dnnl_stream_wait(ci_strm) != dnnl_success;
}

// ci_conv_run runs the convolution with threads OpenMP threads, first
// reordering the kernel into the primitive's layout when fresh (it was
// folded again since the last run; the first run is always fresh).
static int ci_conv_run(ci_conv *c, int threads, int fresh, float *x, float *w, float *b, float *y) {
	dnnl_memory_set_data_handle(c->wuser, w);
	dnnl_memory_t wm = c->wuser;
	omp_set_num_threads(threads);
	if (c->wreorder && !fresh) {
		wm = c->wconv;
	} else if (c->wreorder) {
		dnnl_exec_arg_t r[] = {{DNNL_ARG_FROM, c->wuser}, {DNNL_ARG_TO, c->wconv}};
		if (ci_exec(c->wreorder, 2, r)) return 1;
		wm = c->wconv;
	}
	dnnl_memory_set_data_handle(c->src, x);
	dnnl_memory_set_data_handle(c->dst, y);
	dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, c->src}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, c->dst}, {DNNL_ARG_BIAS, c->bias}};
	if (c->bias) dnnl_memory_set_data_handle(c->bias, b);
	return ci_exec(c->conv, c->bias ? 4 : 3, a);
}
*/
import "C"

import "runtime"

// dnnlInfer is a fused step's prepared oneDNN convolution; a nil c means
// the step runs on the cpu backend's inference path.
type dnnlInfer struct{ c *C.ci_conv }

func (d *dnnlInfer) free() { C.ci_conv_free(d.c) }

// inferState returns the step's prepared convolution, preparing it on
// first use (plans are per shape, so once per program), or nil.
func inferState(st *opState, prepare func() *C.ci_conv) *dnnlInfer {
	d, ok := st.state.(*dnnlInfer)
	if !ok {
		d = &dnnlInfer{}
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

func (b *dnnlBackend) inferConv(e *exec, r *inferRun, f *fusedConv) {
	o, x, y := f.conv, f.x, f.y
	if y.H < 2 || y.W < 2 {
		b.hostBackend.inferConv(e, r, f) // dense layers, SE convolutions: a call costs more than the work
		return
	}
	d := inferState(&f.opState, func() *C.ci_conv {
		return C.ci_conv_new(C.long(x.N), C.long(x.H), C.long(x.W), C.long(x.C), C.long(y.H), C.long(y.W), C.long(y.C),
			C.long(o.k), C.long(o.stride), C.long(o.padT), C.long(o.padL), C.long(padAfter(x.H, y.H, o.k, o.stride, o.padT)),
			C.long(padAfter(x.W, y.W, o.k, o.stride, o.padL)), 1, cbool(f.b != nil), C.int(f.act), cbool(f.res != nil))
	})
	if d == nil {
		b.hostBackend.inferConv(e, r, f)
		return
	}
	src := x.Data
	if f.scale != nil {
		// The squeeze-and-excitation scale, per image and input channel,
		// into scratch: oneDNN has no per-image input scaling.
		r.reserve(1)
		src = r.buf(0, x.Len())
		P, C := x.H*x.W, x.C
		e.run(x.N, 1, func(lo, hi int) {
			for n := lo; n < hi; n++ {
				b.k.rowMul(x.Data[n*P*C:(n+1)*P*C], f.scale.Data[n*C:(n+1)*C], src[n*P*C:(n+1)*P*C], P, C, false)
			}
		})
	}
	if f.res != nil {
		// The sum post-op adds what the destination holds.
		e.run(y.Len(), 1<<14, func(lo, hi int) { copy(y.Data[lo:hi], f.res.Data[lo:hi]) })
	}
	b.check(C.ci_conv_run(d.c, C.int(b.threads), cbool(f.fresh), p32(src), p32(f.w), p32(f.b), p32(y.Data)), "inference convolution")
}

func (b *dnnlBackend) inferDW(e *exec, r *inferRun, f *fusedDW) {
	o, x, y := f.dw, f.dw.x, f.y
	if y.H < 2 || y.W < 2 {
		b.hostBackend.inferDW(e, r, f)
		return
	}
	d := inferState(&f.opState, func() *C.ci_conv {
		return C.ci_conv_new(C.long(x.N), C.long(x.H), C.long(x.W), C.long(x.C), C.long(y.H), C.long(y.W), C.long(y.C),
			C.long(o.k), C.long(o.stride), C.long(o.padT), C.long(o.padL), C.long(padAfter(x.H, y.H, o.k, o.stride, o.padT)),
			C.long(padAfter(x.W, y.W, o.k, o.stride, o.padL)), C.long(x.C), cbool(f.b != nil), C.int(f.act), 0)
	})
	if d == nil {
		b.hostBackend.inferDW(e, r, f)
		return
	}
	b.check(C.ci_conv_run(d.c, C.int(b.threads), cbool(f.fresh), p32(x.Data), p32(f.w), p32(f.b), p32(y.Data)), "inference depthwise convolution")
}
