// See stamp_accounting.hpp.
#include "clients/report/stamp_accounting.hpp"

#include <algorithm>
#include <cassert>
#include <map>

namespace stampd::report {
namespace {

region_accounting account_for(const state& s, region r, i64 begin_us, i64 end_us,
                              bool with_entries) {
    const region_account& account = s.account(r);
    region_accounting out{.stamp_region = r,
                          .figures = figures(s, r, begin_us, end_us),
                          .available_to_promise = stamps_available_to_promise(s, r)};
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
    stamp_accounting out{
        .span = span, .zone = s.settings.zone, .from = from, .with_entries = with_entries};
    const i64 begin_us = span.begin_us(s.settings.zone);
    const i64 end_us = span.end_us(s.settings.zone);
    for (u8 i = 0; i < region_count; ++i) {
        const auto r = static_cast<region>(i);
        if (!regions.empty() && std::find(regions.begin(), regions.end(), r) == regions.end()) {
            continue;
        }
        out.regions.push_back(account_for(s, r, begin_us, end_us, with_entries));
    }
    return out;
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
