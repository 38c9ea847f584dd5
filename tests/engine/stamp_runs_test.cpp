// SPEC §6: stamp runs — box queue, reservation, pre-run warning, confirm / skip / override.
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

using stamp_runs = warehouse;

TEST_F(stamp_runs, the_queue_takes_boxes_in_barcode_order_first_fit) {
    const shipment_id sh =
        expect_ok<shipment_created>(supervisor,
                                    create_shipment{.key = code{"SH-1"}, .consignee = norwood})
            .id;
    expect_ok<receiving_started>(supervisor, start_receiving{.shipment = sh});
    const box_id c = receive(sh, "C", vape15, 10);
    const box_id a = receive(sh, "A", vape15, 10);
    const box_id b = receive(sh, "B", vape15, 10, 4);
    expect_ok<shipment_inventoried>(supervisor, finish_receiving{.shipment = sh});
    add_stamps(region::fed, 500);
    add_stamps(region::on, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 12}, {vape15, region::on, 8}});
    start(po);
    // A: 10 of line 0; B (6 good): 2 of line 0 then 4 of line 1; C: 4 of line 1.
    const std::vector<queue_item> queue = run_queue(s, po);
    ASSERT_EQ(queue.size(), 4u);
    EXPECT_EQ(queue[0].box, a);
    EXPECT_EQ(queue[0].units, 10u);
    EXPECT_EQ(queue[1].box, b);
    EXPECT_EQ(queue[1].line, 0u);
    EXPECT_EQ(queue[1].units, 2u);
    EXPECT_EQ(queue[2].box, b);
    EXPECT_EQ(queue[2].line, 1u);
    EXPECT_EQ(queue[2].units, 4u);
    EXPECT_EQ(queue[3].box, c);
    EXPECT_EQ(queue[3].units, 4u);
    EXPECT_EQ(s.po_at(po).boxes_total, 3u);
    EXPECT_EQ(s.po_at(po).status, po_status::in_production);
}

TEST_F(stamp_runs, a_box_split_between_runs_serves_both) {
    const shipment_id sh = add_shipment("SH-1", vape15, 1, 100);
    add_stamps(region::fed, 500);
    const po_id first = add_po(sh, {{vape15, region::fed, 60}});
    const po_id second = add_po(sh, {{vape15, region::fed, 40}});
    start(first);
    start(second);
    const box_id box = run_queue(s, first).at(0).box;
    EXPECT_EQ(run_queue(s, second).at(0).box, box);
    expect_ok<box_confirmed>(stamper, confirm_box{.po = second, .box = box});
    expect_ok<box_confirmed>(stamper, confirm_box{.po = first, .box = box});
    EXPECT_EQ(balance(region::fed), 25'000 - 100);
}

TEST_F(stamp_runs, scanning_a_box_shows_its_contents_and_stamps_needed) {
    const shipment_id sh = add_shipment("SH-1", vape15, 2, 10);
    add_stamps(region::fed, 500);
    add_stamps(region::on, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 15}, {vape15, region::on, 5}});
    start(po);
    const box_id second = run_queue(s, po).back().box;
    const scanned_box scan = scan_box(s, po, second);
    ASSERT_TRUE(scan.verdict.ok()) << describe(scan.verdict);
    EXPECT_EQ(scan.product, vape15);
    ASSERT_EQ(scan.parts.size(), 2u);
    EXPECT_EQ(scan.stamps_needed[index(region::fed)], 5);
    EXPECT_EQ(scan.stamps_needed[index(region::on)], 5);
    EXPECT_EQ(scan.state, box_state::pending);
}

TEST_F(stamp_runs, starting_short_of_stamps_warns_with_both_figures) {
    const shipment_id sh = add_shipment("SH-1", vape15, 10, 100);
    const po_id po = add_po(sh, {{vape15, region::on, 100}});
    const rejection r = run(stamper, start_run{.po = po});
    EXPECT_EQ(r.code, rejection_code::stamp_shortage_warning);
    EXPECT_EQ(r.region_of(), region::on);
    EXPECT_EQ(r.needed, 100);
    EXPECT_EQ(r.available, 0);
    EXPECT_EQ(s.po_at(po).status, po_status::open);
}

TEST_F(stamp_runs, an_acknowledged_warning_starts_the_run_and_is_recorded) {
    const shipment_id sh = add_shipment("SH-1", vape15, 10, 100);
    const po_id po = add_po(sh, {{vape15, region::on, 100}});
    const auto started =
        expect_ok<run_started>(stamper, start_run{.po = po, .acknowledge_shortage = true});
    EXPECT_TRUE(started.shortage_acknowledged);
    EXPECT_EQ(started.short_regions, 1u << index(region::on));
    EXPECT_TRUE(s.po_at(po).shortage_acknowledged);
    EXPECT_EQ(s.po_at(po).status, po_status::in_production);
}

