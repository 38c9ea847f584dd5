// A stampd data directory opened read-only for stamp-audit: DIR/log (records) and
// DIR/snapshots (the newest snapshots). stampd may be writing while the audit reads: every read
// here is a short LMDB read transaction (MVCC), so the writer is never held up. One thread at a
// time per function; the environments may be shared by threads (each opens its own transactions).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wal/lmdb_env.hpp"
#include "wal/record_format.hpp"

namespace stampd::audit {

struct data_dir {
    std::string path;
    std::unique_ptr<wal::lmdb_env> log;
    std::unique_ptr<wal::lmdb_env> snapshots;
};

// Opens both environments read-only; false with `error` naming the directory and LMDB's reason.
bool open_data_dir(const std::string& path, data_dir& out, std::string& error);

// One snapshot as listed: its key, and its header when the value is long enough to hold one.
struct snapshot_entry {
    std::uint64_t key_lsn = 0;
    bool has_header = false;
    wal::snapshot_header header{};
    std::uint64_t size = 0;  // bytes of the value
};

// The snapshots present now, oldest first (at most snapshot_entries_max).
inline constexpr std::size_t snapshot_entries_max = 64;
wal::status list_snapshots(const wal::lmdb_env& snapshots, std::vector<snapshot_entry>& out);

// Copies the value under `lsn` out of the snapshots environment (one short transaction). False
// when it is gone (stampd keeps only the newest few, so it may have been replaced meanwhile).
wal::status read_snapshot(const wal::lmdb_env& snapshots, std::uint64_t lsn,
                          std::vector<std::uint8_t>& out, bool& found);

// "0x0123456789abcdef": how checksums, chains and digests are printed.
std::string hex64(std::uint64_t value);

}  // namespace stampd::audit
