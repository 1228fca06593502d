package augment

import (
	"errors"
	"fmt"
	"math/bits"
	"sync"
)

// Options configure a RandAugment.
type Options struct {
	N          int        // ops applied to each image, drawn with replacement (paper: 3)
	M          float64    // shared magnitude: level 0..10 (TF) or bin 0..30 (torchvision); paper: 7
	Convention Convention // TF (default) or Torchvision
	Seed       uint64     // with (epoch, sample id), decides every draw
}

// MaxN bounds Options.N; RandAugment uses 1-3 in practice.
const MaxN = 64

// RandAugment applies N random ops at magnitude M to an image. The draws
// depend only on (Seed, epoch, sample id). It is safe for concurrent use.
type RandAugment struct {
	opts    Options
	scratch sync.Pool // *Image, for the ping-pong between ops
}

// New checks o and returns a RandAugment.
func New(o Options) (*RandAugment, error) {
	if o.N < 0 || o.N > MaxN {
		return nil, fmt.Errorf("augment: N = %d, want 0..%d", o.N, MaxN)
	}
	if o.Convention != TF && o.Convention != Torchvision {
		return nil, fmt.Errorf("augment: unknown convention %d", o.Convention)
	}
	// Resolve checks M against the convention's range.
	if _, err := o.Convention.Resolve(Identity, o.M, false, 1, 1); err != nil {
		return nil, err
	}
	return &RandAugment{opts: o}, nil
}

// Options returns the options r was made with.
func (r *RandAugment) Options() Options { return r.opts }

// Draw appends to trace the N ops, with resolved arguments, that Apply uses
// for sample sampleID in epoch epoch on a w x h image.
func (r *RandAugment) Draw(trace []Params, epoch, sampleID uint64, w, h int) []Params {
	c := r.opts.Convention
	ops := c.ops()
	key := mix(mix(mix(r.opts.Seed^0x5241_6e64_4175_6731)^epoch) ^ sampleID)
	for layer := 0; layer < r.opts.N; layer++ {
		// Four independent draws per layer, from a counter-based generator:
		// the op, the sign, and Cutout's centre.
		g := uint64(golden)
		base := key + uint64(layer)*4*g
		op := ops[bounded(mix(base+g), len(ops))]
		negative := mix(base+2*g)&1 == 1
		p, err := c.Resolve(op, r.opts.M, negative, w, h)
		if err != nil {
			panic(err) // unreachable: New checked M, ops come from the convention
		}
		if op == Cutout {
			p.CX = bounded(mix(base+3*g), w)
			p.CY = bounded(mix(base+4*g), h)
		}
		trace = append(trace, p)
	}
	return trace
}

// Apply writes the augmented src into dst (resized to src's size) and
// returns the ops applied, in order. dst must not share memory with src.
func (r *RandAugment) Apply(dst, src *Image, epoch, sampleID uint64) ([]Params, error) {
	return r.AppendApply(make([]Params, 0, r.opts.N), dst, src, epoch, sampleID)
}

// AppendApply is Apply appending the ops to trace; with a trace of capacity
// N and a dst of the right size it allocates nothing.
func (r *RandAugment) AppendApply(trace []Params, dst, src *Image, epoch, sampleID uint64) ([]Params, error) {
	if err := src.check("source"); err != nil {
		return trace, err
	}
	if dst == nil {
		return trace, errors.New("augment: destination image is nil")
	}
	if dst == src || (cap(dst.Pix) > 0 && &dst.Pix[:1][0] == &src.Pix[0]) {
		return trace, errors.New("augment: destination and source must be different buffers")
	}
	dst.resize(src.W, src.H)
	start := len(trace)
	trace = r.Draw(trace, epoch, sampleID, src.W, src.H)
	drawn := trace[start:]
	if len(drawn) == 0 {
		copy(dst.Pix, src.Pix)
		return trace, nil
	}
	var scratch *Image
	if len(drawn) > 1 {
		scratch, _ = r.scratch.Get().(*Image)
		if scratch == nil {
			scratch = &Image{}
		}
		scratch.resize(src.W, src.H)
		defer r.scratch.Put(scratch)
	}
	// Ping-pong so that the last op writes dst: op i writes dst when
	// (n-1-i) is even, scratch otherwise; op 0 reads src.
	in := src
	n := len(drawn)
	for i := range drawn {
		out := dst
		if (n-1-i)%2 == 1 {
			out = scratch
		}
		apply(out, in, &drawn[i])
		in = out
	}
	return trace, nil
}

const golden = 0x9e3779b97f4a7c15

// mix is splitmix64's finaliser: a bijection that scatters nearby inputs.
func mix(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// bounded maps a uniform 64-bit value to [0, n) by multiply-high (Lemire);
// the bias is below n/2^64.
func bounded(x uint64, n int) int {
	hi, _ := bits.Mul64(x, uint64(n))
	return int(hi)
}
