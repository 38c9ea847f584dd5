// A raw read-write LMDB handle on one environment of a data directory (log/ or snapshots/), for
// damaging it the way a disk or a careless hand would: get, put and remove values by LSN. Test
// code; one thread; the directory must not be open in a stampd at the same time.
#pragma once

#include <gtest/gtest.h>
#include <lmdb.h>

#include <cstdint>
#include <vector>

#include "wal/storage/record.hpp"

namespace stampd::testing {

class raw_env {
public:
    raw_env(const std::string& path, const char* database) {
        EXPECT_EQ(mdb_env_create(&_env), 0);
        mdb_env_set_maxdbs(_env, 4);
        EXPECT_EQ(mdb_env_open(_env, path.c_str(), 0, 0644), 0) << path;
        MDB_txn* txn = nullptr;
        EXPECT_EQ(mdb_txn_begin(_env, nullptr, 0, &txn), 0);
        EXPECT_EQ(mdb_dbi_open(txn, database, 0, &_dbi), 0);
        EXPECT_EQ(mdb_txn_commit(txn), 0);
    }
    ~raw_env() { mdb_env_close(_env); }
    raw_env(const raw_env&) = delete;
    raw_env& operator=(const raw_env&) = delete;

    std::vector<std::uint8_t> get(std::uint64_t lsn) {
        std::vector<std::uint8_t> out;
        with_txn([&](MDB_txn* txn) {
            MDB_val key = key_of(lsn), value;
            EXPECT_EQ(mdb_get(txn, _dbi, &key, &value), 0) << "no value under LSN " << lsn;
            const auto* bytes = static_cast<const std::uint8_t*>(value.mv_data);
            out.assign(bytes, bytes + value.mv_size);
        });
        return out;
    }
    void put(std::uint64_t lsn, const std::vector<std::uint8_t>& bytes) {
        with_txn([&](MDB_txn* txn) {
            MDB_val key = key_of(lsn);
            MDB_val value{bytes.size(), const_cast<std::uint8_t*>(bytes.data())};
            EXPECT_EQ(mdb_put(txn, _dbi, &key, &value, 0), 0);
        });
    }
    void remove(std::uint64_t lsn) {
        with_txn([&](MDB_txn* txn) {
            MDB_val key = key_of(lsn);
            EXPECT_EQ(mdb_del(txn, _dbi, &key, nullptr), 0);
        });
    }
    // Every key, in order.
    std::vector<std::uint64_t> keys() {
        std::vector<std::uint64_t> out;
        with_txn([&](MDB_txn* txn) {
            MDB_cursor* cursor = nullptr;
            mdb_cursor_open(txn, _dbi, &cursor);
            MDB_val key, value;
            for (int rc = mdb_cursor_get(cursor, &key, &value, MDB_FIRST); rc == 0;
                 rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)) {
                std::uint64_t lsn = 0;
                wal::decode_lsn_key({static_cast<const std::uint8_t*>(key.mv_data), key.mv_size},
                                    lsn);
                out.push_back(lsn);
            }
            mdb_cursor_close(cursor);
        });
        return out;
    }

private:
    MDB_val key_of(std::uint64_t lsn) {
        wal::encode_lsn_key(lsn, _key);
        return MDB_val{wal::lsn_key_size, _key};
    }
    template <typename F>
    void with_txn(F&& f) {
        MDB_txn* txn = nullptr;
        ASSERT_EQ(mdb_txn_begin(_env, nullptr, 0, &txn), 0);
        f(txn);
        ASSERT_EQ(mdb_txn_commit(txn), 0);
    }

    MDB_env* _env = nullptr;
    MDB_dbi _dbi = 0;
    std::uint8_t _key[wal::lsn_key_size];
};

}  // namespace stampd::testing
