// SPEC §5 calendar and capacity: scheduling a PO on a weekday within the day's remaining
// capacity (or with a recorded supervisor override), urgent POs first in a day's run order and
// placed on the first weekday with room when they have no day, and auto-split into segments on
// consecutive weekdays. A day keeps the capacity it had when its first PO was scheduled: a later
// change of the setting applies to days not yet planned (§2: nothing computed is recomputed).
#include <algorithm>

#include "engine/rules/rules.hpp"

namespace stampd::rules {
namespace {

constexpr day search_days_max = 366;

u64 units_of(const std::vector<po_line>& lines) {
    u64 units = 0;
    for (const po_line& l : lines)
        units += l.quantity;
    return units;
}

rejection capacity_exceeded(day on, u64 needed, u64 remaining) {
    rejection r = reject(rejection_code::capacity_exceeded, subject::day, static_cast<u32>(on));
    r.needed = static_cast<i64>(needed);
    r.available = static_cast<i64>(remaining);
    return r;
}

// Splits `lines` over the days in `plan` (day, units), filling lines in line order.
std::vector<segment_plan> split_lines(const std::vector<po_line>& lines,
                                      const std::vector<std::pair<day, u64>>& plan) {
    std::vector<segment_plan> segments;
    std::size_t line = 0;
    u64 taken_of_line = 0;
    for (const auto& [on, units] : plan) {
        segment_plan seg{.on = on};
        u64 room = units;
        while (room > 0 && line < lines.size()) {
            const u64 left = lines[line].quantity - taken_of_line;
            const u64 take = std::min(room, left);
            seg.lines.push_back({.product = lines[line].product,
                                 .stamp_region = lines[line].stamp_region,
                                 .quantity = static_cast<u32>(take)});
            room -= take;
            taken_of_line += take;
            if (taken_of_line == lines[line].quantity) ++line, taken_of_line = 0;
        }
        segments.push_back(std::move(seg));
    }
    return segments;
}

}  // namespace

rejection check_day(day on, day today) {
    if (on == no_day) return reject(rejection_code::invalid_argument, subject::day);
    if (on < today) {
        rejection r = reject(rejection_code::day_closed, subject::day, static_cast<u32>(on));
        r.available = today;
        return r;
    }
    if (is_weekend(on))
        return reject(rejection_code::day_closed, subject::day, static_cast<u32>(on));
    return {};
}

u64 day_capacity(const state& s, day on) {
    if (is_weekend(on)) return 0;
    const auto it = s.calendar.find(on);
    if (it != s.calendar.end()) return it->second.capacity;
    return s.settings.capacity_units[static_cast<std::size_t>(weekday_of(on))];
}

u64 day_remaining(const state& s, day on) {
    const u64 capacity = day_capacity(s, on);
    const auto it = s.calendar.find(on);
    const u64 load = it == s.calendar.end() ? 0 : it->second.load;
    return load >= capacity ? 0 : capacity - load;
}

day first_day_with_room(const state& s, day from, u64 units) {
    for (day on = from; on < from + search_days_max; ++on) {
        if (!is_weekend(on) && day_remaining(s, on) >= units && units > 0) return on;
    }
    return no_day;
}

u64 largest_room(const state& s, day from) {
    u64 largest = 0;
    for (day on = from; on < from + search_days_max; ++on) {
        if (!is_weekend(on)) largest = std::max(largest, day_remaining(s, on));
    }
    return largest;
}

// Decides where a PO of `lines` goes when scheduled on `on` with `mode`: one po_scheduled, or a
// po_split whose segments take each day's remaining capacity.
rejection decide_schedule(const state& s, po_id po, consignee_id consignee,
                          const std::vector<po_line>& lines, bool urgent, day on, day today,
                          schedule_mode mode, const std::string& number, event_list& out) {
    if (rejection r = check_day(on, today); !r.ok()) return r;
    const u64 units = units_of(lines);
    // Rescheduling moves the PO: its own units on the old day do not count against the new one.
    const production_order* current = s.has_po(po) ? &s.po_at(po) : nullptr;
    const u64 own = current && current->scheduled == on ? units : 0;
    const u64 remaining = day_remaining(s, on) + own;
    if (units <= remaining || mode == schedule_mode::override_capacity) {
        out.push(po_scheduled{.po = po,
                              .on = on,
                              .overridden = units > remaining,
                              .urgent_first = urgent,
                              .capacity = day_capacity(s, on),
                              .behind_urgent = urgent});
        return {};
    }
    if (mode != schedule_mode::auto_split) return capacity_exceeded(on, units, remaining);
    if (current && current->parent != id_none) {
        return reject(rejection_code::invalid_argument, subject::production_order, po);
    }
    std::vector<std::pair<day, u64>> plan;
    u64 left = units;
    for (day d = on; left > 0 && d < on + search_days_max; ++d) {
        const u64 room =
            is_weekend(d) ? 0
                          : day_remaining(s, d) + (current && current->scheduled == d ? units : 0);
        if (room == 0) continue;
        plan.emplace_back(d, std::min(room, left));
        left -= plan.back().second;
        if (plan.size() > constants::segments_max) break;
    }
    if (left > 0 || plan.size() > constants::segments_max) {
        rejection r = capacity_exceeded(on, units, units - left);
        r.about = subject::segments;
        return r;
    }
    po_split split{.parent = po, .behind_urgent = urgent};
    u32 next_id = static_cast<u32>(s.production_orders.size() + 1 + (current ? 0 : 1));
    u32 k = 1;
    for (segment_plan& seg : split_lines(lines, plan)) {
        seg.id = next_id++;
        const std::string segment_number = number + "-" + std::to_string(k++);
        if (!code::fits(segment_number))
            return reject(rejection_code::limit_exceeded, subject::text);
        if (const auto it = s.po_by_number.find(po_number_key(consignee, segment_number));
            it != s.po_by_number.end()) {
            return reject(rejection_code::already_exists, subject::production_order, it->second);
        }
        seg.number = code{segment_number};
        seg.capacity = day_capacity(s, seg.on);
        split.segments.push_back(std::move(seg));
    }
    out.push(std::move(split));
    return {};
}

rejection decide(const state& s, const schedule_po& c, const context& ctx, event_list& out) {
    if (rejection r = check_open_unsplit_po(s, c.po); !r.ok()) return r;
    const production_order& po = s.po_at(c.po);
    if (c.on == no_day) {  // take it off the calendar
        if (po.scheduled == no_day) return reject(rejection_code::invalid_argument, subject::day);
        out.push(po_scheduled{.po = c.po, .on = no_day});
        return {};
    }
    return decide_schedule(s, c.po, po.consignee, po.lines, po.urgent, c.on,
                           local_day(s.settings.zone, ctx.time_us), c.mode,
                           std::string{po.number.view()}, out);
}

void unschedule(state& s, production_order& po, po_id id) {
    if (po.scheduled == no_day) return;
    day_schedule& d = s.calendar.at(po.scheduled);
    const u64 units = units_of(po.lines);
    assert(d.load >= units);
    d.load -= units;
    std::erase(d.run_order, id);
    po.scheduled = no_day;
}

void place_on_day(state& s, po_id id, day on, bool urgent_first, bool behind_urgent, u64 capacity,
                  bool overridden) {
    production_order& po = s.po_at(id);
    auto [it, inserted] = s.calendar.try_emplace(on, day_schedule{.capacity = capacity});
    day_schedule& d = it->second;
    assert(d.capacity == capacity);
    d.load += units_of(po.lines);
    d.overridden = d.overridden || overridden;
    // Urgent POs go first in the day's run order, in the order they were scheduled (before issue
    // 16: the newest first); the others after them, in scheduling order.
    if (urgent_first) {
        const auto at = behind_urgent
                            ? std::ranges::find_if(
                                  d.run_order, [&s](po_id other) { return !s.po_at(other).urgent; })
                            : d.run_order.begin();
        d.run_order.insert(at, id);
    } else {
        d.run_order.push_back(id);
    }
    po.scheduled = on;
    po.capacity_overridden = po.capacity_overridden || overridden;
}

void apply(state& s, const po_scheduled& e, const context&) {
    production_order& po = s.po_at(e.po);
    assert(po.status == po_status::open);
    unschedule(s, po, e.po);
    if (e.on != no_day) {
        place_on_day(s, e.po, e.on, e.urgent_first, e.behind_urgent, e.capacity, e.overridden);
    }
}

void apply(state& s, const po_split& e, const context& ctx) {
    production_order& parent = s.po_at(e.parent);
    assert(parent.status == po_status::open && parent.segments.empty());
    unschedule(s, parent, e.parent);
    // Adding a segment may move every production order: what the segments copy from the parent
    // is taken now, and the parent is looked up again after each push_back.
    const consignee_id consignee = parent.consignee;
    const shipment_id shipment = parent.shipment;
    const bool urgent = parent.urgent;
    const std::string notes = parent.notes;
    // The segments' lines add up to the parent's: its allocation passes to them unchanged.
    for (const segment_plan& seg : e.segments) {
        assert(seg.id == s.production_orders.size() + 1);
        production_order child{.number = seg.number,
                               .consignee = consignee,
                               .shipment = shipment,
                               .urgent = urgent,
                               .notes = notes,
                               .parent = e.parent};
        for (const line_input& l : seg.lines) {
            child.lines.push_back(
                {.product = l.product, .stamp_region = l.stamp_region, .quantity = l.quantity});
        }
        enter(child, po_status::open, ctx);
        s.production_orders.push_back(std::move(child));
        s.po_by_number.emplace(po_number_key(consignee, seg.number.view()), seg.id);
        s.po_at(e.parent).segments.push_back(seg.id);
        place_on_day(s, seg.id, seg.on, urgent, e.behind_urgent, seg.capacity, false);
    }
}

}  // namespace stampd::rules
