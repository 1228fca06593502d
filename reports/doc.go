// Package reports builds `curate report`: one self-contained HTML page (and
// the same numbers as one JSON document) from any mix of stage outputs
// (fetch, filter-text, split), training runs and eval outputs.
//
// Sections: the data funnel (list lines to train/validation/test per class,
// with the filter's contact sheets), training curves (loss and accuracy per
// epoch, train vs validation, one line per run; images/s), evaluation (ROC
// with AUC per eval set and several runs on one plot as the paper's Figure 7,
// confusion matrices, Table 4's per-class layout, Table 3's mean ± SD over
// seeds with the baseline k=0 beside the Gram models), the paper's published
// numbers beside ours, and example grids (most confident sadness and others,
// worst errors) with p(sadness).
//
// Boundaries: reports only reads. It decodes the JSON files the stages and the
// trainer write with their own exported types (fetch.Stats, filter.Stats,
// split.Report, metrics.Eval, train.RunInfo, ...; see types.go), reads
// dataset images only through the shards API, draws every
// figure with gonum.org/v1/plot (PNG and SVG), and renders the page with
// html/template with every figure embedded as a base64 PNG, so the page opens
// offline and loads nothing from the network. It never prints; cmd/curate
// owns the terminal. A PATH that is no known output is an error naming it; a
// known output lacking one of its files is reported as missing in its section.
//
// Output is deterministic: the same inputs give byte-identical HTML, JSON and
// figures (no timestamps, maps iterated in sorted order, ties broken by id).
package reports
