// Package filter is the filter-text stage: it runs the ocr detector over a
// dataset in the shards format (or a folder of image files), writes the
// images without text as shards with the same columns, and records every
// decision in verdicts.jsonl, the totals in filter-stats.json and the
// dropped images on contact-sheet pages.
//
// The stage is resumable: each verdict is appended to a journal as soon as it
// is made, and a rerun decides only the images the journal lacks. Every
// output except the per-image `ms` timings is a function of the input and the
// options alone, so a resumed run writes byte-identical files. It never
// prints; progress goes to a pipeline.Counter.
//
// Its output is written as one generation (internal/atomicfile) under the
// output's lock and switched in one rename at the end; the journal stays in
// the current output while the run appends to it (its verdicts are held on
// disk, only their offsets in memory) and is carried into the new one. The
// input side refuses what would hang or explode: FIFOs and other
// non-regular files, images whose header declares more than MaxPixels.
package filter