TEST_F(stamp_runs, the_pre_run_check_counts_other_reservations) {
    const shipment_id sh = add_shipment("SH-1", vape15, 500, 100);
    add_stamps(region::fed, 500);  // 25,000
    start(add_po(sh, {{vape15, region::fed, 20'000}}));
    EXPECT_EQ(stamps_available_to_promise(s, region::fed), 5'000);
    const po_id second = add_po(sh, {{vape15, region::fed, 6'000}});
    const rejection r = run(stamper, start_run{.po = second});
    EXPECT_EQ(r.code, rejection_code::stamp_shortage_warning);
    EXPECT_EQ(r.needed, 6'000);
    EXPECT_EQ(r.available, 5'000);
}

TEST_F(stamp_runs, confirming_deducts_one_stamp_per_unit_box_by_box) {
    // Seed 001: 380 boxes × 10 Federal stamps take a balance of 42,150 to 38,350.
    const shipment_id sh = add_shipment("SH-1", vape15, 380, 10);
    add_stamps(region::fed, 843);  // 42,150
    ASSERT_EQ(balance(region::fed), 42'150);
    const po_id po = add_po(sh, {{vape15, region::fed, 3'800}});
    start(po);
    const box_id first = run_queue(s, po).at(0).box;
    expect_ok<box_confirmed>(stamper, confirm_box{.po = po, .box = first});
    EXPECT_EQ(balance(region::fed), 42'140);
    EXPECT_EQ(s.account(region::fed).ledger.back().kind, ledger_kind::usage);
    EXPECT_EQ(s.account(region::fed).ledger.back().quantity, -10);
    EXPECT_EQ(s.account(region::fed).ledger.back().box, first);
    confirm_all(po);
    EXPECT_EQ(balance(region::fed), 38'350);
    EXPECT_EQ(s.account(region::fed).ledger.size(), 1u + 380u);
}

TEST_F(stamp_runs, a_short_balance_refuses_the_confirm_with_both_figures) {
    // Seed 000: 100 Ontario stamps needed, 87 left → refused, nothing deducted.
    const shipment_id sh = add_shipment("SH-1", vape15, 1, 100);
    const po_id po = add_po(sh, {{vape15, region::on, 100}});
    start(po);
    receive_exactly(region::on, 87);
    const box_id box = run_queue(s, po).at(0).box;
    const rejection r = run(stamper, confirm_box{.po = po, .box = box});
    EXPECT_EQ(r.code, rejection_code::insufficient_stamps);
    EXPECT_EQ(r.region_of(), region::on);
    EXPECT_EQ(r.needed, 100);
    EXPECT_EQ(r.available, 87);
    EXPECT_EQ(balance(region::on), 87);
    EXPECT_EQ(scan_box(s, po, box).state, box_state::pending);
}

TEST_F(stamp_runs, skipping_a_box_deducts_nothing) {
    const shipment_id sh = add_shipment("SH-1", vape15, 2, 100);
    const po_id po = add_po(sh, {{vape15, region::on, 200}});
    start(po);
    const box_id box = run_queue(s, po).at(0).box;
    const auto confirmed = expect_ok<box_confirmed>(
        stamper, confirm_box{.po = po, .box = box, .action = box_action::skip});
    EXPECT_EQ(confirmed.outcome, box_state::skipped);
    EXPECT_EQ(confirmed.movement_count, 0);
    EXPECT_EQ(s.po_at(po).boxes_skipped, 1u);
    EXPECT_EQ(s.account(region::on).ledger.size(), 0u);
}

TEST_F(stamp_runs, an_override_deducts_past_zero_and_is_recorded) {
    const shipment_id sh = add_shipment("SH-1", vape15, 1, 100);
    const po_id po = add_po(sh, {{vape15, region::on, 100}});
    start(po);
    receive_exactly(region::on, 87);
    const box_id box = run_queue(s, po).at(0).box;
    const auto confirmed = expect_ok<box_confirmed>(
        stamper, confirm_box{.po = po, .box = box, .action = box_action::override_shortage});
    EXPECT_EQ(confirmed.outcome, box_state::overridden);
    EXPECT_EQ(balance(region::on), -13);
    const ledger_entry& entry = s.account(region::on).ledger.back();
    EXPECT_TRUE(entry.overridden);
    EXPECT_EQ(entry.user, stamper);
    EXPECT_EQ(entry.station, station);
    EXPECT_EQ(entry.balance_after, -13);
}

TEST_F(stamp_runs, confirming_a_box_twice_returns_the_first_outcome) {
    const shipment_id sh = add_shipment("SH-1", vape15, 2, 10);
    add_stamps(region::fed, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 20}});
    start(po);
    const box_id box = run_queue(s, po).at(0).box;
    expect_ok<box_confirmed>(stamper,
                             confirm_box{.po = po, .box = box, .action = box_action::skip});
    const i64 before = balance(region::fed);
    const rejection r = run(stamper2, confirm_box{.po = po, .box = box});
    EXPECT_EQ(r.code, rejection_code::already_confirmed);
    EXPECT_EQ(r.state, static_cast<u8>(box_state::skipped));
    EXPECT_EQ(balance(region::fed), before);
}

TEST_F(stamp_runs, a_box_outside_the_queue_is_refused) {
    const shipment_id sh = add_shipment("SH-1", vape15, 2, 10);
    add_stamps(region::fed, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 10}});
    start(po);
    const box_id in_queue = run_queue(s, po).at(0).box;
    const box_id other = in_queue == 1 ? 2 : 1;
    const rejection r = run(stamper, confirm_box{.po = po, .box = other});
    EXPECT_EQ(r.code, rejection_code::box_not_in_po);
    EXPECT_EQ(r.id, other);
    EXPECT_EQ(run(stamper, confirm_box{.po = po, .box = 999}).code, rejection_code::not_found);
}

TEST_F(stamp_runs, confirming_needs_a_po_in_production) {
    const shipment_id sh = add_shipment("SH-1", vape15, 1, 10);
    const po_id po = add_po(sh, {{vape15, region::fed, 10}});
    const rejection r = run(stamper, confirm_box{.po = po, .box = 1});
    EXPECT_EQ(r.code, rejection_code::wrong_state);
    EXPECT_EQ(r.state, static_cast<u8>(po_status::open));
}

TEST_F(stamp_runs, the_last_box_moves_the_po_to_pending_verification) {
    const shipment_id sh = add_shipment("SH-1", vape15, 3, 10);
    add_stamps(region::fed, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 30}});
    start(po);
    const std::vector<queue_item> queue = run_queue(s, po);
    expect_ok<box_confirmed>(stamper, confirm_box{.po = po, .box = queue[0].box});
    expect_ok<box_confirmed>(
        stamper, confirm_box{.po = po, .box = queue[1].box, .action = box_action::skip});
    EXPECT_EQ(s.po_at(po).status, po_status::in_production);
    expect_ok<box_confirmed>(stamper, confirm_box{.po = po, .box = queue[2].box});
    ASSERT_EQ(events.size(), 2u);
    EXPECT_FALSE(std::get<run_ended>(events[1]).early);
    EXPECT_EQ(s.po_at(po).status, po_status::pending_verification);
}

TEST_F(stamp_runs, ending_a_run_early_skips_the_boxes_left) {
    const shipment_id sh = add_shipment("SH-1", vape15, 5, 10);
    add_stamps(region::fed, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 50}});
    start(po);
    expect_ok<box_confirmed>(stamper, confirm_box{.po = po, .box = run_queue(s, po).at(0).box});
    EXPECT_EQ(run(stamper, end_run{.po = po}).code, rejection_code::forbidden);
    const auto ended = expect_ok<run_ended>(supervisor, end_run{.po = po});
    EXPECT_TRUE(ended.early);
    EXPECT_EQ(ended.boxes_skipped, 4u);
    const run_counters c = counters(s, po);
    EXPECT_EQ(c.status, po_status::pending_verification);
    EXPECT_EQ(c.boxes_confirmed, 1u);
    EXPECT_EQ(c.boxes_skipped, 4u);
    EXPECT_EQ(c.boxes_left, 0u);
}

TEST_F(stamp_runs, live_counters_follow_every_box) {
    const shipment_id sh = add_shipment("SH-1", vape15, 4, 10);
    add_stamps(region::fed, 500);
    add_stamps(region::on, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 20}, {vape15, region::on, 20}});
    start(po);
    const std::vector<queue_item> queue = run_queue(s, po);
    expect_ok<box_confirmed>(stamper, confirm_box{.po = po, .box = queue.front().box});
    expect_ok<box_confirmed>(
        stamper, confirm_box{.po = po, .box = queue.back().box, .action = box_action::skip});
    const run_counters c = counters(s, po);
    EXPECT_EQ(c.boxes_total, 4u);
    EXPECT_EQ(c.boxes_confirmed, 1u);
    EXPECT_EQ(c.boxes_skipped, 1u);
    EXPECT_EQ(c.boxes_left, 2u);
    EXPECT_EQ(c.units_done, 10u);
    EXPECT_EQ(c.stamps_deducted[index(region::fed)], 10);
    EXPECT_EQ(c.balance[index(region::fed)], 24'990);
}

TEST_F(stamp_runs, a_deduction_uses_up_its_reservation) {
    const shipment_id sh = add_shipment("SH-1", vape15, 10, 10);
    add_stamps(region::fed, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 100}});
    start(po);
    EXPECT_EQ(s.account(region::fed).reserved, 100);
    expect_ok<box_confirmed>(stamper, confirm_box{.po = po, .box = run_queue(s, po).at(0).box});
    EXPECT_EQ(s.account(region::fed).reserved, 90);
    EXPECT_EQ(stamps_available_to_promise(s, region::fed), 25'000 - 10 - 90);
}

}  // namespace
}  // namespace stampd::testing
