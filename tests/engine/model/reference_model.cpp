// See reference_model.hpp. Written from SPEC.md; the order in which conditions are checked
// follows the engine's documented answers (one code per refusal, the first that applies).
#include "tests/engine/model/reference_model.hpp"

#include <algorithm>
#include <type_traits>

namespace stampd::model {
namespace {

constexpr role_set bit(role r) {
    return role_set(1u << u8(r));
}
constexpr role_set admin = bit(role::admin), supervisor = bit(role::supervisor),
                   stamper = bit(role::stamper), verifier = bit(role::verifier),
                   finance = bit(role::finance);

template <typename C, typename... Of>
constexpr bool is = (std::is_same_v<C, Of> || ...);

}  // namespace

bool reference_model::allowed(const command& c, user_id user) const {
    const auto it = users.find(user);
    if (it == users.end()) return false;
    const role_set needed = std::visit(
        [](const auto& cmd) -> role_set {
            using C = std::decay_t<decltype(cmd)>;
            if constexpr (is<C, start_run, confirm_box>) return stamper | supervisor;
            if constexpr (is<C, end_run, amend_line>) return supervisor;
            if constexpr (is<C, verify_po>) return verifier | supervisor;
            if constexpr (is<C, submit_stamp_order, revise_stamp_order>)
                return supervisor | admin | finance;
            if constexpr (is<C, mark_stamp_order_ordered>) return admin | finance;
            if constexpr (is<C, review_stamp_order>) return admin;
            if constexpr (is<C, add_invoice_fee, advance_invoice>) return finance | admin;
            return supervisor | admin;  // POs, cancellation, receiving stamps, scheduling
        },
        c);
    return (needed & it->second) != 0;
}

i64 reference_model::balance(region r) const {
    i64 sum = 0;
    for (const ledger_row& e : ledger)
        sum += e.r == r ? e.quantity : 0;
    return sum;
}

i64 reference_model::reserved(region r) const {
    i64 sum = 0;
    for (const auto& [id, po] : pos)
        sum += po.reserved[index(r)];
    return sum;
}

i64 reference_model::availability(shipment_id s, product_id p) const {
    i64 good = 0, allocated = 0;
    for (const auto& [id, b] : boxes)
        good += (b.shipment == s && b.product == p) ? b.good : 0;
    for (const auto& [id, po] : pos) {
        if (po.shipment != s || po.status == po_status::cancelled) continue;
        for (const line_input& l : po.lines)
            allocated += l.product == p ? l.quantity : 0;
    }
    return good - allocated;
}

rejection_code reference_model::run(const command& c, user_id user) {
    if (!users.contains(user)) return rejection_code::unknown_user;
    if (!allowed(c, user)) return rejection_code::forbidden;
    return std::visit(
        [&](const auto& cmd) -> rejection_code {
            using C = std::decay_t<decltype(cmd)>;
            if constexpr (is<C, create_po>) return create(cmd);
            if constexpr (is<C, start_run>) return start(cmd, user);
            if constexpr (is<C, confirm_box>) return confirm(cmd, user);
            if constexpr (is<C, end_run>) return end(cmd);
            if constexpr (is<C, verify_po>) return verify(cmd, user);
            if constexpr (is<C, amend_line>) return amend(cmd);
            if constexpr (is<C, cancel_po>) return cancel(cmd);
            if constexpr (is<C, add_invoice_fee, advance_invoice>) return invoice(c);
            return order(c, user);
        },
        c);
}

rejection_code reference_model::create(const create_po& c) {
    if (c.lines.empty()) return rejection_code::invalid_argument;
    for (std::size_t i = 0; i < c.lines.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (c.lines[j].product == c.lines[i].product &&
                c.lines[j].stamp_region == c.lines[i].stamp_region) {
                return rejection_code::duplicate_line;
            }
        }
    }
    std::map<product_id, i64> wanted;
    for (const line_input& l : c.lines)
        wanted[l.product] += l.quantity;
    for (const line_input& l : c.lines) {  // products in order of their first line
        if (wanted[l.product] > availability(c.shipment, l.product))
            return rejection_code::availability_exceeded;
    }
    u64 units = 0;
    for (const line_input& l : c.lines)
        units += l.quantity;
    bool overridden = false;
    if (c.on != no_day) {
        if (weekday_of(c.on) >= weekday::saturday) return rejection_code::day_closed;
        const u64 remaining = day_load[c.on] >= capacity ? 0 : capacity - day_load[c.on];
        if (units > remaining) {
            if (c.mode != schedule_mode::override_capacity)
                return rejection_code::capacity_exceeded;
            overridden = true;
        }
        day_load[c.on] += units;
        day_overridden[c.on] = day_overridden[c.on] || overridden;
    }
    po_row po{.shipment = c.shipment,
              .lines = c.lines,
              .deducted = std::vector<u32>(c.lines.size()),
              .on = c.on};
    pos.emplace(static_cast<po_id>(pos.size() + 1), std::move(po));
    return rejection_code::ok;
}

