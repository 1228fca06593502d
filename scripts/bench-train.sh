#!/usr/bin/env bash
# bench-train: curate's CPU trainer against the same network (EfficientNetV2-B2 + Gram modules)
# in PyTorch, with the same batch, input size, Gram modules and thread count, one after the
# other on this machine, and a table of both and their ratio.
#
# Both are measured ROUNDS times, alternating (curate then PyTorch in odd rounds, PyTorch then
# curate in even ones), and the table gives each round's ratio (a line below it each round's images/s of both) and the median of the per-round
# ratios: this machine's speed drifts by 10-25% between minutes (a shared virtual machine), so
# one curate run against one PyTorch run a minute later measures the drift as much as the
# engines. Run it on a quiet machine: PyTorch's OpenMP threads lose far more than curate to any
# other load.
#
# After the table, the share of CPU time the hypervisor stole during each run (a virtual
# machine's /proc/stat steal column): the Xeon of wave 9, a KVM guest, lost 0-25% by minute.
#
# Run it with `make bench-train` (which builds bin/curate first). Settings from the environment:
#   BATCH (16; several, e.g. "16 64", run one after the other)  SIZE (256)  GRAM (4)  STEPS (5)
#   ROUNDS (3; alternating curate/PyTorch measurements per batch)
#   WARMUP (1, PyTorch only)  THREADS (nproc)  BACKEND (curate's --backend; default its fastest)
#   PROFILE (0; N > 0 adds a per-op time table of one training step for both: curate's
#   BenchmarkOpBreakdown, which needs the Go toolchain, and PyTorch's torch.profiler, top N rows)
# ONEDNN_MAX_CPU_ISA=SSE41 (or AVX, AVX2) caps the instruction set of both engines' oneDNN, the
# nearest thing to another CPU on one machine (their other kernels, curate's C loops, OpenBLAS
# and PyTorch's ATen, keep the CPU's own); curate's --json backend line says what oneDNN ran on.
# To model such a CPU in every part of both engines, cap the rest too: curate's C kernels at build
# time (CGO_CFLAGS=-DCURATE_X86_MAX=1 for an SSE4.1 or AVX CPU, =3 for AVX2: model/curate_simd.h),
# OpenBLAS (OPENBLAS_CORETYPE=Nehalem, Sandybridge, Haswell) and PyTorch's ATen
# (ATEN_CPU_CAPABILITY=default, avx2), e.g. for an AVX-only CPU:
#   CGO_CFLAGS=-DCURATE_X86_MAX=1 OPENBLAS_CORETYPE=Sandybridge ATEN_CPU_CAPABILITY=default \
#   ONEDNN_MAX_CPU_ISA=AVX DNNL_MAX_CPU_ISA=AVX make bench-train
# (the backend line then names the C kernels' level and OpenBLAS's core; go build rebuilds bin/curate for the new CGO_CFLAGS).
# PyTorch comes from Debian's python3-torch, installed here when `import torch` fails.
# TORCH_MALLOC (cache; or glibc): PyTorch's CPU allocator is glibc malloc, which hands every block
# over 32 MiB (its largest mmap threshold) back to the kernel when a tensor is freed, so every step
# page-faults and zeroes its large activations again: at batch 64 (activations of 134 MiB) that was
# 9.2M minor faults and 18 s of system time in 3 steps, 11.3 img/s, against 14.6-16.5 img/s with
# freed memory kept for reuse (quiet window, /work/bench/bwd-w2-torch-b64-malloc.txt; batch 16,
# whose activations mostly fit under the threshold, moved within the noise). CPU tuning guides for
# PyTorch (e.g. AMD's ZenDNN user guide, "Memory Allocators") tell users to switch to a caching
# allocator (jemalloc, TCMalloc) for this, so the baseline gets one: by default glibc is told to
# never mmap and never trim
# (GLIBC_TUNABLES below; peak RSS rises 2-4%, and the table reports it). TORCH_MALLOC=glibc runs
# PyTorch on glibc's defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

