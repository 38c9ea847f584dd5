// SPEC §6 stamp runs: start (box queue, reservation, pre-run shortage warning), confirm / skip /
// override one box at a time with a USAGE ledger entry per region, and the end of the run.
// confirm_box is the hot path: no allocation, a handful of array reads.
#include <algorithm>

#include "engine/rules/rules.hpp"

namespace stampd::rules {
namespace {

per_region<i64> required_stamps(const production_order& po) {
    per_region<i64> required{};
    for (const po_line& line : po.lines)
        required[index(line.stamp_region)] += line.quantity;
    return required;
}

// One (box, line, units) placement while a run's queue is built.
struct placement {
    box_id box;
    u32 line;
    u32 units;
};

// First fit, lines in line order, boxes in barcode order; a box's free units may be split
// between the lines of its product. Availability guarantees the boxes hold enough (§3).
void place_product(state& s, shipment_product& sp, const production_order& po,
                   std::vector<placement>& out) {
    std::vector<std::pair<u32, u32>> needs;  // (line, units still to place)
    for (u32 i = 0; i < po.lines.size(); ++i) {
        if (po.lines[i].product == sp.product) needs.emplace_back(i, po.lines[i].quantity);
    }
    std::size_t next_need = 0;
    for (u32 b = sp.first_free; b < sp.boxes.size() && next_need < needs.size(); ++b) {
        box& bx = s.box_at(sp.boxes[b]);
        u32 free = bx.units - bx.damaged - bx.claimed;
        if (free == 0 && b == sp.first_free) ++sp.first_free;
        while (free > 0 && next_need < needs.size()) {
            auto& [line, need] = needs[next_need];
            const u32 take = std::min(free, need);
            out.push_back({sp.boxes[b], line, take});
            bx.claimed = static_cast<u16>(bx.claimed + take);
            free -= take;
            need -= take;
            if (need == 0) ++next_need;
        }
    }
    assert(next_need == needs.size());
}

}  // namespace

rejection decide(const state& s, const start_run& c, const context&, event_list& out) {
    if (rejection r = check_open_unsplit_po(s, c.po); !r.ok()) return r;
    const production_order& po = s.po_at(c.po);
    // Every entry holds at least one unit of one line: the queue grows by at most this much.
    u64 entries_max = 0;
    for (const po_line& line : po.lines)
        entries_max += line.quantity;
    if (s.queue.size() + entries_max > constants::queue_entries_max) {
        return reject(rejection_code::limit_exceeded, subject::production_order, c.po);
    }
    // Pre-run check (§6): a warning the stamper may acknowledge, not a block.
    const per_region<i64> required = required_stamps(po);
    run_started e{.po = c.po, .shortage_acknowledged = c.acknowledge_shortage};
    rejection warning;
    for (const region r : all_regions) {
        const i64 available = s.account(r).balance - s.account(r).reserved;
        if (required[index(r)] == 0 || available >= required[index(r)]) continue;
        e.short_regions |= static_cast<u8>(1u << index(r));
        if (warning.ok()) {
            warning =
                reject(rejection_code::stamp_shortage_warning, subject::production_order, c.po);
            warning.region_index = static_cast<u8>(index(r));
            warning.needed = required[index(r)];
            warning.available = available;
        }
    }
    if (!warning.ok() && !c.acknowledge_shortage) return warning;
    out.push(e);
    return {};
}

void apply(state& s, const run_started& e, const context& ctx) {
    production_order& po = s.po_at(e.po);
    assert(po.status == po_status::open);
    const per_region<i64> required = required_stamps(po);
    for (const region r : all_regions) {
        po.reserved[index(r)] = required[index(r)];
        s.account(r).reserved += required[index(r)];
    }
    shipment& sh = s.shipment_at(po.shipment);
    std::vector<placement> placements;
    for (shipment_product& sp : sh.products) {
        if (std::any_of(po.lines.begin(), po.lines.end(),
                        [&](const po_line& l) { return l.product == sp.product; })) {
            place_product(s, sp, po, placements);
        }
    }
    // One queue in barcode order; a box's lines stay together, in line order.
    std::stable_sort(placements.begin(), placements.end(),
                     [&s](const placement& a, const placement& b) {
                         return s.barcode_of(a.box) < s.barcode_of(b.box);
                     });
    po.queue_first = static_cast<u32>(s.queue.size());
    po.queue_size = static_cast<u32>(placements.size());
    for (std::size_t i = 0; i < placements.size(); ++i) {
        const placement& p = placements[i];
        queue_entry entry{.po = e.po,
                          .box = p.box,
                          .units = static_cast<u16>(p.units),
                          .line = static_cast<u8>(p.line)};
        if (i == 0 || placements[i - 1].box != p.box) {
            box& b = s.box_at(p.box);
            entry.next_group = b.first_entry;
            b.first_entry = static_cast<u32>(s.queue.size() + 1);
            ++po.boxes_total;
        }
        s.queue.push_back(entry);
    }
    enter(po, po_status::in_production, ctx);
    po.started_by = ctx.user;
    po.shortage_acknowledged = e.shortage_acknowledged;
}

rejection decide(const state& s, const confirm_box& c, const context&, event_list& out) {
    if (!s.has_po(c.po)) return reject(rejection_code::not_found, subject::production_order, c.po);
    const production_order& po = s.po_at(c.po);
    if (po.status != po_status::in_production) {
        return wrong_state(subject::production_order, c.po, static_cast<u8>(po.status));
    }
    if (!s.has_box(c.box)) return reject(rejection_code::not_found, subject::box, c.box);
    u32 group = s.box_at(c.box).first_entry;
    while (group != 0 && s.queue[group - 1].po != c.po)
        group = s.queue[group - 1].next_group;
    if (group == 0) return reject(rejection_code::box_not_in_po, subject::box, c.box);
    const u32 first = group - 1;
    if (s.queue[first].state != box_state::pending) {
        rejection r = reject(rejection_code::already_confirmed, subject::box, c.box);
        r.state = static_cast<u8>(s.queue[first].state);
        return r;
    }
    if (static_cast<u8>(c.action) > static_cast<u8>(box_action::override_shortage)) {
        return reject(rejection_code::invalid_argument, subject::box, c.box);
    }
    box_confirmed e{.po = c.po, .box = c.box, .entry = first};
    if (c.action == box_action::skip) {
        e.outcome = box_state::skipped;
    } else {
        e.outcome = c.action == box_action::confirm ? box_state::confirmed : box_state::overridden;
        per_region<i64> needed{};
        const u32 end = po.queue_first + po.queue_size;
        for (u32 i = first; i < end && s.queue[i].box == c.box; ++i) {
            needed[index(po.lines[s.queue[i].line].stamp_region)] += s.queue[i].units;
        }
        for (const region r : all_regions) {
            const i64 need = needed[index(r)];
            if (need == 0) continue;
            const i64 balance = s.account(r).balance;
            if (balance < need && c.action != box_action::override_shortage) {
                rejection shortage =
                    reject(rejection_code::insufficient_stamps, subject::box, c.box);
                shortage.region_index = static_cast<u8>(index(r));
                shortage.needed = need;
                shortage.available = balance;
                return shortage;
            }
            e.movements[e.movement_count++] = movement(s, r, ledger_kind::usage, -need);
        }
    }
    out.push(e);
    if (po.boxes_confirmed + po.boxes_skipped + 1 == po.boxes_total) {
        out.push(run_ended{.po = c.po});
    }
    return {};
}

void apply(state& s, const box_confirmed& e, const context& ctx) {
    production_order& po = s.po_at(e.po);
    assert(po.status == po_status::in_production);
    const u32 end = po.queue_first + po.queue_size;
    assert(e.entry >= po.queue_first && e.entry < end);
    for (u32 i = e.entry; i < end && s.queue[i].box == e.box; ++i) {
        queue_entry& entry = s.queue[i];
        assert(entry.po == e.po && entry.state == box_state::pending);
        entry.state = e.outcome;
        entry.confirmed_by = ctx.user;
        if (e.outcome != box_state::skipped) po.lines[entry.line].deducted += entry.units;
    }
    const bool overridden = e.outcome == box_state::overridden;
    for (u8 i = 0; i < e.movement_count; ++i) {
        const ledger_movement& m = e.movements[i];
        append_ledger(s, m, ctx, e.po, e.box, overridden);
        const std::size_t r = index(m.stamp_region);
        po.ledger_net[r] += m.quantity;
        po.reserved[r] += m.quantity;  // a deduction uses up its reservation
        s.account(m.stamp_region).reserved += m.quantity;
        assert(po.reserved[r] >= 0);
    }
    if (e.outcome == box_state::skipped) {
        ++po.boxes_skipped;
    } else {
        ++po.boxes_confirmed;
    }
    assert(po.boxes_confirmed + po.boxes_skipped <= po.boxes_total);
}

rejection decide(const state& s, const end_run& c, const context&, event_list& out) {
    if (!s.has_po(c.po)) return reject(rejection_code::not_found, subject::production_order, c.po);
    const production_order& po = s.po_at(c.po);
    if (po.status != po_status::in_production) {
        return wrong_state(subject::production_order, c.po, static_cast<u8>(po.status));
    }
    out.push(run_ended{.po = c.po,
                       .early = true,
                       .boxes_skipped = po.boxes_total - po.boxes_confirmed - po.boxes_skipped});
    return {};
}

void apply(state& s, const run_ended& e, const context& ctx) {
    production_order& po = s.po_at(e.po);
    assert(po.status == po_status::in_production);
    if (e.early) {
        u32 skipped = 0;
        for (u32 i = po.queue_first; i < po.queue_first + po.queue_size; ++i) {
            queue_entry& entry = s.queue[i];
            if (entry.state != box_state::pending) continue;
            const bool group_start = i == po.queue_first || s.queue[i - 1].box != entry.box;
            if (group_start) ++skipped;
            entry.state = box_state::skipped;  // no user acted on it: not a participant (§7)
        }
        assert(skipped == e.boxes_skipped);
        po.boxes_skipped += skipped;
    }
    assert(po.boxes_confirmed + po.boxes_skipped == po.boxes_total);
    enter(po, po_status::pending_verification, ctx);
}

}  // namespace stampd::rules
