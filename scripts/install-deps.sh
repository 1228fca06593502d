#!/usr/bin/env bash
# Installs the C libraries curate links when they are missing: Tesseract and
# Leptonica (gosseract, filter-text), English language data, and OpenBLAS
# (the model engine). Debian/Ubuntu only; uses sudo when not root.
set -euo pipefail
missing=()
pkg-config --exists tesseract lept 2>/dev/null || missing+=(libtesseract-dev libleptonica-dev)
compgen -G '/usr/share/tesseract-ocr/*/tessdata/eng.traineddata' >/dev/null || missing+=(tesseract-ocr-eng)
compgen -G '/usr/include/*/cblas.h' >/dev/null || [ -e /usr/include/cblas.h ] || missing+=(libopenblas-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v tesseract >/dev/null || missing+=(tesseract-ocr) # the CLI, baseline of make bench-ocr
# The near-duplicate edit set (scripts/dedup_editset.py, split's tests) and the
# imagehash fixtures (scripts/imagehash_fixtures.py): Debian's Python with PIL
# and SciPy, and photos from Debian packages.
/usr/bin/python3 -c 'import PIL, numpy, scipy' 2>/dev/null || missing+=(python3-pil python3-numpy python3-scipy)
[ -d /usr/lib/python3/dist-packages/skimage/data ] || missing+=(python3-skimage)
[ -d /usr/share/doc/opencv-doc/examples/data ] || missing+=(opencv-doc)
[ -d /usr/share/backgrounds/mate/nature ] || missing+=(mate-backgrounds)
[ -e /usr/share/backgrounds/2004default.jpg ] || missing+=(ukui-wallpapers)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]}"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
