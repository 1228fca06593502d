#!/usr/bin/env bash
# Installs the C libraries curate links when they are missing: Tesseract and
# Leptonica (filter-text), English language data, OpenBLAS (the model
# engine's cpu backend), oneDNN (its onednn backend), Chromium (the
# report's browser test), Python/node tools of the weight tests, and the
# photos and fonts of the OCR evaluation set.
# Debian/Ubuntu only; uses sudo when not root.
set -euo pipefail
missing=()
pkg-config --exists tesseract lept 2>/dev/null || missing+=(libtesseract-dev libleptonica-dev)
compgen -G '/usr/share/tesseract-ocr/*/tessdata/eng.traineddata' >/dev/null || missing+=(tesseract-ocr-eng)
compgen -G '/usr/include/*/cblas.h' >/dev/null || [ -e /usr/include/cblas.h ] || missing+=(libopenblas-dev)
[ -e /usr/include/oneapi/dnnl/dnnl.h ] || missing+=(libdnnl-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v tesseract >/dev/null || missing+=(tesseract-ocr) # the CLI, baseline of make bench-ocr
[ -x /usr/bin/chromium ] || command -v chromium >/dev/null || missing+=(chromium) # curate report's browser test
# Weight import/export tests: h5py writes Keras-style .h5 files, PyTorch is the
# independent forward pass, python3-onnx checks exported models (Debian's
# python, not a pyenv/venv one that may come first on PATH).
if [ -x /usr/bin/python3 ]; then
  # find_spec looks the modules up without importing them (torch takes seconds).
  missing+=($(/usr/bin/python3 -c 'import importlib.util as u
for m, p in [("h5py", "python3-h5py"), ("numpy", "python3-numpy"), ("torch", "python3-torch"), ("onnx", "python3-onnx")]:
    u.find_spec(m) or print(p)'))
else
  missing+=(python3 python3-h5py python3-numpy python3-torch python3-onnx)
fi
command -v node >/dev/null || missing+=(nodejs npm) # tools/: apache-arrow, onnxruntime-node
# The photos and fonts of the text detector's real-material evaluation set
# (ocr/internal/evalset, make test and make eval-ocr).
[ -d /usr/share/doc/opencv-doc/examples/text ] || missing+=(opencv-doc)
[ -e /usr/lib/python3/dist-packages/skimage/data/coffee.png ] || missing+=(python3-skimage)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf ] || missing+=(fonts-dejavu-extra)
[ -e /usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf ] || missing+=(fonts-liberation)
[ -e /usr/share/fonts/truetype/freefont/FreeSans.ttf ] || missing+=(fonts-freefont-ttf)
[ -e /usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf ] || missing+=(fonts-urw-base35)
[ -e /usr/share/fonts/truetype/lato/Lato-Black.ttf ] || missing+=(fonts-lato)
# Version 2 of that set: more photos and wallpapers, and the held-out part's own fonts.
[ -d /usr/share/backgrounds/mate/nature ] || missing+=(mate-backgrounds)
[ -e /usr/share/backgrounds/2004default.jpg ] || missing+=(ukui-wallpapers)
[ -e /usr/share/backgrounds/Fossa_by_Jasper_Roks.jpg ] || missing+=(lomiri-wallpapers-20.04)
[ -e /usr/share/backgrounds/sway/Sway_Wallpaper_Blue_1136x640.png ] || missing+=(sway-backgrounds)
[ -d /usr/share/wallpapers/Altai ] || missing+=(plasma-workspace-wallpapers)
[ -e /usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg ] || missing+=(python-matplotlib-data)
for f in opentype/bebas-neue/BebasNeue-Bold.otf:fonts-bebas-neue opentype/league-spartan/LeagueSpartan-Black.otf:fonts-league-spartan \
	truetype/open-sans/OpenSans-Regular.ttf:fonts-open-sans opentype/cantarell/Cantarell-Bold.otf:fonts-cantarell \
	truetype/crosextra/Carlito-Bold.ttf:fonts-crosextra-carlito truetype/crosextra/Caladea-Bold.ttf:fonts-crosextra-caladea \
	opentype/comic-neue/ComicNeue-Bold.otf:fonts-comic-neue opentype/linux-libertine/LinLibertine_R.otf:fonts-linuxlibertine \
	opentype/ebgaramond/EBGaramond12-Regular.otf:fonts-ebgaramond opentype/dancingscript/DancingScript-Bold.otf:fonts-dancingscript \
	opentype/lobster/lobster.otf:fonts-lobster; do
	[ -e "/usr/share/fonts/${f%%:*}" ] || missing+=("${f##*:}")
done
# The near-duplicate edit set (scripts/dedup_editset.py, split's tests) and the
# imagehash fixtures (scripts/imagehash_fixtures.py): Debian's Python with PIL
# and SciPy, and photos from Debian packages.
/usr/bin/python3 -c 'import PIL, numpy, scipy' 2>/dev/null || missing+=(python3-pil python3-numpy python3-scipy)
[ -d /usr/lib/python3/dist-packages/skimage/data ] || missing+=(python3-skimage)
[ -d /usr/share/doc/opencv-doc/examples/data ] || missing+=(opencv-doc)
[ -d /usr/share/backgrounds/mate/nature ] || missing+=(mate-backgrounds)
[ -e /usr/share/backgrounds/2004default.jpg ] || missing+=(ukui-wallpapers)
# The edit set's held-out part: photos from packages the rules were not tuned on.
[ -d /usr/share/wallpapers/Path ] || missing+=(plasma-workspace-wallpapers)
[ -e /usr/share/backgrounds/aitzgorri_by_Aitzol_Berasategi.jpg ] || missing+=(lomiri-wallpapers-16.04)
[ -e /usr/share/backgrounds/Fossa_by_Jasper_Roks.jpg ] || missing+=(lomiri-wallpapers-20.04)
# The edit set's held-out part v2: photos and renders from packages no other part uses.
[ -e /usr/share/palapeli/collection/citrus-fruits.jpg ] || missing+=(palapeli-data)
[ -e /usr/share/backgrounds/xfce/xfce-teal.jpg ] || missing+=(xfdesktop4-data)
[ -e /usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg ] || missing+=(python-matplotlib-data)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]}"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
