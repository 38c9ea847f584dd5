// stamp-scan end to end: a real stampd, `stamp-scan --setup`, a load run that confirms every box,
// then the totals read back over the protocol must be exact.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/clients/scan/scan_ledger.hpp"
#include "tests/support/processes.hpp"

namespace stampd::scan_test {
using namespace stampd::processes;
namespace {

constexpr std::uint32_t boxes = 2000, units_per_box = 10;

TEST(stamp_scan, setup_then_load_confirms_every_box_exactly_once) {
    const std::string dir = temp_dir("stamp-scan-smoke");
    ASSERT_FALSE(dir.empty());
    stampd_process server(dir + "/data", dir + "/stampd.log");
    ASSERT_TRUE(server.start()) << read_text(dir + "/stampd.log");

    const std::string token_file = dir + "/stamper.token";
    ASSERT_EQ(run({STAMP_SCAN_BIN, "--server", server.server(), "--token", admin_token, "--setup",
                   "--boxes", std::to_string(boxes), "--stamper-token-out", token_file},
                  dir + "/setup.out"),
              0)
        << read_text(dir + "/setup.out");
    const std::string setup_out = read_text(dir + "/setup.out");
    EXPECT_NE(setup_out.find("stamper token: "), std::string::npos) << setup_out;
    std::string stamper = read_text(token_file);
    while (!stamper.empty() && stamper.back() == '\n')
        stamper.pop_back();
    ASSERT_GE(stamper.size(), 16u);

    ASSERT_EQ(run({STAMP_SCAN_BIN, "--server", server.server(), "--token", stamper, "--stations",
                   "8", "--depth", "4", "--duration", "5", "--json"},
                  dir + "/load.out"),
              0)
        << read_text(dir + "/load.out");
    const std::string json = read_text(dir + "/load.out");
    EXPECT_EQ(json_number(json, "confirms"), boxes) << json;
    EXPECT_GT(json_number(json, "confirms_per_s"), 0) << json;
    EXPECT_GT(json_number(json, "p50_us"), 0) << json;
    EXPECT_GE(json_number(json, "p99_us"), json_number(json, "p50_us")) << json;
    EXPECT_GE(json_number(json, "p999_us"), json_number(json, "p99_us")) << json;
    EXPECT_NE(json.find("\"errors\":{}"), std::string::npos) << json;

    warehouse_view v;
    ASSERT_TRUE(read_warehouse(server.server(), v));
    EXPECT_EQ(v.boxes.size(), boxes);
    EXPECT_EQ(v.confirmed_boxes, boxes);
    EXPECT_EQ(v.po_boxes_confirmed, boxes);
    EXPECT_EQ(v.fed_used, std::int64_t{boxes} * units_per_box);
    EXPECT_EQ(v.fed_refunded, 0);
    EXPECT_EQ(v.fed_balance, v.fed_received - v.fed_used);

    // A second load run finds nothing left to confirm and changes nothing.
    ASSERT_EQ(run({STAMP_SCAN_BIN, "--server", server.server(), "--token", stamper, "--stations",
                   "2", "--depth", "2", "--duration", "1", "--json"},
                  dir + "/again.out"),
              0)
        << read_text(dir + "/again.out");
    EXPECT_EQ(json_number(read_text(dir + "/again.out"), "confirms"), 0);

    EXPECT_EQ(server.stop(SIGTERM), 0);
    std::filesystem::remove_all(dir);
}

TEST(stamp_scan, usage_and_connection_failures_have_their_exit_codes) {
    const std::string dir = temp_dir("stamp-scan-usage");
    ASSERT_FALSE(dir.empty());
    EXPECT_EQ(run({STAMP_SCAN_BIN, "--no-such-flag"}, dir + "/a.out"), 2);
    EXPECT_EQ(run({STAMP_SCAN_BIN, "--help"}, dir + "/b.out"), 0);
    EXPECT_NE(read_text(dir + "/b.out").find("coordinated omission"), std::string::npos);
    // Port 1 on loopback: nobody listens there.
    EXPECT_EQ(run({STAMP_SCAN_BIN, "--server", "127.0.0.1:1", "--token", "a-token-of-sixteen-bytes",
                   "--stations", "1"},
                  dir + "/c.out"),
              3);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace stampd::scan_test
