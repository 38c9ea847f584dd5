// The whole in-memory state of one warehouse: reference data, shipments and boxes, production
// orders with their run queues, stamp orders and the per-region stamp ledger.
// Touched by the writer thread only; changed only by apply(). Tables are indexed by id - 1.
#pragma once

#include <array>
#include <cassert>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/calendar_time.hpp"
#include "engine/chunked_vector.hpp"
#include "engine/code.hpp"
#include "engine/code_index.hpp"
#include "engine/constants.hpp"
#include "engine/event.hpp"
#include "engine/tax.hpp"
#include "engine/types.hpp"

namespace stampd {

struct user {
    code key;
    std::string name;
    role_set roles = 0;
    consignee_id consignee = id_none;
    token_hash token_sha256{};
    std::string password_hash;  // Argon2id (PHC string); empty: no password, tokens only
};

struct consignee {
    code key;
    std::string name;
    province primary_province = province::on;
    std::string billing_address;  // edit_consignee; empty until given
    std::string shipping_address;
    std::string tax_registration;
};

struct product {
    code sku;
    std::string name;
    consignee_id consignee = id_none;
    u32 volume_ul = 0;
};

// One product's units on one shipment: the figures availability is made of (§3).
struct shipment_product {
    product_id product = id_none;
    u64 good_units = 0;         // Σ (units − damaged) of the product's boxes
    u64 allocated_units = 0;    // Σ line quantities of the shipment's POs that are not Cancelled
    std::vector<box_id> boxes;  // in barcode order once the shipment is Inventoried
    u32 first_free = 0;         // boxes before this index have no unclaimed units (a hint)
};

struct shipment {
    code key;
    consignee_id consignee = id_none;
    shipment_status status = shipment_status::expected;
    u32 box_count = 0;
    std::vector<shipment_product> products;
};

// 24 bytes: boxes are the table that grows to millions (bench/ measures the cost per box).
struct box {
    shipment_id shipment = id_none;
    product_id product = id_none;
    u32 barcode_offset = 0;  // into state::barcodes
    u32 first_entry = 0;     // 1 + index of this box's first queue entry in its latest run, or 0
    u16 units = 0;
    u16 damaged = 0;
    u16 claimed = 0;  // units placed in the queues of runs that are not cancelled
    u8 barcode_size = 0;
    u8 reserved_ = 0;
};
static_assert(sizeof(box) == 24);

// One (box, line) pair of a run's queue. The entries of one box in one run are contiguous;
// next_group links to the same box's entries in an earlier run (a box split across POs).
struct queue_entry {
    po_id po = id_none;
    box_id box = id_none;
    user_id confirmed_by = id_none;  // who confirmed, skipped or overrode it
    u32 next_group = 0;              // 1 + index, or 0
    u16 units = 0;
    u8 line = 0;
    box_state state = box_state::pending;
};
static_assert(sizeof(queue_entry) == 20);

struct po_line {
    product_id product = id_none;
    region stamp_region = region::fed;
    u32 quantity = 0;  // the estimate: what is authorised
    u32 deducted = 0;  // Σ stamps confirmed for the line
    u32 verified = 0;  // set at completion
};

// A state a PO entered: when and by whom (the record's time and user), oldest first.
struct po_step {
    po_status status = po_status::open;
    user_id user = id_none;
    i64 time_us = 0;
    bool operator==(const po_step&) const = default;
};

struct production_order {
    code number;
    consignee_id consignee = id_none;
    shipment_id shipment = id_none;
    po_status status = po_status::open;
    bool urgent = false;
    bool shortage_acknowledged = false;
    std::string notes;
    std::vector<po_line> lines;
    user_id started_by = id_none;
    user_id verified_by = id_none;
    u32 queue_first = 0;  // index of the first queue entry
    u32 queue_size = 0;
    u32 boxes_total = 0;
    u32 boxes_confirmed = 0;
    u32 boxes_skipped = 0;
    per_region<i64> reserved{};    // stamps still reserved for this PO
    per_region<i64> ledger_net{};  // Σ this PO's ledger entries
    day scheduled = no_day;
    bool capacity_overridden = false;
    po_id parent = id_none;        // set on the segments of an auto-split PO
    std::vector<po_id> segments;   // set on a split parent, whose allocation they hold
    invoice_id invoice = id_none;  // set at completion
    outbound_id outbound = id_none;
    // Each state entered, at most one per status (a PO never goes back); empty for the POs of a
    // snapshot older than version 6, which did not keep it.
    std::vector<po_step> history;
    std::string cancel_reason;
};

struct stamp_order {
    code number;
    region stamp_region = region::fed;
    stamp_order_status status = stamp_order_status::admin_review;
    u32 bundles = 0;
    u32 stamps_per_bundle = 0;
    i64 deposit_cents = 0;
    u32 received_bundles = 0;
    user_id submitted_by = id_none;
    std::string notes;
    std::string review_note;
};

// One row of the append-only stamp ledger; its sequence number is its index + 1 in its region.
struct ledger_entry {
    u64 lsn = 0;
    i64 time_us = 0;
    i64 balance_after = 0;
    i32 quantity = 0;
    u32 source = 0;  // the stamp order (RECEIPT) or the PO
    box_id box = id_none;
    user_id user = id_none;
    station_id station = 0;
    ledger_kind kind = ledger_kind::usage;
    bool overridden = false;
};

struct region_account {
    i64 balance = 0;
    i64 reserved = 0;  // Σ reservations of POs whose runs have started and are not yet closed
    u32 stamps_per_bundle = constants::stamps_per_bundle_default;
    i64 deposit_cents_per_stamp = 0;
    chunked_vector<ledger_entry, 14> ledger;
};

// A physical count of a region's stamps (§8): how many were on hand at the close of a day (the
// warehouse's), who recorded it and when. Append-only: a recount is a later row for the same
// region and day, and the latest is the one a statement uses.
struct physical_count {
    region stamp_region = region::fed;
    day as_of = no_day;
    i64 counted = 0;  // stamps
    user_id recorded_by = id_none;
    i64 recorded_us = 0;  // the record's time
    u64 lsn = 0;
    std::string counted_by;  // who counted, when not (only) the one recording it; may be empty
    std::string notes;
};

// A day on the calendar, from the moment its first PO is scheduled (§5).
struct day_schedule {
    u64 capacity = 0;  // the setting when the day was first planned
    u64 load = 0;      // Σ units of the POs and segments scheduled that day
    bool overridden = false;
    std::vector<po_id> run_order;  // urgent first
};

struct settings {
    per_region<i64> duty_cents_per_increment{};
    std::array<tax_rates, province_count> tax_by_province = default_tax_rates();
    std::array<u64, 5> capacity_units = {12'000, 12'000, 12'000, 12'000, 12'000};  // Mon–Fri
    time_zone zone;
    warehouse_identity identity;  // engine/command.hpp; printed on every document
};

struct fee_preset {
    code key;
    std::string name;
    fee_kind kind = fee_kind::flat;
    i64 amount_cents = 0;
};

struct outbound {
    po_id po = id_none;
    consignee_id consignee = id_none;
    std::vector<outbound_line> lines;
    outbound_status status = outbound_status::ready_to_ship;
    i64 created_us = 0;            // when the PO completed: the manifest's date
    user_id shipped_by = id_none;  // set when Shipped
    i64 shipped_us = 0;
};

struct invoice {
    code number;
    po_id po = id_none;
    consignee_id consignee = id_none;
    province tax_province = province::on;
    tax_rates rates{};  // the province's, when the invoice was drafted
    invoice_status status = invoice_status::draft;
    std::vector<invoice_line> lines;
    std::vector<invoice_fee> fees;
    invoice_totals totals;
    std::string notes;
    day due = no_day;
    invoice_id credit_of = id_none;
    std::string reason;
    // When the invoice entered each status (Draft, Issued, Paid, Archived); 0 until it has:
    // the dates an invoice document and finance's reports print.
    std::array<i64, invoice_status_count> since_us{};
};

struct customer_request {
    consignee_id consignee = id_none;
    shipment_id shipment = id_none;
    std::vector<line_input> lines;
    day on = no_day;
    request_status status = request_status::pending;
    std::string reason;
    po_id po = id_none;
    user_id submitted_by = id_none;
};

// Idempotency (§11): the replies to a client's last accepted requests.
struct reply_record {
    u64 request = 0;
    u64 lsn = 0;  // 0: an empty slot
    u32 result = 0;
    u32 fingerprint = 0;  // of the command answered (context::fingerprint); 0: not known
};
struct client_session {
    u64 client = 0;
    u64 last_lsn = 0;
    u64 highest_request = 0;
    std::array<reply_record, constants::replies_per_client_max> replies{};
    u32 next = 0;
};

namespace detail {
template <typename Table>
auto& at(Table& table, u32 id) {
    assert(id != id_none && id <= table.size());
    return table[id - 1];
}
}  // namespace detail

struct state {
    std::vector<user> users;
    std::vector<consignee> consignees;
    std::vector<product> products;
    std::vector<shipment> shipments;
    chunked_vector<box> boxes;
    chunked_vector<char, 20> barcodes;  // every box's barcode, back to back
    chunked_vector<queue_entry> queue;
    std::vector<production_order> production_orders;
    std::vector<stamp_order> stamp_orders;
    per_region<region_account> regions;
    struct settings settings;
    std::vector<fee_preset> fee_presets;
    std::map<day, day_schedule> calendar;
    std::vector<outbound> outbounds;
    std::vector<invoice> invoices;
    std::vector<customer_request> requests;
    std::vector<client_session> sessions;
    std::vector<physical_count> physical_counts;  // in the order recorded (snapshot format 7)
    u32 po_number_next = 1;
    u64 last_lsn = 0;
    i64 last_time_us = 0;

