#!/usr/bin/env bash
# bench-ocr: curate's text detector beside the plain tesseract CLI on the same
# images of the real-material evaluation set (both parts), same parallelism,
# same run. Prints images/s and F1 (all, full size, thumbnails).
#   OCR_BENCH_STRIDE    every n-th scene and its thumbnail (default 4: about 110 images a part)
#   OCR_BENCH_WORKERS   parallelism (default: the number of cores)
#   OCR_BENCH_PART      parts, comma-separated (default tune,heldout; heldout3:
#                       version 3's held-out part, scored once a wave by the integrator)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v tesseract >/dev/null; then
	echo "bench-ocr: the tesseract command line is needed for the baseline (Debian/Ubuntu: apt-get install tesseract-ocr)" >&2
	exit 1
fi
echo "bench-ocr: $(tesseract --version 2>&1 | head -1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
go test -run '^$' -bench 'DetectorVsCLI' -benchtime 1x -timeout 60m -v ./ocr 2>&1 |
	grep -v -E '^(goos|goarch|pkg|cpu|PASS|ok) ' | sed -e 's/^ *bench_test.go:[0-9]*: *//'
# The load after as well as before: a number measured beside other work is no ratio.
echo "bench-ocr: done, load $(cut -d' ' -f1-3 /proc/loadavg)"
