// See snapshotter.hpp.
#include "wal/snapshotter.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cassert>
#include <chrono>

#include "wal/storage/recovery.hpp"

namespace stampd::wal {

snapshotter::snapshotter(const data_dir& dir, commit_progress& progress,
                         snapshotter_options options)
    : _dir(dir), _progress(progress), _options(std::move(options)) {
    assert(_dir.snapshots() != nullptr);
}

void snapshotter::take(state& follower, std::uint64_t& lsn, std::uint64_t& chain) {
    const auto started = std::chrono::steady_clock::now();
    const std::uint64_t durable = _progress.durable_lsn.load(std::memory_order_acquire);
    std::uint64_t applied = 0;
    if (const status s = replay(_dir.log(), follower, lsn, chain, durable, applied); !s.ok()) {
        _options.log("snapshot: cannot read the log: " + s.message());
        _failures.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    assert(lsn == durable && follower.last_lsn == lsn);
    std::vector<std::uint8_t> value;
    encode_snapshot_value(follower, chain, value);
    if (const status s = _dir.snapshots()->put_and_trim(lsn, value, _options.kept); !s.ok()) {
        ++_failed_in_a_row;
        _failures.fetch_add(1, std::memory_order_relaxed);
        _options.log("snapshot at LSN " + std::to_string(lsn) + " not written: " + s.message() +
                     " (tried again at the next occasion; the log alone recovers everything)");
        return;
    }
    if (_failed_in_a_row > 0) {
        _options.log("snapshot at LSN " + std::to_string(lsn) + " written, after " +
                     std::to_string(_failed_in_a_row) + " failed attempt(s)");
        _failed_in_a_row = 0;
    }
    using namespace std::chrono;
    _duration_us.store(duration_cast<microseconds>(steady_clock::now() - started).count(),
                       std::memory_order_relaxed);
    _written_us.store(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count(),
                      std::memory_order_relaxed);
    _snapshot_lsn.store(lsn, std::memory_order_relaxed);
    _taken.fetch_add(1, std::memory_order_relaxed);
}

void snapshotter::run() {
    // Linux nice is per thread; failing to lower it costs only fairness.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
    // The follower starts where recovery did and follows the committed log.
    state follower;
    recovery_result r;
    if (const status s = recover(_dir, follower, r); !s.ok()) {
        _options.log("snapshotter: " + s.message());
        return;
    }
    std::uint64_t lsn = r.lsn, chain = r.chain;
    _snapshot_lsn.store(r.snapshot_lsn, std::memory_order_relaxed);
    auto last = std::chrono::steady_clock::now();
    for (;;) {
        bool done = false;
        {
            std::unique_lock lock(_progress.mutex);
            _progress.changed.wait_for(lock, std::chrono::seconds(1), [&] {
                return _progress.done ||
                       _progress.durable_lsn.load() - snapshot_lsn() >= _options.every_records;
            });
            done = _progress.done;
        }
        const std::uint64_t durable = _progress.durable_lsn.load();
        const bool stale =
            std::chrono::steady_clock::now() - last >= std::chrono::seconds(_options.every_seconds);
        const bool due = durable > snapshot_lsn() &&
                         (done || stale || durable - snapshot_lsn() >= _options.every_records);
        if (due) {
            take(follower, lsn, chain);
            last = std::chrono::steady_clock::now();
        }
        if (done) break;
    }
}

}  // namespace stampd::wal