BATCHES=${BATCH:-16}
SIZE=${SIZE:-256}
GRAM=${GRAM:-4}
STEPS=${STEPS:-5}
WARMUP=${WARMUP:-1}
THREADS=${THREADS:-$(nproc)}
BACKEND=${BACKEND:-}
PROFILE=${PROFILE:-0}
ROUNDS=${ROUNDS:-3}
TORCH_MALLOC=${TORCH_MALLOC:-cache}
case "$TORCH_MALLOC" in
cache) TORCH_TUNABLES="glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736" ;;
glibc) TORCH_TUNABLES=${GLIBC_TUNABLES:-} ;;
*) echo "bench-train: TORCH_MALLOC is cache or glibc, not '$TORCH_MALLOC'" >&2; exit 2 ;;
esac
# PyTorch hands Linear/bmm to OpenBLAS, whose own pool would otherwise use every core.
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS

# find_torch_python prints a python3 that can import torch (a pyenv or venv python3 that
# comes first on PATH usually cannot; Debian's /usr/bin/python3 can once python3-torch is in).
find_torch_python() {
	local py
	for py in python3 /usr/bin/python3; do
		if command -v "$py" >/dev/null && "$py" -c 'import torch' 2>/dev/null; then
			echo "$py"
			return 0
		fi
	done
	return 1
}

if ! PY=$(find_torch_python); then
	echo "bench-train: installing python3-torch" >&2
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch
	PY=$(find_torch_python) || { echo "bench-train: python3-torch installed but 'import torch' still fails" >&2; exit 1; }
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=0
for BATCH in $BATCHES; do
	echo "bench-train: batch $BATCH, size ${SIZE}x$SIZE, gram $GRAM, threads $THREADS, steps $STEPS, PyTorch malloc $TORCH_MALLOC; load average $(cut -d' ' -f1-3 /proc/loadavg)"

	curate_ok=1
	torch_ok=1
	run_curate() { # $1: output file
		if [ ! -x bin/curate ]; then
			echo "curate: bin/curate is missing; run 'make bench-train', which builds it first" >&2
			curate_ok=0
		elif ! bin/curate model bench --json --batch "$BATCH" --size "$SIZE" --gram "$GRAM" \
			--threads "$THREADS" --steps "$STEPS" ${BACKEND:+--backend "$BACKEND"} >"$1" 2>"$tmp/curate.err"; then
			echo "curate: 'bin/curate model bench' failed:" >&2
			tail -n 5 "$tmp/curate.err" | sed 's/^/  /' >&2
			curate_ok=0
			echo '{}' >"$1"
		fi
	}
	run_torch() { # $1: output file
		if ! GLIBC_TUNABLES=$TORCH_TUNABLES "$PY" scripts/torch_effnet.py --bench --batch "$BATCH" --size "$SIZE" --gram "$GRAM" \
			--threads "$THREADS" --steps "$STEPS" --warmup "$WARMUP" >"$1"; then
			echo "PyTorch: scripts/torch_effnet.py --bench failed" >&2
			torch_ok=0
			echo '{}' >"$1"
		fi
	}
	# steal_of RUN FILE: RUN FILE, then the share of the machine's CPU time the hypervisor
	# stole while it ran (/proc/stat's steal column; 0 on bare metal), appended to $steals.
	steals=""
	steal_of() {
		local a b
		a=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $9; exit}' /proc/stat)
		"$1" "$2"
		b=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $9; exit}' /proc/stat)
		steals+="${steals:+; }round $r ${1#run_} $(echo "$a $b" | awk '{t = $3 - $1; printf "%.1f%%", (t > 0 ? 100 * ($4 - $2) / t : 0)}')"
	}
	files=()
	for r in $(seq 1 "$ROUNDS"); do
		if [ $((r % 2)) = 1 ]; then
			steal_of run_curate "$tmp/curate-$r.json"
			steal_of run_torch "$tmp/torch-$r.json"
		else
			steal_of run_torch "$tmp/torch-$r.json"
			steal_of run_curate "$tmp/curate-$r.json"
		fi
		files+=("$tmp/curate-$r.json" "$tmp/torch-$r.json")
	done

	# Both engines slow down when other processes share the cores; compare quiet-machine runs.
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	"$PY" - "${files[@]}" <<'EOF'
import json
import statistics
import sys


