// See replay.hpp.
#include "clients/audit/replay.hpp"

#include <chrono>

#include "clients/audit/progress.hpp"
#include "wal/storage/recovery.hpp"

namespace stampd::audit {

replay_result replay(const wal::lmdb_env& log, state& s, const replay_options& o,
                     const record_hook& hook) {
    using clock_type = std::chrono::steady_clock;
    const auto start = clock_type::now();
    replay_result r;
    progress bar(o.progress_label, o.to_lsn == UINT64_MAX ? 0 : o.to_lsn,
                 o.quiet || o.progress_label.empty());
    // The barcodes indexed once, when the replay ends (state.hpp): nothing replayed looks one up.
    const barcode_index_deferral deferral(s);
    event_list events;
    const auto consume = [&](const log_chunk& chunk) {
        for (std::size_t i = 0; i < chunk.records.size(); ++i) {
            const scanned_record& rec = chunk.records[i];
            if (!wal::apply_record(s, chunk.view(i), events)) {
                r.damaged = true;
                r.damage = {.lsn = rec.header.lsn,
                            .status = wal::record_status::bad_payload,
                            .what = wal::to_string(wal::record_status::bad_payload),
                            .resume_key = rec.header.lsn + 1};
                return false;
            }
            ++r.applied;
            r.last_lsn = rec.header.lsn;
            r.chain = rec.chain;
            if (hook) hook(rec, chunk.view(i).payload, events, s);
        }
        bar.update(r.applied);
        return true;
    };
    const scan_result scan = scan_log(
        log, {.to_lsn = o.to_lsn, .chunk_records_max = o.chunk_records_max, .threaded = o.threaded},
        consume);
    bar.finish(r.applied);
    r.checked = scan.records;
    if (scan.damaged) {
        r.damaged = true;
        r.damage = scan.damage;
    }
    r.ended_early = scan.ended_early;
    r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    return r;
}

}  // namespace stampd::audit
