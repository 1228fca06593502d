#!/usr/bin/env bash
# ocr-evalset: writes the text detector's real-material evaluation set to a
# folder as PNG files, one folder per part (tune, heldout), each with
# labels.tsv (file, has_text, kind, thumb, text, source photo). The set is
# built from Debian packages (opencv-doc, python3-skimage, font packages; see
# scripts/install-deps.sh); the tests build it in memory, this is for looking
# at it or feeding it to other tools.
#   scripts/ocr-evalset.sh [OUT]   (default: ocr-evalset)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-ocr-evalset}"
go run ./ocr/internal/evalset/dump -out "$out"
echo "ocr-evalset: wrote $out/tune and $out/heldout"
