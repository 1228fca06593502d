package model

import "fmt"

// frozen is the frozen prefix of the network: its first ops and params.
type frozen struct {
	layer       string
	ops, params int
}

// HeadLayer is the name Freeze accepts for "everything but the head": the
// backbone up to and including top_activation.
const HeadLayer = "head"

// Freeze freezes every layer up to and including the Keras layer named
// layer (HeadLayer: the whole backbone, training the head alone; "" undoes
// it). Frozen layers keep their weights and BN moving statistics: their
// forward pass runs as in inference (moving statistics, no dropout or
// stochastic depth, as Keras's layer.trainable = False with training=False),
// their backward pass is skipped and Adagrad does not touch them.
//
// Layers are frozen in the order Layers lists them, which is the order
// parameters are created: the Gram modules come after the backbone, so
// freezing a backbone layer leaves them trainable even though they read
// block3b_project_conv.
func (n *Net) Freeze(layer string) error {
	if layer == "" {
		n.frozen = frozen{}
		return nil
	}
	name := layer
	if layer == HeadLayer {
		name = "top_activation"
	}
	p, err := n.compile(1, n.cfg.Size)
	if err != nil {
		return err
	}
	for i, l := range p.layers {
		if l.Name == name {
			n.frozen = frozen{layer: layer, ops: p.layerOps[i], params: p.layerParams[i]}
			return nil
		}
	}
	return fmt.Errorf("model: no layer %q to freeze up to (see curate model summary; %q = the backbone)", layer, HeadLayer)
}

// Frozen returns the layer given to Freeze and the number of parameters
// (trainable ones included) it froze.
func (n *Net) Frozen() (layer string, params int) {
	c := 0
	for _, p := range n.params[:n.frozen.params] {
		c += p.Len()
	}
	return n.frozen.layer, c
}

// tinyPreset is a narrow, shallow network of the same architecture (every
// block kind, SE, the Gram head) for tests and quick experiments on a CPU:
// width 0.25 and depth 0.2 of the B table (one block per stage, two in the
// last), 64x64 input, the Gram modules on block3a_project_conv since stage 3
// has one block. Not a Keras model; no pretrained weights exist for it.
func tinyPreset(c Config) Config {
	c.Width, c.Depth, c.Size, c.Tap = 0.25, 0.2, 64, "block3a_project_conv"
	return c
}
