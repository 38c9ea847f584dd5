// See report_source.hpp.
#include "clients/report/report_source.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <memory>

#include "engine/engine.hpp"
#include "wal/lmdb_env.hpp"
#include "wal/log_reader.hpp"
#include "wal/record.hpp"
#include "wal/recovery.hpp"

namespace stampd::report {
namespace {

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The newest snapshot at or before `at` that verifies, decoded into `out`; none is not an error
// (the log alone rebuilds everything). Snapshots that fail are passed over: the log is the truth.
void load_snapshot(const wal::lmdb_env& snapshots, std::uint64_t at, state& out, provenance& from) {
    wal::read_txn txn(snapshots);
    MDB_cursor* cursor = nullptr;
    if (!txn.result().ok() || mdb_cursor_open(txn.get(), snapshots.dbi(), &cursor) != 0) return;
    MDB_val key, value;
    for (int rc = mdb_cursor_get(cursor, &key, &value, MDB_LAST); rc == 0;
         rc = mdb_cursor_get(cursor, &key, &value, MDB_PREV)) {
        std::uint64_t lsn = 0;
        if (!wal::decode_lsn_key({static_cast<const std::uint8_t*>(key.mv_data), key.mv_size},
                                 lsn) ||
            lsn > at) {
            continue;
        }
        const wal::snapshot_check c = wal::check_snapshot_value(
            {static_cast<const std::uint8_t*>(value.mv_data), value.mv_size}, out,
            wal::snapshot_reading::for_reading);
        if (c.status == wal::snapshot_status::ok && out.last_lsn == lsn) {
            from.snapshot_lsn = lsn;
            from.chain = c.header.chain;
            from.digest = c.header.digest;
            break;
        }
        out = state{};
    }
    mdb_cursor_close(cursor);
}

}  // namespace

bool load_state(const source_options& options, state& out, provenance& from, std::string& error) {
    out = state{};
    from = provenance{};
    const std::string log_path = options.data_dir + "/log";
    if (!is_directory(log_path)) {
        error = options.data_dir + " is not a stampd data directory (no log/ in it)";
        return false;
    }
    std::unique_ptr<wal::lmdb_env> log, snapshots;
    if (wal::status st = wal::lmdb_env::open({.path = log_path, .read_only = true}, "records", log);
        !st.ok()) {
        error = "cannot open the log: " + st.message();
        return false;
    }
    if (wal::status st = wal::last_lsn(*log, from.log_end_lsn); !st.ok()) {
        error = "cannot read the log: " + st.message();
        return false;
    }
    const std::uint64_t to = options.at_lsn == 0 ? from.log_end_lsn : options.at_lsn;
    if (to > from.log_end_lsn) {
        error = "--at-lsn " + std::to_string(to) + " is past the end of the log (LSN " +
                std::to_string(from.log_end_lsn) + ")";
        return false;
    }
    const std::string snapshot_path = options.data_dir + "/snapshots";
    if (is_directory(snapshot_path) &&
        wal::lmdb_env::open({.path = snapshot_path, .read_only = true}, "snapshots", snapshots)
            .ok()) {
        load_snapshot(*snapshots, to, out, from);
    }
    from.to_lsn = from.snapshot_lsn;
    // Bounded: each pass applies at least one record or stops (the log ends at log_end_lsn).
    while (from.to_lsn < to) {
        const std::uint64_t chunk_end = std::min(to, from.to_lsn + replay_chunk_records);
        std::uint64_t applied = 0;
        if (!wal::replay(*log, out, from.to_lsn, from.chain, chunk_end, applied, error)) {
            return false;
        }
        from.replayed += applied;
        if (applied == 0) {
            error = "the log ends at LSN " + std::to_string(from.to_lsn) + ", before LSN " +
                    std::to_string(to);
            return false;
        }
    }
    // The snapshot's stored digest holds when nothing was replayed after it; otherwise computing
    // one costs a pass over the whole state, which reports skip unless asked.
    if (from.replayed > 0 || from.snapshot_lsn == 0) {
        from.digest = options.digest ? state_digest(out) : 0;
    }
    return true;
}

}  // namespace stampd::report
