#!/usr/bin/env bash
# Sfumato SGEMM next to OpenBLAS (through numpy) on the same shapes, run alternately (A B A B ...) so that
# both see the same machine load. Prints a Markdown table: shape, threads, GFLOP/s median/best of each,
# and the ratios Sfumato / OpenBLAS of the medians and of the bests. The last column compares GFLOP per
# CPU-second of each process instead of per wall-second: on a host loaded by other jobs it shows the
# kernels' own speed. On 2 threads it favours neither cleanly (OpenBLAS threads spin while waiting, which
# counts as CPU time; Sfumato's park), so read it mainly for 1 thread.
#
# Usage: benchmarks/scripts/gemm-side-by-side.sh
# Environment: ROUNDS (default 3), REPS per round (default 10), THREADS (default "1 2"),
#              SHAPES (comma-separated, default: all shapes of GemmShape), PYTHON (default /usr/bin/python3).
set -euo pipefail

ROUNDS=${ROUNDS:-3}
REPS=${REPS:-10}
THREADS=${THREADS:-"1 2"}
SHAPES=${SHAPES:-"128,256,512,1024,2048,64x576x25088,128x1152x6272,64x288x50176,576x64x25088 TN,64x25088x576 NT"}
PYTHON=${PYTHON:-/usr/bin/python3}
if ! [[ "$ROUNDS" =~ ^[1-9][0-9]*$ && "$REPS" =~ ^[1-9][0-9]*$ ]]; then
    echo "gemm-side-by-side.sh: ROUNDS and REPS must be positive integers (got '$ROUNDS', '$REPS')" >&2
    exit 1
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
jar="$root/benchmarks/target/benchmarks.jar"

source "$root/benchmarks/scripts/lib.sh"
java=$(find_java25)
require_python_modules "$PYTHON" numpy
require_openblas
ensure_benchmarks_jar "$root"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "java: $java ($("$java" -version 2>&1 | head -1)); python: $PYTHON; rounds=$ROUNDS reps=$REPS" >&2
for t in $THREADS; do
    for r in $(seq "$ROUNDS"); do
        echo "threads=$t round $r/$ROUNDS: Sfumato ..." >&2
        "$java" --add-modules=jdk.incubator.vector -cp "$jar" dev.sfumato.benchmarks.tensor.GemmRunner \
            --threads "$t" --reps "$REPS" --shapes "$SHAPES" 2>/dev/null | tail -n +2 | sed 's/^/sfumato\t/' >> "$out/all.tsv"
        echo "threads=$t round $r/$ROUNDS: OpenBLAS ..." >&2
        OPENBLAS_NUM_THREADS=$t "$PYTHON" "$root/benchmarks/scripts/gemm_vs_openblas.py" \
            --threads "$t" --reps "$REPS" --shapes "$SHAPES" | tail -n +2 | sed 's/^/openblas\t/' >> "$out/all.tsv"
    done
done

# Median and best over all samples of all rounds.
"$PYTHON" - "$out/all.tsv" "$SHAPES" "$THREADS" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
shapes = [s.strip() for s in sys.argv[2].split(",")]
threads = sys.argv[3].split()
samples, cpu = {}, {}
for impl, shape, t, _median, _best, values, cpu_values in rows:
    samples.setdefault((impl, shape, t), []).extend(float(v) for v in values.split(","))
    cpu.setdefault((impl, shape, t), []).extend(float(v) for v in cpu_values.split(","))
print("| shape | threads | Sfumato GFLOP/s median / best | OpenBLAS GFLOP/s median / best | ratio (median) | ratio (best) | ratio per CPU-second (median) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for t in threads:
    for shape in shapes:
        s = samples.get(("sfumato", shape, t), [])
        o = samples.get(("openblas", shape, t), [])
        if not s or not o:
            continue
        sm, sb, om, ob = statistics.median(s), max(s), statistics.median(o), max(o)
        cs, co = statistics.median(cpu[("sfumato", shape, t)]), statistics.median(cpu[("openblas", shape, t)])
        print(f"| {shape} | {t} | {sm:.1f} / {sb:.1f} | {om:.1f} / {ob:.1f} | {sm / om:.2f} | {sb / ob:.2f} | {cs / co:.2f} |")
PY
