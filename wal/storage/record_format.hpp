// The write-ahead log's record format, and nothing else (after LevelDB's db/log_format.h): the
// writer and every reader share this header. Grammar and rationale: wal/storage/record_format.md.
//
// A record is one LMDB value under an 8-byte big-endian LSN key (appended with MDB_APPEND):
//   header (72 bytes, little-endian) | payload (payload_size bytes)
// The payload holds a command's events, each as [u32 size][FlatBuffers EventRecord].
// checksum = XXH3-64 over the header (checksum field zeroed) and the payload.
// chain    = XXH3-64 of the checksum, seeded with the previous record's chain (0 before LSN 1).
// The header stores the previous record's chain, so a gap, a reorder or a changed byte anywhere
// is found when the log is read from the start.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stampd::wal {

inline constexpr std::uint32_t record_magic = 0x4C575453;  // "STWL" read as little-endian bytes
// 2: the header's word after payload_size is the command's fingerprint (it was reserved, zero).
inline constexpr std::uint16_t record_version = 2;  // readers accept versions ≤ theirs

struct record_header {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t event_count;
    std::uint64_t lsn;
    std::int64_t time_us;
    std::uint32_t user;
    std::uint32_t station;
    std::uint64_t client;
    std::uint64_t request;
    std::uint64_t previous_chain;
    std::uint32_t payload_size;
    std::uint32_t fingerprint;  // of the command (engine/command.hpp context); 0: not known
    std::uint64_t checksum;
};

inline constexpr std::size_t record_header_size = 72;
inline constexpr std::size_t event_size_prefix = 4;
inline constexpr std::size_t record_payload_size_max = 1u << 20;  // one command's events
inline constexpr std::size_t record_size_max = record_header_size + record_payload_size_max;
inline constexpr std::size_t lsn_key_size = 8;
inline constexpr std::size_t checksum_offset = 64;

static_assert(sizeof(record_header) == record_header_size, "the header has no padding");
static_assert(offsetof(record_header, checksum) == checksum_offset);
static_assert(offsetof(record_header, checksum) + sizeof(std::uint64_t) == record_header_size,
              "the checksum is the header's last field");

// What a reader finds at a position of the log (LevelDB's log_reader sorts its finds the same way).
enum class record_status : std::uint8_t {
    ok,
    end,        // clean end: no record after the last one read
    truncated,  // shorter than its header says
    bad_magic,
    unknown_version,  // written by a newer release
    bad_checksum,
    broken_chain,  // previous_chain differs from the chain of the record before
    gap,           // an LSN missing (or out of order) between two records
    key_mismatch,  // the key's LSN differs from the header's
    bad_payload,   // the events do not decode
};

const char* to_string(record_status status);

}  // namespace stampd::wal
