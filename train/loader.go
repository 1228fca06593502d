package train

import (
	"context"
	"fmt"
	"sync"

	"github.com/curate-ml/curate/augment"
	"github.com/curate-ml/curate/split"
)

// maxPixels bounds the decoded size of one image (the split stage's limit).
const maxPixels = 50_000_000

// loaderOptions configure one pass of the loader over a source.
type loaderOptions struct {
	Size     int
	Batch    int
	Workers  int
	Prefetch int                  // batches assembled ahead of the consumer
	Augment  *augment.RandAugment // nil = none
	Epoch    int                  // augmentation draw
	Order    []int                // source indices in the pass's order
	Start    int                  // first position of Order to load
	SkipBad  bool                 // drop images that do not decode (counted) rather than fail
	Pad      bool                 // pad the last batch to Batch images (inference)
}

// batch is one loaded batch. Images holds Batch slots; the first N are
// real images, the rest (when padded) zeros.
type batch struct {
	Images  []float32
	Labels  []int
	Samples []Sample // the N loaded images, Data cleared
	N       int      // real images
	Start   int      // first position of the batch in Order
	End     int      // position after its last
	Skipped int      // images dropped by SkipBad
	Bad     []string // their descriptions

	errs []error
	wg   sync.WaitGroup
}

type job struct {
	b    *batch
	slot int
	idx  int
}

// loader streams batches of a source in Order, decoding and augmenting
// with worker goroutines while the consumer works on the previous batch.
// Batches come out in order and are the same whatever the worker count.
type loader struct {
	src    Source
	o      loaderOptions
	ready  chan *batch
	free   chan *batch
	cancel context.CancelFunc
	done   sync.WaitGroup
}

func newLoader(ctx context.Context, src Source, o loaderOptions) *loader {
	o.Workers = max(1, o.Workers)
	o.Prefetch = max(1, o.Prefetch)
	ctx, cancel := context.WithCancel(ctx)
	l := &loader{src: src, o: o, ready: make(chan *batch, o.Prefetch), free: make(chan *batch, o.Prefetch+1), cancel: cancel}
	for range o.Prefetch + 1 {
		l.free <- &batch{}
	}
	jobs := make(chan job, o.Batch)
	for range o.Workers {
		l.done.Add(1)
		go func() {
			defer l.done.Done()
			w := &worker{l: l}
			for j := range jobs {
				j.b.errs[j.slot] = w.load(j.b, j.slot, j.idx)
				j.b.wg.Done()
			}
		}()
	}
	l.done.Add(1)
	go func() {
		defer l.done.Done()
		defer close(jobs)
		defer close(l.ready)
		for pos := o.Start; pos < len(o.Order); pos += o.Batch {
			var b *batch
			select {
			case <-ctx.Done():
				return
			case b = <-l.free:
			}
			end := min(len(o.Order), pos+o.Batch)
			l.reset(b, pos, end)
			b.wg.Add(end - pos)
			for i := pos; i < end; i++ {
				jobs <- job{b, i - pos, o.Order[i]}
			}
			select {
			case <-ctx.Done():
				b.wg.Wait()
				return
			case l.ready <- b:
			}
		}
	}()
	return l
}

func (l *loader) reset(b *batch, start, end int) {
	slots := end - start
	if l.o.Pad {
		slots = l.o.Batch
	}
	n := slots * l.o.Size * l.o.Size * 3
	if cap(b.Images) < n {
		b.Images = make([]float32, n)
	}
	b.Images = b.Images[:n]
	if cap(b.Labels) < slots {
		b.Labels = make([]int, slots)
		b.Samples = make([]Sample, slots)
		b.errs = make([]error, slots)
	}
	b.Labels, b.Samples, b.errs = b.Labels[:slots], b.Samples[:slots], b.errs[:slots]
	clear(b.errs)
	b.N, b.Start, b.End, b.Skipped, b.Bad = end-start, start, end, 0, b.Bad[:0]
	if l.o.Pad {
		clear(b.Images[b.N*l.o.Size*l.o.Size*3:])
		for i := b.N; i < slots; i++ {
			b.Labels[i] = 0
		}
	}
}

