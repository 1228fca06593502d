#!/usr/bin/python3
"""Generate reference outputs for the augment package's per-op tests.

Run from the repository root with Debian's Python (python3-pil, python3-numpy,
python3-torch):

    /usr/bin/python3 scripts/gen_augment_refs.py

It writes augment/testdata/refs/: src.png (a synthetic 80x64 image whose
channels have different, narrow ranges so AutoContrast and Equalize do
something), one PNG per (convention, op, magnitude, sign) and manifest.json,
which the Go test TestOpsMatchReferences reads.

Where each reference comes from:

* torchvision convention: Pillow itself, called the way torchvision's
  RandAugment (transforms/autoaugment.py _apply_op -> functional_pil) calls
  it on a PIL image, with magnitudes from torch.linspace exactly as
  _augmentation_space computes them. torchvision is not installed here; the
  few lines of its arithmetic that matter (the bins, the inverse affine
  matrix for shear/translate) are restated below.
* tf convention (tensorflow/models official/vision/ops/augment.py): where
  TF's op is a transcription of Pillow's with the same arithmetic
  (Posterize with bits >= 1, Solarize, Invert, Equalize, Brightness,
  Sharpness), Pillow; otherwise a numpy float32 restatement of the TF code
  (AutoContrast, Color, Contrast, SolarizeAdd, Cutout, and the geometric
  ops, which TF samples at integer coordinates with round-half-away and fills
  with 128 through wrap/unwrap). The script checks that the numpy and Pillow
  versions agree where they should (see cross_checks in the manifest).

Tensorflow is not installed here, so the TF references are a restatement of
its code, not its output; the Go test states this.
"""
import json
import math
import os
import sys

import numpy as np
import torch
from PIL import Image, ImageEnhance, ImageOps

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "augment", "testdata", "refs")
W, H = 80, 64


def make_source():
    rng = np.random.RandomState(6)
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    r = 30 + 170 * (x / (W - 1))
    g = 10 + 230 * (y / (H - 1))
    b = 110 + 40 * np.sin(x / 7.0) * np.cos(y / 5.0)
    img = np.stack([r, g, b], -1)
    # shapes with edges for the geometric ops and Sharpness
    img[10:30, 12:40] = [190, 40, 90]
    yy, xx = np.ogrid[0:H, 0:W]
    disk = (yy - 40) ** 2 + (xx - 58) ** 2 < 12 ** 2
    img[disk] = [60, 200, 140]
    img += rng.normal(0, 6, img.shape)
    lo = np.array([30, 10, 70])
    hi = np.array([200, 240, 150])
    img = np.clip(img, lo, hi)
    return np.round(img).astype(np.uint8)


# ---------------------------------------------------------------- tf (numpy)

MAX_LEVEL = 10.0


def tf_arg(op, level):
    mult = lambda k: int((level / MAX_LEVEL) * k)
    return {
        "Rotate": (level / MAX_LEVEL) * 30.0,
        "ShearX": (level / MAX_LEVEL) * 0.3,
        "ShearY": (level / MAX_LEVEL) * 0.3,
        "TranslateX": (level / MAX_LEVEL) * 100.0,
        "TranslateY": (level / MAX_LEVEL) * 100.0,
        "Color": (level / MAX_LEVEL) * 1.8 + 0.1,
        "Contrast": (level / MAX_LEVEL) * 1.8 + 0.1,
        "Brightness": (level / MAX_LEVEL) * 1.8 + 0.1,
        "Sharpness": (level / MAX_LEVEL) * 1.8 + 0.1,
        "Posterize": mult(4),
        "Solarize": mult(256),
        "SolarizeAdd": mult(110),
        "Cutout": mult(40),
    }.get(op, 0.0)


def f32(v):
    return np.float32(v)


def tf_blend(img1, img2, factor):
    a = img1.astype(np.float32)
    b = img2.astype(np.float32)
    t = a + f32(factor) * (b - a)
    return np.clip(t, f32(0), f32(255)).astype(np.uint8)  # astype truncates


def tf_gray(img):
    k = f32(1.0 / 255)
    f = img.astype(np.float32) * k
    s = f[..., 0] * f32(0.2989) + f[..., 1] * f32(0.587)
    s = s + f[..., 2] * f32(0.114)
    return (s * f32(255.5)).astype(np.uint8)


