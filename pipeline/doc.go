// Package pipeline is the machinery every curate stage shares that is not about
// any one stage: a bounded worker pool that returns results in input order, the
// append-only journal that makes per-item resume work, a progress counter that
// stages update and the command line renders, and crash-safe file writes.
//
// It knows nothing about HTTP, OCR, images or Arrow, and it never prints.
package pipeline
