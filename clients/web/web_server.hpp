// stamp-web's HTTP side (Boost.Beast, HTTP/1.1 and WebSocket, over TCP or TLS): the front end's
// static files, the JSON API, and the live socket.
//
//   GET  /, /<file>     the front end (clients/web/static/, loaded into memory at start)
//   POST /api/login     {"user","password"} → a session cookie and the CSRF token
//   GET  /api/session   who is logged in (and the CSRF token again, for a reloaded page)
//   POST /api/logout
//   POST /api/call      {"kind","body","dry_run"}: any command or read of stampd's protocol,
//                       sent as the person over their own stampd connection
//   POST /api/password  {"current","new"} one's own; {"user","new"} an admin's setting
//   POST /api/report    {"report":"stamp-accounting","month"|"quarter"|"from","to","format",
//                       "at_lsn"} or {"report":"invoice","invoice","format"}: a document made
//                       from --data-dir by the report library (report_worker.hpp); 404
//                       NO_DATA_DIR without one, 503 BUSY with Retry-After when reports queue
//   GET  /api/live      WebSocket: {"watch":{"pos":[...]}} in, {"type":"changed",...} out
//   GET  /healthz       "ok" while stamp-web runs (stampd may still be down)
//
// Every POST needs the session's X-CSRF-Token (login aside, which needs a JSON body); a
// request with an Origin must come from this host. Cookies are HttpOnly, SameSite=Strict, and
// Secure when served over TLS (or with cookie_secure behind a TLS proxy).
// Bounds: connections_max connections, request headers 8 KiB, bodies 64 KiB, 30 s to send a
// request, live messages 4 KiB in. Threads: one io_context, run by one thread.
#pragma once

#include <utility>  // Boost 1.74's asio uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "clients/web/sessions.hpp"
#include "clients/web/upstream.hpp"

namespace stampd::web {

struct web_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string static_dir;
    upstream_settings stampd;
    session_limits sessions;
    std::size_t connections_max = 512;
    asio::ssl::context* tls = nullptr;  // set: HTTPS
    bool cookie_secure = false;         // Secure cookies without TLS here (a TLS proxy in front)
    std::string data_dir;               // set: reports from stampd's data directory, read-only
    std::string warehouse;              // printed at the head of the reports' documents
    std::function<void(const std::string&)> log;
};

class web_server {
public:
    // Loads the static files and listens. Throws std::runtime_error saying why it cannot.
    web_server(asio::io_context& context, web_options options);
    ~web_server();
    std::uint16_t port() const;
    void stop();

    struct impl;

private:
    std::shared_ptr<impl> _impl;
};

}  // namespace stampd::web
