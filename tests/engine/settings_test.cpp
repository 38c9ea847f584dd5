// SPEC §2 settings that are no rate: the warehouse's identity (printed on every document) and,
// with the stamp ledger, the physical counts (§8).
#include "tests/engine/warehouse.hpp"

namespace stampd::testing {
namespace {

class settings : public warehouse {
protected:
    static warehouse_identity boreal() {
        return {.legal_name = "Entrepôt Boréal Inc.",
                .address = "12 rue du Port\nQuébec QC G1K 4E2",
                .gst_hst_number = "123456789RT0001",
                .qst_number = "1234567890TQ0001",
                .excise_licence = "VL-2026-0042"};
    }
    rejection set_identity(user_id who, warehouse_identity id) {
        return run(who, set_warehouse_identity{.identity = std::move(id)});
    }
};

TEST_F(settings, the_warehouse_identity_is_set_whole_and_kept_in_settings) {
    EXPECT_EQ(s.settings.identity, warehouse_identity{});
    const auto e =
        expect_ok<warehouse_identity_set>(admin, set_warehouse_identity{.identity = boreal()});
    EXPECT_EQ(e.identity, boreal());
    EXPECT_EQ(s.settings.identity, boreal());
    // Every field is the new value: a QST number given before and not now is gone.
    warehouse_identity moved = boreal();
    moved.address = "1 Front St W\nToronto ON M5J 2X5";
    moved.qst_number.clear();
    ASSERT_TRUE(set_identity(admin, moved).ok());
    EXPECT_EQ(s.settings.identity, moved);
}

TEST_F(settings, only_an_admin_sets_the_warehouse_identity) {
    for (const user_id who : {supervisor, finance, stamper, verifier}) {
        EXPECT_EQ(set_identity(who, boreal()).code, rejection_code::forbidden);
    }
    EXPECT_EQ(s.settings.identity, warehouse_identity{});
}

TEST_F(settings, the_gst_hst_number_is_nine_digits_rt_and_four_digits) {
    for (const char* bad :
         {"", "123456789", "12345678RT0001", "1234567890RT0001", "123456789rt0001",
          "123456789RC0001", "123456789RT001", "123456789RT00012", "12345678ART0001",
          "123456789RT000X", "123456789 RT0001"}) {
        warehouse_identity id = boreal();
        id.gst_hst_number = bad;
        const rejection r = set_identity(admin, id);
        EXPECT_EQ(r.code, rejection_code::invalid_argument) << bad;
        EXPECT_EQ(r.about, subject::gst_hst_number) << bad;
    }
    EXPECT_EQ(s.settings.identity, warehouse_identity{});
}

TEST_F(settings, the_qst_number_is_empty_or_ten_digits_tq_and_four_digits) {
    for (const char* bad : {"123456789RT0001", "123456789TQ0001", "1234567890TQ001",
                            "1234567890tq0001", "1234567890TQ00012", "A234567890TQ0001"}) {
        warehouse_identity id = boreal();
        id.qst_number = bad;
        const rejection r = set_identity(admin, id);
        EXPECT_EQ(r.code, rejection_code::invalid_argument) << bad;
        EXPECT_EQ(r.about, subject::qst_number) << bad;
    }
    warehouse_identity outside_quebec = boreal();
    outside_quebec.qst_number.clear();
    EXPECT_TRUE(set_identity(admin, outside_quebec).ok());
}

TEST_F(settings, the_warehouse_identity_needs_a_legal_name_and_stays_within_its_bounds) {
    warehouse_identity id = boreal();
    id.legal_name.clear();
    EXPECT_EQ(set_identity(admin, id).code, rejection_code::invalid_argument);
    const auto too_long = [&](std::string warehouse_identity::*field, std::size_t max) {
        warehouse_identity long_one = boreal();
        long_one.*field = std::string(max + 1, 'x');
        const rejection r = set_identity(admin, long_one);
        EXPECT_EQ(r.code, rejection_code::limit_exceeded);
        EXPECT_EQ(r.available, static_cast<i64>(max));
        long_one.*field = std::string(max, 'x');
        EXPECT_TRUE(set_identity(admin, long_one).ok()) << max;
    };
    too_long(&warehouse_identity::legal_name, constants::name_size_max);
    too_long(&warehouse_identity::address, constants::address_size_max);
    too_long(&warehouse_identity::excise_licence, constants::excise_licence_size_max);
}

}  // namespace
}  // namespace stampd::testing
