// Read-only questions about the state: availability (§3), a box scanned in a run and the run's
// live counters (§6), stamps available to promise and the ledger's figures for a period (§8).
// Pure functions of the state; the writer thread answers them between commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/rejection.hpp"
#include "engine/state.hpp"

namespace stampd {

// An outbound record's number as documents and reads print it: "OUT-000012".
std::string outbound_number(outbound_id id);

// Good units of the product on the shipment minus the units its live POs hold. Never negative.
i64 availability(const state& s, shipment_id shipment, product_id product);

// The region's balance minus the stamps reserved by runs not yet closed.
i64 stamps_available_to_promise(const state& s, region r);

struct box_part {
    u32 line = 0;
    region stamp_region = region::fed;
    u32 units = 0;
};

struct scanned_box {
    rejection verdict;  // NOT_FOUND, BOX_NOT_IN_PO, or ok
    box_id box = id_none;
    product_id product = id_none;
    u32 good_units = 0;
    box_state state = box_state::pending;
    std::vector<box_part> parts;      // the units this box carries for each line of the PO
    per_region<i64> stamps_needed{};  // what confirming it deducts
};

scanned_box scan_box(const state& s, po_id po, box_id box);

struct run_counters {
    po_status status = po_status::open;
    u32 boxes_total = 0;
    u32 boxes_confirmed = 0;
    u32 boxes_skipped = 0;
    u32 boxes_left = 0;
    u64 units_done = 0;
    per_region<i64> stamps_deducted{};
    per_region<i64> balance{};
};

run_counters counters(const state& s, po_id po);

struct queue_item {
    box_id box = id_none;
    u32 line = 0;
    u32 units = 0;
    box_state state = box_state::pending;
};

// The run's box queue in the order the stamper works it.
std::vector<queue_item> run_queue(const state& s, po_id po);

// Figures for [from_us, to_us): closing = opening + received − used + refunded (§8).
struct ledger_figures {
    i64 opening = 0;
    i64 received = 0;
    i64 used = 0;      // USAGE and ADJUST_VERIFY, as a positive count
    i64 refunded = 0;  // REFUND_VERIFY and REFUND_CANCEL
    i64 closing = 0;
    u64 entries = 0;
};

ledger_figures figures(const state& s, region r, i64 from_us, i64 to_us);

// The index in the region's ledger of its first entry at or after time_us (entries are in time
// order: the writer's clock never goes back); the ledger's size when there is none.
std::size_t ledger_index_at(const state& s, region r, i64 time_us);

// The region's balance just before time_us: after its last entry earlier than that (0: none).
i64 ledger_balance_at(const state& s, region r, i64 time_us);

// A page of a region's ledger entries (§8) of [from_us, to_us), oldest first, after the entry of
// sequence `after`. An entry's sequence is its place in the region's ledger, from 1; it never
// changes (the ledger is append-only). kind: only entries of that kind when set.
struct ledger_entries_query {
    region stamp_region = region::fed;
    i64 from_us = 0;
    i64 to_us = INT64_MAX;
    std::optional<ledger_kind> kind;
    u32 after = 0;
    u32 limit = constants::ledger_entries_page_max;  // 1..ledger_entries_page_max
};

struct ledger_row {
    u32 sequence = 0;
    const ledger_entry* entry = nullptr;  // into the state: valid until the next command
};

// At most query.limit rows, having looked at no more than ledger_entries_scanned_max entries.
// more: entries of the period after next_after are left to look at; next_after is the sequence
// the next page starts after (the last row's, or the last entry looked at when the scan bound
// ended the page first).
struct ledger_entries_page {
    std::vector<ledger_row> rows;
    bool more = false;
    u32 next_after = 0;
};

ledger_entries_page ledger_entries(const state& s, const ledger_entries_query& query);

}  // namespace stampd
