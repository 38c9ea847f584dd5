// SPEC §11 (first part): every command names the roles allowed; every change records who.
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

using access = warehouse;

TEST_F(access, the_first_user_bootstraps_an_empty_warehouse_as_admin) {
    state empty;
    event_list out;
    const context ctx{.lsn = 1, .time_us = 1, .user = id_none};
    const rejection not_admin =
        execute(empty, create_user{.key = code{"x"}, .name = "x", .roles = role_bit(role::stamper)},
                ctx, out);
    EXPECT_EQ(not_admin.code, rejection_code::unknown_user);
    const rejection r = execute(
        empty, create_user{.key = code{"root"}, .name = "root", .roles = role_bit(role::admin)},
        ctx, out);
    EXPECT_TRUE(r.ok()) << describe(r);
    const context next{.lsn = 2, .time_us = 2, .user = id_none};
    EXPECT_EQ(
        execute(empty, create_user{.key = code{"r2"}, .name = "r2", .roles = role_bit(role::admin)},
                next, out)
            .code,
        rejection_code::unknown_user);
}

TEST_F(access, a_user_without_the_role_is_forbidden_with_both_role_sets) {
    const shipment_id sh = add_shipment("SH-1", vape15, 1, 10);
    const rejection r =
        run(stamper,
            create_po{.consignee = norwood, .shipment = sh, .lines = {{vape15, region::fed, 10}}});
    EXPECT_EQ(r.code, rejection_code::forbidden);
    EXPECT_EQ(r.needed, role_bit(role::supervisor) | role_bit(role::admin));
    EXPECT_EQ(r.available, role_bit(role::stamper));
    EXPECT_TRUE(s.production_orders.empty());
}

TEST_F(access, an_unknown_user_is_refused) {
    const rejection r = run(999, submit_stamp_order{.stamp_region = region::fed, .bundles = 500});
    EXPECT_EQ(r.code, rejection_code::unknown_user);
    EXPECT_EQ(r.id, 999u);
}

TEST_F(access, stampers_run_boxes_but_do_not_verify) {
    const shipment_id sh = add_shipment("SH-1", vape15, 1, 10);
    add_stamps(region::fed, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 10}});
    start(po, stamper);
    confirm_all(po, stamper);
    EXPECT_EQ(run(stamper2, verify_po{.po = po}).code, rejection_code::forbidden);
    EXPECT_EQ(run(finance, verify_po{.po = po}).code, rejection_code::forbidden);
    verify(po);
}

TEST_F(access, consignee_users_belong_to_exactly_one_consignee) {
    EXPECT_EQ(
        run(admin, create_user{.key = code{"c1"}, .name = "c", .roles = role_bit(role::consignee)})
            .code,
        rejection_code::invalid_argument);
    EXPECT_EQ(run(admin, create_user{.key = code{"c2"},
                                     .name = "c",
                                     .roles = role_bit(role::stamper),
                                     .consignee = norwood})
                  .code,
              rejection_code::invalid_argument);
    add_user("portal", role_bit(role::consignee), norwood);
}

TEST_F(access, every_ledger_entry_records_user_and_station) {
    add_stamps(region::fed, 500);
    const ledger_entry& e = s.account(region::fed).ledger.back();
    EXPECT_EQ(e.user, supervisor);
    EXPECT_EQ(e.station, station);
    EXPECT_EQ(e.time_us, now_us);
    EXPECT_EQ(e.lsn, lsn);
}

}  // namespace
}  // namespace stampd::testing