def tf_round(v):
    v = v.astype(np.float64)
    return np.where(v >= 0, np.floor(v + 0.5), -np.floor(-v + 0.5)).astype(np.int64)


def tf_transform(img, t):
    t = [f32(v) for v in t]
    h, w = img.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    fx, fy = xs.astype(np.float32), ys.astype(np.float32)
    ix = (t[0] * fx + t[1] * fy) + t[2]
    iy = (t[3] * fx + t[4] * fy) + t[5]
    xi, yi = tf_round(ix), tf_round(iy)
    ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    out = np.full_like(img, 128)
    out[ok] = img[yi[ok], xi[ok]]
    return out


def tf_rotate(img, deg):
    rad = f32(deg * (math.pi / 180.0))
    c = f32(math.cos(float(rad)))
    s = f32(math.sin(float(rad)))
    h, w = img.shape[:2]
    w1, h1 = f32(w - 1), f32(h - 1)
    xo = (w1 - (c * w1 - s * h1)) / f32(2)
    yo = (h1 - (s * w1 + c * h1)) / f32(2)
    return tf_transform(img, [c, -s, xo, s, c, yo])


def tf_autocontrast(img):
    out = np.empty_like(img)
    for c in range(3):
        ch = img[..., c]
        lo, hi = f32(ch.min()), f32(ch.max())
        if hi > lo:
            scale = f32(255.0) / (hi - lo)
            offset = -lo * scale
            v = ch.astype(np.float32) * scale + offset
            out[..., c] = np.clip(v, f32(0), f32(255)).astype(np.uint8)
        else:
            out[..., c] = ch
    return out


def tf_sharpness(img, factor):
    # depthwise_conv2d with the SMOOTH kernel / 13 in float32 (summed row by
    # row, bottom row first, left to right: Eigen's order is not specified),
    # clip, truncating cast, borders from the original, then blend.
    k1, k5 = f32(1) / f32(13), f32(5) / f32(13)
    f = img.astype(np.float32)
    h, w = img.shape[:2]
    ss = np.zeros((h - 2, w - 2, 3), np.float32)
    for dy in (1, 0, -1):
        row = f[1 + dy:h - 1 + dy]
        kc = k5 if dy == 0 else k1
        ss = ss + ((row[:, 0:w - 2] * k1 + row[:, 1:w - 1] * kc) + row[:, 2:w] * k1)
    deg = img.copy()
    deg[1:-1, 1:-1] = np.clip(ss, f32(0), f32(255)).astype(np.uint8)
    return tf_blend(deg, img, factor)


def tf_op(img, op, arg, cx=0, cy=0):
    pil = Image.fromarray(img)
    if op == "Identity":
        return img.copy(), "identity"
    if op == "Invert":
        return np.asarray(ImageOps.invert(pil)), "pil"
    if op == "Posterize":
        return np.asarray(ImageOps.posterize(pil, int(arg))), "pil"
    if op == "Solarize":
        return np.asarray(ImageOps.solarize(pil, int(arg))), "pil"
    if op == "Equalize":
        return np.asarray(ImageOps.equalize(pil)), "pil"
    if op == "Brightness":
        return np.asarray(ImageEnhance.Brightness(pil).enhance(arg)), "pil"
    if op == "Sharpness":
        return tf_sharpness(img, arg), "tf-numpy"
    if op == "SolarizeAdd":
        added = np.clip(img.astype(np.int64) + int(arg), 0, 255).astype(np.uint8)
        return np.where(img < 128, added, img), "tf-numpy"
    if op == "AutoContrast":
        return tf_autocontrast(img), "tf-numpy"
    if op == "Color":
        g = tf_gray(img)[..., None].repeat(3, -1)
        return tf_blend(g, img, arg), "tf-numpy"
    if op == "Contrast":
        # tensorflow/models: mean = sum(histogram)/256 = pixel count / 256.
        mean = f32(img.shape[0] * img.shape[1]) / f32(256.0)
        deg = np.full_like(img, np.uint8(np.clip(mean, 0, 255)))
        return tf_blend(deg, img, arg), "tf-numpy"
    if op == "Rotate":
        return tf_rotate(img, arg), "tf-numpy"
    if op == "ShearX":
        return tf_transform(img, [1, arg, 0, 0, 1, 0]), "tf-numpy"
    if op == "ShearY":
        return tf_transform(img, [1, 0, 0, arg, 1, 0]), "tf-numpy"
    if op == "TranslateX":
        return tf_transform(img, [1, 0, arg, 0, 1, 0]), "tf-numpy"
    if op == "TranslateY":
        return tf_transform(img, [1, 0, 0, 0, 1, arg]), "tf-numpy"
    if op == "Cutout":
        out = img.copy()
        pad = int(arg)
        h, w = img.shape[:2]
        out[max(0, cy - pad):min(h, cy + pad), max(0, cx - pad):min(w, cx + pad)] = 128
        return out, "tf-numpy"
    raise ValueError(op)


