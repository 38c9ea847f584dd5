// See durable_engine.hpp.
#include "wal/durable_engine.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <sys/stat.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <iterator>

#include "wal/payload.hpp"
#include "wal/record.hpp"
#include "wal/recovery.hpp"

namespace stampd::wal {
namespace {

std::int64_t now_us() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

outcome storage_unavailable(std::uint64_t lsn) {
    rejection r = reject(rejection_code::storage_unavailable);
    r.needed = static_cast<i64>(lsn);
    return outcome{.verdict = r};
}

}  // namespace

struct durable_engine::ingress {
    moodycamel::BlockingConcurrentQueue<item> queue;
};

struct durable_engine::batch {
    std::uint64_t generation = 0;
    std::vector<std::uint8_t> bytes;                           // the records, back to back
    std::vector<std::pair<std::size_t, std::size_t>> extents;  // (offset, size) per record
    std::vector<keyed_value> values;
    std::vector<answer> answers;
    std::uint64_t first_lsn = 0;

    void clear() {
        bytes.clear(), extents.clear(), values.clear(), answers.clear();
        first_lsn = 0;
    }
};

status durable_engine::open(const engine_options& options, answer_sink answers,
                            std::unique_ptr<durable_engine>& out, std::string& error,
                            record_sink records) {
    std::unique_ptr<durable_engine> e(new durable_engine());
    e->_options = options;
    e->_answers = std::move(answers);
    e->_records = std::move(records);
    env_options log_options{
        .path = options.data_dir + "/log", .sync = options.sync, .map_size = options.log_map_size};
    env_options snapshot_options{.path = options.data_dir + "/snapshots",
                                 .sync = options.sync,
                                 .map_size = options.snapshot_map_size,
                                 .flush_step = std::size_t{8} << 20};
    if (::mkdir(options.data_dir.c_str(), 0755) != 0 && errno != EEXIST) {
        return status{errno, "creating " + options.data_dir};
    }
    if (status s = lmdb_env::open(log_options, "records", e->_log); !s.ok()) return s;
    if (status s = lmdb_env::open(snapshot_options, "snapshots", e->_snapshots); !s.ok()) return s;
    recovery_result r;
    if (!recover(*e->_log, e->_snapshots.get(), e->_state, r, error)) {
        return status{MDB_CORRUPTED, "recovering " + options.data_dir + ": " + error};
    }
    if (!r.notes.empty()) options.log(r.notes);
    e->_next_lsn = r.lsn + 1;
    e->_chain = r.chain;
    e->_recovered_lsn = r.lsn;
    e->_last_time_us = e->_state.last_time_us;
    e->_durable_lsn = r.lsn;
    e->_snapshot_lsn = r.snapshot_lsn;
    e->_ingress = std::make_unique<ingress>();
    e->_encoder = std::make_unique<payload_encoder>();
    for (std::uint32_t i = 0; i < std::max(1u, options.pipeline_depth); ++i) {
        e->_batches.push_back(std::make_unique<batch>());
        e->_free.push_back(e->_batches.back().get());
    }
    e->_writer = std::thread([p = e.get()] {
        pthread_setname_np(pthread_self(), "stampd-writer");
        p->writer_loop();
    });
    e->_logger = std::thread([p = e.get()] {
        pthread_setname_np(pthread_self(), "stampd-log");
        p->log_loop();
    });
    e->_snapshotter = std::thread([p = e.get()] {
        pthread_setname_np(pthread_self(), "stampd-snapshot");
        // Snapshots are background work: replaying and encoding a large state takes seconds of
        // CPU, which on a small machine the writer, log and I/O threads need first. Linux nice
        // is per thread; failing to lower it costs only fairness.
        (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
        p->snapshot_loop();
    });
    out = std::move(e);
    return {};
}

durable_engine::~durable_engine() {
    stop();
}

bool durable_engine::submit(submission&& s) {
    if (_stopping.load(std::memory_order_acquire)) return false;
    if (_queued.fetch_add(1, std::memory_order_acq_rel) >= _options.ingress_max) {
        _queued.fetch_sub(1, std::memory_order_acq_rel);
        return false;
    }
    _ingress->queue.enqueue(item{std::move(s)});
    return true;
}

class durable_engine::producer {
public:
    explicit producer(moodycamel::BlockingConcurrentQueue<item>& queue) : token(queue) {}
    moodycamel::ProducerToken token;
};

std::unique_ptr<durable_engine::producer, void (*)(durable_engine::producer*)>
durable_engine::make_producer() {
    return {new producer(_ingress->queue), [](producer* p) { delete p; }};
}

std::size_t durable_engine::submit_bulk(producer& p, std::span<ingress_item> items) {
    if (_stopping.load(std::memory_order_acquire) || items.empty()) return 0;
    // Claim room for as many as fit, all at once.
    std::uint32_t queued = _queued.load(std::memory_order_acquire);
    std::size_t n = 0;
    do {
        if (queued >= _options.ingress_max) return 0;
        n = std::min<std::size_t>(items.size(), _options.ingress_max - queued);
    } while (!_queued.compare_exchange_weak(queued, queued + static_cast<std::uint32_t>(n),
                                            std::memory_order_acq_rel));
    const bool ok =
        _ingress->queue.enqueue_bulk(p.token, std::make_move_iterator(items.begin()), n);
    assert(ok);  // the token's sub-queue grows; only a failed allocation makes this false
    (void)ok;
    return n;
}

bool durable_engine::query(query_request&& q) {
    if (_stopping.load(std::memory_order_acquire)) return false;
    if (_queued.fetch_add(1, std::memory_order_acq_rel) >= _options.ingress_max) {
        _queued.fetch_sub(1, std::memory_order_acq_rel);
        return false;
    }
    _ingress->queue.enqueue(item{std::move(q)});
    return true;
}

void durable_engine::stop() {
    if (_stopped) return;
    _stopped = true;
    _stopping.store(true, std::memory_order_release);
    if (_writer.joinable()) _writer.join();
    if (_logger.joinable()) _logger.join();
    if (_snapshotter.joinable()) _snapshotter.join();
}

engine_stats durable_engine::stats() const {
    return engine_stats{.durable_lsn = _durable_lsn.load(),
                        .commits = _commits.load(),
                        .records = _records_count.load(),
                        .failed_commits = _failed_commits.load(),
                        .snapshots = _snapshots_taken.load(),
                        .snapshot_lsn = _snapshot_lsn.load()};
}

void durable_engine::inject_commit_faults(std::function<int(std::uint64_t)> fault) {
    _log->inject_commit_faults(std::move(fault));
}

durable_engine::batch* durable_engine::acquire_batch() {
    std::unique_lock lock(_pipe_mutex);
    _pipe_cv.wait(lock, [this] { return !_free.empty(); });
    batch* b = _free.back();
    _free.pop_back();
    return b;
}

void durable_engine::release_batch(batch* b) {
    b->clear();
    {
        std::lock_guard lock(_pipe_mutex);
        _free.push_back(b);
    }
    _pipe_cv.notify_all();
}

void durable_engine::writer_loop() {
    std::vector<item> items(_options.batch_size_max);
    moodycamel::ConsumerToken consumer(_ingress->queue);
    for (;;) {
        const std::size_t n = _ingress->queue.wait_dequeue_bulk_timed(
            consumer, items.begin(), items.size(), std::chrono::milliseconds(5));
        if (n == 0) {
            if (_stopping.load(std::memory_order_acquire) && _queued.load() == 0) break;
            continue;
        }
        _queued.fetch_sub(static_cast<std::uint32_t>(n), std::memory_order_acq_rel);
        if (_failed_generation.load(std::memory_order_acquire) == _generation) {
            rebuild_after_failure();
        }
        batch* b = acquire_batch();
        build_batch(*b, std::span(items).first(n));
        {
            std::lock_guard lock(_pipe_mutex);
            _to_commit.push_back(b);
        }
        _pipe_cv.notify_all();
    }
    {
        std::lock_guard lock(_pipe_mutex);
        _writer_done = true;
    }
    _pipe_cv.notify_all();
}

void durable_engine::build_batch(batch& b, std::span<item> items) {
    b.generation = _generation;
    b.first_lsn = _next_lsn;
    // While commits fail, one command a retry interval probes the disk; the others are refused
    // without being applied, and reads go on.
    const std::int64_t probe_after = _probe_after_us.load(std::memory_order_acquire);
    bool may_write = probe_after == 0 || now_us() >= probe_after;
    bool degraded = probe_after != 0;
    event_list events;
    std::vector<std::uint8_t> payload;
    payload_encoder& encoder = *_encoder;
    for (item& it : items) {
        if (auto* q = std::get_if<query_request>(&it)) {
            q->run(_state, _next_lsn - 1);
            b.answers.push_back(answer{.tag = q->tag});
            continue;
        }
        submission& sub = std::get<submission>(it);
        if (!may_write) {
            b.answers.push_back(answer{.tag = sub.tag, .result = storage_unavailable(0)});
            continue;
        }
        _last_time_us = std::max(_last_time_us, now_us());
        const context ctx{.lsn = _next_lsn,
                          .time_us = _last_time_us,
                          .user = sub.user,
                          .station = sub.station,
                          .client = sub.client,
                          .request = sub.request,
                          .client_lsn = sub.client_lsn};
        const outcome o = execute_request(_state, sub.cmd, ctx, events);
        if (o.verdict.ok() && !o.duplicate) {
            payload.clear();
            encoder.encode(events, payload);
            const record_fields fields{.lsn = ctx.lsn,
                                       .time_us = ctx.time_us,
                                       .user = ctx.user,
                                       .station = ctx.station,
                                       .client = ctx.client,
                                       .request = ctx.request,
                                       .previous_chain = _chain,
                                       .event_count = static_cast<std::uint16_t>(events.size())};
            const std::size_t offset = b.bytes.size();
            _chain = chain_after(_chain, encode_record(fields, payload, b.bytes));
            b.extents.emplace_back(offset, b.bytes.size() - offset);
            ++_next_lsn;
            if (degraded) may_write = false;  // one probe a batch
        }
        b.answers.push_back(answer{.tag = sub.tag, .result = o});
    }
    // The bytes are final: point the values at them.
    for (std::size_t i = 0; i < b.extents.size(); ++i) {
        const auto [offset, size] = b.extents[i];
        b.values.push_back(
            keyed_value{.lsn = b.first_lsn + i, .bytes = std::span(b.bytes).subspan(offset, size)});
    }
}

void durable_engine::rebuild_after_failure() {
    // Batches after the failed one were applied in memory only: go back to what is on disk.
    std::string error;
    recovery_result r;
    if (!recover(*_log, _snapshots.get(), _state, r, error)) {
        _options.log("cannot rebuild the state after a failed commit: " + error);
        std::abort();  // the log itself is damaged: stop before writing anything wrong
    }
    _next_lsn = r.lsn + 1;
    _chain = r.chain;
    ++_generation;
    _options.log("state rebuilt from disk at LSN " + std::to_string(r.lsn) +
                 "; writes are refused until a commit succeeds");
}

void durable_engine::log_loop() {
    std::vector<batch*> group;
    std::vector<keyed_value> merged;
    for (;;) {
        group.clear();
        {
            // Every batch that waited while the last commit synced goes into this one: one
            // transaction, one sync (group commit across batches). Batches of one generation only:
            // a failed commit separates what was applied before it from what comes after.
            std::unique_lock lock(_pipe_mutex);
            _pipe_cv.wait(lock, [this] { return !_to_commit.empty() || _writer_done; });
            if (_to_commit.empty()) break;
            const std::uint64_t generation = _to_commit.front()->generation;
            while (!_to_commit.empty() && _to_commit.front()->generation == generation) {
                group.push_back(_to_commit.front());
                _to_commit.pop_front();
            }
        }
        std::span<const keyed_value> values = group.front()->values;
        if (group.size() > 1) {
            merged.clear();
            for (const batch* b : group)
                merged.insert(merged.end(), b->values.begin(), b->values.end());
            values = merged;
        }
        bool failed =
            group.front()->generation == _failed_generation.load(std::memory_order_acquire);
        if (!failed && !values.empty()) {
            const status s = _log->append(values);
            if (!s.ok()) {
                failed = true;
                ++_failed_commits;
                _options.log("commit of LSN " + std::to_string(values.front().lsn) + ".." +
                             std::to_string(values.back().lsn) + " failed: " + s.message());
                _probe_after_us.store(now_us() + std::int64_t{_options.storage_retry_ms} * 1000);
                _failed_generation.store(group.front()->generation, std::memory_order_release);
            } else {
                _durable_lsn.store(values.back().lsn, std::memory_order_release);
                ++_commits;
                _records_count += values.size();
                if (_probe_after_us.exchange(0) != 0) _options.log("commits succeed again");
                if (_records) {
                    for (const keyed_value& v : values)
                        _records(v.lsn, v.bytes);
                }
            }
        }
        for (batch* b : group) {
            if (failed) {
                for (answer& a : b->answers)
                    a.result = storage_unavailable(b->first_lsn);
            }
            if (_answers) _answers(b->answers);
            release_batch(b);
        }
        _snapshot_cv.notify_all();
    }
    {
        std::lock_guard lock(_snapshot_mutex);
        _log_done = true;
    }
    _snapshot_cv.notify_all();
}

void durable_engine::take_snapshot(state& follower, std::uint64_t& lsn, std::uint64_t& chain) {
    const std::uint64_t durable = _durable_lsn.load(std::memory_order_acquire);
    std::uint64_t applied = 0;
    std::string error;
    if (!replay(*_log, follower, lsn, chain, durable, applied, error)) {
        _options.log("snapshot: cannot read the log: " + error);
        return;
    }
    std::vector<std::uint8_t> value;
    encode_snapshot_value(follower, chain, value);
    const status s = _snapshots->put_and_trim(lsn, value, _options.snapshots_kept);
    if (!s.ok()) {
        _options.log("snapshot at LSN " + std::to_string(lsn) + " not written: " + s.message());
        return;
    }
    _snapshot_lsn.store(lsn);
    ++_snapshots_taken;
}

void durable_engine::snapshot_loop() {
    // The follower starts where recovery did and follows the committed log.
    state follower;
    recovery_result r;
    std::string error;
    if (!recover(*_log, _snapshots.get(), follower, r, error)) {
        _options.log("snapshot thread: " + error);
        return;
    }
    std::uint64_t lsn = r.lsn, chain = r.chain;
    auto last = std::chrono::steady_clock::now();
    for (;;) {
        bool done = false;
        {
            std::unique_lock lock(_snapshot_mutex);
            _snapshot_cv.wait_for(lock, std::chrono::seconds(1), [&] {
                return _log_done || _durable_lsn.load() - _snapshot_lsn.load() >=
                                        _options.snapshot_every_records;
            });
            done = _log_done;
        }
        const std::uint64_t durable = _durable_lsn.load();
        const bool stale = std::chrono::steady_clock::now() - last >=
                           std::chrono::seconds(_options.snapshot_every_seconds);
        const bool due =
            durable > _snapshot_lsn.load() &&
            (done || stale || durable - _snapshot_lsn.load() >= _options.snapshot_every_records);
        if (due) {
            take_snapshot(follower, lsn, chain);
            last = std::chrono::steady_clock::now();
        }
        if (done) break;
    }
}

}  // namespace stampd::wal
