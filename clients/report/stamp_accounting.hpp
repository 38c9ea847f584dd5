// The Stamp Accounting report (SPEC §8, seed 001): per region, for a period, the opening
// balance, what was received, used and refunded, the closing balance, and where each movement
// came from — one line per (kind, source) in the order they first happened, as the seed's
// statement reads ("Used in production PO-0088: 4,200"), and optionally every ledger entry.
// Pure functions of a state; any thread.
#pragma once

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

struct region_accounting {
    region stamp_region = region::fed;
    ledger_figures figures;
    i64 available_to_promise = 0;  // at the end of the state, not of the period
    std::vector<source_line> sources;
    std::vector<statement_entry> entries;  // filled when asked for (engine/ledger_statement.hpp)
};

struct stamp_accounting {
    period span;
    time_zone zone;
    provenance from;
    bool with_entries = false;
    std::string warehouse;  // printed at the head of the PDF when set
    std::vector<region_accounting> regions;
};

// Entries are listed one by one only when `with_entries`; a region list that is empty means all.
stamp_accounting compute_stamp_accounting(const state& s, const provenance& from,
                                          const period& span, const std::vector<region>& regions,
                                          bool with_entries);

// "Received from stamp order", "Used in production", … : the seed's words for a source line.
std::string_view describe(ledger_kind kind);

}  // namespace stampd::report
