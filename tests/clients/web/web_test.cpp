// stamp-web over real loopback sockets: a stampd server and a stamp-web server in this process,
// spoken to as a browser would (HTTP and WebSocket through Beast's client side). Logins, the
// cookie's attributes, CSRF and Origin refusals, the JSON API both ways, expiry, and the live
// socket's coalescing.
#include <utility>  // Boost 1.74's asio uses std::exchange without including it

#include <gtest/gtest.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "clients/web/web_server.hpp"
#include "net/server.hpp"
#include "tests/support/temp_dir.hpp"

namespace stampd::web {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

constexpr const char* admin_token = "admin-token-0123456789";
constexpr const char* admin_password = "the admin's password";

struct reply {
    unsigned status = 0;
    json body;
    std::string set_cookie;
};

class web_test : public ::testing::Test {
protected:
    stampd::testing::temp_dir dir, files;
    std::unique_ptr<net::server> stampd;
    asio::io_context context{1};
    std::unique_ptr<web_server> web;
    std::thread runner;
    std::uint16_t port = 0;

    void SetUp() override {
        wal::runtime_options runtime{.storage = {.path = dir / "data"}};
        runtime.log = [](const std::string&) {};
        net::server_options options;
        options.port = 0;
        options.bootstrap_admin_token = admin_token;
        options.bootstrap_admin_password = admin_password;
        options.auth_proxies = {"127.0.0.1"};
        options.log = [](net::log_level, const std::string&) {};
        std::filesystem::create_directories(dir / "data");
        std::filesystem::permissions(dir / "data", std::filesystem::perms::owner_all);
        const wal::status started = net::server::start(runtime, options, stampd);
        ASSERT_TRUE(started.ok()) << started.message();
        std::ofstream(files / "index.html") << "<!doctype html><title>stamp-web</title>";
        start_web({});
    }
    void start_web(session_limits limits) {
        web_options o;
        o.port = 0;
        o.static_dir = files.path();
        o.stampd.port = std::to_string(stampd->port());
        o.sessions = limits;
        web = std::make_unique<web_server>(context, o);
        port = web->port();
        runner = std::thread([this] { context.run(); });
    }
    void TearDown() override {
        asio::post(context, [this] {
            web->stop();
            context.stop();
        });
        if (runner.joinable()) runner.join();
        web.reset();
        if (stampd) stampd->stop();
    }

