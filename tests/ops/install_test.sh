#!/usr/bin/env bash
# The install rules (ops/install.cmake), seen from outside: `cmake --install BUILD --prefix TMP`,
# then every installed program is stripped, its debug file is at lib/debug/.build-id/xx/yyyy.debug
# with the same build id and answers --version; the config, the unit (which systemd-analyze
# verify accepts), the docs and the web console's files are in place; and the README's tour runs
# against the installed stampd (on the installed sample config) with the installed stampctl,
# while the installed stamp-web serves its front end from beside itself.
#   tests/ops/install_test.sh BUILD_DIR SOURCE_DIR     (ctest -L install)
set -euo pipefail

build=$1
source=$2
work=$(mktemp -d)
pids=()
cleanup() {
  [ "${#pids[@]}" -eq 0 ] || { kill -TERM "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "install_test: $*" >&2
  exit 1
}
build_id() { readelf -n "$1" 2>/dev/null | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p'; }
# Read whole, not piped into grep -q: under pipefail, grep leaving early fails readelf (SIGPIPE).
has_debug_info() { [[ "$(readelf -S --wide "$1" 2>/dev/null)" == *" .debug_info "* ]]; }

prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log" || {
  cat "$work/install.log" >&2
  fail "cmake --install failed"
}

echo "== stripped programs, their debug files by build id"
programs=(stampd stampctl stamp-scan stamp-report stamp-audit stamp-web)
[ ! -x "$build/bin/stamp-backup" ] || programs+=(stamp-backup)
for program in "${programs[@]}"; do
  bin=$prefix/bin/$program
  [ -x "$bin" ] || fail "$program is not installed in $prefix/bin"
  if has_debug_info "$bin"; then fail "$bin is not stripped"; fi
  id=$(build_id "$bin")
  [ "${#id}" -ge 32 ] || fail "$bin has no build id"
  debug=$prefix/lib/debug/.build-id/${id:0:2}/${id:2}.debug
  [ -f "$debug" ] || fail "no debug file for $program: $debug"
  [ "$(build_id "$debug")" = "$id" ] || fail "$debug has another build id than $bin"
  has_debug_info "$debug" || fail "$debug holds no .debug_info"
  "$bin" --version >/dev/null || fail "$bin --version failed"
  printf '%-13s %11d bytes, debug %11d bytes\n' "$program" "$(stat -c %s "$bin")" "$(stat -c %s "$debug")"
done

echo "== config, unit, docs, the web console's files"
for file in etc/stampd/stampd.toml lib/systemd/system/stampd.service share/doc/stampd/README.md \
  share/doc/stampd/operations.md share/stamp-web/static/index.html; do
  [ -f "$prefix/$file" ] || fail "$file is not installed"
done
unit=$prefix/lib/systemd/system/stampd.service
grep -q "^ExecStart=$prefix/bin/stampd --config $prefix/etc/stampd/stampd.toml " "$unit" ||
  fail "the installed unit does not name the installed stampd and config: $(grep ExecStart "$unit")"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
fi

echo "== the tour against the installed stampd and stampctl"
"$prefix/bin/stampd" --config "$prefix/etc/stampd/stampd.toml" --data "$work/data" \
  --listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --admin-token-file "$work/admin.token" \
  >"$work/stampd.log" 2>&1 &
pids+=($!)
port=
for _ in $(seq 300); do  # bounded: 30 s
  port=$(sed -n 's/.*stampd listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$work/stampd.log")
  [ -z "$port" ] || break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/stampd.log" >&2; fail "stampd did not start"; }
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/stampd.log" >&2; fail "stampd did not listen within 30 s"; }
[ "$(stat -c %a "$work/admin.token")" = 600 ] || fail "admin.token is not mode 0600"
env -u STAMPD_TOKEN_FILE STAMPCTL="$prefix/bin/stampctl" STAMPD_SERVER="127.0.0.1:$port" \
  STAMPD_TOKEN="$(cat "$work/admin.token")" bash "$source/clients/stampctl/tour.sh" >"$work/tour.log" 2>&1 || {
  tail -n 40 "$work/tour.log" >&2
  fail "the tour failed against the installed programs"
}
grep -q "tour done" "$work/tour.log" || fail "the tour did not finish"
http_port=$(sed -n 's/.*(\/metrics, \/healthz, \/readyz) on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/stampd.log")
[ -n "$http_port" ] || fail "the installed stampd did not say where /metrics is"
# Read whole, then searched: `curl | grep -q` fails under pipefail when grep stops reading early.
[ "$(curl -sf "http://127.0.0.1:$http_port/readyz")" = ready ] || fail "/readyz is not ready"
curl -sf "http://127.0.0.1:$http_port/metrics" >"$work/metrics.txt" || fail "no /metrics"
grep -q '^stampd_confirms_total [1-9]' "$work/metrics.txt" ||
  fail "/metrics of the installed stampd counts no confirm after the tour"

echo "== the installed stamp-web serves its installed front end"
"$prefix/bin/stamp-web" --listen 127.0.0.1:0 --stampd "127.0.0.1:$port" >"$work/web.log" 2>&1 &
pids+=($!)
web_port=
for _ in $(seq 300); do
  web_port=$(sed -n 's|.*stamp-web on http://127\.0\.0\.1:\([0-9]*\),.*|\1|p' "$work/web.log")
  [ -z "$web_port" ] || break
  kill -0 "${pids[1]}" 2>/dev/null || { cat "$work/web.log" >&2; fail "stamp-web did not start"; }
  sleep 0.1
done
[ -n "$web_port" ] || { cat "$work/web.log" >&2; fail "stamp-web did not listen within 30 s"; }
curl -sf "http://127.0.0.1:$web_port/" -o "$work/index.html" || fail "GET / from stamp-web failed"
cmp -s "$work/index.html" "$prefix/share/stamp-web/static/index.html" ||
  fail "stamp-web did not serve the installed index.html"

kill -TERM "${pids[@]}"
wait "${pids[0]}" || fail "stampd did not stop cleanly (exit $?)"
pids=()
echo "install_test: passed"
