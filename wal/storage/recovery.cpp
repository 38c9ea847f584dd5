// See recovery.hpp.
#include "wal/storage/recovery.hpp"

#include <cassert>

#include "engine/engine.hpp"
#include "engine/snapshot.hpp"
#include "wal/storage/durable_mark.hpp"
#include "wal/storage/log_reader.hpp"
#include "wal/storage/payload.hpp"

namespace stampd::wal {
namespace {

std::string at_lsn(std::uint64_t lsn, const std::string& what) {
    return "LSN " + std::to_string(lsn) + ": " + what;
}

}  // namespace

context context_of(const record_header& h) {
    return context{.lsn = h.lsn,
                   .time_us = h.time_us,
                   .user = h.user,
                   .station = h.station,
                   .client = h.client,
                   .request = h.request,
                   .fingerprint = h.fingerprint};
}

bool apply_record(state& s, const record_view& record, event_list& events) {
    const record_header& h = record.header;
    if (h.event_count == 0 || !decode_payload(record.payload, h.event_count, events)) return false;
    assert(h.lsn == s.last_lsn + 1);  // log_reader found no gap
    apply_all(s, events, context_of(h));
    return true;
}

status replay(const lmdb_env& log, state& s, std::uint64_t& lsn, std::uint64_t& chain,
              std::uint64_t to, std::uint64_t& applied) {
    assert(s.last_lsn == lsn);
    const barcode_index_deferral deferral(s);  // the barcodes indexed once, at the end
    log_reader reader(log, lsn + 1, chain);
    record_view record;
    event_list events;
    applied = 0;
    while (lsn < to) {
        const record_status found = reader.next(record);
        if (found == record_status::end) break;
        if (found != record_status::ok) {
            if (!reader.storage().ok()) {
                return status{reader.storage().code,
                              at_lsn(reader.expected_lsn(), reader.storage().what)};
            }
            return corrupted(at_lsn(reader.expected_lsn(), to_string(found)));
        }
        if (!apply_record(s, record, events)) {
            return corrupted(at_lsn(record.header.lsn, to_string(record_status::bad_payload)));
        }
        lsn = record.header.lsn;
        chain = reader.chain();
        ++applied;
    }
    return {};
}

namespace {

// The log must reach what DATA/DURABLE says was durable, with the same chain there: a log that
// ends short of it, or forks from it, lost records it held (durable_mark.hpp).
status check_log_reaches(const data_dir& dir, const durable_mark& mark,
                         const recovery_result& result) {
    const std::string file = dir.mark_path();
    const std::string advice =
        ": the log is damaged, and stampd will not serve it as if it were whole. Restore the data "
        "directory from a backup; `stamp-audit verify --data " +
        dir.path() + "` shows what is left";
    if (mark.lsn > result.lsn) {
        return corrupted("the log ends at LSN " + std::to_string(result.lsn) + ", but LSN " +
                         std::to_string(mark.lsn) + " was durable (" + file + ")" + advice);
    }
    if (mark.lsn == 0) return {};
    if (mark.lsn == result.lsn) {
        if (mark.chain == result.chain) return {};
    } else {
        // The mark lags (written after the sync): the record after it must continue its chain.
        log_reader reader(dir.log(), mark.lsn + 1, mark.chain);
        record_view next;
        const record_status found = reader.next(next);
        if (found == record_status::ok) return {};
        if (!reader.storage().ok()) return reader.storage();
    }
    return corrupted("the log's chain at LSN " + std::to_string(mark.lsn) +
                     " is not the one recorded when that LSN was durable (" + file + ")" + advice);
}

}  // namespace

status recover(const data_dir& dir, state& out, recovery_result& result) {
    result = recovery_result{};
    // Read before the log: the writer moves the mark only after the log, so a reader beside a
    // running stampd never sees a mark ahead of the log it reads next.
    std::optional<durable_mark> mark;
    if (status s = dir.read_durable_mark(mark); !s.ok()) return s;
    std::uint64_t log_end = 0;
    if (status s = dir.log().last_key(log_end); !s.ok()) return s;
    loaded_snapshot loaded;
    if (status s = dir.load_newest_snapshot(UINT64_MAX, snapshot_reading::recover, out, loaded);
        !s.ok()) {
        return s;
    }
    result.notes = loaded.passed_over;
    if (loaded.lsn > 0 && loaded.format < snapshot_format_version) {
        // An earlier release wrote it: the state it holds lacks what this release keeps (a PO's
        // history, say), which a replay of the log gives. Replayed from LSN 1 instead, once: the
        // next snapshot is of this release's format. The state is then the one stamp-audit's
        // replay computes, and every later snapshot compares equal with it.
        result.notes += "the snapshot at LSN " + std::to_string(loaded.lsn) + " is of format " +
                        std::to_string(loaded.format) +
                        ", an earlier release's; this release writes format " +
                        std::to_string(snapshot_format_version) +
                        ", which holds more: replaying the log from LSN 1 instead (once; the "
                        "next snapshot is of format " +
                        std::to_string(snapshot_format_version) + "); ";
        out = state{};
        loaded = loaded_snapshot{};
    }
    if (loaded.lsn > log_end) {
        return corrupted(at_lsn(loaded.lsn, "the snapshot is ahead of the log, which ends at LSN " +
                                                std::to_string(log_end)));
    }
    result.snapshot_lsn = result.lsn = loaded.lsn;
    result.chain = result.snapshot_chain = loaded.chain;
    if (status s = replay(dir.log(), out, result.lsn, result.chain, UINT64_MAX, result.replayed);
        !s.ok()) {
        return s;
    }
    return mark ? check_log_reaches(dir, *mark, result) : status{};
}

}  // namespace stampd::wal