    // One HTTP exchange on a fresh connection.
    reply send(http::verb verb, const std::string& target, const std::string& body = "",
               const std::map<std::string, std::string>& headers = {}) {
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
        req.set(http::field::content_type, "application/json");
        for (const auto& [name, value] : headers)
            req.set(name, value);
        req.body() = body;
        req.prepare_payload();
        http::write(socket, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(socket, buffer, res);
        reply r;
        r.status = res.result_int();
        r.body = json::parse(res.body(), nullptr, false);
        if (const auto it = res.find(http::field::set_cookie); it != res.end())
            r.set_cookie = std::string(it->value());
        return r;
    }

    struct login_state {
        std::string cookie, csrf;
    };
    login_state login(const std::string& user, const std::string& password) {
        const reply r = send(http::verb::post, "/api/login",
                             json{{"user", user}, {"password", password}}.dump());
        EXPECT_EQ(r.status, 200u) << r.body.dump();
        login_state s;
        s.cookie = r.set_cookie.substr(0, r.set_cookie.find(';'));
        if (r.body.is_object() && r.body.contains("csrf")) s.csrf = r.body["csrf"];
        return s;
    }
    reply call(const login_state& s, const json& request) {
        return send(http::verb::post, "/api/call", request.dump(),
                    {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}});
    }
};

TEST_F(web_test, a_person_logs_in_and_the_cookie_keeps_its_session_to_itself) {
    const reply r = send(http::verb::post, "/api/login",
                         json{{"user", "admin"}, {"password", admin_password}}.dump());
    ASSERT_EQ(r.status, 200u) << r.body.dump();
    EXPECT_EQ(r.body["user"]["name"], "Administrator");
    EXPECT_EQ(r.body["user"]["roles"], json::array({"admin"}));
    EXPECT_EQ(r.body["csrf"].get<std::string>().size(), 64u);
    EXPECT_NE(r.set_cookie.find("stamp_web_session="), std::string::npos);
    EXPECT_NE(r.set_cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(r.set_cookie.find("SameSite=Strict"), std::string::npos);
    EXPECT_EQ(r.set_cookie.find("Secure"), std::string::npos);  // plain HTTP here
    const std::string cookie = r.set_cookie.substr(0, r.set_cookie.find(';'));
    const reply again = send(http::verb::get, "/api/session", "", {{"Cookie", cookie}});
    EXPECT_EQ(again.status, 200u);
    EXPECT_EQ(again.body["csrf"], r.body["csrf"]);
    // A made-up cookie is nobody.
    EXPECT_EQ(send(http::verb::get, "/api/session", "",
                   {{"Cookie", "stamp_web_session=" + std::string(64, 'a')}})
                  .status,
              401u);
}

TEST_F(web_test, a_wrong_password_is_refused_in_stampds_words) {
    const reply r = send(http::verb::post, "/api/login",
                         json{{"user", "admin"}, {"password", "not the password"}}.dump());
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.body["error"]["code"], "UNAUTHENTICATED");
    EXPECT_EQ(r.body["error"]["message"], "wrong user or password");
    EXPECT_TRUE(r.set_cookie.empty());
}

TEST_F(web_test, with_stampd_down_a_login_says_so_and_a_session_ends) {
    const login_state s = login("admin", admin_password);
    stampd->stop();
    stampd.reset();
    const reply down = send(http::verb::post, "/api/login",
                            json{{"user", "admin"}, {"password", admin_password}}.dump());
    EXPECT_EQ(down.status, 503u) << down.body.dump();
    EXPECT_EQ(down.body["error"]["code"], "UNAVAILABLE");
    // The session's own connection closed with it: the next call says to log in again.
    const reply after = call(s, {{"kind", "GetBalances"}});
    EXPECT_EQ(after.status, 401u) << after.body.dump();
}

TEST_F(web_test, changes_need_the_csrf_token_and_this_hosts_origin) {
    const login_state s = login("admin", admin_password);
    const json create = {{"kind", "CreateConsignee"},
                         {"body", {{"key", "ACME"}, {"name", "Acme"}, {"primary_province", "ON"}}}};
    // The cookie alone: refused, nothing done.
    const reply forged = send(http::verb::post, "/api/call", create.dump(), {{"Cookie", s.cookie}});
    EXPECT_EQ(forged.status, 403u);
    EXPECT_EQ(forged.body["error"]["code"], "CSRF");
    const reply wrong = send(http::verb::post, "/api/call", create.dump(),
                             {{"Cookie", s.cookie}, {"X-CSRF-Token", std::string(64, '0')}});
    EXPECT_EQ(wrong.status, 403u);
    // From another site's page: refused even with the token.
    const reply foreign =
        send(http::verb::post, "/api/call", create.dump(),
             {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}, {"Origin", "http://evil.example"}});
    EXPECT_EQ(foreign.status, 403u);
    EXPECT_EQ(foreign.body["error"]["code"], "ORIGIN");
    const reply list = call(s, {{"kind", "ListReference"}, {"body", {{"kind", "Consignees"}}}});
    ASSERT_EQ(list.status, 200u);
    EXPECT_TRUE(list.body["rows"].empty()) << list.body.dump();
    // With both: done.
    const reply done = call(s, create);
    ASSERT_EQ(done.status, 200u);
    EXPECT_EQ(done.body["type"], "Outcome");
    EXPECT_EQ(done.body["code"], "OK");
}

TEST_F(web_test, the_api_reads_and_answers_in_the_protocols_own_names) {
    const login_state s = login("admin", admin_password);
    const reply created =
        call(s, {{"kind", "CreateConsignee"}, {"body", {{"key", "ACME"}, {"name", "Acme"}}}});
    ASSERT_EQ(created.body["code"], "OK") << created.body.dump();
    const reply product = call(s, {{"kind", "CreateProduct"},
                                   {"body",
                                    {{"sku", "MINT15"},
                                     {"consignee", created.body["result"]},
                                     {"name", "Mint 15 mL"},
                                     {"volume_ul", 15000}}}});
    EXPECT_EQ(product.body["code"], "OK") << product.body.dump();
    // A dry run lists the events, records nothing.
    const reply dry = call(s, {{"kind", "SetDutyRate"},
                               {"body", {{"region", "ON"}, {"cents_per_increment", 12}}},
                               {"dry_run", true}});
    EXPECT_EQ(dry.body["effects"][0]["type"], "DutyRateSet") << dry.body.dump();
    EXPECT_EQ(dry.body["lsn"], 0);
    // A refusal keeps the engine's code and figures.
    const reply refused =
        call(s, {{"kind", "CreateConsignee"}, {"body", {{"key", "ACME"}, {"name", "Again"}}}});
    EXPECT_EQ(refused.body["code"], "ALREADY_EXISTS");
    EXPECT_EQ(refused.body["about"], "Consignee");
    // What the schema does not have is a 400 naming it; so is a kind the API does not carry.
    const reply typo = call(s, {{"kind", "CreateConsignee"}, {"body", {{"kee", "X"}}}});
    EXPECT_EQ(typo.status, 400u);
    EXPECT_NE(typo.body["error"]["message"].get<std::string>().find("kee"), std::string::npos);
    EXPECT_EQ(call(s, {{"kind", "Hello"}, {"body", json::object()}}).status, 400u);
    EXPECT_EQ(call(s, {{"kind", "SetUserPassword"}, {"body", json::object()}}).status, 400u);
    EXPECT_EQ(call(s, {{"kind", "GetPo"}, {"body", "not an object"}}).status, 400u);
}

