// See stamp_accounting.hpp.
#include "clients/report/stamp_accounting.hpp"

#include <algorithm>
#include <cassert>
#include <map>

namespace stampd::report {
namespace {

std::string name_of_user(const state& s, user_id id) {
    if (!s.has_user(id)) return "";
    const user& u = s.user_at(id);
    return u.name.empty() ? std::string{u.key.view()} : u.name;
}

std::optional<count_line> count_for(const state& s, region r, day last, i64 closing) {
    std::size_t earlier = 0;
    const physical_count* c = count_at_close(s, r, last, &earlier);
    if (c == nullptr) return std::nullopt;
    return count_line{.as_of = c->as_of,
                      .counted = c->counted,
                      .discrepancy = c->counted - closing,
                      .recorded_by = name_of_user(s, c->recorded_by),
                      .recorded_us = c->recorded_us,
                      .lsn = c->lsn,
                      .counted_by = c->counted_by,
                      .notes = c->notes,
                      .recounts = earlier};
}

region_accounting account_for(const state& s, region r, const period& span, i64 begin_us,
                              i64 end_us, bool with_entries) {
    const region_account& account = s.account(r);
    region_accounting out{.stamp_region = r, .figures = figures(s, r, begin_us, end_us)};
    // A period without an end (all time) has no day whose close was counted.
    if (span.bounded()) out.count = count_for(s, r, span.last, out.figures.closing);
    if (with_entries) out.entries = statement_of(s, r, begin_us, end_us).entries;
    const std::size_t begin = ledger_index_at(s, r, begin_us);
    const std::size_t end = std::max(begin, ledger_index_at(s, r, end_us));
    // (kind, source) → its line: a period holds few sources and millions of entries.
    std::map<std::pair<ledger_kind, u32>, std::size_t> line_of;
    for (std::size_t i = begin; i < end; ++i) {
        const ledger_entry& e = account.ledger[i];
        const auto [it, added] = line_of.try_emplace({e.kind, e.source}, out.sources.size());
        if (added) {
            statement_entry first = describe_entry(s, e, i + 1);
            out.sources.push_back(source_line{.kind = e.kind,
                                              .source = e.source,
                                              .source_number = std::move(first.source_number),
                                              .consignee = std::move(first.consignee),
                                              .first_time_us = e.time_us});
        }
        source_line& line = out.sources[it->second];
        ++line.entries;
        line.quantity += e.quantity;
    }
    assert(out.figures.entries == end - begin);
    return out;
}

}  // namespace

stamp_accounting compute_stamp_accounting(const state& s, const provenance& from,
                                          const period& span, const std::vector<region>& regions,
                                          bool with_entries) {
    stamp_accounting out{.span = span,
                         .zone = s.settings.zone,
                         .from = from,
                         .with_entries = with_entries,
                         .licensee = s.settings.identity};
    const i64 begin_us = span.begin_us(s.settings.zone);
    const i64 end_us = span.end_us(s.settings.zone);
    for (u8 i = 0; i < region_count; ++i) {
        const auto r = static_cast<region>(i);
        if (!regions.empty() && std::find(regions.begin(), regions.end(), r) == regions.end()) {
            continue;
        }
        out.regions.push_back(account_for(s, r, span, begin_us, end_us, with_entries));
    }
    return out;
}

const physical_count* count_at_close(const state& s, region r, day last, std::size_t* earlier) {
    const physical_count* latest = nullptr;
    std::size_t same_day = 0;
    for (const physical_count& c : s.physical_counts) {
        if (c.stamp_region != r || c.as_of != last) continue;
        ++same_day;
        latest = &c;  // recorded in order: the last one seen is the latest
    }
    if (earlier != nullptr) *earlier = same_day > 0 ? same_day - 1 : 0;
    return latest;
}

std::string_view describe(ledger_kind kind) {
    switch (kind) {
        case ledger_kind::receipt:
            return "Received from stamp order";
        case ledger_kind::usage:
            return "Used in production";
        case ledger_kind::adjust_verify:
            return "Adjusted at verification of";
        case ledger_kind::refund_verify:
            return "Refund from verification of";
        case ledger_kind::refund_cancel:
            return "Refund from cancelling";
    }
    return "?";
}

}  // namespace stampd::report
