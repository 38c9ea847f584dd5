// Events: what happened, as decide() computed it. apply() is the only way state changes and it
// never fails; recovery and audit replay the same events through the same apply(). The log
// stores exactly these (FlatBuffers encoding in engine/codec/). Every figure a ledger entry needs
// (quantity, balance after) is computed by decide and carried here, so the log reads on its own.
#pragma once

#include <array>
#include <string>
#include <variant>
#include <vector>

#include "engine/code.hpp"
#include "engine/command.hpp"
#include "engine/event_table.hpp"
#include "engine/table_variant.hpp"
#include "engine/types.hpp"

namespace stampd {

struct user_created {
    user_id id = id_none;
    code key;
    std::string name;
    role_set roles = 0;
    consignee_id consignee = id_none;
    token_hash token_sha256{};  // all zero: no token yet
    bool operator==(const user_created&) const = default;
};
struct consignee_created {
    consignee_id id = id_none;
    code key;
    std::string name;
    province primary_province = province::on;
    bool operator==(const consignee_created&) const = default;
};
struct consignee_edited {
    consignee_id consignee = id_none;
    std::string name;
    province primary_province = province::on;
    std::string billing_address;
    std::string shipping_address;
    std::string tax_registration;
    bool operator==(const consignee_edited&) const = default;
};
struct warehouse_identity_set {
    warehouse_identity identity;
    bool operator==(const warehouse_identity_set&) const = default;
};
struct physical_count_recorded {
    u32 id = 0;  // its place in state::physical_counts, from 1
    region stamp_region = region::fed;
    day as_of = no_day;
    i64 counted = 0;
    std::string counted_by;
    std::string notes;
    bool operator==(const physical_count_recorded&) const = default;
};
struct product_created {
    product_id id = id_none;
    code sku;
    consignee_id consignee = id_none;
    std::string name;
    u32 volume_ul = 0;
    bool operator==(const product_created&) const = default;
};
struct bundle_size_set {
    region stamp_region = region::fed;
    u32 stamps_per_bundle = 0;
    bool operator==(const bundle_size_set&) const = default;
};
struct deposit_rate_set {
    region stamp_region = region::fed;
    i64 cents_per_stamp = 0;
    bool operator==(const deposit_rate_set&) const = default;
};

struct shipment_created {
    shipment_id id = id_none;
    code key;
    consignee_id consignee = id_none;
    bool operator==(const shipment_created&) const = default;
};
struct receiving_started {
    shipment_id shipment = id_none;
    bool operator==(const receiving_started&) const = default;
};
struct box_received {
    box_id id = id_none;
    shipment_id shipment = id_none;
    code barcode;
    product_id product = id_none;
    u32 units = 0;
    u32 damaged = 0;
    bool operator==(const box_received&) const = default;
};
// The new boxes of one receive_boxes, ids first, first + 1, ... in order; `skipped` of the
// command's boxes were already in the shipment, identical, and are left as they were.
struct boxes_received {
    box_id first = id_none;
    shipment_id shipment = id_none;
    std::vector<box_input> boxes;
    u32 skipped = 0;
    bool operator==(const boxes_received&) const = default;
};
struct shipment_inventoried {
    shipment_id shipment = id_none;
    bool operator==(const shipment_inventoried&) const = default;
};

struct po_created {
    po_id id = id_none;
    code number;
    u32 auto_number = 0;  // n of PO-n when the number was generated, else 0
    consignee_id consignee = id_none;
    shipment_id shipment = id_none;
    std::vector<line_input> lines;
    bool urgent = false;
    std::string notes;
    bool operator==(const po_created&) const = default;
};
struct po_lines_edited {
    po_id po = id_none;
    std::vector<line_input> lines;
    bool overridden = false;  // the day's capacity was passed, by a supervisor
    bool operator==(const po_lines_edited&) const = default;
};

// A run starts: apply builds the box queue (deterministic from state) and reserves stamps.
struct run_started {
    po_id po = id_none;
    bool shortage_acknowledged = false;
    u8 short_regions = 0;  // one bit per region that was short when the stamper went on
    bool operator==(const run_started&) const = default;
};

// One stamp-ledger movement (§8), with the balance after it.
struct ledger_movement {
    region stamp_region = region::fed;
    ledger_kind kind = ledger_kind::usage;
    i64 quantity = 0;  // signed: negative takes stamps out of the balance
    i64 balance_after = 0;
    u32 line = 0;  // the PO line it concerns (verification), else 0
    bool operator==(const ledger_movement&) const = default;
};

struct box_confirmed {
    po_id po = id_none;
    box_id box = id_none;
    u32 entry = 0;  // the first queue entry of this box in this run
    box_state outcome = box_state::confirmed;
    u8 movement_count = 0;
    std::array<ledger_movement, region_count> movements{};  // one USAGE per region the box needs
    bool operator==(const box_confirmed&) const = default;
};

// The queue is done (every box confirmed or skipped) or a supervisor ended the run early, which
// skips the boxes left: the PO moves to PendingVerification.
struct run_ended {
    po_id po = id_none;
    bool early = false;
    u32 boxes_skipped = 0;  // by ending early
    bool operator==(const run_ended&) const = default;
};

struct line_amended {
    po_id po = id_none;
    u32 line = 0;
    u32 quantity = 0;
    bool overridden = false;
    bool operator==(const line_amended&) const = default;
};

struct po_verified {
    po_id po = id_none;
    std::vector<u32> verified;               // per line, in line order
    std::vector<ledger_movement> movements;  // ADJUST_VERIFY / REFUND_VERIFY, one per changed line
    bool shortage_overridden = false;        // an adjustment took a balance below zero
    bool operator==(const po_verified&) const = default;
};

struct po_cancelled {
    po_id po = id_none;
    po_status from = po_status::open;
    std::string reason;
    std::vector<ledger_movement> movements;  // REFUND_CANCEL, one per region with deductions
    bool operator==(const po_cancelled&) const = default;
};

struct stamp_order_submitted {
    stamp_order_id id = id_none;
    region stamp_region = region::fed;
    u32 bundles = 0;
    u32 stamps_per_bundle = 0;
    i64 deposit_cents = 0;
    std::string notes;
    bool operator==(const stamp_order_submitted&) const = default;
};
struct stamp_order_reviewed {
    stamp_order_id order = id_none;
    review_action action = review_action::approve;
    std::string note;
    bool operator==(const stamp_order_reviewed&) const = default;
};
struct stamp_order_revised {
    stamp_order_id order = id_none;
    u32 bundles = 0;
    u32 stamps_per_bundle = 0;
    i64 deposit_cents = 0;
    std::string notes;
    bool operator==(const stamp_order_revised&) const = default;
};
struct stamp_order_ordered {
    stamp_order_id order = id_none;
    bool operator==(const stamp_order_ordered&) const = default;
};
struct stamps_received {
    stamp_order_id order = id_none;
    u32 actual_bundles = 0;
    ledger_movement movement;  // the RECEIPT
    bool operator==(const stamps_received&) const = default;
};

// §2 settings and access.
struct duty_rate_set {
    region stamp_region = region::fed;
    i64 cents_per_increment = 0;
    bool operator==(const duty_rate_set&) const = default;
};
struct tax_rate_set {
    province tax_province = province::on;
    tax_kind kind = tax_kind::gst;
    i32 rate = 0;  // thousandths of a percent
    bool operator==(const tax_rate_set&) const = default;
};
struct capacity_set {
    weekday on = weekday::monday;
    u64 units = 0;
    bool operator==(const capacity_set&) const = default;
};
struct time_zone_set {
    time_zone zone;
    bool operator==(const time_zone_set&) const = default;
};
struct fee_preset_created {
    fee_preset_id id = id_none;
    code key;
    std::string name;
    fee_kind kind = fee_kind::flat;
    i64 amount_cents = 0;
    bool operator==(const fee_preset_created&) const = default;
};
struct user_roles_set {
    user_id user = id_none;
    role_set roles = 0;
    bool operator==(const user_roles_set&) const = default;
};
struct user_token_set {
    user_id user = id_none;
    token_hash token_sha256{};
    bool operator==(const user_token_set&) const = default;
};
struct user_password_set {
    user_id user = id_none;
    std::string password_hash;  // Argon2id, PHC string format
    bool operator==(const user_password_set&) const = default;
};

// §5 calendar: a PO put on a day (or taken off it, on = no_day), and an auto-split.
struct po_scheduled {
    po_id po = id_none;
    day on = no_day;
    bool overridden = false;    // past the day's capacity, by a supervisor
    bool urgent_first = false;  // goes before the POs that are not urgent in the day's run order
    u64 capacity = 0;           // the day's capacity (kept by the day once planned)
    // An urgent PO goes behind the urgent POs already on the day (first come, first served).
    // Records written before issue 16 have false: theirs went in front of them, and replay keeps
    // the order they were run in.
    bool behind_urgent = false;
    bool operator==(const po_scheduled&) const = default;
};
struct segment_plan {
    po_id id = id_none;
    code number;
    day on = no_day;
    u64 capacity = 0;
    std::vector<line_input> lines;
    bool operator==(const segment_plan&) const = default;
};
struct po_split {
    po_id parent = id_none;
    std::vector<segment_plan> segments;
    bool behind_urgent = false;  // as po_scheduled's, for the segments of an urgent parent
    bool operator==(const po_split&) const = default;
};
// Every segment of a split parent is final: the parent shows Completed when all completed,
// else Cancelled.
struct parent_closed {
    po_id parent = id_none;
    po_status status = po_status::completed;
    bool operator==(const parent_closed&) const = default;
};

// §7 completion side effects and §9 invoices.
struct outbound_line {
    product_id product = id_none;
    region stamp_region = region::fed;
    u32 units = 0;
    bool operator==(const outbound_line&) const = default;
};
struct outbound_created {
    outbound_id id = id_none;
    po_id po = id_none;
    consignee_id consignee = id_none;
    std::vector<outbound_line> lines;
    bool operator==(const outbound_created&) const = default;
};
// The goods left the warehouse (§7): who and when are the record's. po and consignee are the
// outbound's, carried so that the event reaches whoever follows them.
struct outbound_shipped {
    outbound_id outbound = id_none;
    po_id po = id_none;
    consignee_id consignee = id_none;
    bool operator==(const outbound_shipped&) const = default;
};
struct invoice_line {
    product_id product = id_none;
    region stamp_region = region::fed;
    i64 units = 0;  // negative on a credit note
    u32 volume_ul = 0;
    u32 increments = 0;                // per unit: ceil(mL / 2)
    i64 duty_cents_per_increment = 0;  // the region's rate when the invoice was drafted
    i64 duty_per_unit = 0;
    i64 line_duty = 0;
    bool operator==(const invoice_line&) const = default;
};
struct invoice_fee {
    fee_preset_id preset = id_none;
    std::string name;
    fee_kind kind = fee_kind::flat;
    i64 amount_cents = 0;
    i64 charge_cents = 0;  // amount × units for a per-unit fee
    bool operator==(const invoice_fee&) const = default;
};
struct invoice_totals {
    i64 duty = 0;
    i64 fees = 0;
    i64 subtotal = 0;
    std::array<i64, tax_kind_count> taxes{};  // each component, rounded half-up once
    i64 tax = 0;                              // Σ taxes
    i64 total = 0;
    bool operator==(const invoice_totals&) const = default;
};
// A draft invoice: at completion, or a credit note (credit_of set) referencing an issued one.
struct invoice_drafted {
    invoice_id id = id_none;
    po_id po = id_none;
    consignee_id consignee = id_none;
    province tax_province = province::on;
    tax_rates rates{};
    std::vector<invoice_line> lines;
    std::vector<invoice_fee> fees;
    invoice_totals totals;
    invoice_id credit_of = id_none;
    std::string reason;
    bool operator==(const invoice_drafted&) const = default;
};
struct invoice_fee_added {
    invoice_id invoice = id_none;
    invoice_fee fee;
    invoice_totals totals;
    bool operator==(const invoice_fee_added&) const = default;
};
struct invoice_fee_removed {
    invoice_id invoice = id_none;
    u32 fee = 0;
    invoice_totals totals;
    bool operator==(const invoice_fee_removed&) const = default;
};
struct invoice_edited {
    invoice_id invoice = id_none;
    std::string notes;
    day due = no_day;
    bool operator==(const invoice_edited&) const = default;
};
struct invoice_advanced {
    invoice_id invoice = id_none;
    invoice_status to = invoice_status::issued;
    bool operator==(const invoice_advanced&) const = default;
};

// §10 customer requests.
struct request_submitted {
    request_id id = id_none;
    consignee_id consignee = id_none;
    shipment_id shipment = id_none;
    std::vector<line_input> lines;
    day on = no_day;
    bool operator==(const request_submitted&) const = default;
};
struct request_approved {
    request_id request = id_none;
    po_id po = id_none;
    bool operator==(const request_approved&) const = default;
};
struct request_rejected {
    request_id request = id_none;
    std::string reason;
    bool operator==(const request_rejected&) const = default;
};

#define STAMPD_EVENT_TYPE(type, wire) type,
using event = table_variant<STAMPD_EVENTS(STAMPD_EVENT_TYPE) table_end>;
#undef STAMPD_EVENT_TYPE

std::string_view event_name(const event& e);

}  // namespace stampd
