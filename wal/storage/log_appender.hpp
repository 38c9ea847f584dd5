// Where the log goes next, and the one way records are made: the next LSN, the chain so far and
// the payload encoder. The writer encodes each accepted command's events into a record_batch with
// it (the committer then appends the batch in one transaction); tools and tests that build a data
// directory record by record use append_now(). One thread (it reuses its encoder).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "engine/engine.hpp"
#include "wal/storage/lmdb_env.hpp"
#include "wal/storage/payload.hpp"

namespace stampd::wal {

// Records ready for one commit: their bytes back to back, and an LSN-keyed value for each.
class record_batch {
public:
    void clear();
    bool empty() const { return _extents.empty(); }
    std::size_t size() const { return _extents.size(); }
    std::uint64_t first_lsn() const { return _first_lsn; }
    std::uint64_t last_lsn() const { return _first_lsn + _extents.size() - 1; }
    // The values to append, pointing into this batch's bytes (valid until it changes).
    std::span<const keyed_value> values();

private:
    friend class log_appender;
    std::uint64_t _first_lsn = 0;
    std::vector<std::uint8_t> _bytes;
    std::vector<std::pair<std::size_t, std::size_t>> _extents;  // (offset, size) per record
    std::vector<keyed_value> _values;
};

class log_appender {
public:
    // The log ends at last_lsn, whose chain is `chain` (0, 0 for an empty log).
    log_appender(std::uint64_t last_lsn, std::uint64_t chain);

    std::uint64_t next_lsn() const { return _next_lsn; }
    std::uint64_t chain() const { return _chain; }
    // Back to where the log ends after a failed commit took the records made since.
    void reset(std::uint64_t last_lsn, std::uint64_t chain);

    // Encodes one accepted command's events, decided at ctx (ctx.lsn == next_lsn()), as the next
    // record at the end of `into`.
    void add(const event_list& events, const context& ctx, record_batch& into);

    // add() one record and append it to `log` at once, synced: for tools and tests that write a
    // data directory record by record. On failure the appender stays where it was.
    status append_now(lmdb_env& log, const event_list& events, const context& ctx);

private:
    std::uint64_t _next_lsn;
    std::uint64_t _chain;
    payload_encoder _encoder;
    std::vector<std::uint8_t> _payload;  // scratch
    record_batch _one;                   // append_now's
};

}  // namespace stampd::wal
