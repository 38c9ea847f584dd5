// Read-only queries over the state (see queries.hpp).
#include "engine/queries.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdio>

#include "engine/rules/rules.hpp"

namespace stampd {

std::string outbound_number(outbound_id id) {
    char text[16];
    std::snprintf(text, sizeof text, "OUT-%06u", id);
    return text;
}

i64 availability(const state& s, shipment_id shipment, product_id product) {
    if (!s.has_shipment(shipment)) return 0;
    const shipment_product* sp = rules::find_product(s.shipment_at(shipment), product);
    if (sp == nullptr) return 0;
    assert(sp->good_units >= sp->allocated_units);
    return static_cast<i64>(sp->good_units - sp->allocated_units);
}

i64 stamps_available_to_promise(const state& s, region r) {
    return s.account(r).balance - s.account(r).reserved;
}

scanned_box scan_box(const state& s, po_id po_ref, box_id box_ref) {
    scanned_box out;
    if (!s.has_po(po_ref)) {
        out.verdict = reject(rejection_code::not_found, subject::production_order, po_ref);
        return out;
    }
    if (!s.has_box(box_ref)) {
        out.verdict = reject(rejection_code::not_found, subject::box, box_ref);
        return out;
    }
    const production_order& po = s.po_at(po_ref);
    const box& b = s.box_at(box_ref);
    out.box = box_ref;
    out.product = b.product;
    out.good_units = b.units - b.damaged;
    u32 group = b.first_entry;
    while (group != 0 && s.queue[group - 1].po != po_ref)
        group = s.queue[group - 1].next_group;
    if (group == 0) {
        out.verdict = reject(rejection_code::box_not_in_po, subject::box, box_ref);
        return out;
    }
    out.state = s.queue[group - 1].state;
    for (u32 i = group - 1; i < po.queue_first + po.queue_size && s.queue[i].box == box_ref; ++i) {
        const po_line& line = po.lines[s.queue[i].line];
        out.parts.push_back({s.queue[i].line, line.stamp_region, s.queue[i].units});
        out.stamps_needed[index(line.stamp_region)] += s.queue[i].units;
    }
    return out;
}

run_counters counters(const state& s, po_id po_ref) {
    run_counters out;
    if (!s.has_po(po_ref)) return out;
    const production_order& po = s.po_at(po_ref);
    out.status = po.status;
    out.boxes_total = po.boxes_total;
    out.boxes_confirmed = po.boxes_confirmed;
    out.boxes_skipped = po.boxes_skipped;
    out.boxes_left = po.boxes_total - po.boxes_confirmed - po.boxes_skipped;
    for (const po_line& line : po.lines) {
        out.units_done += line.deducted;
        out.stamps_deducted[index(line.stamp_region)] += line.deducted;
    }
    for (const region r : all_regions)
        out.balance[index(r)] = s.account(r).balance;
    return out;
}

std::vector<queue_item> run_queue(const state& s, po_id po_ref) {
    std::vector<queue_item> out;
    if (!s.has_po(po_ref)) return out;
    const production_order& po = s.po_at(po_ref);
    out.reserve(po.queue_size);
    for (u32 i = po.queue_first; i < po.queue_first + po.queue_size; ++i) {
        const queue_entry& e = s.queue[i];
        out.push_back({e.box, e.line, e.units, e.state});
    }
    return out;
}

std::size_t ledger_index_at(const state& s, region r, i64 time_us) {
    const auto& ledger = s.account(r).ledger;
    std::size_t low = 0, high = ledger.size();
    while (low < high) {
        const std::size_t mid = low + (high - low) / 2;
        if (ledger[mid].time_us < time_us) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    return low;
}

i64 ledger_balance_at(const state& s, region r, i64 time_us) {
    const std::size_t end = ledger_index_at(s, r, time_us);
    return end == 0 ? 0 : s.account(r).ledger[end - 1].balance_after;
}

ledger_figures figures(const state& s, region r, i64 from_us, i64 to_us) {
    const auto& ledger = s.account(r).ledger;
    ledger_figures out;
    const std::size_t begin = ledger_index_at(s, r, from_us);
    const std::size_t end = std::max(begin, ledger_index_at(s, r, to_us));
    out.opening = begin == 0 ? 0 : ledger[begin - 1].balance_after;
    for (std::size_t i = begin; i < end; ++i) {
        const ledger_entry& e = ledger[i];
        switch (e.kind) {
            case ledger_kind::receipt:
                out.received += e.quantity;
                break;
            case ledger_kind::usage:
            case ledger_kind::adjust_verify:
                out.used -= e.quantity;
                break;
            case ledger_kind::refund_verify:
            case ledger_kind::refund_cancel:
                out.refunded += e.quantity;
                break;
        }
    }
    out.entries = end - begin;
    out.closing = out.opening + out.received - out.used + out.refunded;
    assert(out.closing == (end == 0 ? 0 : ledger[end - 1].balance_after));
    return out;
}

ledger_entries_page ledger_entries(const state& s, const ledger_entries_query& query) {
    assert(query.limit >= 1 && query.limit <= constants::ledger_entries_page_max);
    const auto& ledger = s.account(query.stamp_region).ledger;
    assert(ledger.size() < UINT32_MAX);
    // The period's entries are [begin, end) of the ledger; a page starts after `after`.
    const std::size_t begin =
        std::max<std::size_t>(ledger_index_at(s, query.stamp_region, query.from_us), query.after);
    const std::size_t end =
        query.to_us <= query.from_us
            ? begin
            : std::max(begin, ledger_index_at(s, query.stamp_region, query.to_us));
    ledger_entries_page page;
    page.next_after = query.after;
    std::size_t i = begin;
    for (u32 scanned = 0; i < end && scanned < constants::ledger_entries_scanned_max;
         ++i, ++scanned) {
        const ledger_entry& e = ledger[i];
        if (query.kind.has_value() && e.kind != *query.kind) continue;
        if (page.rows.size() == query.limit) break;
        page.rows.push_back({.sequence = static_cast<u32>(i + 1), .entry = &e});
    }
    // i is the first entry not looked at (or the one that did not fit).
    page.more = i < end;
    if (page.more) {
        page.next_after = static_cast<u32>(i);
    } else if (!page.rows.empty()) {
        page.next_after = page.rows.back().sequence;
    }
    assert(page.rows.size() <= query.limit);
    assert(page.next_after >= query.after || page.rows.empty());
    return page;
}

}  // namespace stampd
