// DATA/DURABLE (wal/storage/durable_mark.hpp) and the check recovery makes with it: a log that
// lost records it held — its tree damaged so that it looks shorter, or gone — is refused, never
// served as a shorter or an empty warehouse.
#include "wal/storage/durable_mark.hpp"

#include <gtest/gtest.h>
#include <lmdb.h>

#include <filesystem>
#include <fstream>

#include "tests/support/runtime_harness.hpp"
#include "tests/support/temp_dir.hpp"
#include "wal/storage/record.hpp"

namespace stampd::wal {
namespace {

using testing::runtime_harness;

TEST(durable_mark, the_newest_whole_slot_is_the_mark) {
    testing::temp_dir dir;
    const std::string file = dir / "DURABLE";
    std::optional<durable_mark> read;
    ASSERT_TRUE(durable_mark_file::read(file, read).ok());
    EXPECT_FALSE(read.has_value());  // no file: nothing recorded yet
    {
        std::unique_ptr<durable_mark_file> m;
        ASSERT_TRUE(durable_mark_file::open_for_writing(file, m).ok());
        ASSERT_TRUE(m->write({.lsn = 7, .chain = 70}).ok());
        ASSERT_TRUE(m->write({.lsn = 9, .chain = 90}).ok());
    }
    ASSERT_TRUE(durable_mark_file::read(file, read).ok());
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->lsn, 9u);
    EXPECT_EQ(read->chain, 90u);
    // A writer reopening the file continues the sequence: its next mark is the newest.
    {
        std::unique_ptr<durable_mark_file> m;
        ASSERT_TRUE(durable_mark_file::open_for_writing(file, m).ok());
        ASSERT_TRUE(m->write({.lsn = 10, .chain = 100}).ok());
    }
    ASSERT_TRUE(durable_mark_file::read(file, read).ok());
    EXPECT_EQ(read->lsn, 10u);
    // A torn write (one slot's bytes damaged) leaves the other slot: the mark before it.
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        for (std::streamoff at : {std::streamoff{0}, std::streamoff{64}}) {
            f.seekg(at + 16);
            char lsn = 0;
            f.read(&lsn, 1);
            if (lsn != 10) continue;
            f.seekp(at + 20);
            f.put('\x7F');
        }
    }
    ASSERT_TRUE(durable_mark_file::read(file, read).ok());
    EXPECT_EQ(read->lsn, 9u);
    // Both damaged: that is damage, not "nothing recorded".
    std::filesystem::resize_file(file, 0);
    std::filesystem::resize_file(file, 128);
    EXPECT_EQ(durable_mark_file::read(file, read).code, MDB_CORRUPTED);
}

class durable_mark_recovery : public ::testing::Test {
protected:
    testing::temp_dir dir;
    std::string data() const { return dir / "data"; }

    // A warehouse of 2 + 30 records, and no snapshot unless asked.
    void build(bool snapshot) {
        runtime_harness h;
        ASSERT_TRUE(h.open(data(), {.snapshot_every_records = snapshot ? 16u : 1'000'000u}).ok())
            << h.error;
        testing::bootstrap(h);
        for (std::uint64_t request = 1; request <= 30; ++request)
            h.run(testing::workload_finance, testing::tagged_order(5, request), 5, request);
        h.runtime->stop();
    }
    // Removes the keys above `keep` of one environment (log/ records, snapshots/ snapshots), as
    // damage to its tree would hide them; returns how many there were.
    std::uint64_t cut_to(const char* env_dir, const char* database, std::uint64_t keep) {
        MDB_env* env = nullptr;
        EXPECT_EQ(mdb_env_create(&env), 0);
        mdb_env_set_maxdbs(env, 4);
        EXPECT_EQ(mdb_env_open(env, (data() + env_dir).c_str(), 0, 0600), 0);
        MDB_txn* txn = nullptr;
        MDB_dbi dbi;
        EXPECT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
        EXPECT_EQ(mdb_dbi_open(txn, database, 0, &dbi), 0);
        std::uint64_t removed = 0;
        for (std::uint64_t lsn = keep + 1; lsn <= 32; ++lsn) {
            std::uint8_t key_bytes[lsn_key_size];
            encode_lsn_key(lsn, key_bytes);
            MDB_val key{sizeof key_bytes, key_bytes};
            if (mdb_del(txn, dbi, &key, nullptr) == 0) ++removed;
        }
        EXPECT_EQ(mdb_txn_commit(txn), 0);
        mdb_env_close(env);
        return removed;
    }
    status reopen() {
        runtime_harness h;
        return h.open(data());
    }
};

TEST_F(durable_mark_recovery, a_whole_log_reopens) {
    build(false);
    const status s = reopen();
    EXPECT_TRUE(s.ok()) << s.message();
}

TEST_F(durable_mark_recovery, a_log_short_of_the_mark_is_refused_with_a_snapshot_present) {
    build(true);
    // The case: recovery starts from a snapshot (the one at stop is removed, an older one
    // stays) and the log's tree has lost its last record.
    ASSERT_EQ(cut_to("/snapshots", "snapshots", 31), 1u);
    ASSERT_EQ(cut_to("/log", "records", 31), 1u);
    const status s = reopen();
    EXPECT_EQ(s.code, MDB_CORRUPTED);
    EXPECT_NE(s.message().find("the log ends at LSN 31, but LSN 32 was durable"), std::string::npos)
        << s.message();
}

TEST_F(durable_mark_recovery, an_emptied_log_is_not_an_empty_warehouse) {
    build(false);
    std::filesystem::remove_all(data() + "/log");
    std::filesystem::remove_all(data() + "/snapshots");
    const status s = reopen();
    EXPECT_EQ(s.code, MDB_CORRUPTED);
    EXPECT_NE(s.message().find("the log ends at LSN 0, but LSN 32 was durable"), std::string::npos)
        << s.message();
    EXPECT_NE(s.message().find("Restore the data directory from a backup"), std::string::npos);
}

TEST_F(durable_mark_recovery, a_log_whose_chain_differs_at_the_mark_is_refused) {
    build(false);
    // Another directory's log with as many records: same LSNs, another chain.
    const std::string other = dir / "other";
    {
        runtime_harness h;
        ASSERT_TRUE(h.open(other).ok());
        testing::bootstrap(h);
        for (std::uint64_t request = 1; request <= 30; ++request)
            h.run(testing::workload_finance, testing::tagged_order(6, request), 6, request);
        h.runtime->stop();
    }
    std::filesystem::remove_all(data() + "/log");
    std::filesystem::remove_all(data() + "/snapshots");
    std::filesystem::copy(other + "/log", data() + "/log");
    const status s = reopen();
    EXPECT_EQ(s.code, MDB_CORRUPTED);
    EXPECT_NE(s.message().find("the log's chain at LSN 32 is not the one recorded"),
              std::string::npos)
        << s.message();
}

}  // namespace
}  // namespace stampd::wal
