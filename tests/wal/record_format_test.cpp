// The log's record format (wal/storage/record_format.hpp): one test per thing a reader can find, on
// real LMDB files (after LevelDB's db/log_test.cc).
#include <gtest/gtest.h>

#include <cstring>

#include "tests/support/temp_dir.hpp"
#include "wal/storage/log_reader.hpp"
#include "wal/storage/record.hpp"

namespace stampd::wal {
namespace {

class record_format : public ::testing::Test {
protected:
    testing::temp_dir dir;
    std::unique_ptr<lmdb_env> log;
    std::vector<std::vector<std::uint8_t>> records;  // what was written, by LSN − 1
    std::uint64_t chain = 0;

    void SetUp() override {
        const status s = lmdb_env::open({.path = dir / "log"}, "records", log);
        ASSERT_TRUE(s.ok()) << s.message();
    }

    // A well-formed record for the next LSN, with a payload of `size` bytes.
    std::vector<std::uint8_t> next_record(std::size_t size = 24) {
        std::vector<std::uint8_t> payload(size);
        for (std::size_t i = 0; i < size; ++i)
            payload[i] = static_cast<std::uint8_t>(i * 7 + records.size());
        std::vector<std::uint8_t> bytes;
        const record_fields fields{.lsn = records.size() + 1,
                                   .time_us = 1'000 + static_cast<std::int64_t>(records.size()),
                                   .user = 3,
                                   .station = 9,
                                   .client = 77,
                                   .request = records.size() + 1,
                                   .previous_chain = chain,
                                   .event_count = 1};
        chain = chain_after(chain, encode_record(fields, payload, bytes));
        records.push_back(bytes);
        return bytes;
    }

    void append(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            const std::vector<std::uint8_t> bytes = next_record();
            const keyed_value v{.lsn = records.size(), .bytes = records.back()};
            ASSERT_TRUE(log->append({&v, 1}).ok());
        }
    }

    // Writes any bytes under any key, as damage would.
    void put_raw(std::uint64_t lsn, const std::vector<std::uint8_t>& bytes) {
        MDB_txn* txn = nullptr;
        ASSERT_EQ(mdb_txn_begin(log->env(), nullptr, 0, &txn), 0);
        std::uint8_t key_bytes[lsn_key_size];
        encode_lsn_key(lsn, key_bytes);
        MDB_val key{lsn_key_size, key_bytes};
        MDB_val value{bytes.size(), const_cast<std::uint8_t*>(bytes.data())};
        ASSERT_EQ(mdb_put(txn, log->dbi(), &key, &value, 0), 0);
        ASSERT_EQ(mdb_txn_commit(txn), 0);
    }

