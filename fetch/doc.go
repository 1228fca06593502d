// Package fetch downloads image URL lists (WEBEmo's train25.txt/test25.txt,
// or CSV/TSV/JSONL lists with url and label columns) into an Arrow dataset,
// politely and resumably.
//
// The parts, one job each:
//
//   - list.go: the list reader. Malformed lines become *LineError values
//     naming file and line; the same URL listed twice becomes one Entry
//     carrying every label.
//   - client.go: the HTTP client. It refuses private, loopback and
//     link-local addresses at dial time (so neither redirects nor DNS can
//     get around it), allows only http and https, and bounds redirects.
//   - limiter.go: the per-host limiter: at most PerHost requests to a host
//     at once, halved and paused when the host answers 429.
//   - fetcher.go: one URL from request to validated image, with its
//     retries; the size cap is enforced on the bytes as they arrive.
//   - retry.go: error classification in one place. Every failure gets a
//     stable reason code (http_404, timeout, not_image, ...) and a verdict:
//     retry with exponential backoff and jitter (honouring Retry-After), or
//     give up.
//   - validate.go: the image check. The format comes from the magic bytes
//     (JPEG, PNG, GIF, WebP), not the Content-Type; the header is decoded
//     first so decompression bombs are refused before any pixel buffer is
//     allocated; then a full decode, and the sha256.
//   - staging.go and ledger.go: resume. Every finished URL is journaled in
//     DIR/ledger.jsonl (fsynced in batches) and its bytes appended to
//     DIR/fetch-staging.bin as checksummed records, so after a crash
//     (SIGKILL included) a rerun trusts only complete records and fetches
//     only what is missing. previous.go: after a complete run the staging
//     file is removed and the shards themselves are where a later run finds
//     the images it already has.
//   - run.go: Run ties them together. Once every URL is decided (or the run
//     is interrupted) it writes the shards from staging in list order, so
//     two complete runs give byte-identical shards whatever the
//     concurrency, then rewrites the ledger with one record per URL and
//     writes DIR/fetch-stats.json.
//
// The package never prints: progress goes to a pipeline.Counter, malformed
// lines to a hook.
//
// The output folder is committed as a new generation (internal/atomicfile):
// shards, compacted ledger, stats and (when still needed) the staging file
// are written beside the current output, which keeps serving as the journal
// and image source until one rename switches them. Earlier shards that
// cannot be read stop the run rather than being refetched.
package fetch
