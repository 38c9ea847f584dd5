// DATA/SEALS: the log's chain, sealed under a key kept outside the data directory. The chain of
// XXH3 checksums finds accidents, not a forger: whoever can write the log can rewrite a record
// and recompute every checksum and chain after it (and DATA/DURABLE). A seal is an
// HMAC-SHA-256, under the operator's key (stampd --seal-key-file), of an LSN and the chain there:
// the committer writes one every seal_every_records records and the snapshotter one at each
// snapshot. `stamp-audit verify --seal-key-file` recomputes the chain and checks every seal; the
// records up to the last good seal are the ones stampd wrote, unless the key itself leaked.
//
// What a seal does not prove: anything after the last seal (a forger may rewrite or cut the
// tail back to a seal, and delete the seals after it — verify says how far the log is sealed,
// not what should have followed); and nothing at all to someone who holds the key.
//
// The file is a sequence of 48-byte entries (lsn u64, chain u64, mac[32], little-endian),
// appended after the log's sync, never synced on their own: a crash may lose the last ones (the
// next seal covers them) or leave a torn last entry, which readers ignore.
// Threads: append() from the committer and the snapshotter (O_APPEND, one write each).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "wal/storage/status.hpp"

namespace stampd::wal {

inline constexpr std::size_t seal_size = 48;
inline constexpr std::size_t seal_key_size_min = 32;
using seal_mac_bytes = std::array<std::uint8_t, 32>;

struct seal {
    std::uint64_t lsn = 0;
    std::uint64_t chain = 0;
    seal_mac_bytes mac{};
};

// HMAC-SHA-256 under `key` of "stampd-seal-v1", the LSN and the chain (little-endian).
seal_mac_bytes seal_mac(std::span<const std::uint8_t> key, std::uint64_t lsn, std::uint64_t chain);
// Whether `s` was made under `key` (compared in constant time).
bool seal_holds(std::span<const std::uint8_t> key, const seal& s);

class seal_file {
public:
    // Opens (creating, 0600) DATA/SEALS for appending.
    static status open_for_appending(const std::string& path, std::unique_ptr<seal_file>& out);
    ~seal_file();
    seal_file(const seal_file&) = delete;
    seal_file& operator=(const seal_file&) = delete;

    status append(std::span<const std::uint8_t> key, std::uint64_t lsn, std::uint64_t chain);

    // Every whole entry of the file at `path`, in file order (none when it does not exist).
    static status read_all(const std::string& path, std::vector<seal>& out);

private:
    seal_file() = default;
    int _fd = -1;
    std::string _path;
};

}  // namespace stampd::wal
