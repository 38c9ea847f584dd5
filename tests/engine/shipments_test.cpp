// SPEC §3: shipments, boxes and availability.
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

using shipments = warehouse;

TEST_F(shipments, availability_counts_good_units_only) {
    // Seed 000: 1,000 units with 100 damaged → 900 available, not 1,000.
    const shipment_id sh = add_shipment("SH-1", vape15, 10, 100, 10);
    EXPECT_EQ(availability(s, sh, vape15), 900);
}

TEST_F(shipments, availability_subtracts_lines_of_live_orders) {
    const shipment_id sh = add_shipment("SH-1", vape15, 10, 100);
    add_po(sh, {{vape15, region::fed, 300}, {vape15, region::on, 200}});
    EXPECT_EQ(availability(s, sh, vape15), 500);
}

TEST_F(shipments, allocation_beyond_availability_is_refused_with_the_available_figure) {
    const shipment_id sh = add_shipment("SH-1", vape15, 10, 100, 10);
    const rejection r =
        run(supervisor,
            create_po{.consignee = norwood, .shipment = sh, .lines = {{vape15, region::fed, 901}}});
    EXPECT_EQ(r.code, rejection_code::availability_exceeded);
    EXPECT_EQ(r.needed, 901);
    EXPECT_EQ(r.available, 900);
    EXPECT_EQ(r.id, vape15);
    EXPECT_EQ(availability(s, sh, vape15), 900);
}

TEST_F(shipments, availability_sums_every_line_of_a_product) {
    const shipment_id sh = add_shipment("SH-1", vape15, 1, 100);
    const rejection r =
        run(supervisor, create_po{.consignee = norwood,
                                  .shipment = sh,
                                  .lines = {{vape15, region::fed, 60}, {vape15, region::on, 41}}});
    EXPECT_EQ(r.code, rejection_code::availability_exceeded);
    EXPECT_EQ(r.needed, 101);
    EXPECT_EQ(r.available, 100);
}

TEST_F(shipments, completed_orders_keep_their_units) {
    const shipment_id sh = add_shipment("SH-1", vape15, 4, 25);
    add_stamps(region::fed, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 100}});
    start(po);
    confirm_all(po);
    verify(po);
    EXPECT_EQ(s.po_at(po).status, po_status::completed);
    EXPECT_EQ(availability(s, sh, vape15), 0);
}

TEST_F(shipments, cancelling_an_order_gives_its_units_back) {
    const shipment_id sh = add_shipment("SH-1", vape15, 4, 25);
    const po_id po = add_po(sh, {{vape15, region::fed, 100}});
    EXPECT_EQ(availability(s, sh, vape15), 0);
    expect_ok<po_cancelled>(supervisor, cancel_po{.po = po});
    EXPECT_EQ(availability(s, sh, vape15), 100);
}

TEST_F(shipments, boxes_are_received_only_while_receiving) {
    const shipment_id sh =
        expect_ok<shipment_created>(supervisor,
                                    create_shipment{.key = code{"SH-1"}, .consignee = norwood})
            .id;
    const receive_box box{.shipment = sh, .barcode = code{"B1"}, .product = vape15, .units = 10};
    EXPECT_EQ(run(supervisor, box).code, rejection_code::wrong_state);
    expect_ok<receiving_started>(supervisor, start_receiving{.shipment = sh});
    expect_ok<box_received>(supervisor, box);
    expect_ok<shipment_inventoried>(supervisor, finish_receiving{.shipment = sh});
    EXPECT_EQ(
        run(supervisor,
            receive_box{.shipment = sh, .barcode = code{"B2"}, .product = vape15, .units = 10})
            .code,
        rejection_code::wrong_state);
    EXPECT_EQ(s.shipment_at(sh).box_count, 1u);
}

TEST_F(shipments, shipment_status_moves_one_way) {
    const shipment_id sh = add_shipment("SH-1", vape15, 1, 10);
    const rejection r = run(supervisor, start_receiving{.shipment = sh});
    EXPECT_EQ(r.code, rejection_code::wrong_state);
    EXPECT_EQ(r.state, static_cast<u8>(shipment_status::inventoried));
}

