// See verify.hpp. The order: list the snapshots, then read the log's end (so every snapshot
// listed is within it), replay, then check each snapshot on its own and against what the replay
// saw at its LSN, then the invariants on the final state.
#include "clients/audit/verify.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "clients/audit/replay.hpp"
#include "engine/queries.hpp"
#include "engine/snapshot.hpp"
#include "wal/storage/log_reader.hpp"
#include "wal/storage/recovery.hpp"
#include "wal/storage/seal_file.hpp"

namespace stampd::audit {
namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

const char* kind_of(wal::record_status s) {
    switch (s) {
        case wal::record_status::truncated:
            return "truncated";
        case wal::record_status::bad_magic:
            return "bad_magic";
        case wal::record_status::unknown_version:
            return "unknown_version";
        case wal::record_status::bad_checksum:
            return "bad_checksum";
        case wal::record_status::broken_chain:
            return "broken_chain";
        case wal::record_status::gap:
            return "gap";
        case wal::record_status::key_mismatch:
            return "key_mismatch";
        case wal::record_status::bad_payload:
            return "bad_payload";
        default:
            return "log";
    }
}

std::string at_lsn(std::uint64_t lsn) {
    return "LSN " + std::to_string(lsn) + ": ";
}
std::string at_snapshot(std::uint64_t lsn) {
    return "snapshot at LSN " + std::to_string(lsn) + ": ";
}

void add(std::vector<finding>& out, std::string kind, std::uint64_t lsn, std::string message) {
    out.push_back({std::move(kind), lsn, std::move(message)});
}
void add(verify_report& r, std::string kind, std::uint64_t lsn, std::string message) {
    add(r.findings, std::move(kind), lsn, std::move(message));
}

// The snapshots to compare with the replay, by LSN; those that cannot be are reported now.
void plan_snapshots(const wal::data_dir& dir, verify_report& r) {
    std::vector<snapshot_entry> entries;
    if (dir.snapshots() == nullptr) return;  // a directory without snapshots: the log alone
    if (const wal::status s = list_snapshots(*dir.snapshots(), entries); !s.ok()) {
        add(r, "snapshots", 0, "snapshots cannot be listed: " + s.message());
    }
    for (const snapshot_entry& e : entries) {
        snapshot_report s{
            .lsn = e.key_lsn, .size = e.size, .has_header = e.has_header, .format = e.format};
        if (e.has_header) {
            s.stored_digest = e.header.digest;
            s.stored_chain = e.header.chain;
            if (e.header.lsn != e.key_lsn) {
                add(r, "snapshot_key", e.key_lsn,
                    at_snapshot(e.key_lsn) + "its header says LSN " + std::to_string(e.header.lsn));
            }
        }
        r.snapshots.push_back(s);
    }
}

void report_damage(const wal::data_dir& dir, verify_report& r) {
    const log_damage& d = r.damage;
    add(r, kind_of(d.status), d.lsn, at_lsn(d.lsn) + d.what);
    r.survey = survey_after(dir.log(), d.resume_key, r.log_last_lsn);
    for (const damaged_place& p : r.survey.places)
        add(r, "damage_after", p.lsn, at_lsn(p.lsn) + p.what);
    const damage_survey& v = r.survey;
    std::string text = "the replay stopped here: the state from here on cannot be trusted; ";
    if (v.records == 0) {
        text += "no records follow";
    } else {
        text += std::to_string(v.records) + " record(s) follow (LSN " +
                std::to_string(v.first_lsn) + ".." + std::to_string(v.last_lsn) + "), " +
                std::to_string(v.intact) + " intact on their own, " + std::to_string(v.damaged) +
                " damaged, " + std::to_string(v.missing) + " missing, " +
                std::to_string(v.chain_breaks) + " chain break(s) among them";
    }
    add(r, "replay_stopped", d.lsn, at_lsn(d.lsn) + text);
}

// The snapshot on its own; findings go to `out` (this runs beside the invariants' thread).
void check_snapshot(const wal::data_dir& dir, std::vector<finding>& out, snapshot_report& snap) {
    std::vector<std::uint8_t> value;
    bool found = false;
    if (const wal::status s = read_snapshot(*dir.snapshots(), snap.lsn, value, found); !s.ok()) {
        add(out, "snapshot_read", snap.lsn, at_snapshot(snap.lsn) + s.message());
        return;
    }
    if (!found) {
        snap.self_check = "replaced by a newer snapshot while the audit ran; not checked";
        return;
    }
    state decoded;
    const wal::snapshot_check c = wal::check_snapshot_value(value, decoded);
    snap.self_check = c.status == wal::snapshot_status::ok ? "ok" : wal::to_string(c.status);
    switch (c.status) {
        case wal::snapshot_status::ok:
            break;
        case wal::snapshot_status::bad_checksum:
            add(out, "snapshot_checksum", snap.lsn,
                at_snapshot(snap.lsn) + "bad checksum (stored " + hex64(c.header.checksum) +
                    ", computed " + hex64(c.checksum) + ")");
            break;
        case wal::snapshot_status::bad_state:
            add(out, "snapshot_decode", snap.lsn,
                at_snapshot(snap.lsn) + "the state does not decode: " + c.detail);
            break;
        case wal::snapshot_status::digest_mismatch:
            add(out, "snapshot_self_digest", snap.lsn,
                at_snapshot(snap.lsn) + "its header's digest " + hex64(c.header.digest) +
                    " differs from the digest " + hex64(c.digest) + " of the state it holds" +
                    (decoded.last_lsn != c.header.lsn
                         ? " (the state is at LSN " + std::to_string(decoded.last_lsn) + ")"
                         : ""));
            break;
        default:
            add(out, "snapshot_header", snap.lsn, at_snapshot(snap.lsn) + wal::to_string(c.status));
            break;
    }
}

void compare_snapshot(verify_report& r, snapshot_report& snap) {
    // A header that is not a snapshot's holds no figures to compare.
    if (!snap.has_header || snap.self_check == wal::to_string(wal::snapshot_status::bad_magic) ||
        snap.self_check == wal::to_string(wal::snapshot_status::unknown_version)) {
        snap.compared = false;
        snap.note = "not compared: no readable header";
        return;
    }
    if (!snap.compared) {
        if (snap.lsn > r.log_last_lsn) {
            add(r, "snapshot_ahead", snap.lsn,
                at_snapshot(snap.lsn) + "ahead of the log, which ends at LSN " +
                    std::to_string(r.log_last_lsn));
        } else {
            snap.note =
                "not compared: the replay stopped at LSN " + std::to_string(r.replayed_to_lsn);
        }
        return;
    }
    snap.digest_matches = snap.stored_digest == snap.replayed_digest;
    snap.chain_matches = snap.stored_chain == snap.log_chain;
    if (!snap.digest_matches) {
        add(r, "snapshot_digest", snap.lsn,
            at_snapshot(snap.lsn) + "digest " + hex64(snap.stored_digest) +
                " differs from the replayed state's " + hex64(snap.replayed_digest));
    }
    if (!snap.chain_matches) {
        add(r, "snapshot_chain", snap.lsn,
            at_snapshot(snap.lsn) + "chain " + hex64(snap.stored_chain) +
                " differs from the log's chain " + hex64(snap.log_chain) + " at that LSN");
    }
}

}  // namespace

