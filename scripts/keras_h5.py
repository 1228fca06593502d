#!/usr/bin/env python3
"""Writes Keras legacy .h5 weight files with h5py, the way Keras's save_weights does, for
curate's HDF5 reader and weight import tests (no test depends on Keras itself).

Layout (keras/saving/legacy/hdf5_format.py, save_weights_to_hdf5_group): root attributes
`layer_names` (fixed-length byte strings), `backend`, `keras_version`; one group per layer with
a `weight_names` attribute (`block1a_project_conv/kernel:0`, ...) and one float32 dataset per
weight, whose name holds a slash, so h5py creates the intermediate group
(/block1a_project_conv/block1a_project_conv/kernel:0). Kernels are Keras layouts: conv
(kh,kw,in,out), depthwise (kh,kw,C,1), BN gamma/beta/moving_mean/moving_variance.

  --layout keras   h5py defaults, as Keras writes: superblock 0, version 1 object headers,
                   symbol-table groups (the root's B-tree has non-leaf nodes), contiguous data.
  --layout v2      libver v108: superblock 2, version 2 object headers, groups as link
                   messages (compact storage forced), weights under /model_weights as in a
                   full model.save() file, chunked datasets with partial edge chunks,
                   variable-length (global heap) string attributes.

  --net b2         the whole EfficientNetV2-B2 no-top layer list at real shapes, taken from
                   scripts/torch_effnet.py (an implementation independent of curate's Go
                   model); values are seeded random (--seed). --safetensors also writes the
                   same tensors as a curate safetensors file (names without ":0"), by this
                   script's own writer.
  --net small      a tiny fixture (testdata/hdf5/*.h5): 40 layers (enough for non-leaf
                   B-tree nodes), values v[i] = (i % 17 - 8) / 8 + t for the t-th weight,
                   a gzip dataset and a group in dense (fractal heap) storage, both of which
                   the reader must refuse.

Debian: apt-get install python3-h5py python3-numpy (python3-torch for --net b2). Run with
/usr/bin/python3 where a pyenv/venv python3 comes first on PATH.
"""

import argparse
import json
import os
import struct
import sys

import h5py
import numpy as np


