// SPEC §4: production orders — numbering, lines, statuses.
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

class production_orders : public warehouse {
protected:
    shipment_id sh = 0;
    void SetUp() override {
        warehouse::SetUp();
        sh = add_shipment("SH-1", vape15, 10, 100);
    }
};

TEST_F(production_orders, blank_numbers_are_generated_in_sequence) {
    const po_id a = add_po(sh, {{vape15, region::fed, 10}});
    const po_id b = add_po(sh, {{vape15, region::fed, 10}});
    EXPECT_EQ(s.po_at(a).number.view(), "PO-000001");
    EXPECT_EQ(s.po_at(b).number.view(), "PO-000002");
    EXPECT_EQ(s.po_at(a).status, po_status::open);
}

TEST_F(production_orders, custom_numbers_are_unique_within_the_consignee) {
    const consignee_id other = add_consignee("OTHER", province::qc);
    const product_id theirs = add_product("THEIRS", other, 10'000);
    const shipment_id their_sh = add_shipment("SH-2", theirs, 1, 100, 0, other);
    const po_id first = add_po(sh, {{vape15, region::fed, 10}}, "RUSH-7");
    const rejection r = run(supervisor, create_po{.number = code{"RUSH-7"},
                                                  .consignee = norwood,
                                                  .shipment = sh,
                                                  .lines = {{vape15, region::fed, 10}}});
    EXPECT_EQ(r.code, rejection_code::already_exists);
    EXPECT_EQ(r.id, first);
    // Another consignee may use the same number.
    add_po(their_sh, {{theirs, region::qc, 10}}, "RUSH-7", other);
    EXPECT_EQ(s.production_orders.size(), 2u);
}

TEST_F(production_orders, generated_numbers_skip_a_custom_number_already_taken) {
    add_po(sh, {{vape15, region::fed, 10}}, "PO-000001");
    const po_id generated = add_po(sh, {{vape15, region::fed, 10}});
    EXPECT_EQ(s.po_at(generated).number.view(), "PO-000002");
}

TEST_F(production_orders, one_line_per_product_and_region) {
    const rejection r = run(supervisor, create_po{.consignee = norwood,
                                                  .shipment = sh,
                                                  .lines = {{vape15, region::fed, 10},
                                                            {vape15, region::on, 10},
                                                            {vape15, region::fed, 5}}});
    EXPECT_EQ(r.code, rejection_code::duplicate_line);
    EXPECT_EQ(r.id, 2u);
}

TEST_F(production_orders, lines_are_bounded) {
    std::vector<line_input> lines(constants::lines_per_po_max + 1,
                                  line_input{vape15, region::fed, 1});
    const rejection r =
        run(supervisor, create_po{.consignee = norwood, .shipment = sh, .lines = lines});
    EXPECT_EQ(r.code, rejection_code::limit_exceeded);
    EXPECT_EQ(r.needed, constants::lines_per_po_max + 1);
    EXPECT_EQ(r.available, constants::lines_per_po_max);
}

TEST_F(production_orders, lines_may_be_edited_while_open) {
    const po_id po = add_po(sh, {{vape15, region::fed, 900}});
    // The PO's own units count as available again when its lines are replaced.
    expect_ok<po_lines_edited>(supervisor,
                               edit_po_lines{.po = po, .lines = {{vape15, region::on, 1000}}});
    EXPECT_EQ(s.po_at(po).lines.at(0).stamp_region, region::on);
    EXPECT_EQ(availability(s, sh, vape15), 0);
    const rejection r =
        run(supervisor, edit_po_lines{.po = po, .lines = {{vape15, region::on, 1001}}});
    EXPECT_EQ(r.code, rejection_code::availability_exceeded);
    EXPECT_EQ(r.available, 1000);
}

TEST_F(production_orders, lines_may_not_be_edited_once_the_run_started) {
    add_stamps(region::fed, 500);
    const po_id po = add_po(sh, {{vape15, region::fed, 100}});
    start(po);
    const rejection r =
        run(supervisor, edit_po_lines{.po = po, .lines = {{vape15, region::fed, 50}}});
    EXPECT_EQ(r.code, rejection_code::wrong_state);
    EXPECT_EQ(r.state, static_cast<u8>(po_status::in_production));
}

TEST_F(production_orders, completed_and_cancelled_are_final) {
    add_stamps(region::fed, 500);
    const po_id done = add_po(sh, {{vape15, region::fed, 100}});
    start(done);
    confirm_all(done);
    verify(done);
    const po_id dropped = add_po(sh, {{vape15, region::fed, 100}});
    expect_ok<po_cancelled>(supervisor, cancel_po{.po = dropped});
    for (const po_id po : {done, dropped}) {
        EXPECT_EQ(run(supervisor, cancel_po{.po = po}).code, rejection_code::wrong_state);
        EXPECT_EQ(run(stamper, start_run{.po = po}).code, rejection_code::wrong_state);
        EXPECT_EQ(
            run(supervisor, edit_po_lines{.po = po, .lines = {{vape15, region::fed, 1}}}).code,
            rejection_code::wrong_state);
    }
}

TEST_F(production_orders, lines_take_the_consignees_products_only) {
    const consignee_id other = add_consignee("OTHER", province::qc);
    const product_id theirs = add_product("THEIRS", other, 10'000);
    const rejection r =
        run(supervisor,
            create_po{.consignee = norwood, .shipment = sh, .lines = {{theirs, region::fed, 1}}});
    EXPECT_EQ(r.code, rejection_code::invalid_argument);
    EXPECT_EQ(r.about, subject::line);
}

TEST_F(production_orders, the_source_shipment_belongs_to_the_consignee) {
    const consignee_id other = add_consignee("OTHER", province::qc);
    const rejection r =
        run(supervisor,
            create_po{.consignee = other, .shipment = sh, .lines = {{vape15, region::fed, 1}}});
    EXPECT_EQ(r.code, rejection_code::invalid_argument);
    EXPECT_EQ(r.about, subject::shipment);
}

}  // namespace
}  // namespace stampd::testing
