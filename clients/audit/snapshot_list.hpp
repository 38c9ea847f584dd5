// The snapshots of a data directory as stamp-audit lists and reads them, one by one (the data
// directory itself is wal::data_dir, opened for reading). stampd may be writing while the audit
// reads: every read here is a short LMDB read transaction (MVCC), so the writer is never held up.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wal/storage/lmdb_env.hpp"
#include "wal/storage/snapshot_format.hpp"

namespace stampd::audit {

// One snapshot as listed: its key, and its header when the value is long enough to hold one.
struct snapshot_entry {
    std::uint64_t key_lsn = 0;
    bool has_header = false;
    wal::snapshot_header header{};
    std::uint64_t size = 0;    // bytes of the value
    std::uint32_t format = 0;  // of the state after the header (engine/snapshot.hpp), 0: too short
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
