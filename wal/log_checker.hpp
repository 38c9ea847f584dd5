// The background check of the log's older part. Recovery reads and checks only the records after
// the snapshot it starts from; a record damaged before that snapshot would go unnoticed until
// someone ran `stamp-audit verify`. The checker reads records 1..snapshot LSN once after start —
// each record's checksum, no gap, an unbroken chain — and then checks that the chain it computed
// meets the one the snapshot recorded. It runs at the lowest priority (nice 19: behind anything
// else wants the CPU) in short read transactions, and says what it found in the log and in
// runtime_stats. Damage found here does not stop stampd: the snapshot and the records after it,
// which it serves, were checked at start; but the log no longer proves the history, and the
// operator is told to verify and restore.
//
// Threads: run() is the checker thread; stop() from the controlling thread; progress() any.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "wal/storage/data_dir.hpp"

namespace stampd::wal {

struct log_check_progress {
    std::atomic<std::uint64_t> target_lsn{0};   // the snapshot recovery started from
    std::atomic<std::uint64_t> checked_lsn{0};  // records 1..checked_lsn found whole
    std::atomic<std::uint64_t> damaged_lsn{0};  // the first damaged LSN found (0: none)
    std::atomic<bool> done{false};              // finished (whole, damaged, or unreadable)
};

class log_checker {
public:
    // Records read in one read transaction: short, so that LMDB's map can grow between them.
    static constexpr std::uint64_t records_a_transaction = 1024;

    log_checker(const data_dir& dir, std::uint64_t snapshot_lsn, std::uint64_t snapshot_chain,
                std::function<void(const std::string&)> log);
    void run();
    // run() returns within one transaction's records.
    void stop() { _stopping.store(true, std::memory_order_relaxed); }
    const log_check_progress& progress() const { return _progress; }

private:
    void found_damage(std::uint64_t lsn, const std::string& what);

    const data_dir& _dir;
    const std::uint64_t _snapshot_chain;
    std::function<void(const std::string&)> _log;
    std::atomic<bool> _stopping{false};
    log_check_progress _progress;
};

}  // namespace stampd::wal
