package augment

import (
	"bytes"
	"image"
	"image/jpeg"
	"sync"
	"testing"
	"time"

	"github.com/disintegration/imaging"
)

// bench256 is the test source scaled to 256x256 (the paper's input size), as
// an Image and as a quality-90 JPEG.
var bench256 = sync.OnceValues(func() (*Image, []byte) {
	src := loadPNG(nil, "testdata/refs/src.png")
	m := imaging.Resize(src.RGBA(), 256, 256, imaging.Lanczos)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return FromImage(m), buf.Bytes()
})

// decodeNs is the mean time to decode the 256x256 JPEG and convert it to an
// Image, measured right after each benchmark so that both see the same load
// on the machine: the baseline every benchmark reports against.
func decodeNs() float64 {
	_, data := bench256()
	dst := &Image{}
	decode := func() {
		m, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			panic(err)
		}
		CopyFrom(dst, m)
	}
	decode()
	const runs = 40
	start := time.Now()
	for i := 0; i < runs; i++ {
		decode()
	}
	return float64(time.Since(start).Nanoseconds()) / runs
}

func report(b *testing.B) {
	per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	dec := decodeNs()
	b.ReportMetric(1e9/per, "images/s")
	b.ReportMetric(per/dec, "x_decode")
	b.ReportMetric(dec, "decode_ns")
}

// BenchmarkDecodeJPEG256 is the baseline: decode a 256x256 JPEG into an Image.
func BenchmarkDecodeJPEG256(b *testing.B) {
	_, data := bench256()
	dst := &Image{}
	var m image.Image
	var err error
	for b.Loop() {
		if m, err = jpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		CopyFrom(dst, m)
	}
	report(b)
}

// BenchmarkOp: each op alone at M=7 on 256x256; x_decode is its time over
// one JPEG decode measured in the same run.
func BenchmarkOp(b *testing.B) {
	src, _ := bench256()
	for _, conv := range []Convention{TF, Torchvision} {
		for _, op := range conv.ops() {
			p, err := conv.Resolve(op, 7, true, src.W, src.H)
			if err != nil {
				b.Fatal(err)
			}
			p.CX, p.CY = 100, 100
			b.Run(conv.String()+"/"+op.String(), func(b *testing.B) {
				dst := NewImage(src.W, src.H)
				for b.Loop() {
					apply(dst, src, &p)
				}
				report(b)
			})
		}
	}
}

// BenchmarkPolicy: the whole N=3 M=7 policy per image, a new sample id each
// time. Each iteration also decodes the 256x256 JPEG, and the two are timed
// separately, so that both see the same load on the machine; ns/op is their
// sum, images/s and x_decode are the policy's alone (x_decode below 1: the
// policy costs less than decoding). The allocations reported are the JPEG
// decoder's; the policy allocates nothing (TestApplyNoAllocations).
func BenchmarkPolicy(b *testing.B) {
	src, data := bench256()
	for _, conv := range []Convention{TF, Torchvision} {
		b.Run(conv.String()+"/N3M7", func(b *testing.B) {
			ra, err := New(Options{N: 3, M: 7, Convention: conv, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			dst := NewImage(src.W, src.H)
			dec := &Image{}
			trace := make([]Params, 0, 3)
			id := uint64(0)
			var tDecode, tPolicy time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				m, err := jpeg.Decode(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				CopyFrom(dec, m)
				t1 := time.Now()
				trace, _ = ra.AppendApply(trace[:0], dst, src, 0, id)
				t2 := time.Now()
				tDecode += t1.Sub(t0)
				tPolicy += t2.Sub(t1)
				id++
			}
			n := float64(b.N)
			b.ReportMetric(n/tPolicy.Seconds(), "images/s")
			b.ReportMetric(float64(tDecode.Nanoseconds())/n, "decode_ns")
			b.ReportMetric(float64(tPolicy.Nanoseconds())/n, "policy_ns")
			b.ReportMetric(tPolicy.Seconds()/tDecode.Seconds(), "x_decode")
		})
	}
}
