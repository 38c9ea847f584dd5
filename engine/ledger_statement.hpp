// A region's stamp ledger for a period as a statement (SPEC §8): the period's figures and its
// entries, each with its source spelled out — the one query behind `stamp-audit ledger` and
// `stamp-report stamp-accounting --entries`. Pure functions of the state; any thread that owns it.
#pragma once

#include <string>
#include <vector>

#include "engine/queries.hpp"
#include "engine/state.hpp"

namespace stampd {

// One ledger entry, as a statement prints it.
struct statement_entry {
    u64 sequence = 0;  // in its region, from 1
    u64 lsn = 0;
    i64 time_us = 0;
    ledger_kind kind = ledger_kind::receipt;
    std::string source_number;  // the stamp order's (SO-000001) for RECEIPT, else the PO's
    std::string consignee;      // the PO's consignee key; empty for receipts
    std::string box;            // the box's barcode, for USAGE
    std::string user;           // the user's key
    station_id station = 0;
    bool overridden = false;
    i64 quantity = 0;  // signed
    i64 balance_after = 0;
};

// The entry spelled out; `sequence` is its place in the region's ledger.
statement_entry describe_entry(const state& s, const ledger_entry& e, u64 sequence);

struct ledger_statement {
    region stamp_region = region::fed;
    ledger_figures figures;  // over [from_us, to_us)
    std::vector<statement_entry> entries;
};

// The region's entries with from_us <= time < to_us, and the period's figures.
ledger_statement statement_of(const state& s, region r, i64 from_us, i64 to_us);

}  // namespace stampd
