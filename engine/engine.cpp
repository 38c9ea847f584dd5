// Dispatch of decide and apply to the concept rules (engine/rules/), and the command and event
// tables' names and roles (engine/command_table.hpp, engine/event_table.hpp).
#include "engine/engine.hpp"

#include <type_traits>

#include "engine/access.hpp"
#include "engine/rules/rules.hpp"

namespace stampd {
namespace {

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
#define STAMPD_COMMAND_ROLES(type, wire, roles) roles,
    static constexpr std::array<role_set, std::variant_size_v<command>> allowed = {
        STAMPD_COMMANDS(STAMPD_COMMAND_ROLES)};
#undef STAMPD_COMMAND_ROLES
    return allowed[c.index()];
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
            if constexpr (std::is_same_v<std::decay_t<decltype(e)>, boxes_received>) {
                return static_cast<u32>(e.boxes.size());  // a batch's result: the boxes it added
            } else if constexpr (requires { e.id; }) {
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
            } else if constexpr (requires { e.consignee; }) {
                return e.consignee;
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

namespace {

// Whether a create refused ALREADY_EXISTS asks for exactly what exists, as a retry whose first
// answer was lost does (SPEC §11: a retry gets its original outcome, whatever its request id).
// Anything that differs, or any other command, stays ALREADY_EXISTS.
bool asks_for_what_exists(const state& s, const command& c, const rejection& r) {
    if (r.code != rejection_code::already_exists || r.id == id_none) return false;
    if (const auto* u = std::get_if<create_user>(&c); u && r.about == subject::user) {
        const user& existing = s.user_at(r.id);
        const token_hash token = u->token.empty() ? token_hash{} : hash_token(u->token);
        return existing.name == u->name && existing.roles == u->roles &&
               existing.consignee == u->consignee && existing.token_sha256 == token;
    }
    if (const auto* k = std::get_if<create_consignee>(&c); k && r.about == subject::consignee) {
        const consignee& existing = s.consignee_at(r.id);
        return existing.name == k->name && existing.primary_province == k->primary_province;
    }
    if (const auto* p = std::get_if<create_product>(&c); p && r.about == subject::product) {
        const product& existing = s.product_at(r.id);
        return existing.name == p->name && existing.consignee == p->consignee &&
               existing.volume_ul == p->volume_ul;
    }
    if (const auto* h = std::get_if<create_shipment>(&c); h && r.about == subject::shipment) {
        return s.shipment_at(r.id).consignee == h->consignee;
    }
    if (const auto* b = std::get_if<receive_box>(&c); b && r.about == subject::box) {
        const box& existing = s.box_at(r.id);
        return existing.shipment == b->shipment && existing.product == b->product &&
               existing.units == b->units && existing.damaged == b->damaged;
    }
    if (const auto* batch = std::get_if<receive_boxes>(&c); batch && r.about == subject::box) {
        // decide refuses a batch ALREADY_EXISTS with no item only when every box is there as sent.
        return r.item == 0;
    }
    return false;
}

}  // namespace

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
    if (asks_for_what_exists(s, c, r)) {
        // Answered as the first time, and logged no more than a retry is: the object's LSN is not
        // kept, so the answer names the state's, at or after it.
        // A batch's result is the number of boxes it added: none.
        const u32 result = std::holds_alternative<receive_boxes>(c) ? 0 : r.id;
        return {.lsn = s.last_lsn, .result = result, .duplicate = true};
    }
    if (!r.ok()) return {.verdict = r};
    return {.lsn = ctx.lsn, .result = result_of(out)};
}

std::string_view command_name(const command& c) {
#define STAMPD_COMMAND_NAME(type, wire, roles) #type,
    static constexpr std::array<std::string_view, std::variant_size_v<command>> names = {
        STAMPD_COMMANDS(STAMPD_COMMAND_NAME)};
#undef STAMPD_COMMAND_NAME
    return names[c.index()];
}

std::string_view event_name(const event& e) {
#define STAMPD_EVENT_NAME(type, wire) #type,
    static constexpr std::array<std::string_view, std::variant_size_v<event>> names = {
        STAMPD_EVENTS(STAMPD_EVENT_NAME)};
#undef STAMPD_EVENT_NAME
    return names[e.index()];
}

}  // namespace stampd
