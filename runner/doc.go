// Package runner runs curate's pipeline from one config file, caching
// stages: fetch -> filter-text -> split -> train -> eval -> report under one
// output root.
//
// The parts:
//
//   - config.go: the config (PIPELINE.yaml) types, the paper's settings as
//     defaults, strict parsing with github.com/goccy/go-yaml (an unknown or
//     repeated key is an error naming its line and column), and the
//     commented config `curate run --init-config` writes.
//   - manifest.go: after a stage finishes, ROOT/manifests/STAGE.json records
//     its options, the digests of its inputs (files outside the pipeline and
//     the previous stage's outputs), curate's version and build (the
//     sha256 of the curate binary, so a rebuilt binary whose code changed
//     never reuses what the old code wrote, although the version string
//     is the same), and the sha256 of every output file with its size and
//     modification time.
//   - plan.go: which stages run and why. A stage is skipped when its key
//     (options, inputs, version, build) still matches its manifest and its outputs
//     are still what the manifest recorded (a file whose size and mtime
//     match is trusted, others are hashed again); otherwise it runs, and so
//     does every stage after it. --from, --until, --force and --dry-run
//     shape the plan.
//
// The package knows nothing of what a stage does: cmd/curate builds the
// stages (calling each stage's Go entry point) and owns the terminal. The
// runner reports through Hooks and never prints.
package runner
