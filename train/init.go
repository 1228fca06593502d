package train

import (
	"context"
	"fmt"

	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/weights"
)

// loadInit fills net with pretrained weights for --init (a Keras .h5, timm
// or curate safetensors file): every backbone tensor is matched by name and
// shape; the head and Gram modules keep their initialisation, and the
// report says which tensors were loaded and which were kept.
func loadInit(ctx context.Context, path string, net *model.Net) (*weights.InitReport, error) {
	rep, err := weights.LoadInit(ctx, path, net)
	if err != nil {
		return nil, fmt.Errorf("--init %s: %w", path, err)
	}
	return &rep, nil
}
