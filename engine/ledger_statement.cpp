// See ledger_statement.hpp.
#include "engine/ledger_statement.hpp"

#include <algorithm>
#include <cassert>

namespace stampd {

statement_entry describe_entry(const state& s, const ledger_entry& e, u64 sequence) {
    statement_entry out{.sequence = sequence,
                        .lsn = e.lsn,
                        .time_us = e.time_us,
                        .kind = e.kind,
                        .station = e.station,
                        .overridden = e.overridden,
                        .quantity = e.quantity,
                        .balance_after = e.balance_after};
    if (e.kind == ledger_kind::receipt) {
        if (s.has_stamp_order(e.source))
            out.source_number = s.stamp_order_at(e.source).number.view();
    } else if (s.has_po(e.source)) {
        const production_order& po = s.po_at(e.source);
        out.source_number = po.number.view();
        if (s.has_consignee(po.consignee)) out.consignee = s.consignee_at(po.consignee).key.view();
    }
    if (e.box != id_none && s.has_box(e.box)) out.box = s.barcode_of(e.box);
    if (s.has_user(e.user)) out.user = s.user_at(e.user).key.view();
    return out;
}

ledger_statement statement_of(const state& s, region r, i64 from_us, i64 to_us) {
    ledger_statement out{.stamp_region = r, .figures = figures(s, r, from_us, to_us)};
    const auto& ledger = s.account(r).ledger;
    const std::size_t begin = ledger_index_at(s, r, from_us);
    const std::size_t end = std::max(begin, ledger_index_at(s, r, to_us));
    out.entries.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i)
        out.entries.push_back(describe_entry(s, ledger[i], i + 1));
    assert(out.entries.size() == out.figures.entries);
    assert(out.figures.closing ==
           (out.entries.empty() ? out.figures.opening : out.entries.back().balance_after));
    return out;
}

}  // namespace stampd
