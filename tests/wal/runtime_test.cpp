// Durability (issue 4): nothing acknowledged is lost, nothing is applied twice, a failed commit
// never leaves memory ahead of disk, and damage is found and named. Real LMDB files, real fsync.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "engine/snapshot.hpp"
#include "tests/support/raw_env.hpp"
#include "tests/support/recovered.hpp"
#include "tests/support/runtime_harness.hpp"
#include "tests/support/temp_dir.hpp"
#include "wal/storage/log_reader.hpp"
#include "wal/storage/payload.hpp"
#include "wal/storage/record.hpp"
#include "wal/storage/recovery.hpp"

namespace stampd::testing {
namespace {

// The stamp orders a state holds, by "client:request".
std::multiset<std::string> orders_in(const state& s) {
    std::multiset<std::string> out;
    for (const stamp_order& o : s.stamp_orders)
        out.insert(o.notes);
    return out;
}

class durability : public ::testing::Test {
protected:
    temp_dir dir;
};

TEST_F(durability, acknowledged_commands_survive_a_restart) {
    std::set<std::string> acked;
    {
        runtime_harness h;
        ASSERT_TRUE(h.open(dir.path()).ok()) << h.error;
        bootstrap(h);
        std::vector<std::uint64_t> tags;
        for (std::uint64_t r = 1; r <= 300; ++r)
            tags.push_back(h.submit(workload_finance, tagged_order(9, r), 9, r));
        for (std::uint64_t r = 1; r <= 300; ++r) {
            const outcome o = h.wait(tags[r - 1]);
            ASSERT_TRUE(o.verdict.ok()) << describe(o.verdict);
            acked.insert("9:" + std::to_string(r));
        }
        EXPECT_GT(h.runtime->stats().commits, 0u);
        EXPECT_LT(h.runtime->stats().commits,
                  300u + 2u);  // group commit: fewer commits than records
    }
    const state s = recovered(dir.path());
    const std::multiset<std::string> found = orders_in(s);
    EXPECT_EQ(std::set<std::string>(found.begin(), found.end()), acked);
    EXPECT_EQ(found.size(), acked.size());
    EXPECT_EQ(state_digest(s), state_digest(recovered(dir.path(), from::log_start)));
}

TEST_F(durability, recovery_starts_from_the_newest_snapshot) {
    {
        runtime_harness h;
        ASSERT_TRUE(h.open(dir.path(), {.snapshot_every_records = 50, .snapshots_kept = 2}).ok())
            << h.error;
        bootstrap(h);
        for (std::uint64_t r = 1; r <= 400; ++r)
            ASSERT_TRUE(h.run(workload_finance, tagged_order(1, r), 1, r).verdict.ok());
        h.runtime->stop();
        EXPECT_GE(h.runtime->stats().snapshots, 2u);
        EXPECT_EQ(h.runtime->stats().snapshot_lsn,
                  h.runtime->stats().durable_lsn);  // one at shutdown
    }
    std::unique_ptr<wal::data_dir> d;
    ASSERT_TRUE(wal::data_dir::open_for_reading(dir.path(), d).ok());
    ASSERT_NE(d->snapshots(), nullptr);
    MDB_stat stat;
    {
        wal::read_txn txn(*d->snapshots());
        mdb_stat(txn.get(), d->snapshots()->dbi(), &stat);
    }
    EXPECT_EQ(stat.ms_entries, 2u);  // only the newest are kept
    wal::recovery_result r;
    const state s = recovered(dir.path(), from::newest_snapshot, &r);
    EXPECT_EQ(r.snapshot_lsn, 402u);
    EXPECT_EQ(r.replayed, 0u);
    EXPECT_EQ(s.stamp_orders.size(), 400u);
    EXPECT_EQ(state_digest(s), state_digest(recovered(dir.path(), from::log_start)));
}

TEST_F(durability, a_retry_after_a_restart_gets_the_first_answer) {
    outcome first;
    {
        runtime_harness h;
        ASSERT_TRUE(h.open(dir.path()).ok()) << h.error;
        bootstrap(h);
        first = h.run(workload_finance, tagged_order(5, 1), 5, 1);
        ASSERT_TRUE(first.verdict.ok());
    }
    runtime_harness h;
    ASSERT_TRUE(h.open(dir.path()).ok()) << h.error;
    const outcome retry = h.run(workload_finance, tagged_order(5, 1), 5, 1);
    EXPECT_TRUE(retry.duplicate);
    EXPECT_EQ(retry.lsn, first.lsn);
    h.runtime->stop();
    EXPECT_EQ(recovered(dir.path()).stamp_orders.size(), 1u);
}

// Fails the n-th commit with `error`, over a range of n, under pipelined load. Two batches in
// the pipeline at most, so that 400 commands of 16-command batches take at least 13 commits
// however the committer groups them.
void fail_one_commit(const std::string& dir, std::uint64_t n, int error) {
    constexpr std::uint64_t commands = 400;
    std::set<std::string> acked, refused;
    {
        runtime_harness h;
        ASSERT_TRUE(
            h.open(dir, {.batch_size_max = 16, .pipeline_depth = 2, .storage_retry_ms = 1}).ok())
            << h.error;
        bootstrap(h);
        h.runtime->inject_commit_faults(
            [n, error](std::uint64_t commit) { return commit == n + 3 ? error : 0; });
        std::vector<std::uint64_t> tags;
        for (std::uint64_t r = 1; r <= commands; ++r)
            tags.push_back(h.submit(workload_finance, tagged_order(7, r), 7, r));
        for (std::uint64_t r = 1; r <= commands; ++r) {
            const outcome o = h.wait(tags[r - 1]);
            const std::string id = "7:" + std::to_string(r);
            if (o.verdict.ok()) {
                acked.insert(id);
            } else {
                EXPECT_EQ(o.verdict.code, rejection_code::storage_unavailable);
                refused.insert(id);
            }
        }
        // After the failure the engine takes writes again.
        std::uint64_t later = 1000;
        outcome o;
        do {
            o = h.run(workload_finance, tagged_order(7, later), 7, later);
            if (o.verdict.ok()) acked.insert("7:" + std::to_string(later));
            ++later;
        } while (!o.verdict.ok() && later < 2000);
        EXPECT_TRUE(o.verdict.ok()) << "writes never resumed";
        if (error != MDB_MAP_FULL) {
            EXPECT_EQ(h.runtime->stats().failed_commits, 1u);
        }
    }
    const state s = recovered(dir);
    const std::multiset<std::string> found = orders_in(s);
    for (const std::string& id : acked)
        EXPECT_EQ(found.count(id), 1u) << id << " acknowledged but lost";
    for (const std::string& id : refused)
        EXPECT_EQ(found.count(id), 0u) << id << " refused but kept";
    EXPECT_EQ(state_digest(s), state_digest(recovered(dir, from::log_start)));
}

TEST_F(durability, a_failed_commit_answers_storage_unavailable_and_loses_nothing_acknowledged) {
    for (const int error : {EIO, ENOSPC}) {
        for (std::uint64_t n = 1; n <= 6; ++n) {
            SCOPED_TRACE("error " + std::to_string(error) + " at commit " + std::to_string(n));
            temp_dir run_dir;
            fail_one_commit(run_dir.path(), n, error);
            if (HasFatalFailure()) return;
        }
    }
}

TEST_F(durability, a_full_map_at_commit_is_grown_transparently) {
    for (std::uint64_t n = 1; n <= 3; ++n) {
        temp_dir run_dir;
        fail_one_commit(run_dir.path(), n, MDB_MAP_FULL);
    }
}

// The snapshot thread replays the log through the log's own environment while the committer
// grows the map: LMDB forbids resizing under an open transaction of the same process (stampd
// once crashed in liblmdb this way at 2.4 GB of log). A tiny map makes it grow many times.
TEST_F(durability, the_map_grows_while_snapshots_replay_the_log) {
    std::uint64_t durable = 0;
    {
        runtime_harness h;
        ASSERT_TRUE(h.open(dir.path(), {.storage = {.log_map_size = 64 * 1024},
                                        .snapshot_every_records = 40,
                                        .snapshots_kept = 2})
                        .ok())
            << h.error;
        bootstrap(h);
        // In waves, so that commits (and the snapshots they trigger) keep coming while it grows.
        for (std::uint64_t wave = 0; wave < 40; ++wave) {
            std::vector<std::uint64_t> tags;
            for (std::uint64_t r = wave * 100 + 1; r <= wave * 100 + 100; ++r)
                tags.push_back(h.submit(workload_finance, tagged_order(3, r), 3, r));
            for (const std::uint64_t tag : tags)
                ASSERT_TRUE(h.wait(tag).verdict.ok());
        }
        h.runtime->stop();
        EXPECT_GE(h.runtime->stats().snapshots, 2u);
        durable = h.runtime->stats().durable_lsn;
    }
    const state s = recovered(dir.path());
    EXPECT_EQ(s.stamp_orders.size(), 4000u);
    EXPECT_EQ(state_digest(s), state_digest(recovered(dir.path(), from::log_start)));
    EXPECT_GE(durable, 4000u);
}

TEST_F(durability, reads_are_served_while_commits_fail) {
    runtime_harness h;
    ASSERT_TRUE(h.open(dir.path(), {.storage_retry_ms = 60'000}).ok()) << h.error;
    bootstrap(h);
    h.runtime->inject_commit_faults([](std::uint64_t) { return EIO; });
    EXPECT_EQ(h.run(workload_finance, tagged_order(1, 1)).verdict.code,
              rejection_code::storage_unavailable);
    EXPECT_EQ(h.run(workload_finance, tagged_order(1, 2)).verdict.code,
              rejection_code::storage_unavailable);
    std::size_t users = 0;
    h.read([&users](const state& s, const wal::read_context&) { users = s.users.size(); });
    EXPECT_EQ(users, 2u);
    EXPECT_FALSE(h.log_lines.empty());
}

TEST_F(durability, a_damaged_record_stops_recovery_and_names_its_lsn) {
    {
        runtime_harness h;
        ASSERT_TRUE(h.open(dir.path(), {.snapshot_every_records = 1'000'000}).ok()) << h.error;
        bootstrap(h);
        for (std::uint64_t r = 1; r <= 20; ++r)
            h.run(workload_finance, tagged_order(1, r));
        h.runtime->stop();
    }
    // Remove the snapshot taken at shutdown, so recovery reads the damaged record.
    std::filesystem::remove_all(dir / "snapshots");
    {
        std::unique_ptr<wal::lmdb_env> log;
        ASSERT_TRUE(wal::lmdb_env::open({.path = dir / "log"}, "records", log).ok());
        MDB_txn* txn = nullptr;
        ASSERT_EQ(mdb_txn_begin(log->env(), nullptr, 0, &txn), 0);
        std::uint8_t key_bytes[wal::lsn_key_size];
        wal::encode_lsn_key(11, key_bytes);
        MDB_val key{wal::lsn_key_size, key_bytes}, value;
        ASSERT_EQ(mdb_get(txn, log->dbi(), &key, &value), 0);
        std::vector<std::uint8_t> bytes(static_cast<std::uint8_t*>(value.mv_data),
                                        static_cast<std::uint8_t*>(value.mv_data) + value.mv_size);
        bytes.back() ^= 0x01;
        MDB_val changed{bytes.size(), bytes.data()};
        ASSERT_EQ(mdb_put(txn, log->dbi(), &key, &changed, 0), 0);
        ASSERT_EQ(mdb_txn_commit(txn), 0);
    }
    runtime_harness h;
    const wal::status s = h.open(dir.path());
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.what.find("LSN 11"), std::string::npos) << s.what;
    EXPECT_NE(s.what.find("checksum"), std::string::npos) << s.what;
}

TEST_F(durability, a_damaged_snapshot_is_passed_over_for_the_log) {
    {
        runtime_harness h;
        ASSERT_TRUE(h.open(dir.path()).ok()) << h.error;
        bootstrap(h);
        for (std::uint64_t r = 1; r <= 20; ++r)
            h.run(workload_finance, tagged_order(1, r));
    }
    {
        std::unique_ptr<wal::lmdb_env> snapshots;
        ASSERT_TRUE(wal::lmdb_env::open({.path = dir / "snapshots"}, "snapshots", snapshots).ok());
        MDB_txn* txn = nullptr;
        ASSERT_EQ(mdb_txn_begin(snapshots->env(), nullptr, 0, &txn), 0);
        MDB_cursor* cursor = nullptr;
        ASSERT_EQ(mdb_cursor_open(txn, snapshots->dbi(), &cursor), 0);
        MDB_val key, value;
        ASSERT_EQ(mdb_cursor_get(cursor, &key, &value, MDB_LAST), 0);
        std::vector<std::uint8_t> bytes(static_cast<std::uint8_t*>(value.mv_data),
                                        static_cast<std::uint8_t*>(value.mv_data) + value.mv_size);
        bytes[bytes.size() / 2] ^= 0x40;
        MDB_val changed{bytes.size(), bytes.data()};
        ASSERT_EQ(mdb_cursor_put(cursor, &key, &changed, MDB_CURRENT), 0);
        mdb_cursor_close(cursor);
        ASSERT_EQ(mdb_txn_commit(txn), 0);
    }
    runtime_harness h;
    ASSERT_TRUE(h.open(dir.path()).ok()) << h.error;
    EXPECT_EQ(h.runtime->recovered_lsn(), 22u);
    ASSERT_FALSE(h.log_lines.empty());
    EXPECT_NE(h.log_lines[0].find("snapshot checksum mismatch"), std::string::npos)
        << h.log_lines[0];
}

// A data directory of 2 + 300 records, with the snapshot taken at the stop (LSN 302): recovery
// reads no record of the log after it.
void write_log_and_snapshot(const std::string& dir) {
    runtime_harness h;
    ASSERT_TRUE(h.open(dir).ok()) << h.error;
    bootstrap(h);
    for (std::uint64_t r = 1; r <= 300; ++r)
        h.run(workload_finance, tagged_order(3, r));
    h.runtime->stop();
    EXPECT_EQ(h.runtime->stats().snapshot_lsn, 302u);
}

// Waits (up to 30 s) for the runtime's background check of the log to finish.
bool log_check_finishes(const runtime_harness& h) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!h.runtime->stats().log_check_done) {
        if (std::chrono::steady_clock::now() >= give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

// Recovery checks only the records after the snapshot it starts from: a record damaged before it
// went unnoticed by stampd (only stamp-audit verify saw it). The background check reads the rest.
TEST_F(durability, the_log_before_the_snapshot_is_checked_in_the_background) {
    ASSERT_NO_FATAL_FAILURE(write_log_and_snapshot(dir.path()));
    runtime_harness h;
    ASSERT_TRUE(h.open(dir.path()).ok()) << h.error;
    ASSERT_TRUE(log_check_finishes(h));
    const wal::runtime_stats s = h.runtime->stats();
    EXPECT_EQ(s.log_check_target_lsn, 302u);
    EXPECT_EQ(s.log_checked_lsn, 302u);
    EXPECT_EQ(s.log_damaged_lsn, 0u);
    h.runtime->stop();
    ASSERT_FALSE(h.log_lines.empty());
    EXPECT_NE(h.log_lines.back().find("log check: LSN 1..302 whole"), std::string::npos)
        << h.log_lines.back();
}

TEST_F(durability, a_damaged_record_before_the_snapshot_is_found_and_reported) {
    ASSERT_NO_FATAL_FAILURE(write_log_and_snapshot(dir.path()));
    {
        raw_env log(dir / "log", "records");
        std::vector<std::uint8_t> bytes = log.get(151);
        bytes.back() ^= 0x01;
        log.put(151, bytes);
    }
    runtime_harness h;
    ASSERT_TRUE(h.open(dir.path()).ok()) << h.error;  // the snapshot and after it are whole
    ASSERT_TRUE(log_check_finishes(h));
    const wal::runtime_stats s = h.runtime->stats();
    EXPECT_EQ(s.log_damaged_lsn, 151u);
    EXPECT_EQ(s.log_checked_lsn, 150u);
    // Still serving: a command after the damage is found is applied.
    EXPECT_TRUE(h.run(workload_finance, tagged_order(3, 301)).verdict.ok());
    h.runtime->stop();
    bool said = false;
    for (const std::string& line : h.log_lines) {
        said |= line.find("log check: LSN 151: checksum mismatch") != std::string::npos &&
                line.find("stamp-audit verify") != std::string::npos;
    }
    EXPECT_TRUE(said) << ::testing::PrintToString(h.log_lines);
}

TEST_F(durability, a_record_missing_before_the_snapshot_is_found_and_reported) {
    ASSERT_NO_FATAL_FAILURE(write_log_and_snapshot(dir.path()));
    raw_env(dir / "log", "records").remove(40);
    runtime_harness h;
    ASSERT_TRUE(h.open(dir.path()).ok()) << h.error;
    ASSERT_TRUE(log_check_finishes(h));
    EXPECT_EQ(h.runtime->stats().log_damaged_lsn, 40u);
}

// The writer's clock (wal/writer_clock.hpp) is the only one: a system clock stepped back never
// takes a read, a dry run or a command back in time (decide asserts that time never goes back,
// so a dry run stamped with the wall clock once let any user abort stampd).
TEST_F(durability, a_dry_run_after_the_clock_steps_back_is_answered) {
    constexpr std::int64_t start_us = 1'900'000'000'000'000;
    std::atomic<std::int64_t> now{start_us};
    runtime_harness h;
    wal::runtime_options o;
    o.clock = [&now] { return now.load(); };
    ASSERT_TRUE(h.open(dir.path(), o).ok()) << h.error;
    bootstrap(h);
    ASSERT_TRUE(h.run(workload_finance, tagged_order(1, 1)).verdict.ok());
    now -= std::int64_t{3600} * 1'000'000;  // the system clock steps back an hour
    rejection verdict = reject(rejection_code::not_found);
    std::int64_t read_at = 0, last_at = 0;
    h.read([&](const state& s, const wal::read_context& at) {
        event_list events;
        const context ctx{
            .lsn = at.applied_lsn + 1, .time_us = at.time_us, .user = workload_finance};
        verdict = dry_run(s, tagged_order(1, 2), ctx, events);
        read_at = at.time_us;
        last_at = s.last_time_us;
    });
    EXPECT_TRUE(verdict.ok()) << describe(verdict);
    EXPECT_EQ(read_at, start_us) << "the last time given again, not the clock's";
    EXPECT_EQ(last_at, start_us);
    EXPECT_TRUE(h.run(workload_finance, tagged_order(1, 2)).verdict.ok());
    h.runtime->stop();
    EXPECT_EQ(recovered(dir.path()).last_time_us, start_us);
}

TEST_F(durability, a_log_ahead_of_the_clock_is_served_at_its_own_time) {
    const std::int64_t ahead_us =
        wal::writer_clock::system_now_us() + std::int64_t{86400} * 1'000'000;
    {
        runtime_harness h;
        wal::runtime_options o;
        o.clock = [ahead_us] { return ahead_us; };
        ASSERT_TRUE(h.open(dir.path(), o).ok()) << h.error;
        bootstrap(h);
        ASSERT_TRUE(h.run(workload_finance, tagged_order(1, 1)).verdict.ok());
    }
    runtime_harness h;  // the system clock, a day behind the log
    ASSERT_TRUE(h.open(dir.path()).ok()) << h.error;
    std::int64_t read_at = 0;
    rejection verdict = reject(rejection_code::not_found);
    h.read([&](const state& s, const wal::read_context& at) {
        event_list events;
        verdict = dry_run(s, tagged_order(1, 2),
                          {.lsn = at.applied_lsn + 1, .time_us = at.time_us, .user = 2}, events);
        read_at = at.time_us;
    });
    EXPECT_TRUE(verdict.ok()) << describe(verdict);
    EXPECT_EQ(read_at, ahead_us);
    EXPECT_TRUE(h.run(workload_finance, tagged_order(1, 2)).verdict.ok());
}

// Subscribers get each durable record's events as the writer applied them: the same events the
// log holds for that LSN, decoded from its bytes.
TEST_F(durability, durable_records_carry_the_events_the_log_holds) {
    std::mutex mutex;
    std::map<std::uint64_t, std::vector<event>> pushed;
    {
        runtime_harness h;
        h.on_records = [&](std::span<const wal::durable_record> records) {
            std::lock_guard lock(mutex);
            for (const wal::durable_record& r : records) {
                EXPECT_FALSE(pushed.contains(r.lsn)) << "LSN " << r.lsn << " twice";
                pushed[r.lsn].assign(r.events.begin(), r.events.end());
            }
        };
        ASSERT_TRUE(h.open(dir.path()).ok()) << h.error;
        bootstrap(h);
        std::vector<std::uint64_t> tags;
        for (std::uint64_t r = 1; r <= 200; ++r)
            tags.push_back(h.submit(workload_finance, tagged_order(3, r), 3, r));
        for (const std::uint64_t tag : tags)
            ASSERT_TRUE(h.wait(tag).verdict.ok());
    }
    std::unique_ptr<wal::data_dir> d;
    ASSERT_TRUE(wal::data_dir::open_for_reading(dir.path(), d).ok());
    wal::log_reader reader(d->log(), 1, 0);
    wal::record_view record;
    event_list events;
    std::uint64_t records = 0;
    while (reader.next(record) == wal::record_status::ok) {
        ++records;
        ASSERT_TRUE(wal::decode_payload(record.payload, record.header.event_count, events));
        const auto it = pushed.find(record.header.lsn);
        ASSERT_NE(it, pushed.end()) << "LSN " << record.header.lsn << " never handed over";
        ASSERT_EQ(it->second.size(), events.size());
        for (std::size_t i = 0; i < events.size(); ++i)
            EXPECT_TRUE(it->second[i] == events[i]) << "LSN " << record.header.lsn;
    }
    EXPECT_EQ(records, 202u);
    EXPECT_EQ(pushed.size(), records);
}

}  // namespace
}  // namespace stampd::testing
