// Package model is curate's CPU training engine and the EfficientNetV2 + Gram
// network built on it: tensors, layers with forward and backward passes, the
// network built from the Keras block table, and the optimiser.
package model
