#!/usr/bin/env bash
# Does running reports slow the stamping line? (issue 6's goal: < 5 % of stampd's durable
# confirms/s under stamp-scan load.) Starts stampd (synced) on a fresh data directory, sets up
# BOXES boxes, then runs stamp-scan at 64x16 three times — alone, with stamp-report
# stamp-accounting running in a loop beside it (default SCHED_IDLE priority), alone again — and
# prints the middle run's rate as a ratio of the mean of the two around it (A-B-A: drift cancels).
# Usage: bench/report_impact.sh [BUILD_DIR] [BOXES] [SECONDS]   (defaults: build 4000000 4)
# REPORT_PRIORITY=normal runs the reports at normal priority instead. BOXES must outlast three
# runs, and setup + runs should stay under the 10M records that trigger a snapshot.
set -euo pipefail
build=${1:-build}
boxes=${2:-4000000}
seconds=${3:-4}
bin=$(cd "$build/bin" && pwd)
work=$(mktemp -d)
port=$((20000 + RANDOM % 12000))  # below the ephemeral ports (32768 on)
token=impact-admin-$RANDOM$RANDOM
cleanup() { kill "$stampd_pid" "${loop_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$bin/stampd" --data "$work/data" --listen "127.0.0.1:$port" --admin-token "$token" \
  --log-level warn 2>"$work/stampd.log" &
stampd_pid=$!
export STAMPD_SERVER=127.0.0.1:$port
for _ in $(seq 100); do
  "$bin/stampctl" --token "$token" -q whoami >/dev/null 2>&1 && break
  sleep 0.1  # polling for the port, bounded: 10 s
done
"$bin/stamp-scan" --token "$token" --setup --boxes "$boxes" --stamper-token-out "$work/stamper" --json \
  >/dev/null
stamper=$(cat "$work/stamper")

load() {
  STAMPD_TOKEN=$stamper "$bin/stamp-scan" --json --stations 64 --depth 16 --duration "$seconds" |
    sed -n 's/.*"confirms_per_s":\([0-9.]*\).*/\1/p'
}
reports=0
report_loop() {
  local n=0
  while :; do
    "$bin/stamp-report" stamp-accounting --data "$work/data" --format csv --out /dev/null -q \
      ${REPORT_PRIORITY:+--normal-priority}
    n=$((n + 1))
    echo "$n" >"$work/reports"
  done
}

alone_1=$(load)
report_loop &
loop_pid=$!
with_reports=$(load)
kill "$loop_pid" 2>/dev/null || true
wait "$loop_pid" 2>/dev/null || true
loop_pid=
reports=$(cat "$work/reports" 2>/dev/null || echo 0)
alone_2=$(load)
awk -v a="$alone_1" -v b="$with_reports" -v c="$alone_2" -v n="$reports" -v s="$seconds" 'BEGIN {
  base = (a + c) / 2
  printf "stamp-scan 64x16, %s s each: alone %.0f/s, with reports %.0f/s (%d reports), alone %.0f/s\n", s, a, b, n, c
  printf "with reports / alone = %.3f (%.1f %% change)\n", b / base, (b / base - 1) * 100
}'
