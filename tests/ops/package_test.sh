#!/usr/bin/env bash
# The .debs that ops/package built, seen from outside (ops/test runs it after ops/package):
# stampd's holds the programs, the sample config as a conffile, the unit and the docs, its
# Depends names runtime libraries only (no -dev), its unit passes systemd-analyze verify, and
# stampd-dbgsym holds a debug file for each program with the same build id.
#   tests/ops/package_test.sh DEB_DIR [--install]
#   --install  also installs the package on THIS machine (apt-get install ./stampd_*.deb, twice:
#              postinst must be idempotent), checks /usr/bin/stampd, the user stampd and
#              /var/lib/stampd, then purges it (ops/test --long only). A user stampd this run
#              created is deleted again; the data directory is never touched.
set -euo pipefail

dir=${1:?usage: package_test.sh DEB_DIR [--install]}
install=0
[ "${2:-}" != --install ] || install=1
fail() {
  echo "package_test: $*" >&2
  exit 1
}
build_id() { readelf -n "$1" 2>/dev/null | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p'; }

shopt -s nullglob
debs=("$dir"/stampd_*.deb)
dbgsyms=("$dir"/stampd-dbgsym_*.deb)
[ "${#debs[@]}" -eq 1 ] || fail "expected one stampd_*.deb in $dir, found ${#debs[@]}"
[ "${#dbgsyms[@]}" -eq 1 ] || fail "expected one stampd-dbgsym_*.deb in $dir, found ${#dbgsyms[@]}"
deb=$(realpath "${debs[0]}")
dbgsym=$(realpath "${dbgsyms[0]}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== $(basename "$deb"): $(stat -c %s "$deb") bytes; $(basename "$dbgsym"): $(stat -c %s "$dbgsym") bytes"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
for file in /usr/bin/stampd /usr/bin/stampctl /usr/bin/stamp-scan /usr/bin/stamp-report \
  /usr/bin/stamp-audit /usr/bin/stamp-web /etc/stampd/stampd.toml \
  /lib/systemd/system/stampd.service /usr/share/doc/stampd/README.md \
  /usr/share/doc/stampd/operations.md /usr/share/stamp-web/static/index.html; do
  grep -qx "$file" "$work/contents" || fail "$file is not in $(basename "$deb")"
done
if grep -q '^/usr/lib/debug/' "$work/contents"; then fail "debug files in the main package"; fi
dpkg-deb -I "$deb" conffiles | grep -qx /etc/stampd/stampd.toml ||
  fail "/etc/stampd/stampd.toml is not a conffile"
for script in postinst prerm postrm; do
  dpkg-deb -I "$deb" "$script" >/dev/null || fail "no $script in $(basename "$deb")"
done
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
# One package a line, grepped from a variable: grep -q leaving a pipe early would fail it
# under pipefail and hide what it found.
packages=$(tr ',' '\n' <<<"$depends")
if grep -Eq -- '-dev( |$)' <<<"$packages"; then fail "a -dev package in Depends: $depends"; fi
for package in libc6 libstdc++6 liblmdb0 libzint2.11 adduser tzdata fonts-dejavu-core; do
  grep -q "^ *$package\b" <<<"$packages" || fail "Depends lacks $package: $depends"
done

echo "== the unit, with ExecStart pointed at the packaged stampd"
dpkg-deb -x "$deb" "$work/root"
sed -e "s|/usr/bin/stampd|$work/root/usr/bin/stampd|" "$work/root/lib/systemd/system/stampd.service" \
  >"$work/stampd.service"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$work/stampd.service" || fail "systemd-analyze verify stampd.service"
  systemd-analyze security --offline=true "$work/stampd.service" 2>/dev/null | tail -n 1 || true
else
  echo "package_test: systemd-analyze is not installed: the unit is not verified" >&2
fi
"$work/root/usr/bin/stampd" --version

echo "== stampd-dbgsym: a debug file for each program"
dpkg-deb -x "$dbgsym" "$work/root"
for bin in "$work"/root/usr/bin/*; do
  id=$(build_id "$bin")
  debug=$work/root/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug
  [ -f "$debug" ] || fail "no debug file for $(basename "$bin") in $(basename "$dbgsym")"
  [ "$(build_id "$debug")" = "$id" ] || fail "$debug has another build id than $(basename "$bin")"
done

[ "$install" -eq 1 ] || { echo "package_test: passed"; exit 0; }

echo "== apt-get install on this machine, then purge"
if dpkg-query -W -f='${Status}' stampd 2>/dev/null | grep -q "install ok installed"; then
  fail "the package stampd is installed here already: this test installs and purges it, remove it first"
fi
user_existed=0
! id stampd >/dev/null 2>&1 || user_existed=1
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get install"; }
# Again: postinst runs a second time over what the first made.
apt-get install -y -qq --reinstall "$deb" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log" >&2; fail "apt-get install --reinstall"; }
/usr/bin/stampd --version
id stampd
[ "$(stat -c '%U:%G %a' /var/lib/stampd)" = "stampd:stampd 700" ] ||
  fail "/var/lib/stampd is $(stat -c '%U:%G %a' /var/lib/stampd), not stampd:stampd 700"
apt-get purge -y -qq stampd >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get purge"; }
[ ! -e /usr/bin/stampd ] || fail "/usr/bin/stampd is still there after the purge"
[ ! -e /etc/stampd/stampd.toml ] || fail "/etc/stampd/stampd.toml is still there after the purge"
if [ "$user_existed" -eq 0 ]; then
  deluser --quiet --system stampd >/dev/null 2>&1 || true
  delgroup --quiet --system stampd >/dev/null 2>&1 || true
  rmdir /var/lib/stampd 2>/dev/null || true  # only when empty: a data directory stays
fi
echo "package_test: passed"
