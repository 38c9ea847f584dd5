// Internal to engine/: the decide and apply overloads of each concept, one pair per command and
// event, defined in the concept's file (reference.cpp, shipments.cpp, production_orders.cpp,
// stamp_runs.cpp, verification.cpp, stamp_orders.cpp) and dispatched from engine.cpp.
#pragma once

#include "engine/engine.hpp"

namespace stampd::rules {

#define STAMPD_RULE(Command, Event)                                                          \
    rejection decide(const state& s, const Command& c, const context& ctx, event_list& out); \
    void apply(state& s, const Event& e, const context& ctx);

// reference.cpp
STAMPD_RULE(create_user, user_created)
STAMPD_RULE(create_consignee, consignee_created)
STAMPD_RULE(create_product, product_created)
STAMPD_RULE(set_bundle_size, bundle_size_set)
STAMPD_RULE(set_deposit_rate, deposit_rate_set)
// shipments.cpp
STAMPD_RULE(create_shipment, shipment_created)
STAMPD_RULE(start_receiving, receiving_started)
STAMPD_RULE(receive_box, box_received)
STAMPD_RULE(finish_receiving, shipment_inventoried)
// production_orders.cpp
STAMPD_RULE(create_po, po_created)
STAMPD_RULE(edit_po_lines, po_lines_edited)
STAMPD_RULE(cancel_po, po_cancelled)
// stamp_runs.cpp
STAMPD_RULE(start_run, run_started)
STAMPD_RULE(confirm_box, box_confirmed)
STAMPD_RULE(end_run, run_ended)
// verification.cpp
STAMPD_RULE(verify_po, po_verified)
STAMPD_RULE(amend_line, line_amended)
// stamp_orders.cpp
STAMPD_RULE(submit_stamp_order, stamp_order_submitted)
STAMPD_RULE(review_stamp_order, stamp_order_reviewed)
STAMPD_RULE(revise_stamp_order, stamp_order_revised)
STAMPD_RULE(mark_stamp_order_ordered, stamp_order_ordered)
STAMPD_RULE(receive_stamps, stamps_received)

#undef STAMPD_RULE

// Shared by the rules.

// Appends one movement to its region's ledger and moves the balance to its balance_after.
void append_ledger(state& s, const ledger_movement& m, const context& ctx, u32 source, box_id box,
                   bool overridden);

// A movement of `quantity` stamps (signed) on the region's current balance.
ledger_movement movement(const state& s, region r, ledger_kind kind, i64 quantity, u32 line = 0);

// Validates a PO's lines against the shipment: products exist, belong to the consignee and to
// the shipment, one line per (product, region), quantities in range, and availability, counting
// `released` (the PO's own current lines, when editing) as available again.
rejection check_lines(const state& s, consignee_id consignee, const shipment& sh,
                      const std::vector<line_input>& lines, const std::vector<po_line>* released);

// The shipment's figures for one product, or nullptr.
const shipment_product* find_product(const shipment& sh, product_id product);
shipment_product* find_product(shipment& sh, product_id product);

rejection wrong_state(subject about, u32 id, u8 current);
rejection check_text(std::string_view text, std::size_t size_max);
rejection check_code(const code& c);

}  // namespace stampd::rules
