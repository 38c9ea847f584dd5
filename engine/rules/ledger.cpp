// The stamp ledger (SPEC §8): append-only per region, each entry with the balance after it.
// Only apply() calls append_ledger; decide() computes the movements with movement(). Beside it,
// the physical counts a supervisor records, which the Stamp Accounting report compares with it.
#include <cassert>
#include <limits>

#include "engine/rules/rules.hpp"

namespace stampd::rules {

ledger_movement movement(const state& s, region r, ledger_kind kind, i64 quantity, u32 line) {
    return ledger_movement{.stamp_region = r,
                           .kind = kind,
                           .quantity = quantity,
                           .balance_after = s.account(r).balance + quantity,
                           .line = line};
}

void append_ledger(state& s, const ledger_movement& m, const context& ctx, u32 source, box_id box,
                   bool overridden) {
    region_account& account = s.account(m.stamp_region);
    // decide computed balance_after on the state apply now holds: anything else is a bug.
    assert(account.balance + m.quantity == m.balance_after);
    assert(m.quantity != 0);
    assert(m.quantity >= std::numeric_limits<i32>::min() &&
           m.quantity <= std::numeric_limits<i32>::max());
    account.balance = m.balance_after;
    account.ledger.push_back(ledger_entry{.lsn = ctx.lsn,
                                          .time_us = ctx.time_us,
                                          .balance_after = m.balance_after,
                                          .quantity = static_cast<i32>(m.quantity),
                                          .source = source,
                                          .box = box,
                                          .user = ctx.user,
                                          .station = ctx.station,
                                          .kind = m.kind,
                                          .overridden = overridden});
}

// A count is of a day that has begun in the warehouse's zone (nobody counts tomorrow's close),
// of a known region, within the bounds; the table never fills past physical_counts_max.
rejection decide(const state& s, const record_physical_count& c, const context& ctx,
                 event_list& out) {
    if (static_cast<std::size_t>(c.stamp_region) >= region_count) {
        return reject(rejection_code::invalid_argument, subject::region);
    }
    const day today = local_day(s.settings.zone, ctx.time_us);
    if (c.as_of == no_day || c.as_of > today) {
        rejection r = reject(rejection_code::invalid_argument, subject::day);
        r.needed = c.as_of == no_day ? 0 : c.as_of;
        r.available = today;
        return r;
    }
    if (c.counted < 0 || c.counted > constants::physical_count_stamps_max) {
        rejection r = reject(rejection_code::invalid_argument, subject::quantity);
        r.needed = c.counted;
        r.available = constants::physical_count_stamps_max;
        return r;
    }
    if (rejection r = check_text(c.counted_by, constants::name_size_max); !r.ok()) return r;
    if (rejection r = check_text(c.notes, constants::notes_size_max); !r.ok()) return r;
    if (s.physical_counts.size() >= constants::physical_counts_max) {
        rejection r = reject(rejection_code::limit_exceeded, subject::physical_count);
        r.needed = static_cast<i64>(s.physical_counts.size()) + 1;
        r.available = constants::physical_counts_max;
        return r;
    }
    out.push(physical_count_recorded{.id = static_cast<u32>(s.physical_counts.size() + 1),
                                     .stamp_region = c.stamp_region,
                                     .as_of = c.as_of,
                                     .counted = c.counted,
                                     .counted_by = c.counted_by,
                                     .notes = c.notes});
    return {};
}

void apply(state& s, const physical_count_recorded& e, const context& ctx) {
    assert(e.id == s.physical_counts.size() + 1);
    assert(e.counted >= 0 && e.as_of != no_day);
    s.physical_counts.push_back(physical_count{.stamp_region = e.stamp_region,
                                               .as_of = e.as_of,
                                               .counted = e.counted,
                                               .recorded_by = ctx.user,
                                               .recorded_us = ctx.time_us,
                                               .lsn = ctx.lsn,
                                               .counted_by = e.counted_by,
                                               .notes = e.notes});
}

}  // namespace stampd::rules
