// Start-up (and rebuild after a failed commit): free dead readers' slots, load the newest
// snapshot that verifies, replay the log after it through the engine's apply, checking the
// chain. Damage in the log stops recovery with the LSN and what is wrong — never a silent skip;
// a snapshot that does not verify is passed over for an older one (the log is the truth).
// Runs on the calling thread; reads only.
#pragma once

#include <cstdint>
#include <string>

#include "engine/state.hpp"
#include "wal/lmdb_env.hpp"

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

// Snapshot values (record_format.hpp): encode, and check + decode.
void encode_snapshot_value(const state& s, std::uint64_t chain, std::vector<std::uint8_t>& out);
bool decode_snapshot_value(std::span<const std::uint8_t> value, state& out, std::uint64_t& lsn,
                           std::uint64_t& chain, std::string& error);

}  // namespace stampd::wal
