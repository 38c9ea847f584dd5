// SPEC §10 customer requests: a consignee user asks for production from one of its own
// Inventoried shipments, within availability, on a weekday with capacity left; a supervisor
// approves (a PO is created and scheduled on that day) or rejects with a reason.
#include "engine/rules/rules.hpp"

namespace stampd::rules {
namespace {

u64 units_of(const std::vector<line_input>& lines) {
    u64 units = 0;
    for (const line_input& l : lines)
        units += l.quantity;
    return units;
}

rejection check_pending(const state& s, request_id id) {
    if (!s.has_request(id)) return reject(rejection_code::not_found, subject::request, id);
    const request_status status = s.request_at(id).status;
    if (status != request_status::pending)
        return wrong_state(subject::request, id, static_cast<u8>(status));
    return {};
}

}  // namespace

rejection decide(const state& s, const submit_request& c, const context& ctx, event_list& out) {
    const consignee_id own = s.user_at(ctx.user).consignee;
    assert(own != id_none);  // the access table lets consignee users only
    // Another consignee's shipment does not exist as far as this user can tell.
    if (!s.has_shipment(c.shipment) || s.shipment_at(c.shipment).consignee != own) {
        return reject(rejection_code::not_found, subject::shipment, c.shipment);
    }
    const shipment& sh = s.shipment_at(c.shipment);
    if (sh.status != shipment_status::inventoried) {
        return wrong_state(subject::shipment, c.shipment, static_cast<u8>(sh.status));
    }
    if (s.requests.size() >= constants::requests_max) {
        return reject(rejection_code::limit_exceeded, subject::request);
    }
    if (rejection r = check_lines(s, own, sh, c.lines, nullptr); !r.ok()) return r;
    if (rejection r = check_day(c.on, local_day(s.settings.zone, ctx.time_us)); !r.ok()) return r;
    const u64 units = units_of(c.lines);
    if (day_remaining(s, c.on) < units) {
        rejection r =
            reject(rejection_code::capacity_exceeded, subject::day, static_cast<u32>(c.on));
        r.needed = static_cast<i64>(units);
        r.available = static_cast<i64>(day_remaining(s, c.on));
        return r;
    }
    out.push(request_submitted{.id = static_cast<request_id>(s.requests.size() + 1),
                               .consignee = own,
                               .shipment = c.shipment,
                               .lines = c.lines,
                               .on = c.on});
    return {};
}

void apply(state& s, const request_submitted& e, const context& ctx) {
    assert(e.id == s.requests.size() + 1);
    s.requests.push_back(customer_request{.consignee = e.consignee,
                                          .shipment = e.shipment,
                                          .lines = e.lines,
                                          .on = e.on,
                                          .submitted_by = ctx.user});
}

rejection decide(const state& s, const approve_request& c, const context& ctx, event_list& out) {
    if (rejection r = check_pending(s, c.request); !r.ok()) return r;
    const customer_request& req = s.request_at(c.request);
    // Availability and capacity are checked again: the request reserved neither.
    const create_po po{
        .consignee = req.consignee,
        .shipment = req.shipment,
        .lines = req.lines,
        .on = req.on,
        .mode = c.override_capacity ? schedule_mode::override_capacity : schedule_mode::strict};
    if (rejection r = decide(s, po, ctx, out); !r.ok()) return r;
    const po_id created = std::get<po_created>(out[0]).id;
    out.push(request_approved{.request = c.request, .po = created});
    return {};
}

void apply(state& s, const request_approved& e, const context&) {
    customer_request& req = s.request_at(e.request);
    assert(req.status == request_status::pending);
    req.status = request_status::approved;
    req.po = e.po;
}

rejection decide(const state& s, const reject_request& c, const context&, event_list& out) {
    if (rejection r = check_pending(s, c.request); !r.ok()) return r;
    if (c.reason.empty()) return reject(rejection_code::invalid_argument, subject::text);
    if (rejection r = check_text(c.reason, constants::notes_size_max); !r.ok()) return r;
    out.push(request_rejected{.request = c.request, .reason = c.reason});
    return {};
}

void apply(state& s, const request_rejected& e, const context&) {
    customer_request& req = s.request_at(e.request);
    assert(req.status == request_status::pending);
    req.status = request_status::rejected;
    req.reason = e.reason;
}

}  // namespace stampd::rules
