// SPEC §4 production orders: numbering, lines within availability (§3), editing while Open,
// and cancellation (§7) which gives the units back and refunds every stamp deducted.
#include <cstdio>
#include <optional>
#include <span>

#include "engine/rules/rules.hpp"

namespace stampd::rules {
namespace {

rejection check_line_shape(const state& s, consignee_id consignee,
                           const std::vector<line_input>& lines) {
    if (lines.empty()) return reject(rejection_code::invalid_argument, subject::line);
    if (lines.size() > constants::lines_per_po_max) {
        rejection r = reject(rejection_code::limit_exceeded, subject::line);
        r.needed = static_cast<i64>(lines.size());
        r.available = constants::lines_per_po_max;
        return r;
    }
    for (u32 i = 0; i < lines.size(); ++i) {
        const line_input& line = lines[i];
        if (!s.has_product(line.product)) {
            return reject(rejection_code::not_found, subject::product, line.product);
        }
        if (s.product_at(line.product).consignee != consignee ||
            static_cast<std::size_t>(line.stamp_region) >= region_count) {
            return reject(rejection_code::invalid_argument, subject::line, i);
        }
        if (line.quantity == 0 || line.quantity > constants::line_quantity_max) {
            rejection r = reject(rejection_code::invalid_argument, subject::quantity, i);
            r.needed = line.quantity;
            r.available = constants::line_quantity_max;
            return r;
        }
        for (u32 j = 0; j < i; ++j) {
            if (lines[j].product == line.product && lines[j].stamp_region == line.stamp_region) {
                return reject(rejection_code::duplicate_line, subject::line, i);
            }
        }
    }
    return {};
}

template <typename Lines>
u64 units_of(const Lines& lines, product_id product) {
    u64 units = 0;
    for (const auto& line : lines) {
        if (line.product == product) units += line.quantity;
    }
    return units;
}

std::string auto_number(u32 n) {
    char text[16];
    std::snprintf(text, sizeof text, "PO-%06u", n);
    return text;
}

void allocate(shipment& sh, const std::vector<line_input>& lines, i64 sign) {
    for (const line_input& line : lines) {
        shipment_product* sp = find_product(sh, line.product);
        assert(sp != nullptr);
        assert(sign > 0 || sp->allocated_units >= line.quantity);
        sp->allocated_units += sign * static_cast<i64>(line.quantity);
        assert(sp->allocated_units <= sp->good_units);
    }
}

std::vector<line_input> inputs_of(const std::vector<po_line>& lines) {
    std::vector<line_input> inputs;
    inputs.reserve(lines.size());
    for (const po_line& l : lines) {
        inputs.push_back(
            {.product = l.product, .stamp_region = l.stamp_region, .quantity = l.quantity});
    }
    return inputs;
}

u64 units_of_po(const std::vector<po_line>& lines) {
    u64 units = 0;
    for (const po_line& l : lines)
        units += l.quantity;
    return units;
}

// The capacity check of a change of a scheduled PO's units (§5): `extra` more units on its day.
rejection check_more_units(const state& s, const production_order& po, u64 extra,
                           bool override_capacity) {
    if (po.scheduled == no_day || extra == 0 || override_capacity) return {};
    const u64 remaining = day_remaining(s, po.scheduled);
    if (extra <= remaining) return {};
    rejection r =
        reject(rejection_code::capacity_exceeded, subject::day, static_cast<u32>(po.scheduled));
    r.needed = static_cast<i64>(extra);
    r.available = static_cast<i64>(remaining);
    return r;
}

}  // namespace

std::vector<po_line> lines_of(const std::vector<line_input>& inputs) {
    std::vector<po_line> lines;
    lines.reserve(inputs.size());
    for (const line_input& in : inputs) {
        lines.push_back(
            {.product = in.product, .stamp_region = in.stamp_region, .quantity = in.quantity});
    }
    return lines;
}

rejection check_lines(const state& s, consignee_id consignee, const shipment& sh,
                      const std::vector<line_input>& lines, const std::vector<po_line>* released) {
    if (rejection r = check_line_shape(s, consignee, lines); !r.ok()) return r;
    for (u32 i = 0; i < lines.size(); ++i) {
        const product_id product = lines[i].product;
        if (units_of(std::span(lines).first(i), product) > 0)
            continue;  // checked with its first line
        const shipment_product* sp = find_product(sh, product);
        const u64 good = sp ? sp->good_units : 0;
        const u64 allocated = sp ? sp->allocated_units : 0;
        const u64 available = good - allocated + (released ? units_of(*released, product) : 0);
        const u64 needed = units_of(lines, product);
        if (needed > available) {
            rejection r = reject(rejection_code::availability_exceeded, subject::product, product);
            r.needed = static_cast<i64>(needed);
            r.available = static_cast<i64>(available);
            return r;
        }
    }
    return {};
}

rejection decide(const state& s, const create_po& c, const context& ctx, event_list& out) {
    if (!s.has_consignee(c.consignee)) {
        return reject(rejection_code::not_found, subject::consignee, c.consignee);
    }
    if (!s.has_shipment(c.shipment)) {
        return reject(rejection_code::not_found, subject::shipment, c.shipment);
    }
    const shipment& sh = s.shipment_at(c.shipment);
    if (sh.consignee != c.consignee) {
        return reject(rejection_code::invalid_argument, subject::shipment, c.shipment);
    }
    if (sh.status != shipment_status::inventoried) {
        return wrong_state(subject::shipment, c.shipment, static_cast<u8>(sh.status));
    }
    if (rejection r = check_text(c.notes, constants::notes_size_max); !r.ok()) return r;
    if (s.production_orders.size() >= constants::production_orders_max) {
        return reject(rejection_code::limit_exceeded, subject::production_order);
    }
    if (rejection r = check_lines(s, c.consignee, sh, c.lines, nullptr); !r.ok()) return r;

    po_created e{.id = static_cast<po_id>(s.production_orders.size() + 1),
                 .consignee = c.consignee,
                 .shipment = c.shipment,
                 .lines = c.lines,
                 .urgent = c.urgent,
                 .notes = c.notes};
    if (c.number.empty()) {
        // The next free number: a custom number may already hold it in this consignee.
        u32 n = s.po_number_next;
        while (s.po_by_number.contains(po_number_key(c.consignee, auto_number(n))))
            ++n;
        e.number = code{auto_number(n)};
        e.auto_number = n;
    } else {
        const auto it = s.po_by_number.find(po_number_key(c.consignee, c.number.view()));
        if (it != s.po_by_number.end()) {
            return reject(rejection_code::already_exists, subject::production_order, it->second);
        }
        e.number = c.number;
    }
    const po_id id = e.id;
    const std::string number{e.number.view()};
    out.push(std::move(e));
    const std::vector<po_line> lines = lines_of(c.lines);
    const day today = local_day(s.settings.zone, ctx.time_us);
    if (c.on != no_day) {
        return decide_schedule(s, id, c.consignee, lines, c.urgent, c.on, today, c.mode, number,
                               out);
    }
    if (c.urgent) {
        // §5: an urgent PO with no day goes to the first weekday with room, behind the urgent
        // POs already there.
        u64 units = 0;
        for (const po_line& l : lines)
            units += l.quantity;
        const day on = first_day_with_room(s, today, units);
        if (on != no_day) {
            out.push(po_scheduled{.po = id,
                                  .on = on,
                                  .urgent_first = true,
                                  .capacity = day_capacity(s, on),
                                  .behind_urgent = true});
            return {};
        }
        // No day has room for all of it: split (or override) from the first weekday on when
        // asked to, else refused — an urgent PO left off the calendar without a word would wait
        // unseen.
        if (c.mode != schedule_mode::strict) {
            day from = today;
            while (is_weekend(from))
                ++from;
            return decide_schedule(s, id, c.consignee, lines, true, from, today, c.mode, number,
                                   out);
        }
        rejection r =
            reject(rejection_code::capacity_exceeded, subject::day, static_cast<u32>(today));
        r.needed = static_cast<i64>(units);
        r.available = static_cast<i64>(largest_room(s, today));
        return r;
    }
    return {};
}

void enter(production_order& po, po_status to, const context& ctx) {
    po.status = to;
    po.history.push_back({.status = to, .user = ctx.user, .time_us = ctx.time_us});
}

void apply(state& s, const po_created& e, const context& ctx) {
    assert(e.id == s.production_orders.size() + 1);
    allocate(s.shipment_at(e.shipment), e.lines, +1);
    s.production_orders.push_back(production_order{.number = e.number,
                                                   .consignee = e.consignee,
                                                   .shipment = e.shipment,
                                                   .urgent = e.urgent,
                                                   .notes = e.notes,
                                                   .lines = lines_of(e.lines)});
    enter(s.production_orders.back(), po_status::open, ctx);
    s.po_by_number.emplace(po_number_key(e.consignee, e.number.view()), e.id);
    if (e.auto_number != 0) s.po_number_next = e.auto_number + 1;
}

rejection decide(const state& s, const edit_po_lines& c, const context&, event_list& out) {
    if (!s.has_po(c.po)) return reject(rejection_code::not_found, subject::production_order, c.po);
    const production_order& po = s.po_at(c.po);
    if (po.status != po_status::open) {
        return wrong_state(subject::production_order, c.po, static_cast<u8>(po.status));
    }
    if (!po.segments.empty())
        return reject(rejection_code::split_parent, subject::production_order, c.po);
    const shipment& sh = s.shipment_at(po.shipment);
    if (rejection r = check_lines(s, po.consignee, sh, c.lines, &po.lines); !r.ok()) return r;
    const u64 before = units_of_po(po.lines);
    const u64 after = units_of_po(lines_of(c.lines));
    const u64 extra = after > before ? after - before : 0;
    if (rejection r = check_more_units(s, po, extra, c.override_capacity); !r.ok()) return r;
    out.push(po_lines_edited{
        .po = c.po,
        .lines = c.lines,
        .overridden = po.scheduled != no_day && extra > day_remaining(s, po.scheduled)});
    return {};
}

void apply(state& s, const po_lines_edited& e, const context&) {
    production_order& po = s.po_at(e.po);
    assert(po.status == po_status::open);
    shipment& sh = s.shipment_at(po.shipment);
    allocate(sh, inputs_of(po.lines), -1);
    allocate(sh, e.lines, +1);
    if (po.scheduled != no_day) {
        day_schedule& d = s.calendar.at(po.scheduled);
        d.load = d.load - units_of_po(po.lines) + units_of_po(lines_of(e.lines));
        d.overridden = d.overridden || e.overridden;
        po.capacity_overridden = po.capacity_overridden || e.overridden;
    }
    po.lines = lines_of(e.lines);
}

rejection decide(const state& s, const cancel_po& c, const context&, event_list& out) {
    if (!s.has_po(c.po)) return reject(rejection_code::not_found, subject::production_order, c.po);
    const production_order& po = s.po_at(c.po);
    if (po.status == po_status::completed || po.status == po_status::cancelled) {
        return wrong_state(subject::production_order, c.po, static_cast<u8>(po.status));
    }
    if (rejection r = check_text(c.reason, constants::notes_size_max); !r.ok()) return r;
    // Refunds of several segments in one region chain their balances.
    per_region<i64> balance{};
    for (const region r : all_regions)
        balance[index(r)] = s.account(r).balance;
    auto cancel = [&](po_id id) {
        const production_order& target = s.po_at(id);
        po_cancelled e{.po = id, .from = target.status, .reason = c.reason};
        // The full allocation comes back, even stamps already applied (§7, seed 001).
        for (const region r : all_regions) {
            const i64 net = target.ledger_net[index(r)];
            assert(net <= 0);
            if (net == 0) continue;
            balance[index(r)] -= net;
            e.movements.push_back({.stamp_region = r,
                                   .kind = ledger_kind::refund_cancel,
                                   .quantity = -net,
                                   .balance_after = balance[index(r)]});
        }
        out.push(std::move(e));
    };
    // Cancelling a split parent cancels every segment not yet completed (§5).
    for (const po_id segment : po.segments) {
        const po_status status = s.po_at(segment).status;
        if (status != po_status::completed && status != po_status::cancelled) cancel(segment);
    }
    cancel(c.po);
    if (const auto closed = close_parent_after(s, c.po, po_status::cancelled)) out.push(*closed);
    return {};
}

std::optional<parent_closed> close_parent_after(const state& s, po_id segment, po_status to) {
    const po_id parent = s.po_at(segment).parent;
    if (parent == id_none || s.po_at(parent).status != po_status::open) return std::nullopt;
    bool all_completed = true;
    for (const po_id other : s.po_at(parent).segments) {
        const po_status status = other == segment ? to : s.po_at(other).status;
        if (status != po_status::completed && status != po_status::cancelled) return std::nullopt;
        all_completed = all_completed && status == po_status::completed;
    }
    // "The parent shows Completed only when every segment is" (§5).
    return parent_closed{.parent = parent,
                         .status = all_completed ? po_status::completed : po_status::cancelled};
}

void apply(state& s, const parent_closed& e, const context& ctx) {
    production_order& parent = s.po_at(e.parent);
    assert(parent.status == po_status::open && !parent.segments.empty());
    enter(parent, e.status, ctx);
}

void apply(state& s, const po_cancelled& e, const context& ctx) {
    production_order& po = s.po_at(e.po);
    assert(po.status == e.from);
    shipment& sh = s.shipment_at(po.shipment);
    if (po.segments.empty()) allocate(sh, inputs_of(po.lines), -1);
    for (u32 i = po.queue_first; i < po.queue_first + po.queue_size; ++i) {
        const queue_entry& entry = s.queue[i];
        box& b = s.box_at(entry.box);
        assert(b.claimed >= entry.units);
        b.claimed = static_cast<u16>(b.claimed - entry.units);
    }
    for (shipment_product& sp : sh.products)
        sp.first_free = 0;
    for (const region r : all_regions) {
        s.account(r).reserved -= po.reserved[index(r)];
        assert(s.account(r).reserved >= 0);
        po.reserved[index(r)] = 0;
    }
    for (const ledger_movement& m : e.movements) {
        append_ledger(s, m, ctx, e.po, id_none, false);
        po.ledger_net[index(m.stamp_region)] += m.quantity;
    }
    unschedule(s, po, e.po);
    enter(po, po_status::cancelled, ctx);
    po.cancel_reason = e.reason;
}

}  // namespace stampd::rules
