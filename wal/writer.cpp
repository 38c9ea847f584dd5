// See writer.hpp.
#include "wal/writer.hpp"

#include <cassert>
#include <chrono>
#include <cstdlib>

#include "wal/storage/recovery.hpp"

namespace stampd::wal {
namespace {

// How long the writer waits for work before it looks whether it should stop.
constexpr std::chrono::microseconds idle_wait{5000};

outcome storage_unavailable() {
    return outcome{.verdict = reject(rejection_code::storage_unavailable)};
}

}  // namespace

writer::writer(const data_dir& dir, state& s, log_appender& appender, writer_clock& clock,
               ingress& in, batch_pipe& pipe, const failure_state& failures, writer_options options)
    : _dir(dir),
      _state(s),
      _appender(appender),
      _clock(clock),
      _in(in),
      _pipe(pipe),
      _failures(failures),
      _options(std::move(options)) {
    assert(_appender.next_lsn() == _state.last_lsn + 1);
    assert(_options.batch_size_max > 0);
}

void writer::run() {
    std::vector<ingress_item> items(_options.batch_size_max);
    for (;;) {
        const std::size_t n = _in.take(items, idle_wait);
        if (n == 0) {
            if (_in.closed() && _in.queued() == 0) break;
            continue;
        }
        if (_failures.failed_generation.load(std::memory_order_acquire) == _generation) {
            rebuild_after_failure();
        }
        batch* b = _pipe.acquire();
        build(*b, std::span(items).first(n));
        _pipe.send(b);
    }
    _pipe.finish();
}

void writer::build(batch& b, std::span<ingress_item> items) {
    assert(b.records.empty() && b.answers.empty() && b.events.empty());
    b.generation = _generation;
    b.first_lsn = _appender.next_lsn();
    // While commits fail, one command a retry interval probes the disk; the others are refused
    // without being applied, and reads go on.
    const std::int64_t probe_after = _failures.probe_after_us.load(std::memory_order_acquire);
    const bool degraded = probe_after != 0;
    bool may_write = !degraded || steady_now_us() >= probe_after;
    for (ingress_item& item : items) {
        if (auto* read = std::get_if<read_request>(&item)) {
            read->run(_state,
                      read_context{.applied_lsn = _state.last_lsn, .time_us = _clock.now()});
            b.answers.push_back(answer{.tag = read->tag});
            continue;
        }
        submission& sub = std::get<submission>(item);
        if (!may_write) {
            b.answers.push_back(answer{.tag = sub.tag, .result = storage_unavailable()});
            continue;
        }
        const context ctx{.lsn = _appender.next_lsn(),
                          .time_us = _clock.now(),
                          .user = sub.user,
                          .station = sub.station,
                          .client = sub.client,
                          .request = sub.request,
                          .client_lsn = sub.client_lsn,
                          .fingerprint = sub.fingerprint};
        const outcome o = execute_request(_state, sub.cmd, ctx, _events);
        if (o.verdict.ok() && !o.duplicate) {
            assert(_state.last_lsn == ctx.lsn);
            _appender.add(_events, ctx, b.records);
            const auto first = static_cast<std::uint32_t>(b.events.size());
            // Applied and encoded: the subscribers get the events themselves, moved, not copied.
            for (event& e : _events)
                b.events.push_back(std::move(e));
            b.record_info.push_back({.lsn = ctx.lsn,
                                     .time_us = ctx.time_us,
                                     .user = ctx.user,
                                     .station = ctx.station,
                                     .first = first,
                                     .count = static_cast<std::uint32_t>(_events.size())});
            if (degraded) may_write = false;  // one probe a batch
        }
        b.answers.push_back(answer{.tag = sub.tag, .result = o});
    }
    assert(b.answers.size() == items.size());
    assert(b.record_info.size() == b.records.size());
}

void writer::rebuild_after_failure() {
    // Batches after the failed one were applied in memory only: go back to what is on disk.
    recovery_result r;
    if (const status s = recover(_dir, _state, r); !s.ok()) {
        _options.log("cannot rebuild the state after a failed commit: " + s.message());
        std::abort();  // the log itself is damaged: stop before writing anything wrong
    }
    _appender.reset(r.lsn, r.chain);
    ++_generation;
    _options.log("state rebuilt from disk at LSN " + std::to_string(r.lsn) +
                 "; writes are refused until a commit succeeds");
}

}  // namespace stampd::wal