rejection_code reference_model::start(const start_run& c, user_id user) {
    const auto it = pos.find(c.po);
    if (it == pos.end()) return rejection_code::not_found;
    po_row& po = it->second;
    if (po.status != po_status::open) return rejection_code::wrong_state;
    per_region<i64> required{};
    for (const line_input& l : po.lines)
        required[index(l.stamp_region)] += l.quantity;
    for (const region r : all_regions) {
        if (required[index(r)] > 0 && balance(r) - reserved(r) < required[index(r)] &&
            !c.acknowledge_shortage) {
            return rejection_code::stamp_shortage_warning;
        }
    }
    // First fit: boxes in barcode order (the generator's barcodes sort like box ids), lines in
    // line order, a box's free units split between lines.
    std::vector<u32> left;
    for (const line_input& l : po.lines)
        left.push_back(l.quantity);
    for (auto& [id, b] : boxes) {
        if (b.shipment != po.shipment) continue;
        for (u32 line = 0; line < po.lines.size() && b.free > 0; ++line) {
            if (po.lines[line].product != b.product || left[line] == 0) continue;
            const u32 take = std::min(b.free, left[line]);
            po.queue.push_back({id, line, take});
            b.free -= take;
            left[line] -= take;
        }
    }
    po.reserved = required;
    po.status = po_status::in_production;
    po.started_by = user;
    return rejection_code::ok;
}

void reference_model::finish_run_if_done(po_row& po) {
    if (std::all_of(po.queue.begin(), po.queue.end(),
                    [](const queue_row& q) { return q.state != box_state::pending; })) {
        po.status = po_status::pending_verification;
    }
}

rejection_code reference_model::confirm(const confirm_box& c, user_id user) {
    const auto it = pos.find(c.po);
    if (it == pos.end()) return rejection_code::not_found;
    po_row& po = it->second;
    if (po.status != po_status::in_production) return rejection_code::wrong_state;
    if (!boxes.contains(c.box)) return rejection_code::not_found;
    std::vector<queue_row*> rows;
    for (queue_row& q : po.queue) {
        if (q.box == c.box) rows.push_back(&q);
    }
    if (rows.empty()) return rejection_code::box_not_in_po;
    if (rows.front()->state != box_state::pending) return rejection_code::already_confirmed;
    per_region<i64> need{};
    for (const queue_row* q : rows)
        need[index(po.lines[q->line].stamp_region)] += q->units;
    box_state outcome = box_state::skipped;
    if (c.action != box_action::skip) {
        for (const region r : all_regions) {
            if (need[index(r)] > 0 && balance(r) < need[index(r)] &&
                c.action != box_action::override_shortage) {
                return rejection_code::insufficient_stamps;
            }
        }
        outcome = c.action == box_action::confirm ? box_state::confirmed : box_state::overridden;
        for (const region r : all_regions) {
            if (need[index(r)] == 0) continue;
            ledger.push_back({r, -need[index(r)], outcome == box_state::overridden});
            po.net[index(r)] -= need[index(r)];
            po.reserved[index(r)] -= need[index(r)];
        }
        for (const queue_row* q : rows)
            po.deducted[q->line] += q->units;
    }
    for (queue_row* q : rows)
        q->state = outcome, q->by = user;
    finish_run_if_done(po);
    return rejection_code::ok;
}

