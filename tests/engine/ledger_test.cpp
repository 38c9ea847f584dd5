// SPEC §8: the stamp ledger — entries with the balance after each, and figures per period.
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

using ledger = warehouse;

// Confirms `stamps` / 10 boxes of a new PO and leaves it pending verification.
TEST_F(ledger, the_federal_example_closes_at_42150) {
    // Seed 001: opening 12,500 + received 37,500 − used 4,200 − used 3,800 + refund 150 = 42,150.
    const shipment_id sh = add_shipment("SH-1", vape15, 2'100, 10);
    add_stamps(region::fed, 500);  // 25,000 before the period
    auto run_po = [&](u32 stamps) {
        const po_id po = add_po(sh, {{vape15, region::fed, stamps}});
        start(po);
        confirm_all(po);
        return po;
    };
    const po_id earlier = run_po(8'700);
    verify(earlier);
    const po_id po_0089 = run_po(3'800);
    ASSERT_EQ(balance(region::fed), 12'500);

    const i64 period_start = now_us + 1;
    add_stamps(region::fed, 750);  // SO-0034: 37,500
    verify(run_po(4'200));         // PO-0088
    run_po(3'800);                 // PO-0091
    verify(po_0089, {{.line = 0, .stamps = 3'650}});
    const i64 period_end = now_us + 1;

    const ledger_figures f = figures(s, region::fed, period_start, period_end);
    EXPECT_EQ(f.opening, 12'500);
    EXPECT_EQ(f.received, 37'500);
    EXPECT_EQ(f.used, 4'200 + 3'800);
    EXPECT_EQ(f.refunded, 150);
    EXPECT_EQ(f.closing, 42'150);
    EXPECT_EQ(balance(region::fed), 42'150);
    EXPECT_EQ(f.entries, 1u + 420u + 380u + 1u);
}

TEST_F(ledger, each_entry_carries_the_balance_after_it) {
    const shipment_id sh = add_shipment("SH-1", vape15, 3, 10);
    add_stamps(region::on, 500);
    const po_id po = add_po(sh, {{vape15, region::on, 30}});
    start(po);
    confirm_all(po);
    i64 running = 0;
    u64 last_lsn = 0;
    s.account(region::on).ledger.for_each([&](const ledger_entry& e) {
        running += e.quantity;
        EXPECT_EQ(e.balance_after, running);
        EXPECT_GT(e.lsn, last_lsn);
        last_lsn = e.lsn;
    });
    EXPECT_EQ(running, 25'000 - 30);
}

TEST_F(ledger, the_balance_is_the_sum_of_the_entries) {
    const shipment_id sh = add_shipment("SH-1", vape15, 30, 10);
    add_stamps(region::fed, 500);
    const po_id kept = add_po(sh, {{vape15, region::fed, 100}});
    const po_id dropped = add_po(sh, {{vape15, region::fed, 100}});
    start(kept);
    start(dropped);
    confirm_all(kept);
    confirm_all(dropped);
    verify(kept, {{.line = 0, .stamps = 91}});
    expect_ok<po_cancelled>(supervisor, cancel_po{.po = dropped});
    EXPECT_EQ(balance(region::fed), ledger_sum(region::fed));
    EXPECT_EQ(balance(region::fed), 25'000 - 91);
}

TEST_F(ledger, a_period_before_any_entry_is_empty) {
    add_stamps(region::qc, 500);
    const ledger_figures f = figures(s, region::qc, 0, start_us);
    EXPECT_EQ(f.opening, 0);
    EXPECT_EQ(f.closing, 0);
    EXPECT_EQ(f.entries, 0u);
    const ledger_figures after = figures(s, region::qc, now_us + 1, now_us + 2);
    EXPECT_EQ(after.opening, 25'000);
    EXPECT_EQ(after.closing, 25'000);
}

TEST_F(ledger, stamps_available_to_promise_subtract_reservations) {
    const shipment_id sh = add_shipment("SH-1", vape15, 10, 10);
    add_stamps(region::ab, 500);
    start(add_po(sh, {{vape15, region::ab, 70}}));
    EXPECT_EQ(balance(region::ab), 25'000);
    EXPECT_EQ(stamps_available_to_promise(s, region::ab), 24'930);
}

}  // namespace
}  // namespace stampd::testing