def b2_layers(rng):
    """[(layer name, [(weight name, array)])] in Keras layer order."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import torch_effnet  # noqa: E402
    from torch import nn  # noqa: E402

    torch_effnet.init_keras = lambda model: None  # only the shapes are used
    net = torch_effnet.Net("b2", 0)
    layers = [("input_1", []), ("rescaling", []), ("normalization", [])]
    for m in net.backbone.modules():
        name = getattr(m, "keras_name", None)
        if name is None:
            continue
        ws = []
        if isinstance(m, nn.Conv2d):
            o, i, kh, kw = m.weight.shape
            fan_in = i * kh * kw
            if m.groups > 1:  # depthwise: (kh, kw, C, 1)
                shape, kind = (kh, kw, o, 1), "depthwise_kernel"
            else:
                shape, kind = (kh, kw, i, o), "kernel"
            ws.append((f"{name}/{kind}:0", rng.standard_normal(shape) * np.sqrt(1.0 / fan_in)))
            if m.bias is not None:
                ws.append((f"{name}/bias:0", rng.standard_normal((o,)) * 0.1))
        elif isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            ws += [(f"{name}/gamma:0", rng.uniform(0.5, 1.5, c)), (f"{name}/beta:0", rng.standard_normal(c) * 0.1),
                   (f"{name}/moving_mean:0", rng.standard_normal(c) * 0.1),
                   (f"{name}/moving_variance:0", rng.uniform(0.5, 1.5, c))]
        layers.append((name, [(n, np.asarray(v, dtype=np.float32)) for n, v in ws]))
    return layers


def small_layers():
    shapes = {"stem_conv": [("kernel", (3, 3, 3, 4))],
              "stem_bn": [(k, (4,)) for k in ("gamma", "beta", "moving_mean", "moving_variance")],
              "block4a_dwconv2": [("depthwise_kernel", (3, 3, 5, 1))],
              "block4a_se_reduce": [("kernel", (1, 1, 5, 2)), ("bias", (2,))],
              "layer_39": [("kernel", (2,)), ("bias", (2,))]}  # weight_names split in two
    layers, t = [], 0
    for i in range(40):
        name = list(shapes)[i] if i < 4 else f"layer_{i:02d}"
        ws = []
        for kind, shape in shapes.get(name, []):
            n = int(np.prod(shape))
            v = (np.arange(n) % 17 - 8) / 8.0 + t
            ws.append((f"{name}/{kind}:0", v.reshape(shape).astype(np.float32)))
            t += 1
        layers.append((name, ws))
    return layers


def compact_gcpl():
    """A group creation property list keeping up to 1000 links as link messages (compact
    storage) rather than a fractal heap; h5py does not wrap H5Pset_link_phase_change."""
    import ctypes
    import ctypes.util
    gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
    lib = None
    for name in ("libhdf5_serial.so.103", ctypes.util.find_library("hdf5_serial"), ctypes.util.find_library("hdf5")):
        if name:
            try:
                lib = ctypes.CDLL(name)
                break
            except OSError:
                pass
    if lib is None:
        raise SystemExit("keras_h5.py: libhdf5 not found for H5Pset_link_phase_change")
    lib.H5Pset_link_phase_change.argtypes = [ctypes.c_int64, ctypes.c_uint, ctypes.c_uint]
    if lib.H5Pset_link_phase_change(gcpl.id, 1000, 900) < 0:
        raise SystemExit("keras_h5.py: H5Pset_link_phase_change failed")
    return gcpl


def write_h5(path, layers, layout):
    if layout == "keras":
        f = h5py.File(path, "w")
        top = f
    else:
        f = h5py.File(path, "w", libver=("v108", "v108"))
        gcpl = compact_gcpl()
        top = h5py.Group(h5py.h5g.create(f.id, b"model_weights", gcpl=gcpl))
        f.attrs["model_config"] = json.dumps({"class_name": "Functional"})
    names = [n.encode("utf8") for n, _ in layers]
    top.attrs["layer_names"] = np.array(names)  # fixed-length strings, as Keras writes
    if layout == "keras":
        top.attrs["backend"] = b"tensorflow"
        top.attrs["keras_version"] = b"2.12.0"
    else:
        top.attrs["backend"] = "tensorflow"  # str: variable-length, in the global heap
        top.attrs["keras_version"] = "2.12.0"
    for name, ws in layers:
        wn = [w.encode("utf8") for w, _ in ws]
        if layout == "keras":
            g = top.create_group(name)
        else:
            g = h5py.Group(h5py.h5g.create(top.id, name.encode("utf8"), gcpl=gcpl))
        if name == "layer_39":
            # What Keras does when an attribute passes HDF5's 64 KiB limit:
            # weight_names0, weight_names1, ...
            g.attrs["weight_names0"] = np.array(wn[:1])
            g.attrs["weight_names1"] = np.array(wn[1:])
        elif layout == "keras":
            g.attrs["weight_names"] = np.array(wn) if wn else np.array([], dtype="S1")
        else:
            g.attrs.create("weight_names", [w for w, _ in ws], dtype=h5py.string_dtype())
        for wname, val in ws:
            if layout == "keras":
                d = g.create_dataset(wname, val.shape, dtype=val.dtype)
            else:
                chunks = tuple(max(1, (s + 1) // 2) for s in val.shape)
                d = g.create_dataset(wname, val.shape, dtype=val.dtype, chunks=chunks)
            d[...] = val
    return f


def write_safetensors(path, layers):
    tensors = [(w[:-2] if w.endswith(":0") else w, v) for _, ws in layers for w, v in ws]
    header, off = {}, 0
    for name, v in tensors:
        n = v.size * 4
        header[name] = {"dtype": "F32", "shape": list(v.shape), "data_offsets": [off, off + n]}
        off += n
    h = json.dumps(header, sort_keys=True).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(h)))
        out.write(h)
        for _, v in tensors:
            out.write(np.ascontiguousarray(v, dtype="<f4").tobytes())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--layout", choices=("keras", "v2"), default="keras")
    ap.add_argument("--net", choices=("b2", "small"), default="b2")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--safetensors", help="also write the tensors as curate safetensors here")
    ap.add_argument("--out-v2", help="also write the same tensors with --layout v2 here")
    args = ap.parse_args()
    layers = b2_layers(np.random.RandomState(args.seed)) if args.net == "b2" else small_layers()
    f = write_h5(args.out, layers, args.layout)
    if args.net == "small":
        d = f.create_dataset("compressed/x", data=np.ones(64, np.float32), compression="gzip", chunks=(16,))
        d.attrs["note"] = b"gzip: the reader must refuse it"
        if args.layout == "v2":
            dense = f.create_group("dense")  # more than 8 links: fractal heap storage
            for i in range(12):
                dense.create_group(f"g{i:02d}")
    f.close()
    if args.out_v2:
        write_h5(args.out_v2, layers, "v2").close()
    if args.safetensors:
        write_safetensors(args.safetensors, layers)


if __name__ == "__main__":
    main()
