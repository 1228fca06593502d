// Package train is curate's trainer: it trains the EfficientNetV2 + Gram
// network (package model) on a dataset of shards (package shards), evaluates
// checkpoints on dataset splits and image folders, and predicts p(sadness)
// for images.
//
// The loader streams rows from the memory-mapped shards (the dataset is
// never held in memory): a seeded per-epoch shuffle (a pure function of
// (seed, epoch)), decoding, a resize when the stored size differs from the
// network's, RandAugment keyed by (seed, epoch, image id), and NHWC float32
// batches assembled by worker goroutines and prefetched while the engine
// computes. Every batch is the same whatever the number of workers.
//
// A run folder holds run.json (the options, the dataset's fingerprint,
// curate's version), metrics.jsonl (one line per finished epoch),
// checkpoints/last.safetensors and best.safetensors, and at the end
// test/eval.json and test/predictions.jsonl. Checkpoints hold the weights
// under Keras names without ":0", the BN moving statistics, the Adagrad
// accumulators (optimizer/<name>/accumulator), and in __metadata__ the
// epoch, step and position in the epoch's data order; they are written
// atomically. Because the order, the augmentation and the engine's random
// masks are all pure functions of (seed, epoch, position, step), a run
// resumed from any checkpoint continues at the exact step and ends
// byte-identical to an uninterrupted one with the same thread count.
//
// The package never prints: it reports progress through Hooks.
package train
