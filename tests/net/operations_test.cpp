// stampd as the person who runs it meets it (issue 17): /metrics, /healthz and /readyz on the
// operators' listener, systemd's notifications and watchdog, the log's formats and its access
// log, slow commits, --print-config. Real processes, real sockets on 127.0.0.1.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/clients/scan/scan_ledger.hpp"
#include "tests/support/json_check.hpp"
#include "tests/support/processes.hpp"
#include "tests/support/prometheus_text.hpp"

namespace stampd::processes {
namespace {

using stampd::testing::prometheus_scrape;

struct http_answer {
    int status = 0;
    std::string headers, body;
};

// One HTTP/1.1 request over a real socket; status 0 when the connection failed.
http_answer http(int port, const std::string& method, const std::string& target) {
    http_answer a;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return a;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        ::close(fd);
        return a;
    }
    const std::string request =
        method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
        ::close(fd);
        return a;
    }
    std::string all;
    char buffer[16384];
    for (;;) {  // the server closes after one answer
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        all.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const std::size_t end = all.find("\r\n\r\n");
    if (all.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return a;
    a.status = std::atoi(all.c_str() + 9);
    a.headers = all.substr(0, end);
    a.body = all.substr(end + 4);
    return a;
}

// The port of the operators' listener, from stampd's log.
int http_port_of(const std::string& log) {
    const std::string said = "(/metrics, /healthz, /readyz) on 127.0.0.1:";
    const std::string text = read_text(log);
    const auto at = text.find(said);
    return at == std::string::npos ? 0 : std::atoi(text.c_str() + at + said.size());
}

::testing::AssertionResult scrape(int port, prometheus_scrape& into) {
    const http_answer a = http(port, "GET", "/metrics");
    if (a.status != 200) return ::testing::AssertionFailure() << "status " << a.status;
    if (a.headers.find("Content-Type: text/plain; version=0.0.4") == std::string::npos)
        return ::testing::AssertionFailure() << "content type: " << a.headers;
    if (!into.parse(a.body)) return ::testing::AssertionFailure() << into.error();
    return ::testing::AssertionSuccess();
}

double or_zero(const std::optional<double>& v) {
    return v.value_or(0);
}

// Issue 17: /metrics under load parses as Prometheus' text format at every scrape, its counters
// only grow, and once the load is done its figures are the warehouse's: every confirm counted
// exactly once, the balance the ledger's.
TEST(operations, metrics_parse_under_load_and_count_every_confirm_exactly) {
    const std::string dir = temp_dir("stampd-metrics");
    ASSERT_FALSE(dir.empty());
    stampd_process server(dir + "/data", dir + "/stampd.log", {}, {"--http-listen", "127.0.0.1:0"});
    ASSERT_TRUE(server.start()) << read_text(server.log());
    const int port = http_port_of(server.log());
    ASSERT_GT(port, 0) << read_text(server.log());

    constexpr std::uint32_t boxes = 3000;
    const std::string token_file = dir + "/stamper.token";
    ASSERT_EQ(run({STAMP_SCAN_BIN, "--server", server.server(), "--token", admin_token, "--setup",
                   "--boxes", std::to_string(boxes), "--stamper-token-out", token_file},
                  dir + "/setup.out"),
              0)
        << read_text(dir + "/setup.out");
    std::string stamper = read_text(token_file);
    while (!stamper.empty() && stamper.back() == '\n')
        stamper.pop_back();

    prometheus_scrape before;
    ASSERT_TRUE(scrape(port, before));
    EXPECT_EQ(or_zero(before.value("stampd_confirms_total")), 0);
    EXPECT_EQ(or_zero(before.value("stampd_events_total", {{"kind", "box_received"}})), boxes);

    const pid_t load = spawn({STAMP_SCAN_BIN, "--server", server.server(), "--token", stamper,
                              "--stations", "16", "--depth", "8", "--duration", "5", "--json"},
                             dir + "/load.out");
    ASSERT_GT(load, 0);
    // Scrapes while the load runs: each parses, and no counter goes back.
    std::map<std::string, double> last;
    int scrapes = 0, during = 0;
    for (; scrapes < 400; ++scrapes) {
        prometheus_scrape s;
        ASSERT_TRUE(scrape(port, s)) << "scrape " << scrapes;
        for (const auto& sample : s.samples()) {
            const auto type = s.types().find(sample.name);
            if (type == s.types().end() || type->second != "counter") continue;
            std::string key = sample.name;
            for (const auto& [k, v] : sample.labels)
                key += "," + k + "=" + v;
            EXPECT_GE(sample.value, last[key]) << key;
            last[key] = sample.value;
        }
        const double confirms = or_zero(s.value("stampd_confirms_total"));
        if (confirms > 0 && confirms < boxes) ++during;
        if (confirms >= boxes) break;
    }
    EXPECT_GT(during, 0) << "no scrape saw the load under way";
    ASSERT_EQ(wait_exit(load), 0) << read_text(dir + "/load.out");
    const std::string json = read_text(dir + "/load.out");
    ASSERT_EQ(json_number(json, "confirms"), boxes) << json;

    prometheus_scrape after;
    ASSERT_TRUE(scrape(port, after));
    EXPECT_EQ(or_zero(after.value("stampd_confirms_total")), boxes);
    EXPECT_EQ(or_zero(after.value("stampd_events_total", {{"kind", "box_confirmed"}})), boxes);
    EXPECT_EQ(
        or_zero(after.value("stampd_commands_total", {{"kind", "ConfirmBox"}, {"code", "OK"}})),
        boxes);
    // Every commit is in the histograms, and every record in a commit.
    const double commits = or_zero(after.value("stampd_commits_total"));
    EXPECT_GT(commits, 0);
    EXPECT_EQ(or_zero(after.value("stampd_commit_duration_seconds_count")), commits);
    EXPECT_EQ(or_zero(after.value("stampd_commit_batch_records_count")), commits);
    EXPECT_EQ(or_zero(after.value("stampd_commit_batch_records_sum")),
              or_zero(after.value("stampd_records_total")));
    // A new data directory: every record in it was written by this process (the bootstrap
    // admin's first).
    EXPECT_EQ(or_zero(after.value("stampd_durable_lsn")),
              or_zero(after.value("stampd_records_total")));
    EXPECT_EQ(or_zero(after.value("stampd_ready")), 1);
    EXPECT_EQ(or_zero(after.value("stampd_storage_degraded")), 0);
    EXPECT_EQ(or_zero(after.value("stampd_balances_read")), 1);

    scan_test::warehouse_view v;
    ASSERT_TRUE(scan_test::read_warehouse(server.server(), v));
    EXPECT_EQ(or_zero(after.value("stampd_stamps_balance", {{"region", "FED"}})), v.fed_balance);
    EXPECT_EQ(v.fed_balance, v.fed_received - v.fed_used);
    // The reads of read_warehouse are counted as reads, the Hello too.
    prometheus_scrape reads;
    ASSERT_TRUE(scrape(port, reads));
    EXPECT_GE(or_zero(reads.value("stampd_reads_total", {{"kind", "Hello"}, {"code", "OK"}})), 3);
    EXPECT_GE(or_zero(reads.value("stampd_reads_total", {{"kind", "GetPo"}, {"code", "OK"}})), 1);
    EXPECT_EQ(server.stop(SIGTERM), 0);
    std::filesystem::remove_all(dir);
}

// /healthz and /readyz need no token; anything else is refused with what there is.
TEST(operations, health_and_readiness_answer_without_a_token_and_nothing_else_is_served) {
    const std::string dir = temp_dir("stampd-health");
    ASSERT_FALSE(dir.empty());
    stampd_process server(dir + "/data", dir + "/stampd.log", {}, {"--http-listen", "127.0.0.1:0"});
    ASSERT_TRUE(server.start()) << read_text(server.log());
    const int port = http_port_of(server.log());
    ASSERT_GT(port, 0);
    const http_answer health = http(port, "GET", "/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, "ok\n");
    const http_answer ready = http(port, "GET", "/readyz");
    EXPECT_EQ(ready.status, 200);
    EXPECT_EQ(ready.body, "ready\n");
    const http_answer head = http(port, "HEAD", "/metrics");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.body, "");
    const http_answer missing = http(port, "GET", "/api/pos");
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.body.find("/metrics, /healthz, /readyz"), std::string::npos);
    const http_answer post = http(port, "POST", "/metrics");
    EXPECT_EQ(post.status, 405);
    EXPECT_NE(post.headers.find("Allow: GET, HEAD"), std::string::npos) << post.headers;
    // Off unless asked for: without --http-listen nothing listens and nothing is said.
    stampd_process quiet(dir + "/data2", dir + "/quiet.log");
    ASSERT_TRUE(quiet.start()) << read_text(quiet.log());
    EXPECT_EQ(http_port_of(quiet.log()), 0);
    EXPECT_EQ(quiet.stop(SIGTERM), 0);
    EXPECT_EQ(server.stop(SIGTERM), 0);
    std::filesystem::remove_all(dir);
}

// A datagram socket standing in for systemd's NOTIFY_SOCKET: what stampd tells it, in order.
class notify_socket {
public:
    explicit notify_socket(const std::string& path) : _path(path) {
        _fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un at{};
        at.sun_family = AF_UNIX;
        std::snprintf(at.sun_path, sizeof at.sun_path, "%s", path.c_str());
        if (_fd >= 0 && ::bind(_fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
            ::close(_fd);
            _fd = -1;
        }
    }
    ~notify_socket() {
        if (_fd >= 0) ::close(_fd);
        std::filesystem::remove(_path);
    }
    bool ok() const { return _fd >= 0; }
    // The next message, waiting at most `wait`; "" when none came.
    std::string next(std::chrono::milliseconds wait) {
        pollfd p{.fd = _fd, .events = POLLIN, .revents = 0};
        if (::poll(&p, 1, static_cast<int>(wait.count())) != 1) return {};
        char buffer[4096];
        const ssize_t n = ::recv(_fd, buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string{};
    }

private:
    std::string _path;
    int _fd = -1;
};

// Issue 17: under systemd (Type=notify) stampd says READY=1 once recovered and listening, feeds
// the watchdog at half its interval, and says STOPPING=1 on SIGTERM.
TEST(operations, systemd_is_told_ready_fed_by_the_watchdog_and_told_stopping) {
    const std::string dir = temp_dir("stampd-notify");
    ASSERT_FALSE(dir.empty());
    notify_socket systemd(dir + "/notify.sock");
    ASSERT_TRUE(systemd.ok());
    stampd_process server(
        dir + "/data", dir + "/stampd.log",
        {"/usr/bin/env", "NOTIFY_SOCKET=" + dir + "/notify.sock", "WATCHDOG_USEC=400000"});
    ASSERT_TRUE(server.start()) << read_text(server.log());
    const std::string recovering = systemd.next(std::chrono::seconds(10));
    EXPECT_EQ(recovering.rfind("STATUS=recovering ", 0), 0u) << recovering;
    const std::string ready = systemd.next(std::chrono::seconds(10));
    EXPECT_EQ(ready.rfind("READY=1\nSTATUS=serving on 127.0.0.1:", 0), 0u) << ready;
    // Fed every 200 ms: three in a row, each well within the 400 ms systemd would wait.
    for (int i = 0; i < 3; ++i) {
        const auto asked = std::chrono::steady_clock::now();
        EXPECT_EQ(systemd.next(std::chrono::milliseconds(2000)), "WATCHDOG=1") << i;
        EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(1500));
    }
    EXPECT_NE(read_text(server.log()).find("systemd watchdog: fed every 200 ms"),
              std::string::npos);
    kill(server.pid(), SIGTERM);
    std::string said;
    for (int i = 0; i < 20 && said.rfind("STOPPING=1", 0) != 0; ++i)
        said = systemd.next(std::chrono::seconds(5));
    EXPECT_EQ(said.rfind("STOPPING=1\nSTATUS=stopping", 0), 0u) << said;
    EXPECT_EQ(server.stop(SIGTERM), 0);
    std::filesystem::remove_all(dir);
}

// Issue 17: --log-format json writes one JSON object a line to stderr; the access log says who
// connected from where, logged in, failed to, and left — never the secret, only its first bytes.
TEST(operations, json_logs_carry_the_access_log_and_never_the_secret) {
    const std::string dir = temp_dir("stampd-json-log");
    ASSERT_FALSE(dir.empty());
    stampd_process server(dir + "/data", dir + "/stampd.log", {}, {"--log-format", "json"});
    ASSERT_TRUE(server.start()) << read_text(server.log());
    const std::string wrong = "wrongtoken-abcdefghijklmnopqrstuvwxyz-0123456789";
    EXPECT_NE(run({STAMPCTL_BIN, "--server", server.server(), "whoami"}, dir + "/bad.out"), 0);
    // (stampctl reads its token from STAMPD_TOKEN; the wrong one goes through the environment.)
    EXPECT_NE(run({"/usr/bin/env", "STAMPD_TOKEN=" + wrong, STAMPCTL_BIN, "--server",
                   server.server(), "whoami"},
                  dir + "/wrong.out"),
              0);
    EXPECT_EQ(run({"/usr/bin/env", "STAMPD_TOKEN=" + admin_token, STAMPCTL_BIN, "--server",
                   server.server(), "whoami"},
                  dir + "/right.out"),
              0)
        << read_text(dir + "/right.out");
    EXPECT_EQ(server.stop(SIGTERM), 0);

    const std::string log = read_text(server.log());
    std::istringstream lines(log);
    std::string line, messages;
    int objects = 0;
    while (std::getline(lines, line)) {
        const auto v = stampd::testing::json_reader(line).parse();
        ASSERT_TRUE(v.has_value()) << "not JSON: " << line;
        const json::object* o = v->as_object();
        ASSERT_NE(o, nullptr) << line;
        const json::value* time = json::find(*o, "time");
        const json::value* level = json::find(*o, "level");
        const json::value* message = json::find(*o, "message");
        ASSERT_TRUE(time && level && message) << line;
        ASSERT_TRUE(time->as_string() && level->as_string() && message->as_string()) << line;
        EXPECT_EQ(time->as_string()->size(), std::string{"2026-12-07T13:00:00.123456Z"}.size())
            << line;
        EXPECT_EQ(time->as_string()->back(), 'Z') << line;
        messages += *level->as_string() + " " + *message->as_string() + "\n";
        ++objects;
    }
    EXPECT_GE(objects, 6) << log;
    EXPECT_NE(messages.find("opened from 127.0.0.1"), std::string::npos) << messages;
    EXPECT_NE(messages.find("warning connection "), std::string::npos) << messages;
    EXPECT_NE(messages.find(": wrong token 'wron...'"), std::string::npos) << messages;
    EXPECT_NE(messages.find("logged in as user 1 (Administrator)"), std::string::npos) << messages;
    EXPECT_NE(messages.find("requests answered (user 1)"), std::string::npos) << messages;
    EXPECT_EQ(log.find(wrong), std::string::npos) << "the secret is in the log";
    EXPECT_EQ(log.find(admin_token), std::string::npos) << "the secret is in the log";
    std::filesystem::remove_all(dir);
}

// Issue 17: a slow commit is said at warning level with its figures, and counted.
TEST(operations, a_slow_commit_is_logged_as_a_warning_and_counted) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "a preloaded library cannot come before the sanitizers' runtime";
#endif
    const std::string dir = temp_dir("stampd-slow-commit");
    ASSERT_FALSE(dir.empty());
    { std::ofstream(dir + "/stampd.toml") << "slow_commit_ms = 100\n"; }
    const std::string arm = dir + "/armed";
    stampd_process server(
        dir + "/data", dir + "/stampd.log",
        {"/usr/bin/env", "LD_PRELOAD=" STORAGE_FAULTS_LIB, "STAMPD_FAULT_FILE=/log/data.mdb",
         "STAMPD_FAULT_CALL=sync", "STAMPD_FAULT_ERROR=SLOW", "STAMPD_FAULT_SLOW_MS=300",
         "STAMPD_FAULT_ARM=" + arm},
        {"--config", dir + "/stampd.toml", "--http-listen", "127.0.0.1:0"});
    ASSERT_TRUE(server.start()) << read_text(server.log());
    const int port = http_port_of(server.log());
    { std::ofstream(arm) << "armed\n"; }
    EXPECT_EQ(run({"/usr/bin/env", "STAMPD_TOKEN=" + admin_token, STAMPCTL_BIN, "--server",
                   server.server(), "create-consignee", "--key", "SLOW", "--name", "Slow Ltd"},
                  dir + "/create.out"),
              0)
        << read_text(dir + "/create.out");
    std::filesystem::remove(arm);
    const std::string log = read_text(server.log());
    EXPECT_NE(log.find("storage_faults: a slow call into fdatasync"), std::string::npos) << log;
    EXPECT_NE(log.find(" warning runtime: slow commit: LSN 2..2 (1 records) took "),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("over slow_commit_ms = 100"), std::string::npos) << log;
    prometheus_scrape s;
    ASSERT_TRUE(scrape(port, s));
    EXPECT_EQ(or_zero(s.value("stampd_slow_commits_total")), 1);
    EXPECT_EQ(or_zero(s.value("stampd_commit_duration_seconds_bucket", {{"le", "0.25"}})), 1)
        << "the bootstrap admin's commit only: the slow one took over 300 ms";
    EXPECT_EQ(server.stop(SIGTERM), 0);
    std::filesystem::remove_all(dir);
}

// Issue 17: --print-config shows every value in force and where it came from, and checks the
// settings as a start would, without starting.
TEST(operations, print_config_shows_each_value_in_force_and_where_it_came_from) {
    const std::string dir = temp_dir("stampd-print-config");
    ASSERT_FALSE(dir.empty());
    {
        std::ofstream(dir + "/stampd.toml") << "# two settings\n"
                                            << "listen = \"127.0.0.1:7001\"\n"
                                            << "snapshots_kept = 5\n"
                                            << "io_threads = 3\n";
    }
    const std::string out = dir + "/print.out";
    ASSERT_EQ(run({STAMPD_BIN, "--config", dir + "/stampd.toml", "--io-threads", "2", "--data",
                   dir + "/never", "--print-config"},
                  out),
              0)
        << read_text(out);
    const std::string said = read_text(out);
    const auto line_of = [&](const std::string& key) {
        const auto at = said.find("\n" + key + " = ");
        return at == std::string::npos ? std::string{}
                                       : said.substr(at + 1, said.find('\n', at + 1) - at - 1);
    };
    EXPECT_NE(line_of("listen").find("\"127.0.0.1:7001\""), std::string::npos) << said;
    EXPECT_NE(line_of("listen").find("# " + dir + "/stampd.toml:2"), std::string::npos) << said;
    EXPECT_NE(line_of("snapshots_kept").find("5"), std::string::npos) << said;
    EXPECT_NE(line_of("snapshots_kept").find("stampd.toml:3"), std::string::npos) << said;
    EXPECT_NE(line_of("io_threads").find("= 2 "), std::string::npos) << said;
    EXPECT_NE(line_of("io_threads").find("# --io-threads"), std::string::npos) << said;
    EXPECT_NE(line_of("batch_size_max").find("8192"), std::string::npos) << said;
    EXPECT_NE(line_of("batch_size_max").find("# default"), std::string::npos) << said;
    EXPECT_FALSE(std::filesystem::exists(dir + "/never")) << "--print-config started stampd";
    // It checks as a start does: a mistake is exit 2 with its message, and nothing is printed.
    ASSERT_EQ(run({STAMPD_BIN, "--http-listen", "localhost:7879", "--print-config"}, out), 2);
    EXPECT_NE(read_text(out).find("--http-listen (http_listen) wants IP:PORT"), std::string::npos)
        << read_text(out);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace stampd::processes
