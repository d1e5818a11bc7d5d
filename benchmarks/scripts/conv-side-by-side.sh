#!/usr/bin/env bash
# Sfumato Conv2d/ConvTranspose2d next to PyTorch 1.13 on the U-Net shapes, batch 64, run alternately
# (A B A B ...) so that both see the same machine load. Prints a Markdown table of median and best
# milliseconds and the Sfumato/PyTorch time ratio (below 1.0 means Sfumato is faster).
#
# Usage: benchmarks/scripts/conv-side-by-side.sh
# Environment: ROUNDS (default 3), REPS per round (default 5), THREADS (default "1 2"),
#              SHAPES (comma-separated, default: ConvShape.DEFAULT), PYTHON (default /usr/bin/python3).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/benchmarks/scripts/lib.sh"

ROUNDS=${ROUNDS:-3}
REPS=${REPS:-5}
THREADS=${THREADS:-"1 2"}
PYTHON=${PYTHON:-/usr/bin/python3}
SHAPES=${SHAPES:-"c3x3_1-32_28,c3x3_32-32_28,c3x3_32-64_28,c3x3_64-64_28,c3x3_64-128_28,c3x3_1-32_14,c3x3_32-32_14,c3x3_32-64_14,c3x3_64-64_14,c3x3_64-128_14,c3x3_128-128_7,c3x3s2_32-32_28,c3x3s2_64-64_14,t4x4s2_64-64_7"}

java=$(find_java25)
require_python_modules "$PYTHON" torch
require_openblas
ensure_benchmarks_jar "$root"
jar="$root/benchmarks/target/benchmarks.jar"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "java: $java; python: $PYTHON (torch $("$PYTHON" -c 'import torch; print(torch.__version__)')); rounds=$ROUNDS reps=$REPS" >&2
for t in $THREADS; do
    for r in $(seq "$ROUNDS"); do
        echo "threads=$t round $r/$ROUNDS: Sfumato ..." >&2
        "$java" --add-modules=jdk.incubator.vector -Xmx8g -cp "$jar" dev.sfumato.benchmarks.nn.ConvRunner \
            --threads "$t" --reps "$REPS" --shapes "$SHAPES" 2>/dev/null | tail -n +2 | sed 's/^/sfumato\t/' >> "$out/all.tsv"
        echo "threads=$t round $r/$ROUNDS: PyTorch ..." >&2
        env "${TORCH_MALLOC_ENV[@]}" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=$t "$PYTHON" "$root/benchmarks/scripts/conv_vs_torch.py" \
            --threads "$t" --reps "$REPS" --shapes "$SHAPES" | tail -n +2 | sed 's/^/torch\t/' >> "$out/all.tsv"
    done
done

"$PYTHON" - "$out/all.tsv" "$SHAPES" "$THREADS" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
shapes = [s.strip() for s in sys.argv[2].split(",")]
threads = sys.argv[3].split()
samples = {}
for impl, shape, t, op, _m, _b, values in rows:
    samples.setdefault((impl, shape, t, op), []).extend(float(v) for v in values.split(","))
print("| shape | threads | op | Sfumato ms median / best | PyTorch ms median / best | ratio (median) |")
print("|---|---:|---|---:|---:|---:|")
for t in threads:
    for shape in shapes:
        for op in ("fwd", "fwdbwd"):
            s = samples.get(("sfumato", shape, t, op), [])
            o = samples.get(("torch", shape, t, op), [])
            if not s or not o:
                continue
            sm, om = statistics.median(s), statistics.median(o)
            print(f"| {shape} | {t} | {op} | {sm:.1f} / {min(s):.1f} | {om:.1f} / {min(o):.1f} | {sm / om:.2f} |")
PY
