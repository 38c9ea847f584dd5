// See documents.hpp.
#include "clients/report/documents.hpp"

#include <algorithm>
#include <cstdio>

#include "engine/queries.hpp"

namespace stampd::report {
namespace {

bool find_consignee(const state& s, const std::string& key, consignee_id& out, std::string& error) {
    out = id_none;
    if (key.empty()) return true;
    const auto it = s.consignee_by_key.find(key);
    if (it == s.consignee_by_key.end()) {
        error =
            "no consignee '" + key + "' (there are " + std::to_string(s.consignees.size()) + ")";
        return false;
    }
    out = it->second;
    return true;
}

bool in_period(const period& span, const time_zone& zone, i64 time_us) {
    return time_us >= span.begin_us(zone) && time_us < span.end_us(zone);
}

}  // namespace

i64 invoice_date_us(const invoice& i) {
    const i64 issued = i.since_us[static_cast<std::size_t>(invoice_status::issued)];
    return issued != 0 ? issued : i.since_us[static_cast<std::size_t>(invoice_status::draft)];
}

bool select_invoices(const state& s, const invoice_filter& filter, std::vector<invoice_id>& out,
                     std::string& error) {
    out.clear();
    consignee_id consignee = id_none;
    if (!find_consignee(s, filter.consignee, consignee, error)) return false;
    for (const std::string& number : filter.numbers) {
        const bool known = std::any_of(s.invoices.begin(), s.invoices.end(),
                                       [&](const invoice& i) { return i.number.view() == number; });
        if (!known) {
            error =
                "no invoice " + number + " (there are " + std::to_string(s.invoices.size()) + ")";
            return false;
        }
    }
    for (invoice_id id = 1; id <= s.invoices.size(); ++id) {
        const invoice& i = s.invoice_at(id);
        if (!filter.numbers.empty() && std::find(filter.numbers.begin(), filter.numbers.end(),
                                                 i.number.view()) == filter.numbers.end()) {
            continue;
        }
        if (consignee != id_none && i.consignee != consignee) continue;
        if (filter.status && i.status != *filter.status) continue;
        if (!in_period(filter.span, s.settings.zone, invoice_date_us(i))) continue;
        out.push_back(id);
    }
    return true;
}

bool select_outbounds(const state& s, const outbound_filter& filter, std::vector<outbound_id>& out,
                      std::string& error) {
    out.clear();
    consignee_id consignee = id_none;
    if (!find_consignee(s, filter.consignee, consignee, error)) return false;
    for (outbound_id id = 1; id <= s.outbounds.size(); ++id) {
        const outbound& o = s.outbound_at(id);
        if (consignee != id_none && o.consignee != consignee) continue;
        if (!in_period(filter.span, s.settings.zone, o.created_us)) continue;
        out.push_back(id);
    }
    return true;
}

std::optional<invoice_status> parse_invoice_status(std::string_view text) {
    for (u8 i = 0; i < invoice_status_count; ++i) {
        const auto status = static_cast<invoice_status>(i);
        if (to_string(status) == text) return status;
    }
    return std::nullopt;
}

std::vector<packed_box> packed_boxes(const state& s, po_id po) {
    std::vector<packed_box> out;
    const production_order& order = s.po_at(po);
    // Bounded by the run's queue; a box's entries are contiguous in it.
    for (const queue_item& item : run_queue(s, po)) {
        if (item.state != box_state::confirmed && item.state != box_state::overridden) continue;
        if (out.empty() || out.back().box != item.box) out.push_back({.box = item.box});
        out.back().units += item.units;
        out.back().stamps[index(order.lines[item.line].stamp_region)] += item.units;
    }
    return out;
}

std::string key_of(const code& c) {
    return std::string{c.view()};
}

std::string date_or_blank(const time_zone& zone, i64 time_us) {
    return time_us == 0 ? std::string{} : format_day(local_day(zone, time_us));
}

}  // namespace stampd::report
