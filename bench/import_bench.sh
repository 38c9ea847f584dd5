#!/usr/bin/env bash
# stampctl import-shipment end to end against a real stampd, synced as always (issue 19 asks
# >= 100,000 boxes a second). Starts stampd on a fresh data directory, makes a consignee, a
# product and a supervisor, writes ROUNDS manifests of BOXES rows each (distinct barcodes), then
# per round: creates a shipment and times `stampctl import-shipment FILE --shipment SH --start`
# from the process's start to its exit (the file read and checked, every barcode looked up in
# stampd, every batch durable). Then it times the last file once more: the retry that finds every
# box received and sends nothing. Prints each round's boxes/s and the median.
# Usage: bench/import_bench.sh [BUILD_DIR] [BOXES] [ROUNDS]   (defaults: build 1000000 3)
set -euo pipefail
build=${1:-build}
boxes=${2:-1000000}
rounds=${3:-3}
bin=$(cd "$build/bin" && pwd)
# The data directory on the build's disk (not a tmpfs, where a sync costs nothing).
work=$(mktemp -d -p "$(cd "$build" && pwd)" import-bench.XXXXXX)
port=$((20000 + RANDOM % 12000))  # below the ephemeral ports (32768 on)
token=import-admin-$RANDOM$RANDOM
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
echo "$token" >"$work/admin.token"
echo "import-supervisor-$RANDOM$RANDOM" >"$work/supervisor.token"
chmod 600 "$work/admin.token" "$work/supervisor.token"

STAMPD_ADMIN_TOKEN=$token "$bin/stampd" --data "$work/data" --listen "127.0.0.1:$port" \
  --log-level warn 2>"$work/stampd.log" &
pids+=($!)
ctl() { "$bin/stampctl" --server "127.0.0.1:$port" "$@"; }
for _ in $(seq 100); do
  ctl --token-file "$work/admin.token" -q whoami >/dev/null 2>&1 && break
  sleep 0.1  # polling for the port, bounded: 10 s
done
ctl --token-file "$work/admin.token" -q create-user --key sup --roles supervisor \
  --user-token-file "$work/supervisor.token" >/dev/null
ctl --token-file "$work/admin.token" -q create-consignee --key ACME --name Acme >/dev/null
ctl --token-file "$work/admin.token" -q create-product --sku V15 --consignee ACME --name Mint \
  --volume-ul 15000 >/dev/null

for r in $(seq "$rounds"); do
  awk -v n="$boxes" -v r="$r" 'BEGIN {
    print "barcode,sku,units,damaged"
    for (i = 1; i <= n; i++) printf "R%d-BX-%09d,V15,24,%d\n", r, i, (i % 50 == 0)
  }' >"$work/asn-$r.csv"
done

now() { date +%s.%N; }
rates=()
for r in $(seq "$rounds"); do
  ctl --token-file "$work/supervisor.token" -q create-shipment --key "SH-$r" --consignee ACME \
    >/dev/null
  start=$(now)
  ctl --token-file "$work/supervisor.token" import-shipment "$work/asn-$r.csv" \
    --shipment "SH-$r" --start --finish >"$work/import-$r.out"
  end=$(now)
  rate=$(awk -v n="$boxes" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }')
  rates+=("$rate")
  printf 'round %d: %d boxes in %.2f s: %s boxes/s (%s)\n' "$r" "$boxes" \
    "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$rate" "$(cat "$work/import-$r.out")"
done
start=$(now)
ctl --token-file "$work/supervisor.token" import-shipment "$work/asn-$rounds.csv" \
  --shipment "SH-$rounds" >"$work/retry.out"
end=$(now)
printf 'retry of round %d (nothing to send): %.2f s (%s)\n' "$rounds" \
  "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$(cat "$work/retry.out")"
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "median: $median boxes/s over $rounds rounds of $boxes boxes (stampd synced)"
