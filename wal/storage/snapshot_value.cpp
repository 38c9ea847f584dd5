// See snapshot_value.hpp.
#include "wal/storage/snapshot_value.hpp"

#define XXH_STATIC_LINKING_ONLY  // a stack-allocated XXH3 state: no allocation per snapshot
#include <xxhash.h>

#include <cassert>
#include <cstring>

#include "engine/engine.hpp"
#include "engine/snapshot.hpp"

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
    const bool reading =
        how == snapshot_reading::for_reading || how == snapshot_reading::for_reading_without_boxes;
    const snapshot_indexes indexes = how == snapshot_reading::for_reading_without_boxes
                                         ? snapshot_indexes::without_boxes
                                     : reading ? snapshot_indexes::without_barcodes
                                               : snapshot_indexes::all;
    const snapshot_error e = decode_snapshot(state_bytes, out, indexes);
    if (e != snapshot_error::ok) {
        out = state{};
        c.detail = std::string{to_string(e)};
        return c.status = snapshot_status::bad_state, c;
    }
    c.format = snapshot_format_of(state_bytes);
    if (reading) {
        c.digest = c.header.digest;
    } else if (how == snapshot_reading::verify && c.format >= snapshot_format_writable_min) {
        c.digest = state_digest(out, c.format);
    } else {  // recover, or a format the encoder no longer writes: the bytes' own digest
        c.digest = XXH3_64bits(state_bytes.data(), state_bytes.size());
    }
    if (c.digest != c.header.digest || out.last_lsn != c.header.lsn) {
        c.status = snapshot_status::digest_mismatch;
    }
    return c;
}

std::string snapshot_check::message() const {
    std::string text = to_string(status);
    if (status == snapshot_status::bad_state) text += ": " + detail;
    return text;
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
    assert(false && "every snapshot_status has a name");
    return "?";
}

}  // namespace stampd::wal
