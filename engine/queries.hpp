// Read-only questions about the state: availability (§3), a box scanned in a run and the run's
// live counters (§6), stamps available to promise and the ledger's figures for a period (§8).
// Pure functions of the state; the writer thread answers them between commands.
#pragma once

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

}  // namespace stampd
