// A small reference model of SPEC §3–§9, written separately from engine/ and as plainly as
// possible: std::map tables, figures recomputed by brute force. The randomized model test runs
// the engine and this model side by side and compares every answer and figure.
// Single-threaded; one model per sequence.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <vector>

#include "engine/command.hpp"
#include "engine/rejection.hpp"

namespace stampd::model {

struct box_row {
    shipment_id shipment;
    product_id product;
    u32 good;
    u32 free;  // good units not yet in any live run's queue
};

struct queue_row {
    box_id box;
    u32 line;
    u32 units;
    box_state state = box_state::pending;
    user_id by = id_none;
};

struct po_row {
    shipment_id shipment;
    std::vector<line_input> lines;
    po_status status = po_status::open;
    user_id started_by = id_none;
    std::vector<queue_row> queue;
    std::vector<u32> deducted;  // per line
    per_region<i64> net{};      // Σ ledger entries of the PO
    per_region<i64> reserved{};
    std::vector<u32> verified;
    day on = no_day;
    bool invoiced = false;
};

struct ledger_row {
    region r;
    i64 quantity;
    bool overridden;
};

struct order_row {
    region r;
    u32 bundles;
    user_id submitter;
    stamp_order_status status = stamp_order_status::admin_review;
};

class reference_model {
public:
    // The fixture the generator builds: users, one consignee, products, shipments and boxes.
    std::map<user_id, role_set> users;
    std::map<box_id, box_row> boxes;
    std::set<std::pair<shipment_id, product_id>> product_shipments;
    std::map<po_id, po_row> pos;
    std::map<stamp_order_id, order_row> orders;
    std::vector<ledger_row> ledger;
    std::map<day, u64> day_load;
    std::map<day, bool> day_overridden;
    std::map<invoice_id, invoice_status> invoices;
    u64 capacity = 12'000;

    // Predicts the answer to `c` sent by `user` and, when accepted, applies it to the model.
    rejection_code run(const command& c, user_id user);

    i64 balance(region r) const;
    i64 reserved(region r) const;
    i64 availability(shipment_id s, product_id p) const;

private:
    rejection_code create(const create_po& c);
    rejection_code start(const start_run& c, user_id user);
    rejection_code confirm(const confirm_box& c, user_id user);
    rejection_code end(const end_run& c);
    rejection_code verify(const verify_po& c, user_id user);
    rejection_code amend(const amend_line& c);
    rejection_code cancel(const cancel_po& c);
    rejection_code order(const command& c, user_id user);
    rejection_code invoice(const command& c);
    bool allowed(const command& c, user_id user) const;
    void finish_run_if_done(po_row& po);
};

}  // namespace stampd::model
