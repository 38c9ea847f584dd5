#!/usr/bin/env python3
"""An upgrade: this release opens a data directory an earlier release wrote.

The fixture (tests/fixtures/<name>/, made by tests/fixtures/make_format_fixture.sh with that
release's binaries) holds the earlier release's LMDB files and its own answers to a few reads.
On a copy of it, this release must:
  1. verify it clean with stamp-audit (the old snapshots checked in their own format), with the
     same per-region figures the old stamp-audit printed;
  2. start on it, saying that it replays the log because the snapshots are of an earlier format;
  3. answer every read the old release answered with the same figures (a field the new release
     added is allowed; one that changed or went missing is not);
  4. know from the log what the new format keeps (the cancelled PO's reason and its history);
  5. take new commands, stop with a snapshot of its own format, verify clean again (so the
     recovered state is the replayed one), and recover from that snapshot without a replay.

  upgrade_test.py BIN_DIR FIXTURE_DIR
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

ADMIN = "fixture-admin-token-0123456789abcdef"
SUPERVISOR = "supervisor-token-fixture"


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# Fields the earlier release printed and this one no longer does, on purpose, and why.
WITHDRAWN = {
    # Deprecated in the protocol since tax by component (issue 12): always 0, the tax of each
    # component is in "taxes". stampctl no longer prints deprecated fields.
    "tax_bp",
}


def differences(old, new, where=""):
    """Where `new` does not hold every figure of `old`: new keys are allowed, and the fields of
    WITHDRAWN may go; nothing else."""
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [f"{where}: was an object, now {new!r}"]
        out = []
        for key, value in old.items():
            if key not in new and key in WITHDRAWN:
                continue
            if key not in new:
                out.append(f"{where}.{key}: missing (was {value!r})")
            else:
                out += differences(value, new[key], f"{where}.{key}")
        return out
    if isinstance(old, list):
        if not isinstance(new, list) or len(new) != len(old):
            return [f"{where}: was {old!r}, now {new!r}"]
        out = []
        for i, (a, b) in enumerate(zip(old, new)):
            out += differences(a, b, f"{where}[{i}]")
        return out
    return [] if old == new else [f"{where}: was {old!r}, now {new!r}"]


class Server:
    def __init__(self, bin_dir, data, log_path):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [os.path.join(bin_dir, "stampd"), "--data", data, "--listen", "127.0.0.1:0",
             "--admin-token", ADMIN],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.port = None
        pattern = re.compile(r"stampd listening on 127\.0\.0\.1:(\d+)")
        # Waits for the listening line; the process ending first is a failure.
        while self.port is None:
            text = open(log_path).read()
            found = pattern.search(text)
            if found:
                self.port = int(found.group(1))
            elif self.process.poll() is not None:
                fail("stampd exited with %d before listening:\n%s" % (self.process.returncode, text))
            else:
                try:
                    self.process.wait(timeout=0.05)
                except subprocess.TimeoutExpired:
                    pass

    def text(self):
        return open(self.log_path).read()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self.log.close()
        if code != 0:
            fail("stampd exited with %d on SIGTERM:\n%s" % (code, self.text()))


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    bin_dir, fixture = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="stampd-upgrade-")
    try:
        return run(bin_dir, fixture, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(bin_dir, fixture, work):
    data = os.path.join(work, "data")
    shutil.copytree(os.path.join(fixture, "data"), data)
    for root, dirs, files in os.walk(data):  # stampd refuses a directory others may write
        os.chmod(root, 0o700)
        for f in files:
            os.chmod(os.path.join(root, f), 0o600)
    expected = os.path.join(fixture, "expected")
    source = open(os.path.join(expected, "SOURCE")).read().strip()
    print("fixture written by", source)

    def audit():
        r = subprocess.run([os.path.join(bin_dir, "stamp-audit"), "verify", "--data", data,
                            "--json", "--quiet"], capture_output=True, text=True)
        if r.returncode != 0:
            fail("stamp-audit verify exits %d:\n%s%s" % (r.returncode, r.stdout, r.stderr))
        return json.loads(r.stdout)

    # 1. The old directory verifies clean, old snapshots in their own format.
    old_verify = json.load(open(os.path.join(expected, "verify.json")))
    report = audit()
    for s in report["snapshots"]:
        if not (s["compared"] and s["digest_matches"] and s["chain_matches"]):
            fail("the old snapshot at LSN %d does not compare with the replay: %r" % (s["lsn"], s))
    if len(report["snapshots"]) != len(old_verify["snapshots"]):
        fail("%d snapshots, the old release listed %d" %
             (len(report["snapshots"]), len(old_verify["snapshots"])))
    for old, new in zip(old_verify["snapshots"], report["snapshots"]):
        if old["stored_digest"] != new["replayed_digest"]:
            fail("LSN %d: the old release's digest %s, the replay in its format gives %s" %
                 (old["lsn"], old["stored_digest"], new["replayed_digest"]))
    written_format = report["snapshots"][-1]["format"]
    diff = differences(old_verify["regions"], report["regions"], "regions")
    if diff:
        fail("stamp-audit's figures differ from the old release's:\n  " + "\n  ".join(diff))
    print("verified clean: %d records, %d snapshots of format %d" %
          (report["records_checked"], len(report["snapshots"]), written_format))

    # 2. Started on it, stampd says it replays the log.
    server = Server(bin_dir, data, os.path.join(work, "stampd-1.log"))
    env = dict(os.environ, STAMPD_SERVER="127.0.0.1:%d" % server.port)

    def ctl(token, *args, code=0):
        r = subprocess.run([os.path.join(bin_dir, "stampctl"), "--json", *args],
                           capture_output=True, text=True, env=dict(env, STAMPD_TOKEN=token))
        if r.returncode != code:
            fail("stampctl %s exits %d, not %d:\n%s%s" % (" ".join(args), r.returncode, code,
                                                          r.stdout, r.stderr))
        return json_lines(r.stdout)

    note = "is of format %d, an earlier release's" % written_format
    if note not in server.text():
        fail("stampd did not say that it replays an earlier format's snapshot:\n" + server.text())

    # 3. Every read the old release answered, answered with the same figures.
    reads = [line.split() for line in open(os.path.join(expected, "READS")) if line.strip()]
    for name, *args in reads:
        old = json_lines(open(os.path.join(expected, name + ".json")).read())
        new = ctl(ADMIN, *args)
        diff = differences(old, new, name)
        if diff:
            fail("stampctl %s differs from the old release's answer:\n  %s" %
                 (" ".join(args), "\n  ".join(diff)))
    print("%d reads answered as the old release answered them" % len(reads))

    # 4. What the new format keeps, known from the log.
    cancelled = ctl(ADMIN, "get-po", "2")[0]
    if cancelled.get("cancel_reason") != "customer withdrew the order":
        fail("the cancelled PO's reason is not known after the upgrade: %r" % cancelled)
    statuses = [step["status"] for step in cancelled.get("history", [])]
    if statuses[:1] != ["Open"] or statuses[-1:] != ["Cancelled"]:
        fail("the cancelled PO's history after the upgrade: %r" % cancelled.get("history"))

    # 5. New commands; a stop with a snapshot of this release's format; verify; recover.
    outbound = ctl(ADMIN, "get-po", "1")[0]["outbound"]
    ctl(SUPERVISOR, "ship-outbound", "--outbound", str(outbound))
    server.stop()
    report = audit()
    newest = report["snapshots"][-1]
    if newest["format"] <= written_format or newest["lsn"] != report["log_last_lsn"]:
        fail("the stop wrote no snapshot of the new format: %r" % report["snapshots"])
    server = Server(bin_dir, data, os.path.join(work, "stampd-2.log"))
    env["STAMPD_SERVER"] = "127.0.0.1:%d" % server.port
    if "earlier release" in server.text():
        fail("the second start replayed again:\n" + server.text())
    shipped = [o for o in ctl(ADMIN, "get-outbound", str(outbound))]
    if shipped[0].get("status") != "Shipped":
        fail("the outbound record shipped before the restart: %r" % shipped)
    again = ctl(ADMIN, "get-po", "2")[0]
    if again.get("cancel_reason") != "customer withdrew the order":
        fail("the reason was lost in the new format's snapshot: %r" % again)
    server.stop()
    print("upgraded: new snapshot of format %d at LSN %d, recovered from it" %
          (newest["format"], newest["lsn"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