TEST_F(web_test, stampds_roles_decide_what_a_person_may_do) {
    const login_state admin = login("admin", admin_password);
    const reply user = call(admin, {{"kind", "CreateUser"},
                                    {"body",
                                     {{"key", "stella"},
                                      {"name", "Stella"},
                                      {"roles", 1},
                                      {"token", "stella-token-0123456789"}}}});
    ASSERT_EQ(user.body["code"], "OK") << user.body.dump();
    const reply set =
        send(http::verb::post, "/api/password",
             json{{"user", user.body["result"]}, {"new", "stella's first one"}}.dump(),
             {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}});
    ASSERT_EQ(set.body["code"], "OK") << set.body.dump();
    const login_state stella = login("stella", "stella's first one");
    const reply forbidden =
        call(stella, {{"kind", "SchedulePo"}, {"body", {{"po", 1}, {"on", 20000}}}});
    EXPECT_EQ(forbidden.body["code"], "FORBIDDEN") << forbidden.body.dump();
    // Her own password: only with the current one.
    const reply without =
        send(http::verb::post, "/api/password", json{{"new", "stella's second one"}}.dump(),
             {{"Cookie", stella.cookie}, {"X-CSRF-Token", stella.csrf}});
    EXPECT_EQ(without.status, 400u);
    const reply wrong =
        send(http::verb::post, "/api/password",
             json{{"current", "a wrong guess!"}, {"new", "stella's second one"}}.dump(),
             {{"Cookie", stella.cookie}, {"X-CSRF-Token", stella.csrf}});
    EXPECT_EQ(wrong.status, 403u);
    EXPECT_EQ(wrong.body["error"]["code"], "WRONG_PASSWORD");
    const reply changed =
        send(http::verb::post, "/api/password",
             json{{"current", "stella's first one"}, {"new", "stella's second one"}}.dump(),
             {{"Cookie", stella.cookie}, {"X-CSRF-Token", stella.csrf}});
    EXPECT_EQ(changed.body["code"], "OK") << changed.body.dump();
    login("stella", "stella's second one");
    // And not another's.
    const reply theirs =
        send(http::verb::post, "/api/password", json{{"user", 1}, {"new", "taken over!!"}}.dump(),
             {{"Cookie", stella.cookie}, {"X-CSRF-Token", stella.csrf}});
    EXPECT_EQ(theirs.body["code"], "FORBIDDEN");
}

TEST_F(web_test, logout_ends_the_session) {
    const login_state s = login("admin", admin_password);
    const reply out =
        send(http::verb::post, "/api/logout", "", {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}});
    EXPECT_EQ(out.status, 204u);
    EXPECT_NE(out.set_cookie.find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(call(s, {{"kind", "GetBalances"}}).status, 401u);
}

TEST_F(web_test, an_idle_session_expires) {
    asio::post(context, [this] {
        web->stop();
        context.stop();
    });
    runner.join();
    web.reset();
    context.restart();
    start_web(session_limits{.idle = std::chrono::seconds(1)});
    const login_state s = login("admin", admin_password);
    EXPECT_EQ(call(s, {{"kind", "GetBalances"}}).status, 200u);
    // Polled, bounded: the session must be gone within a few seconds of its idle second.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    unsigned status = 200;
    while (status == 200 && std::chrono::steady_clock::now() < deadline) {
        // A request refused for its missing CSRF token (403; 401 once expired) is no use of the
        // session.
        const unsigned forged = send(http::verb::post, "/api/call",
                                     json{{"kind", "GetBalances"}}.dump(), {{"Cookie", s.cookie}})
                                    .status;
        EXPECT_TRUE(forged == 403u || forged == 401u) << forged;
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        status = send(http::verb::get, "/api/session", "", {{"Cookie", s.cookie}}).status;
    }
    EXPECT_EQ(status, 401u);
    const reply after = call(s, {{"kind", "GetBalances"}});
    EXPECT_EQ(after.status, 401u);
    EXPECT_EQ(after.body["error"]["code"], "UNAUTHENTICATED");
}

