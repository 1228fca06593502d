#!/usr/bin/python3
"""Builds the near-duplicate edit set from real photos that Debian packages ship.

Usage: /usr/bin/python3 scripts/dedup_editset.py OUTDIR

Sources (installed by scripts/install-deps.sh): opencv-doc sample images,
python3-skimage data images, mate-backgrounds photos and ukui-wallpapers
renders (the tuning part: the sources the match rules and thresholds were
chosen on), and the photos of plasma-workspace-wallpapers and
lomiri-wallpapers-16.04/-20.04 (the held-out part: never used to choose a
rule or threshold). Every line of the manifest says its part; the parts
are split by source photo, so no photo has files in both. A source of
800x800 pixels or more gives its four quadrants as four originals; a smaller
one gives itself. (The wallpapers that give a sky strip give their quadrants
from below it.) Every original is a 220-px thumbnail (the long side 220, as
WEBEmo's stock-photo thumbnails) saved as JPEG q90.

Each photo original gets these copies (the edit names the Go test reports):
  resize90, resize50   Lanczos to 90% / 50% of each side, JPEG q90
  jpeg50               JPEG quality 50
  png                  PNG re-encode
  crop5, crop15        5% / 15% cut from each side, JPEG q90
  crop15-offset        15% cut from each side, moved off centre by up to 1/10
                       of the cut (3% of the side; seeded): reported, not required
  border1              a 1-px black border added on every side
  watermark            "(c) stock" in white, 60% opaque, in the lower right
  bright10             brightness +10% (PIL ImageEnhance.Brightness 1.1)
  gray                 grayscale
  rotate3              rotated 3 degrees (bicubic, same size, black corners)
  mirror               left-right mirror (grouped only with --near-flips)
Look-alikes: "dark" (every sixth photo darkened to 20% with a gamma of 1.6,
in its photo's family: the dark scenes are different pictures that look
alike, and may but need not group with their bright original), "sky" (the
top strip of a wallpaper photo, an original of its own). Gradients: smooth linear and radial gradients of
several angles and colours, each with copies resize90+jpeg70, jpeg50, png.

Look-alike distinct pairs (kind "lookalike", two originals of their own
families with the same "pair"; in both parts, never to be merged): two dark
scenes (two photos darkened as above), two skies, two studio-like smooth
backgrounds, and two frames of one shoot that are not copies (another
viewpoint or lighting; in the held-out part two photos of one photographer's
series). Same-shoot frames that ARE near-copies (consecutive video or stereo
frames: kind "frame", pairs too) are reported, with no bar either way.

Writes OUTDIR/*.jpg|png and OUTDIR/manifest.jsonl: one JSON line per file,
{"file", "family", "edit", "kind", "part", "pair"}; family names the
original a file was made from ("edit": "original" for the original itself),
kind is photo, dark, sky, gradient, lookalike or frame, part is tuning or
heldout, pair (look-alikes and frames only) names the pair. The output
depends on nothing but the installed packages.
"""
import glob
import io
import json
import math
import os
import random
import sys

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

OPENCV = "/usr/share/doc/opencv-doc/examples/data/"
SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data/"
BACKGROUNDS = "/usr/share/backgrounds/"

# Distinct photos and renders only: no calibration boards (left01..), stereo
# partners (aloeR, right*), logos, text pages, drawings or flat vector art
# (ukui's city, desert, firstgeneration) or left-right symmetric scenes whose
# quadrants mirror each other (ukui's the-mouse, skimage's retina: a round
# fundus whose quadrants are mirror images in outline).
SOURCES = [OPENCV + n for n in [
    "HappyFish.jpg", "aero1.jpg", "aero3.jpg", "aloeL.jpg", "apple.jpg", "baboon.jpg",
    "board.jpg", "building.jpg", "butterfly.jpg", "ela_original.jpg", "fruits.jpg", "home.jpg",
    "left.jpg", "leuvenA.jpg", "licenseplate_motion.jpg", "messi5.jpg", "orange.jpg",
    "pca_test1.jpg", "squirrel_cls.jpg", "starry_night.jpg", "stuff.jpg", "graf1.png",
    "pic1.png", "pic2.png", "pic3.png", "pic4.png", "pic5.png", "rubberwhale1.png",
    "smarties.png", "basketball1.png", "box_in_scene.png", "Blender_Suzanne1.jpg",
]] + [SKIMAGE + n for n in [
    "astronaut.png", "brick.png", "camera.png", "chelsea.png", "coffee.png", "coins.png",
    "grass.png", "gravel.png", "horse.png", "ihc.png", "moon.png", "motorcycle_left.png",
    "hubble_deep_field.jpg", "rocket.jpg", "clock_motion.png", "color.png",
]] + [BACKGROUNDS + "mate/nature/" + n for n in [
    "Garden.jpg", "Dune.jpg", "Wood.jpg", "Aqua.jpg", "TwoWings.jpg", "Storm.jpg",
    "GreenMeadow.jpg", "RainDrops.jpg", "Blinds.jpg", "FreshFlower.jpg", "LadyBird.jpg",
    "YellowFlower.jpg",
]] + [BACKGROUNDS + n for n in [
    "2004default.jpg", "goldfish.png", "rhythm.jpg", "string.jpg", "calla.png",
]]

