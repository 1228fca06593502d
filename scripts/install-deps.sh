#!/usr/bin/env bash
# Installs the C libraries curate links when they are missing: Tesseract and
# Leptonica (gosseract, filter-text), English language data, OpenBLAS
# (the model engine's cpu backend) and oneDNN (its onednn backend).
# Debian/Ubuntu only; uses sudo when not root.
set -euo pipefail
missing=()
pkg-config --exists tesseract lept 2>/dev/null || missing+=(libtesseract-dev libleptonica-dev)
compgen -G '/usr/share/tesseract-ocr/*/tessdata/eng.traineddata' >/dev/null || missing+=(tesseract-ocr-eng)
compgen -G '/usr/include/*/cblas.h' >/dev/null || [ -e /usr/include/cblas.h ] || missing+=(libopenblas-dev)
[ -e /usr/include/oneapi/dnnl/dnnl.h ] || missing+=(libdnnl-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v tesseract >/dev/null || missing+=(tesseract-ocr) # the CLI, baseline of make bench-ocr
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]}"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
