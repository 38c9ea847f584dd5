// The durable runtime of the engine: a data directory (wal/storage/), recovered at open, and the
// threads that serve it —
//   ingress      commands and reads in, from any thread (ingress.hpp)
//   writer       decides and applies them, with the only clock (writer.hpp, writer_clock.hpp)
//   committer    group commit, synced, then answers out (committer.hpp)
//   snapshotter  snapshots of a follower state (snapshotter.hpp)
//   checker      the log before the snapshot recovery started from, once, at idle priority
//                (log_checker.hpp)
// Answers and durable records are handed to the sinks on the committer thread, in LSN order.
//
// Threads: open() and stop() from one controlling thread; input() from any.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <thread>

#include "wal/batch_pipe.hpp"
#include "wal/committer.hpp"
#include "wal/ingress.hpp"
#include "wal/log_checker.hpp"
#include "wal/sealer.hpp"
#include "wal/snapshotter.hpp"
#include "wal/storage/data_dir.hpp"
#include "wal/storage/log_appender.hpp"
#include "wal/writer.hpp"
#include "wal/writer_clock.hpp"

namespace stampd::wal {

struct runtime_options {
    data_dir_options storage;              // where, and whether to sync (UNSAFE when false)
    std::uint32_t batch_size_max = 8192;   // commands in one batch
    std::uint32_t pipeline_depth = 8;      // batches applied but not yet durable
    std::uint32_t ingress_max = 1u << 16;  // commands and reads waiting for the writer
    // A snapshot replays the records since the last one and encodes the whole state: seconds of
    // CPU at millions of boxes (bench/RESULTS.md). Every 10 million records bounds recovery's
    // replay to about 7 s at the measured replay rate while costing the hot path a few percent.
    std::uint64_t snapshot_every_records = 10'000'000;
    std::uint32_t snapshot_every_seconds = 300;
    std::uint32_t snapshots_kept = 3;
    std::uint32_t storage_retry_ms = 100;  // between probes while commits fail
    std::uint32_t slow_commit_ms = 1000;   // a commit slower than this is logged (throttled)
    // A key (at least seal_key_size_min bytes) to seal the log with every seal_every_records
    // records and at shutdown (wal/storage/seal_file.hpp, wal/sealer.hpp); empty: none.
    std::string seal_key;
    std::uint64_t seal_every_records = 10'000;
    // Where the runtime says what went wrong (a failed commit, a snapshot passed over).
    std::function<void(const std::string&)> log = [](const std::string& line) {
        std::fprintf(stderr, "stampd: %s\n", line.c_str());
    };
    // The writer's clock reads this (tests step it back); the system clock when empty.
    writer_clock::source clock;
};

struct runtime_sinks {
    // Each batch's answers, once durable (or failed), on the committer thread.
    std::function<void(std::span<const answer>)> answers;
    // Each group's durable records with their events, before their answers.
    std::function<void(std::span<const durable_record>)> records;
};

struct runtime_stats {
    std::uint64_t durable_lsn = 0;
    std::uint64_t commits = 0;
    std::uint64_t records = 0;
    std::uint64_t failed_commits = 0;
    std::uint64_t snapshots = 0;
    std::uint64_t snapshot_lsn = 0;
    std::uint64_t snapshot_failures = 0;
    std::int64_t snapshot_duration_us = 0;  // the last one this process wrote
    std::int64_t snapshot_written_us = 0;   // when (µs since the epoch; 0: none yet)
    std::uint64_t slow_commits = 0;         // over slow_commit_ms
    bool degraded = false;                  // commits fail: writes are refused until one succeeds
    std::uint32_t ingress_queued = 0, ingress_capacity = 0;
    // The background check of the log before the snapshot recovery started from (log_checker).
    std::uint64_t log_check_target_lsn = 0;
    std::uint64_t log_checked_lsn = 0;
    std::uint64_t log_damaged_lsn = 0;  // 0: none found
    bool log_check_done = false;
};

class runtime {
public:
    // Opens the data directory for writing (taking its lock), recovers the state and starts the
    // threads. Errors: those of data_dir::open_for_writing, and recovery's (a damaged log).
    static status open(const runtime_options& options, runtime_sinks sinks,
                       std::unique_ptr<runtime>& out);
    ~runtime();  // stop()

    ingress& input() { return *_ingress; }

    // Refuses new input, applies and commits what was taken, answers it, takes a last snapshot
    // and joins the threads. Idempotent.
    void stop();

    runtime_stats stats() const;
    // The commits' time and size histograms (the metrics).
    const commit_progress& progress() const { return _progress; }
    std::uint64_t recovered_lsn() const { return _recovered_lsn; }
    const std::string& notes() const { return _notes; }  // what recovery passed over

    // Tests only: see lmdb_env::inject_commit_faults.
    void inject_commit_faults(std::function<int(std::uint64_t)> fault);

private:
    runtime() = default;

    runtime_options _options;
    std::unique_ptr<data_dir> _dir;
    state _state;  // the writer's
    std::unique_ptr<log_appender> _appender;
    std::unique_ptr<writer_clock> _clock;
    std::unique_ptr<ingress> _ingress;
    std::unique_ptr<batch_pipe> _pipe;
    failure_state _failures;
    commit_progress _progress;
    std::unique_ptr<writer> _writer;
    std::unique_ptr<committer> _committer;
    std::unique_ptr<snapshotter> _snapshotter;
    std::unique_ptr<log_checker> _checker;
    std::unique_ptr<log_sealer> _sealer;
    std::thread _writer_thread, _committer_thread, _snapshotter_thread, _checker_thread;
    std::uint64_t _recovered_lsn = 0;
    std::string _notes;
    bool _stopped = false;
};

}  // namespace stampd::wal
