// stamp-audit verify: every record's checksum and the chain from LSN 1, a replay through the
// engine's apply (wal::apply_record, as recovery replays), every snapshot checked on its own and
// against the replayed state at its LSN, SPEC §12 1–5 on the final state, and the per-region
// figures. The result is data; verify_print.cpp turns it into text or JSON. Runs on the calling
// thread plus the log reader's (log_scan.hpp).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "clients/audit/damage.hpp"
#include "clients/audit/snapshot_list.hpp"
#include "engine/invariants.hpp"
#include "engine/types.hpp"
#include "wal/storage/data_dir.hpp"

namespace stampd::audit {

// One thing found wrong. message is the whole line: "LSN 1234: bad checksum (stored 0x…, …)".
struct finding {
    std::string kind;       // bad_checksum, gap, snapshot_digest, invariant, ... (docs/audit.md)
    std::uint64_t lsn = 0;  // the record's LSN, or the snapshot's
    std::string message;
};

struct region_summary {
    region stamp_region = region::fed;
    i64 balance = 0;
    u64 entries = 0;
    i64 received = 0;
    i64 used = 0;
    i64 refunded = 0;
    i64 reserved = 0;
    i64 available_to_promise = 0;
};

struct snapshot_report {
    std::uint64_t lsn = 0;
    std::uint64_t size = 0;
    bool has_header = false;                 // the value is long enough to hold one
    std::uint32_t format = 0;                // of its state (engine/snapshot.hpp)
    std::string self_check = "not checked";  // "ok", or what check_snapshot_value found
    bool compared = false;  // with the replayed state and the log's chain at its LSN
    bool digest_matches = false;
    bool chain_matches = false;
    std::uint64_t stored_digest = 0, replayed_digest = 0;
    std::uint64_t stored_chain = 0, log_chain = 0;
    std::string note;  // why it was not compared
};

// The seals of DATA/SEALS checked against the chain the audit computes (wal/storage/seal_file.hpp).
struct seal_report {
    bool checked = false;  // a key was given
    std::uint64_t seals = 0, holding = 0;
    std::uint64_t sealed_from = 0;     // the first seal covers the records after this LSN
    std::uint64_t sealed_through = 0;  // the last seal that holds with every one before it
    bool broken = false;               // a seal does not hold:
    std::uint64_t first_broken = 0;    // the first (its LSN, which may be 0)
};

struct verify_report {
    std::string dir;
    std::uint64_t log_last_lsn = 0;     // the log's last LSN when the audit started: its range
    std::uint64_t records_checked = 0;  // checksum and chain
    std::uint64_t records_applied = 0;
    std::uint64_t replayed_to_lsn = 0;
    std::uint64_t final_digest = 0;
    double replay_seconds = 0;  // reading, checking and applying the log, digests included
    double digest_seconds = 0;  // of that, the replayed state's digests at snapshot LSNs
    double total_seconds = 0;
    bool damaged = false;
    log_damage damage;
    damage_survey survey;  // of what follows the damage
    std::vector<snapshot_report> snapshots;
    seal_report seals;
    std::vector<invariant_finding> invariants;
    std::vector<region_summary> regions;
    std::vector<finding> findings;
};

struct verify_options {
    std::string seal_key;  // non-empty: check DATA/SEALS under this key
    bool threaded = true;  // read and check on a second thread
    std::size_t chunk_records_max = 8'192;
    bool quiet = false;  // no progress on stderr
};

verify_report verify(const wal::data_dir& dir, const verify_options& options);

// The per-region figures of a state (used by verify and by tests).
std::vector<region_summary> summarise(const state& s);

void print_text(const verify_report& r, std::FILE* out);
// "6, 6 hold; the log is sealed through LSN 52 …": the seals line of print_text.
std::string seals_text(const seal_report& s);
void print_json(const verify_report& r, std::FILE* out);

}  // namespace stampd::audit
