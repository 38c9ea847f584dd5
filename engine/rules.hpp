// Internal to engine/: the decide and apply overloads of each concept, one pair per command and
// event, defined in the concept's file (reference.cpp, shipments.cpp, production_orders.cpp,
// stamp_runs.cpp, verification.cpp, stamp_orders.cpp) and dispatched from engine.cpp.
#pragma once

#include <optional>

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
// settings.cpp
STAMPD_RULE(set_duty_rate, duty_rate_set)
STAMPD_RULE(set_tax_rate, tax_rate_set)
STAMPD_RULE(set_capacity, capacity_set)
STAMPD_RULE(set_time_zone, time_zone_set)
STAMPD_RULE(create_fee_preset, fee_preset_created)
// reference.cpp
STAMPD_RULE(set_user_token, user_token_set)
// calendar.cpp
STAMPD_RULE(schedule_po, po_scheduled)
// invoices.cpp
STAMPD_RULE(add_invoice_fee, invoice_fee_added)
STAMPD_RULE(remove_invoice_fee, invoice_fee_removed)
STAMPD_RULE(edit_invoice, invoice_edited)
STAMPD_RULE(advance_invoice, invoice_advanced)
rejection decide(const state& s, const create_credit_note& c, const context& ctx, event_list& out);
// requests.cpp
STAMPD_RULE(submit_request, request_submitted)
STAMPD_RULE(approve_request, request_approved)
STAMPD_RULE(reject_request, request_rejected)

#undef STAMPD_RULE

// Events with no command of their own: they come with another command's decision.
void apply(state& s, const po_split& e, const context& ctx);          // calendar.cpp
void apply(state& s, const parent_closed& e, const context& ctx);     // production_orders.cpp
void apply(state& s, const outbound_created& e, const context& ctx);  // verification.cpp
void apply(state& s, const invoice_drafted& e, const context& ctx);   // invoices.cpp

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

// Calendar (calendar.cpp).
u64 day_capacity(const state& s, day on);
u64 day_remaining(const state& s, day on);
day first_day_with_room(const state& s, day from, u64 units);
// Decides where a PO goes on `on` (one po_scheduled, or a po_split into segments). `po` may be
// the id a PO being created in the same decision will get.
rejection decide_schedule(const state& s, po_id po, consignee_id consignee,
                          const std::vector<po_line>& lines, bool urgent, day on,
                          schedule_mode mode, const std::string& number, event_list& out);
void unschedule(state& s, production_order& po, po_id id);

// Invoices (invoices.cpp).
i64 round_half_up(i64 numerator, i64 denominator);
u32 increments_per_unit(u32 volume_ul);
invoice_totals compute_totals(const std::vector<invoice_line>& lines,
                              const std::vector<invoice_fee>& fees, i32 tax_bp);
invoice_drafted draft_invoice_for(const state& s, po_id po, const std::vector<u32>& verified);

// The parent_closed a segment's completion or cancellation brings, if it is the last open one.
std::optional<parent_closed> close_parent_after(const state& s, po_id segment, po_status to);

// Idempotency (sessions.cpp).
struct session_lookup {
    rejection verdict;                    // SESSION_EVICTED or REQUEST_TOO_OLD, else ok
    const reply_record* reply = nullptr;  // the request was answered before
};
session_lookup look_up_request(const state& s, const context& ctx);
void record_reply(state& s, const context& ctx, u32 result);

std::vector<po_line> lines_of(const std::vector<line_input>& inputs);

rejection wrong_state(subject about, u32 id, u8 current);
rejection check_text(std::string_view text, std::size_t size_max);
rejection check_code(const code& c);

}  // namespace stampd::rules