TEST_F(shipments, barcodes_are_unique_in_the_warehouse) {
    const shipment_id first = add_shipment("SH-1", vape15, 1, 10);
    const shipment_id second =
        expect_ok<shipment_created>(supervisor,
                                    create_shipment{.key = code{"SH-2"}, .consignee = norwood})
            .id;
    expect_ok<receiving_started>(supervisor, start_receiving{.shipment = second});
    const rejection r = run(
        supervisor,
        receive_box{
            .shipment = second, .barcode = code{"SH-1-000000"}, .product = vape15, .units = 10});
    EXPECT_EQ(r.code, rejection_code::already_exists);
    EXPECT_EQ(r.id, s.find_box("SH-1-000000"));
    EXPECT_EQ(s.box_at(r.id).shipment, first);
}

TEST_F(shipments, damaged_units_never_exceed_units) {
    const shipment_id sh =
        expect_ok<shipment_created>(supervisor,
                                    create_shipment{.key = code{"SH-1"}, .consignee = norwood})
            .id;
    expect_ok<receiving_started>(supervisor, start_receiving{.shipment = sh});
    const rejection r = run(
        supervisor,
        receive_box{
            .shipment = sh, .barcode = code{"B1"}, .product = vape15, .units = 10, .damaged = 11});
    EXPECT_EQ(r.code, rejection_code::invalid_argument);
    EXPECT_EQ(r.needed, 11);
    EXPECT_EQ(r.available, 10);
}

