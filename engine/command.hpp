// Commands: what a user asks the engine to do. Plain values, validated by decide() against the
// state; the context (who, where, when, LSN) travels beside them. Only confirm_box is on the hot
// path and it holds no heap memory; the others may carry strings and lists.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "engine/calendar_time.hpp"
#include "engine/code.hpp"
#include "engine/command_table.hpp"
#include "engine/table_variant.hpp"
#include "engine/types.hpp"

namespace stampd {

// Who sends a command, from where, and when and at which LSN the writer accepts it. Time is
// microseconds since the Unix epoch (UTC), assigned by the writer, never read from a clock here.
// client and request identify the request for idempotency (§11); client 0 means none.
struct context {
    u64 lsn = 0;
    i64 time_us = 0;
    user_id user = id_none;
    station_id station = 0;
    u64 client = 0;
    u64 request = 0;
    u64 client_lsn = 0;  // the LSN of the last accepted answer the client has seen; 0: none yet
    // A fingerprint of the command's content (net::command_fingerprint), kept with its reply so
    // that a different command under a used (client, request) is refused; 0: not known, and a
    // request with an unknown fingerprint on either side is taken for a retry.
    u32 fingerprint = 0;
    bool operator==(const context&) const = default;
};

// §2 reference data.
struct create_user {
    code key;  // the login name, unique
    std::string name;
    role_set roles = 0;
    consignee_id consignee = id_none;  // required for (and only for) consignee users
    std::string token;                 // hashed by decide: only the SHA-256 is kept
    bool operator==(const create_user&) const = default;
};
struct create_consignee {
    code key;
    std::string name;
    province primary_province = province::on;
    bool operator==(const create_consignee&) const = default;
};
// A consignee's details change (seed 003: it moves province, and later invoices use the new
// rate); the key stays. Every field is the new value. Invoices already drafted keep the province
// and rate they were drafted with.
struct edit_consignee {
    consignee_id consignee = id_none;
    std::string name;
    province primary_province = province::on;
    std::string billing_address;   // invoices' "bill to", lines separated by '\n'
    std::string shipping_address;  // manifests' "ship to"
    std::string tax_registration;  // its GST/HST (or QST) registration number; empty: none
    bool operator==(const edit_consignee&) const = default;
};
struct create_product {
    code sku;
    consignee_id consignee = id_none;
    std::string name;
    u32 volume_ul = 0;
    bool operator==(const create_product&) const = default;
};
struct set_bundle_size {
    region stamp_region = region::fed;
    u32 stamps_per_bundle = 0;
    bool operator==(const set_bundle_size&) const = default;
};
struct set_deposit_rate {
    region stamp_region = region::fed;
    i64 cents_per_stamp = 0;
    bool operator==(const set_deposit_rate&) const = default;
};

// §3 shipments and boxes.
struct create_shipment {
    code key;
    consignee_id consignee = id_none;
    bool operator==(const create_shipment&) const = default;
};
struct start_receiving {
    shipment_id shipment = id_none;
    bool operator==(const start_receiving&) const = default;
};
struct receive_box {
    shipment_id shipment = id_none;
    code barcode;
    product_id product = id_none;
    u32 units = 0;
    u32 damaged = 0;
    bool operator==(const receive_box&) const = default;
};
struct finish_receiving {
    shipment_id shipment = id_none;
    bool operator==(const finish_receiving&) const = default;
};
// One box of a batch (receive_boxes, boxes_received).
struct box_input {
    code barcode;
    product_id product = id_none;
    u32 units = 0;
    u32 damaged = 0;
    bool operator==(const box_input&) const = default;
};
// Up to constants::boxes_per_batch_max boxes of one shipment at once (an advance shipping
// notice, stampctl import-shipment), decided all or nothing: each box is new, or already in the
// shipment with the same product and figures (skipped: a retried import completes, never
// duplicates), and one box that is neither refuses the whole batch, its place in `item`.
struct receive_boxes {
    shipment_id shipment = id_none;
    std::vector<box_input> boxes;
    bool operator==(const receive_boxes&) const = default;
};

// §4 production orders.
struct line_input {
    product_id product = id_none;
    region stamp_region = region::fed;
    u32 quantity = 0;
    bool operator==(const line_input&) const = default;
};
struct create_po {
    code number;  // blank: the next PO-000001-style number
    consignee_id consignee = id_none;
    shipment_id shipment = id_none;
    std::vector<line_input> lines;
    bool urgent = false;
    std::string notes;
    day on = no_day;  // schedule on this day; an urgent PO with none goes to the first with room
    schedule_mode mode = schedule_mode::strict;
    bool operator==(const create_po&) const = default;
};
struct edit_po_lines {
    po_id po = id_none;
    std::vector<line_input> lines;
    bool override_capacity = false;  // the new units may take the PO's day past its capacity
    bool operator==(const edit_po_lines&) const = default;
};

// §6 stamp runs.
struct start_run {
    po_id po = id_none;
    bool acknowledge_shortage = false;  // the stamper saw STAMP_SHORTAGE_WARNING and goes on
    bool operator==(const start_run&) const = default;
};
struct confirm_box {
    po_id po = id_none;
    box_id box = id_none;
    box_action action = box_action::confirm;
    bool operator==(const confirm_box&) const = default;
};
struct end_run {
    po_id po = id_none;
    bool operator==(const end_run&) const = default;
};

// §7 verification and cancellation.
struct verified_count {
    u32 line = 0;
    u32 stamps = 0;
    bool operator==(const verified_count&) const = default;
};
struct verify_po {
    po_id po = id_none;
    std::vector<verified_count> counts;  // lines not listed: verified = deducted
    bool override_shortage = false;      // deduct an adjustment past the balance
    bool operator==(const verify_po&) const = default;
};
struct amend_line {
    po_id po = id_none;
    u32 line = 0;
    u32 quantity = 0;
    bool override_capacity = false;
    bool operator==(const amend_line&) const = default;
};
struct cancel_po {
    po_id po = id_none;
    std::string reason;
    bool operator==(const cancel_po&) const = default;
};

// §7 the outbound record of a completed PO: its goods have left.
struct ship_outbound {
    outbound_id outbound = id_none;
    bool operator==(const ship_outbound&) const = default;
};

// §8 stamp orders.
struct submit_stamp_order {
    region stamp_region = region::fed;
    u32 bundles = 0;
    std::string notes;
    bool operator==(const submit_stamp_order&) const = default;
};
struct review_stamp_order {
    stamp_order_id order = id_none;
    review_action action = review_action::approve;
    std::string note;  // the reason of a rejection, the changes asked for
    bool operator==(const review_stamp_order&) const = default;
};
struct revise_stamp_order {
    stamp_order_id order = id_none;
    u32 bundles = 0;
    std::string notes;
    bool operator==(const revise_stamp_order&) const = default;
};
struct mark_stamp_order_ordered {
    stamp_order_id order = id_none;
    bool operator==(const mark_stamp_order_ordered&) const = default;
};
struct receive_stamps {
    stamp_order_id order = id_none;
    u32 actual_bundles = 0;
    bool operator==(const receive_stamps&) const = default;
};

// §2 settings and access.
struct set_duty_rate {
    region stamp_region = region::fed;
    i64 cents_per_increment = 0;
    bool operator==(const set_duty_rate&) const = default;
};
struct set_tax_rate {
    province tax_province = province::on;
    tax_kind kind = tax_kind::gst;
    i32 rate = 0;  // thousandths of a percent: 9 975 is 9.975 %
    bool operator==(const set_tax_rate&) const = default;
};
struct set_capacity {
    weekday on = weekday::monday;
    u64 units = 0;
    bool operator==(const set_capacity&) const = default;
};
struct set_time_zone {
    time_zone zone;
    bool operator==(const set_time_zone&) const = default;
};
struct create_fee_preset {
    code key;
    std::string name;
    fee_kind kind = fee_kind::flat;
    i64 amount_cents = 0;  // per unit, or the flat amount
    bool operator==(const create_fee_preset&) const = default;
};
struct set_user_token {
    user_id user = id_none;
    std::string token;
    bool operator==(const set_user_token&) const = default;
};
// A user's roles from now on (admin). A consignee user keeps the consignee role alone; staff never
// take it (a consignee user is made with its consignee, by create_user); the last admin keeps
// admin, so that someone can still give roles.
struct set_user_roles {
    user_id user = id_none;
    role_set roles = 0;
    bool operator==(const set_user_roles&) const = default;
};
// A person's password. On the wire (SetUserPassword) `password` is the password itself; stampd
// replaces it with its Argon2id hash in the PHC string format ("$argon2id$v=19$m=...") off the
// writer thread (net/session.cpp), and the engine accepts nothing else: it never sees a password.
struct set_user_password {
    user_id user = id_none;
    std::string password;
    bool operator==(const set_user_password&) const = default;
};

// §5 calendar.
struct schedule_po {
    po_id po = id_none;
    day on = no_day;  // no_day takes the PO off the calendar
    schedule_mode mode = schedule_mode::strict;
    bool operator==(const schedule_po&) const = default;
};

// §9 invoices.
struct add_invoice_fee {
    invoice_id invoice = id_none;
    fee_preset_id preset = id_none;
    bool operator==(const add_invoice_fee&) const = default;
};
struct remove_invoice_fee {
    invoice_id invoice = id_none;
    u32 fee = 0;  // index in the invoice's fees
    bool operator==(const remove_invoice_fee&) const = default;
};
struct edit_invoice {
    invoice_id invoice = id_none;
    std::string notes;
    day due = no_day;
    bool operator==(const edit_invoice&) const = default;
};
struct advance_invoice {
    invoice_id invoice = id_none;
    invoice_status to = invoice_status::issued;
    bool operator==(const advance_invoice&) const = default;
};
struct credit_line {
    u32 line = 0;
    u32 units = 0;
    bool operator==(const credit_line&) const = default;
};
struct create_credit_note {
    invoice_id invoice = id_none;
    std::vector<credit_line> lines;  // none: the whole invoice, fees included
    std::string reason;
    bool operator==(const create_credit_note&) const = default;
};

// §10 customer requests.
struct submit_request {
    shipment_id shipment = id_none;
    std::vector<line_input> lines;
    day on = no_day;
    bool operator==(const submit_request&) const = default;
};
struct approve_request {
    request_id request = id_none;
    bool override_capacity = false;
    bool operator==(const approve_request&) const = default;
};
struct reject_request {
    request_id request = id_none;
    std::string reason;
    bool operator==(const reject_request&) const = default;
};

// §2 the warehouse's identity, printed on every document: what settings keep and
// set_warehouse_identity replaces whole. Empty until set.
struct warehouse_identity {
    std::string legal_name;
    std::string address;         // lines separated by '\n'
    std::string gst_hst_number;  // CRA's business number and GST/HST account: 123456789RT0001
    std::string qst_number;      // Revenu Québec's: 1234567890TQ0001; empty: not registered
    std::string excise_licence;  // the licence the stamps are issued under
    bool operator==(const warehouse_identity&) const = default;
};
struct set_warehouse_identity {
    warehouse_identity identity;  // every field the new value
    bool operator==(const set_warehouse_identity&) const = default;
};

// §8 a physical count of a region's stamps: how many were on hand at the close of a day. Who
// recorded it and when are the command's; a recount is recorded again, and the latest counts.
struct record_physical_count {
    region stamp_region = region::fed;
    day as_of = no_day;      // the warehouse's day whose close was counted: today or before
    i64 counted = 0;         // stamps
    std::string counted_by;  // who counted, when not only the sender (free text; may be empty)
    std::string notes;
    bool operator==(const record_physical_count&) const = default;
};

#define STAMPD_COMMAND_TYPE(type, wire, roles) type,
using command = table_variant<STAMPD_COMMANDS(STAMPD_COMMAND_TYPE) table_end>;
#undef STAMPD_COMMAND_TYPE

// The command's name as the protocol and logs write it: "confirm_box".
std::string_view command_name(const command& c);

}  // namespace stampd
