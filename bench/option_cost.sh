#!/usr/bin/env bash
# What does an option of stampd cost the stamping line? (issues 14 and 15: measured at 64x16, as
# a ratio.) Starts two synced stampd on fresh data directories — one plain, one with the option —
# sets up enough boxes on each for every run, then runs stamp-scan at 64x16 alternately: plain,
# option, plain, option, ..., plain (ROUNDS option runs, each between two plain ones). Each
# option run is compared with the mean of the two plain runs around it (A-B-A: drift cancels);
# the figure is the median of those ratios (one run on this shared machine can be off by 20 %).
# It also prints the CPU seconds each process spent in the runs. The options:
#   tls   TLS 1.3 on every connection (a P-256 certificate made here with openssl)
#   seal  --seal-key-file: the committer hashes every record's bytes (SHA-256) for the seals
#   watch no option, but four `stampctl watch --consignee 1` follow every box: two staff (the
#         whole record, encoded once) and two of the consignee's own users (its cut, without the
#         ledger's figures, encoded once per consignee)
#   dashboard  no option, but stamp-web serves a supervisor's dashboard (bench/dashboard_client.py:
#         the live socket on the 15 first POs in production, and each update's re-reads, as the
#         front end makes them) — issue 15 asks < 5 %
# The watchers and the dashboard stay open on the option's stampd from before the first run to
# after the last; during a plain run their stampd is idle and they wait.
# Usage: bench/option_cost.sh tls|seal|watch|dashboard [BUILD_DIR] [BOXES] [SECONDS] [ROUNDS]
#        (defaults: build, enough boxes for every run, 4 s a run, 3 rounds)
set -euo pipefail
mode=${1:-}
case "$mode" in
  tls | seal | watch | dashboard) ;;
  *)
    echo "usage: bench/option_cost.sh tls|seal|watch|dashboard [BUILD_DIR] [BOXES] [SECONDS] [ROUNDS]" >&2
    exit 2
    ;;
esac
build=${2:-build}
seconds=${4:-4}
rounds=${5:-3}
# A plain run on this machine confirms up to ~700,000 boxes a second; the plain stampd runs
# ROUNDS + 1 times. Boxes running out would end a run early and bias its figure.
boxes=${3:-$(((rounds + 1) * seconds * 900000))}
bin=$(cd "$build/bin" && pwd)
work=$(mktemp -d)
port_plain=$((20000 + RANDOM % 6000))  # below the ephemeral ports (32768 on)
port_opt=$((26000 + RANDOM % 6000))
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
openssl rand -hex 32 >"$work/seal.key"
chmod 600 "$work/admin.token" "$work/seal.key"
server_options=() client_options=()
if [ "$mode" = tls ]; then
  server_options=(--tls-cert "$work/server.pem" --tls-key "$work/server.key")
  client_options=(--tls-ca "$work/ca.pem")
elif [ "$mode" = seal ]; then
  server_options=(--seal-key-file "$work/seal.key")
elif [ "$mode" = dashboard ]; then
  server_options=(--admin-password-file "$work/admin.password" --auth-proxy 127.0.0.1)
fi

declare -A server_pid
start() {  # NAME PORT [TLS options...]
  local name=$1 port=$2
  shift 2
  STAMPD_ADMIN_TOKEN=$token "$bin/stampd" --data "$work/$name" --listen "127.0.0.1:$port" \
    --log-level warn "$@" 2>"$work/$name.log" &
  pids+=($!)
  server_pid[$name]=$!
}
start plain "$port_plain"
start opt "$port_opt" "${server_options[@]}"
ready() {  # PORT [--tls-ca CA]
  local port=$1
  shift
  for _ in $(seq 100); do
    "$bin/stampctl" --server "127.0.0.1:$port" --token-file "$work/admin.token" "$@" -q whoami \
      >/dev/null 2>&1 && return 0
    sleep 0.1  # polling for the port, bounded: 10 s
  done
  echo "option_cost.sh: stampd on $port did not come up" >&2
  return 1
}
ready "$port_plain"
ready "$port_opt" "${client_options[@]}"
"$bin/stamp-scan" --server "127.0.0.1:$port_plain" --token-file "$work/admin.token" --setup \
  --boxes "$boxes" --stamper-token-out "$work/plain.stamper" --json >/dev/null
"$bin/stamp-scan" --server "127.0.0.1:$port_opt" "${client_options[@]}" \
  --token-file "$work/admin.token" --setup --boxes "$boxes" --stamper-token-out \
  "$work/opt.stamper" --json >/dev/null

load() {  # PORT STAMPER [--tls-ca CA]
  local port=$1 stamper=$2
  shift 2
  "$bin/stamp-scan" --server "127.0.0.1:$port" --token-file "$stamper" "$@" --json \
    --stations 64 --depth 16 --duration "$seconds" |
    sed -n 's/.*"confirms_per_s":\([0-9.]*\).*/\1/p'
}
watchers=()
if [ "$mode" = watch ]; then
  echo "watch-portal-$RANDOM$RANDOM" >"$work/portal.token"
  chmod 600 "$work/portal.token"
  "$bin/stampctl" --server "127.0.0.1:$port_opt" --token-file "$work/admin.token" -q create-user \
    --key portal --roles consignee --consignee 1 --user-token-file "$work/portal.token" \
    >/dev/null
  for who in admin admin portal portal; do
    "$bin/stampctl" --server "127.0.0.1:$port_opt" --token-file "$work/$who.token" --json watch \
      --consignee 1 >"$work/watch-$who-${#watchers[@]}.out" 2>&1 &
    watchers+=($!)
    pids+=($!)
  done