std::vector<region_summary> summarise(const state& s) {
    std::vector<region_summary> out;
    for (const region r : all_regions) {
        const ledger_figures f = figures(s, r, INT64_MIN, INT64_MAX);
        out.push_back({.stamp_region = r,
                       .balance = s.account(r).balance,
                       .entries = s.account(r).ledger.size(),
                       .received = f.received,
                       .used = f.used,
                       .refunded = f.refunded,
                       .reserved = s.account(r).reserved,
                       .available_to_promise = stamps_available_to_promise(s, r)});
    }
    return out;
}

verify_report verify(const wal::data_dir& dir, const verify_options& o) {
    const auto start = clock_type::now();
    verify_report r{.dir = dir.path()};
    plan_snapshots(dir, r);
    // How far the log reached, read before the log (recovery.cpp says why).
    std::optional<wal::durable_mark> mark;
    if (const wal::status s = dir.read_durable_mark(mark); !s.ok()) {
        add(r, "durable_mark", 0, s.message());
    }
    // The seals, by LSN, checked as the records go by against the digest they recompute. Read
    // before the log's end, as the mark is: stampd seals only records already synced, so every
    // seal read here has its records within the range read below.
    std::vector<wal::seal> seals;
    std::size_t next_seal = 0;
    wal::seal_chain sealing;
    const auto key =
        std::span(reinterpret_cast<const std::uint8_t*>(o.seal_key.data()), o.seal_key.size());
    if (!o.seal_key.empty()) {
        r.seals.checked = true;
        if (const wal::status st = wal::seal_file::read_all(dir.seal_path(), seals); !st.ok())
            add(r, "seal", 0, "the seals cannot be read: " + st.message());
        std::stable_sort(seals.begin(), seals.end(),
                         [](const wal::seal& a, const wal::seal& b) { return a.lsn < b.lsn; });
        r.seals.seals = seals.size();
        // Sealing began after the first seal's from_lsn: the records before are not sealed.
        if (!seals.empty()) {
            r.seals.sealed_from = seals.front().from_lsn;
            sealing.start(seals.front().from_lsn, wal::seal_digest{});
        }
    }
    std::optional<std::uint64_t> chain_at_mark;
    if (const wal::status s = dir.log().last_key(r.log_last_lsn); !s.ok()) {
        add(r, "log", 0, "the log's last LSN cannot be read: " + s.message());
    }
    const auto check_seal = [&](const wal::seal& seal, std::uint64_t log_chain) {
        std::string why;
        if (!wal::seal_holds(key, seal)) {
            why = "the seal's HMAC does not hold under this key";
        } else if (seal.lsn == 0 || seal.from_lsn != sealing.from_lsn()) {
            why = "this seal covers the records after LSN " + std::to_string(seal.from_lsn) +
                  ", but the seal before it is of LSN " + std::to_string(sealing.from_lsn()) +
                  " (seals were removed, or sealing started afresh)";
        } else if (log_chain != seal.chain) {
            why = "the log's chain here is " + hex64(log_chain) + ", but the seal is of " +
                  hex64(seal.chain);
        } else if (sealing.digest() != seal.digest) {
            why = "the records after LSN " + std::to_string(seal.from_lsn) +
                  " are not the ones sealed (their SHA-256 digest differs)";
        }
        // The next seal chains on this one, whether it holds or not.
        if (seal.lsn == sealing.last_lsn()) sealing.start(seal.lsn, seal.digest);
        if (why.empty()) {
            ++r.seals.holding;
            if (!r.seals.broken) r.seals.sealed_through = seal.lsn;
            return;
        }
        if (r.seals.broken) return;  // the first one says it
        r.seals.broken = true;
        r.seals.first_broken = seal.lsn;
        add(r, "seal", seal.lsn,
            at_lsn(seal.lsn) + why + ": the log cannot be trusted after LSN " +
                std::to_string(r.seals.sealed_through) + " (the last seal that holds)");
    };
    state s;
    std::size_t next_snapshot = 0;
    const auto at_snapshots = [&](const scanned_record& rec, std::span<const std::uint8_t> payload,
                                  const event_list&, const state& now) {
        const std::uint64_t lsn = rec.header.lsn;
        if (mark && lsn == mark->lsn) chain_at_mark = rec.chain;
        if (r.seals.checked && lsn == sealing.last_lsn() + 1) {
            sealing.add(lsn,
                        {reinterpret_cast<const std::uint8_t*>(&rec.header), sizeof rec.header},
                        payload);
        }
        for (; next_seal < seals.size() && seals[next_seal].lsn <= lsn; ++next_seal) {
            // A seal of an LSN no record reached (0, or before sealing began) cannot hold.
            check_seal(seals[next_seal], seals[next_seal].lsn == lsn ? rec.chain : ~rec.chain);
        }
        while (next_snapshot < r.snapshots.size() &&
               r.snapshots[next_snapshot].lsn <= rec.header.lsn) {
            snapshot_report& snap = r.snapshots[next_snapshot++];
            if (snap.lsn != rec.header.lsn) continue;
            if (snap.format >= snapshot_format_readable_min &&
                snap.format < snapshot_format_writable_min) {
                snap.note = "not compared: format " + std::to_string(snap.format) +
                            " cannot be written again to compare (its own digest is checked)";
                continue;
            }
            snap.compared = true;
            const auto digest_start = clock_type::now();
            // An earlier release's snapshot holds that release's format: the replayed state is
            // compared in it (a format the decoder refuses is reported by its check).
            const bool earlier = snap.format >= snapshot_format_writable_min &&
                                 snap.format < snapshot_format_version;
            snap.replayed_digest = earlier ? state_digest(now, snap.format) : state_digest(now);
            r.digest_seconds += seconds_since(digest_start);
            snap.log_chain = rec.chain;
        }
    };
    const replay_result replayed = replay(dir.log(), s,
                                          {.to_lsn = r.log_last_lsn,
                                           .threaded = o.threaded,
                                           .chunk_records_max = o.chunk_records_max,
                                           .progress_label = "verify",
                                           .quiet = o.quiet},
                                          at_snapshots);
    r.replay_seconds = replayed.seconds;
    r.records_checked = replayed.checked;
    r.records_applied = replayed.applied;
    r.replayed_to_lsn = replayed.last_lsn;
    r.damaged = replayed.damaged;
    r.damage = replayed.damage;
    if (r.damaged) report_damage(dir, r);
    if (replayed.ended_early) {
        add(r, "log_shrank", replayed.checked + 1,
            at_lsn(replayed.checked + 1) + "missing: the log ends at LSN " +
                std::to_string(replayed.checked) + ", but LSN " + std::to_string(r.log_last_lsn) +
                " was there when the audit started");
    }
    if (next_seal < seals.size() && !r.damaged && !r.seals.broken) {
        const wal::seal& beyond = seals[next_seal];
        r.seals.broken = true;
        r.seals.first_broken = beyond.lsn;
        add(r, "seal", beyond.lsn,
            at_lsn(beyond.lsn) + "missing: it was sealed, but the log ends at LSN " +
                std::to_string(replayed.last_lsn) + ": the log cannot be trusted after LSN " +
                std::to_string(r.seals.sealed_through) + " (the last seal that holds)");
    }
    if (mark && !r.damaged) {
        const std::string file = dir.mark_path();
        if (mark->lsn > replayed.last_lsn) {
            add(r, "log_short_of_durable", mark->lsn,
                at_lsn(mark->lsn) + "missing: it was durable (" + file +
                    "), but the log ends at LSN " + std::to_string(replayed.last_lsn) +
                    ": the log lost records it held");
        } else if (chain_at_mark && *chain_at_mark != mark->chain) {
            add(r, "durable_chain", mark->lsn,
                at_lsn(mark->lsn) + "the log's chain here is " + hex64(*chain_at_mark) + ", but " +
                    hex64(mark->chain) + " was recorded when it was durable (" + file +
                    "): the log was replaced or rewritten");
        }
    }
    // The snapshots are checked on their own on a second thread while this one takes the
    // final digest and the invariants: both read only what they own.
    std::vector<finding> snapshot_findings;
    std::thread checker([&] {
        for (snapshot_report& snap : r.snapshots)
            check_snapshot(dir, snapshot_findings, snap);
    });
    // The last snapshot's digest is reused when it is of this release's format.
    const bool last_was_digested =
        !r.snapshots.empty() && r.snapshots.back().compared &&
        r.snapshots.back().lsn == r.replayed_to_lsn &&
        (r.snapshots.back().format == snapshot_format_version || r.snapshots.back().format == 0);
    r.final_digest = last_was_digested ? r.snapshots.back().replayed_digest : state_digest(s);
    std::vector<invariant_finding> invariants = check_invariants(s);
    checker.join();
    r.findings.insert(r.findings.end(), snapshot_findings.begin(), snapshot_findings.end());
    for (snapshot_report& snap : r.snapshots)
        compare_snapshot(r, snap);
    r.invariants = std::move(invariants);
    for (const invariant_finding& f : r.invariants) {
        add(r, "invariant", r.replayed_to_lsn,
            "state at LSN " + std::to_string(r.replayed_to_lsn) + ": " + f.message);
    }
    r.regions = summarise(s);
    r.total_seconds = seconds_since(start);
    return r;
}

}  // namespace stampd::audit
