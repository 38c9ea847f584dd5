// SPEC §8: stamp orders through their workflow, and the stamp ledger.
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

class stamp_orders : public warehouse {
protected:
    stamp_order_id submit(region r, u32 bundles, user_id who = 0) {
        return expect_ok<stamp_order_submitted>(
                   who ? who : finance, submit_stamp_order{.stamp_region = r, .bundles = bundles})
            .id;
    }
};

TEST_F(stamp_orders, fewer_than_500_bundles_are_below_the_minimum) {
    const rejection r =
        run(finance, submit_stamp_order{.stamp_region = region::fed, .bundles = 499});
    EXPECT_EQ(r.code, rejection_code::below_minimum);
    EXPECT_EQ(r.needed, 500);
    EXPECT_EQ(r.available, 499);
    EXPECT_TRUE(s.stamp_orders.empty());
}

TEST_F(stamp_orders, stamps_are_bundles_times_the_bundle_size) {
    // Seed 001: 750 bundles of Federal stamps at 50 a bundle → 37,500 stamps.
    const stamp_order_id id = add_stamps(region::fed, 750);
    EXPECT_EQ(s.stamp_order_at(id).stamps_per_bundle, 50u);
    EXPECT_EQ(balance(region::fed), 37'500);
    EXPECT_EQ(s.stamp_order_at(id).number.view(), "SO-000001");
}

TEST_F(stamp_orders, the_deposit_is_stamps_times_the_region_rate_stored_at_submission) {
    expect_ok<deposit_rate_set>(admin,
                                set_deposit_rate{.stamp_region = region::qc, .cents_per_stamp = 3});
    const stamp_order_id id = submit(region::qc, 600);
    EXPECT_EQ(s.stamp_order_at(id).deposit_cents, 600 * 50 * 3);
    // A later rate applies to later orders only.
    expect_ok<deposit_rate_set>(admin,
                                set_deposit_rate{.stamp_region = region::qc, .cents_per_stamp = 4});
    EXPECT_EQ(s.stamp_order_at(id).deposit_cents, 600 * 50 * 3);
}

TEST_F(stamp_orders, the_bundle_size_is_a_setting_per_region) {
    expect_ok<bundle_size_set>(
        admin, set_bundle_size{.stamp_region = region::mb, .stamps_per_bundle = 20});
    add_stamps(region::mb, 500);
    add_stamps(region::ab, 500);
    EXPECT_EQ(balance(region::mb), 10'000);
    EXPECT_EQ(balance(region::ab), 25'000);
}

TEST_F(stamp_orders, several_orders_may_be_open_for_one_region) {
    const stamp_order_id a = submit(region::on, 500);
    const stamp_order_id b = submit(region::on, 800);
    EXPECT_EQ(s.stamp_order_at(a).status, stamp_order_status::admin_review);
    EXPECT_EQ(s.stamp_order_at(b).status, stamp_order_status::admin_review);
}

TEST_F(stamp_orders, the_submitter_may_not_review_their_own_order) {
    const stamp_order_id id = submit(region::fed, 500, admin);
    const rejection r = run(admin, review_stamp_order{.order = id});
    EXPECT_EQ(r.code, rejection_code::same_user);
    expect_ok<stamp_order_reviewed>(admin2, review_stamp_order{.order = id});
}

TEST_F(stamp_orders, reviewers_are_admins) {
    const stamp_order_id id = submit(region::fed, 500);
    const rejection r = run(supervisor, review_stamp_order{.order = id});
    EXPECT_EQ(r.code, rejection_code::forbidden);
    EXPECT_EQ(r.needed, role_bit(role::admin));
}

TEST_F(stamp_orders, the_workflow_goes_review_approved_ordered_received) {
    const stamp_order_id id = submit(region::fed, 500);
    EXPECT_EQ(run(supervisor, receive_stamps{.order = id, .actual_bundles = 500}).code,
              rejection_code::wrong_state);
    expect_ok<stamp_order_reviewed>(admin, review_stamp_order{.order = id});
    EXPECT_EQ(s.stamp_order_at(id).status, stamp_order_status::approved);
    EXPECT_EQ(balance(region::fed), 0);
    expect_ok<stamp_order_ordered>(finance, mark_stamp_order_ordered{.order = id});
    EXPECT_EQ(s.stamp_order_at(id).status, stamp_order_status::ordered);
    expect_ok<stamps_received>(supervisor, receive_stamps{.order = id, .actual_bundles = 500});
    EXPECT_EQ(s.stamp_order_at(id).status, stamp_order_status::received);
    EXPECT_EQ(run(supervisor, receive_stamps{.order = id, .actual_bundles = 500}).code,
              rejection_code::wrong_state);
}

TEST_F(stamp_orders, receiving_adds_the_bundles_actually_counted) {
    const stamp_order_id id = add_stamps(region::on, 600, 580);
    EXPECT_EQ(balance(region::on), 580 * 50);
    EXPECT_EQ(s.stamp_order_at(id).bundles, 600u);
    EXPECT_EQ(s.stamp_order_at(id).received_bundles, 580u);
    const ledger_entry& receipt = s.account(region::on).ledger.back();
    EXPECT_EQ(receipt.kind, ledger_kind::receipt);
    EXPECT_EQ(receipt.quantity, 29'000);
    EXPECT_EQ(receipt.source, id);
    EXPECT_EQ(receipt.balance_after, 29'000);
}

TEST_F(stamp_orders, changes_requested_then_revised_goes_back_to_review) {
    const stamp_order_id id = submit(region::fed, 500);
    EXPECT_EQ(
        run(admin, review_stamp_order{.order = id, .action = review_action::request_changes}).code,
        rejection_code::invalid_argument);  // the note says what to change
    expect_ok<stamp_order_reviewed>(admin,
                                    review_stamp_order{.order = id,
                                                       .action = review_action::request_changes,
                                                       .note = "increase to 800 bundles"});
    EXPECT_EQ(s.stamp_order_at(id).status, stamp_order_status::changes_requested);
    EXPECT_EQ(run(finance, revise_stamp_order{.order = id, .bundles = 499}).code,
              rejection_code::below_minimum);
    expect_ok<stamp_order_revised>(finance, revise_stamp_order{.order = id, .bundles = 800});
    EXPECT_EQ(s.stamp_order_at(id).status, stamp_order_status::admin_review);
    EXPECT_EQ(s.stamp_order_at(id).bundles, 800u);
}

TEST_F(stamp_orders, a_rejected_order_is_final) {
    const stamp_order_id id = submit(region::fed, 500);
    expect_ok<stamp_order_reviewed>(
        admin, review_stamp_order{
                   .order = id, .action = review_action::reject, .note = "enough for the quarter"});
    EXPECT_EQ(s.stamp_order_at(id).review_note, "enough for the quarter");
    EXPECT_EQ(run(admin, review_stamp_order{.order = id}).code, rejection_code::wrong_state);
    EXPECT_EQ(run(finance, revise_stamp_order{.order = id, .bundles = 600}).code,
              rejection_code::wrong_state);
}

}  // namespace
}  // namespace stampd::testing
