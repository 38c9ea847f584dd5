// The state a report is computed from: a data directory opened read-only while stampd may be
// writing to it, loaded as the newest snapshot at or before an LSN plus the log records after
// it. Read transactions stay short: the snapshot is decoded under one, the log is replayed in
// chunks of replay_chunk_records, each under its own. A snapshot's checksum is checked, not its
// digest (stamp-audit recomputes digests), and the barcode index, which only deciding needs, is
// not built. Runs on the calling thread.
#pragma once

#include <cstdint>
#include <string>

#include "engine/state.hpp"
#include "wal/storage/status.hpp"

namespace stampd::report {

// Records replayed under one read transaction: LMDB keeps every page a reader sees, so a
// long replay under one transaction would grow stampd's files while it runs.
inline constexpr std::uint64_t replay_chunk_records = 65'536;

// What a report was computed from: enough for an auditor to reproduce it (stamp-report
// --at-lsn to_lsn gives the same state, whose chain must be `chain`).
struct provenance {
    std::uint64_t to_lsn = 0;        // the state after applying LSNs 1 … to_lsn
    std::uint64_t chain = 0;         // the log's chain hash at to_lsn
    std::uint64_t snapshot_lsn = 0;  // where loading began (0: from the start of the log)
    std::uint64_t replayed = 0;      // records applied after the snapshot
    std::uint64_t log_end_lsn = 0;   // the last LSN in the log when the report was made
    std::uint64_t digest = 0;        // state_digest at to_lsn; 0 when not computed
};

struct source_options {
    std::string data_dir;
    std::uint64_t at_lsn = 0;  // 0: the end of the log
    // Compute the state digest when records were replayed after the snapshot (a pass over the
    // whole state); without it the digest is known only when the state is a snapshot's.
    bool digest = false;
    // The report looks at no box (the Stamp Accounting report without --entries): a snapshot
    // at exactly the LSN asked for is read without its boxes and run queue, the largest part
    // of it. The state is then not one to apply events to, and not complete: only for such a
    // report.
    bool without_boxes = false;
};

// Errors name what could not be read and where: ENOENT (not a data directory), ERANGE (--at-lsn
// past the log's end), MDB_CORRUPTED (damage, with its LSN), or LMDB's own.
wal::status load_state(const source_options& options, state& out, provenance& from);

}  // namespace stampd::report