rejection_code reference_model::end(const end_run& c) {
    const auto it = pos.find(c.po);
    if (it == pos.end()) return rejection_code::not_found;
    if (it->second.status != po_status::in_production) return rejection_code::wrong_state;
    for (queue_row& q : it->second.queue) {
        if (q.state == box_state::pending) q.state = box_state::skipped;
    }
    it->second.status = po_status::pending_verification;
    return rejection_code::ok;
}

rejection_code reference_model::verify(const verify_po& c, user_id user) {
    const auto it = pos.find(c.po);
    if (it == pos.end()) return rejection_code::not_found;
    po_row& po = it->second;
    if (po.status != po_status::pending_verification) return rejection_code::wrong_state;
    if (po.started_by == user || std::any_of(po.queue.begin(), po.queue.end(),
                                             [&](const queue_row& q) { return q.by == user; })) {
        return rejection_code::same_user;
    }
    std::vector<u32> verified = po.deducted;
    std::set<u32> seen;
    for (const verified_count& v : c.counts) {
        if (v.line >= po.lines.size()) return rejection_code::not_found;
        if (!seen.insert(v.line).second) return rejection_code::duplicate_line;
        verified[v.line] = v.stamps;
    }
    for (u32 i = 0; i < po.lines.size(); ++i) {
        if (verified[i] > po.lines[i].quantity) return rejection_code::over_authorised;
    }
    if (std::all_of(verified.begin(), verified.end(), [](u32 n) { return n == 0; }))
        return rejection_code::invalid_argument;  // nothing stamped: cancelled, not completed
    per_region<i64> running{};
    for (const region r : all_regions)
        running[index(r)] = balance(r);
    std::vector<ledger_row> moves;
    for (u32 i = 0; i < po.lines.size(); ++i) {  // refunds first
        if (verified[i] < po.deducted[i]) {
            const i64 q = po.deducted[i] - verified[i];
            running[index(po.lines[i].stamp_region)] += q;
            moves.push_back({po.lines[i].stamp_region, q, false});
        }
    }
    for (u32 i = 0; i < po.lines.size(); ++i) {  // then adjustments
        if (verified[i] <= po.deducted[i]) continue;
        const i64 q = verified[i] - po.deducted[i];
        const region r = po.lines[i].stamp_region;
        if (running[index(r)] < q && !c.override_shortage)
            return rejection_code::insufficient_stamps;
        running[index(r)] -= q;
        moves.push_back({r, -q, running[index(r)] < 0 || c.override_shortage});
    }
    for (const ledger_row& m : moves) {
        ledger.push_back(m);
        po.net[index(m.r)] += m.quantity;
    }
    po.verified = verified;
    po.reserved = {};
    po.status = po_status::completed;
    invoices.emplace(static_cast<invoice_id>(invoices.size() + 1), invoice_status::draft);
    return rejection_code::ok;
}

rejection_code reference_model::amend(const amend_line& c) {
    const auto it = pos.find(c.po);
    if (it == pos.end()) return rejection_code::not_found;
    po_row& po = it->second;
    if (po.status != po_status::pending_verification) return rejection_code::wrong_state;
    if (c.line >= po.lines.size()) return rejection_code::not_found;
    line_input& line = po.lines[c.line];
    if (c.quantity <= line.quantity) return rejection_code::invalid_argument;
    const u32 extra = c.quantity - line.quantity;
    if (extra > availability(po.shipment, line.product))
        return rejection_code::availability_exceeded;
    if (po.on != no_day) {
        const u64 remaining = day_load[po.on] >= capacity ? 0 : capacity - day_load[po.on];
        if (extra > remaining && !c.override_capacity) return rejection_code::capacity_exceeded;
        day_overridden[po.on] = day_overridden[po.on] || extra > remaining;
        day_load[po.on] += extra;
    }
    line.quantity = c.quantity;
    po.reserved[index(line.stamp_region)] += extra;
    return rejection_code::ok;
}

