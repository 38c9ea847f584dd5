// See report_source.hpp.
#include "clients/report/report_source.hpp"

#include <algorithm>
#include <cerrno>
#include <memory>

#include "engine/engine.hpp"
#include "wal/storage/data_dir.hpp"
#include "wal/storage/recovery.hpp"

namespace stampd::report {

wal::status load_state(const source_options& options, state& out, provenance& from) {
    out = state{};
    from = provenance{};
    std::unique_ptr<wal::data_dir> dir;
    if (wal::status st = wal::data_dir::open_for_reading(options.data_dir, dir); !st.ok()) {
        return st;
    }
    if (wal::status st = dir->log().last_key(from.log_end_lsn); !st.ok()) return st;
    const std::uint64_t to = options.at_lsn == 0 ? from.log_end_lsn : options.at_lsn;
    if (to > from.log_end_lsn) {
        return wal::out_of_range("--at-lsn " + std::to_string(to) +
                                 " is past the end of the log (LSN " +
                                 std::to_string(from.log_end_lsn) + ")");
    }
    wal::loaded_snapshot loaded;
    const wal::snapshot_reading how = options.without_boxes
                                          ? wal::snapshot_reading::for_reading_without_boxes
                                          : wal::snapshot_reading::for_reading;
    if (wal::status st = dir->load_newest_snapshot(to, how, out, loaded); !st.ok()) return st;
    from.snapshot_lsn = from.to_lsn = loaded.lsn;
    from.chain = loaded.chain;
    from.digest = loaded.digest;
    // Bounded: each pass applies at least one record or stops (the log ends at log_end_lsn).
    while (from.to_lsn < to) {
        const std::uint64_t chunk_end = std::min(to, from.to_lsn + replay_chunk_records);
        std::uint64_t applied = 0;
        if (wal::status st =
                wal::replay(dir->log(), out, from.to_lsn, from.chain, chunk_end, applied);
            !st.ok()) {
            return st;
        }
        from.replayed += applied;
        if (applied == 0) {
            return wal::corrupted("the log ends at LSN " + std::to_string(from.to_lsn) +
                                  ", before LSN " + std::to_string(to));
        }
    }
    // The snapshot's stored digest holds when nothing was replayed after it; otherwise computing
    // one costs a pass over the whole state, which reports skip unless asked.
    if (from.replayed > 0 || from.snapshot_lsn == 0) {
        from.digest = options.digest ? state_digest(out) : 0;
    }
    return {};
}

}  // namespace stampd::report
