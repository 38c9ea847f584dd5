// Writes a test warehouse's journal (tests/engine/warehouse.hpp) into a real data directory, as
// stampd's log thread writes it: one record per accepted command, LSNs from 1 without a gap,
// checksums and the chain, appended with MDB_APPEND; optionally a snapshot at an LSN, as the
// snapshot thread writes it. The times are the journal's, so reports can be tested on chosen
// dates. One thread.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.hpp"
#include "wal/lmdb_env.hpp"
#include "wal/payload.hpp"
#include "wal/record.hpp"
#include "wal/recovery.hpp"

namespace stampd::testing {

using journal = std::vector<std::pair<event_list, context>>;

// Returns the chain at the last record. snapshot_lsns: snapshots to write (each ≤ the last LSN).
inline std::uint64_t write_data_dir(const std::string& dir, const journal& records,
                                    const std::vector<std::uint64_t>& snapshot_lsns = {}) {
    std::unique_ptr<wal::lmdb_env> log, snapshots;
    std::filesystem::create_directories(dir);
    if (!wal::lmdb_env::open({.path = dir + "/log"}, "records", log).ok() ||
        !wal::lmdb_env::open({.path = dir + "/snapshots"}, "snapshots", snapshots).ok()) {
        ADD_FAILURE() << "cannot create a data directory in " << dir;
        return 0;
    }
    wal::payload_encoder encoder;
    state replayed;
    std::uint64_t chain = 0;
    for (const auto& [events, ctx] : records) {
        EXPECT_EQ(ctx.lsn, replayed.last_lsn + 1) << "a journal with a gap: a rejected command";
        std::vector<std::uint8_t> payload, bytes;
        encoder.encode(events, payload);
        const std::uint64_t checksum =
            wal::encode_record({.lsn = ctx.lsn,
                                .time_us = ctx.time_us,
                                .user = ctx.user,
                                .station = ctx.station,
                                .client = ctx.client,
                                .request = ctx.request,
                                .previous_chain = chain,
                                .event_count = static_cast<std::uint16_t>(events.size())},
                               payload, bytes);
        chain = wal::chain_after(chain, checksum);
        const wal::keyed_value value{.lsn = ctx.lsn, .bytes = bytes};
        EXPECT_TRUE(log->append({&value, 1}).ok());
        apply_all(replayed, events, ctx);
        for (const std::uint64_t at : snapshot_lsns) {
            if (at != ctx.lsn) continue;
            std::vector<std::uint8_t> snapshot;
            wal::encode_snapshot_value(replayed, chain, snapshot);
            EXPECT_TRUE(snapshots->put_and_trim(at, snapshot, 3).ok());
        }
    }
    return chain;
}

}  // namespace stampd::testing