    // Lookup indexes, derived from the tables above (not part of the digest).
    code_index box_by_barcode;
    bool barcode_index_deferred = false;  // while a log is replayed (barcode_index_deferral)
    std::unordered_map<std::string, user_id> user_by_key;
    std::unordered_map<std::string, consignee_id> consignee_by_key;
    std::unordered_map<std::string, product_id> product_by_sku;
    std::unordered_map<std::string, shipment_id> shipment_by_key;
    std::unordered_map<std::string, po_id> po_by_number;  // "consignee-id/number"
    std::map<token_hash, user_id> user_by_token;
    std::unordered_map<u64, u32> session_by_client;  // index into sessions

    // Accessors by id; the id must exist.
    const user& user_at(user_id id) const { return detail::at(users, id); }
    const consignee& consignee_at(consignee_id id) const { return detail::at(consignees, id); }
    const product& product_at(product_id id) const { return detail::at(products, id); }
    const shipment& shipment_at(shipment_id id) const { return detail::at(shipments, id); }
    const production_order& po_at(po_id id) const { return detail::at(production_orders, id); }
    const stamp_order& stamp_order_at(stamp_order_id id) const {
        return detail::at(stamp_orders, id);
    }
    const box& box_at(box_id id) const { return boxes[id - 1]; }
    user& user_at(user_id id) { return detail::at(users, id); }
    shipment& shipment_at(shipment_id id) { return detail::at(shipments, id); }
    production_order& po_at(po_id id) { return detail::at(production_orders, id); }
    stamp_order& stamp_order_at(stamp_order_id id) { return detail::at(stamp_orders, id); }
    box& box_at(box_id id) { return boxes[id - 1]; }
    const invoice& invoice_at(invoice_id id) const { return detail::at(invoices, id); }
    invoice& invoice_at(invoice_id id) { return detail::at(invoices, id); }
    const fee_preset& fee_preset_at(fee_preset_id id) const { return detail::at(fee_presets, id); }
    const customer_request& request_at(request_id id) const { return detail::at(requests, id); }
    customer_request& request_at(request_id id) { return detail::at(requests, id); }
    const outbound& outbound_at(outbound_id id) const { return detail::at(outbounds, id); }

