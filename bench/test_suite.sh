#!/usr/bin/env bash
# The whole test suite timed as CI runs it (`make test`, i.e. ruff + lint-imports + pytest),
# RUNS times (default 3): wall, user and sys CPU seconds of each run (GNU time; the CPU of
# every test process, not the PostgreSQL server's), the load average before and after it,
# and min / median / max of wall and CPU at the end.
#
#   OMS_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test bench/test_suite.sh 3
#   bench/test_suite.sh 1 /path/to/another/checkout     # the same figure for another checkout
#
# Each run's output goes to /tmp/oms-test-suite.<run>.log; a failed run is reported, not hidden.
# The machine is shared: quote the load averages with the figures.
set -euo pipefail
RUNS="${1:-3}"
CHECKOUT="$(cd "${2:-$(dirname "$0")/..}" && pwd)"
cd "$CHECKOUT"
echo "checkout $CHECKOUT ($(git rev-parse --short HEAD)), $(nproc) CPUs," \
  "OMS_TEST_POSTGRES_URL=${OMS_TEST_POSTGRES_URL:-<not set: PostgreSQL tests skipped>}"
make setup >/dev/null 2>&1 || make setup

walls=() cpus=()
for run in $(seq 1 "$RUNS"); do
  log="/tmp/oms-test-suite.$run.log"
  before="$(cut -d' ' -f1-3 /proc/loadavg)"
  status=0
  /usr/bin/time -f '%e %U %S' -o /tmp/oms-test-suite.time make test >"$log" 2>&1 || status=$?
  after="$(cut -d' ' -f1-3 /proc/loadavg)"
  # (the last line: GNU time puts "Command exited with non-zero status N" before it)
  read -r wall user sys < <(tail -n 1 /tmp/oms-test-suite.time)
  cpu="$(echo "$user + $sys" | bc)"
  walls+=("$wall") cpus+=("$cpu")
  echo "run $run: exit $status, wall ${wall} s, cpu ${cpu} s (user $user, sys $sys)," \
    "load before $before, after $after; $(tail -n 1 "$log")"
done

stats() {  # min median max of the arguments
  printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "min %s, median %s, max %s", v[1], m, v[NR]}'
}
echo "wall s: $(stats "${walls[@]}") over $RUNS run(s)"
echo "cpu s:  $(stats "${cpus[@]}") over $RUNS run(s)"