TEST_F(shipments, a_box_holds_the_shipment_consignees_product_only) {
    const consignee_id other = add_consignee("OTHER", province::qc);
    const product_id theirs = add_product("THEIRS", other, 10'000);
    const shipment_id sh =
        expect_ok<shipment_created>(supervisor,
                                    create_shipment{.key = code{"SH-1"}, .consignee = norwood})
            .id;
    expect_ok<receiving_started>(supervisor, start_receiving{.shipment = sh});
    const rejection r =
        run(supervisor,
            receive_box{.shipment = sh, .barcode = code{"B1"}, .product = theirs, .units = 10});
    EXPECT_EQ(r.code, rejection_code::invalid_argument);
    EXPECT_EQ(r.about, subject::product);
}

TEST_F(shipments, only_inventoried_shipments_are_sources) {
    const shipment_id sh =
        expect_ok<shipment_created>(supervisor,
                                    create_shipment{.key = code{"SH-1"}, .consignee = norwood})
            .id;
    expect_ok<receiving_started>(supervisor, start_receiving{.shipment = sh});
    receive(sh, "B1", vape15, 100);
    const rejection r =
        run(supervisor,
            create_po{.consignee = norwood, .shipment = sh, .lines = {{vape15, region::fed, 10}}});
    EXPECT_EQ(r.code, rejection_code::wrong_state);
    EXPECT_EQ(r.about, subject::shipment);
}

// ---------------------------------------------------------------- batches (receive_boxes)

class batches : public warehouse {
protected:
    shipment_id receiving(const std::string& key) {
        const shipment_id sh =
            expect_ok<shipment_created>(supervisor,
                                        create_shipment{.key = code{key}, .consignee = norwood})
                .id;
        expect_ok<receiving_started>(supervisor, start_receiving{.shipment = sh});
        return sh;
    }
    // n boxes B<from>..B<from+n-1> of vape15, 10 units each, 1 damaged.
    static std::vector<box_input> boxes(u32 from, u32 n) {
        std::vector<box_input> out;
        for (u32 i = from; i < from + n; ++i) {
            std::string barcode = std::to_string(i);
            barcode.insert(barcode.begin(), 'B');  // "B" + … trips GCC 12's -Wrestrict
            out.push_back({code{barcode}, 0, 10, 1});
        }
        return out;
    }
    std::vector<box_input> of_vape(std::vector<box_input> in) const {
        for (box_input& b : in)
            if (b.product == 0) b.product = vape15;
        return in;
    }
    outcome send(const command& c) {
        now_us += 1000;
        const context ctx{.lsn = ++lsn, .time_us = now_us, .user = supervisor};
        const outcome o = execute_request(s, c, ctx, events);
        if (o.verdict.ok() && !o.duplicate) journal.emplace_back(events, ctx);
        return o;
    }
};

TEST_F(batches, a_batch_receives_every_box_in_order_with_consecutive_ids) {
    const shipment_id sh = receiving("SH-1");
    const box_id first = static_cast<box_id>(s.boxes.size() + 1);
    const outcome o = send(receive_boxes{.shipment = sh, .boxes = of_vape(boxes(1, 300))});
    ASSERT_TRUE(o.verdict.ok()) << describe(o.verdict);
    EXPECT_EQ(o.result, 300u);  // the boxes it added
    ASSERT_EQ(events.size(), 1u);
    const auto& e = std::get<boxes_received>(events[0]);
    EXPECT_EQ(e.first, first);
    EXPECT_EQ(e.skipped, 0u);
    EXPECT_EQ(s.shipment_at(sh).box_count, 300u);
    EXPECT_EQ(s.find_box("B1"), first);
    EXPECT_EQ(s.find_box("B300"), first + 299);
    EXPECT_EQ(s.box_at(first + 299).damaged, 1u);
    expect_ok<shipment_inventoried>(supervisor, finish_receiving{.shipment = sh});
    EXPECT_EQ(availability(s, sh, vape15), 300 * 9);
}

TEST_F(batches, one_bad_box_refuses_the_whole_batch_naming_its_place) {
    const shipment_id sh = receiving("SH-1");
    std::vector<box_input> batch = of_vape(boxes(1, 5));
    batch[3].damaged = 11;  // more than its 10 units
    const std::size_t before = s.boxes.size();
    const rejection r = run(supervisor, receive_boxes{.shipment = sh, .boxes = batch});
    EXPECT_EQ(r.code, rejection_code::invalid_argument);
    EXPECT_EQ(r.about, subject::quantity);
    EXPECT_EQ(r.item, 4u);
    EXPECT_EQ(r.needed, 11);
    EXPECT_EQ(r.available, 10);
    EXPECT_EQ(s.boxes.size(), before);
    EXPECT_EQ(s.find_box("B1"), id_none);
    EXPECT_EQ(s.shipment_at(sh).box_count, 0u);
}

TEST_F(batches, each_kind_of_bad_box_is_refused_with_its_figures) {
    const consignee_id other = add_consignee("OTHER", province::qc);
    const product_id theirs = add_product("THEIRS", other, 10'000);
    const shipment_id sh = receiving("SH-1");
    const auto refused = [&](box_input bad) {
        std::vector<box_input> batch = of_vape(boxes(1, 3));
        batch.push_back(bad);
        return run(supervisor, receive_boxes{.shipment = sh, .boxes = batch});
    };
    const rejection unknown = refused({code{"X1"}, 999, 10, 0});
    EXPECT_EQ(unknown.code, rejection_code::not_found);
    EXPECT_EQ(unknown.about, subject::product);
    EXPECT_EQ(unknown.item, 4u);
    EXPECT_EQ(refused({code{"X1"}, theirs, 10, 0}).code, rejection_code::invalid_argument);
    const rejection none = refused({code{"X1"}, vape15, 0, 0});
    EXPECT_EQ(none.code, rejection_code::invalid_argument);
    EXPECT_EQ(none.available, constants::units_per_box_max);
    EXPECT_EQ(refused({code{"X1"}, vape15, constants::units_per_box_max + 1, 0}).code,
              rejection_code::invalid_argument);
    EXPECT_EQ(refused({code{}, vape15, 10, 0}).code, rejection_code::invalid_argument);
    EXPECT_EQ(s.shipment_at(sh).box_count, 0u);
}

TEST_F(batches, a_barcode_twice_in_a_batch_is_refused_naming_both_places) {
    const shipment_id sh = receiving("SH-1");
    std::vector<box_input> batch = of_vape(boxes(1, 6));
    batch[5].barcode = code{"B2"};
    const rejection r = run(supervisor, receive_boxes{.shipment = sh, .boxes = batch});
    EXPECT_EQ(r.code, rejection_code::duplicate_line);
    EXPECT_EQ(r.about, subject::box);
    EXPECT_EQ(r.item, 6u);
    EXPECT_EQ(r.available, 2);
    EXPECT_EQ(s.shipment_at(sh).box_count, 0u);
}

TEST_F(batches, boxes_already_received_identically_are_skipped) {
    const shipment_id sh = receiving("SH-1");
    ASSERT_TRUE(send(receive_boxes{.shipment = sh, .boxes = of_vape(boxes(1, 4))}).verdict.ok());
    // The same four and two more: an import retried after half of it went in.
    const outcome o = send(receive_boxes{.shipment = sh, .boxes = of_vape(boxes(1, 6))});
    ASSERT_TRUE(o.verdict.ok()) << describe(o.verdict);
    EXPECT_FALSE(o.duplicate);
    EXPECT_EQ(o.result, 2u);
    EXPECT_EQ(std::get<boxes_received>(events[0]).skipped, 4u);
    EXPECT_EQ(s.shipment_at(sh).box_count, 6u);
    EXPECT_EQ(s.find_box("B5"), s.find_box("B4") + 1);
}

TEST_F(batches, a_batch_already_received_whole_is_answered_as_a_retry_and_not_logged) {
    const shipment_id sh = receiving("SH-1");
    const command batch = receive_boxes{.shipment = sh, .boxes = of_vape(boxes(1, 4))};
    ASSERT_TRUE(send(batch).verdict.ok());
    const std::size_t logged = journal.size();
    const outcome again = send(batch);
    EXPECT_TRUE(again.verdict.ok()) << describe(again.verdict);
    EXPECT_TRUE(again.duplicate);
    EXPECT_EQ(again.result, 0u);  // no box added
    EXPECT_EQ(journal.size(), logged);
    EXPECT_EQ(s.shipment_at(sh).box_count, 4u);
}

TEST_F(batches, a_box_received_with_other_figures_refuses_the_batch) {
    const shipment_id sh = receiving("SH-1");
    const box_id b2 = receive(sh, "B2", vape15, 12, 0);
    const rejection r =
        run(supervisor, receive_boxes{.shipment = sh, .boxes = of_vape(boxes(1, 3))});
    EXPECT_EQ(r.code, rejection_code::already_exists);
    EXPECT_EQ(r.about, subject::box);
    EXPECT_EQ(r.id, b2);
    EXPECT_EQ(r.item, 2u);
    EXPECT_EQ(s.shipment_at(sh).box_count, 1u);
    // Not taken for a retry either: the batch asks for something else than what exists.
    const outcome o = send(receive_boxes{.shipment = sh, .boxes = of_vape(boxes(2, 1))});
    EXPECT_EQ(o.verdict.code, rejection_code::already_exists);
    EXPECT_FALSE(o.duplicate);
}

TEST_F(batches, a_box_of_another_shipment_refuses_the_batch_even_with_the_same_figures) {
    const shipment_id first = receiving("SH-1");
    ASSERT_TRUE(send(receive_boxes{.shipment = first, .boxes = of_vape(boxes(1, 2))}).verdict.ok());
    const shipment_id second = receiving("SH-2");
    const outcome o = send(receive_boxes{.shipment = second, .boxes = of_vape(boxes(1, 2))});
    EXPECT_EQ(o.verdict.code, rejection_code::already_exists);
    EXPECT_EQ(o.verdict.item, 1u);
    EXPECT_FALSE(o.duplicate);
    EXPECT_EQ(s.shipment_at(second).box_count, 0u);
}

TEST_F(batches, a_batch_holds_one_to_boxes_per_batch_max_boxes) {
    const shipment_id sh = receiving("SH-1");
    const u32 max = constants::boxes_per_batch_max;
    const rejection over =
        run(supervisor, receive_boxes{.shipment = sh, .boxes = of_vape(boxes(1, max + 1))});
    EXPECT_EQ(over.code, rejection_code::invalid_argument);
    EXPECT_EQ(over.needed, max + 1);
    EXPECT_EQ(over.available, max);
    EXPECT_EQ(run(supervisor, receive_boxes{.shipment = sh}).code,
              rejection_code::invalid_argument);
    EXPECT_TRUE(send(receive_boxes{.shipment = sh, .boxes = of_vape(boxes(1, max))}).verdict.ok());
    EXPECT_EQ(s.shipment_at(sh).box_count, max);
}

TEST_F(batches, a_batch_is_received_only_while_receiving) {
    const shipment_id sh =
        expect_ok<shipment_created>(supervisor,
                                    create_shipment{.key = code{"SH-1"}, .consignee = norwood})
            .id;
    const command batch = receive_boxes{.shipment = sh, .boxes = of_vape(boxes(1, 2))};
    EXPECT_EQ(run(supervisor, batch).code, rejection_code::wrong_state);
    expect_ok<receiving_started>(supervisor, start_receiving{.shipment = sh});
    expect_ok<boxes_received>(supervisor, batch);
    expect_ok<shipment_inventoried>(supervisor, finish_receiving{.shipment = sh});
    EXPECT_EQ(run(supervisor, receive_boxes{.shipment = sh, .boxes = of_vape(boxes(3, 1))}).code,
              rejection_code::wrong_state);
    EXPECT_EQ(run(stamper, batch).code, rejection_code::forbidden);
}

}  // namespace
}  // namespace stampd::testing
