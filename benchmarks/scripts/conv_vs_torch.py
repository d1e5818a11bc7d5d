#!/usr/bin/python3
"""PyTorch side of the convolution side-by-side: the same shapes, batch and timing loop as
dev.sfumato.benchmarks.nn.ConvRunner, printing the same TSV (shape, threads, op, median_ms, best_ms, values).

Run with Debian's python3-torch 1.13 (/usr/bin/python3). Set OPENBLAS_NUM_THREADS=1 for 2-thread runs:
Debian's OpenBLAS threads busy-wait and fight torch's own pool (see shared/MEASURING.md). Run it as
conv-side-by-side.sh does, with lib.sh's TORCH_MALLOC_ENV (MALLOC_MMAP_THRESHOLD_=33554432
MALLOC_TRIM_THRESHOLD_=1073741824): without it glibc may hand PyTorch's freed tensors back to the kernel, and a
process then runs 2-3x slower on the large shapes, page-faulting its fresh tensors in on every call.
"""
import argparse
import re
import statistics
import time

import torch
import torch.nn.functional as F

GRAMMAR = re.compile(r"([ct])(\d+)x\2(?:s(\d+))?_(\d+)-(\d+)_(\d+)$")
DEFAULT = ("c3x3_1-32_28,c3x3_32-32_28,c3x3_32-64_28,c3x3_64-64_28,c3x3_64-128_28,"
           "c3x3_1-32_14,c3x3_32-32_14,c3x3_32-64_14,c3x3_64-64_14,c3x3_64-128_14,"
           "c3x3_128-128_7,c3x3s2_32-32_28,c3x3s2_64-64_14,t4x4s2_64-64_7")


def case(name, batch):
    m = GRAMMAR.match(name.strip())
    if not m:
        raise SystemExit(f"conv shape '{name}' does not read as e.g. c3x3_64-64_28")
    kind, k, s, cin, cout, hw = m.group(1), int(m.group(2)), int(m.group(3) or 1), int(m.group(4)), int(m.group(5)), int(m.group(6))
    g = torch.Generator().manual_seed(42)
    x = torch.randn(batch, cin, hw, hw, generator=g, requires_grad=True)
    wshape = (cin, cout, k, k) if kind == "t" else (cout, cin, k, k)
    w = (torch.randn(*wshape, generator=g) * 0.05).requires_grad_()
    b = torch.zeros(cout, requires_grad=True)
    if kind == "t":
        fwd = lambda: F.conv_transpose2d(x, w, b, stride=s, padding=1)
    else:
        fwd = lambda: F.conv2d(x, w, b, stride=s, padding=1)
    dy = torch.randn(fwd().shape, generator=g)

    def fwdbwd():
        x.grad = w.grad = b.grad = None
        fwd().backward(dy)

    def fwd_nograd():
        with torch.no_grad():
            fwd()

    return fwd_nograd, fwdbwd


def timed(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--shapes", default=DEFAULT)
    a = p.parse_args()
    torch.set_num_threads(a.threads)  # torch 1.13 would otherwise use half the cores
    print("shape\tthreads\top\tmedian_ms\tbest_ms\tvalues")
    for name in [s.strip() for s in a.shapes.split(",")]:
        f, fb = case(name, a.batch)
        for op, fn in (("fwd", f), ("fwdbwd", fb)):
            ms = timed(fn, a.warmup, a.reps)
            print(f"{name}\t{a.threads}\t{op}\t{statistics.median(ms):.3f}\t{min(ms):.3f}\t" + ",".join(f"{v:.3f}" for v in ms))


if __name__ == "__main__":
    main()
