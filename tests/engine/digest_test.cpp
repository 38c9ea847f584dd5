// SPEC §12.6 groundwork: decide is pure, apply is deterministic, and the digest sees every table.
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

class digest : public warehouse {
protected:
    struct recorded {
        event e;
        context ctx;
    };
    std::vector<recorded> log;

    // Records every event applied, with its context, like the write-ahead log will.
    rejection logged(user_id who, const command& c) {
        const rejection r = run(who, c);
        const context ctx{.lsn = lsn, .time_us = now_us, .user = who, .station = station};
        for (const event& e : events)
            log.push_back({e, ctx});
        return r;
    }

    void busy_day() {
        const shipment_id sh = add_shipment("SH-9", vape15, 20, 10, 1);
        logged(finance, submit_stamp_order{.stamp_region = region::fed, .bundles = 500});
        logged(admin, review_stamp_order{.order = 1});
        logged(finance, mark_stamp_order_ordered{.order = 1});
        logged(supervisor, receive_stamps{.order = 1, .actual_bundles = 500});
        logged(
            supervisor,
            create_po{.consignee = norwood, .shipment = sh, .lines = {{vape15, region::fed, 90}}});
        logged(stamper, start_run{.po = 1, .acknowledge_shortage = true});
        for (const queue_item& item : run_queue(s, 1)) {
            logged(stamper, confirm_box{.po = 1, .box = item.box});
        }
        logged(verifier, verify_po{.po = 1, .counts = {{.line = 0, .stamps = 85}}});
    }
};

TEST_F(digest, deciding_changes_nothing) {
    busy_day();
    const u64 before = state_digest(s);
    event_list out;
    const context ctx{.lsn = lsn + 1, .time_us = now_us + 1, .user = supervisor};
    EXPECT_TRUE(decide(s, cancel_po{.po = 1}, ctx, out).ok() == false);  // completed: final
    EXPECT_TRUE(decide(s, submit_stamp_order{.stamp_region = region::on, .bundles = 900},
                       context{.lsn = lsn + 1, .time_us = now_us + 1, .user = finance}, out)
                    .ok());
    EXPECT_EQ(state_digest(s), before);
}

TEST_F(digest, replaying_the_events_gives_the_same_digest) {
    // Start recording from an empty state: replay the fixture's set-up too.
    state fresh;
    state replayed;
    event_list out;
    u64 n = 0;
    i64 t = 0;
    auto step = [&](user_id who, const command& c) {
        const context ctx{.lsn = ++n, .time_us = ++t, .user = who, .station = 3};
        ASSERT_TRUE(execute(fresh, c, ctx, out).ok());
        for (const event& e : out)
            apply(replayed, e, ctx);
    };
    step(id_none, create_user{.key = code{"root"}, .name = "root", .roles = role_bit(role::admin)});
    step(1, create_consignee{.key = code{"C"}, .name = "C", .primary_province = province::qc});
    step(1, create_product{.sku = code{"P"}, .consignee = 1, .name = "P", .volume_ul = 3'000});
    step(1, create_shipment{.key = code{"S"}, .consignee = 1});
    step(1, start_receiving{.shipment = 1});
    step(1,
         receive_box{.shipment = 1, .barcode = code{"B2"}, .product = 1, .units = 7, .damaged = 2});
    step(1, receive_box{.shipment = 1, .barcode = code{"B1"}, .product = 1, .units = 9});
    step(1, finish_receiving{.shipment = 1});
    step(1, create_po{.consignee = 1, .shipment = 1, .lines = {{1, region::qc, 12}}});
    EXPECT_EQ(state_digest(fresh), state_digest(replayed));
    EXPECT_NE(state_digest(fresh), state_digest(state{}));
}

TEST_F(digest, the_digest_sees_a_change_in_any_table) {
    busy_day();
    const u64 base = state_digest(s);
    // Changes one field, takes the digest, and puts the field back.
    auto differs = [&](auto& field, auto changed) {
        const auto kept = field;
        field = changed;
        const u64 digest = state_digest(s);
        field = kept;
        EXPECT_EQ(state_digest(s), base);
        return digest != base;
    };
    EXPECT_TRUE(differs(s.users[0].name, std::string{"someone else"}));
    EXPECT_TRUE(differs(s.box_at(1).claimed, static_cast<u16>(s.box_at(1).claimed ^ 1)));
    EXPECT_TRUE(differs(s.queue[0].state, box_state::skipped));
    EXPECT_TRUE(differs(s.po_at(1).lines[0].verified, 1u));
    EXPECT_TRUE(differs(s.account(region::fed).balance, i64{1}));
    EXPECT_TRUE(differs(s.stamp_order_at(1).received_bundles, 501u));
    EXPECT_TRUE(differs(s.account(region::fed).ledger[0].station, station_id{99}));
}

}  // namespace
}  // namespace stampd::testing
