// Naming damage in the log with the figures a person needs: what log_reader found at an LSN
// (bad checksum, gap, swapped records, broken chain, ...) described from the stored bytes, and a
// survey of what follows the first damage, which a replay cannot use but an auditor still wants
// counted and checked record by record. Reads in short read transactions; any one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clients/audit/log_scan.hpp"

namespace stampd::audit {

// What is wrong at `lsn`, which log_reader reported as `status`; chain_before is the log's chain
// at lsn − 1.
log_damage describe_damage(const wal::lmdb_env& log, std::uint64_t lsn, std::uint64_t chain_before,
                           wal::record_status status);

// One record's bytes, checked on their own: "" when intact, else what is wrong with figures.
std::string describe_value(std::span<const std::uint8_t> value, std::uint64_t key_lsn);

struct damaged_place {
    std::uint64_t lsn = 0;
    std::string what;
};

// The records stored from key `from_key` to `to_lsn`, each checked on its own (checksum, key),
// and their chain checked among themselves (re-seeded after each damaged or missing record).
struct damage_survey {
    std::uint64_t records = 0;  // keys present
    std::uint64_t first_lsn = 0, last_lsn = 0;
    std::uint64_t intact = 0;   // records that pass their own checks
    std::uint64_t missing = 0;  // LSNs absent between first_lsn and last_lsn
    std::uint64_t chain_breaks = 0;
    std::uint64_t damaged = 0;          // records that fail their own checks
    std::vector<damaged_place> places;  // the first places_max of damage, breaks and gaps
};
inline constexpr std::size_t places_max = 20;

damage_survey survey_after(const wal::lmdb_env& log, std::uint64_t from_key, std::uint64_t to_lsn);

}  // namespace stampd::audit
