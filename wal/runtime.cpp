// See runtime.hpp: opening, wiring the threads together, stopping.
#include "wal/runtime.hpp"

#include <pthread.h>

#include <algorithm>
#include <cassert>

#include "wal/storage/recovery.hpp"

namespace stampd::wal {
namespace {

std::thread named_thread(const char* name, std::function<void()> body) {
    return std::thread([name, body = std::move(body)] {
        pthread_setname_np(pthread_self(), name);
        body();
    });
}

}  // namespace

status runtime::open(const runtime_options& options, runtime_sinks sinks,
                     std::unique_ptr<runtime>& out) {
    std::unique_ptr<runtime> r(new runtime());
    r->_options = options;
    if (status s = data_dir::open_for_writing(options.storage, r->_dir); !s.ok()) return s;
    recovery_result recovered;
    if (status s = recover(*r->_dir, r->_state, recovered); !s.ok()) {
        return status{s.code, "recovering " + options.storage.path + ": " + s.what};
    }
    if (!recovered.notes.empty()) options.log(recovered.notes);
    // A directory from before DATA/DURABLE, or a crash before the mark moved: mark what is there.
    if (recovered.lsn > 0) {
        if (status s = r->_dir->mark()->write({.lsn = recovered.lsn, .chain = recovered.chain});
            !s.ok()) {
            return s;
        }
    }
    if (!options.seal_key.empty()) {
        if (options.seal_key.size() < seal_key_size_min) {
            return status{EINVAL,
                          "a seal key needs at least " + std::to_string(seal_key_size_min) +
                              " bytes, not " + std::to_string(options.seal_key.size()),
                          true};
        }
        if (status s = log_sealer::open(r->_dir->seal_path(), options.seal_key,
                                        options.seal_every_records, r->_dir->log(), recovered.lsn,
                                        recovered.chain, options.log, r->_sealer);
            !s.ok()) {
            return s;
        }
    }
    r->_notes = recovered.notes;
    r->_recovered_lsn = recovered.lsn;
    r->_progress.durable_lsn = recovered.lsn;
    r->_appender = std::make_unique<log_appender>(recovered.lsn, recovered.chain);
    r->_clock = std::make_unique<writer_clock>(
        r->_state.last_time_us, options.clock ? options.clock : writer_clock::system_now_us);
    r->_ingress = std::make_unique<ingress>(options.ingress_max);
    r->_pipe = std::make_unique<batch_pipe>(std::max(1u, options.pipeline_depth));
    r->_writer = std::make_unique<writer>(
        *r->_dir, r->_state, *r->_appender, *r->_clock, *r->_ingress, *r->_pipe, r->_failures,
        writer_options{.batch_size_max = options.batch_size_max, .log = options.log});
    r->_committer =
        std::make_unique<committer>(r->_dir->log(), *r->_pipe, r->_failures, r->_progress,
                                    committer_options{.storage_retry_ms = options.storage_retry_ms,
                                                      .slow_commit_ms = options.slow_commit_ms,
                                                      .log = options.log,
                                                      .answers = std::move(sinks.answers),
                                                      .records = std::move(sinks.records),
                                                      .mark = r->_dir->mark(),
                                                      .sealer = r->_sealer.get()});
    r->_snapshotter = std::make_unique<snapshotter>(
        *r->_dir, r->_progress,
        snapshotter_options{.every_records = options.snapshot_every_records,
                            .every_seconds = options.snapshot_every_seconds,
                            .kept = options.snapshots_kept,
                            .log = options.log});
    r->_checker = std::make_unique<log_checker>(*r->_dir, recovered.snapshot_lsn,
                                                recovered.snapshot_chain, options.log);
    runtime* p = r.get();
    p->_writer_thread = named_thread("stampd-writer", [p] { p->_writer->run(); });
    p->_committer_thread = named_thread("stampd-commit", [p] { p->_committer->run(); });
    p->_snapshotter_thread = named_thread("stampd-snapshot", [p] { p->_snapshotter->run(); });
    p->_checker_thread = named_thread("stampd-check", [p] { p->_checker->run(); });
    out = std::move(r);
    return {};
}

runtime::~runtime() {
    stop();
}

void runtime::stop() {
    if (_stopped) return;
    _stopped = true;
    if (!_ingress) return;  // open() failed before anything started
    if (_checker) _checker->stop();
    // The writer drains what was taken in, finishes the pipe; the committer answers it all and
    // tells the snapshotter, which writes a last snapshot.
    _ingress->close();
    if (_writer_thread.joinable()) _writer_thread.join();
    if (_committer_thread.joinable()) _committer_thread.join();
    if (_snapshotter_thread.joinable()) _snapshotter_thread.join();
    if (_checker_thread.joinable()) _checker_thread.join();
    assert(_ingress->queued() == 0);
}

runtime_stats runtime::stats() const {
    return runtime_stats{.durable_lsn = _progress.durable_lsn.load(),
                         .commits = _progress.commits.load(),
                         .records = _progress.records.load(),
                         .failed_commits = _progress.failed_commits.load(),
                         .snapshots = _snapshotter->snapshots_taken(),
                         .snapshot_lsn = _snapshotter->snapshot_lsn(),
                         .snapshot_failures = _snapshotter->failures(),
                         .snapshot_duration_us = _snapshotter->last_duration_us(),
                         .snapshot_written_us = _snapshotter->last_written_us(),
                         .slow_commits = _progress.slow_commits.load(),
                         .degraded = _failures.probe_after_us.load() != 0,
                         .ingress_queued = _ingress->queued(),
                         .ingress_capacity = _ingress->capacity(),
                         .log_check_target_lsn = _checker->progress().target_lsn.load(),
                         .log_checked_lsn = _checker->progress().checked_lsn.load(),
                         .log_damaged_lsn = _checker->progress().damaged_lsn.load(),
                         .log_check_done = _checker->progress().done.load()};
}

void runtime::inject_commit_faults(std::function<int(std::uint64_t)> fault) {
    _dir->log().inject_commit_faults(std::move(fault));
}

}  // namespace stampd::wal
