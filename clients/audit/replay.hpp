// The replay every stamp-audit command starts with: the log from LSN 1 through the engine's
// apply (wal::apply_record, exactly as recovery replays), read and checked by log_scan on a
// second thread. Stops at the first damage (a record that fails its checks or whose events do
// not decode) and says where. Runs the hook on the calling thread after each record is applied.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "clients/audit/log_scan.hpp"
#include "engine/engine.hpp"

namespace stampd::audit {

struct replay_options {
    std::uint64_t to_lsn = UINT64_MAX;  // inclusive; the log's last LSN at the start, usually
    bool threaded = true;
    std::size_t chunk_records_max = 8'192;
    std::string progress_label;  // "verify", ...; empty: no progress
    bool quiet = false;
};

struct replay_result {
    std::uint64_t checked = 0;   // records that passed checksum and chain
    std::uint64_t applied = 0;   // records applied
    std::uint64_t last_lsn = 0;  // the last applied
    std::uint64_t chain = 0;     // the chain after it
    bool damaged = false;
    log_damage damage;         // where and what, when damaged
    bool ended_early = false;  // the log ended before to_lsn
    double seconds = 0;
};

// Called after each record is applied, with its payload as stored, its events (as decoded) and
// the state after it.
using record_hook = std::function<void(const scanned_record&, std::span<const std::uint8_t> payload,
                                       const event_list&, const state& after)>;

replay_result replay(const wal::lmdb_env& log, state& s, const replay_options& options,
                     const record_hook& hook = {});

}  // namespace stampd::audit
