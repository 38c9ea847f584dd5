// SPEC §7: four-eyes verification, refund and adjustment, amend → re-verify, cancellation.
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

class verification : public warehouse {
protected:
    shipment_id sh = 0;
    void SetUp() override {
        warehouse::SetUp();
        sh = add_shipment("SH-1", vape15, 500, 10);
        add_stamps(region::fed, 500);  // 25,000
    }

    // A PO of `boxes` boxes of 10 units whose every box was confirmed by the stamper.
    po_id pending_po(u32 boxes) {
        const po_id po = add_po(sh, {{vape15, region::fed, boxes * 10}});
        start(po);
        confirm_all(po);
        EXPECT_EQ(s.po_at(po).status, po_status::pending_verification);
        return po;
    }

    // A PO of `boxes` boxes of 10 units whose run has started.
    po_id add_po_started(u32 boxes) {
        const po_id po = add_po(sh, {{vape15, region::fed, boxes * 10}});
        start(po);
        return po;
    }

    i64 po_ledger_sum(po_id po) const {
        i64 sum = 0;
        s.account(region::fed).ledger.for_each([&](const ledger_entry& e) {
            if (e.kind != ledger_kind::receipt && e.source == po) sum += e.quantity;
        });
        return sum;
    }
};

TEST_F(verification, the_user_who_started_the_run_may_not_verify) {
    const po_id po = add_po(sh, {{vape15, region::fed, 10}});
    start(po, supervisor);
    confirm_all(po, stamper);
    const rejection r = run(supervisor, verify_po{.po = po});
    EXPECT_EQ(r.code, rejection_code::same_user);
    EXPECT_EQ(r.id, supervisor);
    EXPECT_EQ(s.po_at(po).status, po_status::pending_verification);
}

TEST_F(verification, a_user_who_confirmed_a_box_may_not_verify) {
    const po_id po = add_po(sh, {{vape15, region::fed, 20}});
    start(po, stamper);
    const std::vector<queue_item> queue = run_queue(s, po);
    expect_ok<box_confirmed>(stamper, confirm_box{.po = po, .box = queue[0].box});
    expect_ok<box_confirmed>(supervisor, confirm_box{.po = po, .box = queue[1].box});
    EXPECT_EQ(run(supervisor, verify_po{.po = po}).code, rejection_code::same_user);
    verify(po);
    EXPECT_EQ(s.po_at(po).verified_by, verifier);
}

TEST_F(verification, verifying_needs_a_po_pending_verification) {
    const po_id po = add_po(sh, {{vape15, region::fed, 10}});
    start(po);
    const rejection r = run(verifier, verify_po{.po = po});
    EXPECT_EQ(r.code, rejection_code::wrong_state);
    EXPECT_EQ(r.state, static_cast<u8>(po_status::in_production));
}

