// stamp-backup's three operations on a data directory (wal/storage/data_dir.hpp) and a backup
// of one (a directory: the files of manifest_format.hpp and its MANIFEST):
//   save     an online, consistent copy while stampd serves: both LMDB environments copied with
//            mdb_env_copyfd2(MDB_CP_COMPACT) from read-only opens (one read transaction each, so
//            the writer is never held up), the snapshots first and the log last, so that the
//            log's copy reaches every snapshot copied; then stamp-audit's verify on the copy, the
//            MANIFEST, and only then the copy's rename from DEST.partial to DEST.
//   check    the files against the MANIFEST's sizes and SHA-256 digests, then verify.
//   restore  check, then a copy of the listed files into DIR.restoring beside an empty or
//            missing DIR (0700 directories, 0600 files, each synced), renamed to DIR.
// Nothing is ever written over: an existing DEST or DIR that is not empty is refused.
// Results are values: what went wrong names the path and what is wrong with it. Blocking; one
// call at a time per backup (the caller's thread, plus verify's reader thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clients/audit/verify.hpp"
#include "clients/backup/manifest_format.hpp"

namespace stampd::backup {

enum class result_kind {
    ok,
    failed,      // damage, a mismatch, a refusal, or the system failed (no space, permission)
    unreadable,  // the data directory is not one, or the backup is not one
};

struct result {
    result_kind kind = result_kind::ok;
    std::string error;  // what went wrong, naming the path (empty when ok or findings say it)
    manifest contents;  // save: what was written; check, restore: what the MANIFEST says
    std::vector<audit::finding> findings;  // the manifest's mismatches, then verify's findings
    std::string path;                      // the backup (save, check) or the restored directory
    audit::seal_report seals;              // checked only when a seal key was given
    std::uint64_t source_log_bytes = 0;    // save: the live log's data.mdb, before compaction
    double seconds = 0;

    bool ok() const { return kind == result_kind::ok; }
};

// How a copy is verified. With the key stampd seals the log with (--seal-key-file), every seal in
// SEALS is checked as stamp-audit verify --seal-key-file checks it: one that does not hold fails
// the save, the check or the restore.
struct verify_options {
    bool quiet = false;
    std::string seal_key;
};

struct save_options {
    std::string data;  // the data directory, served or not
    std::string out;   // the backup: must not exist, or be an empty directory
    verify_options verify;
};

result save(const save_options& o);
result check(const std::string& backup, const verify_options& o);
result restore(const std::string& backup, const std::string& data, const verify_options& o);

}  // namespace stampd::backup