TEST_F(web_test, static_files_come_with_their_type_and_a_strict_policy) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> req{http::verb::get, "/", 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_NE(std::string(res["Content-Security-Policy"]).find("default-src 'self'"),
              std::string::npos);
    EXPECT_NE(res.body().find("stamp-web"), std::string::npos);
    EXPECT_EQ(send(http::verb::get, "/../../etc/passwd").status, 404u);
    EXPECT_EQ(send(http::verb::get, "/nothing.js").status, 404u);
}

// Pushes for a watched PO reach the page coalesced: many boxes confirmed in a burst come as a few
// messages, at most one each live_interval, naming the PO.
TEST_F(web_test, the_live_socket_names_what_changed_a_few_times_a_second_not_per_event) {
    const login_state s = login("admin", admin_password);
    const auto ok = [&](const json& request) {
        const reply r = call(s, request);
        EXPECT_EQ(r.body["code"], "OK") << request.dump() << " → " << r.body.dump();
        return r.body["result"].get<std::uint32_t>();
    };
    const std::uint32_t consignee =
        ok({{"kind", "CreateConsignee"}, {"body", {{"key", "ACME"}, {"name", "Acme"}}}});
    const std::uint32_t product =
        ok({{"kind", "CreateProduct"},
            {"body",
             {{"sku", "MINT"}, {"consignee", consignee}, {"name", "Mint"}, {"volume_ul", 15000}}}});
    const std::uint32_t shipment =
        ok({{"kind", "CreateShipment"}, {"body", {{"key", "SH1"}, {"consignee", consignee}}}});
    ok({{"kind", "StartReceiving"}, {"body", {{"shipment", shipment}}}});
    for (int i = 0; i < 3; ++i) {
        ok({{"kind", "ReceiveBox"},
            {"body",
             {{"shipment", shipment},
              {"barcode", "B" + std::to_string(i)},
              {"product", product},
              {"units", 10}}}});
    }
    ok({{"kind", "FinishReceiving"}, {"body", {{"shipment", shipment}}}});
    const std::uint32_t po = ok(
        {{"kind", "CreatePo"},
         {"body",
          {{"consignee", consignee},
           {"shipment", shipment},
           {"lines", json::array({{{"product", product}, {"region", "ON"}, {"quantity", 30}}})}}}});

    asio::io_context io;
    websocket::stream<tcp::socket> ws(io);
    ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws.set_option(websocket::stream_base::decorator(
        [&](websocket::request_type& req) { req.set(http::field::cookie, s.cookie); }));
    ws.handshake("127.0.0.1:" + std::to_string(port), "/api/live");
    ws.write(asio::buffer(json{{"watch", {{"pos", {po}}}}}.dump()));
    // The subscription is registered on stampd's writer: a change to the PO after it shows.
    // Commands on the same session's connection come after the Subscribe, so each is pushed.
    const auto before = std::chrono::steady_clock::now();
    std::uint64_t last_lsn = 0;
    for (int i = 0; i < 20; ++i) {
        const reply r = call(
            s,
            {{"kind", "EditPoLines"},
             {"body",
              {{"po", po},
               {"lines",
                json::array({{{"product", product}, {"region", "ON"}, {"quantity", 10 + i}}})}}}});
        ASSERT_EQ(r.body["code"], "OK") << r.body.dump();
        last_lsn = r.body["lsn"].get<std::uint64_t>();
    }
    const auto burst = std::chrono::steady_clock::now() - before;
    // Read until the last edit has been told of (its LSN).
    int messages = 0;
    std::uint64_t told = 0;
    while (told < last_lsn) {
        beast::flat_buffer in;
        ws.read(in);
        const json m = json::parse(beast::buffers_to_string(in.data()));
        ASSERT_EQ(m["type"], "changed") << m.dump();
        EXPECT_EQ(m["pos"], json::array({po}));
        EXPECT_FALSE(m.contains("events")) << "what changed, not the records";
        const std::uint64_t lsn = m["lsn"].get<std::uint64_t>();
        EXPECT_GT(lsn, told);
        told = lsn;
        ++messages;
    }
    EXPECT_EQ(told, last_lsn);
    const auto took = std::chrono::steady_clock::now() - before;
    // 20 pushes, but at most one message a 100 ms (and one more for a tick in progress).
    const auto ticks = std::chrono::duration_cast<std::chrono::milliseconds>(took).count() / 100;
    EXPECT_LE(messages, ticks + 2) << messages << " messages in " << ticks * 100 << " ms";
    EXPECT_LT(messages, 20) << "burst of " << std::chrono::duration<double>(burst).count() << " s";
}

}  // namespace
}  // namespace stampd::web