    // Reads from LSN 1; returns the first finding that is not ok and the LSN it names.
    std::pair<record_status, std::uint64_t> read_all() {
        log_reader reader(*log, 1, 0);
        record_view r;
        for (;;) {
            const record_status s = reader.next(r);
            if (s != record_status::ok) return {s, reader.expected_lsn()};
        }
    }
};

TEST_F(record_format, a_clean_log_reads_to_a_clean_end) {
    append(5);
    log_reader reader(*log, 1, 0);
    record_view r;
    for (std::uint64_t lsn = 1; lsn <= 5; ++lsn) {
        ASSERT_EQ(reader.next(r), record_status::ok);
        EXPECT_EQ(r.header.lsn, lsn);
        EXPECT_EQ(r.header.user, 3u);
        EXPECT_EQ(r.header.request, lsn);
        EXPECT_EQ(r.payload.size(), 24u);
    }
    EXPECT_EQ(reader.next(r), record_status::end);
    EXPECT_EQ(reader.chain(), chain);
    std::uint64_t last = 0;
    ASSERT_TRUE(log->last_key(last).ok());
    EXPECT_EQ(last, 5u);
}

TEST_F(record_format, reading_from_the_middle_needs_the_chain_before) {
    append(4);
    std::uint64_t chain_2 = 0;
    {
        log_reader reader(*log, 1, 0);
        record_view r;
        reader.next(r), reader.next(r);
        chain_2 = reader.chain();
    }
    log_reader from_3(*log, 3, chain_2);
    record_view r;
    EXPECT_EQ(from_3.next(r), record_status::ok);
    log_reader wrong(*log, 3, chain_2 ^ 1);
    EXPECT_EQ(wrong.next(r), record_status::broken_chain);
}

TEST_F(record_format, a_changed_byte_is_a_bad_checksum) {
    append(3);
    std::vector<std::uint8_t> damaged = records[1];
    damaged[record_header_size + 5] ^= 0x10;
    put_raw(2, damaged);
    EXPECT_EQ(read_all(), std::make_pair(record_status::bad_checksum, std::uint64_t{2}));
}

TEST_F(record_format, a_changed_header_field_is_a_bad_checksum) {
    append(2);
    std::vector<std::uint8_t> damaged = records[0];
    damaged[offsetof(record_header, user)] ^= 1;
    put_raw(1, damaged);
    EXPECT_EQ(read_all(), std::make_pair(record_status::bad_checksum, std::uint64_t{1}));
}

TEST_F(record_format, a_removed_record_is_a_gap) {
    append(4);
    MDB_txn* txn = nullptr;
    ASSERT_EQ(mdb_txn_begin(log->env(), nullptr, 0, &txn), 0);
    std::uint8_t key_bytes[lsn_key_size];
    encode_lsn_key(3, key_bytes);
    MDB_val key{lsn_key_size, key_bytes};
    ASSERT_EQ(mdb_del(txn, log->dbi(), &key, nullptr), 0);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    EXPECT_EQ(read_all(), std::make_pair(record_status::gap, std::uint64_t{3}));
}

TEST_F(record_format, a_record_rewritten_with_a_new_chain_breaks_the_chain) {
    append(3);
    // A forger re-encodes LSN 2 with a valid checksum but cannot know the chain before it.
    std::vector<std::uint8_t> forged;
    encode_record({.lsn = 2, .time_us = 5, .user = 1, .previous_chain = 12345, .event_count = 1},
                  std::vector<std::uint8_t>(8, 1), forged);
    put_raw(2, forged);
    EXPECT_EQ(read_all(), std::make_pair(record_status::broken_chain, std::uint64_t{2}));
}

TEST_F(record_format, swapped_records_disagree_with_their_keys) {
    append(3);
    put_raw(2, records[2]);
    put_raw(3, records[1]);
    EXPECT_EQ(read_all(), std::make_pair(record_status::key_mismatch, std::uint64_t{2}));
}

TEST_F(record_format, a_newer_version_is_refused_not_guessed) {
    append(1);
    std::vector<std::uint8_t> newer = records[0];
    record_header h;
    std::memcpy(&h, newer.data(), sizeof h);
    h.version = record_version + 1;
    std::memcpy(newer.data(), &h, sizeof h);
    put_raw(1, newer);
    EXPECT_EQ(read_all(), std::make_pair(record_status::unknown_version, std::uint64_t{1}));
}

TEST_F(record_format, a_truncated_value_is_found) {
    append(2);
    // Cut copies are built from iterator ranges: GCC 12 under ASan misreads a shrinking
    // resize() as a growth by a negative size (-Wstringop-overflow).
    const std::vector<std::uint8_t>& whole = records[1];
    const std::vector<std::uint8_t> cut(whole.begin(), whole.end() - 3);
    put_raw(2, cut);
    EXPECT_EQ(read_all(), std::make_pair(record_status::truncated, std::uint64_t{2}));
    const std::vector<std::uint8_t> stub(whole.begin(), whole.begin() + (record_header_size - 1));
    put_raw(2, stub);
    EXPECT_EQ(read_all(), std::make_pair(record_status::truncated, std::uint64_t{2}));
}

TEST_F(record_format, bytes_that_are_not_a_record_have_a_bad_magic) {
    append(1);
    put_raw(2, std::vector<std::uint8_t>(record_header_size + 4, 0xAB));
    EXPECT_EQ(read_all(), std::make_pair(record_status::bad_magic, std::uint64_t{2}));
}

TEST_F(record_format, keys_are_big_endian_lsns) {
    std::uint8_t key[lsn_key_size];
    encode_lsn_key(0x0102030405060708ULL, key);
    EXPECT_EQ(key[0], 0x01);
    EXPECT_EQ(key[7], 0x08);
    std::uint64_t back = 0;
    ASSERT_TRUE(decode_lsn_key(key, back));
    EXPECT_EQ(back, 0x0102030405060708ULL);
}

TEST_F(record_format, appending_below_the_last_key_is_refused) {
    append(3);
    const std::vector<std::uint8_t> bytes = records[0];
    const keyed_value v{.lsn = 2, .bytes = bytes};
    const status s = log->append({&v, 1});
    EXPECT_EQ(s.code, MDB_KEYEXIST);  // MDB_APPEND: keys only ever grow
}

TEST_F(record_format, a_full_map_grows_and_the_append_goes_on) {
    testing::temp_dir small;
    std::unique_ptr<lmdb_env> tiny;
    ASSERT_TRUE(
        lmdb_env::open({.path = small / "log", .map_size = 64 * 1024}, "records", tiny).ok());
    const std::size_t before = tiny->map_size();
    std::vector<std::vector<std::uint8_t>> big;
    chain = 0;
    records.clear();
    for (int i = 0; i < 200; ++i) {
        const std::vector<std::uint8_t> bytes = next_record(2'000);
        const keyed_value v{.lsn = records.size(), .bytes = records.back()};
        const status s = tiny->append({&v, 1});
        ASSERT_TRUE(s.ok()) << s.message();
    }
    EXPECT_GT(tiny->map_size(), before);
    std::uint64_t last = 0;
    ASSERT_TRUE(tiny->last_key(last).ok());
    EXPECT_EQ(last, 200u);
}

}  // namespace
}  // namespace stampd::wal
