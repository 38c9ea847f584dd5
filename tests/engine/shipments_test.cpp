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

}  // namespace
}  // namespace stampd::testing
