# curate — two commands: `make demo` and `make test`. Both install what is missing.
SHELL := /bin/bash
GO ?= go
TOOLS := tools/node_modules/apache-arrow

.PHONY: all build deps demo test test-go test-arrow-js bench bench-shards bench-fetch bench-ocr bench-split bench-augment bench-train bench-train-loop fuzz clean scale-test build-nocgo

all: build

# deps installs the C libraries curate links (Tesseract, Leptonica, OpenBLAS) when absent.
deps:
	@bash scripts/install-deps.sh

build: deps
	$(GO) build -o bin/curate ./cmd/curate

# The pure-Go binary: the model's ref backend, no Tesseract (filter-text says so), any GOARCH.
build-nocgo:
	CGO_ENABLED=0 $(GO) build -o bin/curate-nocgo ./cmd/curate
	CGO_ENABLED=0 GOARCH=arm64 $(GO) build -o /dev/null ./cmd/curate

# The whole pipeline on generated demo scenes, from one config: fetch from a
# loopback server, filter-text, split, train, eval, report. A rerun skips
# what is up to date.
demo: build
	./bin/curate run configs/demo.yaml

# The README's test command.
test: build $(TOOLS)
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './tools/*')); \
		if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m ./...
	$(MAKE) test-arrow-js

# An independent Arrow implementation (npm apache-arrow) reads curate's shards.
$(TOOLS):
	cd tools && npm install --no-audit --no-fund --silent

test-arrow-js: build $(TOOLS)
	bash scripts/test-arrow-js.sh

bench: bench-shards bench-fetch bench-ocr bench-split bench-augment bench-train bench-train-loop

bench-shards:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./shards

bench-fetch:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./cmd/curate -bench Fetch

bench-ocr: deps
	bash scripts/bench-ocr.sh

bench-split:
	$(GO) test -run '^$$' -bench . ./split

bench-augment:
	$(GO) test -run '^$$' -bench . ./augment

bench-train: build
	bash scripts/bench-train.sh

# curate train's loop (loader on real JPEG shards, augmentation, checkpoints)
# against the bare engine (curate model bench) on the same network, batch and
# threads, in one run; CURATE_BENCH_{BACKBONE,GRAM,SIZE,BATCH,STEPS,THREADS}.
bench-train-loop:
	uptime
	$(GO) test -run '^$$' -bench TrainLoop -benchtime 1x -timeout 60m ./train
	uptime
# curate at WEBEmo scale: split over 220,000 rows and filter-text resuming
# from a 220,000-verdict journal, each under 1 GiB peak RSS (not in make test).
scale-test: build
	bash scripts/scale-test.sh

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzOpenShard -fuzztime 60s ./shards
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 60s ./runner

clean:
	rm -rf bin demo-out
