// SPEC §11 (first part): every command names the roles allowed; every change records who.
#include <functional>
#include <set>
#include <utility>

#include "engine/access.hpp"
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

TEST_F(access, an_admins_change_of_roles_decides_the_users_next_command) {
    const rejection before =
        run(stamper, submit_stamp_order{.stamp_region = region::fed, .bundles = 500});
    EXPECT_EQ(before.code, rejection_code::forbidden);
    const role_set more = role_bit(role::stamper) | role_bit(role::supervisor);
    EXPECT_EQ(run(supervisor, set_user_roles{.user = stamper, .roles = more}).code,
              rejection_code::forbidden);
    EXPECT_EQ(expect_ok<user_roles_set>(admin, set_user_roles{.user = stamper, .roles = more}),
              (user_roles_set{.user = stamper, .roles = more}));
    EXPECT_EQ(s.user_at(stamper).roles, more);
    expect_ok<stamp_order_submitted>(
        stamper, submit_stamp_order{.stamp_region = region::fed, .bundles = 500});
    expect_ok<user_roles_set>(admin,
                              set_user_roles{.user = stamper, .roles = role_bit(role::stamper)});
    EXPECT_EQ(run(stamper, submit_stamp_order{.stamp_region = region::fed, .bundles = 500}).code,
              rejection_code::forbidden);
}

TEST_F(access, roles_keep_consignee_users_apart_and_the_warehouse_an_admin) {
    const user_id portal = add_user("portal", role_bit(role::consignee), norwood);
    const auto set = [&](user_id who, role_set roles) {
        return run(admin, set_user_roles{.user = who, .roles = roles}).code;
    };
    EXPECT_EQ(set(portal, role_bit(role::consignee) | role_bit(role::stamper)),
              rejection_code::invalid_argument);
    EXPECT_EQ(set(stamper, role_bit(role::consignee)), rejection_code::invalid_argument);
    EXPECT_EQ(set(stamper, 0), rejection_code::invalid_argument);
    EXPECT_EQ(set(stamper, static_cast<role_set>(1u << role_count)),
              rejection_code::invalid_argument);
    EXPECT_EQ(set(999, role_bit(role::stamper)), rejection_code::not_found);
    expect_ok<user_roles_set>(admin,
                              set_user_roles{.user = portal, .roles = role_bit(role::consignee)});
    // Two admins: one may drop the other's admin role, then not its own — the last one's.
    expect_ok<user_roles_set>(admin,
                              set_user_roles{.user = admin2, .roles = role_bit(role::finance)});
    EXPECT_EQ(set(admin, role_bit(role::finance)), rejection_code::forbidden);
    EXPECT_NE(s.user_at(admin).roles & role_bit(role::admin), 0);
}

TEST_F(access, every_ledger_entry_records_user_and_station) {
    add_stamps(region::fed, 500);
    const ledger_entry& e = s.account(region::fed).ledger.back();
    EXPECT_EQ(e.user, supervisor);
    EXPECT_EQ(e.station, station);
    EXPECT_EQ(e.time_us, now_us);
    EXPECT_EQ(e.lsn, lsn);
}

// Pushes (engine/access.hpp, visible_event): every event kind, for staff and for a consignee
// user. Staff are pushed each event as the log holds it; a consignee user only the kinds its reads
// show, and those that carry the ledger's figures without them.
template <std::size_t... I>
void each_event_kind(std::index_sequence<I...>, const std::function<void(const event&)>& f) {
    (f(event{std::in_place_index<I>}), ...);
}

