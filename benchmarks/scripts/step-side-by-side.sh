#!/usr/bin/env bash
# A full DDPM U-Net training step and a sampler's no-grad network evaluation, Sfumato next to PyTorch 1.13
# (issue 6), on the default network (28x28x1, base 32, (1, 2, 2), 1,539,329 parameters). Runs alternate
# (Sfumato, PyTorch, Sfumato, PyTorch, ...), each in a fresh process, so both see the same machine load; each
# round runs every mode at every thread count, so the thread counts alternate too. Prints a Markdown table:
# median and best ms per step over all timed steps of all rounds, the Sfumato/PyTorch ratio of the medians
# (below 1.0 means Sfumato is faster), images/s, Sfumato's heap allocation per step, and each side's peak RSS
# (the largest over the rounds). Then the speed-up from the first thread count to the others, per side and
# mode: the ratio of the pooled medians, of the fastest steps (those the host disturbed least), and each round's
# (its runs were minutes apart at most).
#
# Then, with --paired N (default 15, 0 to skip) and train among the modes, one more Sfumato process runs the
# training step at the thread counts in turn, step by step (StepRunner --threads 1,2: the steps of a pair run
# back to back, so the host's drift moves both alike), and its scaling line gives the median over the N pairs
# of the 1-thread time over the 2-thread time. The host's noise is the main error of a 1 -> 2 thread figure
# here: the 2-thread steps of one process spread by 15-25%.
#
# What a step is: dev.sfumato.benchmarks.diffusion.StepCase (Trainer.step() of the default recipe: data,
# q_sample, forward, MSE on eps, backward, clip at norm 1, Adam lr 2e-4, EMA) and its mirror in
# benchmarks/scripts/ddpm_step_torch.py.
#
# Each round also runs dev.sfumato.benchmarks.HostProbe (a few seconds): how much a second thread adds to
# register-only FMAs, to sums over a per-thread array in L2 and to one in L3, on this host in the same minutes
# (../shared/MEASURING.md: normalise by a peak probe in the same rotation). The summary prints its figures next
# to the step's speed-up; they explain a low 2-thread figure, they do not change it.
#
# With --djl, a third side joins each rotation: PyTorch 2.7 (libtorch, oneDNN) called from Java through DJL
# (dev.sfumato.benchmarks.diffusion.DjlStepRunner, built by the Maven profile djl), running the same step
# exported as TorchScript by benchmarks/scripts/ddpm_step_torchscript.py, and the table gains its columns.
# Its first run unpacks libtorch (about 450 MB) into ~/.djl.ai; nothing is downloaded.
#
# Usage: benchmarks/scripts/step-side-by-side.sh [--batch 64] [--rounds 3] [--warmup 60] [--steps 5]
#                                                [--threads "1 2"] [--modes "train sample"] [--djl]
#                                                [--paired 15]
# --warmup is the untimed steps each side runs first in each process (both sides the same). Sixty, because the
# JVM's JIT compiler keeps compiling for about that many training steps (methods that run a few times per step,
# the autograd engine's loop among them, reach the optimising compiler late): on 2 threads the compiler thread
# takes CPU from the step, on 1 thread it runs on the idle core. Compiler time per 5 s of a 2-thread run
# (JFR's jdk.Compilation): 150-400 ms up to about 40 s in, 30-140 ms after; over the timed steps, 5.8% of one
# core after 20 warm-up steps and 1.9% after 60 (BENCHMARKS.md). The step's median was 650-672 ms after 3
# warm-up steps and 593-599 after 25 (session 15).
# Environment: PYTHON (default /usr/bin/python3), SFUMATO_JAVA_OPTS (extra JVM flags, as for the launcher).
#
# Time and allocation per step under JMH (gc.alloc.rate.norm is bytes per step):
#   mvn -B -q -pl benchmarks -am package exec:exec -DskipTests -Djmh.args="StepBenchmark -prof gc"
# or, one case:  ... -Djmh.args="StepBenchmark.trainStep -p batch=64 -p threads=2 -prof gc"
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/benchmarks/scripts/lib.sh"

BATCH=64
ROUNDS=3
WARMUP=60
STEPS=5
THREADS="1 2"
MODES="train sample"
DJL=0
PAIRED=15
PYTHON=${PYTHON:-/usr/bin/python3}
while [[ $# -gt 0 ]]; do
    case "$1" in
        --batch) BATCH=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --steps) STEPS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --modes) MODES=$2; shift 2 ;;
        --djl) DJL=1; shift ;;
        --paired) PAIRED=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

