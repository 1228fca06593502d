#!/usr/bin/python3
"""Writes imagehash/testdata: small PNG inputs cut from Debian photos and
vectors.json with what Python's imagehash computes for them.

Usage: /usr/bin/python3 scripts/imagehash_fixtures.py imagehash/testdata

imagehash is not packaged in Debian, so its phash and dhash (imagehash 4.3,
imagehash/__init__.py) are transcribed below, line for line, on Debian's
PIL and SciPy. For every input the vectors hold the phash and dhash as
imagehash's str() (hex, first array cell = most significant bit), the
32x32 PIL Lanczos resize of the luma image (hex bytes, row-major) and the
smallest distance of a DCT coefficient from the median (a tie margin: bits
whose coefficient is within float rounding of the median may differ).
"""
import json
import os
import sys

import numpy
import scipy.fftpack
from PIL import Image

ANTIALIAS = Image.LANCZOS


def _binary_array_to_hex(arr):
    bit_string = ''.join(str(b) for b in 1 * arr.flatten())
    width = int(numpy.ceil(len(bit_string) / 4))
    return '{:0>{width}x}'.format(int(bit_string, 2), width=width)


def phash(image, hash_size=8, highfreq_factor=4):
    img_size = hash_size * highfreq_factor
    image = image.convert('L').resize((img_size, img_size), ANTIALIAS)
    pixels = numpy.asarray(image)
    dct = scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)
    dctlowfreq = dct[:hash_size, :hash_size]
    med = numpy.median(dctlowfreq)
    diff = dctlowfreq > med
    return _binary_array_to_hex(diff), float(numpy.min(numpy.abs(dctlowfreq - med)))


def dhash(image, hash_size=8):
    image = image.convert('L').resize((hash_size + 1, hash_size), ANTIALIAS)
    pixels = numpy.asarray(image)
    diff = pixels[:, 1:] > pixels[:, :-1]
    return _binary_array_to_hex(diff)


# (name, source, crop box, size): crops of Debian photos at awkward sizes,
# up- and down-scaling, one smaller than the 32x32 grid, one grayscale.
INPUTS = [
    ("chelsea", "/usr/lib/python3/dist-packages/skimage/data/chelsea.png", (0, 0, 451, 300), (113, 75)),
    ("coffee", "/usr/lib/python3/dist-packages/skimage/data/coffee.png", (50, 20, 550, 390), (220, 163)),
    ("astronaut", "/usr/lib/python3/dist-packages/skimage/data/astronaut.png", (100, 0, 400, 300), (61, 97)),
    ("camera-gray", "/usr/lib/python3/dist-packages/skimage/data/camera.png", (0, 0, 512, 512), (64, 64)),
    ("baboon-tiny", "/usr/share/doc/opencv-doc/examples/data/baboon.jpg", (0, 0, 512, 512), (23, 19)),
    ("fruits-wide", "/usr/share/doc/opencv-doc/examples/data/fruits.jpg", (0, 100, 512, 300), (250, 33)),
    ("home-up", "/usr/share/doc/opencv-doc/examples/data/home.jpg", (200, 100, 240, 140), (40, 40)),
    ("building", "/usr/share/doc/opencv-doc/examples/data/building.jpg", (0, 0, 868, 600), (160, 111)),
]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    vectors = []
    for name, src, box, size in INPUTS:
        img = Image.open(src)
        img = img.convert('L' if name.endswith('-gray') else 'RGB').crop(box).resize(size, Image.BILINEAR)
        fn = name + '.png'
        img.save(os.path.join(out, fn))
        img = Image.open(os.path.join(out, fn))
        ph, margin = phash(img)
        small = img.convert('L').resize((32, 32), ANTIALIAS)
        vectors.append({
            'file': fn, 'phash': ph, 'dhash': dhash(img), 'phash_tie_margin': margin,
            'resize32': bytes(numpy.asarray(small).flatten()).hex(),
        })
    with open(os.path.join(out, 'vectors.json'), 'w') as f:
        json.dump(vectors, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
