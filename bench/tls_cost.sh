#!/usr/bin/env bash
# What does TLS cost the stamping line? (issue 14: measured at 64x16, as a ratio.) Starts two
# synced stampd on fresh data directories — one plain, one with TLS 1.3 (a P-256 certificate made
# here with openssl) — sets up BOXES boxes on each, then runs stamp-scan at 64x16 three times:
# plain, TLS, plain, and prints the TLS run's rate as a ratio of the mean of the two around it
# (A-B-A: drift cancels).
# Usage: bench/tls_cost.sh [BUILD_DIR] [BOXES] [SECONDS]   (defaults: build 2500000 4)
set -euo pipefail
build=${1:-build}
boxes=${2:-2500000}
seconds=${3:-4}
bin=$(cd "$build/bin" && pwd)
work=$(mktemp -d)
port_plain=$((20000 + RANDOM % 6000))  # below the ephemeral ports (32768 on)
port_tls=$((26000 + RANDOM % 6000))
token=tls-admin-$RANDOM$RANDOM
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

(
  cd "$work"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key \
    -out ca.pem -days 2 -subj /CN=bench-ca 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key \
    -out server.csr -subj /CN=127.0.0.1 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
    -days 2 -extfile san.ext 2>/dev/null
)
echo "$token" >"$work/admin.token"
chmod 600 "$work/admin.token"

start() {  # NAME PORT [TLS options...]
  local name=$1 port=$2
  shift 2
  STAMPD_ADMIN_TOKEN=$token "$bin/stampd" --data "$work/$name" --listen "127.0.0.1:$port" \
    --log-level warn "$@" 2>"$work/$name.log" &
  pids+=($!)
}
start plain "$port_plain"
start tls "$port_tls" --tls-cert "$work/server.pem" --tls-key "$work/server.key"
ready() {  # PORT [--tls-ca CA]
  local port=$1
  shift
  for _ in $(seq 100); do
    "$bin/stampctl" --server "127.0.0.1:$port" --token-file "$work/admin.token" "$@" -q whoami \
      >/dev/null 2>&1 && return 0
    sleep 0.1  # polling for the port, bounded: 10 s
  done
  echo "tls_cost.sh: stampd on $port did not come up" >&2
  return 1
}
ready "$port_plain"
ready "$port_tls" --tls-ca "$work/ca.pem"
"$bin/stamp-scan" --server "127.0.0.1:$port_plain" --token-file "$work/admin.token" --setup \
  --boxes "$boxes" --stamper-token-out "$work/plain.stamper" --json >/dev/null
"$bin/stamp-scan" --server "127.0.0.1:$port_tls" --tls-ca "$work/ca.pem" \
  --token-file "$work/admin.token" --setup --boxes "$boxes" --stamper-token-out \
  "$work/tls.stamper" --json >/dev/null

load() {  # PORT STAMPER [--tls-ca CA]
  local port=$1 stamper=$2
  shift 2
  "$bin/stamp-scan" --server "127.0.0.1:$port" --token-file "$stamper" "$@" --json \
    --stations 64 --depth 16 --duration "$seconds" |
    sed -n 's/.*"confirms_per_s":\([0-9.]*\).*/\1/p'
}
plain_1=$(load "$port_plain" "$work/plain.stamper")
tls=$(load "$port_tls" "$work/tls.stamper" --tls-ca "$work/ca.pem")
plain_2=$(load "$port_plain" "$work/plain.stamper")
awk -v a="$plain_1" -v b="$tls" -v c="$plain_2" -v s="$seconds" 'BEGIN {
  base = (a + c) / 2
  printf "stamp-scan 64x16, %s s each: plain %.0f/s, TLS %.0f/s, plain %.0f/s\n", s, a, b, c
  printf "TLS / plain = %.3f (%.1f %% change)\n", b / base, (b / base - 1) * 100
}'
