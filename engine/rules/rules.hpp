// Internal to engine/: the decide and apply overloads of each concept (engine/rules/*.cpp),
// dispatched from engine/engine.cpp, and what the rules share. Single-threaded: the writer.
#pragma once

#include <optional>

#include "engine/engine.hpp"

namespace stampd::rules {

// One decide per command and one apply per event, each defined in its concept's file:
// reference.cpp (users, consignees, products, bundle sizes, deposits, tokens), shipments.cpp,
// production_orders.cpp, stamp_runs.cpp, verification.cpp, stamp_orders.cpp, settings.cpp,
// calendar.cpp, invoices.cpp and requests.cpp. A row of a table without its definition fails to
// link; a definition without its row is never called.
#define STAMPD_DECLARE_DECIDE(type, wire, roles) \
    rejection decide(const state& s, const type& c, const context& ctx, event_list& out);
STAMPD_COMMANDS(STAMPD_DECLARE_DECIDE)
#undef STAMPD_DECLARE_DECIDE

#define STAMPD_DECLARE_APPLY(type, wire) void apply(state& s, const type& e, const context& ctx);
STAMPD_EVENTS(STAMPD_DECLARE_APPLY)
#undef STAMPD_DECLARE_APPLY

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
// A day work may be planned on: a weekday from `today` (the warehouse's) on. INVALID_ARGUMENT for
// no day; DAY_CLOSED for a weekend day, and for a day already past with available = today.
rejection check_day(day on, day today);
u64 day_capacity(const state& s, day on);
u64 day_remaining(const state& s, day on);
day first_day_with_room(const state& s, day from, u64 units);
// Decides where a PO goes on `on` (one po_scheduled, or a po_split into segments), a weekday
// from `today` (the warehouse's) on. `po` may be the id a PO being created in the same decision
// will get.
rejection decide_schedule(const state& s, po_id po, consignee_id consignee,
                          const std::vector<po_line>& lines, bool urgent, day on, day today,
                          schedule_mode mode, const std::string& number, event_list& out);
// The largest room any weekday has in the days from `from` that first_day_with_room searches.
u64 largest_room(const state& s, day from);
void unschedule(state& s, production_order& po, po_id id);

// Invoices (invoices.cpp).
i64 round_half_up(i64 numerator, i64 denominator);
u32 increments_per_unit(u32 volume_ul);
invoice_totals compute_totals(const std::vector<invoice_line>& lines,
                              const std::vector<invoice_fee>& fees, const tax_rates& rates);
invoice_drafted draft_invoice_for(const state& s, po_id po, const std::vector<u32>& verified);

// A PO enters `to`: its status, and the step in its history (who and when: the record's).
void enter(production_order& po, po_status to, const context& ctx);

// The parent_closed a segment's completion or cancellation brings, if it is the last open one.
std::optional<parent_closed> close_parent_after(const state& s, po_id segment, po_status to);

// Idempotency (sessions.cpp).
struct session_lookup {
    rejection verdict;  // SESSION_EVICTED, REQUEST_TOO_OLD or REQUEST_REUSED, else ok
    const reply_record* reply = nullptr;  // the request was answered before
};
session_lookup look_up_request(const state& s, const context& ctx);
void record_reply(state& s, const context& ctx, u32 result);

std::vector<po_line> lines_of(const std::vector<line_input>& inputs);

rejection wrong_state(subject about, u32 id, u8 current);
// The PO exists, is not a split parent (§5: it runs and is scheduled through its segments) and is
// open.
rejection check_open_unsplit_po(const state& s, po_id po);
rejection check_text(std::string_view text, std::size_t size_max);
rejection check_code(const code& c);

}  // namespace stampd::rules