def load(path, who):
    try:
        with open(path) as f:
            return json.load(f)
    except ValueError as err:
        print(f"{who}: output is not one JSON object ({err})", file=sys.stderr)
        return {}


rounds = [(load(sys.argv[i], "curate"), load(sys.argv[i + 1], "PyTorch")) for i in range(1, len(sys.argv), 2)]
rows = [
    # metric, JSON key, ratio as curate/PyTorch (images/s) or PyTorch/curate (memory)
    ("train images/s", "train_images_per_s", False),
    ("infer images/s", "infer_images_per_s", False),
    ("peak RSS MiB", "peak_rss_mib", True),
]


def cell(v):
    return "-" if v is None else f"{v:.2f}"


def ratio(c, t, inverse):
    if not c or not t:
        return None
    return t / c if inverse else c / t


def median(vs):
    vs = [v for v in vs if v is not None]
    return statistics.median(vs) if vs else None


curate, torch = rounds[0]
print(f"batch {curate.get('batch') or torch.get('batch')}, {len(rounds)} alternating rounds:")
head = "".join(f" | {'round ' + str(i + 1):>8}" for i in range(len(rounds)))
print(f"{'metric':<16} | {'curate':>10} | {'PyTorch':>10} | {'median ratio':>12}{head}")
print(f"{'-' * 16}-+-{'-' * 10}-+-{'-' * 10}-+-{'-' * 12}" + "-+-".join([""] + ["-" * 8] * len(rounds)))
for name, key, inverse in rows:
    cs = [c.get(key) for c, _ in rounds]
    ts = [t.get(key) for _, t in rounds]
    rs = [ratio(c, t, inverse) for c, t in zip(cs, ts)]
    per = "".join(f" | {cell(r):>8}" for r in rs)
    print(f"{name:<16} | {cell(median(cs)):>10} | {cell(median(ts)):>10} | {cell(median(rs)):>12}{per}")
print("curate and PyTorch columns: medians of the rounds; ratios > 1: curate better"
      " (images/s curate/PyTorch, memory PyTorch/curate)")
# Each round's images/s of both engines, in the order they ran (curate first in odd rounds):
# which engine moved between rounds, which the ratios alone do not say.
for name, key, _ in rows[:2]:
    per = "; ".join(
        f"round {i + 1} ({'curate first' if i % 2 == 0 else 'PyTorch first'}) curate {cell(c.get(key))}, PyTorch {cell(t.get(key))}"
        for i, (c, t) in enumerate(rounds))
    print(f"{name} by round: {per}")
if curate:
    print(f"curate: backend {curate.get('backend')} ({curate.get('blas')}), loss {curate.get('first_loss')} -> {curate.get('last_loss')}")
if torch:
    print(f"PyTorch: {torch.get('engine')}, final loss {torch.get('final_loss')}")
EOF

	# In a virtual machine the host may take CPU time from it (steal): a run with a high share
	# measured the neighbours as much as the engine.
	echo "CPU time stolen by the hypervisor during each run: $steals"
	[ "$curate_ok" = 1 ] && [ "$torch_ok" = 1 ] || status=1
	if [ "$PROFILE" -gt 0 ]; then
		echo "per-op time of one curate training step (batch $BATCH, $THREADS threads; load $(cut -d' ' -f1-3 /proc/loadavg)):"
		CURATE_BATCH=$BATCH CURATE_THREADS=$THREADS CURATE_BACKEND=$BACKEND \
			go test -run '^$' -bench OpBreakdown -benchtime 1x -v ./model | grep 'opbreakdown_test' | sed 's/^ *opbreakdown_test.go:[0-9]*: /  /'
		GLIBC_TUNABLES=$TORCH_TUNABLES "$PY" scripts/torch_effnet.py --bench --batch "$BATCH" --size "$SIZE" --gram "$GRAM" \
			--threads "$THREADS" --steps 1 --warmup "$WARMUP" --profile "$PROFILE" 2>&1 >/dev/null
	fi
done
exit $status
