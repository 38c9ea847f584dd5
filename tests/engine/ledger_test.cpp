// SPEC §8: the stamp ledger — entries with the balance after each, figures per period, and the
// physical counts recorded beside it.
#include "tests/engine/warehouse.hpp"

#include <vector>

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

// The entries a ledger read returns, page after page (each of at most `limit`), as sequences.
std::vector<u32> all_pages(const state& s, ledger_entries_query q, u32 limit, u32& pages) {
    std::vector<u32> out;
    q.limit = limit;
    pages = 0;
    for (;;) {
        const ledger_entries_page page = ledger_entries(s, q);
        ++pages;
        EXPECT_LE(page.rows.size(), limit);
        for (const ledger_row& row : page.rows)
            out.push_back(row.sequence);
        if (!page.more) return out;
        EXPECT_GT(page.next_after, q.after) << "a page that does not move on";
        q.after = page.next_after;
    }
}

TEST_F(ledger, entries_page_after_the_last_sequence_until_none_is_left) {
    const shipment_id sh = add_shipment("SH-1", vape15, 7, 10);
    const stamp_order_id order = add_stamps(region::on, 500);
    const po_id po = add_po(sh, {{vape15, region::on, 70}});
    start(po);
    confirm_all(po);  // 7 USAGE entries after the RECEIPT

    const ledger_entries_page first = ledger_entries(s, {.stamp_region = region::on, .limit = 3});
    ASSERT_EQ(first.rows.size(), 3u);
    EXPECT_TRUE(first.more);
    EXPECT_EQ(first.next_after, 3u);
    const ledger_entry& receipt = *first.rows[0].entry;
    EXPECT_EQ(first.rows[0].sequence, 1u);
    EXPECT_EQ(receipt.kind, ledger_kind::receipt);
    EXPECT_EQ(receipt.source, order);
    EXPECT_EQ(receipt.balance_after, 25'000);
    EXPECT_EQ(receipt.user, supervisor);
    EXPECT_EQ(receipt.station, station);
    const ledger_entry& usage = *first.rows[1].entry;
    EXPECT_EQ(usage.kind, ledger_kind::usage);
    EXPECT_EQ(usage.source, po);
    EXPECT_NE(usage.box, id_none);
    EXPECT_EQ(usage.quantity, -10);
    EXPECT_EQ(usage.balance_after, 24'990);

    u32 pages = 0;
    const std::vector<u32> seen = all_pages(s, {.stamp_region = region::on}, 3, pages);
    EXPECT_EQ(seen, (std::vector<u32>{1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(pages, 3u);
    // Another region's ledger is its own.
    EXPECT_TRUE(ledger_entries(s, {.stamp_region = region::qc}).rows.empty());
    EXPECT_FALSE(ledger_entries(s, {.stamp_region = region::qc}).more);
}

TEST_F(ledger, entries_filter_by_period_and_kind) {
    const shipment_id sh = add_shipment("SH-1", vape15, 3, 10);
    add_stamps(region::fed, 500);
    const i64 after_first_receipt = now_us + 1;
    const po_id po = add_po(sh, {{vape15, region::fed, 30}});
    start(po);
    confirm_all(po);
    verify(po, {{.line = 0, .stamps = 25}});  // REFUND_VERIFY of 5
    const i64 before_second_receipt = now_us + 1;
    add_stamps(region::fed, 600);

    const auto kinds = [&](ledger_entries_query q) {
        std::vector<ledger_kind> out;
        for (const ledger_row& row : ledger_entries(s, q).rows)
            out.push_back(row.entry->kind);
        return out;
    };
    using enum ledger_kind;
    EXPECT_EQ(kinds({.stamp_region = region::fed}),
              (std::vector{receipt, usage, usage, usage, refund_verify, receipt}));
    EXPECT_EQ(kinds({.stamp_region = region::fed, .kind = receipt}),
              (std::vector{receipt, receipt}));
    EXPECT_EQ(kinds({.stamp_region = region::fed, .kind = refund_verify}),
              (std::vector{refund_verify}));
    EXPECT_EQ(kinds({.stamp_region = region::fed,
                     .from_us = after_first_receipt,
                     .to_us = before_second_receipt}),
              (std::vector{usage, usage, usage, refund_verify}));
    // The period's entries keep their place in the whole ledger: sequences, not positions.
    const ledger_entries_page late =
        ledger_entries(s, {.stamp_region = region::fed, .from_us = before_second_receipt});
    ASSERT_EQ(late.rows.size(), 1u);
    EXPECT_EQ(late.rows[0].sequence, 6u);
    EXPECT_EQ(late.rows[0].entry->balance_after, 25'000 - 25 + 30'000);
    // A period that ends before it starts, or before any entry, has none.
    EXPECT_TRUE(
        ledger_entries(s, {.stamp_region = region::fed, .from_us = 10, .to_us = 5}).rows.empty());
    EXPECT_TRUE(ledger_entries(s, {.stamp_region = region::fed, .to_us = start_us}).rows.empty());
}

// A kind that matches few of many entries: each page looks at no more than
// ledger_entries_scanned_max, ends early (even empty) and says where to go on.
TEST_F(ledger, a_sparse_kind_filter_is_answered_in_bounded_pages) {
    constexpr u32 boxes = constants::ledger_entries_scanned_max + 10;
    const shipment_id sh = add_shipment("SH-1", vape15, boxes, 1);
    add_stamps(region::ab, 2'000);  // 100 000 stamps: every box is confirmed
    const po_id po = add_po(sh, {{vape15, region::ab, boxes}});
    start(po);
    confirm_all(po);
    add_stamps(region::ab, 500);
    const ledger_entries_query receipts{.stamp_region = region::ab, .kind = ledger_kind::receipt};
    const ledger_entries_page first = ledger_entries(s, receipts);
    ASSERT_EQ(first.rows.size(), 1u);
    EXPECT_TRUE(first.more);
    EXPECT_EQ(first.next_after, constants::ledger_entries_scanned_max);
    u32 pages = 0;
    const std::vector<u32> seen = all_pages(s, receipts, constants::ledger_entries_page_max, pages);
    EXPECT_EQ(seen, (std::vector<u32>{1, boxes + 2}));
    EXPECT_EQ(pages, 2u);
}

// §8 physical counts: the stamps counted at the close of a day, beside the ledger.
class physical_counts : public warehouse {
protected:
    day today() const { return local_day(s.settings.zone, now_us); }
    rejection count(user_id who, region r, day as_of, i64 counted, std::string by = "") {
        return run(who, record_physical_count{.stamp_region = r,
                                              .as_of = as_of,
                                              .counted = counted,
                                              .counted_by = std::move(by)});
    }
};

TEST_F(physical_counts, a_count_is_recorded_with_who_recorded_it_when_and_at_which_lsn) {
    const day yesterday = today() - 1;
    const auto e = expect_ok<physical_count_recorded>(
        supervisor, record_physical_count{.stamp_region = region::on,
                                          .as_of = yesterday,
                                          .counted = 24'950,
                                          .counted_by = "Émilie Côté, Sam",
                                          .notes = "vault B, two rolls torn"});
    EXPECT_EQ(e.id, 1u);
    ASSERT_EQ(s.physical_counts.size(), 1u);
    const physical_count& c = s.physical_counts[0];
    EXPECT_EQ(c.stamp_region, region::on);
    EXPECT_EQ(c.as_of, yesterday);
    EXPECT_EQ(c.counted, 24'950);
    EXPECT_EQ(c.recorded_by, supervisor);
    EXPECT_EQ(c.recorded_us, now_us);
    EXPECT_EQ(c.lsn, lsn);
    EXPECT_EQ(c.counted_by, "Émilie Côté, Sam");
    EXPECT_EQ(c.notes, "vault B, two rolls torn");
    // Counting changes no balance: the ledger is corrected from its sources only.
    EXPECT_EQ(balance(region::on), 0);
    EXPECT_TRUE(s.account(region::on).ledger.empty());
}

TEST_F(physical_counts, a_recount_is_kept_beside_the_first) {
    ASSERT_TRUE(count(supervisor, region::fed, today(), 1'000).ok());
    ASSERT_TRUE(count(admin, region::fed, today(), 1'050).ok());
    ASSERT_EQ(s.physical_counts.size(), 2u);
    EXPECT_EQ(s.physical_counts[0].counted, 1'000);
    EXPECT_EQ(s.physical_counts[1].counted, 1'050);
    EXPECT_EQ(s.physical_counts[1].recorded_by, admin);
}

TEST_F(physical_counts, only_supervisors_and_admins_record_counts) {
    for (const user_id who : {stamper, verifier, finance}) {
        EXPECT_EQ(count(who, region::fed, today(), 10).code, rejection_code::forbidden);
    }
    EXPECT_TRUE(s.physical_counts.empty());
}

TEST_F(physical_counts, a_count_is_of_a_day_that_has_begun) {
    const rejection tomorrow = count(supervisor, region::fed, today() + 1, 10);
    EXPECT_EQ(tomorrow.code, rejection_code::invalid_argument);
    EXPECT_EQ(tomorrow.about, subject::day);
    EXPECT_EQ(tomorrow.needed, today() + 1);
    EXPECT_EQ(tomorrow.available, today());
    EXPECT_EQ(count(supervisor, region::fed, no_day, 10).about, subject::day);
    EXPECT_TRUE(count(supervisor, region::fed, today(), 10).ok());
}

TEST_F(physical_counts, a_count_is_never_negative_nor_past_its_bounds) {
    const rejection negative = count(supervisor, region::fed, today(), -1);
    EXPECT_EQ(negative.code, rejection_code::invalid_argument);
    EXPECT_EQ(negative.about, subject::quantity);
    EXPECT_EQ(
        count(supervisor, region::fed, today(), constants::physical_count_stamps_max + 1).about,
        subject::quantity);
    EXPECT_EQ(run(supervisor,
                  record_physical_count{.stamp_region = static_cast<region>(5), .as_of = today()})
                  .about,
              subject::region);
    EXPECT_EQ(
        count(supervisor, region::fed, today(), 0, std::string(constants::name_size_max + 1, 'x'))
            .code,
        rejection_code::limit_exceeded);
    EXPECT_EQ(run(supervisor,
                  record_physical_count{.as_of = today(),
                                        .notes = std::string(constants::notes_size_max + 1, 'x')})
                  .code,
              rejection_code::limit_exceeded);
    EXPECT_TRUE(s.physical_counts.empty());
    EXPECT_TRUE(count(supervisor, region::fed, today(), 0).ok());  // none left is a count too
}

TEST_F(physical_counts, the_counts_kept_are_bounded) {
    // The table filled by hand up to its bound (and emptied again before the replay check).
    s.physical_counts.resize(constants::physical_counts_max);
    const rejection full = count(supervisor, region::fed, today(), 10);
    EXPECT_EQ(full.code, rejection_code::limit_exceeded);
    EXPECT_EQ(full.about, subject::physical_count);
    EXPECT_EQ(full.available, constants::physical_counts_max);
    s.physical_counts.clear();
}

TEST_F(physical_counts, the_ledger_balance_at_a_days_close_is_what_a_count_is_compared_with) {
    const shipment_id sh = add_shipment("SH-1", vape15, 3, 10);
    add_stamps(region::fed, 500);  // 25,000
    const i64 close_of_today = start_of_day_us(s.settings.zone, today() + 1);
    const i64 start_of_today = start_of_day_us(s.settings.zone, today());
    const po_id po = add_po(sh, {{vape15, region::fed, 30}});
    start(po);
    confirm_all(po);
    EXPECT_EQ(ledger_balance_at(s, region::fed, close_of_today), 25'000 - 30);
    EXPECT_EQ(ledger_balance_at(s, region::fed, start_of_today), 0);
    EXPECT_EQ(ledger_balance_at(s, region::on, close_of_today), 0);
}

}  // namespace
}  // namespace stampd::testing
