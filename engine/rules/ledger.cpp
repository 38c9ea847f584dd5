// The stamp ledger (SPEC §8): append-only per region, each entry with the balance after it.
// Only apply() calls append_ledger; decide() computes the movements with movement().
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

}  // namespace stampd::rules
