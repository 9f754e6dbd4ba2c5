#!/usr/bin/env bash
# CPU seconds of some tests, RUNS times: the figure for one change of the test suite, the
# tests it touches measured in one process (`-n 0`) before and after, as the machine is
# shared (wall clock says more about the neighbours). Prints each run's wall, user and sys
# CPU seconds (GNU time: the test process and every child process it or its forkserver
# waited for; not the PostgreSQL server's) with the load average before and after it,
# then min / median / max of CPU.
#
#   bench/test_cpu.sh 3 . tests/services/test_numbering.py
#   bench/test_cpu.sh 3 /tmp/before tests/services/test_numbering.py   # another checkout
set -euo pipefail
RUNS="$1" CHECKOUT="$(cd "$2" && pwd)"
shift 2
PYTHON="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/python"
cd "$CHECKOUT"
echo "checkout $CHECKOUT, tests: $*," \
  "OMS_TEST_POSTGRES_URL=${OMS_TEST_POSTGRES_URL:-<not set: PostgreSQL tests skipped>}"
cpus=()
for run in $(seq 1 "$RUNS"); do
  before="$(cut -d' ' -f1-3 /proc/loadavg)"
  status=0
  /usr/bin/time -f '%e %U %S' -o "/tmp/oms-test-cpu.$$.time" \
    env PYTHONPATH="$CHECKOUT" "$PYTHON" -m pytest -q -n 0 -p no:cacheprovider "$@" \
    >"/tmp/oms-test-cpu.$$.$run.log" 2>&1 || status=$?
  after="$(cut -d' ' -f1-3 /proc/loadavg)"
  read -r wall user sys < <(tail -n 1 "/tmp/oms-test-cpu.$$.time")
  cpu="$(echo "$user + $sys" | bc)"
  cpus+=("$cpu")
  echo "run $run: exit $status, wall ${wall} s, cpu ${cpu} s (user $user, sys $sys)," \
    "load before $before, after $after; $(tail -n 1 "/tmp/oms-test-cpu.$$.$run.log")"
done
printf '%s\n' "${cpus[@]}" | sort -g | awk '{v[NR]=$1} END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "cpu s: min %s, median %s, max %s over %d run(s)\n", v[1], m, v[NR], NR}'