TEST(visible_event, staff_see_every_event_a_consignee_user_its_own_kinds_without_the_ledger) {
    const viewer staff{.restricted = false};
    const viewer portal{.restricted = true, .own = 1};
    const std::set<std::size_t> consignee_kinds = {
        event{po_created{}}.index(),        event{po_lines_edited{}}.index(),
        event{run_started{}}.index(),       event{box_confirmed{}}.index(),
        event{run_ended{}}.index(),         event{line_amended{}}.index(),
        event{po_verified{}}.index(),       event{po_cancelled{}}.index(),
        event{po_scheduled{}}.index(),      event{po_split{}}.index(),
        event{parent_closed{}}.index(),     event{outbound_created{}}.index(),
        event{shipment_created{}}.index(),  event{receiving_started{}}.index(),
        event{box_received{}}.index(),      event{shipment_inventoried{}}.index(),
        event{product_created{}}.index(),   event{invoice_advanced{}}.index(),
        event{request_submitted{}}.index(), event{request_approved{}}.index(),
        event{request_rejected{}}.index(),  event{outbound_shipped{}}.index(),
        event{boxes_received{}}.index(),
    };
    std::size_t kinds = 0;
    each_event_kind(std::make_index_sequence<std::variant_size_v<event>>{}, [&](const event& e) {
        ++kinds;
        SCOPED_TRACE("event kind " + std::to_string(e.index()));
        const std::optional<event> for_staff = visible_event(staff, e);
        ASSERT_TRUE(for_staff.has_value());
        EXPECT_EQ(*for_staff, e);
        EXPECT_EQ(visible_event(portal, e).has_value(), consignee_kinds.contains(e.index()));
    });
    EXPECT_EQ(kinds, std::variant_size_v<event>);
    // A token's hash reaches nobody, staff included: the rest of the event does.
    const token_hash hash = hash_token("a-token-someone-could-guess");
    const auto created = visible_event(
        staff, event{user_created{.id = 4, .key = code{"ann"}, .token_sha256 = hash}});
    ASSERT_TRUE(created.has_value());
    EXPECT_EQ(std::get<user_created>(*created).token_sha256, token_hash{});
    EXPECT_EQ(std::get<user_created>(*created).key, code{"ann"});
    const auto set = visible_event(staff, event{user_token_set{.user = 4, .token_sha256 = hash}});
    ASSERT_TRUE(set.has_value());
    EXPECT_EQ(std::get<user_token_set>(*set).token_sha256, token_hash{});
    EXPECT_EQ(std::get<user_token_set>(*set).user, 4u);
    EXPECT_FALSE(visible_event(portal, event{user_created{.token_sha256 = hash}}).has_value());
    // Nor does a password's.
    const auto password = visible_event(
        staff, event{user_password_set{.user = 4, .password_hash = "$argon2id$v=19$m=8$s$h"}});
    ASSERT_TRUE(password.has_value());
    EXPECT_TRUE(std::get<user_password_set>(*password).password_hash.empty());
    EXPECT_FALSE(visible_event(portal, event{user_password_set{.user = 4}}).has_value());
    // Nobody (no such user) sees any consignee's data.
    EXPECT_FALSE(viewer{}.sees(1));
    EXPECT_FALSE(viewer{}.sees(id_none));
    // The ledger's figures are cut out; the rest stays.
    const ledger_movement usage{.quantity = -10, .balance_after = 24'990};
    box_confirmed box{.po = 3, .box = 7, .movement_count = 1};
    box.movements[0] = usage;
    const std::optional<event> cut = visible_event(portal, event{box});
    ASSERT_TRUE(cut.has_value());
    const auto& seen = std::get<box_confirmed>(*cut);
    EXPECT_EQ(seen.po, 3u);
    EXPECT_EQ(seen.box, 7u);
    EXPECT_EQ(seen.movement_count, 0u);
    EXPECT_EQ(seen.movements[0], ledger_movement{});
    const auto verified = visible_event(portal, event{po_verified{.po = 3, .movements = {usage}}});
    EXPECT_TRUE(std::get<po_verified>(*verified).movements.empty());
    const auto cancelled =
        visible_event(portal, event{po_cancelled{.po = 3, .movements = {usage}}});
    EXPECT_TRUE(std::get<po_cancelled>(*cancelled).movements.empty());
    const auto started = visible_event(
        portal, event{run_started{.po = 3, .shortage_acknowledged = true, .short_regions = 1}});
    EXPECT_EQ(std::get<run_started>(*started), run_started{.po = 3});
}

}  // namespace
}  // namespace stampd::testing
