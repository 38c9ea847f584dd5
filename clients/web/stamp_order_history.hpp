// Each stamp order's steps — submitted, reviewed, revised, ordered, received — with who took them
// and when, read from stampd's log: the state keeps only where an order is now, the log keeps
// how it got there (each record's header names its user and time). Kept by the report worker
// and brought up to date from the log's tail before each answer, so the log is read once, not
// once a page. Threads: the report worker's only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/types.hpp"
#include "wal/storage/data_dir.hpp"
#include "wal/storage/status.hpp"

namespace stampd::web {

struct stamp_order_step {
    std::uint64_t lsn = 0;
    i64 time_us = 0;
    user_id user = id_none;
    std::string
        what;  // submitted, approved, rejected, changes_requested, revised, ordered, received
    u32 bundles = 0;   // submitted / revised: the bundles asked for; received: those counted
    std::string note;  // the notes, or the reviewer's note or reason
};

class stamp_order_history {
public:
    // Reads the records after the last one read, in chunks of report::replay_chunk_records, each
    // under its own read transaction. Damage stops it with the LSN (MDB_CORRUPTED).
    wal::status catch_up(const wal::data_dir& dir);
    // The order's steps in log order (empty: no such order yet).
    const std::vector<stamp_order_step>& steps(stamp_order_id id) const;
    std::uint64_t lsn() const { return _lsn; }
    std::uint64_t chain() const { return _chain; }

private:
    std::uint64_t _lsn = 0, _chain = 0;  // the last record read, and the chain there
    std::unordered_map<stamp_order_id, std::vector<stamp_order_step>> _steps;
};

}  // namespace stampd::web
