# Shared helpers of the side-by-side scripts (sourced, not run).

# Prints the path of a JDK 25 java: $JAVA25_HOME, $JAVA_HOME if it is a 25, else /usr/lib/jvm/*25*.
find_java25() {
    local c
    for c in "${JAVA25_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*25*; do
        if [[ -n "$c" && -x "$c/bin/java" ]] && grep -q '^JAVA_VERSION="25' "$c/release" 2>/dev/null; then
            echo "$c/bin/java"
            return 0
        fi
    done
    echo "no JDK 25 found (JAVA25_HOME='${JAVA25_HOME:-}', JAVA_HOME='${JAVA_HOME:-}', nothing in /usr/lib/jvm/*25*)." >&2
    echo "Install a JDK 25 (e.g. apt-get install temurin-25-jdk) or export JAVA25_HOME." >&2
    return 1
}

# Builds benchmarks/target/benchmarks.jar when it is missing or older than any main source.
ensure_benchmarks_jar() {
    local root=$1 jar=$1/benchmarks/target/benchmarks.jar
    if [[ ! -f "$jar" ]] || [[ -n "$(find "$root"/*/src/main -newer "$jar" -type f | head -1)" ]]; then
        echo "building benchmarks.jar ..." >&2
        (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests) >&2
    fi
}

# Checks that the Python interpreter has the given modules.
require_python_modules() {
    local py=$1; shift
    local m
    for m in "$@"; do
        if ! "$py" -c "import $m" 2>/dev/null; then
            echo "$py cannot import $m: apt-get install python3-torch python3-numpy libopenblas0 (Debian)." >&2
            return 1
        fi
    done
}

# Fails unless OpenBLAS is installed. Debian's python3-numpy and python3-torch only recommend
# libopenblas0; without it they silently run on the reference BLAS, 25-30x slower, and every ratio
# against them is meaningless.
require_openblas() {
    # Not `grep -q`: it exits at the first match, ldconfig then dies of SIGPIPE, and under pipefail the
    # check failed at random even with OpenBLAS installed.
    if ! ldconfig -p 2>/dev/null | grep 'libopenblas' > /dev/null; then
        echo "numpy/torch would run on the reference BLAS: install OpenBLAS first (apt-get install libopenblas0)." >&2
        return 1
    fi
}

# Environment for the PyTorch processes: glibc malloc keeps the blocks PyTorch frees instead of returning
# them to the kernel. With glibc's defaults a block over the (dynamic) mmap threshold is unmapped when
# freed, and the heap's top is trimmed past 2x that threshold, so in some processes every call's fresh
# tensors fault their pages in again: PyTorch's stride-2 32->32 28x28 input gradient then took 11-13 ms
# on 1 thread instead of 3.6-4.4 (3,300 more minor page faults per call; which mode a process got
# depended on its allocation history, so PyTorch's times were bimodal from run to run). The peer should
# run at its best: these pin the fast mode (mmap only above 32 MB, the most glibc allows; trim only
# past 1 GB), as jemalloc or tcmalloc would, which PyTorch's CPU tuning guide recommends.
TORCH_MALLOC_ENV=(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824)
