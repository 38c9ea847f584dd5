// Dispatch of decide and apply to the concept rules, and the access table (SPEC §11):
// every command names the roles that may send it.
#include "engine/engine.hpp"

#include <type_traits>

#include "engine/rules.hpp"

namespace stampd {
namespace {

constexpr role_set roles(std::initializer_list<role> list) {
    role_set set = 0;
    for (const role r : list)
        set |= role_bit(r);
    return set;
}

constexpr role_set admin = roles({role::admin});
constexpr role_set warehouse = roles({role::supervisor, role::admin});
constexpr role_set stamping = roles({role::stamper, role::supervisor});
constexpr role_set verifying = roles({role::verifier, role::supervisor});
constexpr role_set ordering = roles({role::supervisor, role::admin, role::finance});
constexpr role_set purchasing = roles({role::admin, role::finance});
constexpr role_set invoicing = roles({role::finance, role::admin});

template <typename Command, typename... Of>
constexpr bool one_of = (std::is_same_v<Command, Of> || ...);

template <typename Command>
constexpr role_set roles_for() {
    if constexpr (one_of<Command, create_user, create_consignee, create_product, set_bundle_size,
                         set_deposit_rate, review_stamp_order, set_duty_rate, set_tax_rate,
                         set_capacity, set_time_zone, create_fee_preset, set_user_token>) {
        return admin;
    } else if constexpr (one_of<Command, start_run, confirm_box>) {
        return stamping;
    } else if constexpr (one_of<Command, end_run, amend_line>) {
        return roles({role::supervisor});
    } else if constexpr (one_of<Command, verify_po>) {
        return verifying;
    } else if constexpr (one_of<Command, submit_stamp_order, revise_stamp_order>) {
        return ordering;
    } else if constexpr (one_of<Command, mark_stamp_order_ordered>) {
        return purchasing;
    } else if constexpr (one_of<Command, add_invoice_fee, remove_invoice_fee, edit_invoice,
                                advance_invoice, create_credit_note>) {
        return invoicing;
    } else if constexpr (one_of<Command, submit_request>) {
        return roles({role::consignee});
    } else {
        // Shipments, boxes, production orders and their calendar, cancellation, receiving
        // stamps, approving customer requests.
        return warehouse;
    }
}

// The first user of an empty warehouse bootstraps it: it must be an admin, and anyone may
// create it (stampd does so from --admin-token on first start).
bool is_bootstrap(const state& s, const command& c) {
    const auto* create = std::get_if<create_user>(&c);
    return s.users.empty() && create != nullptr && (create->roles & role_bit(role::admin)) != 0;
}

rejection check_access(const state& s, const command& c, const context& ctx) {
    if (is_bootstrap(s, c)) return {};
    if (!s.has_user(ctx.user)) return reject(rejection_code::unknown_user, subject::user, ctx.user);
    const role_set allowed = allowed_roles(c);
    const role_set held = s.user_at(ctx.user).roles;
    if ((allowed & held) == 0) {
        rejection r = reject(rejection_code::forbidden, subject::roles, ctx.user);
        r.needed = allowed;
        r.available = held;
        return r;
    }
    return {};
}

}  // namespace

role_set allowed_roles(const command& c) {
    return std::visit([](const auto& cmd) { return roles_for<std::decay_t<decltype(cmd)>>(); }, c);
}

rejection decide(const state& s, const command& c, const context& ctx, event_list& out) {
    out.clear();
    // Time and LSN come from the writer and never go back (SPEC §1).
    assert(ctx.lsn > s.last_lsn);
    assert(ctx.time_us >= s.last_time_us);
    if (rejection r = check_access(s, c, ctx); !r.ok()) return r;
    rejection r = std::visit([&](const auto& cmd) { return rules::decide(s, cmd, ctx, out); }, c);
    if (!r.ok()) out.clear();
    assert(r.ok() == !out.empty());
    return r;
}

void apply(state& s, const event& e, const context& ctx) {
    assert(ctx.lsn >= s.last_lsn);
    std::visit([&](const auto& ev) { rules::apply(s, ev, ctx); }, e);
    s.last_lsn = ctx.lsn;
    s.last_time_us = ctx.time_us;
}

u32 result_of(const event_list& events) {
    if (events.empty()) return 0;
    return std::visit(
        [](const auto& e) -> u32 {
            if constexpr (requires { e.id; }) {
                return e.id;
            } else if constexpr (requires { e.po; }) {
                return e.po;
            } else if constexpr (requires { e.order; }) {
                return e.order;
            } else if constexpr (requires { e.invoice; }) {
                return e.invoice;
            } else if constexpr (requires { e.shipment; }) {
                return e.shipment;
            } else if constexpr (requires { e.request; }) {
                return e.request;
            } else if constexpr (requires { e.parent; }) {
                return e.parent;
            } else if constexpr (requires { e.user; }) {
                return e.user;
            } else {
                return 0;
            }
        },
        events[0]);
}

void apply_all(state& s, const event_list& events, const context& ctx) {
    assert(!events.empty());
    for (const event& e : events)
        apply(s, e, ctx);
    rules::record_reply(s, ctx, result_of(events));
}

rejection execute(state& s, const command& c, const context& ctx, event_list& out) {
    const rejection r = decide(s, c, ctx, out);
    if (r.ok()) apply_all(s, out, ctx);
    return r;
}

outcome execute_request(state& s, const command& c, const context& ctx, event_list& out) {
    out.clear();
    const rules::session_lookup seen = rules::look_up_request(s, ctx);
    if (!seen.verdict.ok()) return {.verdict = seen.verdict};
    if (seen.reply != nullptr) {
        return {.lsn = seen.reply->lsn, .result = seen.reply->result, .duplicate = true};
    }
    const rejection r = execute(s, c, ctx, out);
    if (!r.ok()) return {.verdict = r};
    return {.lsn = ctx.lsn, .result = result_of(out)};
}

std::string_view command_name(const command& c) {
    static constexpr std::array<std::string_view, std::variant_size_v<command>> names = {
        "create_user",
        "create_consignee",
        "create_product",
        "set_bundle_size",
        "set_deposit_rate",
        "create_shipment",
        "start_receiving",
        "receive_box",
        "finish_receiving",
        "create_po",
        "edit_po_lines",
        "start_run",
        "confirm_box",
        "end_run",
        "verify_po",
        "amend_line",
        "cancel_po",
        "submit_stamp_order",
        "review_stamp_order",
        "revise_stamp_order",
        "mark_stamp_order_ordered",
        "receive_stamps",
        "set_duty_rate",
        "set_tax_rate",
        "set_capacity",
        "set_time_zone",
        "create_fee_preset",
        "set_user_token",
        "schedule_po",
        "add_invoice_fee",
        "remove_invoice_fee",
        "edit_invoice",
        "advance_invoice",
        "create_credit_note",
        "submit_request",
        "approve_request",
        "reject_request"};
    return names[c.index()];
}

std::string_view event_name(const event& e) {
    static constexpr std::array<std::string_view, std::variant_size_v<event>> names = {
        "user_created",         "consignee_created",   "product_created",
        "bundle_size_set",      "deposit_rate_set",    "shipment_created",
        "receiving_started",    "box_received",        "shipment_inventoried",
        "po_created",           "po_lines_edited",     "run_started",
        "box_confirmed",        "run_ended",           "line_amended",
        "po_verified",          "po_cancelled",        "stamp_order_submitted",
        "stamp_order_reviewed", "stamp_order_revised", "stamp_order_ordered",
        "stamps_received",      "duty_rate_set",       "tax_rate_set",
        "capacity_set",         "time_zone_set",       "fee_preset_created",
        "user_token_set",       "po_scheduled",        "po_split",
        "parent_closed",        "outbound_created",    "invoice_drafted",
        "invoice_fee_added",    "invoice_fee_removed", "invoice_edited",
        "invoice_advanced",     "request_submitted",   "request_approved",
        "request_rejected"};
    return names[e.index()];
}

}  // namespace stampd
