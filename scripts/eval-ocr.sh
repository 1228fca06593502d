#!/usr/bin/env bash
# eval-ocr: scores curate's text detector on every image of both parts of
# its real-material evaluation set (ocr/internal/evalset: Debian photos with
# scene text, web-style text composited over Debian photos, photos without
# text; full size and 220-px thumbnails). The held-out part fails below the
# floors of ocr/real_test.go; the tuning part is reported only. Then the
# held-out part of version 1 of the set (the previous session's) is scored
# too, for comparison with the numbers measured on it before.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "eval-ocr: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
OCR_REAL_STRIDE=1 OCR_EVAL_TUNE=1 go test -count=1 -run 'TestDetectorReal(HeldOut|Tune)$' -timeout 60m -v ./ocr 2>&1 |
	grep -v -E '^(PASS|ok) ' | sed -e 's/^ *real_test.go:[0-9]*: *//'
echo "eval-ocr: version 1 of the set (the previous session's), held-out part, for comparison"
OCR_REAL_VERSION=1 OCR_REAL_STRIDE=1 go test -count=1 -run 'TestDetectorRealHeldOut$' -timeout 60m -v ./ocr 2>&1 |
	grep -v -E '^(PASS|ok) ' | sed -e 's/^ *real_test.go:[0-9]*: *//'
