// Start-up (and rebuild after a failed commit): free dead readers' slots, load the newest
// snapshot that verifies, replay the log after it through the engine's apply, checking the
// chain. Damage in the log stops recovery with the LSN and what is wrong — never a silent skip;
// a snapshot that does not verify is passed over for an older one (the log is the truth).
// Runs on the calling thread; reads only.
#pragma once

#include <cstdint>
#include <string>

#include "engine/engine.hpp"
#include "engine/state.hpp"
#include "wal/lmdb_env.hpp"
#include "wal/record.hpp"

namespace stampd::wal {

struct recovery_result {
    std::uint64_t lsn = 0;    // the last LSN applied
    std::uint64_t chain = 0;  // the chain at that LSN
    std::uint64_t snapshot_lsn = 0;
    std::uint64_t replayed = 0;  // records applied after the snapshot
    std::string notes;           // snapshots passed over, and why
};

// On failure returns false with `error` naming the LSN and the finding.
bool recover(const lmdb_env& log, const lmdb_env* snapshots, state& out, recovery_result& result,
             std::string& error);

// Replays records (from, to] onto `s`, whose chain at `from` is `chain`; used by recovery and by
// the snapshot thread to catch its follower state up. `to` = UINT64_MAX: to the end.
bool replay(const lmdb_env& log, state& s, std::uint64_t& lsn, std::uint64_t& chain,
            std::uint64_t to, std::uint64_t& applied, std::string& error);

// One record of the log, checked by log_reader, applied the way recovery applies it: its events
// decoded, then apply_all at the record's context. Shared by recovery, the snapshot thread and
// stamp-audit so that every replay is the same. False (state untouched) when the payload does
// not decode into event_count events; `events` is scratch space, reused between calls.
bool apply_record(state& s, const record_view& record, event_list& events);
// The context a record's events were decided at.
context context_of(const record_header& h);

// Snapshot values (record_format.hpp): encode, and check + decode.
void encode_snapshot_value(const state& s, std::uint64_t chain, std::vector<std::uint8_t>& out);
bool decode_snapshot_value(std::span<const std::uint8_t> value, state& out, std::uint64_t& lsn,
                           std::uint64_t& chain, std::string& error);

// What check_snapshot_value finds, in the order it checks.
enum class snapshot_status : std::uint8_t {
    ok,
    truncated,        // shorter than its header
    bad_magic,        // not a snapshot
    unknown_version,  // written by a newer release
    bad_checksum,     // the stored checksum differs from the bytes'
    bad_state,        // the state bytes do not decode
    digest_mismatch,  // the decoded state's digest (or LSN) differs from the header's
};
const char* to_string(snapshot_status status);

struct snapshot_check {
    snapshot_status status = snapshot_status::ok;
    snapshot_header header{};    // as stored (zero when truncated)
    std::uint64_t checksum = 0;  // computed over the bytes (once the header is read)
    std::uint64_t digest = 0;    // of the decoded state (once it decodes)
    std::string detail;          // the decoder's reason, for bad_state
};

// How far a snapshot is checked. `verify`: everything, the digest recomputed from the decoded
// state (recovery, stamp-audit). `for_reading`: the checksum only, the digest taken from the
// header and the barcode index not built — for reports, which never decide and leave
// recomputing digests to stamp-audit; several times quicker at millions of boxes.
enum class snapshot_reading : std::uint8_t { verify, for_reading };

// Every check decode_snapshot_value makes, with the figures: `out` holds the decoded state when
// the status is ok or digest_mismatch, else is left empty.
snapshot_check check_snapshot_value(std::span<const std::uint8_t> value, state& out,
                                    snapshot_reading how = snapshot_reading::verify);

}  // namespace stampd::wal
