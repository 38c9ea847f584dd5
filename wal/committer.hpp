// The committer: group commit and the failure protocol. It takes every batch the writer has sent
// (of one generation), appends their records in one LMDB write transaction, synced, and only
// then releases their answers and hands their records to subscribers — in LSN order, on the
// committer thread.
//
// The failure protocol, as a decision table (decide_group below is its code; every row has a
// test in tests/wal/committer_test.cpp):
//
//   | group's generation | records | commit  | answers              | then                        |
//   |--------------------|---------|---------|----------------------|-----------------------------|
//   | failed earlier     | any     | none    | STORAGE_UNAVAILABLE  | nothing: not written        |
//   | current            | none    | none    | as decided           | (reads and refusals only)   |
//   | current            | some    | ok      | as decided           | durable LSN moves, pushes;  |
//   |                    |         |         |                      | a degraded log is healthy   |
//   | current            | some    | fails   | STORAGE_UNAVAILABLE  | generation failed: the      |
//   |                    |         |         |                      | writer rebuilds from disk,  |
//   |                    |         |         |                      | then probes (below)         |
//
// A failed commit is never retried as if its data were safe (after a failed fsync the kernel may
// have dropped the pages: "fsyncgate"): its answers are refusals, the writer's state goes back to
// what the log holds, and the batches applied after it (the same generation) fail unwritten.
// While degraded, the writer lets one command a retry interval through as a probe; the first
// commit that succeeds ends it.
//
// Threads: run() is the committer thread; failure_state is read by the writer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "wal/batch_pipe.hpp"
#include "wal/histogram.hpp"
#include "wal/sealer.hpp"
#include "wal/storage/durable_mark.hpp"
#include "wal/storage/lmdb_env.hpp"

namespace stampd::wal {

// The decision table's rows.
enum class group_fate : std::uint8_t {
    refused,   // its generation failed earlier: answered STORAGE_UNAVAILABLE, not written
    answered,  // nothing to write: answered as decided
    durable,   // written and synced: answered as decided
    failed,    // the commit failed: answered STORAGE_UNAVAILABLE, its generation fails
};
const char* to_string(group_fate fate);

// What happens to a group: `commit` is called only when there is something to write, and
// answers whether the commit succeeded.
group_fate decide_group(bool generation_failed, bool has_records,
                        const std::function<bool()>& commit);

// Shared by the committer (which sets it) and the writer (which reads it before each batch).
struct failure_state {
    // The generation whose batches must fail unwritten (UINT64_MAX: none).
    std::atomic<std::uint64_t> failed_generation{UINT64_MAX};
    // While degraded: when the next probe may go (steady clock, µs); 0 when healthy.
    std::atomic<std::int64_t> probe_after_us{0};
};

// How far the log is durable, for stats, the snapshotter and shutdown.
struct commit_progress {
    std::atomic<std::uint64_t> durable_lsn{0};
    std::atomic<std::uint64_t> commits{0};
    std::atomic<std::uint64_t> records{0};
    std::atomic<std::uint64_t> failed_commits{0};
    // Each durable commit's time and size (the metrics), and how many took over slow_commit_ms.
    commit_time_histogram commit_time_us{commit_time_bounds_us};
    group_size_histogram group_records{group_size_bounds};
    std::atomic<std::uint64_t> slow_commits{0};
    // The snapshotter waits here for commits (and for the end).
    std::mutex mutex;
    std::condition_variable changed;
    bool done = false;  // the committer has released its last batch
};

// steady_clock microseconds: retry intervals, never the state's time.
std::int64_t steady_now_us();

struct committer_options {
    std::uint32_t storage_retry_ms = 100;  // between probes while commits fail
    // A commit slower than this is said (throttled: one line per slow_commit_log_interval).
    std::uint32_t slow_commit_ms = 1000;
    std::function<void(const std::string&)> log;
    std::function<void(std::span<const answer>)> answers;
    std::function<void(std::span<const durable_record>)> records;
    // Told the LSN and chain of the last record of every durable group (DATA/DURABLE).
    durable_mark_file* mark = nullptr;
    // Given every durable record, in LSN order, and told the end (sealer.hpp); none without a
    // seal key.
    log_sealer* sealer = nullptr;
};

class committer {
public:
    committer(lmdb_env& log, batch_pipe& pipe, failure_state& failures, commit_progress& progress,
              committer_options options);
    // The committer thread: until the writer has finished and every batch is answered.
    void run();

private:
    group_fate commit_group(const std::vector<batch*>& group);
    void record_mark();
    void timed(std::int64_t started_us);

    lmdb_env& _log;
    batch_pipe& _pipe;
    failure_state& _failures;
    commit_progress& _progress;
    committer_options _options;
    std::vector<keyed_value> _merged;      // scratch: the group's values
    std::vector<durable_record> _durable;  // scratch: the group's records
    bool _mark_failed = false;             // said once until a write succeeds
    // Slow commits since the last line said about them, the slowest of them, and when.
    std::uint64_t _slow_unsaid = 0;
    std::int64_t _slowest_unsaid_us = 0;
    std::int64_t _slow_said_at_us = 0;
    bool _slow_said = false;
    void record_seals();
};

}  // namespace stampd::wal
