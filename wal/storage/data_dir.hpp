// A stampd data directory, and the only way into one for stampd, stamp-report, stamp-audit, the
// benchmarks and the tests:
//   DATA/log/        the write-ahead log: LMDB, database `records` (record_format.hpp)
//   DATA/snapshots/  the newest snapshots: LMDB, database `snapshots` (snapshot_format.hpp)
//   DATA/LOCK        held (flock) by the one process that writes, with its pid inside
//   DATA/DURABLE     how far the log reached, outside its tree (durable_mark.hpp)
// One writer at a time: open_for_writing() takes the lock and a second writer is refused, naming
// the holder's pid. Readers take no lock and never block the writer (LMDB's MVCC).
// A data_dir may be used from several threads: each LMDB read runs in its own short transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/state.hpp"
#include "wal/storage/durable_mark.hpp"
#include "wal/storage/lmdb_env.hpp"
#include "wal/storage/snapshot_value.hpp"
#include "wal/storage/status.hpp"

namespace stampd::wal {

struct data_dir_options {
    std::string path;
    bool sync = true;  // false: no fsync at all — UNSAFE, for benchmarks only
    std::size_t log_map_size = std::size_t{1} << 30;
    std::size_t snapshot_map_size = std::size_t{1} << 30;
};

// The snapshot a load began from (lsn 0: none verified; the log alone rebuilds everything).
struct loaded_snapshot {
    std::uint64_t lsn = 0;
    std::uint64_t chain = 0;   // the log's chain at lsn
    std::uint64_t digest = 0;  // the state's digest, from the snapshot's header
    std::uint32_t format = 0;  // the state's format (engine/snapshot.hpp)
    std::string passed_over;   // newer snapshots that failed their checks, and why
};

class data_dir {
public:
    // For the one writer: creates the directory and its environments when missing and takes the
    // lock. Errors: EWOULDBLOCK when another process (or another data_dir of this one) writes
    // there, naming its pid; errno or LMDB codes when something cannot be created or opened.
    static status open_for_writing(const data_dir_options& options, std::unique_ptr<data_dir>& out);

    // For readers: nothing is created and no lock taken. Errors: ENOENT when `path` is not a data
    // directory, the message naming the path and what is missing (the directory itself, log/ or
    // log/data.mdb); LMDB's codes when the log cannot be opened. A directory without snapshots
    // opens (snapshots() is then null).
    static status open_for_reading(const std::string& path, std::unique_ptr<data_dir>& out);

    ~data_dir();
    data_dir(const data_dir&) = delete;
    data_dir& operator=(const data_dir&) = delete;

    const std::string& path() const { return _path; }
    bool writable() const { return _lock_fd >= 0; }
    lmdb_env& log() const { return *_log; }
    lmdb_env* snapshots() const { return _snapshots.get(); }
    // The writer's DATA/DURABLE (null for readers).
    durable_mark_file* mark() const { return _mark.get(); }
    // DATA/DURABLE's path, and what it says (nothing when it does not exist).
    std::string mark_path() const;
    // DATA/SEALS (seal_file.hpp).
    std::string seal_path() const;
    status read_durable_mark(std::optional<durable_mark>& out) const;

    // The newest snapshot at or before `at` that passes the checks `how` makes, decoded into
    // `out`; when none does, `out` is empty and loaded.lsn is 0 (not an error). Snapshots that
    // fail are passed over for older ones: the log is the truth.
    status load_newest_snapshot(std::uint64_t at, snapshot_reading how, state& out,
                                loaded_snapshot& loaded) const;

private:
    data_dir() = default;

    std::string _path;
    int _lock_fd = -1;
    std::unique_ptr<lmdb_env> _log;
    std::unique_ptr<lmdb_env> _snapshots;
    std::unique_ptr<durable_mark_file> _mark;
};

}  // namespace stampd::wal