rejection_code reference_model::cancel(const cancel_po& c) {
    const auto it = pos.find(c.po);
    if (it == pos.end()) return rejection_code::not_found;
    po_row& po = it->second;
    if (po.status == po_status::completed || po.status == po_status::cancelled)
        return rejection_code::wrong_state;
    for (const region r : all_regions) {
        if (po.net[index(r)] != 0) ledger.push_back({r, -po.net[index(r)], false});
        po.net[index(r)] = 0;
    }
    for (const queue_row& q : po.queue)
        boxes.at(q.box).free += q.units;
    if (po.on != no_day) {
        for (const line_input& l : po.lines)
            day_load[po.on] -= l.quantity;
    }
    po.reserved = {};
    po.status = po_status::cancelled;
    return rejection_code::ok;
}

rejection_code reference_model::order(const command& c, user_id user) {
    if (const auto* s = std::get_if<submit_stamp_order>(&c)) {
        if (s->bundles < 500) return rejection_code::below_minimum;
        orders.emplace(static_cast<stamp_order_id>(orders.size() + 1),
                       order_row{s->stamp_region, s->bundles, user});
        return rejection_code::ok;
    }
    auto find = [&](stamp_order_id id) { return orders.find(id); };
    if (const auto* r = std::get_if<review_stamp_order>(&c)) {
        auto it = find(r->order);
        if (it == orders.end()) return rejection_code::not_found;
        if (it->second.status != stamp_order_status::admin_review)
            return rejection_code::wrong_state;
        if (it->second.submitter == user) return rejection_code::same_user;
        if (r->action != review_action::approve && r->note.empty())
            return rejection_code::invalid_argument;
        it->second.status = r->action == review_action::approve ? stamp_order_status::approved
                            : r->action == review_action::reject
                                ? stamp_order_status::rejected
                                : stamp_order_status::changes_requested;
        return rejection_code::ok;
    }
    if (const auto* r = std::get_if<revise_stamp_order>(&c)) {
        auto it = find(r->order);
        if (it == orders.end()) return rejection_code::not_found;
        if (it->second.status != stamp_order_status::changes_requested)
            return rejection_code::wrong_state;
        if (r->bundles < 500) return rejection_code::below_minimum;
        it->second.bundles = r->bundles;
        it->second.status = stamp_order_status::admin_review;
        return rejection_code::ok;
    }
    if (const auto* r = std::get_if<mark_stamp_order_ordered>(&c)) {
        auto it = find(r->order);
        if (it == orders.end()) return rejection_code::not_found;
        if (it->second.status != stamp_order_status::approved) return rejection_code::wrong_state;
        it->second.status = stamp_order_status::ordered;
        return rejection_code::ok;
    }
    const auto& r = std::get<receive_stamps>(c);
    auto it = find(r.order);
    if (it == orders.end()) return rejection_code::not_found;
    if (it->second.status != stamp_order_status::ordered) return rejection_code::wrong_state;
    if (r.actual_bundles == 0) return rejection_code::invalid_argument;
    ledger.push_back({it->second.r, i64{r.actual_bundles} * 50, false});
    it->second.status = stamp_order_status::received;
    return rejection_code::ok;
}

rejection_code reference_model::invoice(const command& c) {
    if (const auto* f = std::get_if<add_invoice_fee>(&c)) {
        const auto it = invoices.find(f->invoice);
        if (it == invoices.end()) return rejection_code::not_found;
        if (it->second != invoice_status::draft) return rejection_code::wrong_state;
        return rejection_code::ok;
    }
    const auto& a = std::get<advance_invoice>(c);
    const auto it = invoices.find(a.invoice);
    if (it == invoices.end()) return rejection_code::not_found;
    if (it->second == invoice_status::archived || u8(a.to) != u8(it->second) + 1)
        return rejection_code::wrong_state;
    it->second = a.to;
    return rejection_code::ok;
}

}  // namespace stampd::model
