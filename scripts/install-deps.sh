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
  # -I: isolated, so the repo's own onnx/ folder (cwd) is not taken for the module.
  missing+=($(/usr/bin/python3 -I -c 'import importlib.util as u
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
# Version 3 of the OCR set (its held-out part heldout3) and the near-duplicate edit
# set's held-out v3 (scripts/dedup_editset.py): photos and fonts of
# packages that no other part of that set uses. Installed without their
# recommends (the sddm themes recommend the sddm display manager itself).
norec=()
for f in lxqt/wallpapers/fog.jpg:lxqt-themes palapeli/collection/citrus-fruits.jpg:palapeli-data \
	libjxl-testdata/jxl/flower/flower.png:libjxl-testdata games/jigzo/puzzles/00_default/bike-3x4.pzl:jigzo-data \
	gimp/2.0/scripts/images/texture.jpg:gimp-data gimp/2.0/help/en/images/tutorials/tone-mapping/power-lines.jpg:gimp-help-en \
	sddm/themes/maldives/maldives.jpg:sddm-theme-maldives sddm/themes/maui/maui.jpg:sddm-theme-maui \
	backgrounds/xfce/xfce-teal.jpg:xfdesktop4-data backgrounds/gnome/wood-l.webp:gnome-backgrounds \
	afterstep/desktop/tiles/rose512.jpg:afterstep-data desktop-base/spacefun-theme/grub/grub-16x9.png:desktop-base \
	fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf:fonts-roboto-unhinted fonts/opentype/roboto/slab/RobotoSlab-Bold.otf:fonts-roboto-slab \
	fonts/opentype/yanone-kaffeesatz/YanoneKaffeesatz-Bold.otf:fonts-yanone-kaffeesatz fonts/opentype/cabin/Cabin-Regular.otf:fonts-cabin \
	fonts/opentype/inter/Inter-Regular.otf:fonts-inter fonts/truetype/karla/Karla-Regular.otf:fonts-karla \
	fonts/truetype/manrope/Manrope-ExtraBold.ttf:fonts-manrope fonts/opentype/b612/B612-Regular.otf:fonts-b612 \
	fonts/opentype/jura/Jura-Medium.otf:fonts-jura fonts/truetype/andika/Andika-Regular.ttf:fonts-sil-andika \
	fonts/truetype/vollkorn/Vollkorn-Regular.ttf:fonts-vollkorn fonts/truetype/cardo/Cardo104s.ttf:fonts-cardo \
	fonts/truetype/gentium/Gentium-R.ttf:fonts-sil-gentium fonts/truetype/charis/CharisSIL-Regular.ttf:fonts-sil-charis \
	fonts/opentype/quattrocento/Quattrocento-Regular.otf:fonts-quattrocento fonts/truetype/fonts-oldstandard/OldStandard-Regular.ttf:fonts-oldstandard \
	fonts/truetype/adf/AccanthisADFStd-Regular.otf:fonts-adf-accanthis fonts/opentype/kaushanscript/KaushanScript-Regular.otf:fonts-kaushanscript \
	fonts/truetype/humor-sans/Humor-Sans.ttf:fonts-humor-sans "fonts/opentype/courier-prime/Courier Prime Sans Bold.otf:fonts-courier-prime"; do
	[ -e "/usr/share/${f%%:*}" ] || norec+=("${f##*:}")
done
# The near-duplicate edit set's held-out part v4 (scripts/dedup_editset.py): photos of
# packages no other part uses (endless-sky-data and tuxpaint-data also serve the OCR set's v4, below).
[ -e /usr/share/xplanet/images/earth.jpg ] || norec+=(xplanet-images)
# The near-duplicate edit set's held-out part v5 (scripts/dedup_editset.py): photos and
# renders of packages no other part uses (dark space scenes, game skyboxes and level
# shots, near-uniform paper textures), without their recommends. Not frozen-bubble-data
# (its backgrounds carry logos and text).
for f in games/moon-lander/images/backgrounds/saturn.jpg:moon-lander-data games/etr/env/etr/night/left.png:extremetuxracer-data \
	krita/patterns/03_default-paper.png:krita-data digikam/about/images/body-background.jpg:digikam-data \
	games/neverball/shot-mym/circuit1.jpg:neverball-data Eterm/pix/scale/Neopolis-horizon.jpg:eterm; do
	[ -e "/usr/share/${f%%:*}" ] || norec+=("${f##*:}")
done
# The near-duplicate edit set's held-out part v6 (scripts/dedup_editset.py): deep-sky photos,
# landscape panoramas and planet maps, space photos, cut-out object photos (set on studio
# backdrops) of packages no other part uses, without their recommends; its posters' fonts
# (fonts-bebas-neue, fonts-league-spartan, fonts-lobster) are installed above.
for f in stellarium/nebulae/default/m64.png:stellarium-data tuxmath/images/backgrounds/0.jpg:tuxmath-data \
	tuxpaint/stamps/food/fruit/apple_red.png:tuxpaint-stamps-default; do
	[ -e "/usr/share/${f%%:*}" ] || norec+=("${f##*:}")
done
# The near-duplicate edit set's held-out part v7 (scripts/dedup_editset.py): landscape and
# space photos, paper textures, a manual's photos and UI screenshots, a tracking shot's
# frames and a group photo, an old world map, and its posters' fonts, of packages no other
# part of the edit set uses (tuxtype-data, mypaint-data-extras and hugin-data also serve
# the OCR set's v4, below), without their recommends.
for f in tuxtype/images/kcas0.jpg:tuxtype-data mypaint/backgrounds/ramon/HR_Cork.png:mypaint-data-extras \
	hugin/xrc/data/help_en_EN/CA_tCA00.jpg:hugin-data visp-images-data/ViSP-images/Klimt/Klimt.png:visp-images-data \
	marble/data/maps/earth/schagen1689/schagen1689.jpg:marble-qt-data \
	fonts/opentype/national-park/NationalPark-Heavy.otf:fonts-national-park \
	fonts/opentype/dosis/Dosis-ExtraBold.otf:fonts-dosis fonts/opentype/cabin/Cabin-Bold.otf:fonts-cabin; do
	[ -e "/usr/share/${f%%:*}" ] || norec+=("${f##*:}")
done
# The near-duplicate edit set's held-out part v8 (scripts/dedup_editset.py): photos of
# animals, monuments, musicians, underwater and night scenes and studio product shots
# (gcompris-qt-data's resource files), screenshots of one UI (gnucash-docs), skybox views,
# skies and near-uniform sand and snow (lugaru-data), and its cards' fonts, of packages no
# other part of the edit set uses, without their recommends.
for f in gcompris-qt/rcc/erase.rcc:gcompris-qt-data help/C/gnucash-guide/figures/accts_tree.png:gnucash-docs \
	games/lugaru/Textures/Sand.jpg:lugaru-data fonts/opentype/yanone-kaffeesatz/YanoneKaffeesatz-Bold.otf:fonts-yanone-kaffeesatz \
	fonts/truetype/manrope/Manrope-ExtraBold.ttf:fonts-manrope fonts/truetype/comfortaa/Comfortaa-Bold.ttf:fonts-comfortaa; do
	[ -e "/usr/share/${f%%:*}" ] || norec+=("${f##*:}")
done
# The near-duplicate edit set's held-out part v9 (scripts/dedup_editset.py): photo textures,
# skies, skyboxes and night track shots (supertuxkart-data, colobot-common-textures),
# screenshots of one UI (wireshark-doc), game screens and a fire loop (foobillardplus-data),
# a galaxy (openuniverse-common), sample photos (python3-sklearn, cimg-examples,
# python3-pywt, python3-scipy, scribus-template, gimp-help-en) and its cards' and marks'
# fonts, of packages no other part of the edit set uses (colobot-common-textures,
# scribus-template and gimp-help-en also serve the OCR set), without their recommends.
for f in games/supertuxkart/data/textures/concrete_plain.png:supertuxkart-data games/colobot/textures/dirty01.png:colobot-common-textures \
	doc/wireshark/wsug_html_chunked/images/ws-main.png:wireshark-doc games/foobillardplus/data/fire0.png:foobillardplus-data \
	openuniverse/textures/m31.jpg:openuniverse-common doc/cimg-dev/examples/img/parrot.ppm:cimg-examples \
	scribus/templates/br2/nature.jpg:scribus-template gimp/2.0/help/en/images/filters/examples/taj_orig.jpg:gimp-help-en \
	fonts/fonts-go/Go-Bold.ttf:fonts-go fonts/truetype/croscore/Arimo-Bold.ttf:fonts-croscore \
	fonts/truetype/averia-gwf/AveriaSansGWF-Bold.ttf:fonts-averia-sans-gwf; do
	[ -e "/usr/share/${f%%:*}" ] || norec+=("${f##*:}")
done
for f in sklearn/datasets/images/china.jpg:python3-sklearn pywt/data/ascent.npz:python3-pywt scipy/misc/face.dat:python3-scipy; do
	[ -e "/usr/lib/python3/dist-packages/${f%%:*}" ] || norec+=("${f##*:}")
done
# Version 4 of the OCR set (its held-out part heldout4): photos and fonts of
# packages that no earlier part uses, without their recommends.
for f in games/endless-sky/images/land/canyon0.jpg:endless-sky-data tuxpaint/templates/cliff.jpg:tuxpaint-data \
	tuxtype/images/kcas0.jpg:tuxtype-data mypaint/backgrounds/ramon/HR_Cork.png:mypaint-data-extras \
	images/fluxbox/fluxbox.png:fluxbox icewm/themes/NanoBlue/eos.jpg:icewm-common \
	lxde/wallpapers/lxde_blue.jpg:lxde-common hugin/xrc/data/splash.png:hugin-data \
	doc/imagemagick-6-common/html/images/logo.png:imagemagick-6-doc; do
	[ -e "/usr/share/${f%%:*}" ] || norec+=("${f##*:}")
done
for f in paratype/PTN77F.ttf:paratype roadgeek/RG2014C.ttf:roadgeek adf/GilliusADF-Regular.otf:adf-gillius \
	beteckna/Beteckna.ttf:beteckna clear-sans/ClearSans-Bold.ttf:clear-sans oxygen/Oxygen-Sans.ttf:oxygen \
	quicksand/Quicksand-Bold.ttf:quicksand tuffy/Tuffy.ttf:tuffy jetbrains-mono/JetBrainsMono-Bold.ttf:jetbrains-mono \
	comfortaa/Comfortaa-Bold.ttf:comfortaa adf/BerenisADFPro-Regular.otf:adf-berenis fanwood/Fanwood.otf:fanwood \
	lindenhill/LindenHill.otf:lindenhill fonts-century-catalogue/Century-Catalogue.ttf:century-catalogue \
	doulos/DoulosSIL-Regular.ttf:sil-doulos averia-gwf/AveriaSerifGWF-Regular.ttf:averia-serif-gwf \
	leckerli-one/LeckerliOne-Regular.ttf:leckerli-one kristi/Kristi.ttf:kristi tomsontalks/TomsonTalks.ttf:tomsontalks; do
	[ -e "/usr/share/fonts/truetype/${f%%:*}" ] || norec+=("fonts-${f##*:}")
done
for f in dosis/Dosis-ExtraBold.otf:dosis national-park/NationalPark-Heavy.otf:national-park play/Play-Bold.otf:play \
	sora/Sora-Regular.otf:sora sortsmill/GoudyBookletter1911.otf:goudybookletter arapey/Arapey-Regular.otf:arapey \
	cherrybomb/CherryBomb-Regular.otf:cherrybomb; do
	[ -e "/usr/share/fonts/opentype/${f%%:*}" ] || norec+=("fonts-${f##*:}")
done
# Version 5 of the OCR set (its held-out part heldout5): photos and fonts of
# packages that no earlier part uses, without their recommends.
for f in games/etr/env/etr/sunny/frontH.png:extremetuxracer-data games/moon-lander/images/backgrounds/saturn.jpg:moon-lander-data \
	kstars/geomap.jpg:kstars-data digikam/about/images/body-background.jpg:digikam-data \
	krita/patterns/18_texture-bark.png:krita-data games/frozen-bubble/gfx/back_paused.png:frozen-bubble-data; do
	[ -e "/usr/share/${f%%:*}" ] || norec+=("${f##*:}")
done
for f in adf/SwitzeraADF-BoldCond.otf:adf-switzera adf/UniversalisADFStd-BoldCond.otf:adf-universalis \
	adf/LibrisADFStd-Regular.otf:adf-libris adf/RomandeADFStd-Regular.otf:adf-romande \
	adf/TribunADFStd-Regular.otf:adf-tribun karmilla/Karmilla-Regular.ttf:karmilla \
	hack/Hack-Regular.ttf:hack firacode/FiraCode-Bold.ttf:firacode mononoki/mononoki-Regular.ttf:mononoki \
	tiresias/tiresias_infofont.ttf:tiresias routed-gothic/routed-gothic.ttf:routed-gothic eurofurence/eurof55.ttf:eurofurence \
	rufscript/Rufscript010.ttf:rufscript fifthhorseman/dkg.ttf:dkg-handwriting; do
	[ -e "/usr/share/fonts/truetype/${f%%:*}" ] || norec+=("fonts-${f##*:}")
done
for f in league-mono/LeagueMono-CondensedExtraBold.otf:league-mono le-murmure/le-murmure.otf:le-murmure \
	junction/Junction.otf:junction didot/GFSDidot.otf:gfs-didot junicode/JunicodeTwoBeta-Regular.otf:junicode \
	allerta/allerta_stencil.otf:allerta \
	fantasque-sans/Normal/OTF/FantasqueSansMono-Regular.otf:fantasque-sans; do
	[ -e "/usr/share/fonts/opentype/${f%%:*}" ] || norec+=("fonts-${f##*:}")
done
# Version 6 of the OCR set (its held-out part heldout6): photos and fonts of
# packages that no earlier part uses, without their recommends.
for f in games/wesnoth/1.16/images/misc/logo.png:wesnoth-1.16-data stellarium/data/splash.png:stellarium-data \
	games/hedgewars/Data/Themes/Golf/Sky.png:hedgewars-data games/scorched3d/data/images/scorched.png:scorched3d-data \
	games/pingus/data/images/core/misc/logo.png:pingus-data games/supertux2/images/engine/menu/logo_dev.png:supertux-data \
	tuxmath/images/status/paused.png:tuxmath-data games/lincity-ng/images/mainmenu/menu_back.png:lincity-ng-data \
	tuxpaint/stamps/town/roadsigns/stop.png:tuxpaint-stamps-default; do
	[ -e "/usr/share/${f%%:*}" ] || norec+=("${f##*:}")
done
for f in rampart/RampartOne-Regular.ttf:rampart reggae/ReggaeOne-Regular.ttf:reggae rocknroll/RocknRollOne-Regular.ttf:rocknroll \
	adf/VeranaSans-Bold.otf:adf-verana bizud-gothic/BIZUDPGothic-Bold.ttf:morisawa-bizud-gothic adf/IrianisADFStd-Regular.otf:adf-irianis \
	hermit/Hermit-medium.otf:hermit monoid/Monoid-Bold.ttf:monoid inconsolata/Inconsolata.otf:inconsolata \
	"anonymous-pro/Anonymous Pro B.ttf:anonymous-pro" dustin/Dustismo.ttf:dustin cmu/cmunrm.ttf:cmu monofur/monof55.ttf:monofur \
	klaudia-berenika/Klaudia.ttf:klaudia-berenika okolaks/okolaksBold.ttf:okolaks adf/IkariusADFStd-Regular.otf:adf-ikarius \
	essays1743/Essays1743.ttf:essays1743 cabinsketch/CabinSketch-Bold.ttf:cabinsketch staypuft/StayPuft.ttf:staypuft \
	breip/Breip.ttf:breip sjfonts/SteveHand.ttf:sjfonts GreatVibes-Regular.ttf:cegui engadget/Engadget.ttf:engadget \
	adf/MekanusADFTitlingStd-Bold.otf:adf-mekanus sixtyfour/C-64-Regular.ttf:sixtyfour; do
	[ -e "/usr/share/fonts/truetype/${f%%:*}" ] || norec+=("fonts-${f##*:}")
done
for f in apropal/Apropal-Bold.otf:apropal opendyslexic/OpenDyslexic-Regular.otf:opendyslexic compagnon/Compagnon-Roman.otf:compagnon \
	neohellenic/GFSNeohellenic.otf:gfs-neohellenic artemisia/GFSArtemisia.otf:gfs-artemisia elstob/ElstobD-14pt.otf:elstob; do
	[ -e "/usr/share/fonts/opentype/${f%%:*}" ] || norec+=("fonts-${f##*:}")
done
# Version 7 of the OCR set (its held-out part heldout7): photos and fonts of
# packages that no earlier part uses, without their recommends.
for f in games/bzflag/title.png:bzflag-data games/colobot/textures/interface/intro1.png:colobot-common-textures \
	scribus/templates/br2/nature.jpg:scribus-template klettres/pics/klettres_desert.png:klettres-data; do
	[ -e "/usr/share/${f%%:*}" ] || norec+=("${f##*:}")
done
for f in opendin/OSP-DIN.ttf:opendin woowa-bm/BMJUA_ttf.ttf:woowa-bm smiley-sans/SmileySans-Oblique.ttf:smiley-sans \
	adf/Solothurn-Bold.otf:adf-solothurn agave/agave-r-autohinted.ttf:agave osifont/osifont.ttf:osifont \
	dotgothic16/DotGothic16-Regular.ttf:dotgothic16 linex/Jara.ttf:linex fonts-georgewilliams/Caliban.ttf:georgewilliams \
	yusei-magic/YuseiMagic-Regular.ttf:yusei-magic klee/KleeOne-SemiBold.ttf:klee seto/setofont.ttf:seto \
	femkeklaver/femkeklaver.ttf:femkeklaver ecolier-court/Ecolier-court.ttf:ecolier-court isabella/Isabella.ttf:isabella \
	aenigma/homespun.ttf:aenigma blankenburg/Blankenburg_UNZ1A.ttf:blankenburg; do
	[ -e "/usr/share/fonts/truetype/${f%%:*}" ] || norec+=("fonts-${f##*:}")
done
for f in mplus/Mplus1-Black.otf:mplus radisnoir/RadisSans-medium.otf:radisnoir campania/Campania.otf:campania \
	levien/MuseumSixty.otf:levien-museum solid-mirage/SolideMirageEtroit.otf:solide-mirage havana/Havana-Regular.otf:havana \
	joscelyn/Joscelyn-Regular.otf:joscelyn bajaderka/Bajaderka-Regular.otf:bajaderka; do
	[ -e "/usr/share/fonts/opentype/${f%%:*}" ] || norec+=("fonts-${f##*:}")
done
# Version 8 of the OCR set (its held-out part heldout8): photos (gcompris-qt's in its Qt
# resource files) and fonts of packages that no earlier part uses, without their recommends.
for f in gcompris-qt/rcc/categorization.rcc:gcompris-qt-data gcompris-qt/rcc/core.rcc:gcompris-qt-data \
	games/lugaru/Textures/Logo.png:lugaru-data games/neverball/textures/mtrl/carpet.jpg:neverball-common; do
	[ -e "/usr/share/${f%%:*}" ] || norec+=("${f##*:}")
done
for f in truetype/nanum/NanumSquare_acEB.ttf:nanum-extra truetype/nanum/NanumBarunGothic.ttf:nanum \
	"opentype/millimetre/millimetreA 01.otf":millimetre truetype/unfonts-core/UnGraphicBold.ttf:unfonts-core \
	truetype/unfonts-extra/UnPilgia.ttf:unfonts-extra opentype/tlwg/Garuda-Bold.otf:tlwg-garuda-otf \
	opentype/tlwg/Loma-Bold.otf:tlwg-loma-otf opentype/tlwg/Sawasdee.otf:tlwg-sawasdee-otf \
	opentype/tlwg/Umpush.otf:tlwg-umpush-otf opentype/tlwg/Laksaman.otf:tlwg-laksaman-otf \
	opentype/tlwg/Kinnari.otf:tlwg-kinnari-otf opentype/tlwg/Norasi.otf:tlwg-norasi-otf \
	opentype/tlwg/Purisa-Bold.otf:tlwg-purisa-otf opentype/ocr-b/OCRB.otf:ocr-b \
	truetype/fonts-yrsa-rasa/Rasa-Regular.ttf:yrsa-rasa opentype/fonts-prociono/Prociono.otf:prociono \
	opentype/stix-word/STIX-Regular.otf:stix truetype/summersby/summersby.ttf:summersby \
	opentype/gotico-antiqua/Jessen-Cicero12.otf:gotico-antiqua truetype/ubuntu-title/Ubuntu-Title.ttf:ubuntu-title \
	truetype/dseg/DSEG7Modern-Bold.ttf:dseg; do
	[ -e "/usr/share/fonts/${f%%:*}" ] || norec+=("fonts-${f##*:}")
done
[ ${#missing[@]} -eq 0 ] && [ ${#norec[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]} ${norec[*]}"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq
[ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
[ ${#norec[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${norec[@]}"
