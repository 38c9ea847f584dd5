// Start-up (and the rebuild after a failed commit): load the newest snapshot that verifies, then
// replay the log after it through the engine's apply, checking every record and the chain. Damage
// in the log stops recovery with the LSN and what is wrong — never a silent skip; a snapshot
// that does not verify is passed over for an older one (the log is the truth).
// Runs on the calling thread; reads only.
#pragma once

#include <cstdint>
#include <string>

#include "engine/engine.hpp"
#include "engine/state.hpp"
#include "wal/storage/data_dir.hpp"
#include "wal/storage/record.hpp"

namespace stampd::wal {

struct recovery_result {
    std::uint64_t lsn = 0;    // the last LSN applied
    std::uint64_t chain = 0;  // the chain at that LSN
    std::uint64_t snapshot_lsn = 0;
    std::uint64_t snapshot_chain = 0;  // the chain the snapshot recorded at snapshot_lsn
    std::uint64_t replayed = 0;        // records applied after the snapshot
    std::string notes;                 // snapshots passed over, and why
};

// The state at the end of the log. Errors name the LSN and the finding (MDB_CORRUPTED), or the
// storage error that stopped the reading. A log that ends short of what DATA/DURABLE says was
// durable, or whose chain there differs, is MDB_CORRUPTED: never an empty or shorter warehouse.
status recover(const data_dir& dir, state& out, recovery_result& result);

// Replays records (lsn, to] onto `s`, whose chain at `lsn` is `chain`, advancing both; stops at
// the log's end. `to` = UINT64_MAX: to the end. Used by recovery, the snapshotter (to catch its
// follower state up) and the readers of a data directory.
status replay(const lmdb_env& log, state& s, std::uint64_t& lsn, std::uint64_t& chain,
              std::uint64_t to, std::uint64_t& applied);

// One record of the log, checked by log_reader, applied the way recovery applies it: its events
// decoded, then apply_all at the record's context. Shared by recovery, the snapshotter and
// stamp-audit so that every replay is the same. False (state untouched) when the payload does
// not decode into event_count events; `events` is scratch space, reused between calls.
bool apply_record(state& s, const record_view& record, event_list& events);
// The context a record's events were decided at.
context context_of(const record_header& h);

}  // namespace stampd::wal
