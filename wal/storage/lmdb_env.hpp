// One LMDB environment with one named database of LSN-keyed values: the log (DATA/log, database
// `records`) or the snapshots (DATA/snapshots, database `snapshots`); wal/storage/data_dir.hpp
// opens both. LMDB's rules, as lmdb.h states them, hold here: one write transaction at a time
// (an environment is written by one thread: the committer or the snapshotter); read transactions
// are short and may run on any thread (MDB_NOTLS); nothing is used after fork.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>

#include "wal/storage/status.hpp"

namespace stampd::wal {

struct env_options {
    std::string path;  // a directory; created when missing (read-write only)
    bool read_only = false;
    bool sync = true;                             // false: MDB_NOSYNC, UNSAFE, for benchmarks only
    std::size_t map_size = std::size_t{1} << 30;  // grows when full
    unsigned max_readers = 510;
    // Large values (snapshots): write pages through the map (MDB_WRITEMAP) and, before each
    // commit, push the dirty pages to disk this many bytes at a time. A commit's sync then finds
    // little left, and the log's own syncs on the same disk never wait behind hundreds of MB
    // written at once (ext4 orders a file's data before the journal commit of any fsync).
    // 0: plain commits.
    std::size_t flush_step = 0;
};

// One value to append: its LSN key and its bytes.
struct keyed_value {
    std::uint64_t lsn;
    std::span<const std::uint8_t> bytes;
};

class lmdb_env {
public:
    // Errors: the directory cannot be created, LMDB cannot open it (ENOENT for a read-only open
    // of a directory without an environment, MDB_INVALID for a file that is not one), or the
    // database is missing (MDB_NOTFOUND, read-only).
    static status open(const env_options& options, const char* database,
                       std::unique_ptr<lmdb_env>& out);
    ~lmdb_env();
    lmdb_env(const lmdb_env&) = delete;
    lmdb_env& operator=(const lmdb_env&) = delete;

    MDB_env* env() const { return _env; }
    MDB_dbi dbi() const { return _dbi; }
    std::size_t map_size() const;
    const env_options& options() const { return _options; }

    // Appends the values (LSNs increasing, above every key present) in one write transaction
    // and commits it: synced to disk when it returns ok, unless options.sync is false.
    status append(std::span<const keyed_value> values);

    // Puts one value (replacing any under the key), then deletes the oldest keys so that at most
    // `keep` remain, in one transaction.
    status put_and_trim(std::uint64_t lsn, std::span<const std::uint8_t> bytes, std::size_t keep);

    // The largest key (0 when the database is empty).
    status last_key(std::uint64_t& lsn) const;

    // Calls visit(lsn, value) for each key from the newest back, under one read transaction,
    // until it returns false. The value's bytes are valid during the call only.
    status newest_first(
        const std::function<bool(std::uint64_t, std::span<const std::uint8_t>)>& visit) const;

    // Tests only: fault(n) is asked before the n-th commit (from 1); a non-zero answer aborts
    // the transaction and is returned as if mdb_txn_commit had failed with it.
    void inject_commit_faults(std::function<int(std::uint64_t)> fault) {
        _fault = std::move(fault);
    }

private:
    lmdb_env() = default;
    // Runs body, which writes about `bytes` of values, in a write transaction and commits it.
    // On MDB_MAP_FULL (from the body or the commit) the map doubles and the whole transaction
    // runs again, a bounded number of times.
    status write(const char* what, std::size_t bytes, const std::function<int(MDB_txn*)>& body);
    // MDB_WRITEMAP: LMDB writes new pages through the map into a file as long as the map but
    // sparse past the pages in use, and on a full disk the kernel can answer a store to a page
    // without a block only with SIGBUS. So the blocks a transaction may write (`bytes` and a
    // margin, past the last page in use) are allocated before it begins: a full disk is then an
    // error here (ENOSPC), and the snapshot is logged and tried again later. No-op otherwise.
    status reserve(std::size_t bytes, const char* what);
    bool writes_through_map() const { return !_options.read_only && _options.flush_step > 0; }
    status grow();
    status commit(MDB_txn* txn, const char* what);
    // Creates and opens _env on _options.path and opens _database in it (creating both when
    // writing).
    status open_env();
    // After MDB_PANIC (LMDB's "fatal error": a meta page write failed), closes and opens the
    // environment again; the committer thread, between write transactions.
    void reopen_if_panicked();
    void flush_in_steps();

    friend class read_txn;

    env_options _options;
    std::string _database;
    bool _reopening = false;  // reopen_if_panicked is opening the environment
    MDB_env* _env = nullptr;
    // mdb_env_set_mapsize needs every transaction of this process closed (lmdb.h), and one
    // process may open an environment only once: readers on other threads (the snapshotter
    // replaying the log) hold this shared while their transaction is open, grow() exclusively.
    mutable std::shared_mutex _resize;
    MDB_dbi _dbi = 0;
    std::uint64_t _commits = 0;
    std::function<int(std::uint64_t)> _fault;
};

// A read-only transaction for the scope of the object (short: readers pin old pages).
class read_txn {
public:
    explicit read_txn(const lmdb_env& env);
    ~read_txn();
    read_txn(const read_txn&) = delete;
    read_txn& operator=(const read_txn&) = delete;

    const status& result() const { return _status; }
    MDB_txn* get() const { return _txn; }

private:
    std::shared_lock<std::shared_mutex> _resize;
    MDB_txn* _txn = nullptr;
    status _status;
};

// An LMDB value as bytes.
inline std::span<const std::uint8_t> bytes_of(const MDB_val& v) {
    return {static_cast<const std::uint8_t*>(v.mv_data), v.mv_size};
}

}  // namespace stampd::wal