PLASMA = "/usr/share/wallpapers/"


def plasma(name):
    """The largest JPEG or PNG of a plasma-workspace-wallpapers wallpaper."""
    d = PLASMA + name + "/contents/images/"
    files = sorted(glob.glob(d + "*.jpg") + glob.glob(d + "*.png"))
    if not files:
        return d + "(none)"
    return max(files, key=lambda f: (os.path.getsize(f), f))


# The held-out part: photos from packages the rules were not tuned on.
HELDOUT = [plasma(n) for n in [
    "BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow", "FallenLeaf",
    "Grey", "Kite", "OneStandsOut", "Path", "Volna", "summer_1am",
]] + [BACKGROUNDS + n for n in [
    "Bridge_by_Sander_Klootwijk.jpg", "Dragonfly_by_Bolly.jpg", "Wine_by_Jakkub_Mede.jpg",
    "analogpattern_by_Peter_Nerlich.jpg", "free_by_Peter_Nerlich.jpg", "friends_by_Aitzol_Berasategi.jpg",
    "greentock_by_Peter_Nerlich.jpg", "life_by_Aitzol_Berasategi.jpg", "seeding_by_Clements_Engelhardt.jpg",
    "sunset_by_Aitzol_Berasategi.jpg", "Kleiber_by_Lukas_Baubkus.jpg", "Infinite-Sea_by_Aury88.jpg",
]]

# Wallpaper photos whose top strip is sky, per part (the strips are a pair).
SKIES = [BACKGROUNDS + n for n in ["mate/nature/Dune.jpg", "mate/nature/Storm.jpg"]]
HELDOUT_SKIES = [plasma("Kite"), plasma("summer_1am")]

# Look-alike distinct pairs of whole pictures, per part: (kind, pair, a, b).
OPENCV_PAIRS = [
    ("lookalike", "graf", OPENCV + "graf1.png", OPENCV + "graf3.png"),  # another viewpoint
    ("lookalike", "leftright", OPENCV + "left.jpg", OPENCV + "right.jpg"),  # another viewpoint
    ("lookalike", "suzanne", OPENCV + "Blender_Suzanne1.jpg", OPENCV + "Blender_Suzanne2.jpg"),  # lighting
    ("lookalike", "silk-waves", BACKGROUNDS + "mate/abstract/Silk.png", BACKGROUNDS + "mate/abstract/Waves.png"),
    ("frame", "basketball", OPENCV + "basketball1.png", OPENCV + "basketball2.png"),
    ("frame", "rubberwhale", OPENCV + "rubberwhale1.png", OPENCV + "rubberwhale2.png"),
    ("frame", "leuven", OPENCV + "leuvenA.jpg", OPENCV + "leuvenB.jpg"),
]
HELDOUT_PAIRS = [
    ("lookalike", "mountains", BACKGROUNDS + "aitzgorri_by_Aitzol_Berasategi.jpg",
     BACKGROUNDS + "picosdeeuropa_by_Aitzol_Berasategi.jpg"),
    ("lookalike", "freespace", BACKGROUNDS + "Picture_0B_by_freespace.jpg", BACKGROUNDS + "Picture_1A_by_freespace.jpg"),
    ("lookalike", "kokkini-opal", plasma("Kokkini"), plasma("Opal")),
    ("lookalike", "pastel-elarun", plasma("PastelHills"), plasma("Elarun")),
    ("lookalike", "fossa-umang", BACKGROUNDS + "Fossa_by_Jasper_Roks.jpg", BACKGROUNDS + "umang_by_Abhishek_Mudgal.jpg"),
]
DARK_PAIRS = 3  # per part: dark renditions of two distinct photos, a pair
DARK_EVERY = 6  # every sixth photo original also gives a dark look-alike
THUMB = 220


