// The engine made durable: the writer thread applies commands to the state, the log thread
// commits the batches waiting for it in one LMDB write transaction (synced) and only then
// releases their answers, and the snapshot thread keeps a follower state, caught up from the
// committed log, which it writes as snapshots — the writer never stops for a snapshot.
//
// Threads: submit() and query() from any thread; answers are delivered on the log thread, in
// LSN order. The writer applies further batches while one syncs (pipeline_depth at most); those
// that waited are committed together by the next sync.
// A failed commit answers its batch and every later one STORAGE_UNAVAILABLE, the writer rebuilds
// its state from disk, and writes are refused — reads still served — until a probe commits.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "engine/engine.hpp"
#include "wal/lmdb_env.hpp"
#include "wal/payload.hpp"

namespace stampd::wal {

struct engine_options {
    std::string data_dir;
    bool sync = true;                      // false: no fsync at all — UNSAFE, for benchmarks only
    std::uint32_t batch_size_max = 8192;   // commands in one group commit
    std::uint32_t pipeline_depth = 8;      // batches applied but not yet durable
    std::uint32_t ingress_max = 1u << 16;  // commands waiting for the writer
    // A snapshot replays the records since the last one and encodes the whole state: seconds of
    // CPU at millions of boxes (bench/RESULTS.md). Every 10 million records bounds recovery's
    // replay to about 7 s at the measured replay rate while costing the hot path a few percent.
    std::uint64_t snapshot_every_records = 10'000'000;
    std::uint32_t snapshot_every_seconds = 300;
    std::uint32_t snapshots_kept = 3;
    std::size_t log_map_size = std::size_t{1} << 30;
    std::size_t snapshot_map_size = std::size_t{1} << 30;
    std::uint32_t storage_retry_ms = 100;  // between probes while commits fail
    // Where the engine says what went wrong (a failed commit, a snapshot passed over).
    std::function<void(const std::string&)> log = [](const std::string& line) {
        std::fprintf(stderr, "stampd: %s\n", line.c_str());
    };
};

// A command from a session: the writer fills in LSN and time.
struct submission {
    command cmd;
    user_id user = id_none;
    station_id station = 0;
    std::uint64_t client = 0;
    std::uint64_t request = 0;
    std::uint64_t client_lsn = 0;  // the last accepted LSN the client has seen (context.hpp)
    std::uint64_t tag = 0;         // the caller's, handed back with the answer
};

struct answer {
    std::uint64_t tag = 0;
    outcome result;
};

// A read on the writer thread; its answer is delivered like a command's, after every batch
// before it is durable, so a reader never sees what could still be lost.
struct query_request {
    // Runs on the writer thread with the state and the LSN of the last command applied to it.
    std::function<void(const state&, std::uint64_t applied_lsn)> run;
    std::uint64_t tag = 0;
};

struct engine_stats {
    std::uint64_t durable_lsn = 0;
    std::uint64_t commits = 0;
    std::uint64_t records = 0;
    std::uint64_t failed_commits = 0;
    std::uint64_t snapshots = 0;
    std::uint64_t snapshot_lsn = 0;
};

class durable_engine {
public:
    // Called on the log thread with each batch's answers once it is durable (or failed).
    using answer_sink = std::function<void(std::span<const answer>)>;
    // Called on the log thread with each durable record (LSN, the whole record: header and
    // payload, wal/record_format.hpp), for subscriptions.
    using record_sink =
        std::function<void(std::uint64_t lsn, std::span<const std::uint8_t> payload)>;

    // Recovers the state from data_dir (creating it when empty) and starts the threads.
    static status open(const engine_options& options, answer_sink answers,
                       std::unique_ptr<durable_engine>& out, std::string& error,
                       record_sink records = {});
    ~durable_engine();  // stop()

    // False when ingress_max commands already wait: the caller stops reading (backpressure).
    bool submit(submission&& s);

    // A producer token of the ingress queue for one thread (an I/O thread): its submissions go
    // into the queue in bulk, in one sub-queue of their own. Not thread-safe; outlives no engine.
    class producer;
    std::unique_ptr<producer, void (*)(producer*)> make_producer();
    // Moves as many of `items` as there is room for into the queue, in order; returns how many.
    // The caller keeps the rest and stops reading until room frees (backpressure).
    // A read and the commands around it keep their order only through one producer: a session
    // sends both kinds through here.
    using ingress_item = std::variant<submission, query_request>;
    std::size_t submit_bulk(producer& p, std::span<ingress_item> items);
    bool query(query_request&& q);

    // Stops accepting, applies and commits what was submitted, takes a snapshot, joins.
    void stop();

    engine_stats stats() const;
    std::uint64_t recovered_lsn() const { return _recovered_lsn; }

    // Tests only: see lmdb_env::inject_commit_faults.
    void inject_commit_faults(std::function<int(std::uint64_t)> fault);

private:
    struct batch;
    using item = ingress_item;

    durable_engine() = default;
    void writer_loop();
    void log_loop();
    void snapshot_loop();
    void build_batch(batch& b, std::span<item> items);
    void rebuild_after_failure();
    batch* acquire_batch();
    void release_batch(batch* b);
    void take_snapshot(state& follower, std::uint64_t& lsn, std::uint64_t& chain);

    engine_options _options;
    answer_sink _answers;
    record_sink _records;
    std::unique_ptr<lmdb_env> _log;
    std::unique_ptr<lmdb_env> _snapshots;

    // Writer-owned.
    state _state;
    std::uint64_t _next_lsn = 1;
    std::uint64_t _chain = 0;
    std::int64_t _last_time_us = 0;
    std::uint64_t _generation = 0;
    std::uint64_t _recovered_lsn = 0;

    struct ingress;
    std::unique_ptr<ingress> _ingress;
    std::unique_ptr<payload_encoder> _encoder;
    std::atomic<std::uint32_t> _queued{0};
    std::atomic<bool> _stopping{false};

    // The pipeline between writer and log thread.
    std::mutex _pipe_mutex;
    std::condition_variable _pipe_cv;
    std::deque<batch*> _to_commit;
    std::vector<std::unique_ptr<batch>> _batches;
    std::vector<batch*> _free;
    bool _writer_done = false;

    // Failure protocol: the generation whose batches must fail, and the writer's acknowledgement.
    std::atomic<std::uint64_t> _failed_generation{UINT64_MAX};
    std::atomic<std::int64_t> _probe_after_us{0};

    std::atomic<std::uint64_t> _durable_lsn{0};
    std::atomic<std::uint64_t> _commits{0}, _records_count{0}, _failed_commits{0};
    std::atomic<std::uint64_t> _snapshots_taken{0}, _snapshot_lsn{0};
    std::mutex _snapshot_mutex;
    std::condition_variable _snapshot_cv;
    bool _log_done = false;

    std::thread _writer, _logger, _snapshotter;
    bool _stopped = false;
};

}  // namespace stampd::wal