    bool has_user(user_id id) const { return id != id_none && id <= users.size(); }
    bool has_consignee(consignee_id id) const { return id != id_none && id <= consignees.size(); }
    bool has_product(product_id id) const { return id != id_none && id <= products.size(); }
    bool has_shipment(shipment_id id) const { return id != id_none && id <= shipments.size(); }
    bool has_box(box_id id) const { return id != id_none && id <= boxes.size(); }
    bool has_po(po_id id) const { return id != id_none && id <= production_orders.size(); }
    bool has_stamp_order(stamp_order_id id) const {
        return id != id_none && id <= stamp_orders.size();
    }
    bool has_invoice(invoice_id id) const { return id != id_none && id <= invoices.size(); }
    bool has_fee_preset(fee_preset_id id) const {
        return id != id_none && id <= fee_presets.size();
    }
    bool has_request(request_id id) const { return id != id_none && id <= requests.size(); }
    bool has_outbound(outbound_id id) const { return id != id_none && id <= outbounds.size(); }

    std::string_view barcode_of(box_id id) const;
    box_id find_box(std::string_view barcode) const;
    region_account& account(region r) { return regions[index(r)]; }
    const region_account& account(region r) const { return regions[index(r)]; }
};

// Adds the box's row, its barcode and (unless told not to) its index entry — not the shipment's
// figures.
void store_box(state& s, const box_received& e, bool index_barcode = true);

// While a log is replayed nothing is decided, and only deciding looks a box up by its barcode
// (receive_box's duplicate check): the boxes a replay adds are indexed once, when it ends, in
// one pass over their barcodes in order (code_index::index_up_to) — a cache miss a box saved,
// the largest cost of a full replay. The index is whole again when the deferral is destroyed,
// however the replay ended (if it was whole when the deferral began).
class barcode_index_deferral {
public:
    explicit barcode_index_deferral(state& s);
    ~barcode_index_deferral();
    barcode_index_deferral(const barcode_index_deferral&) = delete;
    barcode_index_deferral& operator=(const barcode_index_deferral&) = delete;

private:
    state& _s;
    // Whether this deferral indexes at the end: the outermost one, of a state whose boxes were
    // all indexed (a state loaded without indexes, for a report, is left without them).
    bool _outer;
};

// The key of po_by_number: PO numbers are unique within a consignee.
std::string po_number_key(consignee_id consignee, std::string_view number);

}  // namespace stampd
