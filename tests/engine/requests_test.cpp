// SPEC §10: customer requests from the portal.
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

class requests : public warehouse {
protected:
    shipment_id sh = 0;
    user_id portal = 0;
    const day monday = day_of(2026, 1, 5);

    void SetUp() override {
        warehouse::SetUp();
        sh = add_shipment("SH-1", vape15, 10, 100);
        portal = add_user("portal", role_bit(role::consignee), norwood);
    }
    rejection ask(std::vector<line_input> lines, day on, shipment_id from = 0) {
        return run(portal, submit_request{
                               .shipment = from ? from : sh, .lines = std::move(lines), .on = on});
    }
};

TEST_F(requests, a_consignee_requests_within_availability_on_a_weekday_with_room) {
    const auto submitted = expect_ok<request_submitted>(
        portal, submit_request{.shipment = sh, .lines = {{vape15, region::on, 400}}, .on = monday});
    EXPECT_EQ(submitted.consignee, norwood);
    EXPECT_EQ(s.request_at(submitted.id).status, request_status::pending);
    EXPECT_EQ(availability(s, sh, vape15), 1'000);  // a request holds nothing yet
}

TEST_F(requests, a_request_beyond_availability_is_refused) {
    const rejection r = ask({{vape15, region::on, 1'001}}, monday);
    EXPECT_EQ(r.code, rejection_code::availability_exceeded);
    EXPECT_EQ(r.available, 1'000);
}

TEST_F(requests, only_weekdays_with_capacity_left_may_be_picked) {
    EXPECT_EQ(ask({{vape15, region::on, 10}}, day_of(2026, 1, 10)).code,
              rejection_code::day_closed);
    expect_ok<capacity_set>(admin, set_capacity{.on = weekday::monday, .units = 300});
    const rejection r = ask({{vape15, region::on, 301}}, monday);
    EXPECT_EQ(r.code, rejection_code::capacity_exceeded);
    EXPECT_EQ(r.available, 300);
    const rejection past = ask({{vape15, region::on, 10}}, day_of(2025, 12, 1));
    EXPECT_EQ(past.code, rejection_code::day_closed);
    EXPECT_EQ(past.available, local_day(s.settings.zone, now_us));  // 2025-12-31 in Toronto
}

TEST_F(requests, another_consignees_shipment_is_not_found) {
    const consignee_id other = add_consignee("OTHER", province::qc);
    const product_id theirs = add_product("THEIRS", other, 10'000);
    const shipment_id their_sh = add_shipment("SH-2", theirs, 1, 100, 0, other);
    const rejection r = ask({{theirs, region::qc, 10}}, monday, their_sh);
    EXPECT_EQ(r.code, rejection_code::not_found);
    EXPECT_EQ(r.about, subject::shipment);
    EXPECT_EQ(run(stamper,
                  submit_request{.shipment = sh, .lines = {{vape15, region::on, 1}}, .on = monday})
                  .code,
              rejection_code::forbidden);
}

TEST_F(requests, approving_creates_a_po_scheduled_on_the_requested_day) {
    const request_id id =
        expect_ok<request_submitted>(
            portal,
            submit_request{.shipment = sh, .lines = {{vape15, region::on, 400}}, .on = monday})
            .id;
    EXPECT_EQ(run(portal, approve_request{.request = id}).code, rejection_code::forbidden);
    const auto created = expect_ok<po_created>(supervisor, approve_request{.request = id});
    EXPECT_EQ(s.request_at(id).status, request_status::approved);
    EXPECT_EQ(s.request_at(id).po, created.id);
    EXPECT_EQ(s.po_at(created.id).scheduled, monday);
    EXPECT_EQ(availability(s, sh, vape15), 600);
    EXPECT_EQ(run(supervisor, approve_request{.request = id}).code, rejection_code::wrong_state);
}

TEST_F(requests, approval_checks_availability_again) {
    const request_id id =
        expect_ok<request_submitted>(
            portal,
            submit_request{.shipment = sh, .lines = {{vape15, region::on, 600}}, .on = monday})
            .id;
    add_po(sh, {{vape15, region::fed, 500}});
    const rejection r = run(supervisor, approve_request{.request = id});
    EXPECT_EQ(r.code, rejection_code::availability_exceeded);
    EXPECT_EQ(r.available, 500);
    EXPECT_EQ(s.request_at(id).status, request_status::pending);
}

TEST_F(requests, rejecting_needs_a_reason) {
    const request_id id =
        expect_ok<request_submitted>(
            portal,
            submit_request{.shipment = sh, .lines = {{vape15, region::on, 10}}, .on = monday})
            .id;
    EXPECT_EQ(run(supervisor, reject_request{.request = id}).code,
              rejection_code::invalid_argument);
    expect_ok<request_rejected>(supervisor,
                                reject_request{.request = id, .reason = "line down that week"});
    EXPECT_EQ(s.request_at(id).status, request_status::rejected);
    EXPECT_EQ(s.request_at(id).reason, "line down that week");
}

}  // namespace
}  // namespace stampd::testing
