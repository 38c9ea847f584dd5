// stamp-audit export: the log as JSON lines, one object per record in [from_lsn, to_lsn]: lsn,
// time (ISO-8601 UTC, microseconds), user id with key and name, station, client, request, chain
// and the events with every field (event_json.hpp). The log is replayed from LSN 1 so that users
// created before the range resolve; every record is checked (checksum, chain) on the way and the
// export stops at the first damage. Runs on the calling thread plus the log reader's.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "clients/audit/log_scan.hpp"
#include "clients/audit/snapshot_list.hpp"
#include "engine/engine.hpp"
#include "wal/storage/data_dir.hpp"

namespace stampd::audit {

struct export_options {
    std::uint64_t from_lsn = 1;
    std::uint64_t to_lsn = 0;  // 0: the log's last LSN when the export starts
    bool quiet = false;
};

struct export_result {
    std::uint64_t written = 0;  // lines
    std::uint64_t to_lsn = 0;   // the range's end as resolved
    bool damaged = false;
    std::string error;  // "LSN 20: bad checksum (…)"
};

export_result export_jsonl(const wal::data_dir& dir, const export_options& options, std::FILE* out);

// One record's line (no newline), given the state after it (for the user's key and name).
std::string record_line(const scanned_record& record, const event_list& events, const state& s);

// "2026-11-23T13:45:01.123456Z"
std::string iso_utc(std::int64_t time_us);

}  // namespace stampd::audit
