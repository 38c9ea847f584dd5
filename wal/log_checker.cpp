// See log_checker.hpp.
#include "wal/log_checker.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>

#include "wal/storage/log_reader.hpp"

namespace stampd::wal {
namespace {

// The lowest nice, not SCHED_IDLE: each batch holds a read transaction and the map's resize
// lock, which the committer needs to grow the map; at SCHED_IDLE on busy cores the holder could
// wait for CPU for seconds with every commit behind it. Nice 19 still runs, a little, at once.
void lower_priority() {
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
}

}  // namespace

log_checker::log_checker(const data_dir& dir, std::uint64_t snapshot_lsn,
                         std::uint64_t snapshot_chain, std::function<void(const std::string&)> log)
    : _dir(dir), _snapshot_chain(snapshot_chain), _log(std::move(log)) {
    _progress.target_lsn.store(snapshot_lsn, std::memory_order_relaxed);
}

void log_checker::found_damage(std::uint64_t lsn, const std::string& what) {
    _progress.damaged_lsn.store(lsn, std::memory_order_relaxed);
    _log("log check: LSN " + std::to_string(lsn) + ": " + what + ". The log before the snapshot " +
         "at LSN " + std::to_string(_progress.target_lsn.load(std::memory_order_relaxed)) +
         " is damaged: stampd serves that snapshot and the records after it, which were checked "
         "at start, but the log no longer proves the history before it. Run `stamp-audit verify "
         "--data " +
         _dir.path() + "` and restore the data directory from a backup");
}

void log_checker::run() {
    const std::uint64_t target = _progress.target_lsn.load(std::memory_order_relaxed);
    if (target == 0) {  // recovery read the whole log
        _progress.done.store(true, std::memory_order_release);
        return;
    }
    lower_priority();
    const auto started = std::chrono::steady_clock::now();
    std::uint64_t lsn = 0, chain = 0;
    bool damaged = false;
    while (lsn < target && !damaged && !_stopping.load(std::memory_order_relaxed)) {
        log_reader reader(_dir.log(), lsn + 1, chain);
        record_view record;
        for (std::uint64_t n = 0; n < records_a_transaction && lsn < target; ++n) {
            const record_status found = reader.next(record);
            if (found == record_status::ok) {
                lsn = record.header.lsn;
                chain = reader.chain();
                continue;
            }
            if (!reader.storage().ok()) {
                _log("log check: stopped at LSN " + std::to_string(reader.expected_lsn()) +
                     ", the log could not be read: " + reader.storage().message());
                _progress.done.store(true, std::memory_order_release);
                return;
            }
            found_damage(reader.expected_lsn(),
                         found == record_status::end
                             ? "missing: the log ends before the snapshot's LSN"
                             : std::string{to_string(found)});
            damaged = true;
            break;
        }
        _progress.checked_lsn.store(lsn, std::memory_order_relaxed);
    }
    if (!damaged && lsn < target) return;  // stopped before the end: nothing found, not done
    if (!damaged && lsn == target) {
        if (chain != _snapshot_chain) {
            found_damage(target, "the log's chain is not the one the snapshot recorded there");
        } else {
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
            _log("log check: LSN 1.." + std::to_string(target) +
                 " whole, its chain meets the snapshot's (" + std::to_string(took.count()) +
                 " s at idle priority)");
        }
    }
    _progress.done.store(true, std::memory_order_release);
}

}  // namespace stampd::wal
