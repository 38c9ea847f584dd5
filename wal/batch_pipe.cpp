// See batch_pipe.hpp.
#include "wal/batch_pipe.hpp"

#include <algorithm>
#include <cassert>

namespace stampd::wal {

void batch::clear() {
    generation = 0;
    first_lsn = 0;
    records.clear();
    events.clear();
    record_info.clear();
    answers.clear();
}

void batch::durable_records(std::vector<durable_record>& out) const {
    assert(record_info.size() == records.size());
    for (const record_events& r : record_info) {
        assert(r.first + r.count <= events.size());
        out.push_back(durable_record{.lsn = r.lsn,
                                     .time_us = r.time_us,
                                     .user = r.user,
                                     .station = r.station,
                                     .events = std::span(events).subspan(r.first, r.count)});
    }
}

batch_pipe::batch_pipe(std::uint32_t depth) {
    assert(depth > 0);
    for (std::uint32_t i = 0; i < depth; ++i) {
        _all.push_back(std::make_unique<batch>());
        _free.push_back(_all.back().get());
    }
}

batch* batch_pipe::acquire() {
    std::unique_lock lock(_mutex);
    _cv.wait(lock, [this] { return !_free.empty(); });
    batch* b = _free.back();
    _free.pop_back();
    return b;
}

void batch_pipe::send(batch* b) {
    {
        std::lock_guard lock(_mutex);
        assert(!_finished);
        assert(_sent.empty() || _sent.back()->generation <= b->generation);
        _sent.push_back(b);
    }
    _cv.notify_all();
}

void batch_pipe::finish() {
    {
        std::lock_guard lock(_mutex);
        _finished = true;
    }
    _cv.notify_all();
}

void batch_pipe::take_group(std::vector<batch*>& group) {
    group.clear();
    std::unique_lock lock(_mutex);
    _cv.wait(lock, [this] { return !_sent.empty() || _finished; });
    if (_sent.empty()) return;
    // A failed commit separates what the writer applied before it from what comes after: one
    // generation a group.
    const std::uint64_t generation = _sent.front()->generation;
    while (!_sent.empty() && _sent.front()->generation == generation) {
        group.push_back(_sent.front());
        _sent.pop_front();
    }
}

void batch_pipe::release(batch* b) {
    b->clear();
    {
        std::lock_guard lock(_mutex);
        assert(_free.size() < _all.size());
        _free.push_back(b);
    }
    _cv.notify_all();
}

}  // namespace stampd::wal
