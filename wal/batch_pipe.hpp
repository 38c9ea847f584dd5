// A batch: what the writer made of one take from the ingress — the records of the commands it
// accepted, their events (already decoded, for subscribers), and an answer for every command and
// read — and the pipe that carries batches from the writer to the committer and back.
// At most `depth` batches exist: the writer waits for a free one (applying batch k + 1 while
// batch k syncs, no further), the committer for written ones.
//
// Threads: the writer acquires and sends, the committer takes and releases; one mutex, held for
// a few pointer moves.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "engine/engine.hpp"
#include "wal/storage/log_appender.hpp"

namespace stampd::wal {

// The answer to one command or read, released once its batch is durable (or has failed).
struct answer {
    std::uint64_t tag = 0;
    outcome result;  // a read's is ok
};

// One durable record as subscribers get it: its context and its events, decoded.
struct durable_record {
    std::uint64_t lsn = 0;
    std::int64_t time_us = 0;
    user_id user = id_none;
    station_id station = 0;
    std::span<const event> events;
};

struct batch {
    std::uint64_t generation = 0;  // the writer's generation when it was made (failure protocol)
    std::uint64_t first_lsn = 0;   // the LSN its first record has or would have had
    record_batch records;
    std::vector<event> events;  // every record's events, in LSN order
    struct record_events {
        std::uint64_t lsn;
        std::int64_t time_us;
        user_id user;
        station_id station;
        std::uint32_t first;  // in events
        std::uint32_t count;
    };
    std::vector<record_events> record_info;
    std::vector<answer> answers;

    void clear();
    // Appends the batch's durable records (pointing into `events`) to `out`.
    void durable_records(std::vector<durable_record>& out) const;
};

class batch_pipe {
public:
    explicit batch_pipe(std::uint32_t depth);

    // Writer: a free batch, waiting while all `depth` are written and not yet committed.
    batch* acquire();
    // Writer: a filled batch, to be committed in order.
    void send(batch* b);
    // Writer: nothing more will be sent.
    void finish();

    // Committer: every sent batch of the oldest generation waiting (group commit across
    // batches); empty once finish() was called and nothing is left.
    void take_group(std::vector<batch*>& group);
    // Committer: a batch answered, free again.
    void release(batch* b);

private:
    std::mutex _mutex;
    std::condition_variable _cv;
    std::vector<std::unique_ptr<batch>> _all;
    std::vector<batch*> _free;
    std::deque<batch*> _sent;
    bool _finished = false;
};

}  // namespace stampd::wal
