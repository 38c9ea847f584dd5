// Reads the log in LSN order from a given LSN, checking each record on its own (record.hpp) and
// against the one before: no gap, and an unbroken chain. Holds one read transaction for its
// life: keep readers short-lived in long-running processes (LMDB pins the pages they see).
// One reader per thread.
#pragma once

#include <cstdint>

#include "wal/storage/lmdb_env.hpp"
#include "wal/storage/record.hpp"

namespace stampd::wal {

class log_reader {
public:
    // previous_chain: the chain of from_lsn − 1 (0 when reading from LSN 1).
    log_reader(const lmdb_env& log, std::uint64_t from_lsn, std::uint64_t previous_chain);
    ~log_reader();
    log_reader(const log_reader&) = delete;
    log_reader& operator=(const log_reader&) = delete;

    // The next record, `end` after the last, or what is wrong where it stopped. After anything
    // but `ok`, the reader stays where it is.
    record_status next(record_view& out);

    std::uint64_t expected_lsn() const { return _expected; }  // the LSN next() looks for
    std::uint64_t chain() const { return _chain; }            // after the last ok record
    const status& storage() const { return _storage; }        // an LMDB error, if any

private:
    read_txn _txn;
    MDB_cursor* _cursor = nullptr;
    std::uint64_t _expected;
    std::uint64_t _chain;
    bool _positioned = false;
    status _storage;
};

}  // namespace stampd::wal
