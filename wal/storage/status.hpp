// The one error type of wal/ (storage and runtime): an operation that can fail returns a status,
// never a bool beside a string. `code` is an LMDB code (MDB_*) or an errno value; `what` says
// what was being done, with the figures that matter ("appending LSN 1..12", "the snapshot at LSN
// 6016 is ahead of the log, which ends at LSN 6015"). Domain refusals are rejections
// (engine/rejection.hpp), not statuses.
#pragma once

#include <string>

namespace stampd::wal {

struct status {
    int code = 0;  // MDB_* or errno; 0 is success
    std::string what;
    bool complete = false;  // `what` says it all: message() adds no system text

    bool ok() const { return code == 0; }
    // "what: mdb_strerror(code)" (LMDB's strerror also names errno values), or `what` alone
    // when it is complete.
    std::string message() const;
};

// A failure found in the data rather than reported by the system (a damaged record, a snapshot
// ahead of the log): code MDB_CORRUPTED, `what` naming the LSN and the finding.
status corrupted(std::string what);
// Not a data directory, or not the part asked for: ENOENT, `what` naming the path.
status not_found(std::string what);
// A request the data cannot answer (an LSN past the log's end): ERANGE, `what` with the figures.
status out_of_range(std::string what);

}  // namespace stampd::wal
