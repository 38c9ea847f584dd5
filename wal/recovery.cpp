// See recovery.hpp.
#include "wal/recovery.hpp"

#define XXH_STATIC_LINKING_ONLY  // a stack-allocated XXH3 state: no allocation per record
#include <xxhash.h>

#include <cstring>

#include "engine/engine.hpp"
#include "engine/snapshot.hpp"
#include "wal/log_reader.hpp"
#include "wal/payload.hpp"
#include "wal/record.hpp"

namespace stampd::wal {
namespace {

std::uint64_t snapshot_checksum(snapshot_header header, std::span<const std::uint8_t> state_bytes) {
    header.checksum = 0;
    XXH3_state_t hash;
    XXH3_64bits_reset(&hash);
    XXH3_64bits_update(&hash, &header, sizeof header);
    XXH3_64bits_update(&hash, state_bytes.data(), state_bytes.size());
    return XXH3_64bits_digest(&hash);
}

std::string at_lsn(std::uint64_t lsn, const std::string& what) {
    return "LSN " + std::to_string(lsn) + ": " + what;
}

}  // namespace

void encode_snapshot_value(const state& s, std::uint64_t chain, std::vector<std::uint8_t>& out) {
    std::vector<std::uint8_t> state_bytes;
    encode_snapshot(s, state_bytes);
    snapshot_header header{.magic = snapshot_magic,
                           .version = snapshot_version,
                           .reserved = 0,
                           .lsn = s.last_lsn,
                           .chain = chain,
                           .digest = state_digest(s),
                           .checksum = 0};
    header.checksum = snapshot_checksum(header, state_bytes);
    out.resize(snapshot_header_size + state_bytes.size());
    std::memcpy(out.data(), &header, snapshot_header_size);
    std::memcpy(out.data() + snapshot_header_size, state_bytes.data(), state_bytes.size());
}

bool decode_snapshot_value(std::span<const std::uint8_t> value, state& out, std::uint64_t& lsn,
                           std::uint64_t& chain, std::string& error) {
    snapshot_header header;
    if (value.size() < snapshot_header_size) return error = "snapshot truncated", false;
    std::memcpy(&header, value.data(), snapshot_header_size);
    if (header.magic != snapshot_magic) return error = "not a snapshot (bad magic)", false;
    if (header.version == 0 || header.version > snapshot_version) {
        return error = "snapshot from a newer release", false;
    }
    const auto state_bytes = value.subspan(snapshot_header_size);
    if (snapshot_checksum(header, state_bytes) != header.checksum) {
        return error = "snapshot checksum mismatch", false;
    }
    if (const snapshot_error e = decode_snapshot(state_bytes, out); e != snapshot_error::ok) {
        return error = "snapshot does not decode: " + std::string{to_string(e)}, false;
    }
    if (state_digest(out) != header.digest || out.last_lsn != header.lsn) {
        out = state{};
        return error = "snapshot digest differs from the state it holds", false;
    }
    lsn = header.lsn;
    chain = header.chain;
    return true;
}

bool replay(const lmdb_env& log, state& s, std::uint64_t& lsn, std::uint64_t& chain,
            std::uint64_t to, std::uint64_t& applied, std::string& error) {
    log_reader reader(log, lsn + 1, chain);
    record_view record;
    event_list events;
    applied = 0;
    while (lsn < to) {
        const record_status found = reader.next(record);
        if (found == record_status::end) break;
        if (found != record_status::ok) {
            error = at_lsn(reader.expected_lsn(), to_string(found));
            if (!reader.storage().ok()) error += " (" + reader.storage().message() + ")";
            return false;
        }
        const record_header& h = record.header;
        if (h.event_count == 0 || !decode_payload(record.payload, h.event_count, events)) {
            error = at_lsn(h.lsn, to_string(record_status::bad_payload));
            return false;
        }
        const context ctx{.lsn = h.lsn,
                          .time_us = h.time_us,
                          .user = h.user,
                          .station = h.station,
                          .client = h.client,
                          .request = h.request};
        apply_all(s, events, ctx);
        lsn = h.lsn;
        chain = reader.chain();
        ++applied;
    }
    return true;
}

bool recover(const lmdb_env& log, const lmdb_env* snapshots, state& out, recovery_result& result,
             std::string& error) {
    out = state{};
    result = recovery_result{};
    if (snapshots != nullptr) {
        read_txn txn(*snapshots);
        MDB_cursor* cursor = nullptr;
        if (txn.result().ok() && mdb_cursor_open(txn.get(), snapshots->dbi(), &cursor) == 0) {
            MDB_val key, value;
            for (int rc = mdb_cursor_get(cursor, &key, &value, MDB_LAST); rc == 0;
                 rc = mdb_cursor_get(cursor, &key, &value, MDB_PREV)) {
                std::string why;
                if (decode_snapshot_value(
                        {static_cast<const std::uint8_t*>(value.mv_data), value.mv_size}, out,
                        result.snapshot_lsn, result.chain, why)) {
                    break;
                }
                result.notes += "passed over a snapshot: " + why + "; ";
                out = state{};
                result.snapshot_lsn = 0, result.chain = 0;
            }
            mdb_cursor_close(cursor);
        }
    }
    std::uint64_t log_end = 0;
    if (status st = last_lsn(log, log_end); !st.ok()) return error = st.message(), false;
    if (result.snapshot_lsn > log_end) {
        error = at_lsn(result.snapshot_lsn, "the snapshot is ahead of the log, which ends at LSN " +
                                                std::to_string(log_end));
        return false;
    }
    result.lsn = result.snapshot_lsn;
    return replay(log, out, result.lsn, result.chain, UINT64_MAX, result.replayed, error);
}

}  // namespace stampd::wal