def thumb(img):
    img = img.convert("RGB")
    w, h = img.size
    s = THUMB / max(w, h)
    return img.resize((max(1, round(w * s)), max(1, round(h * s))), Image.LANCZOS)


def jpeg(img, q=90):
    b = io.BytesIO()
    img.save(b, "JPEG", quality=q)
    return b.getvalue()


def png(img):
    b = io.BytesIO()
    img.save(b, "PNG")
    return b.getvalue()


def crop(img, frac, rng=None, jitter=0.0):
    """Cuts frac of each side; with jitter, the crop moves off centre by up
    to jitter times the total cut on each axis."""
    w, h = img.size
    cx, cy = 2 * frac * w, 2 * frac * h  # total cut per axis
    jx = jy = 0.0
    if jitter:
        jx = rng.uniform(-jitter, jitter) * cx
        jy = rng.uniform(-jitter, jitter) * cy
    left, top = round(cx / 2 + jx), round(cy / 2 + jy)
    return img.crop((left, top, left + round(w - cx), top + round(h - cy)))


def watermark(img, font):
    img = img.convert("RGBA")
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    text = "(c) stock"
    x0, y0, x1, y1 = d.textbbox((0, 0), text, font=font)
    w, h = img.size
    d.text((w - (x1 - x0) - 6, h - (y1 - y0) - 8), text, font=font, fill=(255, 255, 255, 153))
    return Image.alpha_composite(img, layer).convert("RGB")


def photo_edits(img, rng, font):
    w, h = img.size
    return {
        "resize90": jpeg(img.resize((round(w * 0.9), round(h * 0.9)), Image.LANCZOS)),
        "resize50": jpeg(img.resize((round(w * 0.5), round(h * 0.5)), Image.LANCZOS)),
        "jpeg50": jpeg(img, 50),
        "png": png(img),
        "crop5": jpeg(crop(img, 0.05)),
        "crop15": jpeg(crop(img, 0.15)),
        "crop15-offset": jpeg(crop(img, 0.15, rng, 0.1)),
        "border1": jpeg(ImageOps.expand(img, border=1, fill=(0, 0, 0))),
        "watermark": jpeg(watermark(img, font)),
        "bright10": jpeg(ImageEnhance.Brightness(img).enhance(1.1)),
        "gray": jpeg(ImageOps.grayscale(img)),
        "rotate3": jpeg(img.rotate(3, resample=Image.BICUBIC)),
        "mirror": jpeg(ImageOps.mirror(img)),
    }


def gradient(kind, angle, c0, c1, w=220, h=165):
    img = Image.new("RGB", (w, h))
    px = img.load()
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    for y in range(h):
        for x in range(w):
            u, v = x / (w - 1) - 0.5, y / (h - 1) - 0.5
            if kind == "radial":
                t = min(1.0, math.hypot(u + 0.3 * ca, v + 0.3 * sa) / 0.8)
            else:
                t = min(1.0, max(0.0, (u * ca + v * sa) / 1.2 + 0.5))
            px[x, y] = tuple(round(a + (b - a) * t) for a, b in zip(c0, c1))
    return img


def source_name(path):
    """A source's name: its file's, or a plasma wallpaper's folder (its files are named by size)."""
    if path.startswith(PLASMA):
        return path[len(PLASMA):].split("/")[0]
    return os.path.splitext(os.path.basename(path))[0]


def darken(img):
    return img.point(lambda v: round(255 * 0.2 * (v / 255) ** 1.6))


