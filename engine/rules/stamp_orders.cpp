// SPEC §8 stamp orders: submit (≥ 500 bundles, deposit computed and stored), admin review by
// someone other than the submitter (approve / reject / request changes → revise), ordered from
// the revenue agency, and received with the bundles actually counted, which is a RECEIPT.
#include <cstdio>

#include "engine/rules/rules.hpp"

namespace stampd::rules {
namespace {

rejection check_bundles(u32 bundles, u32 stamps_per_bundle) {
    if (bundles < constants::bundles_min) {
        rejection r = reject(rejection_code::below_minimum, subject::bundles);
        r.needed = constants::bundles_min;
        r.available = bundles;
        return r;
    }
    if (bundles > constants::bundles_max ||
        i64{bundles} * stamps_per_bundle > constants::stamps_per_order_max) {
        rejection r = reject(rejection_code::limit_exceeded, subject::bundles);
        r.needed = bundles;
        r.available = constants::stamps_per_order_max / stamps_per_bundle;
        return r;
    }
    return {};
}

rejection check_order(const state& s, stamp_order_id id, stamp_order_status expected) {
    if (!s.has_stamp_order(id)) return reject(rejection_code::not_found, subject::stamp_order, id);
    const stamp_order_status current = s.stamp_order_at(id).status;
    if (current != expected) return wrong_state(subject::stamp_order, id, static_cast<u8>(current));
    return {};
}

}  // namespace

rejection decide(const state& s, const submit_stamp_order& c, const context&, event_list& out) {
    if (static_cast<std::size_t>(c.stamp_region) >= region_count) {
        return reject(rejection_code::invalid_argument, subject::region);
    }
    const region_account& account = s.account(c.stamp_region);
    if (rejection r = check_bundles(c.bundles, account.stamps_per_bundle); !r.ok()) return r;
    if (rejection r = check_text(c.notes, constants::notes_size_max); !r.ok()) return r;
    if (s.stamp_orders.size() >= constants::stamp_orders_max) {
        return reject(rejection_code::limit_exceeded, subject::stamp_order);
    }
    const i64 stamps = i64{c.bundles} * account.stamps_per_bundle;
    out.push(stamp_order_submitted{.id = static_cast<stamp_order_id>(s.stamp_orders.size() + 1),
                                   .stamp_region = c.stamp_region,
                                   .bundles = c.bundles,
                                   .stamps_per_bundle = account.stamps_per_bundle,
                                   .deposit_cents = stamps * account.deposit_cents_per_stamp,
                                   .notes = c.notes});
    return {};
}

void apply(state& s, const stamp_order_submitted& e, const context& ctx) {
    assert(e.id == s.stamp_orders.size() + 1);
    char number[16];
    std::snprintf(number, sizeof number, "SO-%06u", e.id);
    s.stamp_orders.push_back(stamp_order{.number = code{number},
                                         .stamp_region = e.stamp_region,
                                         .bundles = e.bundles,
                                         .stamps_per_bundle = e.stamps_per_bundle,
                                         .deposit_cents = e.deposit_cents,
                                         .submitted_by = ctx.user,
                                         .notes = e.notes});
}

rejection decide(const state& s, const review_stamp_order& c, const context& ctx, event_list& out) {
    if (rejection r = check_order(s, c.order, stamp_order_status::admin_review); !r.ok()) return r;
    if (s.stamp_order_at(c.order).submitted_by == ctx.user) {
        return reject(rejection_code::same_user, subject::user, ctx.user);
    }
    if (static_cast<u8>(c.action) > static_cast<u8>(review_action::request_changes)) {
        return reject(rejection_code::invalid_argument, subject::stamp_order, c.order);
    }
    // A rejection gives its reason, a request for changes says what to change.
    if (c.action != review_action::approve && c.note.empty()) {
        return reject(rejection_code::invalid_argument, subject::text);
    }
    if (rejection r = check_text(c.note, constants::notes_size_max); !r.ok()) return r;
    out.push(stamp_order_reviewed{.order = c.order, .action = c.action, .note = c.note});
    return {};
}

void apply(state& s, const stamp_order_reviewed& e, const context&) {
    stamp_order& order = s.stamp_order_at(e.order);
    assert(order.status == stamp_order_status::admin_review);
    switch (e.action) {
        case review_action::approve:
            order.status = stamp_order_status::approved;
            break;
        case review_action::reject:
            order.status = stamp_order_status::rejected;
            break;
        case review_action::request_changes:
            order.status = stamp_order_status::changes_requested;
            break;
    }
    order.review_note = e.note;
}

rejection decide(const state& s, const revise_stamp_order& c, const context&, event_list& out) {
    if (rejection r = check_order(s, c.order, stamp_order_status::changes_requested); !r.ok()) {
        return r;
    }
    const stamp_order& order = s.stamp_order_at(c.order);
    const region_account& account = s.account(order.stamp_region);
    if (rejection r = check_bundles(c.bundles, account.stamps_per_bundle); !r.ok()) return r;
    if (rejection r = check_text(c.notes, constants::notes_size_max); !r.ok()) return r;
    const i64 stamps = i64{c.bundles} * account.stamps_per_bundle;
    out.push(stamp_order_revised{.order = c.order,
                                 .bundles = c.bundles,
                                 .stamps_per_bundle = account.stamps_per_bundle,
                                 .deposit_cents = stamps * account.deposit_cents_per_stamp,
                                 .notes = c.notes});
    return {};
}

void apply(state& s, const stamp_order_revised& e, const context&) {
    stamp_order& order = s.stamp_order_at(e.order);
    assert(order.status == stamp_order_status::changes_requested);
    order.bundles = e.bundles;
    order.stamps_per_bundle = e.stamps_per_bundle;
    order.deposit_cents = e.deposit_cents;
    order.notes = e.notes;
    order.status = stamp_order_status::admin_review;
}

rejection decide(const state& s, const mark_stamp_order_ordered& c, const context&,
                 event_list& out) {
    if (rejection r = check_order(s, c.order, stamp_order_status::approved); !r.ok()) return r;
    out.push(stamp_order_ordered{.order = c.order});
    return {};
}

void apply(state& s, const stamp_order_ordered& e, const context&) {
    stamp_order& order = s.stamp_order_at(e.order);
    assert(order.status == stamp_order_status::approved);
    order.status = stamp_order_status::ordered;
}

rejection decide(const state& s, const receive_stamps& c, const context&, event_list& out) {
    if (rejection r = check_order(s, c.order, stamp_order_status::ordered); !r.ok()) return r;
    const stamp_order& order = s.stamp_order_at(c.order);
    // What was counted may differ from what was ordered, but it is never nothing.
    if (c.actual_bundles == 0 ||
        i64{c.actual_bundles} * order.stamps_per_bundle > constants::stamps_per_order_max) {
        rejection r = reject(rejection_code::invalid_argument, subject::bundles, c.order);
        r.needed = c.actual_bundles;
        r.available = constants::stamps_per_order_max / order.stamps_per_bundle;
        return r;
    }
    const i64 stamps = i64{c.actual_bundles} * order.stamps_per_bundle;
    out.push(
        stamps_received{.order = c.order,
                        .actual_bundles = c.actual_bundles,
                        .movement = movement(s, order.stamp_region, ledger_kind::receipt, stamps)});
    return {};
}

void apply(state& s, const stamps_received& e, const context& ctx) {
    stamp_order& order = s.stamp_order_at(e.order);
    assert(order.status == stamp_order_status::ordered);
    assert(e.movement.kind == ledger_kind::receipt && e.movement.quantity > 0);
    append_ledger(s, e.movement, ctx, e.order, id_none, false);
    order.received_bundles = e.actual_bundles;
    order.status = stamp_order_status::received;
}

}  // namespace stampd::rules
