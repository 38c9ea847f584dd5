// stamp-backup save while stampd serves 64 stations × 16 confirms in flight (stamp-scan, paced
// so that the load outlasts the save; snapshots every 20,000 records so that some are copied),
// then restore: the restored directory passes stamp-audit verify, stampd recovers it to the
// manifest's last LSN, and it holds exactly the confirms acknowledged at or before that LSN —
// stamp-scan --acked records each acknowledged (po, box) with the LSN of its record — and none
// after it. Every confirm acknowledged before save started is among them.
// STAMPD_BACKUP_LOAD_SECONDS sets the load's length (default 6), STAMPD_BACKUP_LOAD_RATE its
// confirms per second (default 25,000).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "tests/clients/scan/scan_ledger.hpp"
#include "tests/support/processes.hpp"

namespace stampd::backup_test {
using namespace stampd::processes;
using scan_test::acked_line;
using scan_test::read_acked;
using stampd::scan_test::read_warehouse;
using stampd::scan_test::warehouse_view;
namespace {

int env_int(const char* name, int fallback) {
    const char* text = std::getenv(name);
    return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : fallback;
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

// The LSN in stampd's "recovered to LSN N" line.
std::uint64_t recovered_lsn(const std::string& log) {
    const std::string marker = "recovered to LSN ";
    const auto at = log.find(marker);
    return at == std::string::npos ? 0
                                   : std::strtoull(log.c_str() + at + marker.size(), nullptr, 10);
}

TEST(stamp_backup_load, save_under_load_restores_every_confirm_acknowledged_up_to_its_lsn) {
    const int seconds = env_int("STAMPD_BACKUP_LOAD_SECONDS", 6);
    const int rate = env_int("STAMPD_BACKUP_LOAD_RATE", 25'000);
    const int boxes = seconds * rate * 2;  // twice what the load can confirm: it never runs out
    const std::string dir = temp_dir("stamp-backup-load");
    ASSERT_FALSE(dir.empty());
    const std::string data = dir + "/data", acked = dir + "/acked.txt";
    const std::string backup = dir + "/backup", restored = dir + "/restored";
    const std::string config = dir + "/stampd.toml";
    { std::ofstream(config) << "snapshot_every_records = 20000\n"; }

    stampd_process server(data, dir + "/stampd.log", {}, {"--config", config});
    ASSERT_TRUE(server.start()) << read_text(dir + "/stampd.log");
    ASSERT_EQ(run({STAMP_SCAN_BIN, "--server", server.server(), "--token", admin_token, "--setup",
                   "--boxes", std::to_string(boxes), "--stamper-token-out", dir + "/stamper"},
                  dir + "/setup.out"),
              0)
        << read_text(dir + "/setup.out");
    const std::string stamper = trimmed(read_text(dir + "/stamper"));
    const pid_t load = spawn({STAMP_SCAN_BIN, "--server", server.server(), "--token", stamper,
                              "--stations", "64", "--depth", "16", "--rate", std::to_string(rate),
                              "--duration", std::to_string(seconds), "--acked", acked, "--json"},
                             dir + "/load.out");
    ASSERT_GT(load, 0);
    // Acknowledgements reach the file every 100 ms: wait for about a second's worth, so that the
    // save lands in the middle of the load.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (read_acked(acked).size() < static_cast<std::size_t>(rate) &&
           std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::vector<acked_line> before_save = read_acked(acked);
    ASSERT_GE(before_save.size(), static_cast<std::size_t>(rate)) << read_text(dir + "/load.out");

    const auto save_start = std::chrono::steady_clock::now();
    EXPECT_EQ(run({STAMP_BACKUP_BIN, "save", "--data", data, "--out", backup, "--json", "--quiet"},
                  dir + "/save.out"),
              0)
        << read_text(dir + "/save.out");
    const double save_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - save_start).count();
    // The load was still running when the save ended: the copy was taken under it.
    int status = 0;
    EXPECT_EQ(waitpid(load, &status, WNOHANG), 0) << "the load ended before the save did";
    EXPECT_EQ(wait_exit(load), 0) << read_text(dir + "/load.out");
    EXPECT_EQ(server.stop(SIGTERM), 0);
    const std::string saved = read_text(dir + "/save.out");
    const auto last = static_cast<std::uint64_t>(json_number(saved, "log_last_lsn"));
    ASSERT_GT(last, 0u) << saved;
    EXPECT_GT(json_number(saved, "snapshots"), 0) << saved;

    ASSERT_EQ(run({STAMP_BACKUP_BIN, "restore", "--from", backup, "--data", restored, "--quiet"},
                  dir + "/restore.out"),
              0)
        << read_text(dir + "/restore.out");
    EXPECT_EQ(run({STAMP_AUDIT_BIN, "verify", "--data", restored, "--quiet"}, dir + "/audit.out"),
              0)
        << read_text(dir + "/audit.out");

    stampd_process again(restored, dir + "/restored.log");
    ASSERT_TRUE(again.start()) << read_text(dir + "/restored.log");
    EXPECT_EQ(recovered_lsn(read_text(dir + "/restored.log")), last);
    warehouse_view v;
    ASSERT_TRUE(read_warehouse(again.server(), v));
    EXPECT_EQ(again.stop(SIGTERM), 0);

    std::map<std::pair<std::uint32_t, std::uint32_t>, fb::BoxState> state;
    for (const scan::queue_box& b : v.boxes)
        state[{b.po, b.box}] = b.state;
    const std::vector<acked_line> all = read_acked(acked);
    std::size_t covered = 0, missing = 0, present_after = 0;
    for (const acked_line& a : all) {
        const auto it = state.find({a.po, a.box});
        const bool confirmed = it != state.end() && it->second == fb::BoxState::Confirmed;
        if (a.lsn <= last) {
            ++covered;
            if (!confirmed) ++missing;
        } else if (confirmed) {
            ++present_after;
        }
    }
    for (const acked_line& a : before_save)
        EXPECT_LE(a.lsn, last) << "acknowledged before the save began, after its last LSN";
    EXPECT_EQ(missing, 0u) << "of " << covered << " confirms acknowledged at or before LSN "
                           << last;
    EXPECT_EQ(present_after, 0u) << "confirms after the backup's LSN are in the restored state";
    EXPECT_GT(all.size(), covered) << "nothing was acknowledged after the backup: not under load";
    EXPECT_EQ(v.confirmed_boxes, covered);
    EXPECT_EQ(v.fed_used, static_cast<std::int64_t>(v.confirmed_units));
    EXPECT_EQ(v.fed_balance, v.fed_received - v.fed_used);
    std::printf(
        "  save %.2f s under load; backup at LSN %llu holds %zu of %zu acknowledged "
        "confirms (%zu before the save began)\n",
        save_s, static_cast<unsigned long long>(last), covered, all.size(), before_save.size());
    if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace stampd::backup_test
