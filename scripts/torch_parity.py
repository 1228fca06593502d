#!/usr/bin/env python3
"""Forward parity with an independent implementation: loads curate weights (a curate
safetensors file: Keras names without ":0", Keras layouts) into scripts/torch_effnet.py's
PyTorch network and prints its class probabilities for raw images as JSON.

  /usr/bin/python3 scripts/torch_parity.py --weights W.safetensors --backbone b2 --gram 4 \
      --images IMAGES.f32 --n 3 --size 64 [--timm BACKBONE.safetensors]

or several networks in one process (one torch import), one JSON line each:

  /usr/bin/python3 scripts/torch_parity.py --jobs JOBS.json

where JOBS.json is a list of objects with the same keys (weights, timm, backbone, gram,
images, n, size).

IMAGES.f32 holds n x size x size x 3 float32 little-endian RGB values 0..255 (NHWC), the
same array curate's Go test feeds model.Net.Predict. With --timm the backbone is loaded
instead from a timm-named file (PyTorch layouts, `curate weights export --format timm`),
mapped here by this script's own name table, so the export is checked too.
The safetensors reader here is this script's own (json + numpy), independent of curate's.
Debian: apt-get install python3-torch python3-numpy.
"""

import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_effnet  # noqa: E402

# Every weight is loaded from the file: skip the Keras initialisers (seconds of CPU for B2).
torch_effnet.init_keras = lambda model: None


def read_safetensors(path):
    with open(path, "rb") as f:
        b = f.read()
    (n,) = struct.unpack("<Q", b[:8])
    header = json.loads(b[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        if e["dtype"] != "F32":
            raise SystemExit(f"{path}: {name} is {e['dtype']}, want F32")
        s, t = e["data_offsets"]
        out[name] = np.frombuffer(b[8 + n + s:8 + n + t], dtype="<f4").reshape(e["shape"])
    return out


def timm_to_keras(timm, net):
    """Renames a timm tf_efficientnetv2 state dict into Keras names and layouts."""
    out = {}
    bn = {"weight": "gamma", "bias": "beta", "running_mean": "moving_mean", "running_var": "moving_variance"}

    def put(keras_layer, module, t_prefix, depthwise=False):
        if isinstance(module, nn.BatchNorm2d):
            for t, k in bn.items():
                out[f"{keras_layer}/{k}"] = timm[f"{t_prefix}.{t}"]
            return
        w = timm[f"{t_prefix}.weight"]
        if depthwise:  # (C,1,kh,kw) -> (kh,kw,C,1)
            out[f"{keras_layer}/depthwise_kernel"] = np.transpose(w, (2, 3, 0, 1))
        else:  # (out,in,kh,kw) -> (kh,kw,in,out)
            out[f"{keras_layer}/kernel"] = np.transpose(w, (2, 3, 1, 0))
        if module.bias is not None:
            out[f"{keras_layer}/bias"] = timm[f"{t_prefix}.bias"]

    bb = net.backbone
    put("stem_conv", bb.stem.conv, "conv_stem")
    put("stem_bn", bb.stem.bn, "bn1")
    put("top_conv", bb.top.conv, "conv_head")
    put("top_bn", bb.top.bn, "bn2")
    for blk in bb.blocks:
        stage = int(blk.prefix[5]) - 1
        index = ord(blk.prefix[6]) - ord("a")
        p = f"blocks.{stage}.{index}."
        if blk.kind == "fused" and not blk.expand:  # timm ConvBnAct
            names = {"project_conv": "conv", "project_bn": "bn1"}
        elif blk.kind == "fused":  # timm EdgeResidual
            names = {"expand_conv": "conv_exp", "expand_bn": "bn1", "project_conv": "conv_pwl", "project_bn": "bn2"}
        else:  # timm InvertedResidual
            names = {"expand_conv": "conv_pw", "expand_bn": "bn1", "dwconv2": "conv_dw", "bn": "bn2",
                     "se_reduce": "se.conv_reduce", "se_expand": "se.conv_expand", "project_conv": "conv_pwl",
                     "project_bn": "bn3"}
        for attr, t in names.items():
            put(blk.prefix + attr, getattr(blk, attr), p + t, depthwise=(attr == "dwconv2"))
    return out


def load(net, tensors):
    used = set()
    for m in net.modules():
        name = getattr(m, "keras_name", None)
        if name is None:
            continue

        def take(key):
            if key not in tensors:
                raise SystemExit(f"weights lack {key}")
            used.add(key)
            return torch.from_numpy(np.array(tensors[key], dtype=np.float32))

        with torch.no_grad():
            if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
                m.weight.copy_(take(f"{name}/gamma"))
                m.bias.copy_(take(f"{name}/beta"))
                m.running_mean.copy_(take(f"{name}/moving_mean"))
                m.running_var.copy_(take(f"{name}/moving_variance"))
            elif isinstance(m, nn.Linear):
                m.weight.copy_(take(f"{name}/kernel").T)
                m.bias.copy_(take(f"{name}/bias"))
            elif isinstance(m, nn.Conv2d):
                if m.groups > 1:
                    m.weight.copy_(take(f"{name}/depthwise_kernel").permute(2, 3, 0, 1))
                else:
                    m.weight.copy_(take(f"{name}/kernel").permute(3, 2, 0, 1))
                if m.bias is not None:
                    m.bias.copy_(take(f"{name}/bias"))
    unused = sorted(k for k in tensors if k not in used and not k.startswith("optimizer/"))
    if unused:
        raise SystemExit(f"tensors not used: {unused[:10]}")


def run(job):
    net = torch_effnet.Net(job.get("backbone", "b2"), int(job["gram"]))
    tensors = read_safetensors(job["weights"])
    if job.get("timm"):
        backbone = timm_to_keras(read_safetensors(job["timm"]), net)
        tensors = {k: v for k, v in tensors.items() if k.startswith(("head_", "gram", "predictions"))}
        tensors.update(backbone)
    load(net, tensors)
    n, size = int(job["n"]), int(job["size"])
    x = np.fromfile(job["images"], dtype="<f4").reshape(n, size, size, 3)
    x = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous().double()
    net = net.double().eval()  # float64: the reference should not add its own rounding
    with torch.no_grad():
        probs = torch.softmax(net(x), dim=1)
    return {"probabilities": probs.reshape(-1).tolist()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", help="JSON list of jobs; one output line each")
    ap.add_argument("--weights")
    ap.add_argument("--timm")
    ap.add_argument("--backbone", default="b2")
    ap.add_argument("--gram", type=int, default=4)
    ap.add_argument("--images")
    ap.add_argument("--n", type=int)
    ap.add_argument("--size", type=int)
    args = ap.parse_args()
    # One thread: the forwards are small (a few images at 64 px), and OpenMP's spinning
    # worker threads turn them into minutes on a loaded machine (measured under nice at
    # load 13: 1 thread 10 s wall for the four jobs of the Go test, 2 threads > 300 s).
    torch.set_num_threads(1)
    if args.jobs:
        with open(args.jobs) as f:
            jobs = json.load(f)
    else:
        if not (args.weights and args.images and args.n and args.size):
            ap.error("--weights, --images, --n and --size are required without --jobs")
        jobs = [vars(args)]
    for job in jobs:
        print(json.dumps(run(job)), flush=True)


if __name__ == "__main__":
    main()
