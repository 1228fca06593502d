//go:build cgo && !nodnnl && !noblas

package model

import (
	"fmt"
	"os"
	osexec "os/exec"
	"strings"
	"testing"
)

// TestInferEpilogueActTable checks the ISA table of isa_onednn.go: on an
// AVX-only oneDNN every activation runs in the epilogue, elsewhere as
// oneDNN's post-op.
func TestInferEpilogueActTable(t *testing.T) {
	acts := []actKind{actNone, actSwish, actSigmoid, actLeaky}
	for _, c := range []struct {
		isa      dnnlISA
		epilogue bool
	}{
		{isaSSE41, false},
		{isaAVX, true},
		{isaAVX2, false},
		{isaAVX2 | 0x8, false}, // avx2_vnni
		{isaAVX512Core, false},
		{isaAVX512Core | 0x40, false},
	} {
		b := &dnnlBackend{isa: c.isa}
		for _, act := range acts {
			want := actNone
			if c.epilogue {
				want = act
			}
			if got := b.inferEpilogueAct(act); got != want {
				t.Errorf("%v, activation %d: epilogue applies %d, want %d", c.isa, act, got, want)
			}
			if got := postAct(act, b.inferEpilogueAct(act)); (got == act) == (want != actNone && act != actNone) {
				t.Errorf("%v, activation %d: oneDNN's post-op %d", c.isa, act, got)
			}
		}
	}
}

// TestInferISAKernels runs TestInferISAKernelsHere, the blocked layout
// plan's test and the inference path's match with the training graph in
// child processes with oneDNN capped at SSE4.1, AVX and AVX2: the nearest
// thing to those CPUs on this one (oneDNN reads the cap once, at its first
// kernel).
func TestInferISAKernels(t *testing.T) {
	if os.Getenv("CURATE_ISA_CHILD") != "" {
		t.Skip("in a child")
	}
	if testing.Short() {
		t.Skip("three child processes of about 100 oneDNN convolutions each")
	}
	for _, isa := range []string{"SSE41", "AVX", "AVX2"} {
		cmd := osexec.Command(os.Args[0], "-test.run", "^(TestInferISAKernelsHere|TestInferOneDNNLayout|TestInferMatchesGraph)$", "-test.v")
		cmd.Env = append(os.Environ(), "CURATE_ISA_CHILD=1", "ONEDNN_MAX_CPU_ISA="+isa, "DNNL_MAX_CPU_ISA="+isa)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("capped at %s: %v\n%s", isa, err, out)
			continue
		}
		for _, l := range strings.Split(string(out), "\n") {
			if strings.Contains(l, "isa_onednn_test.go") {
				t.Logf("%s: %s", isa, strings.TrimSpace(l))
			}
		}
	}
}

// TestInferISAKernelsHere checks that every spatial convolution of B2's
// inference program, prepared as the onednn backend prepares it, runs on a
// kernel of the ISA oneDNN runs on here (jit:avx, jit_1x1:avx on an
// AVX-only oneDNN, not the SSE4.1 kernels a fused swish would get), with
// depthwise convolutions on jit_dw:sse41 below AVX2 (oneDNN 2.6 has no AVX
// one).
func TestInferISAKernelsHere(t *testing.T) {
	b, prog := b2LayoutPlan(t, 1)
	kernel := ":" + b.isa.String()
	impls := map[string]int{}
	for _, s := range prog.steps {
		var impl, name string
		switch {
		case s.conv != nil && dnnlConvs(s.conv):
			f := s.conv
			name = fmt.Sprintf("%s (%dx%d, %d -> %d, activation %d)", f.conv.w.Name, f.conv.k, f.conv.k, f.x.C, f.y.C, f.act)
			c := newInferConv(f, 1, b.inferEpilogueAct(f.act))
			if c == nil {
				t.Fatalf("%s: oneDNN refused it", name)
			}
			d := &dnnlInfer{c: c}
			impl = d.impl()
			d.free()
		case s.dw != nil && s.dw.y.H >= 2:
			f := s.dw
			name = fmt.Sprintf("%s (depthwise, %d channels, activation %d)", f.dw.w.Name, f.dw.x.C, f.act)
			c := newInferDW(f, 1, b.inferEpilogueAct(f.act))
			if c == nil {
				t.Fatalf("%s: oneDNN refused it", name)
			}
			d := &dnnlInfer{c: c}
			impl = d.impl()
			d.free()
			if !b.isa.has(isaAVX2) && impl == "jit_dw:sse41" {
				impls[impl]++
				continue
			}
		default:
			continue
		}
		impls[impl]++
		if !strings.HasSuffix(impl, kernel) && !strings.Contains(impl, kernel+"_") {
			t.Errorf("%s runs on %q, not a %s kernel", name, impl, b.isa)
		}
	}
	t.Logf("oneDNN %v: %v", b.isa, impls)
}
