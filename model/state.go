package model

import "fmt"

// This file exposes the training state a checkpoint must hold beyond the
// parameters (which Params already gives): the Adagrad accumulators and the
// step counter (dropout and stochastic-depth masks are a function of (seed,
// step)), and the probabilities of the last forward pass.

// Accumulator returns p's Adagrad accumulator, creating it at the
// optimiser's initial value when no step has run yet, or nil for a
// non-trainable parameter. The slice is the live state: writing it (to
// restore a checkpoint) changes the next update.
func (n *Net) Accumulator(p *Param) []float32 {
	if !p.Trainable {
		return nil
	}
	if p.accum == nil {
		p.accum = make([]float32, p.Len())
		for i := range p.accum {
			p.accum[i] = n.opt.InitialAccumulator
		}
	}
	return p.accum
}

// Optimizer returns the optimiser settings.
func (n *Net) Optimizer() Adagrad { return n.opt }

// SetSteps sets the number of training steps taken, so that a network
// restored from a checkpoint draws the same random masks as the one that
// wrote it.
func (n *Net) SetSteps(s uint64) { n.step = s }

// LastProbs copies into dst (N*Classes values) the class probabilities of
// the last forward pass (Step, Loss or Predict) on a batch of N images.
func (n *Net) LastProbs(dst []float32) error {
	if n.cur == nil || !n.cur.allocated {
		return fmt.Errorf("model: no forward pass has run")
	}
	if len(dst) != len(n.cur.ce.probs) {
		return fmt.Errorf("model: probs holds %d values, the last batch has %d", len(dst), len(n.cur.ce.probs))
	}
	copy(dst, n.cur.ce.probs)
	return nil
}
