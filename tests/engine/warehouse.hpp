// A test warehouse: one engine state with its staff, driven through execute() exactly as the
// writer drives it (strictly increasing LSN, time moving forward 1 ms a command).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "engine/engine.hpp"
#include "engine/queries.hpp"

namespace stampd::testing {

class warehouse : public ::testing::Test {
protected:
    static constexpr i64 start_us = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z
    static constexpr station_id station = 7;

    state s;
    event_list events;
    u64 lsn = 0;
    i64 now_us = start_us;

    user_id admin = 0, admin2 = 0, supervisor = 0, stamper = 0, stamper2 = 0, verifier = 0,
            finance = 0;
    consignee_id norwood = 0;
    product_id vape15 = 0;

    void SetUp() override {
        admin = add_user("admin", role_bit(role::admin));
        admin2 = add_user("admin2", role_bit(role::admin));
        supervisor = add_user("sup", role_bit(role::supervisor));
        stamper = add_user("stamper", role_bit(role::stamper));
        stamper2 = add_user("stamper2", role_bit(role::stamper));
        verifier = add_user("verifier", role_bit(role::verifier));
        finance = add_user("finance", role_bit(role::finance));
        norwood = add_consignee("NORWOOD", province::on);
        vape15 = add_product("VAPE-15", norwood, 15'000);
    }

    // Every accepted command's events with their context, as the write-ahead log will hold them.
    std::vector<std::pair<event_list, context>> journal;

    rejection run(user_id who, const command& c) {
        now_us += 1000;
        const context ctx{.lsn = ++lsn, .time_us = now_us, .user = who, .station = station};
        const rejection r = execute(s, c, ctx, events);
        if (r.ok()) journal.emplace_back(events, ctx);
        return r;
    }

    // Every test ends by replaying its journal: the same events give the same state (§12.6).
    void TearDown() override {
        if (!::testing::Test::HasFailure()) {
            EXPECT_EQ(state_digest(s), state_digest(replay())) << "replay differs";
        }
    }

    // A fresh state rebuilt from the journal, as recovery rebuilds it from the log.
    state replay() const {
        state fresh;
        for (const auto& [recorded, ctx] : journal)
            apply_all(fresh, recorded, ctx);
        return fresh;
    }

    // Runs a command that must be accepted; returns its first event.
    template <typename Event>
    Event expect_ok(user_id who, const command& c) {
        const rejection r = run(who, c);
        EXPECT_TRUE(r.ok()) << describe(r);
        if (!r.ok() || events.empty()) return Event{};
        const auto* e = std::get_if<Event>(&events[0]);
        EXPECT_NE(e, nullptr) << "first event is " << event_name(events[0]);
        return e ? *e : Event{};
    }

    user_id add_user(const std::string& key, role_set roles, consignee_id of = id_none) {
        return expect_ok<user_created>(
                   admin,
                   create_user{.key = code{key}, .name = key, .roles = roles, .consignee = of})
            .id;
    }
    consignee_id add_consignee(const std::string& key, province p) {
        return expect_ok<consignee_created>(
                   admin, create_consignee{.key = code{key}, .name = key, .primary_province = p})
            .id;
    }
    product_id add_product(const std::string& sku, consignee_id of, u32 volume_ul) {
        return expect_ok<product_created>(
                   admin,
                   create_product{
                       .sku = code{sku}, .consignee = of, .name = sku, .volume_ul = volume_ul})
            .id;
    }

    // A shipment of `boxes` boxes of `units` units each (`damaged` of them damaged), inventoried.
    shipment_id add_shipment(const std::string& key, product_id p, u32 boxes, u32 units,
                             u32 damaged = 0, consignee_id of = 0) {
        const consignee_id owner = of ? of : norwood;
        const shipment_id id =
            expect_ok<shipment_created>(supervisor,
                                        create_shipment{.key = code{key}, .consignee = owner})
                .id;
        expect_ok<receiving_started>(supervisor, start_receiving{.shipment = id});
        for (u32 i = 0; i < boxes; ++i)
            receive(id, key + "-" + pad(i), p, units, damaged);
        expect_ok<shipment_inventoried>(supervisor, finish_receiving{.shipment = id});
        return id;
    }
    box_id receive(shipment_id sh, const std::string& barcode, product_id p, u32 units,
                   u32 damaged = 0) {
        return expect_ok<box_received>(supervisor, receive_box{.shipment = sh,
                                                               .barcode = code{barcode},
                                                               .product = p,
                                                               .units = units,
                                                               .damaged = damaged})
            .id;
    }

    po_id add_po(shipment_id sh, std::vector<line_input> lines, const std::string& number = "",
                 consignee_id of = 0) {
        return expect_ok<po_created>(supervisor, create_po{.number = code{number},
                                                           .consignee = of ? of : norwood,
                                                           .shipment = sh,
                                                           .lines = std::move(lines)})
            .id;
    }

    // Takes a stamp order through its whole workflow and receives `bundles` bundles.
    stamp_order_id add_stamps(region r, u32 bundles, u32 received = 0) {
        const stamp_order_id id =
            expect_ok<stamp_order_submitted>(
                finance, submit_stamp_order{.stamp_region = r, .bundles = bundles})
                .id;
        expect_ok<stamp_order_reviewed>(admin, review_stamp_order{.order = id});
        expect_ok<stamp_order_ordered>(finance, mark_stamp_order_ordered{.order = id});
        expect_ok<stamps_received>(
            supervisor,
            receive_stamps{.order = id, .actual_bundles = received ? received : bundles});
        return id;
    }

    // Adds exactly `stamps` stamps: bundles of one stamp, with fewer bundles counted than ordered.
    void receive_exactly(region r, u32 stamps) {
        const u32 size = s.account(r).stamps_per_bundle;
        expect_ok<bundle_size_set>(admin,
                                   set_bundle_size{.stamp_region = r, .stamps_per_bundle = 1});
        add_stamps(r, constants::bundles_min, stamps);
        expect_ok<bundle_size_set>(admin,
                                   set_bundle_size{.stamp_region = r, .stamps_per_bundle = size});
    }

    void start(po_id po, user_id who = 0) {
        expect_ok<run_started>(who ? who : stamper,
                               start_run{.po = po, .acknowledge_shortage = true});
    }

    // Confirms every box of the run's queue still pending.
    void confirm_all(po_id po, user_id who = 0) {
        box_id last = id_none;
        for (const queue_item& item : run_queue(s, po)) {
            if (item.box == last || item.state != box_state::pending) continue;
            last = item.box;
            expect_ok<box_confirmed>(who ? who : stamper, confirm_box{.po = po, .box = item.box});
        }
    }

    void verify(po_id po, std::vector<verified_count> counts = {}) {
        expect_ok<po_verified>(verifier, verify_po{.po = po, .counts = std::move(counts)});
    }

    i64 balance(region r) const { return s.account(r).balance; }

    i64 ledger_sum(region r) const {
        i64 sum = 0;
        s.account(r).ledger.for_each([&sum](const ledger_entry& e) { sum += e.quantity; });
        return sum;
    }

    static std::string pad(u32 i) {
        std::string text = std::to_string(i);
        return std::string(6 - std::min<std::size_t>(6, text.size()), '0') + text;
    }
};

}  // namespace stampd::testing
