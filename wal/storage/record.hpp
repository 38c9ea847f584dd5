// Encoding and checking one log record (the format is wal/storage/record_format.hpp). Pure
// functions, shared by the log writer, recovery and stamp-audit; safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "wal/storage/record_format.hpp"

namespace stampd::wal {

// The fields of a record a writer chooses; checksum and sizes are computed.
struct record_fields {
    std::uint64_t lsn = 0;
    std::int64_t time_us = 0;
    std::uint32_t user = 0;
    std::uint32_t station = 0;
    std::uint64_t client = 0;
    std::uint64_t request = 0;
    std::uint64_t previous_chain = 0;
    std::uint16_t event_count = 0;
    std::uint32_t fingerprint = 0;
};

struct record_view {
    record_header header{};
    std::span<const std::uint8_t> payload;
};

// Appends the record to `out` and returns its checksum.
std::uint64_t encode_record(const record_fields& fields, std::span<const std::uint8_t> payload,
                            std::vector<std::uint8_t>& out);

// XXH3-64 over the header (its checksum field taken as zero) and the payload: what a record's
// checksum must be. stamp-audit prints it beside the stored one.
std::uint64_t record_checksum(const record_header& header, std::span<const std::uint8_t> payload);

// The chain after a record with this checksum.
std::uint64_t chain_after(std::uint64_t previous_chain, std::uint64_t checksum);

// Checks one record's bytes on their own (magic, version, sizes, checksum, key). Chain and gaps
// need the record before: log_reader checks those.
record_status parse_record(std::span<const std::uint8_t> value, std::uint64_t key_lsn,
                           record_view& out);

// LSNs as LMDB keys: big-endian, so byte order is LSN order.
void encode_lsn_key(std::uint64_t lsn, std::uint8_t (&key)[lsn_key_size]);
bool decode_lsn_key(std::span<const std::uint8_t> key, std::uint64_t& lsn);

}  // namespace stampd::wal