// next returns the next batch, nil at the end of the pass. With SkipBad,
// images that did not decode are dropped and the rest moved up; a batch
// may then hold fewer images (or none). Give each batch back with release.
func (l *loader) next(ctx context.Context) (*batch, error) {
	var b *batch
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case b = <-l.ready:
	}
	if b == nil {
		return nil, ctx.Err()
	}
	b.wg.Wait()
	px := l.o.Size * l.o.Size * 3
	k := 0
	real := b.N
	for i := 0; i < real; i++ {
		if err := b.errs[i]; err != nil {
			desc := l.src.Describe(l.o.Order[b.Start+i])
			if !l.o.SkipBad {
				l.release(b)
				return nil, fmt.Errorf("%s: %w (--skip-bad drops such images)", desc, err)
			}
			b.Skipped++
			b.Bad = append(b.Bad, desc)
			continue
		}
		if k != i {
			copy(b.Images[k*px:(k+1)*px], b.Images[i*px:(i+1)*px])
			b.Labels[k], b.Samples[k] = b.Labels[i], b.Samples[i]
		}
		k++
	}
	b.N, b.Samples = k, b.Samples[:k]
	if l.o.Pad {
		clear(b.Images[k*px : real*px])
	} else {
		b.Images, b.Labels = b.Images[:k*px], b.Labels[:k]
	}
	return b, nil
}

func (l *loader) release(b *batch) {
	b.Images, b.Labels, b.Samples = b.Images[:cap(b.Images)], b.Labels[:cap(b.Labels)], b.Samples[:cap(b.Samples)]
	select {
	case l.free <- b:
	default:
	}
}

// close stops the loader and waits for its goroutines.
func (l *loader) close() {
	l.cancel()
	go func() {
		for b := range l.ready {
			b.wg.Wait()
			l.release(b)
		}
	}()
	l.done.Wait()
}

// worker is one loading goroutine with its own scratch images.
type worker struct {
	l        *loader
	src, dst *augment.Image
}

// load decodes, resizes and augments image idx into slot of b.
func (w *worker) load(b *batch, slot, idx int) (err error) {
	defer func() {
		if r := recover(); r != nil { // a decoder panic on hostile bytes is a bad image, not a crash
			err = fmt.Errorf("decoding panicked: %v", r)
		}
	}()
	o := &w.l.o
	s, err := w.l.src.Sample(idx)
	if err != nil {
		return err
	}
	if len(s.Data) == 0 {
		return fmt.Errorf("no image bytes")
	}
	img, err := split.Decode(s.Data, maxPixels)
	if err != nil {
		return err
	}
	if img.Rect.Dx() != o.Size || img.Rect.Dy() != o.Size {
		img = split.Resize(img, o.Size, split.Squash)
	}
	if w.src == nil {
		w.src, w.dst = augment.NewImage(o.Size, o.Size), augment.NewImage(o.Size, o.Size)
	}
	augment.CopyFrom(w.src, img)
	pix := w.src.Pix
	if o.Augment != nil {
		if _, err := o.Augment.Apply(w.dst, w.src, uint64(o.Epoch), augmentKey(s)); err != nil {
			return fmt.Errorf("augment: %w", err)
		}
		pix = w.dst.Pix
	}
	out := b.Images[slot*len(pix) : (slot+1)*len(pix)]
	for i, v := range pix {
		out[i] = float32(v)
	}
	b.Labels[slot] = s.Label
	s.Data = nil
	b.Samples[slot] = s
	return nil
}

// shuffle is the data order of one epoch: a Fisher-Yates permutation of
// 0..n-1 drawn from a counter-based generator keyed by (seed, epoch), so it
// depends on nothing else (not even the Go version's math/rand).
func shuffle(n int, seed uint64, epoch int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	key := mix64(mix64(seed^0x7261696e) ^ uint64(epoch))
	for i := n - 1; i > 0; i-- {
		j := int(mix64(key^uint64(i)) % uint64(i+1))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// identity is the order 0..n-1 (evaluation).
func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
