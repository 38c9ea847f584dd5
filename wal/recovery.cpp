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

snapshot_check check_snapshot_value(std::span<const std::uint8_t> value, state& out,
                                    snapshot_reading how) {
    snapshot_check c;
    out = state{};
    if (value.size() < snapshot_header_size) return c.status = snapshot_status::truncated, c;
    std::memcpy(&c.header, value.data(), snapshot_header_size);
    if (c.header.magic != snapshot_magic) return c.status = snapshot_status::bad_magic, c;
    if (c.header.version == 0 || c.header.version > snapshot_version) {
        return c.status = snapshot_status::unknown_version, c;
    }
    const auto state_bytes = value.subspan(snapshot_header_size);
    c.checksum = snapshot_checksum(c.header, state_bytes);
    if (c.checksum != c.header.checksum) return c.status = snapshot_status::bad_checksum, c;
    const bool verify = how == snapshot_reading::verify;
    const snapshot_error e = decode_snapshot(
        state_bytes, out, verify ? snapshot_indexes::all : snapshot_indexes::without_barcodes);
    if (e != snapshot_error::ok) {
        c.detail = std::string{to_string(e)};
        return c.status = snapshot_status::bad_state, c;
    }
    c.digest = verify ? state_digest(out) : c.header.digest;
    if (c.digest != c.header.digest || out.last_lsn != c.header.lsn) {
        c.status = snapshot_status::digest_mismatch;
    }
    return c;
}

const char* to_string(snapshot_status status) {
    switch (status) {
        case snapshot_status::ok:
            return "ok";
        case snapshot_status::truncated:
            return "snapshot truncated";
        case snapshot_status::bad_magic:
            return "not a snapshot (bad magic)";
        case snapshot_status::unknown_version:
            return "snapshot from a newer release";
        case snapshot_status::bad_checksum:
            return "snapshot checksum mismatch";
        case snapshot_status::bad_state:
            return "snapshot does not decode";
        case snapshot_status::digest_mismatch:
            return "snapshot digest differs from the state it holds";
    }
    return "?";
}

bool decode_snapshot_value(std::span<const std::uint8_t> value, state& out, std::uint64_t& lsn,
                           std::uint64_t& chain, std::string& error) {
    const snapshot_check c = check_snapshot_value(value, out);
    if (c.status != snapshot_status::ok) {
        out = state{};
        error = to_string(c.status);
        if (c.status == snapshot_status::bad_state) error += ": " + c.detail;
        return false;
    }
    lsn = c.header.lsn;
    chain = c.header.chain;
    return true;
}

context context_of(const record_header& h) {
    return context{.lsn = h.lsn,
                   .time_us = h.time_us,
                   .user = h.user,
                   .station = h.station,
                   .client = h.client,
                   .request = h.request};
}

bool apply_record(state& s, const record_view& record, event_list& events) {
    const record_header& h = record.header;
    if (h.event_count == 0 || !decode_payload(record.payload, h.event_count, events)) return false;
    apply_all(s, events, context_of(h));
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
        if (!apply_record(s, record, events)) {
            error = at_lsn(record.header.lsn, to_string(record_status::bad_payload));
            return false;
        }
        lsn = record.header.lsn;
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