# ------------------------------------------------------- torchvision (Pillow)

BINS = 31


def tv_space(w, h):
    # transforms/autoaugment.py RandAugment._augmentation_space, restated.
    return {
        "Identity": (torch.tensor(0.0), False),
        "ShearX": (torch.linspace(0.0, 0.3, BINS), True),
        "ShearY": (torch.linspace(0.0, 0.3, BINS), True),
        "TranslateX": (torch.linspace(0.0, 150.0 / 331.0 * w, BINS), True),
        "TranslateY": (torch.linspace(0.0, 150.0 / 331.0 * h, BINS), True),
        "Rotate": (torch.linspace(0.0, 30.0, BINS), True),
        "Brightness": (torch.linspace(0.0, 0.9, BINS), True),
        "Color": (torch.linspace(0.0, 0.9, BINS), True),
        "Contrast": (torch.linspace(0.0, 0.9, BINS), True),
        "Sharpness": (torch.linspace(0.0, 0.9, BINS), True),
        "Posterize": (8 - (torch.arange(BINS) / ((BINS - 1) / 4)).round().int(), False),
        "Solarize": (torch.linspace(255.0, 0.0, BINS), False),
        "AutoContrast": (torch.tensor(0.0), False),
        "Equalize": (torch.tensor(0.0), False),
    }


def inverse_affine(center, angle, translate, scale, shear):
    # functional._get_inverse_affine_matrix, restated.
    rot = math.radians(angle)
    sx, sy = math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    m = [d, -b, 0.0, -c, a, 0.0]
    m = [x / scale for x in m]
    m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
    m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
    m[2] += cx
    m[5] += cy
    return m


def tv_affine(pil, translate, shear, center):
    w, h = pil.size
    if center is None:
        center = [w * 0.5, h * 0.5]
    m = inverse_affine(center, 0.0, translate, 1.0, shear)
    return pil.transform(pil.size, Image.AFFINE, m, Image.NEAREST, fillcolor=0)


def tv_arg(op, m, negative, w, h):
    mags, signed = tv_space(w, h)[op]
    mag = float(mags[m].item()) if mags.ndim > 0 else 0.0
    if signed and negative:
        mag *= -1.0
    if op in ("TranslateX", "TranslateY"):
        return mag, float(int(mag))
    if op in ("Brightness", "Color", "Contrast", "Sharpness"):
        return mag, 1.0 + mag
    return mag, mag


def tv_op(img, op, mag):
    # functional_pil calls as _apply_op makes them (interpolation NEAREST, fill None -> 0)
    pil = Image.fromarray(img)
    if op == "Identity":
        out = pil
    elif op == "ShearX":
        out = tv_affine(pil, [0, 0], [math.degrees(math.atan(mag)), 0.0], [0, 0])
    elif op == "ShearY":
        out = tv_affine(pil, [0, 0], [0.0, math.degrees(math.atan(mag))], [0, 0])
    elif op == "TranslateX":
        out = tv_affine(pil, [int(mag), 0], [0.0, 0.0], None)
    elif op == "TranslateY":
        out = tv_affine(pil, [0, int(mag)], [0.0, 0.0], None)
    elif op == "Rotate":
        out = pil.rotate(mag, Image.NEAREST, expand=False, center=None, fillcolor=0)
    elif op == "Brightness":
        out = ImageEnhance.Brightness(pil).enhance(1.0 + mag)
    elif op == "Color":
        out = ImageEnhance.Color(pil).enhance(1.0 + mag)
    elif op == "Contrast":
        out = ImageEnhance.Contrast(pil).enhance(1.0 + mag)
    elif op == "Sharpness":
        out = ImageEnhance.Sharpness(pil).enhance(1.0 + mag)
    elif op == "Posterize":
        out = ImageOps.posterize(pil, int(mag))
    elif op == "Solarize":
        out = ImageOps.solarize(pil, mag)
    elif op == "AutoContrast":
        out = ImageOps.autocontrast(pil)
    elif op == "Equalize":
        out = ImageOps.equalize(pil)
    else:
        raise ValueError(op)
    return np.asarray(out)