fi
if [ "$mode" = dashboard ]; then
  web_port=$((32000 - 1 - RANDOM % 500))
  "$bin/stamp-web" --listen "127.0.0.1:$web_port" --stampd "127.0.0.1:$port_opt" \
    --log-level warn 2>"$work/web.log" &
  pids+=($!)
  web_pid=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$web_port/healthz" >/dev/null && break
    sleep 0.1  # polling for the port, bounded: 10 s
  done
  /usr/bin/python3 "$(dirname "$0")/dashboard_client.py" "http://127.0.0.1:$web_port" admin \
    "$work/admin.password" 3600 "$work/dashboard.ready" >"$work/dashboard.out" 2>&1 &
  watchers+=($!)
  pids+=($!)
  for _ in $(seq 100); do  # logged in and watching before the load starts, bounded: 10 s
    [ -e "$work/dashboard.ready" ] && break
    sleep 0.1
  done
fi
# CPU seconds (user + system) of a process so far, from /proc (0 once it is gone).
cpu_s() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat" 2>/dev/null || echo 0; }
declare -A cpu_spent=()
# Until both stampd are idle (under 5 % of a core for half a second; 60 s at most): a run's
# background work (the snapshotter catching up, the log check) must not fall into the next run,
# which is the other stampd's.
settle() {
  local a b
  for _ in $(seq 120); do
    a=$(($(cpu_ticks "${server_pid[plain]}") + $(cpu_ticks "${server_pid[opt]}")))
    sleep 0.5
    b=$(($(cpu_ticks "${server_pid[plain]}") + $(cpu_ticks "${server_pid[opt]}")))
    [ $((b - a)) -gt 2 ] || return 0
  done
  echo "option_cost.sh: the servers did not settle within 60 s; measuring anyway" >&2
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# NAME PORT STAMPER [client options...]: the run's rate into $rate (not echoed: a subshell would
# lose the CPU figures), the CPU each process spent in it added to cpu_spent[NAME:process].
timed_load() {
  local name=$1
  shift
  settle
  local -A before=()
  for p in "${!cpu_of[@]}"; do before[$p]=$(cpu_s "${cpu_of[$p]}"); done
  rate=$(load "$@")
  for p in "${!cpu_of[@]}"; do
    cpu_spent[$name:$p]=$(awk -v s="${cpu_spent[$name:$p]:-0}" -v a="${before[$p]}" \
      -v b="$(cpu_s "${cpu_of[$p]}")" 'BEGIN { print s + b - a }')
  done
}
declare -A cpu_of=([stampd-plain]=${server_pid[plain]} [stampd-$mode]=${server_pid[opt]})
[ -z "${web_pid:-}" ] || cpu_of[stamp-web]=$web_pid
[ "$mode" != dashboard ] || cpu_of[dashboard-client]=${watchers[0]}
plain_rates=() opt_rates=()
timed_load plain "$port_plain" "$work/plain.stamper"
plain_rates+=("$rate")
for _ in $(seq "$rounds"); do
  timed_load "$mode" "$port_opt" "$work/opt.stamper" "${client_options[@]}"
  opt_rates+=("$rate")
  timed_load plain "$port_plain" "$work/plain.stamper"
  plain_rates+=("$rate")
done
if [ "$mode" = dashboard ]; then
  kill -TERM "${watchers[@]}" 2>/dev/null || true
  wait "${watchers[@]}" || true
  echo "dashboard: $(cat "$work/dashboard.out")" >&2
  grep -h "SLOW_CONSUMER\|ended" "$work/opt.log" "$work/web.log" >&2 || true
fi
if [ "$mode" = watch ]; then
  kill "${watchers[@]}" 2>/dev/null || true
  for out in "$work"/watch-*.out; do
    echo "$(basename "$out" .out): $(wc -l <"$out") lines pushed" >&2
  done
fi
for key in $(printf '%s\n' "${!cpu_spent[@]}" | sort); do
  echo "CPU s in the ${key%%:*} runs: ${key#*:} ${cpu_spent[$key]}"
done
awk -v plain="${plain_rates[*]}" -v opt="${opt_rates[*]}" -v s="$seconds" -v m="$mode" 'BEGIN {
  n = split(plain, a, " ")
  split(opt, b, " ")
  printf "stamp-scan 64x16, %s s a run:", s
  for (i = 1; i < n; ++i) {
    printf " plain %.0f, %s %.0f,", a[i], m, b[i]
    r[i] = b[i] / ((a[i] + a[i + 1]) / 2)
  }
  printf " plain %.0f /s\n", a[n]
  printf "%s / plain, each round:", m
  for (i = 1; i < n; ++i) printf " %.3f", r[i]
  printf "\n"
  for (i = 1; i < n; ++i) for (j = i + 1; j < n; ++j) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
  k = n - 1
  median = (k % 2 == 1) ? r[(k + 1) / 2] : (r[k / 2] + r[k / 2 + 1]) / 2
  printf "%s / plain = %.3f, the median of %d rounds (%.1f %% change)\n", m, median, k, (median - 1) * 100
}'
