// Writes a test warehouse's journal (tests/engine/warehouse.hpp) into a real data directory, as
// stampd's writer does (wal::log_appender): one record per accepted command, LSNs from 1 without
// a gap, checksums and the chain; optionally a snapshot at an LSN, as the snapshotter writes it.
// The times are the journal's, so reports can be tested on chosen dates. One thread.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.hpp"
#include "wal/storage/data_dir.hpp"
#include "wal/storage/log_appender.hpp"
#include "wal/storage/snapshot_value.hpp"

namespace stampd::testing {

using journal = std::vector<std::pair<event_list, context>>;

// Returns the chain at the last record. snapshot_lsns: snapshots to write (each ≤ the last LSN).
inline std::uint64_t write_data_dir(const std::string& dir, const journal& records,
                                    const std::vector<std::uint64_t>& snapshot_lsns = {}) {
    std::unique_ptr<wal::data_dir> d;
    if (const wal::status s = wal::data_dir::open_for_writing({.path = dir}, d); !s.ok()) {
        ADD_FAILURE() << "cannot create a data directory in " << dir << ": " << s.message();
        return 0;
    }
    wal::log_appender appender(0, 0);
    state replayed;
    for (const auto& [events, ctx] : records) {
        EXPECT_EQ(ctx.lsn, appender.next_lsn()) << "a journal with a gap: a rejected command";
        EXPECT_TRUE(appender.append_now(d->log(), events, ctx).ok());
        apply_all(replayed, events, ctx);
        for (const std::uint64_t at : snapshot_lsns) {
            if (at != ctx.lsn) continue;
            std::vector<std::uint8_t> snapshot;
            wal::encode_snapshot_value(replayed, appender.chain(), snapshot);
            EXPECT_TRUE(d->snapshots()->put_and_trim(at, snapshot, 3).ok());
        }
    }
    return appender.chain();
}

}  // namespace stampd::testing
