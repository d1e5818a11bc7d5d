#!/usr/bin/env bash
# JMH quick mode: every benchmark starts, runs one short iteration in-process, and returns. Catches a
# benchmark that no longer compiles, throws or hangs; measures nothing. CI runs it after the tests.
#
# Usage: benchmarks/scripts/jmh-smoke.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# One fork-less iteration of at least 1 ms each, no warm-up, on 1 thread and small sizes where a
# parameter allows it; -foe makes the first failure fail the run.
mvn -B -q -pl benchmarks -am package exec:exec -DskipTests \
    -Djmh.args="-f 0 -wi 0 -i 1 -r 1ms -foe true -p threads=1 -p batch=2"
