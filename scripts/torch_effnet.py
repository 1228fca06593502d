#!/usr/bin/env python3
"""EfficientNetV2 (Keras layout) + Gram modules in PyTorch: the reference for curate's model.

The same network as curate's `model` package (../shared/SPEC.md section 3): the Keras
EfficientNetV2 B0/B1/B2/B3 backbone (Fused-MBConv stages 1-3, MBConv with squeeze-and-excitation
stages 4-6, round_filters/round_repeats, BN epsilon 1e-3, swish, TF "same" padding, no conv bias
except the SE convs, Keras B-variant preprocessing inside the model) and the paper's head
(global average pool -> dropout 0.5 -> Dense(k*C) + LeakyReLU(0.2), plus k Gram modules on the
`block3b_project_conv` output taken before its BN, added to it -> Dense(2)).
Tensors are indexed NCHW (PyTorch's convention); --bench stores them channels_last (NHWC in
memory, curate's layout), which trains 5-30% faster and uses less memory with Debian's
PyTorch 1.13 on a 2-core machine than NCHW (--nchw). Shapes are printed the Keras way, HxWxC.

It is a development and benchmark tool (`make bench-train`); no test runs it.
Needs only the standard library and torch (Debian: apt-get install python3-torch; where a
pyenv/venv python3 comes first on PATH, run it with /usr/bin/python3).

  scripts/torch_effnet.py --summary-json [--backbone b2] [--gram 4] [--size 256]
  scripts/torch_effnet.py --summary-tsv  [--backbone b2] [--size 256]
  scripts/torch_effnet.py --bench --batch 16 --size 256 --gram 4 --threads 2 --steps 5 --warmup 1
  scripts/torch_effnet.py --bench --batch 8 --threads 2 --steps 1 --profile 30   # + per-op table

Regenerate the golden fixture that curate's Go tests compare against (the Keras no-top
backbone: every layer with parameters and every stem/block/top output):

  /usr/bin/python3 scripts/torch_effnet.py --summary-tsv --backbone b2 --size 256 >testdata/model/b2_layers.tsv
"""

import argparse
import json
import math
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

# Keras DEFAULT_BLOCKS_ARGS for the B family before width/depth scaling:
# (kind, repeats, in, out, expand, se_ratio, first stride).
B_BLOCKS = [
    ("fused", 1, 32, 16, 1, 0.0, 1),
    ("fused", 2, 16, 32, 4, 0.0, 2),
    ("fused", 2, 32, 48, 4, 0.0, 2),
    ("mb", 3, 48, 96, 4, 0.25, 2),
    ("mb", 5, 96, 112, 6, 0.25, 1),
    ("mb", 8, 112, 192, 6, 0.25, 2),
]
# Keras (width_coefficient, depth_coefficient).
SCALING = {"b0": (1.0, 1.0), "b1": (1.0, 1.1), "b2": (1.1, 1.2), "b3": (1.2, 1.4)}

TOP_FILTERS = 1280
BN_EPS = 1e-3
BN_MOMENTUM = 0.1  # PyTorch's momentum is 1 - Keras's 0.9
DROP_CONNECT_RATE = 0.2
HEAD_DROPOUT = 0.5
LEAKY_SLOPE = 0.2
BASELINE_DENSE = 168  # the paper's k = 0 head
TAP = "block3b_"
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

# Keras EfficientNetV2B2(include_top=False): 8,769,374 parameters.
B2_NOTOP_TRAINABLE = 8_687_086
B2_NOTOP_NON_TRAINABLE = 82_288


