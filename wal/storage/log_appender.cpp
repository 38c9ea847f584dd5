// See log_appender.hpp.
#include "wal/storage/log_appender.hpp"

#include <cassert>

#include "wal/storage/record.hpp"

namespace stampd::wal {

void record_batch::clear() {
    _first_lsn = 0;
    _bytes.clear();
    _extents.clear();
    _values.clear();
}

std::span<const keyed_value> record_batch::values() {
    // The bytes are final once the batch is handed to a commit: point the values at them here,
    // not in add(), where the bytes may still move as they grow.
    _values.clear();
    for (std::size_t i = 0; i < _extents.size(); ++i) {
        const auto [offset, size] = _extents[i];
        _values.push_back(
            keyed_value{.lsn = _first_lsn + i, .bytes = std::span(_bytes).subspan(offset, size)});
    }
    return _values;
}

log_appender::log_appender(std::uint64_t last_lsn, std::uint64_t chain)
    : _next_lsn(last_lsn + 1), _chain(chain) {}

void log_appender::reset(std::uint64_t last_lsn, std::uint64_t chain) {
    _next_lsn = last_lsn + 1;
    _chain = chain;
}

void log_appender::add(const event_list& events, const context& ctx, record_batch& into) {
    assert(ctx.lsn == _next_lsn);
    assert(!events.empty() && events.size() <= constants::events_per_command_max);
    assert(into.empty() || into.last_lsn() + 1 == ctx.lsn);
    _payload.clear();
    _encoder.encode(events, _payload);
    const record_fields fields{.lsn = ctx.lsn,
                               .time_us = ctx.time_us,
                               .user = ctx.user,
                               .station = ctx.station,
                               .client = ctx.client,
                               .request = ctx.request,
                               .previous_chain = _chain,
                               .event_count = static_cast<std::uint16_t>(events.size()),
                               .fingerprint = ctx.fingerprint};
    if (into.empty()) into._first_lsn = ctx.lsn;
    const std::size_t offset = into._bytes.size();
    _chain = chain_after(_chain, encode_record(fields, _payload, into._bytes));
    into._extents.emplace_back(offset, into._bytes.size() - offset);
    ++_next_lsn;
}

status log_appender::append_now(lmdb_env& log, const event_list& events, const context& ctx) {
    const std::uint64_t lsn = _next_lsn, chain = _chain;
    _one.clear();
    add(events, ctx, _one);
    status s = log.append(_one.values());
    if (!s.ok()) reset(lsn - 1, chain);
    return s;
}

}  // namespace stampd::wal
