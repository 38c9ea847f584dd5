// The snapshotter: keeps a follower state, caught up from the committed log (never the writer's
// state: the writer never stops for a snapshot), and writes it as a snapshot every
// `every_records` durable records, every `every_seconds`, and once more when the runtime stops.
// It runs at a lower CPU priority: replaying and encoding a large state takes seconds of CPU
// that the writer, committer and I/O threads need first. A snapshot that cannot be written is
// logged and tried again at the next occasion; the log alone still recovers everything.
//
// Threads: run() is the snapshotter thread; it reads the log through its own read transactions.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "wal/committer.hpp"
#include "wal/storage/data_dir.hpp"

namespace stampd::wal {

struct snapshotter_options {
    std::uint64_t every_records = 10'000'000;
    std::uint32_t every_seconds = 300;
    std::uint32_t kept = 3;
    std::function<void(const std::string&)> log;
};

class snapshotter {
public:
    snapshotter(const data_dir& dir, commit_progress& progress, snapshotter_options options);
    // The snapshotter thread: until the committer is done (after one last snapshot).
    void run();

    std::uint64_t snapshots_taken() const { return _taken.load(std::memory_order_relaxed); }
    std::uint64_t snapshot_lsn() const { return _snapshot_lsn.load(std::memory_order_relaxed); }
    // The last snapshot this process wrote: how long it took (replaying the log up to it,
    // encoding and writing), in µs, and when it was written (system clock, µs since the epoch;
    // 0: none yet). Snapshots that could not be written, counted.
    std::int64_t last_duration_us() const { return _duration_us.load(std::memory_order_relaxed); }
    std::int64_t last_written_us() const { return _written_us.load(std::memory_order_relaxed); }
    std::uint64_t failures() const { return _failures.load(std::memory_order_relaxed); }

private:
    void take(state& follower, std::uint64_t& lsn, std::uint64_t& chain);

    const data_dir& _dir;
    commit_progress& _progress;
    snapshotter_options _options;
    std::atomic<std::uint64_t> _taken{0};
    std::atomic<std::uint64_t> _snapshot_lsn{0};
    std::atomic<std::int64_t> _duration_us{0}, _written_us{0};
    std::atomic<std::uint64_t> _failures{0};
    std::uint64_t _failed_in_a_row = 0;  // snapshotter thread only
};

}  // namespace stampd::wal
