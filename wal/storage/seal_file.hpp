// DATA/SEALS: the log, sealed under a key kept outside the data directory. The chain of XXH3
// checksums finds accidents, not a forger: whoever can write the log can rewrite a record and
// recompute every checksum and chain after it (and DATA/DURABLE) — and XXH3 is no cryptographic
// hash, so even a 64-bit chain value can be met again by a forged log. A seal therefore covers
// the records' bytes, not their chain: each seal carries a SHA-256 digest of the seal before
// it and of every record's bytes since (seal_chain below), and an HMAC-SHA-256 of that digest
// under the operator's key (stampd --seal-key-file). The committer seals every
// seal_every_records records and at shutdown (wal/sealer.hpp). `stamp-audit verify
// --seal-key-file` recomputes the digests from the log and checks every seal; the records up to
// the last good seal are the ones stampd wrote, unless the key itself leaked.
//
// What a seal does not prove: anything after the last seal (a forger may rewrite or cut the
// tail back to a seal, and delete the seals after it — verify says how far the log is sealed,
// not what should have followed); records before the first seal's `from_lsn` (sealing began
// there); and nothing at all to someone who holds the key.
//
// The file: a 16-byte header ("stampd-seals-v2\n"), then 88-byte entries (lsn, from_lsn, chain:
// u64 little-endian; digest[32]; mac[32]), appended after the log's sync, never synced on their
// own: a crash may lose the last ones (the next seal covers their records) or leave a torn last
// entry, which is cut off when the file is next opened and which readers ignore.
// Threads: one appender (the committer); readers (stamp-audit) any time.
#pragma once

#include <openssl/types.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "wal/storage/status.hpp"

namespace stampd::wal {

inline constexpr std::size_t seal_header_size = 16;
inline constexpr std::size_t seal_size = 88;
inline constexpr std::size_t seal_key_size_min = 32;
using seal_digest = std::array<std::uint8_t, 32>;
using seal_mac_bytes = std::array<std::uint8_t, 32>;

struct seal {
    std::uint64_t lsn = 0;       // the last record it covers
    std::uint64_t from_lsn = 0;  // it covers the records after this one: the seal before's LSN
    std::uint64_t chain = 0;     // the log's chain at `lsn` (to tell a rewrite from a wrong key)
    seal_digest digest{};        // seal_chain's digest through `lsn`
    seal_mac_bytes mac{};
};

// HMAC-SHA-256 under `key` of "stampd-seal-v2" and the seal's LSNs, chain and digest.
seal_mac_bytes seal_mac(std::span<const std::uint8_t> key, const seal& s);
// Whether `s` was made under `key` (compared in constant time).
bool seal_holds(std::span<const std::uint8_t> key, const seal& s);

// The digest seals carry: SHA-256 of the digest of the seal before (zeros where sealing began)
// and then of each record's bytes — header and payload as stored — in LSN order. The committer
// and stamp-audit feed it the same records and must arrive at the same digest.
class seal_chain {
public:
    seal_chain();
    ~seal_chain();
    seal_chain(const seal_chain&) = delete;
    seal_chain& operator=(const seal_chain&) = delete;

    // Begins a segment after `from_lsn`, whose seal had `previous` (zeros: sealing begins).
    void start(std::uint64_t from_lsn, const seal_digest& previous);
    // The next record: its LSN must be the one after the last (or after from_lsn).
    void add(std::uint64_t lsn, std::span<const std::uint8_t> header,
             std::span<const std::uint8_t> payload);
    // Records lsn_after_last() + 1 .. last_lsn, their bytes (header and payload each) back to
    // back: the same digest as add() of each, in one pass.
    void add_run(std::uint64_t last_lsn, std::span<const std::uint8_t> bytes);
    // The digest through the last record added; the segment goes on until start() is called.
    seal_digest digest() const;

    std::uint64_t from_lsn() const { return _from; }
    std::uint64_t last_lsn() const { return _last; }  // from_lsn() while no record was added

private:
    EVP_MD_CTX* _ctx;
    std::uint64_t _from = 0, _last = 0;
};

class seal_file {
public:
    // Opens (creating, 0600) DATA/SEALS for appending; refuses a file of another format.
    static status open_for_appending(const std::string& path, std::unique_ptr<seal_file>& out);
    ~seal_file();
    seal_file(const seal_file&) = delete;
    seal_file& operator=(const seal_file&) = delete;

    // Writes `s` with its MAC under `key`. A failed write leaves the file as it was.
    status append(std::span<const std::uint8_t> key, seal s);

    // Every whole entry of the file at `path`, in file order (none when it does not exist).
    static status read_all(const std::string& path, std::vector<seal>& out);

private:
    seal_file() = default;
    int _fd = -1;
    off_t _size = 0;  // what was written whole
    std::string _path;
};

}  // namespace stampd::wal
