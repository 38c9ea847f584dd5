#!/usr/bin/env bash
# Durable confirms/s and ack latency of stampd over loopback, driven by stamp-scan: a fresh data
# directory, `stamp-scan --setup`, then stations × depth at 8×1, 64×1, 64×16 and 256×16 (closed
# loop), then a steady 10,000 confirms/s (open loop). One JSON line per run on stdout, a table on
# stderr. Baselines in the same session: the raw LMDB durable append rate and fdatasync latency
# (bench/wal_bench), so the figures can be read as ratios.
#
#   bench/net_bench.sh [--boxes N] [--seconds S] [--build DIR] [--quick]
set -euo pipefail

boxes=6000000
seconds=5
build=build
while [ $# -gt 0 ]; do
  case "$1" in
    --boxes) boxes=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --quick) boxes=300000; seconds=2; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "net_bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
bin=$build/bin
for program in stampd stamp-scan; do
  [ -x "$bin/$program" ] || { echo "net_bench: build $bin/$program first" >&2; exit 2; }
done

data=$(mktemp -d /tmp/stampd-net-bench.XXXXXX)
port=$((20000 + RANDOM % 20000))
admin=bench-admin-token-$RANDOM$RANDOM
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

"$bin/stampd" --data "$data/db" --listen "127.0.0.1:$port" --admin-token "$admin" \
  --log-level warn 2>"$data/stampd.log" &
pid=$!
export STAMPD_SERVER=127.0.0.1:$port
for _ in $(seq 100); do
  # Not listening yet: the connection is refused until stampd has recovered and bound.
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  if ! kill -0 "$pid" 2>/dev/null; then cat "$data/stampd.log" >&2; exit 1; fi
  sleep 0.1
done

echo "setup: $boxes boxes" >&2
"$bin/stamp-scan" --token "$admin" --setup --boxes "$boxes" --receive-connections 4 \
  --token-file "$data/stamper" >&2
export STAMPD_TOKEN
STAMPD_TOKEN=$(cat "$data/stamper")

run() {
  local label=$1; shift
  local line
  line=$("$bin/stamp-scan" --json "$@")
  echo "{\"run\":\"$label\",\"result\":$line}"
  printf '%-22s %s\n' "$label" "$(echo "$line" | sed -E 's/.*"confirms_per_s":([0-9.]+),"p50_us":([0-9.]+),"p99_us":([0-9.]+),"p999_us":([0-9.]+).*/\1 confirms\/s  p50 \2 µs  p99 \3 µs  p99.9 \4 µs/')" >&2
}

run "8x1" --stations 8 --depth 1 --duration "$seconds"
run "64x1" --stations 64 --depth 1 --duration "$seconds"
run "64x16" --stations 64 --depth 16 --duration "$seconds"
run "256x16" --stations 256 --depth 16 --duration "$seconds"
run "64x16 at 10000/s" --stations 64 --depth 16 --duration "$((seconds * 2))" --rate 10000

if [ -x "$bin/wal_bench" ]; then
  echo "baseline (same session): raw LMDB appends and fdatasync" >&2
  "$bin/wal_bench" --quick --dir "$data/raw" >&2
fi
