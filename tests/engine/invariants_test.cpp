// engine/invariants.hpp: SPEC §12 1–5 hold on a realistic run, and each rule, broken by hand on a
// replayed copy of the state, is found with its code, its objects and its figures.
#include "engine/invariants.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

class invariants : public warehouse {
protected:
    po_id completed = 0, cancelled = 0, overridden = 0;
    day monday = day_of(2026, 1, 5);

    // Receipts, a PO stamped and verified with a refund, one cancelled after a box, one stamped
    // past a short ON balance by override, and a scheduled PO.
    void SetUp() override {
        warehouse::SetUp();
        const shipment_id sh = add_shipment("SH-1", vape15, 6, 100);
        add_stamps(region::fed, 500);
        completed = add_po(sh, {{vape15, region::fed, 200}});
        start(completed);
        confirm_all(completed);
        verify(completed, {{0, 190}});
        cancelled = add_po(sh, {{vape15, region::fed, 100}});
        start(cancelled);
        expect_ok<box_confirmed>(
            stamper, confirm_box{.po = cancelled, .box = run_queue(s, cancelled)[0].box});
        expect_ok<po_cancelled>(supervisor, cancel_po{.po = cancelled, .reason = "test"});
        overridden = add_po(sh, {{vape15, region::on, 100}});
        start(overridden);
        receive_exactly(region::on, 87);
        expect_ok<box_confirmed>(stamper, confirm_box{.po = overridden,
                                                      .box = run_queue(s, overridden)[0].box,
                                                      .action = box_action::override_shortage});
        expect_ok<po_created>(supervisor, create_po{.consignee = norwood,
                                                    .shipment = sh,
                                                    .lines = {{vape15, region::fed, 50}},
                                                    .on = monday});
    }

    static bool has(const std::vector<invariant_finding>& found, invariant_code code) {
        return std::any_of(found.begin(), found.end(),
                           [&](const invariant_finding& f) { return f.code == code; });
    }
    static const invariant_finding& first(const std::vector<invariant_finding>& found,
                                          invariant_code code) {
        return *std::find_if(found.begin(), found.end(),
                             [&](const invariant_finding& f) { return f.code == code; });
    }
};

TEST_F(invariants, a_realistic_run_keeps_every_rule) {
    EXPECT_LT(balance(region::on), 0);  // the override is part of the run
    const std::vector<invariant_finding> found = check_invariants(s);
    EXPECT_TRUE(found.empty()) << found.front().message;
}

TEST_F(invariants, a_balance_that_is_not_the_sum_of_its_entries) {
    state t = replay();
    t.account(region::fed).balance += 5;
    const auto found = check_invariants(t);
    ASSERT_TRUE(has(found, invariant_code::balance_not_ledger_sum));
    const invariant_finding& f = first(found, invariant_code::balance_not_ledger_sum);
    EXPECT_EQ(f.found - f.expected, 5);
    EXPECT_EQ(rule_of(f.code), 1);
    EXPECT_NE(f.message.find("FED"), std::string::npos) << f.message;
}

TEST_F(invariants, an_entry_whose_balance_does_not_follow) {
    state t = replay();
    t.account(region::fed).ledger[1].balance_after += 1;
    const auto found = check_invariants(t);
    ASSERT_TRUE(has(found, invariant_code::running_balance_broken));
    EXPECT_EQ(first(found, invariant_code::running_balance_broken).id, 2u);  // the sequence
}

TEST_F(invariants, below_zero_without_an_override) {
    state t = replay();
    auto& ledger = t.account(region::on).ledger;
    ledger[ledger.size() - 1].overridden = false;
    EXPECT_TRUE(has(check_invariants(t), invariant_code::negative_without_override));
}

TEST_F(invariants, more_allocated_than_good_units) {
    state t = replay();
    shipment_product& sp = t.shipment_at(1).products[0];
    sp.good_units = sp.allocated_units - 1;
    const auto found = check_invariants(t);
    ASSERT_TRUE(has(found, invariant_code::availability_negative));
    EXPECT_EQ(first(found, invariant_code::availability_negative).found, -1);
}

TEST_F(invariants, an_allocation_that_is_not_the_sum_of_the_lines) {
    state t = replay();
    t.shipment_at(1).products[0].allocated_units += 3;
    const auto found = check_invariants(t);
    ASSERT_TRUE(has(found, invariant_code::allocation_mismatch));
    EXPECT_EQ(first(found, invariant_code::allocation_mismatch).id, 1u);
}

TEST_F(invariants, a_completed_po_whose_entries_are_not_minus_verified) {
    state t = replay();
    t.po_at(completed).lines[0].verified += 1;
    const auto found = check_invariants(t);
    ASSERT_TRUE(has(found, invariant_code::completed_po_ledger));
    const invariant_finding& f = first(found, invariant_code::completed_po_ledger);
    EXPECT_EQ(f.id, completed);
    EXPECT_EQ(f.expected, -191);
    EXPECT_EQ(f.found, -190);
}

TEST_F(invariants, a_cancelled_po_whose_entries_do_not_sum_to_zero) {
    state t = replay();
    t.po_at(overridden).status = po_status::cancelled;  // it has a USAGE entry and no refund
    const auto found = check_invariants(t);
    ASSERT_TRUE(has(found, invariant_code::cancelled_po_ledger));
    EXPECT_EQ(first(found, invariant_code::cancelled_po_ledger).id, overridden);
}

TEST_F(invariants, a_po_net_that_drifted_from_its_entries) {
    state t = replay();
    t.po_at(cancelled).ledger_net[index(region::fed)] -= 4;
    EXPECT_TRUE(has(check_invariants(t), invariant_code::po_ledger_net_mismatch));
}

TEST_F(invariants, a_completed_po_needs_one_invoice_and_one_outbound) {
    state t = replay();
    t.invoices.pop_back();
    t.outbounds.push_back(t.outbounds.back());
    const auto found = check_invariants(t);
    ASSERT_TRUE(has(found, invariant_code::invoice_count));
    ASSERT_TRUE(has(found, invariant_code::outbound_count));
    EXPECT_EQ(first(found, invariant_code::invoice_count).found, 0);
    EXPECT_EQ(first(found, invariant_code::outbound_count).found, 2);
}

TEST_F(invariants, a_day_over_capacity_without_override_and_a_drifted_load) {
    state t = replay();
    day_schedule& d = t.calendar.at(monday);
    d.capacity = d.load - 1;
    EXPECT_TRUE(has(check_invariants(t), invariant_code::day_over_capacity));
    d.overridden = true;
    EXPECT_FALSE(has(check_invariants(t), invariant_code::day_over_capacity));
    d.load += 2;
    const auto found = check_invariants(t);
    ASSERT_TRUE(has(found, invariant_code::day_load_mismatch));
    EXPECT_EQ(first(found, invariant_code::day_load_mismatch).on, monday);
}

TEST_F(invariants, the_list_is_bounded) {
    state t = replay();
    t.account(region::fed).balance += 1;
    t.account(region::on).balance += 1;
    t.account(region::qc).balance += 1;
    const auto found = check_invariants(t, 1);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[1].code, invariant_code::more_findings);
    EXPECT_EQ(found[1].found, 2);
}

}  // namespace
}  // namespace stampd::testing
