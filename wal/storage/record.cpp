// See record.hpp.
#include "wal/storage/record.hpp"

#define XXH_STATIC_LINKING_ONLY  // a stack-allocated XXH3 state: no allocation per record
#include <xxhash.h>

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstring>

namespace stampd::wal {

static_assert(std::endian::native == std::endian::little, "headers are stored as native structs");

// XXH3 over the header (its checksum field zero) and then the payload, as one input. Most
// records are a hundred bytes or so: they are hashed in one call from a copy on the stack, which
// costs a fraction of the streaming state's reset, updates and digest (the same hash: XXH3's
// streaming and one-shot forms agree byte for byte).
std::uint64_t record_checksum(const record_header& header, std::span<const std::uint8_t> payload) {
    constexpr std::size_t one_shot_max = 512;
    record_header zeroed = header;
    zeroed.checksum = 0;
    if (record_header_size + payload.size() <= one_shot_max) {
        std::uint8_t bytes[one_shot_max];
        std::memcpy(bytes, &zeroed, record_header_size);
        if (!payload.empty())
            std::memcpy(bytes + record_header_size, payload.data(), payload.size());
        return XXH3_64bits(bytes, record_header_size + payload.size());
    }
    XXH3_state_t state;
    XXH3_64bits_reset(&state);
    XXH3_64bits_update(&state, &zeroed, sizeof zeroed);
    XXH3_64bits_update(&state, payload.data(), payload.size());
    return XXH3_64bits_digest(&state);
}

// The record is written in place with its checksum zero, hashed where it lies, and the checksum
// then filled in: no copy and no streaming state.
std::uint64_t encode_record(const record_fields& f, std::span<const std::uint8_t> payload,
                            std::vector<std::uint8_t>& out) {
    assert(payload.size() <= record_payload_size_max);
    const record_header header{.magic = record_magic,
                               .version = record_version,
                               .event_count = f.event_count,
                               .lsn = f.lsn,
                               .time_us = f.time_us,
                               .user = f.user,
                               .station = f.station,
                               .client = f.client,
                               .request = f.request,
                               .previous_chain = f.previous_chain,
                               .payload_size = static_cast<std::uint32_t>(payload.size()),
                               .fingerprint = f.fingerprint,
                               .checksum = 0};
    const std::size_t at = out.size();
    out.resize(at + record_header_size + payload.size());
    std::memcpy(out.data() + at, &header, record_header_size);
    if (!payload.empty()) {
        std::memcpy(out.data() + at + record_header_size, payload.data(), payload.size());
    }
    const std::uint64_t checksum =
        XXH3_64bits(out.data() + at, record_header_size + payload.size());
    std::memcpy(out.data() + at + checksum_offset, &checksum, sizeof checksum);
    return checksum;
}

std::uint64_t chain_after(std::uint64_t previous_chain, std::uint64_t checksum) {
    return XXH3_64bits_withSeed(&checksum, sizeof checksum, previous_chain);
}

record_status parse_record(std::span<const std::uint8_t> value, std::uint64_t key_lsn,
                           record_view& out) {
    if (value.size() < record_header_size) return record_status::truncated;
    std::memcpy(&out.header, value.data(), record_header_size);
    const record_header& h = out.header;
    if (h.magic != record_magic) return record_status::bad_magic;
    if (h.version == 0 || h.version > record_version) return record_status::unknown_version;
    if (h.payload_size > record_payload_size_max ||
        value.size() < record_header_size + h.payload_size) {
        return record_status::truncated;
    }
    out.payload = value.subspan(record_header_size, h.payload_size);
    // Bytes past the payload count as damage: the checksum does not cover them.
    if (value.size() != record_header_size + h.payload_size) return record_status::bad_checksum;
    if (record_checksum(h, out.payload) != h.checksum) return record_status::bad_checksum;
    if (h.lsn != key_lsn) return record_status::key_mismatch;
    return record_status::ok;
}

void encode_lsn_key(std::uint64_t lsn, std::uint8_t (&key)[lsn_key_size]) {
    for (std::size_t i = 0; i < lsn_key_size; ++i) {
        key[i] = static_cast<std::uint8_t>(lsn >> (8 * (lsn_key_size - 1 - i)));
    }
}

bool decode_lsn_key(std::span<const std::uint8_t> key, std::uint64_t& lsn) {
    if (key.size() != lsn_key_size) return false;
    lsn = 0;
    for (const std::uint8_t byte : key)
        lsn = (lsn << 8) | byte;
    return true;
}

const char* to_string(record_status status) {
    switch (status) {
        case record_status::ok:
            return "ok";
        case record_status::end:
            return "end of log";
        case record_status::truncated:
            return "truncated record";
        case record_status::bad_magic:
            return "not a record (bad magic)";
        case record_status::unknown_version:
            return "record from a newer release (unknown version)";
        case record_status::bad_checksum:
            return "checksum mismatch";
        case record_status::broken_chain:
            return "chain broken (a record before it was changed, removed or reordered)";
        case record_status::gap:
            return "gap in the LSN sequence";
        case record_status::key_mismatch:
            return "key and header disagree on the LSN";
        case record_status::bad_payload:
            return "events do not decode";
    }
    return "?";
}

}  // namespace stampd::wal
