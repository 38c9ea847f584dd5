// The single writer (DESIGN.md): takes commands and reads from the ingress, decides and applies
// each command on the state with the writer's clock and the next LSN, encodes the accepted ones
// as log records (log_appender), runs reads and dry runs between them, and sends each batch to
// the committer. It never waits for a sync: it applies batch k + 1 while batch k syncs, as far as
// the pipe's depth allows. After a failed commit it rebuilds the state from the data directory
// before applying anything more (committer.hpp, the failure protocol).
//
// Threads: run() is the writer thread, the only one that touches the state.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "wal/batch_pipe.hpp"
#include "wal/committer.hpp"
#include "wal/ingress.hpp"
#include "wal/storage/data_dir.hpp"
#include "wal/storage/log_appender.hpp"
#include "wal/writer_clock.hpp"

namespace stampd::wal {

struct writer_options {
    std::uint32_t batch_size_max = 8192;  // items taken from the ingress at once
    std::function<void(const std::string&)> log;
};

class writer {
public:
    // `s` is the recovered state and `appender` stands at the end of its log.
    writer(const data_dir& dir, state& s, log_appender& appender, writer_clock& clock, ingress& in,
           batch_pipe& pipe, const failure_state& failures, writer_options options);

    // The writer thread: until the ingress is closed and empty; then the pipe is finished.
    void run();

private:
    void build(batch& b, std::span<ingress_item> items);
    void rebuild_after_failure();

    const data_dir& _dir;
    state& _state;
    log_appender& _appender;
    writer_clock& _clock;
    ingress& _in;
    batch_pipe& _pipe;
    const failure_state& _failures;
    writer_options _options;
    std::uint64_t _generation = 0;
    event_list _events;  // scratch: one command's events
};

}  // namespace stampd::wal
