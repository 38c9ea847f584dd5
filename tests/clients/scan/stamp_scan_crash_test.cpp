// kill -9 under load (SPEC §12.7): stampd is killed while stamp-scan confirms boxes with --acked,
// restarted on the same data directory, and then every confirm stamp-scan saw acknowledged must
// be in the ledger, and none twice: each acknowledged (po, box) is Confirmed and the Federal
// ledger's used stamps equal exactly the units of the Confirmed boxes. STAMPD_SCAN_CRASH_CYCLES
// sets the cycles (default 3), STAMPD_CRASH_BOXES the boxes of each setup (default 200000); the
// load is paced at 20000 confirms/s so that the kill lands while it runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "tests/clients/scan/scan_ledger.hpp"
#include "tests/support/processes.hpp"

namespace stampd::scan_test {
using namespace stampd::processes;
namespace {

int env_int(const char* name, int fallback) {
    const char* text = std::getenv(name);
    return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : fallback;
}

std::uintmax_t file_size(const std::string& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    return ec ? 0 : size;
}

// Every acknowledged confirm is Confirmed, none was acknowledged twice, and the ledger holds
// exactly one USAGE per confirmed unit.
void check_after_restart(const std::string& server, const std::string& acked_path) {
    warehouse_view v;
    ASSERT_TRUE(read_warehouse(server, v));
    std::map<std::pair<std::uint32_t, std::uint32_t>, fb::BoxState> state;
    for (const scan::queue_box& b : v.boxes)
        state[{b.po, b.box}] = b.state;
    const std::vector<acked_line> acked = read_acked(acked_path);
    std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
    std::size_t missing = 0;
    for (const acked_line& a : acked) {
        EXPECT_TRUE(seen.insert({a.po, a.box}).second)
            << "acknowledged twice: po " << a.po << " box " << a.box;
        const auto it = state.find({a.po, a.box});
        if (it == state.end() || it->second != fb::BoxState::Confirmed) ++missing;
    }
    EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged confirms";
    EXPECT_GE(v.confirmed_boxes, acked.size());
    EXPECT_EQ(v.po_boxes_confirmed, v.confirmed_boxes);
    EXPECT_EQ(v.fed_used, static_cast<std::int64_t>(v.confirmed_units));
    EXPECT_EQ(v.fed_refunded, 0);
    EXPECT_EQ(v.fed_balance, v.fed_received - v.fed_used);
    std::printf("  %zu acknowledged, %llu confirmed after restart, %lld stamps used\n",
                acked.size(), static_cast<unsigned long long>(v.confirmed_boxes),
                static_cast<long long>(v.fed_used));
}

// stamp-scan --setup: `boxes` more boxes in production; `stamper` gets the stamper's token.
void set_up_boxes(const std::string& server, int boxes, const std::string& tag,
                  std::string& stamper) {
    ASSERT_EQ(run({STAMP_SCAN_BIN, "--server", server, "--token", admin_token, "--setup", "--boxes",
                   std::to_string(boxes), "--stamper-token-out", tag + ".token"},
                  tag + ".setup.out"),
              0)
        << read_text(tag + ".setup.out");
    stamper = read_text(tag + ".token");
    while (!stamper.empty() && stamper.back() == '\n')
        stamper.pop_back();
}

TEST(stamp_scan_crash, kill_9_under_load_loses_no_acknowledged_confirm_and_doubles_none) {
    const int cycles = env_int("STAMPD_SCAN_CRASH_CYCLES", 3);
    const int boxes = env_int("STAMPD_CRASH_BOXES", 200'000);
    const std::string dir = temp_dir("stamp-scan-crash");
    ASSERT_FALSE(dir.empty());
    const std::string data = dir + "/data", acked = dir + "/acked.txt";
    std::mt19937 random(std::random_device{}());
    std::string stamper;
    bool need_boxes = true;
    for (int cycle = 0; cycle < cycles; ++cycle) {
        SCOPED_TRACE("cycle " + std::to_string(cycle));
        const std::string tag = dir + "/" + std::to_string(cycle);
        stampd_process server(data, tag + ".stampd.log");
        ASSERT_TRUE(server.start()) << read_text(tag + ".stampd.log");
        if (need_boxes) {
            ASSERT_NO_FATAL_FAILURE(set_up_boxes(server.server(), boxes, tag, stamper));
            need_boxes = false;
        }
        const std::uintmax_t acked_before = file_size(acked);
        const pid_t load =
            spawn({STAMP_SCAN_BIN, "--server", server.server(), "--token", stamper, "--stations",
                   "16", "--depth", "16", "--duration", "60", "--acked", acked, "--json"},
                  tag + ".load.out");
        ASSERT_GT(load, 0);
        // Wait for acknowledgements to reach the file, then let the load run 1–3 s more.
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (file_size(acked) == acked_before && std::chrono::steady_clock::now() < give_up)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        ASSERT_GT(file_size(acked), acked_before) << read_text(tag + ".load.out");
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(1000, 3000)(random)));
        EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);
        const int load_exit = wait_exit(load);
        const std::string load_out = read_text(tag + ".load.out");
        // Killed under load, stamp-scan reports the lost connections and exits 1; had it run out
        // of boxes first, it exits 0 and the next cycle sets up more.
        EXPECT_TRUE(load_exit == 1 || load_exit == 0) << load_exit << ": " << load_out;
        if (load_exit == 1) {
            EXPECT_NE(load_out.find("CONNECTION_LOST"), std::string::npos);
        }
        if (load_exit == 0 || load_out.find("\"ran_out\":true") != std::string::npos)
            need_boxes = true;

