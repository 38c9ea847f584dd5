// Reads the log for stamp-audit in chunks, each in a short read transaction of its own (at most
// chunk_records_max records or chunk_bytes_max payload bytes; 8,192 records keep a chunk in the
// cache the consumer reads it from, measured to halve the reader's time against 65,536), checking
// every record (checksum, key, LSN sequence, chain) through wal::log_reader and copying header and
// payload out of LMDB into the chunk, so no transaction stays open while the records are used. With
// `threaded`, the reading and checking run on a second thread, up to chunks_in_flight chunks ahead
// of the consumer, which runs on the calling thread; chunks are reused, so a scan allocates only
// while its first chunks grow.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "wal/storage/lmdb_env.hpp"
#include "wal/storage/record.hpp"

namespace stampd::audit {

struct scanned_record {
    wal::record_header header{};
    std::uint32_t payload_at = 0;  // offset of the payload in the chunk's bytes
    std::uint64_t chain = 0;       // the log's chain after this record
};

struct log_chunk {
    std::vector<scanned_record> records;
    std::vector<std::uint8_t> payloads;

    wal::record_view view(std::size_t i) const {
        const scanned_record& r = records[i];
        return {r.header, {payloads.data() + r.payload_at, r.header.payload_size}};
    }
};

// Where the log stopped being readable, and why, with the figures (damage.hpp).
struct log_damage {
    std::uint64_t lsn = 0;  // the LSN expected there
    wal::record_status status = wal::record_status::ok;
    std::string what;              // "bad checksum (stored 0x…, computed 0x…)"
    std::uint64_t resume_key = 0;  // the first key after the damage, where a survey starts
};

struct scan_options {
    std::uint64_t from_lsn = 1;
    std::uint64_t previous_chain = 0;   // the chain at from_lsn − 1
    std::uint64_t to_lsn = UINT64_MAX;  // inclusive
    std::size_t chunk_records_max = 8'192;
    std::size_t chunk_bytes_max = std::size_t{32} << 20;
    bool threaded = true;
};
inline constexpr std::size_t chunks_in_flight = 3;

struct scan_result {
    std::uint64_t last_lsn = 0;  // the last record read and checked
    std::uint64_t chain = 0;     // the chain after it
    std::uint64_t records = 0;
    bool damaged = false;
    log_damage damage;
    bool ended_early = false;  // the log ended before to_lsn (to_lsn was not UINT64_MAX)
    bool stopped = false;      // the consumer asked to stop
};

// Calls consume(chunk) for each chunk in LSN order until to_lsn, the end of the log, damage or
// consume returning false. Records up to the damage are handed over before it is reported.
using chunk_consumer = std::function<bool(const log_chunk&)>;
scan_result scan_log(const wal::lmdb_env& log, const scan_options& options,
                     const chunk_consumer& consume);

}  // namespace stampd::audit
