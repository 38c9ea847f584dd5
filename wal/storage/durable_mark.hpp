// DATA/DURABLE: how far the log reached — the LSN and chain of the last durable record — kept
// outside the log's LMDB tree, so that damage to the tree (one flipped bit in a meta page's root
// pointer makes the log look shorter, or empty) cannot also erase the evidence. Recovery checks
// the log against it and refuses a log that ends short of it (recovery.hpp).
//
// Written after every durable commit, never before: the mark can lag the log (it is not synced
// on its own, so a power loss may leave an older one — the check then covers a little less), but
// it never leads it. Two 64-byte slots are written in turn, each with a sequence number and an
// XXH3 checksum: a torn write leaves the other slot whole, and the valid slot with the higher
// sequence is the mark.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "wal/storage/status.hpp"

namespace stampd::wal {

struct durable_mark {
    std::uint64_t lsn = 0;
    std::uint64_t chain = 0;  // the log's chain after the record at lsn
};

class durable_mark_file {
public:
    // The writer's: created when missing (0600), continuing the sequence found in it.
    static status open_for_writing(const std::string& file,
                                   std::unique_ptr<durable_mark_file>& out);
    // Anyone's: nothing when there is no file or it is empty (a directory from before the mark,
    // or one whose first commit has not happened); MDB_CORRUPTED when neither slot is whole.
    static status read(const std::string& file, std::optional<durable_mark>& out);

    ~durable_mark_file();
    durable_mark_file(const durable_mark_file&) = delete;
    durable_mark_file& operator=(const durable_mark_file&) = delete;

    // Overwrites the older slot (no fsync: see above). Called by one thread (the committer).
    status write(const durable_mark& mark);

private:
    durable_mark_file() = default;
    std::string _file;
    int _fd = -1;
    std::uint64_t _sequence = 0;  // of the newest slot written
};

}  // namespace stampd::wal
