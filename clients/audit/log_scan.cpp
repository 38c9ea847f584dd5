// See log_scan.hpp. The reader fills a chunk inside one read transaction and closes it before
// handing the chunk over; the hand-over is a ring of chunks_in_flight chunks under one mutex.
#include "clients/audit/log_scan.hpp"

#include <cassert>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "clients/audit/damage.hpp"
#include "wal/storage/log_reader.hpp"

namespace stampd::audit {
namespace {

// Where the reader is: the next LSN to read and the chain before it.
struct position {
    std::uint64_t next_lsn;
    std::uint64_t chain;
};

enum class fill_end : std::uint8_t { more, done, end_of_log, damaged };

// Reads records into `chunk` (cleared first) in one read transaction.
fill_end fill_chunk(const wal::lmdb_env& log, const scan_options& o, position& at, log_chunk& chunk,
                    log_damage& damage) {
    chunk.records.clear();
    chunk.payloads.clear();
    wal::record_status found = wal::record_status::ok;
    std::uint64_t damaged_lsn = 0;
    std::string storage;
    {
        wal::log_reader reader(log, at.next_lsn, at.chain);
        wal::record_view v;
        while (at.next_lsn <= o.to_lsn && chunk.records.size() < o.chunk_records_max &&
               chunk.payloads.size() < o.chunk_bytes_max) {
            found = reader.next(v);
            if (found != wal::record_status::ok) break;
            const std::size_t offset = chunk.payloads.size();
            chunk.payloads.resize(offset + v.payload.size());
            if (!v.payload.empty()) {
                std::memcpy(chunk.payloads.data() + offset, v.payload.data(), v.payload.size());
            }
            chunk.records.push_back({.header = v.header,
                                     .payload_at = static_cast<std::uint32_t>(offset),
                                     .chain = reader.chain()});
            at = {v.header.lsn + 1, reader.chain()};
        }
        damaged_lsn = reader.expected_lsn();
        if (!reader.storage().ok()) storage = reader.storage().message();
    }
    if (at.next_lsn > o.to_lsn) return fill_end::done;
    if (found == wal::record_status::end) {
        if (!storage.empty()) {
            damage = {.lsn = damaged_lsn,
                      .status = wal::record_status::truncated,
                      .what = "cannot be read: " + storage,
                      .resume_key = damaged_lsn + 1};
            return fill_end::damaged;
        }
        return fill_end::end_of_log;
    }
    if (found == wal::record_status::ok) return fill_end::more;
    damage = describe_damage(log, damaged_lsn, at.chain, found);
    if (!storage.empty()) damage.what += " (" + storage + ")";
    return fill_end::damaged;
}

void finish(scan_result& r, fill_end end, const scan_options& o) {
    if (end == fill_end::damaged) r.damaged = true;
    if (end == fill_end::end_of_log && o.to_lsn != UINT64_MAX) r.ended_early = true;
}

void count(scan_result& r, const log_chunk& chunk) {
    if (chunk.records.empty()) return;
    r.records += chunk.records.size();
    r.last_lsn = chunk.records.back().header.lsn;
    r.chain = chunk.records.back().chain;
}

scan_result scan_inline(const wal::lmdb_env& log, const scan_options& o,
                        const chunk_consumer& consume) {
    scan_result r{.last_lsn = o.from_lsn - 1, .chain = o.previous_chain};
    position at{o.from_lsn, o.previous_chain};
    log_chunk chunk;
    for (;;) {
        const fill_end end = fill_chunk(log, o, at, chunk, r.damage);
        count(r, chunk);
        if (!chunk.records.empty() && !consume(chunk)) return r.stopped = true, r;
        if (end != fill_end::more) return finish(r, end, o), r;
    }
}

// The ring between the reader thread and the consumer.
class chunk_ring {
public:
    log_chunk* acquire_empty() {
        std::unique_lock lock(_mutex);
        _cv.wait(lock, [&] { return _filled - _released < chunks_in_flight || _stop; });
        return _stop ? nullptr : &_chunks[_filled % chunks_in_flight];
    }
    void publish(fill_end end) {
        {
            std::lock_guard lock(_mutex);
            _ends[_filled % chunks_in_flight] = end;
            ++_filled;
        }
        _cv.notify_all();
    }
    // The next filled chunk and how its filling ended; waits for it.
    const log_chunk& take(fill_end& end) {
        std::unique_lock lock(_mutex);
        _cv.wait(lock, [&] { return _filled > _released; });
        end = _ends[_released % chunks_in_flight];
        return _chunks[_released % chunks_in_flight];
    }
    void release() {
        {
            std::lock_guard lock(_mutex);
            ++_released;
        }
        _cv.notify_all();
    }
    void stop() {
        {
            std::lock_guard lock(_mutex);
            _stop = true;
        }
        _cv.notify_all();
    }

private:
    std::mutex _mutex;
    std::condition_variable _cv;
    log_chunk _chunks[chunks_in_flight];
    fill_end _ends[chunks_in_flight]{};
    std::uint64_t _filled = 0;
    std::uint64_t _released = 0;
    bool _stop = false;
};

scan_result scan_threaded(const wal::lmdb_env& log, const scan_options& o,
                          const chunk_consumer& consume) {
    scan_result r{.last_lsn = o.from_lsn - 1, .chain = o.previous_chain};
    chunk_ring ring;
    log_damage damage;  // written by the reader before it publishes its last chunk
    std::thread reader([&] {
        position at{o.from_lsn, o.previous_chain};
        for (;;) {
            log_chunk* chunk = ring.acquire_empty();
            if (chunk == nullptr) return;
            const fill_end end = fill_chunk(log, o, at, *chunk, damage);
            ring.publish(end);
            if (end != fill_end::more) return;
        }
    });
    for (;;) {
        fill_end end = fill_end::more;
        const log_chunk& chunk = ring.take(end);
        count(r, chunk);
        const bool go_on = chunk.records.empty() || consume(chunk);
        ring.release();
        if (!go_on) {
            r.stopped = true;
            break;
        }
        if (end != fill_end::more) {
            finish(r, end, o);
            break;
        }
    }
    ring.stop();
    reader.join();
    if (r.damaged) r.damage = std::move(damage);
    return r;
}

}  // namespace

scan_result scan_log(const wal::lmdb_env& log, const scan_options& options,
                     const chunk_consumer& consume) {
    assert(options.from_lsn >= 1 && options.chunk_records_max > 0);
    return options.threaded ? scan_threaded(log, options, consume)
                            : scan_inline(log, options, consume);
}

}  // namespace stampd::audit
