// SPEC §7 four-eyes verification: a user who neither started the run nor acted on one of its
// boxes enters the verified count per line; the ledger is trued up (REFUND_VERIFY for stamps
// not used, ADJUST_VERIFY for extra ones), the reservation is released and the PO completes.
// A count above the authorised estimate is refused until a supervisor amends the line upward, and
// a count of nothing stamped at all is refused: such a PO is cancelled, not completed.
#include <algorithm>

#include "engine/rules/rules.hpp"

namespace stampd::rules {
namespace {

bool took_part(const state& s, const production_order& po, user_id user) {
    if (po.started_by == user) return true;
    for (u32 i = po.queue_first; i < po.queue_first + po.queue_size; ++i) {
        if (s.queue[i].confirmed_by == user) return true;
    }
    return false;
}

rejection verified_counts(const production_order& po, const verify_po& c, std::vector<u32>& out) {
    out.clear();
    for (const po_line& line : po.lines)
        out.push_back(line.deducted);
    std::vector<bool> seen(po.lines.size(), false);
    for (const verified_count& count : c.counts) {
        if (count.line >= po.lines.size()) {
            return reject(rejection_code::not_found, subject::line, count.line);
        }
        if (seen[count.line])
            return reject(rejection_code::duplicate_line, subject::line, count.line);
        seen[count.line] = true;
        out[count.line] = count.stamps;
    }
    for (u32 i = 0; i < po.lines.size(); ++i) {
        if (out[i] > po.lines[i].quantity) {
            rejection r = reject(rejection_code::over_authorised, subject::line, i);
            r.needed = out[i];
            r.available = po.lines[i].quantity;
            r.region_index = static_cast<u8>(index(po.lines[i].stamp_region));
            return r;
        }
    }
    return {};
}

}  // namespace

rejection decide(const state& s, const verify_po& c, const context& ctx, event_list& out) {
    if (!s.has_po(c.po)) return reject(rejection_code::not_found, subject::production_order, c.po);
    const production_order& po = s.po_at(c.po);
    if (po.status != po_status::pending_verification) {
        return wrong_state(subject::production_order, c.po, static_cast<u8>(po.status));
    }
    if (took_part(s, po, ctx.user))
        return reject(rejection_code::same_user, subject::user, ctx.user);
    po_verified e{.po = c.po};
    if (rejection r = verified_counts(po, c, e.verified); !r.ok()) return r;
    // Nothing stamped: no invoice or outbound record of nothing. Cancelling gives back the same
    // stamps (the whole allocation), so that is the way (available: the stamps deducted).
    if (std::ranges::all_of(e.verified, [](u32 n) { return n == 0; })) {
        rejection r = reject(rejection_code::invalid_argument, subject::production_order, c.po);
        for (const po_line& line : po.lines)
            r.available += line.deducted;
        return r;
    }

    // Refunds first, then adjustments, each on the balance the previous movement left.
    per_region<i64> balance{};
    for (const region r : all_regions)
        balance[index(r)] = s.account(r).balance;
    auto add = [&](u32 line, ledger_kind kind, i64 quantity) {
        const region r = po.lines[line].stamp_region;
        balance[index(r)] += quantity;
        e.movements.push_back({.stamp_region = r,
                               .kind = kind,
                               .quantity = quantity,
                               .balance_after = balance[index(r)],
                               .line = line});
    };
    for (u32 i = 0; i < po.lines.size(); ++i) {
        if (e.verified[i] < po.lines[i].deducted) {
            add(i, ledger_kind::refund_verify, po.lines[i].deducted - e.verified[i]);
        }
    }
    for (u32 i = 0; i < po.lines.size(); ++i) {
        if (e.verified[i] <= po.lines[i].deducted) continue;
        const i64 extra = e.verified[i] - po.lines[i].deducted;
        const region r = po.lines[i].stamp_region;
        if (balance[index(r)] < extra) {
            if (!c.override_shortage) {
                rejection shortage = reject(rejection_code::insufficient_stamps, subject::line, i);
                shortage.region_index = static_cast<u8>(index(r));
                shortage.needed = extra;
                shortage.available = balance[index(r)];
                return shortage;
            }
            e.shortage_overridden = true;
        }
        add(i, ledger_kind::adjust_verify, -extra);
    }
    // Verify & Complete (§7): the outbound record and the draft invoice come with it, and the
    // parent of a segment rolls up when this was its last open segment.
    outbound_created shipment_out{.id = static_cast<outbound_id>(s.outbounds.size() + 1),
                                  .po = c.po,
                                  .consignee = po.consignee};
    for (u32 i = 0; i < po.lines.size(); ++i) {
        if (e.verified[i] == 0) continue;
        shipment_out.lines.push_back({.product = po.lines[i].product,
                                      .stamp_region = po.lines[i].stamp_region,
                                      .units = e.verified[i]});
    }
    invoice_drafted draft = draft_invoice_for(s, c.po, e.verified);
    out.push(std::move(e));
    out.push(std::move(shipment_out));
    out.push(std::move(draft));
    if (const auto closed = close_parent_after(s, c.po, po_status::completed)) out.push(*closed);
    return {};
}

void apply(state& s, const outbound_created& e, const context& ctx) {
    assert(e.id == s.outbounds.size() + 1);
    production_order& po = s.po_at(e.po);
    assert(po.status == po_status::completed && po.outbound == id_none);
    s.outbounds.push_back(outbound{
        .po = e.po, .consignee = e.consignee, .lines = e.lines, .created_us = ctx.time_us});
    po.outbound = e.id;
}

rejection decide(const state& s, const ship_outbound& c, const context&, event_list& out) {
    if (!s.has_outbound(c.outbound))
        return reject(rejection_code::not_found, subject::outbound, c.outbound);
    const outbound& o = s.outbound_at(c.outbound);
    if (o.status != outbound_status::ready_to_ship)
        return wrong_state(subject::outbound, c.outbound, static_cast<u8>(o.status));
    out.push(outbound_shipped{.outbound = c.outbound, .po = o.po, .consignee = o.consignee});
    return {};
}

void apply(state& s, const outbound_shipped& e, const context& ctx) {
    outbound& o = s.outbounds[e.outbound - 1];
    assert(o.status == outbound_status::ready_to_ship && o.po == e.po);
    o.status = outbound_status::shipped;
    o.shipped_by = ctx.user;
    o.shipped_us = ctx.time_us;
}

void apply(state& s, const po_verified& e, const context& ctx) {
    production_order& po = s.po_at(e.po);
    assert(po.status == po_status::pending_verification);
    assert(e.verified.size() == po.lines.size());
    for (const ledger_movement& m : e.movements) {
        append_ledger(s, m, ctx, e.po, id_none, e.shortage_overridden);
        po.ledger_net[index(m.stamp_region)] += m.quantity;
    }
    for (u32 i = 0; i < po.lines.size(); ++i)
        po.lines[i].verified = e.verified[i];
    for (const region r : all_regions) {
        s.account(r).reserved -= po.reserved[index(r)];
        assert(s.account(r).reserved >= 0);
        po.reserved[index(r)] = 0;
    }
    enter(po, po_status::completed, ctx);
    po.verified_by = ctx.user;
}

rejection decide(const state& s, const amend_line& c, const context&, event_list& out) {
    if (!s.has_po(c.po)) return reject(rejection_code::not_found, subject::production_order, c.po);
    const production_order& po = s.po_at(c.po);
    if (po.status != po_status::pending_verification) {
        return wrong_state(subject::production_order, c.po, static_cast<u8>(po.status));
    }
    if (c.line >= po.lines.size()) return reject(rejection_code::not_found, subject::line, c.line);
    const po_line& line = po.lines[c.line];
    if (c.quantity <= line.quantity || c.quantity > constants::line_quantity_max) {
        rejection r = reject(rejection_code::invalid_argument, subject::quantity, c.line);
        r.needed = c.quantity;
        r.available = line.quantity;
        return r;
    }
    const shipment_product* sp = find_product(s.shipment_at(po.shipment), line.product);
    assert(sp != nullptr);
    const u64 available = sp->good_units - sp->allocated_units;
    if (c.quantity - line.quantity > available) {
        rejection r = reject(rejection_code::availability_exceeded, subject::product, line.product);
        r.needed = c.quantity - line.quantity;
        r.available = static_cast<i64>(available);
        return r;
    }
    const u64 extra = c.quantity - line.quantity;
    const u64 room = po.scheduled == no_day ? extra : day_remaining(s, po.scheduled);
    if (extra > room && !c.override_capacity) {
        rejection r =
            reject(rejection_code::capacity_exceeded, subject::day, static_cast<u32>(po.scheduled));
        r.needed = static_cast<i64>(extra);
        r.available = static_cast<i64>(room);
        return r;
    }
    out.push(line_amended{
        .po = c.po, .line = c.line, .quantity = c.quantity, .overridden = extra > room});
    return {};
}

void apply(state& s, const line_amended& e, const context&) {
    production_order& po = s.po_at(e.po);
    assert(po.status == po_status::pending_verification);
    po_line& line = po.lines[e.line];
    assert(e.quantity > line.quantity);
    const u32 extra = e.quantity - line.quantity;
    shipment_product* sp = find_product(s.shipment_at(po.shipment), line.product);
    sp->allocated_units += extra;
    assert(sp->allocated_units <= sp->good_units);
    line.quantity = e.quantity;
    if (po.scheduled != no_day) {
        day_schedule& d = s.calendar.at(po.scheduled);
        d.load += extra;
        d.overridden = d.overridden || e.overridden;
        po.capacity_overridden = po.capacity_overridden || e.overridden;
    }
    // The extra may be deducted at verification: reserve it like the rest of the run.
    po.reserved[index(line.stamp_region)] += extra;
    s.account(line.stamp_region).reserved += extra;
}

}  // namespace stampd::rules
