// The snapshot format, and nothing else (the record format's twin, wal/storage/record_format.hpp):
// the snapshotter writes it, recovery, stamp-report and stamp-audit read it. Grammar:
// wal/storage/record_format.md.
//
// A snapshot is one LMDB value in DATA/snapshots (database `snapshots`) under the 8-byte
// big-endian LSN of the state it holds:
//   header (40 bytes, little-endian) | the state as engine/snapshot.hpp encodes it
// checksum = XXH3-64 over the header (checksum field zeroed) and the state bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stampd::wal {

struct snapshot_header {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    std::uint64_t lsn;       // the state after applying this LSN
    std::uint64_t chain;     // the log's chain at that LSN
    std::uint64_t digest;    // engine::state_digest of the state
    std::uint64_t checksum;  // XXH3-64 over the header (checksum zeroed) and the state bytes
};
inline constexpr std::uint32_t snapshot_magic = 0x50535453;  // "STSP"
inline constexpr std::uint16_t snapshot_version = 1;
inline constexpr std::size_t snapshot_header_size = 40;
static_assert(sizeof(snapshot_header) == snapshot_header_size, "the header has no padding");

// What a reader finds in a snapshot value, in the order it checks.
enum class snapshot_status : std::uint8_t {
    ok,
    truncated,        // shorter than its header
    bad_magic,        // not a snapshot
    unknown_version,  // written by a newer release
    bad_checksum,     // the stored checksum differs from the bytes'
    bad_state,        // the state bytes do not decode
    digest_mismatch,  // the decoded state's digest (or LSN) differs from the header's
};
const char* to_string(snapshot_status status);

}  // namespace stampd::wal
