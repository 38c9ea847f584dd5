// The Stamp Accounting report (SPEC §8, seed 001): the licensee's identity; per region, for a
// period, the opening balance, what was received, used and refunded, the closing balance, where
// each movement came from — one line per (kind, source) in the order they first happened, as the
// seed's statement reads ("Used in production PO-0088: 4,200") —, the physical count entered for
// the period's end and its discrepancy with the closing balance, and optionally every ledger
// entry. Every figure is the period's, never the present's: the same LSN gives the same report.
// Pure functions of a state; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clients/report/report_period.hpp"
#include "clients/report/report_source.hpp"
#include "engine/ledger_statement.hpp"
#include "engine/queries.hpp"

namespace stampd::report {

// Movements of one kind from one source (a stamp order for RECEIPT, else a PO) in the period.
struct source_line {
    ledger_kind kind = ledger_kind::receipt;
    u32 source = 0;
    std::string source_number;  // SO-000034 or the PO's number
    std::string consignee;      // the PO's consignee key; empty for receipts
    u64 entries = 0;
    i64 quantity = 0;  // signed, as in the ledger
    i64 first_time_us = 0;
};

// The physical count entered for the close of the period's last day (engine/state.hpp): the
// latest recorded for the region and that day, and how far it is from the ledger.
struct count_line {
    day as_of = no_day;
    i64 counted = 0;
    i64 discrepancy = 0;      // counted − closing: negative when stamps are missing
    std::string recorded_by;  // the user's name (its key when it has none)
    i64 recorded_us = 0;
    u64 lsn = 0;
    std::string counted_by;
    std::string notes;
    std::size_t recounts = 0;  // earlier counts of the same day, superseded by this one
};

struct region_accounting {
    region stamp_region = region::fed;
    ledger_figures figures;
    std::optional<count_line> count;  // none when nobody counted at the period's end
    std::vector<source_line> sources;
    std::vector<statement_entry> entries;  // filled when asked for (engine/ledger_statement.hpp)
};

struct stamp_accounting {
    period span;
    time_zone zone;
    provenance from;
    bool with_entries = false;
    warehouse_identity licensee;  // the engine's setting at the report's LSN
    std::string warehouse;        // --warehouse: printed when the licensee's identity is not set
    std::vector<region_accounting> regions;
};

// Entries are listed one by one only when `with_entries`; a region list that is empty means all.
stamp_accounting compute_stamp_accounting(const state& s, const provenance& from,
                                          const period& span, const std::vector<region>& regions,
                                          bool with_entries);

// The count a statement for a period ending on `last` uses: the latest recorded for the region
// and that day (a recount supersedes a count), with the number of earlier ones; nullptr for none.
const physical_count* count_at_close(const state& s, region r, day last, std::size_t* earlier);

// "Received from stamp order", "Used in production", … : the seed's words for a source line.
std::string_view describe(ledger_kind kind);

}  // namespace stampd::report