TF_OPS = ["AutoContrast", "Equalize", "Invert", "Rotate", "Posterize", "Solarize", "Color",
          "Contrast", "Brightness", "Sharpness", "ShearX", "ShearY", "TranslateX",
          "TranslateY", "Cutout", "SolarizeAdd", "Identity"]
TF_SIGNED = {"Rotate", "ShearX", "ShearY", "TranslateX", "TranslateY"}
TV_OPS = list(tv_space(W, H).keys())
TV_SIGNED = {k for k, (_, s) in tv_space(W, H).items() if s}


def save(name, arr):
    Image.fromarray(arr).save(os.path.join(OUT, name), optimize=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    src = make_source()
    save("src.png", src)
    cases = []
    checks = []
    # TF: the paper's M=7 and a lower level (translation stays inside 80 px,
    # Posterize keeps 1 bit, Solarize threshold 76).
    for level in (7.0, 3.0):
        for op in TF_OPS:
            for negative in ((False, True) if op in TF_SIGNED else (False,)):
                arg = tf_arg(op, level)
                if negative:
                    arg = -arg
                centres = [(0, 0)]
                if op == "Cutout":
                    centres = [(10, 5), (40, 32), (75, 60)]
                for cx, cy in centres:
                    out, ref = tf_op(src, op, arg, cx, cy)
                    name = "tf_%s_m%g%s%s.png" % (op, level, "_neg" if negative else "",
                                                  "_c%d_%d" % (cx, cy) if op == "Cutout" else "")
                    save(name, out)
                    cases.append(dict(convention="tf", op=op, m=level, negative=negative, cx=cx,
                                      cy=cy, arg=arg, file=name, reference=ref))
    # torchvision: bin 7 (the paper's M under torchvision) and bin 19.
    for m in (7, 19):
        for op in TV_OPS:
            for negative in ((False, True) if op in TV_SIGNED else (False,)):
                mag, arg = tv_arg(op, m, negative, W, H)
                out = tv_op(src, op, mag)
                name = "tv_%s_m%d%s.png" % (op, m, "_neg" if negative else "")
                save(name, out)
                cases.append(dict(convention="torchvision", op=op, m=float(m), negative=negative,
                                  cx=0, cy=0, arg=arg, file=name, reference="pil"))
    # Cross-checks: the numpy TF restatement against Pillow where TF claims
    # Pillow's arithmetic. Count of differing bytes (0 expected).
    pil = Image.fromarray(src)
    for level in (7.0, 3.0):
        f = tf_arg("Brightness", level)
        a = tf_blend(np.zeros_like(src), src, f)
        b = np.asarray(ImageEnhance.Brightness(pil).enhance(f))
        checks.append(dict(what="tf blend vs Image.blend (Brightness m%g)" % level,
                           differing=int((a != b).sum())))
        f = tf_arg("Sharpness", level)
        a = tf_sharpness(src, f)
        b = np.asarray(ImageEnhance.Sharpness(pil).enhance(f))
        checks.append(dict(what="tf sharpness (truncating) vs ImageEnhance.Sharpness (rounding) m%g" % level,
                           differing=int((a != b).sum())))
    a = tf_autocontrast(src)
    b = np.asarray(ImageOps.autocontrast(pil))
    checks.append(dict(what="tf autocontrast (float32) vs ImageOps.autocontrast (float64)",
                       differing=int((a != b).sum())))
    with open(os.path.join(OUT, "manifest.json"), "w") as fh:
        json.dump(dict(source="src.png", width=W, height=H, pillow=Image.__version__,
                       torch=torch.__version__, cases=cases, cross_checks=checks), fh, indent=1)
    print("wrote %d cases to %s" % (len(cases), OUT), file=sys.stderr)
    for c in checks:
        print("cross-check: %s: %d differing bytes" % (c["what"], c["differing"]), file=sys.stderr)


if __name__ == "__main__":
    main()
