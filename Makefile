# curate — two commands: `make demo` and `make test`. Both install what is missing.
SHELL := /bin/bash
GO ?= go
TOOLS := tools/node_modules/apache-arrow

.PHONY: all build deps demo test test-go test-arrow-js bench bench-shards bench-fetch bench-ocr bench-split bench-augment bench-train bench-dedup test-editset fuzz clean

all: build

# deps installs the C libraries curate links (Tesseract, Leptonica, OpenBLAS) when absent.
deps:
	@bash scripts/install-deps.sh

build: deps
	$(GO) build -o bin/curate ./cmd/curate

demo: build
	./bin/curate demo --out demo-out

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

bench: bench-shards bench-fetch bench-ocr bench-split bench-augment bench-train bench-dedup

bench-shards:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./shards

bench-fetch:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./cmd/curate -bench Fetch

bench-ocr: deps
	bash scripts/bench-ocr.sh

bench-split:
	$(GO) test -run '^$$' -bench . ./split

# Near-duplicate search at WEBEmo's 220,854 images (synthetic signatures) and at a quarter.
bench-dedup:
	$(GO) test -run '^$$' -bench NearPairs -benchtime 1x -timeout 20m ./split

# The near-duplicate edit set (real Debian photos): recall per edit and false merges per
# --near-distance, the table printed. Also part of `make test`, without the table.
test-editset: deps
	$(GO) test -count=1 -run TestEditSet -v ./split

bench-augment:
	$(GO) test -run '^$$' -bench . ./augment

bench-train: build
	bash scripts/bench-train.sh

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzOpenShard -fuzztime 60s ./shards

clean:
	rm -rf bin demo-out
