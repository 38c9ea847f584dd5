// A backup's MANIFEST, and nothing else: what stamp-backup save writes beside the copied files
// and what check and restore read before they trust them. Plain text, one `key value` a line
// (the value is the rest of the line), so that a person can read it and a script can grep it:
//
//   stampd-backup 1                                   the format; always the first line
//   stampd 0.1.0 (commit 5c8a617, RelWithDebInfo build)
//   taken 2026-11-22T13:45:01.123Z                    UTC, when the log's copy began
//   seconds 3.214                                     copy and verify, wall clock
//   log_first_lsn 1
//   log_last_lsn 1000123                              every record up to here is in the copy
//   log_last_chain 0x0123456789abcdef                 the log's chain after log_last_lsn
//   records 1000123
//   snapshot_lsn 1000000                              the newest snapshot's (0: none)
//   snapshots 3
//   state_digest 0x…                                  the replayed state's at log_last_lsn
//   durable_lsn 1000119                               DATA/DURABLE's mark as copied (0: none)
//   verify clean                                      stamp-audit's verdict on the copy
//   file log/data.mdb 212345678 sha256 <64 hex digits>
//   file snapshots/data.mdb …                         one line per copied file
//
// Unknown keys are skipped (a later release may add some without a new format number); a
// format number above ours, a missing key, a file name outside backup_file_names or a line
// longer than manifest_line_max is refused. Pure data; any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stampd::backup {

inline constexpr std::uint32_t manifest_format = 1;
inline constexpr const char* manifest_name = "MANIFEST";
inline constexpr const char* manifest_magic = "stampd-backup";
inline constexpr std::size_t manifest_bytes_max = 64 * 1024;
inline constexpr std::size_t manifest_line_max = 512;
inline constexpr std::size_t manifest_lines_max = 64;

// The files a backup may hold, relative to it and to the data directory it restores into. The
// log is copied last (backup.cpp says why). DATA/LOCK and LMDB's lock.mdb files are never part
// of a backup: they belong to running processes.
inline constexpr std::array<std::string_view, 4> backup_file_names = {
    "snapshots/data.mdb", "DURABLE", "SEALS", "log/data.mdb"};
inline constexpr std::size_t backup_files_max = backup_file_names.size();

inline constexpr std::size_t sha256_hex_size = 64;

struct manifest_file {
    std::string name;  // one of backup_file_names
    std::uint64_t size = 0;
    std::string sha256;  // lowercase hex, sha256_hex_size digits
};

struct manifest {
    std::uint32_t format = manifest_format;
    std::string stampd_version;
    std::string taken;  // ISO-8601 UTC
    double seconds = 0;
    std::uint64_t log_first_lsn = 0, log_last_lsn = 0, log_last_chain = 0, records = 0;
    std::uint64_t snapshot_lsn = 0, snapshots = 0;
    std::uint64_t state_digest = 0;
    std::uint64_t durable_lsn = 0;
    std::string verify;  // "clean", or "N finding(s)"
    std::vector<manifest_file> files;
};

std::string to_text(const manifest& m);

// Parses `text` into `out`; "" when it is a manifest of a format this release reads, otherwise
// what is wrong, naming the line ("line 7: log_last_lsn is not a number: 'x'").
std::string parse_manifest(std::string_view text, manifest& out);

bool is_backup_file_name(std::string_view name);

}  // namespace stampd::backup
