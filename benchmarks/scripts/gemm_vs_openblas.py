#!/usr/bin/python3
"""Times OpenBLAS SGEMM through numpy on the shapes of GemmRunner, printing the same TSV.

Run it with Debian's /usr/bin/python3 (numpy linked to libopenblas) and set OPENBLAS_NUM_THREADS to the
thread count, as scripts/gemm-side-by-side.sh does. Shapes: "N" is square, "MxKxN" is op(A) MxK times
op(B) KxN, a " TN" or " NT" suffix transposes A (stored KxM) or B (stored NxK); numpy hands the
transposed views to sgemm as transpose flags, without copies.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

DEFAULT_SHAPES = ["128", "256", "512", "1024", "2048",
                  "64x576x25088", "128x1152x6272", "64x288x50176",
                  "576x64x25088 TN", "64x25088x576 NT"]


def parse(shape):
    parts = shape.split()
    dims = [int(d) for d in parts[0].split("x")]
    m, k, n = dims * 3 if len(dims) == 1 else dims
    trans = parts[1] if len(parts) == 2 else "NN"
    return m, k, n, trans[0] == "T", trans[1] == "T"


def operands(shape):
    m, k, n, trans_a, trans_b = parse(shape)
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (k, m) if trans_a else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if trans_b else (k, n)).astype(np.float32)
    c = np.empty((m, n), dtype=np.float32)
    return (a.T if trans_a else a), (b.T if trans_b else b), c, 2.0 * m * n * k


def run(shape, reps):
    a, b, c, flops = operands(shape)
    start = time.perf_counter()
    calls = 0
    while calls < 5 or time.perf_counter() - start < 1.0:
        np.matmul(a, b, out=c)
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    inner = max(1, int(-(-0.05 // per_call)))
    samples, cpu_samples = [], []
    for _ in range(reps):
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        for _ in range(inner):
            np.matmul(a, b, out=c)
        samples.append(flops * inner / (time.perf_counter() - t0) / 1e9)
        cpu_samples.append(flops * inner / (time.process_time() - cpu0) / 1e9)
    return samples, cpu_samples


def blas_library():
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.lower()}
    return ",".join(sorted(os.path.basename(x) for x in libs)) or "unknown"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--threads", type=int, default=int(os.environ.get("OPENBLAS_NUM_THREADS", "0") or 0),
                   help="only reported; set OPENBLAS_NUM_THREADS to choose")
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--shapes", default=",".join(DEFAULT_SHAPES))
    args = p.parse_args()
    shapes = [s.strip() for s in args.shapes.split(",")]
    np.matmul(np.ones((64, 64), np.float32), np.ones((64, 64), np.float32))
    lib = blas_library()
    if "openblas" not in lib:
        print(f"warning: numpy is not using OpenBLAS ({lib}); install libopenblas0", file=sys.stderr)
    print("shape\tthreads\tmedian_gflops\tbest_gflops\tsamples\tcpu_samples")
    for shape in shapes:
        samples, cpu_samples = run(shape, args.reps)
        print(f"{shape}\t{args.threads}\t{statistics.median(samples):.2f}\t{max(samples):.2f}\t"
              + ",".join(f"{g:.2f}" for g in samples) + "\t" + ",".join(f"{g:.2f}" for g in cpu_samples),
              flush=True)


if __name__ == "__main__":
    main()