java=$(find_java25)
require_python_modules "$PYTHON" torch
require_openblas
ensure_benchmarks_jar "$root"
jar="$root/benchmarks/target/benchmarks.jar"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if [ "$DJL" = 1 ]; then
    # not `grep -q` under pipefail (see require_openblas in lib.sh)
    if [[ ! -f "$root/benchmarks/target/djl-classpath.txt" ]] \
            || [[ -n "$(find "$root/benchmarks/src/djl" -newer "$jar" -type f | head -1)" ]] \
            || ! "$(dirname "$java")/jar" tf "$jar" | grep DjlStepRunner > /dev/null; then
        echo "building benchmarks.jar with the djl profile ..." >&2
        (cd "$root" && mvn -B -q -pl benchmarks -am -P djl package -DskipTests) >&2
    fi
    djl_cp="$jar:$(cat "$root/benchmarks/target/djl-classpath.txt")"
    echo "exporting the TorchScript step for DJL ..." >&2
    "$PYTHON" "$root/benchmarks/scripts/ddpm_step_torchscript.py" --out "$out/models" --batch "$BATCH" \
        > /dev/null 2> "$out/log" || { cat "$out/log" >&2; exit 1; }
fi

# Runs one side once; appends its result lines, tagged with the round, to all.txt, or prints its log and stops.
round=0
run() {
    local name=$1; shift
    if ! "$@" > "$out/line" 2> "$out/log"; then
        echo "$name failed:" >&2
        cat "$out/log" >&2
        exit 1
    fi
    grep -E '^(sfumato|torch|djl|scaling|host) ' "$out/line" | sed "s/\$/ round=$round/" >> "$out/all.txt"
}

echo "java: $java; python: $PYTHON (torch $("$PYTHON" -c 'import torch; print(torch.__version__)'));" \
     "batch=$BATCH rounds=$ROUNDS warmup=$WARMUP steps=$STEPS" >&2
# Another busy process skews both sides, PyTorch's spinning OpenMP threads on 2 threads most of all.
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
echo "load average (1 min) before the runs: $load" >&2
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
    echo "warning: the machine is busy; ratios measured now, the 2-thread ones especially, are not meaningful" >&2
fi
# The launcher's heap for `sfumato train` of this network at this batch (its heap_for_train); sampling, like
# `sfumato sample`, gets the JVM's default cap.
eval "$(sed -n '/^heap_for_train()/,/^}/p' "$root/sfumato")"
train_heap="-Xmx$(heap_for_train --batch "$BATCH")m"
# The launcher's collector: G1, with 2 MB regions for training (its pooled activations are then humongous
# objects, never copied) and 32 MB ones for sampling.
train_gc="-XX:+UseG1GC -XX:G1HeapRegionSize=2m"
sample_gc="-XX:+UseG1GC -XX:G1HeapRegionSize=32m"
case "${SFUMATO_JAVA_OPTS:-}" in
  *-XX:+Use*GC*) train_gc=""; sample_gc=""; train_heap="" ;;  # as in the launcher: the user's collector and heap win
esac
for round in $(seq "$ROUNDS"); do
    echo "round $round/$ROUNDS: host probe ..." >&2
    run HostProbe "$java" --add-modules=jdk.incubator.vector -cp "$jar" dev.sfumato.benchmarks.HostProbe
    for mode in $MODES; do
        heap=""
        gc=$sample_gc
        if [ "$mode" = train ]; then heap=$train_heap; gc=$train_gc; fi
        for t in $THREADS; do
            r=$round
            echo "threads=$t $mode round $r/$ROUNDS: Sfumato ..." >&2
            # The launcher's flags (sfumato script), so a step runs as in 'sfumato train' or 'sfumato sample'.
            # shellcheck disable=SC2086
            run Sfumato "$java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss8m \
                $gc $heap ${SFUMATO_JAVA_OPTS:-} -cp "$jar" \
                dev.sfumato.benchmarks.diffusion.StepRunner \
                --mode "$mode" --batch "$BATCH" --threads "$t" --warmup "$WARMUP" --steps "$STEPS"
            echo "threads=$t $mode round $r/$ROUNDS: PyTorch ..." >&2
            run PyTorch env "${TORCH_MALLOC_ENV[@]}" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS="$t" "$PYTHON" \
                "$root/benchmarks/scripts/ddpm_step_torch.py" \
                --mode "$mode" --batch "$BATCH" --threads "$t" --warmup "$WARMUP" --steps "$STEPS"
            if [ "$DJL" = 1 ]; then
                echo "threads=$t $mode round $r/$ROUNDS: PyTorch 2 through DJL ..." >&2
                run DJL env OMP_NUM_THREADS="$t" "$java" --enable-native-access=ALL-UNNAMED -cp "$djl_cp" \
                    dev.sfumato.benchmarks.diffusion.DjlStepRunner --models "$out/models" \
                    --mode "$mode" --batch "$BATCH" --threads "$t" --warmup "$WARMUP" --steps "$STEPS"
            fi
        done
    done
done
read -ra counts <<< "$THREADS"
if [ "$PAIRED" -gt 0 ] && [ "${#counts[@]}" -gt 1 ] && [[ " $MODES " == *" train "* ]]; then
    round=paired
    echo "training, threads $(IFS=,; echo "${counts[*]}") in turn, $PAIRED pairs: Sfumato ..." >&2
    # shellcheck disable=SC2086
    run Sfumato "$java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss8m \
        $train_gc $train_heap ${SFUMATO_JAVA_OPTS:-} -cp "$jar" \
        dev.sfumato.benchmarks.diffusion.StepRunner \
        --mode train --batch "$BATCH" --threads "$(IFS=,; echo "${counts[*]}")" --warmup "$WARMUP" --steps "$PAIRED"