def originals(sources, skies):
    for path in sources:
        img = Image.open(path)
        img.load()
        name = source_name(path)
        w, h = img.size
        top = h // 4 if path in skies else 0  # the top strip is a sky original of its own
        if w >= 800 and h - top >= 800:
            for k, (x, y) in enumerate([(0, 0), (1, 0), (0, 1), (1, 1)]):
                hh = h - top
                tile = img.crop((x * w // 2, top + y * hh // 2, (x + 1) * w // 2, top + (y + 1) * hh // 2))
                yield "photo", "%s-q%d" % (name, k), thumb(tile)
        else:
            yield "photo", name, thumb(img)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 16)
    manifest = []

    def put(family, edit, kind, data, ext, part, pair=None):
        name = "%s__%s.%s" % (family, edit, ext)
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        m = {"file": name, "family": family, "edit": edit, "kind": kind, "part": part}
        if pair:
            m["pair"] = pair
        manifest.append(m)

    missing = [p for p in SOURCES + SKIES + HELDOUT + HELDOUT_SKIES
               + [f for pr in OPENCV_PAIRS + HELDOUT_PAIRS for f in pr[2:]] if not os.path.exists(p)]
    if missing:
        sys.exit("dedup_editset: missing source images (run scripts/install-deps.sh): " + ", ".join(missing))
    nphotos = 0
    for part, sources, skies, pairs in [("tuning", SOURCES, SKIES, OPENCV_PAIRS),
                                        ("heldout", HELDOUT, HELDOUT_SKIES, HELDOUT_PAIRS)]:
        photos = list(originals(sources, skies))
        nphotos += len(photos)
        for i, (kind, family, img) in enumerate(photos):
            rng = random.Random(family)
            put(family, "original", kind, jpeg(img), "jpg", part)
            for edit, data in photo_edits(img, rng, font).items():
                put(family, edit, kind, data, "png" if edit == "png" else "jpg", part)
            if i % DARK_EVERY == 0:
                put(family, "dark", "dark", jpeg(darken(img)), "jpg", part)
        for path in skies:
            img = Image.open(path).convert("RGB")
            w, h = img.size
            sky = thumb(img.crop((0, 0, w, h // 4)))
            put("sky-" + source_name(path), "original", "sky", jpeg(sky), "jpg", part,
                "sky-" + part)
        # Dark pairs: photos 1 and 4, 7 and 10, ... (not the ones with a dark edit), darkened.
        for k in range(DARK_PAIRS):
            for j in (6 * k + 1, 6 * k + 4):
                _, family, img = photos[j]
                put("darkpair-" + family, "original", "lookalike", jpeg(darken(img)), "jpg", part,
                    "dark-%s-%d" % (part, k))
        whole = {f for k, f, _ in photos}  # photo families that are a whole source
        for kind, pair, a, b in pairs:
            for path in (a, b):
                name = source_name(path)
                if path in sources and name in whole:  # a photo original already: pair that
                    for m in manifest:
                        if m["family"] == name and m["edit"] == "original":
                            m["pair"] = pair
                    continue
                img = Image.open(path)
                img.load()
                put("%s-%s" % (kind, name), "original", kind, jpeg(thumb(img)), "jpg", part, pair)
    # No two gradients are mirror images of each other (mirroring turns angle
    # a into 180-a), so --near-flips may not join them either.
    colours = [((20, 40, 120), (200, 220, 255)), ((200, 120, 40), (40, 10, 30)), ((10, 10, 10), (90, 90, 90))]
    for kind, angles in [("linear", [0, 45, 90, 270, 315]), ("radial", [0, 90, 270])]:
        for angle in angles:
            for ci, (c0, c1) in enumerate(colours):
                family = "grad-%s-%d-%d" % (kind, angle, ci)
                g = gradient(kind, angle, c0, c1)
                w, h = g.size
                part = "tuning" if (angle // 45 + ci) % 2 == 0 else "heldout"
                put(family, "original", "gradient", jpeg(g), "jpg", part)
                put(family, "resize90-jpeg70", "gradient",
                    jpeg(g.resize((round(w * 0.9), round(h * 0.9)), Image.LANCZOS), 70), "jpg", part)
                put(family, "jpeg50", "gradient", jpeg(g, 50), "jpg", part)
                put(family, "png", "gradient", png(g), "png", part)
    with open(os.path.join(out, "manifest.jsonl"), "w") as f:
        for m in manifest:
            f.write(json.dumps(m, sort_keys=True) + "\n")
    print("dedup_editset: %d files, %d photo originals in %s" % (len(manifest), nphotos, out))


if __name__ == "__main__":
    main()