        stampd_process again(data, tag + ".restart.log");
        ASSERT_TRUE(again.start()) << read_text(tag + ".restart.log");
        check_after_restart(again.server(), acked);
        EXPECT_EQ(again.stop(SIGTERM), 0);
        if (::testing::Test::HasFailure()) break;
    }
    if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

// What /proc says of a live process: its open descriptors and its resident memory.
std::size_t open_descriptors(pid_t pid) {
    std::error_code ec;
    std::size_t n = 0;
    for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end;
         !ec && it != end; it.increment(ec))
        ++n;
    return n;
}

// Anonymous resident memory (RssAnon): the heap and stacks. VmRSS also counts the pages of the
// LMDB files stampd has mapped, which grow with the log and the snapshots without being a leak.
std::uint64_t resident_bytes(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    std::uint64_t kib = 0;
    while (in >> key) {
        if (key == "RssAnon:") {
            in >> kib;
            break;
        }
    }
    return kib * 1024;
}

// The soak: a paced load of confirms with snapshots every 5 s, stamp-report and stamp-audit
// verify run against the live data directory one after another, and kill -9 every
// STAMPD_SOAK_KILL_EVERY seconds (default 15; ops/test --long: 180) for STAMPD_SOAK_SECONDS in
// all (default 45; --long: 3600). Each cycle: reports and audits succeed while stampd runs; its
// descriptors end where they stood once the load was connected, and its memory grows by no more
// than what the confirms themselves hold; after the kill, every acknowledged confirm is there
// exactly once and stamp-audit verify finds the directory clean.
TEST(stamp_scan_crash, soak_with_snapshots_reports_audits_and_kills_stays_flat_and_loses_nothing) {
    const int seconds = env_int("STAMPD_SOAK_SECONDS", 45);
    const int kill_every = env_int("STAMPD_SOAK_KILL_EVERY", 15);
    const std::string dir = temp_dir("stampd-soak");
    ASSERT_FALSE(dir.empty());
    const std::string data = dir + "/data", acked = dir + "/acked.txt";
    const std::string config = dir + "/stampd.toml";
    { std::ofstream(config) << "snapshot_every_seconds = 5\n"; }
    const auto soak_end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    std::string stamper;
    bool need_boxes = true;
    int reports = 0, audits = 0;
    for (int cycle = 0; std::chrono::steady_clock::now() < soak_end; ++cycle) {
        SCOPED_TRACE("cycle " + std::to_string(cycle));
        const std::string tag = dir + "/" + std::to_string(cycle);
        stampd_process server(data, tag + ".stampd.log", {}, {"--config", config});
        ASSERT_TRUE(server.start()) << read_text(tag + ".stampd.log");
        if (need_boxes) {
            ASSERT_NO_FATAL_FAILURE(set_up_boxes(server.server(), 100'000, tag, stamper));
            need_boxes = false;
        }
        const std::size_t acked_before = read_acked(acked).size();
        const pid_t load = spawn({STAMP_SCAN_BIN, "--server", server.server(), "--token", stamper,
                                  "--stations", "8", "--depth", "8", "--rate", "3000", "--duration",
                                  std::to_string(kill_every + 60), "--acked", acked, "--json"},
                                 tag + ".load.out");
        ASSERT_GT(load, 0);
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (read_acked(acked).size() == acked_before &&
               std::chrono::steady_clock::now() < give_up)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        ASSERT_GT(read_acked(acked).size(), acked_before) << read_text(tag + ".load.out");
        // The baseline, with the stations connected.
        const std::size_t descriptors = open_descriptors(server.pid());
        const std::uint64_t memory = resident_bytes(server.pid());
        const std::size_t acked_at_baseline = read_acked(acked).size();
        const auto cycle_end =
            std::min(soak_end, std::chrono::steady_clock::now() + std::chrono::seconds(kill_every));
        while (std::chrono::steady_clock::now() < cycle_end) {
            EXPECT_EQ(run({STAMP_REPORT_BIN, "stamp-accounting", "--data", data, "--quiet", "--out",
                           tag + ".report.csv"},
                          tag + ".report.out"),
                      0)
                << read_text(tag + ".report.out");
            ++reports;
            EXPECT_EQ(run({STAMP_AUDIT_BIN, "verify", "--data", data}, tag + ".audit.out"), 0)
                << read_text(tag + ".audit.out");
            ++audits;
        }
        const std::size_t confirms = read_acked(acked).size() - acked_at_baseline;
        EXPECT_LE(open_descriptors(server.pid()), descriptors)
            << "descriptors grew under a steady load";
        EXPECT_LE(resident_bytes(server.pid()),
                  memory + (std::uint64_t{64} << 20) + confirms * 1024)
            << "memory grew by more than the " << confirms << " confirms hold";
        EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);
        const int load_exit = wait_exit(load);
        if (load_exit == 0 ||
            read_text(tag + ".load.out").find("\"ran_out\":true") != std::string::npos)
            need_boxes = true;
        EXPECT_EQ(run({STAMP_AUDIT_BIN, "verify", "--data", data}, tag + ".killed.audit.out"), 0)
            << read_text(tag + ".killed.audit.out");
        stampd_process again(data, tag + ".restart.log", {}, {"--config", config});
        ASSERT_TRUE(again.start()) << read_text(tag + ".restart.log");
        check_after_restart(again.server(), acked);
        EXPECT_EQ(again.stop(SIGTERM), 0);
        if (::testing::Test::HasFailure()) break;
    }
    std::printf(
        "  soak: %d s, %zu confirms acknowledged, %d reports and %d audits beside the load\n",
        seconds, read_acked(acked).size(), reports, audits);
    EXPECT_GT(reports, 0);
    if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace stampd::scan_test
