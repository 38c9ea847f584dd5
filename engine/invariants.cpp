// SPEC §12 1–5 (see invariants.hpp). Every stored figure the rules rest on (balances,
// allocations, a PO's net, a day's load) is also recomputed from the rows it sums, so a derived
// figure that drifted from its rows is found, not trusted.
#include "engine/invariants.hpp"

#include <map>

#include "engine/rules/rules.hpp"

namespace stampd {
namespace {

class finding_list {
public:
    explicit finding_list(std::size_t max) : _max(max) {}

    void add(invariant_finding f) {
        if (_out.size() < _max) {
            _out.push_back(std::move(f));
        } else {
            ++_dropped;
        }
    }
    std::vector<invariant_finding> take() {
        if (_dropped > 0) {
            _out.push_back({.code = invariant_code::more_findings,
                            .found = static_cast<i64>(_dropped),
                            .message = std::to_string(_dropped) + " more finding(s) not listed"});
        }
        return std::move(_out);
    }

private:
    std::size_t _max;
    u64 _dropped = 0;
    std::vector<invariant_finding> _out;
};

std::string figures(i64 expected, i64 found) {
    return "expected " + std::to_string(expected) + ", found " + std::to_string(found);
}

std::string po_name(const state& s, po_id id) {
    return "PO " + std::to_string(id) + " (" + std::string{s.po_at(id).number.view()} + ")";
}

// §12.1: the balance is the sum of the entries, each entry's balance follows from the one
// before, and a balance goes below zero only on an entry recorded as an override.
void check_ledgers(const state& s, finding_list& out) {
    for (const region r : all_regions) {
        const region_account& account = s.account(r);
        const std::string name{to_string(r)};
        i64 running = 0;
        for (std::size_t i = 0; i < account.ledger.size(); ++i) {
            const ledger_entry& e = account.ledger[i];
            const u32 seq = static_cast<u32>(i + 1);
            if (e.balance_after != running + e.quantity) {
                out.add({.code = invariant_code::running_balance_broken,
                         .id = seq,
                         .stamp_region = r,
                         .expected = running + e.quantity,
                         .found = e.balance_after,
                         .message = "§12.1 " + name + " ledger entry " + std::to_string(seq) +
                                    ": balance after " +
                                    figures(running + e.quantity, e.balance_after)});
            }
            if (e.quantity < 0 && e.balance_after < 0 && !e.overridden) {
                out.add({.code = invariant_code::negative_without_override,
                         .id = seq,
                         .stamp_region = r,
                         .expected = 0,
                         .found = e.balance_after,
                         .message = "§12.1 " + name + " ledger entry " + std::to_string(seq) +
                                    " took the balance to " + std::to_string(e.balance_after) +
                                    " without an override"});
            }
            running += e.quantity;
        }
        if (account.balance != running) {
            out.add({.code = invariant_code::balance_not_ledger_sum,
                     .stamp_region = r,
                     .expected = running,
                     .found = account.balance,
                     .message = "§12.1 " + name + ": balance " + std::to_string(account.balance) +
                                " differs from the sum of its ledger entries " +
                                std::to_string(running)});
        }
    }
}

// §12.2: per shipment and product, the units allocated to live POs (not cancelled; a split
// parent's allocation is held by its segments) never exceed the good units.
void check_availability(const state& s, finding_list& out) {
    std::vector<std::vector<u64>> allocated(s.shipments.size());
    for (std::size_t i = 0; i < s.shipments.size(); ++i)
        allocated[i].assign(s.shipments[i].products.size(), 0);
    for (po_id id = 1; id <= s.production_orders.size(); ++id) {
        const production_order& po = s.po_at(id);
        if (po.status == po_status::cancelled || !po.segments.empty()) continue;
        if (!s.has_shipment(po.shipment)) continue;
        const shipment& sh = s.shipment_at(po.shipment);
        for (const po_line& line : po.lines) {
            const shipment_product* sp = rules::find_product(sh, line.product);
            if (sp == nullptr) {
                out.add({.code = invariant_code::allocation_mismatch,
                         .id = po.shipment,
                         .id2 = line.product,
                         .expected = 0,
                         .found = line.quantity,
                         .message = "§12.2 " + po_name(s, id) + " allocates product " +
                                    std::to_string(line.product) + ", which shipment " +
                                    std::to_string(po.shipment) + " does not hold"});
                continue;
            }
            allocated[po.shipment - 1][static_cast<std::size_t>(sp - sh.products.data())] +=
                line.quantity;
        }
    }
    for (shipment_id sh = 1; sh <= s.shipments.size(); ++sh) {
        const shipment& shipment = s.shipment_at(sh);
        for (std::size_t p = 0; p < shipment.products.size(); ++p) {
            const shipment_product& sp = shipment.products[p];
            const std::string where = "shipment " + std::to_string(sh) + " (" +
                                      std::string{shipment.key.view()} + ") product " +
                                      std::to_string(sp.product);
            if (sp.allocated_units != allocated[sh - 1][p]) {
                out.add({.code = invariant_code::allocation_mismatch,
                         .id = sh,
                         .id2 = sp.product,
                         .expected = static_cast<i64>(allocated[sh - 1][p]),
                         .found = static_cast<i64>(sp.allocated_units),
                         .message = "§12.2 " + where + ": allocated units " +
                                    figures(static_cast<i64>(allocated[sh - 1][p]),
                                            static_cast<i64>(sp.allocated_units))});
            }
            if (sp.allocated_units > sp.good_units) {
                const i64 available =
                    static_cast<i64>(sp.good_units) - static_cast<i64>(sp.allocated_units);
                out.add(
                    {.code = invariant_code::availability_negative,
                     .id = sh,
                     .id2 = sp.product,
                     .expected = 0,
                     .found = available,
                     .message = "§12.2 " + where + ": availability " + std::to_string(available)});
            }
        }
    }
}

// §12.3: the entries naming a PO sum to its running net, per region; a completed PO's to
// −Σ verified, a cancelled PO's to 0.
void check_po_ledgers(const state& s, finding_list& out) {
    std::vector<per_region<i64>> net(s.production_orders.size() + 1, per_region<i64>{});
    for (const region r : all_regions) {
        const auto& ledger = s.account(r).ledger;
        for (std::size_t i = 0; i < ledger.size(); ++i) {
            const ledger_entry& e = ledger[i];
            if (e.kind == ledger_kind::receipt) continue;
            if (!s.has_po(e.source)) {
                out.add({.code = invariant_code::ledger_source_unknown,
                         .id = static_cast<u32>(i + 1),
                         .stamp_region = r,
                         .found = e.source,
                         .message = "§12.3 " + std::string{to_string(r)} + " ledger entry " +
                                    std::to_string(i + 1) + " names PO " +
                                    std::to_string(e.source) + ", which does not exist"});
                continue;
            }
            net[e.source][index(r)] += e.quantity;
        }
    }
    for (po_id id = 1; id <= s.production_orders.size(); ++id) {
        const production_order& po = s.po_at(id);
        i64 total = 0;
        for (const region r : all_regions) {
            const i64 sum = net[id][index(r)];
            total += sum;
            if (po.ledger_net[index(r)] != sum) {
                out.add({.code = invariant_code::po_ledger_net_mismatch,
                         .id = id,
                         .stamp_region = r,
                         .expected = sum,
                         .found = po.ledger_net[index(r)],
                         .message = "§12.3 " + po_name(s, id) + " " + std::string{to_string(r)} +
                                    ": running net " + figures(sum, po.ledger_net[index(r)])});
            }
            if (po.status == po_status::cancelled && sum != 0) {
                out.add({.code = invariant_code::cancelled_po_ledger,
                         .id = id,
                         .stamp_region = r,
                         .expected = 0,
                         .found = sum,
                         .message = "§12.3 cancelled " + po_name(s, id) + ": its " +
                                    std::string{to_string(r)} + " ledger entries sum to " +
                                    std::to_string(sum) + ", not 0"});
            }
        }
        if (po.status != po_status::completed) continue;
        i64 verified = 0;
        for (const po_line& line : po.lines)
            verified += line.verified;
        if (total != -verified) {
            out.add({.code = invariant_code::completed_po_ledger,
                     .id = id,
                     .expected = -verified,
                     .found = total,
                     .message = "§12.3 completed " + po_name(s, id) + ": ledger entries sum to " +
                                std::to_string(total) +
                                ", expected −Σ verified = " + std::to_string(-verified)});
        }
    }
}

// §12.4: a completed PO (not a split parent: its segments are invoiced) has exactly one invoice
// (credit notes aside) and one outbound record; no other PO has either.
void check_completion_records(const state& s, finding_list& out) {
    std::vector<u32> invoices(s.production_orders.size() + 1, 0);
    std::vector<u32> outbounds(s.production_orders.size() + 1, 0);
    for (const invoice& i : s.invoices) {
        if (i.credit_of == id_none && s.has_po(i.po)) ++invoices[i.po];
    }
    for (const outbound& o : s.outbounds) {
        if (s.has_po(o.po)) ++outbounds[o.po];
    }
    for (po_id id = 1; id <= s.production_orders.size(); ++id) {
        const production_order& po = s.po_at(id);
        const bool needs = po.status == po_status::completed && po.segments.empty();
        const u32 want = needs ? 1 : 0;
        const std::string what = std::string{to_string(po.status)} + " " + po_name(s, id);
        if (invoices[id] != want) {
            out.add({.code = invariant_code::invoice_count,
                     .id = id,
                     .expected = want,
                     .found = invoices[id],
                     .message = "§12.4 " + what + " has " + std::to_string(invoices[id]) +
                                " invoice(s), expected " + std::to_string(want)});
        }
        if (outbounds[id] != want) {
            out.add({.code = invariant_code::outbound_count,
                     .id = id,
                     .expected = want,
                     .found = outbounds[id],
                     .message = "§12.4 " + what + " has " + std::to_string(outbounds[id]) +
                                " outbound record(s), expected " + std::to_string(want)});
        }
    }
}

// §12.5: a day's load is the units of the live POs scheduled on it, and stays within the
// capacity the day was planned with unless an override was recorded.
void check_calendar(const state& s, finding_list& out) {
    std::map<day, u64> load;
    for (const production_order& po : s.production_orders) {
        if (po.status == po_status::cancelled || po.scheduled == no_day) continue;
        for (const po_line& line : po.lines)
            load[po.scheduled] += line.quantity;
    }
    for (const auto& [on, units] : load) {
        if (!s.calendar.contains(on)) {
            out.add({.code = invariant_code::day_load_mismatch,
                     .on = on,
                     .expected = static_cast<i64>(units),
                     .found = 0,
                     .message = "§12.5 " + format_day(on) + ": POs are scheduled with " +
                                std::to_string(units) + " units, but the calendar has no day"});
        }
    }
    for (const auto& [on, d] : s.calendar) {
        const auto it = load.find(on);
        const u64 units = it == load.end() ? 0 : it->second;
        if (d.load != units) {
            out.add({.code = invariant_code::day_load_mismatch,
                     .on = on,
                     .expected = static_cast<i64>(units),
                     .found = static_cast<i64>(d.load),
                     .message = "§12.5 " + format_day(on) + ": load " +
                                figures(static_cast<i64>(units), static_cast<i64>(d.load))});
        }
        if (d.load > d.capacity && !d.overridden) {
            out.add({.code = invariant_code::day_over_capacity,
                     .on = on,
                     .expected = static_cast<i64>(d.capacity),
                     .found = static_cast<i64>(d.load),
                     .message = "§12.5 " + format_day(on) + ": load " + std::to_string(d.load) +
                                " is over the capacity " + std::to_string(d.capacity) +
                                " with no override recorded"});
        }
    }
}

}  // namespace

std::vector<invariant_finding> check_invariants(const state& s, std::size_t findings_max) {
    finding_list out(findings_max);
    check_ledgers(s, out);
    check_availability(s, out);
    check_po_ledgers(s, out);
    check_completion_records(s, out);
    check_calendar(s, out);
    return out.take();
}

std::string_view to_string(invariant_code c) {
    static constexpr std::string_view names[] = {
        "balance_not_ledger_sum", "running_balance_broken", "negative_without_override",
        "availability_negative",  "allocation_mismatch",    "ledger_source_unknown",
        "po_ledger_net_mismatch", "completed_po_ledger",    "cancelled_po_ledger",
        "invoice_count",          "outbound_count",         "day_load_mismatch",
        "day_over_capacity",      "more_findings"};
    static_assert(std::size(names) == static_cast<std::size_t>(invariant_code::more_findings) + 1);
    return names[static_cast<std::size_t>(c)];
}

int rule_of(invariant_code c) {
    switch (c) {
        case invariant_code::balance_not_ledger_sum:
        case invariant_code::running_balance_broken:
        case invariant_code::negative_without_override:
            return 1;
        case invariant_code::availability_negative:
        case invariant_code::allocation_mismatch:
            return 2;
        case invariant_code::ledger_source_unknown:
        case invariant_code::po_ledger_net_mismatch:
        case invariant_code::completed_po_ledger:
        case invariant_code::cancelled_po_ledger:
            return 3;
        case invariant_code::invoice_count:
        case invariant_code::outbound_count:
            return 4;
        case invariant_code::day_load_mismatch:
        case invariant_code::day_over_capacity:
            return 5;
        case invariant_code::more_findings:
            return 0;
    }
    return 0;
}

}  // namespace stampd