fi

"$PYTHON" - "$out/all.txt" <<'PY'
import statistics, sys
runs = {}
scaling = []
host = []
for line in open(sys.argv[1]):
    impl, *pairs = line.split()
    kv = dict(p.split("=", 1) for p in pairs)
    if impl == "scaling":
        scaling.append(kv)
    elif impl == "host":
        host.append(kv)
    elif kv["round"] != "paired":           # the paired process's own lines are summed up by its scaling line
        runs.setdefault((impl, kv["mode"], int(kv["threads"]), int(kv["batch"])), []).append(kv)

def pooled(impl, key):
    rs = runs.get((impl,) + key, [])
    ms = [float(v) for r in rs for v in r["ms_all"].split(",")]
    rss = max(float(r["peak_rss_mb"]) for r in rs) if rs else float("nan")
    return ms, rss, rs

djl = any(k[0] == "djl" for k in runs)
print("| mode | threads | batch | Sfumato ms median / best | PyTorch ms median / best | ratio S/P (median)"
      " | Sfumato img/s | PyTorch img/s | Sfumato alloc MB/step | Sfumato peak RSS MB | PyTorch peak RSS MB |"
      + (" DJL (PyTorch 2) ms median / best | ratio S/DJL | DJL peak RSS MB |" if djl else ""))
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|---:|" if djl else ""))
for key in sorted({k[1:] for k in runs}, key=lambda k: (k[1], k[0] != "train", k[2])):
    mode, threads, batch = key
    s, s_rss, s_runs = pooled("sfumato", key)
    o, o_rss, _ = pooled("torch", key)
    if not s or not o:
        continue
    sm, om = statistics.median(s), statistics.median(o)
    alloc = statistics.median(float(r["alloc_mb_per_step"]) for r in s_runs)
    row = (f"| {mode} | {threads} | {batch} | {sm:.1f} / {min(s):.1f} | {om:.1f} / {min(o):.1f} | {sm / om:.2f}"
           f" | {batch * 1000 / sm:.1f} | {batch * 1000 / om:.1f} | {alloc:.0f} | {s_rss:.0f} | {o_rss:.0f} |")
    if djl:
        d, d_rss, _ = pooled("djl", key)
        dm = statistics.median(d) if d else float("nan")
        row += f" {dm:.1f} / {min(d, default=float('nan')):.1f} | {sm / dm:.2f} | {d_rss:.0f} |"
    print(row)

# Speed-up from the first thread count to each other one: pooled medians, and round by round.
names = {"sfumato": "Sfumato", "torch": "PyTorch 1.13", "djl": "PyTorch 2 (DJL)"}
counts = sorted({k[2] for k in runs})
lines = []
for impl in ("sfumato", "torch", "djl"):
    for mode, batch in sorted({(k[1], k[3]) for k in runs if k[0] == impl}, key=lambda m: m[0] != "train"):
        base = runs.get((impl, mode, counts[0], batch), [])
        for t in counts[1:]:
            other = runs.get((impl, mode, t, batch), [])
            if not base or not other:
                continue
            med = lambda rs: statistics.median(float(v) for r in rs for v in r["ms_all"].split(","))
            best = lambda rs: min(float(v) for r in rs for v in r["ms_all"].split(","))
            by_round = {r["round"]: float(r["ms_per_step"]) for r in other}
            rounds = [float(r["ms_per_step"]) / by_round[r["round"]] for r in base if r["round"] in by_round]
            lines.append(f"| {names[impl]} | {mode} | {counts[0]} -> {t} | {med(base) / med(other):.2f} | "
                         f"{best(base) / best(other):.2f} | " + ", ".join(f"{x:.2f}" for x in rounds) + " |")
if lines:
    print()
    print("| side | mode | threads | speed-up (pooled medians) | speed-up (fastest steps) | speed-up, round by round |")
    print("|---|---|---|---:|---:|---|")
    print("\n".join(lines))
if host:
    probe = lambda k: (f"{statistics.median(float(h[k + '_scaling']) for h in host):.2f}x (rounds "
                       + ", ".join(f"{float(h[k + '_scaling']):.2f}" for h in host) + ")")
    print(f"\nHost probe, 1 -> 2 threads, once per round: register FMAs {probe('fma')}, a sum over 512 KB per thread"
          f" (L2) {probe('l2')}, over 4 MB per thread (L3) {probe('l3')}; one thread's FMA peak"
          f" {statistics.median(float(h['fma_gflops_1t']) for h in host):.0f} GFLOP/s")
for kv in scaling:
    ratios = [float(x) for x in kv["ratios"].split(",")]
    q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
    print(f"\nSfumato {kv['mode']}, threads {kv['threads']} in turn, step by step: speed-up {kv['paired_median']}"
          f" (median of {kv['pairs']} pairs; quartiles {q[0]:.2f}-{q[2]:.2f}; ratio of the medians"
          f" {kv['of_medians']}, of the fastest steps {kv['of_bests']})")
PY
