// See committer.hpp.
#include "wal/committer.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstring>

#include "wal/storage/record.hpp"

namespace stampd::wal {
namespace {

constexpr std::int64_t slow_commit_log_interval_us = 10'000'000;

outcome storage_unavailable(std::uint64_t lsn) {
    rejection r = reject(rejection_code::storage_unavailable);
    r.needed = static_cast<i64>(lsn);
    return outcome{.verdict = r};
}

}  // namespace

std::int64_t steady_now_us() {
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

const char* to_string(group_fate fate) {
    switch (fate) {
        case group_fate::refused:
            return "refused";
        case group_fate::answered:
            return "answered";
        case group_fate::durable:
            return "durable";
        case group_fate::failed:
            return "failed";
    }
    assert(false && "every group_fate has a name");
    return "?";
}

group_fate decide_group(bool generation_failed, bool has_records,
                        const std::function<bool()>& commit) {
    if (generation_failed) return group_fate::refused;
    if (!has_records) return group_fate::answered;
    return commit() ? group_fate::durable : group_fate::failed;
}

committer::committer(lmdb_env& log, batch_pipe& pipe, failure_state& failures,
                     commit_progress& progress, committer_options options)
    : _log(log),
      _pipe(pipe),
      _failures(failures),
      _progress(progress),
      _options(std::move(options)) {}

group_fate committer::commit_group(const std::vector<batch*>& group) {
    assert(!group.empty());
    const std::uint64_t generation = group.front()->generation;
    _merged.clear();
    for (batch* b : group) {
        assert(b->generation == generation);
        const std::span<const keyed_value> values = b->records.values();
        assert(_merged.empty() || values.empty() || _merged.back().lsn + 1 == values.front().lsn);
        _merged.insert(_merged.end(), values.begin(), values.end());
    }
    const bool generation_failed =
        generation == _failures.failed_generation.load(std::memory_order_acquire);
    return decide_group(generation_failed, !_merged.empty(), [&] {
        const std::int64_t started_us = steady_now_us();
        const status s = _log.append(_merged);
        if (s.ok()) {
            timed(started_us);
            return true;
        }
        _options.log("commit of LSN " + std::to_string(_merged.front().lsn) + ".." +
                     std::to_string(_merged.back().lsn) + " failed: " + s.message() +
                     "; writes are refused until a commit succeeds");
        return false;
    });
}

// A durable commit's time and size into the histograms; a slow one said, at most once an
// interval (a disk slowing down would otherwise fill the log as fast as it commits).
void committer::timed(std::int64_t started_us) {
    const std::int64_t now_us = steady_now_us();
    const std::int64_t took_us = now_us - started_us;
    _progress.commit_time_us.observe(static_cast<std::uint64_t>(took_us));
    _progress.group_records.observe(_merged.size());
    if (took_us < std::int64_t{_options.slow_commit_ms} * 1000) return;
    _progress.slow_commits.fetch_add(1, std::memory_order_relaxed);
    ++_slow_unsaid;
    _slowest_unsaid_us = std::max(_slowest_unsaid_us, took_us);
    if (_slow_said && now_us - _slow_said_at_us < slow_commit_log_interval_us) return;
    _options.log("slow commit: LSN " + std::to_string(_merged.front().lsn) + ".." +
                 std::to_string(_merged.back().lsn) + " (" + std::to_string(_merged.size()) +
                 " records) took " + std::to_string(took_us / 1000) + " ms to write and sync; " +
                 std::to_string(_slow_unsaid) + " commit(s) over slow_commit_ms = " +
                 std::to_string(_options.slow_commit_ms) + " since the last such line, the " +
                 "slowest " + std::to_string(_slowest_unsaid_us / 1000) +
                 " ms (every answer waits for its commit: look at the disk)");
    _slow_unsaid = 0;
    _slowest_unsaid_us = 0;
    _slow_said_at_us = now_us;
    _slow_said = true;
}

// After the sync, never before (durable_mark.hpp): the last record's LSN and the chain after it.
void committer::record_mark() {
    if (_options.mark == nullptr) return;
    const keyed_value& last = _merged.back();
    assert(last.bytes.size() >= record_header_size);
    record_header h;
    std::memcpy(&h, last.bytes.data(), record_header_size);
    assert(h.lsn == last.lsn);
    const status s =
        _options.mark->write({.lsn = h.lsn, .chain = chain_after(h.previous_chain, h.checksum)});
    if (!s.ok() && !_mark_failed) {
        _options.log("cannot record how far the log reached: " + s.message() +
                     " (commits go on; a damaged log would be noticed less)");
    }
    _mark_failed = !s.ok();
}

// After the answers, before the batches go back: every record into the seals' digest
// (sealer.hpp).
void committer::record_seals() {
    if (_options.sealer != nullptr) _options.sealer->add(_merged);
}

void committer::run() {
    std::vector<batch*> group;
    for (;;) {
        _pipe.take_group(group);
        if (group.empty()) break;
        const group_fate fate = commit_group(group);
        switch (fate) {
            case group_fate::durable:
                assert(_merged.back().lsn > _progress.durable_lsn.load());
                _progress.durable_lsn.store(_merged.back().lsn, std::memory_order_release);
                _progress.commits.fetch_add(1, std::memory_order_relaxed);
                _progress.records.fetch_add(_merged.size(), std::memory_order_relaxed);
                record_mark();
                if (_failures.probe_after_us.exchange(0) != 0)
                    _options.log("commits succeed again");
                break;
            case group_fate::failed:
                _progress.failed_commits.fetch_add(1, std::memory_order_relaxed);
                _failures.probe_after_us.store(steady_now_us() +
                                               std::int64_t{_options.storage_retry_ms} * 1000);
                _failures.failed_generation.store(group.front()->generation,
                                                  std::memory_order_release);
                break;
            case group_fate::refused:
            case group_fate::answered:
                break;
        }
        const bool refuse = fate == group_fate::refused || fate == group_fate::failed;
        if (fate == group_fate::durable && _options.records) {
            _durable.clear();
            for (const batch* b : group)
                b->durable_records(_durable);
            _options.records(_durable);
        }
        for (batch* b : group) {
            if (refuse) {
                for (answer& a : b->answers)
                    a.result = storage_unavailable(b->first_lsn);
            }
            if (_options.answers) _options.answers(b->answers);
        }
        // Sealed after the answers (no station waits for it), before the batches' bytes go back.
        if (fate == group_fate::durable) record_seals();
        for (batch* b : group)
            _pipe.release(b);
        _progress.changed.notify_all();
    }
    if (_options.sealer != nullptr) _options.sealer->finish();
    {
        std::lock_guard lock(_progress.mutex);
        _progress.done = true;
    }
    _progress.changed.notify_all();
}

}  // namespace stampd::wal
