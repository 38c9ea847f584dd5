// The stampd program as an operator meets it: real processes on real data directories.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "clients/lib/client.hpp"

#include "tests/support/processes.hpp"

namespace stampd::processes {
namespace {

// One writer a data directory: a second stampd refuses to start, naming the first's pid,
// instead of both refusing writes and serving stale reads.
TEST(stampd, a_second_stampd_on_one_data_directory_is_refused) {
    const std::string dir = temp_dir("stampd-second-writer");
    ASSERT_FALSE(dir.empty());
    stampd_process first(dir + "/data", dir + "/first.log");
    ASSERT_TRUE(first.start()) << read_text(dir + "/first.log");
    stampd_process second(dir + "/data", dir + "/second.log");
    EXPECT_FALSE(second.start());
    const std::string said = read_text(dir + "/second.log");
    EXPECT_NE(said.find("is in use by another stampd (pid " + std::to_string(first.pid()) + ")"),
              std::string::npos)
        << said;
    EXPECT_EQ(second.exit_code(), 1);
    EXPECT_EQ(first.stop(SIGTERM), 0);
    // Once the first has stopped, the directory is free again.
    stampd_process third(dir + "/data", dir + "/third.log");
    EXPECT_TRUE(third.start()) << read_text(dir + "/third.log");
    EXPECT_EQ(third.stop(SIGTERM), 0);
    std::filesystem::remove_all(dir);
}

// DIR/data: a data directory stampd has started on (creating the first admin) and left cleanly.
void run_stampd_once(const std::string& dir) {
    stampd_process server(dir + "/data", dir + "/first.log");
    ASSERT_TRUE(server.start()) << read_text(dir + "/first.log");
    EXPECT_EQ(server.stop(SIGTERM), 0);
}

// A log file cut short (a bad copy or restore) stops stampd and stamp-audit with a message
// naming the file and the figures, never SIGBUS.
TEST(stampd, a_truncated_log_file_is_refused_with_a_message) {
    const std::string dir = temp_dir("stampd-truncated");
    ASSERT_FALSE(dir.empty());
    ASSERT_NO_FATAL_FAILURE(run_stampd_once(dir));
    const std::string file = dir + "/data/log/data.mdb";
    std::filesystem::resize_file(file, std::filesystem::file_size(file) * 95 / 100);
    stampd_process again(dir + "/data", dir + "/again.log");
    EXPECT_FALSE(again.start());
    EXPECT_EQ(again.exit_code(), 1) << read_text(dir + "/again.log");
    EXPECT_NE(read_text(dir + "/again.log").find("the file is truncated"), std::string::npos)
        << read_text(dir + "/again.log");
    EXPECT_EQ(run({STAMP_AUDIT_BIN, "verify", "--data", dir + "/data"}, dir + "/audit.log"), 3)
        << read_text(dir + "/audit.log");
    EXPECT_NE(read_text(dir + "/audit.log").find("the file is truncated"), std::string::npos)
        << read_text(dir + "/audit.log");
    std::filesystem::remove_all(dir);
}

// A data directory whose log lost its records (here: log/ and snapshots/ gone; in the field, one
// flipped bit in LMDB's root pointer) held a warehouse: stampd refuses to start instead of
// creating an empty one with a new admin, and stamp-audit verify reports it instead of "clean".
TEST(stampd, a_log_that_lost_its_records_is_not_served_as_an_empty_warehouse) {
    const std::string dir = temp_dir("stampd-lost-log");
    ASSERT_FALSE(dir.empty());
    ASSERT_NO_FATAL_FAILURE(run_stampd_once(dir));
    std::filesystem::remove_all(dir + "/data/log");
    std::filesystem::remove_all(dir + "/data/snapshots");
    stampd_process again(dir + "/data", dir + "/again.log");
    EXPECT_FALSE(again.start());
    EXPECT_EQ(again.exit_code(), 1);
    const std::string said = read_text(dir + "/again.log");
    EXPECT_NE(said.find("the log ends at LSN 0, but LSN 1 was durable"), std::string::npos) << said;
    EXPECT_EQ(said.find("bootstrap admin"), std::string::npos) << said;
    EXPECT_EQ(run({STAMP_AUDIT_BIN, "verify", "--data", dir + "/data"}, dir + "/audit.log"), 1)
        << read_text(dir + "/audit.log");
    EXPECT_NE(read_text(dir + "/audit.log").find("LSN 1: missing: it was durable"),
              std::string::npos)
        << read_text(dir + "/audit.log");
    std::filesystem::remove_all(dir);
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

// A disk of its own, `size` big (tmpfs), at `at`, in a mount namespace of this test process (gone
// when it exits). False where this process may not mount: the test is then skipped.
bool mount_small_disk(const std::string& at, const std::string& size) {
    std::filesystem::create_directories(at);
    if (::unshare(CLONE_NEWNS) != 0) return false;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return false;
    return ::mount("tmpfs", at.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
}

// Writes `path` until the file system holding it has no block left (ENOSPC at every size).
bool fill_disk(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    const std::vector<char> chunk(std::size_t{1} << 20, 'x');
    bool full = false;
    for (std::size_t size = chunk.size(); size >= 256;) {
        const ssize_t n = ::write(fd, chunk.data(), size);
        if (n < 0 && errno != ENOSPC) break;
        if (n < static_cast<ssize_t>(size)) {
            full = true;
            size /= 2;
        }
    }
    ::close(fd);
    return full;
}

// Waits (up to 30 s) until `log` says `what` at least `times` times.
bool log_says(const std::string& log, const std::string& what, std::size_t times = 1) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (count_of(read_text(log), what) < times) {
        if (std::chrono::steady_clock::now() >= give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

// A snapshot meets a full disk. The snapshot file is written through LMDB's memory map, and a
// store to a page the disk has no block for can only be answered with SIGBUS: stampd died with
// signal 7 and no line of log at every periodic snapshot and every stop. Now the blocks are
// reserved first: the snapshot is logged as not written, tried again, and written once there is
// room; a stop on a full disk exits 0; nothing acknowledged is lost.
TEST(stampd, a_snapshot_on_a_full_disk_is_logged_and_tried_again_not_a_crash) {
    const std::string dir = temp_dir("stampd-full-disk");
    ASSERT_FALSE(dir.empty());
    if (!mount_small_disk(dir + "/disk", "24m")) {
        std::filesystem::remove_all(dir);
        GTEST_SKIP() << "this process may not mount a tmpfs (needs root in a mount namespace)";
    }
    {
        std::ofstream config(dir + "/stampd.toml");
        config << "snapshot_every_seconds = 2\n";
    }
    const std::string data = dir + "/disk/data", filler = dir + "/disk/filler";
    const std::string not_written = "not written: ";
    stampd_process server(data, dir + "/stampd.log", {}, {"--config", dir + "/stampd.toml"});
    ASSERT_TRUE(server.start()) << read_text(server.log());
    // The bootstrap admin is LSN 1: the first periodic snapshot is due 2 s after the start.
    ASSERT_TRUE(fill_disk(filler));
    ASSERT_TRUE(log_says(server.log(), not_written)) << read_text(server.log());
    EXPECT_NE(read_text(server.log()).find("No space left on device"), std::string::npos)
        << read_text(server.log());
    // Room again: the next occasion writes it.
    std::filesystem::remove(filler);
    ASSERT_TRUE(log_says(server.log(), "snapshot at LSN 1 written, after"))
        << read_text(server.log());
    // A change, the disk full again, and a stop: its snapshot fails; the stop does not.
    client::connection c;
    std::string error;
    ASSERT_TRUE(c.open({.server = server.server(), .token = admin_token}, error)) << error;
    client::response r;
    ASSERT_TRUE(c.call(create_consignee{code{"FULL"}, "Full disk", province::on}, r, error))
        << error;
    ASSERT_EQ(r.outcome()->code(), proto::Code::OK) << client::describe(*r.outcome());
    const std::size_t failures = count_of(read_text(server.log()), not_written);
    ASSERT_TRUE(fill_disk(filler));
    EXPECT_EQ(server.stop(SIGTERM), 0) << read_text(server.log());
    EXPECT_EQ(count_of(read_text(server.log()), not_written), failures + 1)
        << read_text(server.log());
    // The log alone recovers what was acknowledged.
    std::filesystem::remove(filler);
    stampd_process again(data, dir + "/again.log");
    ASSERT_TRUE(again.start()) << read_text(again.log());
    client::connection d;
    ASSERT_TRUE(d.open({.server = again.server(), .token = admin_token}, error)) << error;
    // The consignee acknowledged before the stop is there: its code is taken.
    ASSERT_TRUE(d.call(create_consignee{code{"FULL"}, "Another", province::qc}, r, error)) << error;
    EXPECT_EQ(r.outcome()->code(), proto::Code::ALREADY_EXISTS) << client::describe(*r.outcome());
    EXPECT_EQ(again.stop(SIGTERM), 0);
    ::umount2((dir + "/disk").c_str(), MNT_DETACH);
    std::filesystem::remove_all(dir);
}

// A TCP connection to 127.0.0.1:port that sends nothing; -1 when connect() fails.
int idle_connection(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// At the file limit accept() fails with EMFILE for as long as the connections stay: stampd must
// back off instead of retrying at once (it spun a core and wrote 220 MB of log), say so in a
// few lines, and accept again once descriptors are free. The limit here (48: stampd holds 15 of
// its own) is below what connections_max needs (stampd says so at start) and below the 64
// connections one address may hold awaiting Hello, so that 200 idle connections reach it.
TEST(stampd, at_the_file_limit_accept_backs_off_and_serves_again) {
#if defined(__SANITIZE_ADDRESS__)
    // UBSan checks a vptr by reading memory through a pipe it opens: at the file limit it cannot,
    // reports an "invalid vptr" in Boost's error_category and halts stampd. The main build runs it.
    GTEST_SKIP() << "the sanitizers need file descriptors at the limit this test reaches";
#endif
    const std::string dir = temp_dir("stampd-file-limit");
    ASSERT_FALSE(dir.empty());
    stampd_process server(dir + "/data", dir + "/stampd.log",
                          {"/usr/bin/prlimit", "--nofile=48:48", "--"});
    ASSERT_TRUE(server.start()) << read_text(server.log());
    EXPECT_NE(read_text(server.log()).find("the file limit is 48 descriptors"), std::string::npos)
        << read_text(server.log());
    const std::string port = server.server().substr(server.server().rfind(':') + 1);
    std::vector<int> idle;
    for (int i = 0; i < 200; ++i) {
        const int fd = idle_connection(std::stoi(port));
        ASSERT_GE(fd, 0) << "connection " << i;
        idle.push_back(fd);
    }
    // Synchronise on what stampd says: the first failure is logged at once.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (read_text(server.log()).find("accept failed") == std::string::npos &&
           std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_NE(read_text(server.log()).find("accept failed"), std::string::npos)
        << read_text(server.log());
    // The measurement: CPU over two seconds at the limit. Retrying at once uses all of them.
    const double before = cpu_seconds(server.pid());
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const double used = cpu_seconds(server.pid()) - before;
    EXPECT_LT(used, 0.5) << "stampd used " << used << " CPU seconds in 2 s at the file limit";
    EXPECT_LE(count_of(read_text(server.log()), "accept failed"), 3u) << read_text(server.log());
    for (const int fd : idle)
        ::close(fd);
    // Descriptors free again: a client holding a token is served.
    client::connection c;
    std::string error;
    EXPECT_TRUE(c.open({.server = server.server(), .token = admin_token}, error)) << error;
    EXPECT_EQ(server.stop(SIGTERM), 0);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace stampd::processes