def round_filters(filters, width):
    return max(8, int(filters * width + 4) // 8 * 8)


def round_repeats(repeats, depth):
    return int(math.ceil(depth * repeats))


def same_padding(size, kernel, stride):
    """TF "same" padding (before, after): stride 2 on an even size pads 0 before, 1 after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def swish(x):
    return F.silu(x)


def leaky(x):
    return F.leaky_relu(x, LEAKY_SLOPE)


class Conv(nn.Conv2d):
    """Keras Conv2D/DepthwiseConv2D with padding="same"."""

    def __init__(self, cin, cout, kernel, stride=1, groups=1, bias=False):
        symmetric = kernel // 2 if stride == 1 else 0
        super().__init__(cin, cout, kernel, stride, symmetric, groups=groups, bias=bias)

    def forward(self, x):
        if self.stride[0] > 1:
            k, s = self.kernel_size[0], self.stride[0]
            top, bottom = same_padding(x.shape[2], k, s)
            left, right = same_padding(x.shape[3], k, s)
            x = F.pad(x, (left, right, top, bottom))
        return super().forward(x)


def batch_norm(c):
    return nn.BatchNorm2d(c, eps=BN_EPS, momentum=BN_MOMENTUM)


def drop_connect(x, rate, training):
    """Keras Dropout(rate, noise_shape=(None, 1, 1, 1)): drops whole samples of the branch."""
    if not training or rate <= 0:
        return x
    keep = 1.0 - rate
    mask = torch.empty((x.shape[0], 1, 1, 1), dtype=x.dtype, device=x.device).bernoulli_(keep)
    return x * mask / keep


class Block(nn.Module):
    """Keras FusedMBConvBlock ("fused") or MBConvBlock ("mb"); attribute names are the
    Keras layer names without the block prefix. forward returns (output, project_conv output)."""

    def __init__(self, prefix, kind, cin, cout, expand, se_ratio, stride, drop_rate):
        super().__init__()
        self.prefix, self.kind, self.drop_rate = prefix, kind, drop_rate
        self.residual = stride == 1 and cin == cout
        mid = cin * expand
        self.expand = expand != 1
        if kind == "fused":
            if self.expand:
                self.expand_conv = Conv(cin, mid, 3, stride)
                self.expand_bn = batch_norm(mid)
        else:
            if self.expand:
                self.expand_conv = Conv(cin, mid, 1)
                self.expand_bn = batch_norm(mid)
            self.dwconv2 = Conv(mid, mid, 3, stride, groups=mid)
            self.bn = batch_norm(mid)
        self.se = 0 < se_ratio <= 1
        if self.se:
            squeezed = max(1, int(cin * se_ratio))
            self.se_reduce = Conv(mid, squeezed, 1, bias=True)
            self.se_expand = Conv(squeezed, mid, 1, bias=True)
        if kind == "fused" and not self.expand:
            self.project_conv = Conv(cin, cout, 3, stride)
        else:
            self.project_conv = Conv(mid, cout, 1)
        self.project_bn = batch_norm(cout)
        self.project_activation = kind == "fused" and not self.expand
        # The Keras layer that ends the block, when it is not project_bn itself.
        if self.residual:
            self.output_name = prefix + "add"
        elif self.project_activation:
            self.output_name = prefix + "project_activation"

    def forward(self, inputs):
        x = inputs
        if self.expand:
            x = swish(self.expand_bn(self.expand_conv(x)))
        if self.kind == "mb":
            x = swish(self.bn(self.dwconv2(x)))
        if self.se:
            s = x.mean((2, 3), keepdim=True)
            s = torch.sigmoid(self.se_expand(swish(self.se_reduce(s))))
            x = x * s
        projected = self.project_conv(x)
        x = self.project_bn(projected)
        if self.project_activation:
            x = swish(x)
        if self.residual:
            x = drop_connect(x, self.drop_rate, self.training) + inputs
        return x, projected


class ConvBnAct(nn.Module):
    """The stem (stem_conv, stem_bn, stem_activation) or the top (top_conv, ...)."""

    def __init__(self, name, cin, cout, kernel, stride):
        super().__init__()
        self.conv = Conv(cin, cout, kernel, stride)
        self.bn = batch_norm(cout)
        self.conv.keras_name = name + "_conv"
        self.bn.keras_name = name + "_bn"
        self.output_name = name + "_activation"

    def forward(self, x):
        return swish(self.bn(self.conv(x)))


class Backbone(nn.Module):
    """Keras EfficientNetV2 with include_top=False. forward returns (features, tap)."""

    def __init__(self, variant):
        super().__init__()
        width, depth = SCALING[variant]
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1) * 255)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1) * 255)
        stem = round_filters(B_BLOCKS[0][2], width)
        self.stem = ConvBnAct("stem", 3, stem, 3, 2)
        # Keras divides by the UNSCALED block count, so late rates exceed 0.2 when depth > 1.
        base_blocks = float(sum(row[1] for row in B_BLOCKS))
        blocks, b = [], 0
        for i, (kind, repeats, cin, cout, expand, se_ratio, stride) in enumerate(B_BLOCKS):
            cin, cout = round_filters(cin, width), round_filters(cout, width)
            for j in range(round_repeats(repeats, depth)):
                if j > 0:
                    cin, stride = cout, 1
                prefix = f"block{i + 1}{chr(j + 97)}_"
                rate = DROP_CONNECT_RATE * b / base_blocks
                blocks.append(Block(prefix, kind, cin, cout, expand, se_ratio, stride, rate))
                b += 1
        self.blocks = nn.ModuleList(blocks)
        tap = [blk for blk in blocks if blk.prefix == TAP]
        if not tap:
            raise ValueError(f"{variant}: no block {TAP}")
        self.tap_channels = tap[0].project_conv.out_channels
        self.top = ConvBnAct("top", cout, round_filters(TOP_FILTERS, width), 1, 1)
        self.out_channels = self.top.conv.out_channels
        for blk in blocks:
            for attr, module in blk.named_children():
                module.keras_name = blk.prefix + attr

    def forward(self, x):
        x = (x - self.mean) / self.std  # Rescaling(1/255) then Normalization(mean, std**2)
        x = self.stem(x)
        tap = None
        for blk in self.blocks:
            x, projected = blk(x)
            if blk.prefix == TAP:
                tap = projected
        return self.top(x), tap


class GramModule(nn.Module):
    """Branch A: G = F Fᵀ/(H*W) -> Dense(C) -> act -> BN; branch B: 1x1 conv(C) -> act -> GAP.
    Output A * B."""

    def __init__(self, index, c):
        super().__init__()
        self.dense = nn.Linear(c * c, c)
        self.bn = nn.BatchNorm1d(c, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.conv = nn.Conv2d(c, c, 1)
        self.dense.keras_name = f"gram{index}_dense"
        self.bn.keras_name = f"gram{index}_bn"
        self.conv.keras_name = f"gram{index}_conv"
        self.output_name = f"gram{index}_multiply"

    def forward(self, f):
        n, c, h, w = f.shape
        flat = f.reshape(n, c, h * w)
        gram = torch.bmm(flat, flat.transpose(1, 2)) / (h * w)
        a = self.bn(leaky(self.dense(gram.reshape(n, c * c))))
        b = leaky(self.conv(f)).mean((2, 3))
        return a * b


class Net(nn.Module):
    """Backbone + the paper's head, k Gram modules (k = 0: the baseline)."""

    def __init__(self, variant="b2", gram=4, classes=2):
        super().__init__()
        self.backbone = Backbone(variant)
        c = self.backbone.tap_channels
        width = gram * c if gram > 0 else BASELINE_DENSE
        self.head_dense = nn.Linear(self.backbone.out_channels, width)
        self.head_dense.keras_name = "head_dense"
        self.grams = nn.ModuleList(GramModule(i + 1, c) for i in range(gram))
        self.predictions = nn.Linear(width, classes)
        self.predictions.keras_name = "predictions"
        init_keras(self)

    def forward(self, x):
        features, tap = self.backbone(x)
        h = F.dropout(features.mean((2, 3)), HEAD_DROPOUT, self.training)
        h = leaky(self.head_dense(h))
        if len(self.grams):
            h = h + torch.cat([g(tap) for g in self.grams], dim=1)
        return self.predictions(h)  # logits; softmax is in the loss


def init_keras(model):
    """Keras initialisers: backbone convs VarianceScaling(2, fan_out, truncated normal), the
    head's dense and conv layers glorot uniform (Keras's default), zero biases, BN 1 and 0."""
    for m in model.modules():
        if isinstance(m, Conv):
            fan_out = m.out_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
            std = math.sqrt(2.0 / fan_out) / 0.87962566103423978
            nn.init.trunc_normal_(m.weight, 0.0, std, -2 * std, 2 * std)
        elif isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
        if isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
            nn.init.zeros_(m.bias)


def param_counts(module):
    """(trainable, non-trainable) the way Keras counts: BN moving mean/variance are weights."""
    trainable = sum(p.numel() for p in module.parameters())
    moving = sum(
        m.running_mean.numel() + m.running_var.numel()
        for m in module.modules()
        if isinstance(m, nn.modules.batchnorm._BatchNorm)
    )
    return trainable, moving


def keras_shape(t):
    return [t.shape[2], t.shape[3], t.shape[1]] if t.dim() == 4 else list(t.shape[1:])


def layer_table(net, size):
    """Runs one image through net in eval mode and returns the Keras-named layers in
    execution order: layers with weights and the stem/block/top/Gram outputs."""
    rows, hooks = [], []

    def record(name, params):
        def hook(_module, _inputs, output):
            out = output[0] if isinstance(output, tuple) else output
            trainable, moving = params
            rows.append({"name": name, "output_shape": keras_shape(out), "params": trainable + moving,
                         "trainable": trainable, "non_trainable": moving})
        return hook

    for m in net.modules():
        if hasattr(m, "keras_name"):
            hooks.append(m.register_forward_hook(record(m.keras_name, param_counts(m))))
        elif getattr(m, "output_name", None):  # fires after the layers inside it
            hooks.append(m.register_forward_hook(record(m.output_name, (0, 0))))
    net.eval()
    with torch.no_grad():
        net(torch.zeros(1, 3, size, size))
    for h in hooks:
        h.remove()
    return rows


def totals(trainable, non_trainable):
    return {"total": trainable + non_trainable, "trainable": trainable, "non_trainable": non_trainable}


def summary(args):
    net = Net(args.backbone, args.gram)
    rows = layer_table(net, args.size)
    bb_train, bb_moving = param_counts(net.backbone)
    all_train, all_moving = param_counts(net)
    if sum(r["params"] for r in rows) != all_train + all_moving:
        raise AssertionError("layer table misses parameters")
    if args.backbone == "b2" and (bb_train, bb_moving) != (B2_NOTOP_TRAINABLE, B2_NOTOP_NON_TRAINABLE):
        raise AssertionError(f"b2 no-top backbone has {bb_train} + {bb_moving} parameters, "
                             f"Keras has {B2_NOTOP_TRAINABLE} + {B2_NOTOP_NON_TRAINABLE}")
    if args.summary_tsv:
        print("layer\toutput_shape\tparams")
        for r in rows:
            if r["name"].startswith(("gram", "head_", "predictions")):
                continue  # the TSV is the Keras backbone only
            print(f"{r['name']}\t{'x'.join(map(str, r['output_shape']))}\t{r['params']}")
        return
    print(json.dumps({
        "backbone": args.backbone, "size": args.size, "gram": args.gram,
        "layers": rows,
        "backbone_params": totals(bb_train, bb_moving),
        "total_params": totals(all_train, all_moving),
    }, indent=1))


def bench(args):
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    net = Net(args.backbone, args.gram)
    opt = torch.optim.Adagrad(net.parameters(), lr=0.002, initial_accumulator_value=0.1, eps=1e-7)
    images = torch.randint(0, 256, (args.batch, 3, args.size, args.size)).float()
    labels = torch.randint(0, 2, (args.batch,))
    if not args.nchw:
        net = net.to(memory_format=torch.channels_last)
        images = images.contiguous(memory_format=torch.channels_last)

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(images), labels)
        loss.backward()
        opt.step()
        return loss.item()

    def timed(step):
        """Runs warmup then timed steps; returns (total seconds, fastest step seconds, last result)."""
        for _ in range(args.warmup):
            step()
        times, result = [], None
        for _ in range(args.steps):
            start = time.perf_counter()
            result = step()
            times.append(time.perf_counter() - start)
        return sum(times), min(times), result

    net.train()
    train_s, train_best, loss = timed(train_step)
    if not math.isfinite(loss):
        raise RuntimeError(f"training diverged: loss {loss}")
    net.eval()
    with torch.no_grad():
        infer_s, infer_best, _ = timed(lambda: net(images))

    if args.profile:
        # One more training step and one inference batch under torch.profiler: self CPU time per op (forward and
        # backward ops appear under their own names, e.g. convolution_backward), to stderr.
        from torch.profiler import ProfilerActivity, profile
        net.train()
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            train_step()
        print(f"PyTorch one training step, batch {args.batch}, {args.threads} threads (torch.profiler):",
              file=sys.stderr)
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=args.profile), file=sys.stderr)
        net.eval()
        with torch.no_grad(), profile(activities=[ProfilerActivity.CPU]) as prof:
            net(images)
        print(f"PyTorch one inference batch, batch {args.batch}, {args.threads} threads (torch.profiler):",
              file=sys.stderr)
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=args.profile), file=sys.stderr)

    images_done = args.batch * args.steps
    print(json.dumps({
        "train_images_per_s": round(images_done / train_s, 3),
        "infer_images_per_s": round(images_done / infer_s, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "batch": args.batch, "size": args.size, "gram": args.gram, "threads": args.threads,
        "backbone": args.backbone, "steps": args.steps, "warmup": args.warmup,
        "train_s": round(train_s, 3), "infer_s": round(infer_s, 3),
        # the fastest single step: steadier than the mean on a shared machine
        "train_images_per_s_best": round(args.batch / train_best, 3),
        "infer_images_per_s_best": round(args.batch / infer_best, 3),
        "final_loss": round(loss, 5),
        "memory_format": "nchw" if args.nchw else "channels_last", "engine": f"pytorch {torch.__version__}",
    }))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--summary-json", action="store_true", help="every layer with Keras name, shape, params; totals")
    mode.add_argument("--summary-tsv", action="store_true", help="the Keras backbone layers as TSV (golden fixture)")
    mode.add_argument("--bench", action="store_true", help="time training and inference on synthetic data; one JSON line")
    p.add_argument("--backbone", default="b2", choices=sorted(SCALING))
    p.add_argument("--gram", type=int, default=4, help="Gram modules k (0 = baseline head)")
    p.add_argument("--size", type=int, default=256, help="input height and width")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads (default: all CPUs)")
    p.add_argument("--steps", type=int, default=5, help="timed steps (training, then inference)")
    p.add_argument("--warmup", type=int, default=1, help="untimed steps before each timing")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--nchw", action="store_true", help="contiguous NCHW tensors instead of channels_last")
    p.add_argument("--profile", type=int, default=0, metavar="ROWS",
                   help="with --bench: profile one more training step, print the top ROWS ops to stderr")
    args = p.parse_args()
    if args.gram < 0 or args.size < 32 or args.batch < 1 or args.threads < 1 or args.steps < 1 or args.warmup < 0:
        p.error("need --gram >= 0, --size >= 32, --batch/--threads/--steps >= 1, --warmup >= 0")
    if args.bench and args.batch < 2:
        p.error("--bench needs --batch >= 2 (the Gram modules' BatchNorm trains on batch statistics)")
    if args.bench:
        bench(args)
    else:
        summary(args)


if __name__ == "__main__":
    sys.exit(main())
