// The state a data directory holds, read as a fresh process would: from the newest snapshot
// (recover) or from LSN 1 (the log alone). Tests compare the two, and what was acknowledged.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/engine.hpp"
#include "wal/storage/data_dir.hpp"
#include "wal/storage/recovery.hpp"

namespace stampd::testing {

enum class from { newest_snapshot, log_start };

inline state recovered(const std::string& dir, from where = from::newest_snapshot,
                       wal::recovery_result* result = nullptr) {
    std::unique_ptr<wal::data_dir> d;
    const wal::status opened = wal::data_dir::open_for_reading(dir, d);
    EXPECT_TRUE(opened.ok()) << opened.message();
    state s;
    if (!opened.ok()) return s;
    wal::recovery_result r;
    if (where == from::newest_snapshot) {
        const wal::status st = wal::recover(*d, s, r);
        EXPECT_TRUE(st.ok()) << st.message();
    } else {
        const wal::status st = wal::replay(d->log(), s, r.lsn, r.chain, UINT64_MAX, r.replayed);
        EXPECT_TRUE(st.ok()) << st.message();
    }
    if (result != nullptr) *result = r;
    return s;
}

}  // namespace stampd::testing