TEST_F(verification, a_count_below_the_deduction_is_refunded) {
    // Seed 001: 3,800 allocated and deducted, 3,650 verified → 150 back to the Federal ledger.
    const po_id po = pending_po(380);
    EXPECT_EQ(balance(region::fed), 25'000 - 3'800);
    verify(po, {{.line = 0, .stamps = 3'650}});
    EXPECT_EQ(balance(region::fed), 25'000 - 3'650);
    const ledger_entry& refund = s.account(region::fed).ledger.back();
    EXPECT_EQ(refund.kind, ledger_kind::refund_verify);
    EXPECT_EQ(refund.quantity, 150);
    EXPECT_EQ(refund.source, po);
    EXPECT_EQ(s.po_at(po).status, po_status::completed);
}

// Issue 16: a PO verified with nothing stamped drafted an empty invoice and outbound record.
TEST_F(verification, nothing_stamped_is_not_completed_the_po_is_cancelled_instead) {
    const po_id po = pending_po(3);
    const i64 before = balance(region::fed);
    const rejection r = run(verifier, verify_po{.po = po, .counts = {{.line = 0, .stamps = 0}}});
    EXPECT_EQ(r.code, rejection_code::invalid_argument);
    EXPECT_EQ(r.about, subject::production_order);
    EXPECT_EQ(r.id, po);
    EXPECT_EQ(r.available, 30);
    EXPECT_EQ(s.po_at(po).status, po_status::pending_verification);
    EXPECT_TRUE(s.invoices.empty());
    EXPECT_TRUE(s.outbounds.empty());
    // Cancelling gives back what verifying with nothing would have refunded.
    expect_ok<po_cancelled>(supervisor, cancel_po{.po = po, .reason = "nothing stamped"});
    EXPECT_EQ(balance(region::fed), before + 30);
}

TEST_F(verification, the_verified_count_defaults_to_the_deduction) {
    const po_id po = pending_po(10);
    const std::size_t entries = s.account(region::fed).ledger.size();
    verify(po);
    EXPECT_EQ(s.account(region::fed).ledger.size(), entries);
    EXPECT_EQ(s.po_at(po).lines[0].verified, 100u);
}

TEST_F(verification, an_extra_count_within_the_estimate_is_deducted) {
    const po_id po = add_po(sh, {{vape15, region::fed, 50}});
    start(po);
    const std::vector<queue_item> queue = run_queue(s, po);
    expect_ok<box_confirmed>(stamper, confirm_box{.po = po, .box = queue[0].box});
    expect_ok<run_ended>(supervisor, end_run{.po = po});
    verify(po, {{.line = 0, .stamps = 30}});
    const ledger_entry& adjust = s.account(region::fed).ledger.back();
    EXPECT_EQ(adjust.kind, ledger_kind::adjust_verify);
    EXPECT_EQ(adjust.quantity, -20);
    EXPECT_EQ(balance(region::fed), 25'000 - 30);
}

TEST_F(verification, a_count_above_the_estimate_is_over_authorised) {
    const po_id po = pending_po(10);
    const rejection r = run(verifier, verify_po{.po = po, .counts = {{.line = 0, .stamps = 101}}});
    EXPECT_EQ(r.code, rejection_code::over_authorised);
    EXPECT_EQ(r.id, 0u);
    EXPECT_EQ(r.needed, 101);
    EXPECT_EQ(r.available, 100);
    EXPECT_EQ(s.po_at(po).status, po_status::pending_verification);
}

TEST_F(verification, an_amended_line_takes_a_fresh_verification) {
    const po_id po = pending_po(10);
    EXPECT_EQ(run(verifier, verify_po{.po = po, .counts = {{.line = 0, .stamps = 104}}}).code,
              rejection_code::over_authorised);
    expect_ok<line_amended>(supervisor, amend_line{.po = po, .line = 0, .quantity = 104});
    EXPECT_EQ(availability(s, sh, vape15), 5'000 - 104);
    verify(po, {{.line = 0, .stamps = 104}});
    EXPECT_EQ(balance(region::fed), 25'000 - 104);
    EXPECT_EQ(s.account(region::fed).reserved, 0);
}

TEST_F(verification, amending_stays_within_availability) {
    const po_id po = pending_po(10);
    add_po(sh, {{vape15, region::fed, 4'900}});
    const rejection r = run(supervisor, amend_line{.po = po, .line = 0, .quantity = 101});
    EXPECT_EQ(r.code, rejection_code::availability_exceeded);
    EXPECT_EQ(r.needed, 1);
    EXPECT_EQ(r.available, 0);
}

TEST_F(verification, an_adjustment_past_the_balance_needs_an_override) {
    const po_id po = add_po(sh, {{vape15, region::fed, 100}});
    start(po);
    expect_ok<run_ended>(supervisor, end_run{.po = po});
    // Another run takes the balance down to 40 while this PO waits for its verifier.
    const shipment_id other = add_shipment("SH-2", vape15, 1, 24'960);
    const po_id big = add_po(other, {{vape15, region::fed, 24'960}});
    start(big);
    confirm_all(big);
    ASSERT_EQ(balance(region::fed), 40);
    const rejection r = run(verifier, verify_po{.po = po, .counts = {{.line = 0, .stamps = 100}}});
    EXPECT_EQ(r.code, rejection_code::insufficient_stamps);
    EXPECT_EQ(r.needed, 100);
    EXPECT_EQ(r.available, 40);
    expect_ok<po_verified>(
        verifier,
        verify_po{.po = po, .counts = {{.line = 0, .stamps = 100}}, .override_shortage = true});
    EXPECT_EQ(balance(region::fed), -60);
    EXPECT_TRUE(s.account(region::fed).ledger.back().overridden);
}

TEST_F(verification, a_completed_pos_ledger_entries_sum_to_minus_the_verified_count) {
    const po_id po = pending_po(20);
    verify(po, {{.line = 0, .stamps = 187}});
    EXPECT_EQ(po_ledger_sum(po), -187);
}

TEST_F(verification, completion_releases_the_reservation) {
    const po_id po = add_po_started(20);
    const std::vector<queue_item> queue = run_queue(s, po);
    for (u32 i = 0; i < 5; ++i) {
        expect_ok<box_confirmed>(stamper, confirm_box{.po = po, .box = queue[i].box});
    }
    expect_ok<run_ended>(supervisor, end_run{.po = po});
    add_po_started(50);
    EXPECT_EQ(s.po_at(po).reserved[index(region::fed)], 150);
    EXPECT_EQ(s.account(region::fed).reserved, 150 + 500);
    verify(po);
    EXPECT_EQ(s.po_at(po).reserved[index(region::fed)], 0);
    EXPECT_EQ(s.account(region::fed).reserved, 500);  // only the other run's
}

TEST_F(verification, cancel_refunds_the_full_allocation_even_stamps_applied) {
    const po_id po = pending_po(10);
    EXPECT_EQ(balance(region::fed), 24'900);
    expect_ok<po_cancelled>(supervisor, cancel_po{.po = po, .reason = "customer withdrew"});
    EXPECT_EQ(balance(region::fed), 25'000);
    const ledger_entry& refund = s.account(region::fed).ledger.back();
    EXPECT_EQ(refund.kind, ledger_kind::refund_cancel);
    EXPECT_EQ(refund.quantity, 100);
    EXPECT_EQ(po_ledger_sum(po), 0);
    EXPECT_EQ(s.po_at(po).status, po_status::cancelled);
}

TEST_F(verification, cancel_in_production_refunds_what_was_deducted_and_releases_the_rest) {
    const po_id po = add_po(sh, {{vape15, region::fed, 100}});
    start(po);
    expect_ok<box_confirmed>(stamper, confirm_box{.po = po, .box = run_queue(s, po).at(0).box});
    expect_ok<po_cancelled>(supervisor, cancel_po{.po = po});
    EXPECT_EQ(balance(region::fed), 25'000);
    EXPECT_EQ(s.account(region::fed).reserved, 0);
    EXPECT_EQ(availability(s, sh, vape15), 5'000);
    // The boxes are free again for the next run.
    const po_id next = add_po(sh, {{vape15, region::fed, 5'000}});
    start(next);
    EXPECT_EQ(s.po_at(next).boxes_total, 500u);
}

TEST_F(verification, cancel_of_an_open_po_writes_no_ledger_entry) {
    const po_id po = add_po(sh, {{vape15, region::fed, 100}});
    const std::size_t entries = s.account(region::fed).ledger.size();
    const auto cancelled = expect_ok<po_cancelled>(supervisor, cancel_po{.po = po});
    EXPECT_TRUE(cancelled.movements.empty());
    EXPECT_EQ(s.account(region::fed).ledger.size(), entries);
}

}  // namespace
}  // namespace stampd::testing
