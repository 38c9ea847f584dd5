// See web_server.hpp.
#include "clients/web/web_server.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "clients/lib/json.hpp"
#include "clients/web/api_json.hpp"
#include "clients/web/report_worker.hpp"

namespace stampd::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

namespace {

constexpr std::size_t header_limit = 8 * 1024;
constexpr std::size_t body_limit = 64 * 1024;
constexpr std::size_t live_message_max = 4 * 1024;
constexpr std::size_t static_files_max = 256;
constexpr std::size_t static_bytes_max = 16 * 1024 * 1024;
constexpr std::chrono::seconds request_timeout{30};
constexpr const char* cookie_name = "stamp_web_session";

struct static_file {
    std::string body;
    std::string type;
};

std::string content_type(const std::filesystem::path& p) {
    static const std::map<std::string, std::string> types = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
        {".md", "text/plain; charset=utf-8"}};
    const auto it = types.find(p.extension().string());
    return it == types.end() ? "application/octet-stream" : it->second;
}

std::map<std::string, static_file> load_static(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw std::runtime_error("the front end's files are not at " + dir + " (--static-dir)");
    std::map<std::string, static_file> files;
    std::size_t bytes = 0;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        if (files.size() >= static_files_max || bytes + e.file_size() > static_bytes_max) {
            throw std::runtime_error(dir + " holds more than " + std::to_string(static_files_max) +
                                     " files or " + std::to_string(static_bytes_max) + " bytes");
        }
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream body;
        body << in.rdbuf();
        const std::string path = "/" + fs::relative(e.path(), dir).generic_string();
        bytes += body.str().size();
        files.emplace(path, static_file{body.str(), content_type(e.path())});
    }
    if (!files.contains("/index.html")) throw std::runtime_error(dir + " has no index.html");
    return files;
}

std::string_view sv(beast::string_view v) {
    return {v.data(), v.size()};
}

std::string error_json(const std::string& code, const std::string& message) {
    json::object error{{"code", code}, {"message", message}};
    return json::to_string(json::value(json::object{{"error", std::move(error)}}));
}

// The value of cookie `name` in a Cookie header, or "".
std::string cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const std::size_t end = header.find(';');
        std::string_view pair = header.substr(0, end);
        while (!pair.empty() && pair.front() == ' ')
            pair.remove_prefix(1);
        if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
            pair[name.size()] == '=') {
            return std::string(pair.substr(name.size() + 1));
        }
        if (end == std::string_view::npos) break;
        header.remove_prefix(end + 1);
    }
    return {};
}

// The role bits as names, as the engine names them.
json::array role_names(role_set roles) {
    json::array out;
    for (std::size_t r = 0; r < role_count; ++r) {
        if ((roles & role_bit(static_cast<role>(r))) != 0)
            out.emplace_back(to_string(static_cast<role>(r)));
    }
    return out;
}

// A JSON object's text field, or "".
std::string text_field(const nlohmann::json& o, const char* name) {
    const auto it = o.find(name);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// A JSON object's id field (1 to 2^32 - 1), or id_none.
std::uint32_t id_field(const nlohmann::json& o, const char* name) {
    const auto it = o.find(name);
    if (it == o.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() > 0xFFFFFFFFu)
        return id_none;
    return it->get<std::uint32_t>();
}

struct job_refusal {
    http::status status = http::status::bad_request;
    std::string code = "BAD_REQUEST", message;
};

// /api/report's body as a job: {"report": "stamp-accounting" (a period; "at_lsn"), "invoice"
// ("invoice") or "stamp-order-history" ("stamp_order")}, "format" json (an invoice: pdf), csv or
// pdf. Who may have which is checked here on the session's roles, so that nothing is loaded for
// a refusal, and again by the worker on the state it loads (the roles may have changed since).
std::optional<job_refusal> read_report_job(const nlohmann::json& body, role_set roles,
                                           report_job& job) {
    const bool consignee = (roles & role_bit(role::consignee)) != 0;
    const bool office = (roles & (role_bit(role::finance) | role_bit(role::admin))) != 0;
    const std::string format = text_field(body, "format");
    if (format != "json" && format != "csv" && format != "pdf" && !format.empty())
        return job_refusal{.message = "format: json, csv or pdf"};
    job.how = format == "pdf"   ? report::format::pdf
              : format == "csv" ? report::format::csv
                                : report::format::json;
    const std::string what = text_field(body, "report");
    const auto forbidden = [](std::string why) {
        return job_refusal{.status = http::status::forbidden, .code = "FORBIDDEN", .message = why};
    };
    if (what == "stamp-accounting") {
        if (!office || consignee)
            return forbidden("the Stamp Accounting is finance's and the admin's");
        std::string error;
        if (!report::parse_period(text_field(body, "from"), text_field(body, "to"),
                                  text_field(body, "month"), text_field(body, "quarter"), job.span,
                                  error)) {
            return job_refusal{.message = error};
        }
        if (const auto at = body.find("at_lsn"); at != body.end()) {
            if (!at->is_number_unsigned()) return job_refusal{.message = "at_lsn: an LSN"};
            job.at_lsn = at->get<std::uint64_t>();
        }
    } else if (what == "invoice") {
        if (!office && !consignee) return forbidden("invoices are finance's and the admin's");
        job.what = report_job::kind::invoice;
        job.invoice = id_field(body, "invoice");
        if (job.invoice == id_none) return job_refusal{.message = "invoice: an invoice id"};
        if (format.empty()) job.how = report::format::pdf;
    } else if (what == "stamp-order-history") {
        if (consignee) return forbidden("stamp orders are the warehouse's");
        job.what = report_job::kind::stamp_order_history;
        job.stamp_order = id_field(body, "stamp_order");
        if (job.stamp_order == id_none) return job_refusal{.message = "stamp_order: an id"};
    } else {
        return job_refusal{.message = "report: stamp-accounting, invoice or stamp-order-history"};
    }
    return std::nullopt;
}

}  // namespace

struct web_server::impl : std::enable_shared_from_this<impl> {
    asio::io_context& context;
    web_options options;
    std::map<std::string, static_file> files;
    tcp::acceptor acceptor;
    session_registry sessions;
    request_reader reader;
    std::unique_ptr<report_worker> reports;  // null without --data-dir
    std::size_t connections = 0;
    bool stopped = false;

    impl(asio::io_context& c, web_options o)
        : context(c),
          options(std::move(o)),
          files(load_static(options.static_dir)),
          acceptor(c),
          sessions(c, options.sessions, [this](const std::string& line) { log(line); }) {
        if (!options.data_dir.empty())
            reports = std::make_unique<report_worker>(c, options.data_dir, options.warehouse);
    }

    void log(const std::string& line) const {
        if (options.log) options.log(line);
    }
    void accept();
    bool secure() const { return options.tls != nullptr || options.cookie_secure; }

    std::string session_json(const web_session& s) const {
        json::object user{{"id", std::uint64_t{s.who.user}},
                          {"key", s.user_key},
                          {"name", s.who.name},
                          {"consignee", std::uint64_t{s.who.consignee}},
                          {"roles", role_names(s.who.roles)}};
        json::object session{
            {"user", std::move(user)},
            {"csrf", s.csrf},
            {"reports", reports != nullptr},
            {"idle_timeout_s", std::int64_t{options.sessions.idle.count()}},
            {"absolute_timeout_s", std::int64_t{options.sessions.absolute.count()}}};
        return json::to_string(json::value(std::move(session)));
    }
    std::string session_cookie(const std::string& id, bool clear) const {
        std::string c = std::string(cookie_name) + "=" + id + "; Path=/; HttpOnly; SameSite=Strict";
        if (secure()) c += "; Secure";
        if (clear) c += "; Max-Age=0";
        return c;
    }
};

namespace {

using impl_ptr = std::shared_ptr<web_server::impl>;

response make_response(const request& req, http::status status, std::string body,
                       const char* type = "application/json") {
    response res{status, req.version()};
    res.set(http::field::server, "stamp-web");
    res.set(http::field::content_type, type);
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

// A request from another site's page says so in Origin: it must name this host.
bool same_origin(const request& req) {
    const auto origin = req.find(http::field::origin);
    if (origin == req.end()) return true;
    const auto host = req.find(http::field::host);
    if (host == req.end()) return false;
    const std::string_view o = sv(origin->value());
    const std::string_view h = sv(host->value());
    const auto scheme_end = o.find("://");
    return scheme_end != std::string_view::npos && o.substr(scheme_end + 3) == h;
}

// ------------------------------------------------------------------------------ live sockets
template <typename Stream>
class live_connection : public live_socket,
                        public std::enable_shared_from_this<live_connection<Stream>> {
public:
    live_connection(impl_ptr server, Stream&& stream, std::shared_ptr<web_session> session)
        : _server(std::move(server)), _ws(std::move(stream)), _session(std::move(session)) {}

    void start(const request& req) {
        _ws.read_message_max(live_message_max);
        _ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        _ws.async_accept(req, [self = this->shared_from_this()](beast::error_code error) {
            if (error) return;
            auto s = self->_session.lock();
            if (!s || !self->_server->sessions.attach(*s, self.get())) {
                self->close_with("{\"type\":\"refused\",\"why\":\"too many pages open\"}");
                return;
            }
            self->_attached = true;
            self->read();
        });
    }
    ~live_connection() override { detach(); }

    void send(std::string message) override {
        if (_closed) return;
        _next = std::move(message);
        write_next();
    }
    void close_with(std::string message) override {
        _closing = true;
        _attached = false;  // the registry has let go of this socket already
        send(std::move(message));
    }

private:
    void detach() {
        if (!_attached) return;
        _attached = false;
        if (auto s = _session.lock()) _server->sessions.detach(*s, this);
    }
    void read() {
        _ws.async_read(_in,
                       [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                           if (error) {
                               self->_closed = true;
                               self->detach();
                               return;
                           }
                           self->received(beast::buffers_to_string(self->_in.data()));
                           self->_in.consume(self->_in.size());
                           self->read();
                       });
    }
    // {"watch":{"pos":[3,4],"consignees":[1]}}: the POs and consignees this page shows.
    void received(const std::string& text) {
        const nlohmann::json m = nlohmann::json::parse(text, nullptr, false);
        auto s = _session.lock();
        if (!s || m.is_discarded() || !m.is_object() || !m.contains("watch")) return;
        page_watch what;
        const nlohmann::json& w = m["watch"];
        const auto ids = [&w](const char* name, std::set<std::uint32_t>& out, std::size_t max) {
            if (!w.is_object() || !w.contains(name) || !w[name].is_array()) return;
            for (const nlohmann::json& p : w[name]) {
                if (p.is_number_unsigned() && p.get<std::uint64_t>() != 0 &&
                    p.get<std::uint64_t>() <= 0xFFFFFFFFu && out.size() < max) {
                    out.insert(p.get<std::uint32_t>());
                }
            }
        };
        ids("pos", what.pos, watched_pos_max);
        ids("consignees", what.consignees, watched_consignees_max);
        _server->sessions.watch(*s, this, std::move(what));
    }
    void write_next() {
        if (_writing || !_next) return;
        _writing = true;
        _out = std::move(*_next);
        _next.reset();
        _ws.text(true);
        _ws.async_write(asio::buffer(_out), [self = this->shared_from_this()](
                                                beast::error_code error, std::size_t) {
            self->_writing = false;
            if (error) {
                self->_closed = true;
                self->detach();
                return;
            }
            if (self->_next) {
                self->write_next();
            } else if (self->_closing && !self->_closed) {
                self->_closed = true;
                self->_ws.async_close(websocket::close_code::normal, [self](beast::error_code) {});
            }
        });
    }

    impl_ptr _server;
    websocket::stream<Stream> _ws;
    std::weak_ptr<web_session> _session;
    beast::flat_buffer _in;
    std::string _out;
    std::optional<std::string> _next;  // one message waits at most: a newer replaces it
    bool _writing = false, _closing = false, _closed = false, _attached = false;
};

// ------------------------------------------------------------------------------ HTTP
template <typename Stream>
class http_connection : public std::enable_shared_from_this<http_connection<Stream>> {
public:
    http_connection(impl_ptr server, Stream&& stream, std::string address)
        : _server(std::move(server)), _stream(std::move(stream)), _address(std::move(address)) {
        ++_server->connections;
    }
    ~http_connection() { --_server->connections; }

    void start() {
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            read();
        } else {
            beast::get_lowest_layer(_stream).expires_after(request_timeout);
            _stream.async_handshake(asio::ssl::stream_base::server,
                                    [self = this->shared_from_this()](beast::error_code error) {
                                        if (!error) self->read();
                                    });
        }
    }

private:
    using self_ptr = std::shared_ptr<http_connection>;

    void read() {
        _parser.emplace();
        _parser->header_limit(header_limit);
        _parser->body_limit(body_limit);
        beast::get_lowest_layer(_stream).expires_after(request_timeout);
        http::async_read(
            _stream, _buffer, *_parser,
            [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                if (error == http::error::body_limit) {
                    self->_request = self->_parser->release();
                    self->reply(make_response(
                        self->_request, http::status::payload_too_large,
                        error_json("TOO_LARGE", "a request body has at most " +
                                                    std::to_string(body_limit) + " bytes")));
                    return;
                }
                if (error) return;  // closed, timed out, or not HTTP
                self->_request = self->_parser->release();
                self->route();
            });
    }

    void reply(response res) {
        auto held = std::make_shared<response>(std::move(res));
        const bool keep = held->keep_alive();
        http::async_write(
            _stream, *held,
            [self = this->shared_from_this(), held, keep](beast::error_code error, std::size_t) {
                if (error) return;
                if (keep) {
                    self->read();
                } else {
                    beast::error_code ignored;
                    beast::get_lowest_layer(self->_stream)
                        .socket()
                        .shutdown(tcp::socket::shutdown_send, ignored);
                }
            });
    }
    void reply(http::status status, std::string body) {
        reply(make_response(_request, status, std::move(body)));
    }
    void refuse(http::status status, const std::string& code, const std::string& message) {
        reply(status, error_json(code, message));
    }

    std::shared_ptr<web_session> current_session(bool touch = true) {
        const auto header = _request.find(http::field::cookie);
        if (header == _request.end()) return nullptr;
        const std::string id = cookie_value(sv(header->value()), cookie_name);
        return id.empty() ? nullptr : _server->sessions.find(id, touch);
    }

    void route() {
        const std::string target(sv(_request.target()));
        const http::verb verb = _request.method();
        if (websocket::is_upgrade(_request)) {
            if (target != "/api/live") return refuse(http::status::not_found, "NOT_FOUND", target);
            return live();
        }
        if (target.starts_with("/api/")) {
            if (verb == http::verb::get && target == "/api/session") return get_session();
            if (verb != http::verb::post) {
                return refuse(http::status::method_not_allowed, "METHOD", "use POST for " + target);
            }
            if (!same_origin(_request)) {
                return refuse(http::status::forbidden, "ORIGIN",
                              "this request came from another site's page");
            }
            if (target == "/api/login") return login();
            // Looked up without restarting its idle time: only a request that passes the CSRF
            // check below counts as use.
            std::shared_ptr<web_session> s = current_session(false);
            if (!s) {
                return refuse(http::status::unauthorized, "UNAUTHENTICATED",
                              "not logged in, or the session expired: log in again");
            }
            const auto token = _request.find("X-CSRF-Token");
            if (token == _request.end() || !same_secret(std::string(sv(token->value())), s->csrf)) {
                return refuse(http::status::forbidden, "CSRF",
                              "the request lacks this session's CSRF token: reload the page");
            }
            s->last_used = clock::now();
            if (target == "/api/logout") return logout(*s);
            if (target == "/api/call") return call(s);
            if (target == "/api/password") return password(s);
            if (target == "/api/report") return report(s);
            return refuse(http::status::not_found, "NOT_FOUND", "no API at " + target);
        }
        if (verb != http::verb::get && verb != http::verb::head) {
            return refuse(http::status::method_not_allowed, "METHOD", "only GET here");
        }
        if (target == "/healthz") {
            return reply(make_response(_request, http::status::ok, "ok\n", "text/plain"));
        }
        std::string path = target.substr(0, target.find('?'));
        if (path == "/") path = "/index.html";
        const auto it = _server->files.find(path);
        if (it == _server->files.end()) {
            return reply(
                make_response(_request, http::status::not_found, "not found\n", "text/plain"));
        }
        response res =
            make_response(_request, http::status::ok, it->second.body, it->second.type.c_str());
        res.set(http::field::cache_control, "no-cache");
        if (verb == http::verb::head) res.body().clear();
        reply(std::move(res));
    }

    void get_session() {
        std::shared_ptr<web_session> s = current_session(false);
        if (!s) {
            return refuse(http::status::unauthorized, "UNAUTHENTICATED",
                          "not logged in, or the session expired");
        }
        reply(http::status::ok, _server->session_json(*s));
    }

    // JSON body as an object, or refused (false).
    bool body_object(nlohmann::json& out) {
        out = nlohmann::json::parse(_request.body(), nullptr, false);
        if (out.is_discarded() || !out.is_object()) {
            refuse(http::status::bad_request, "BAD_REQUEST", "the body must be a JSON object");
            return false;
        }
        return true;
    }

    void login() {
        const auto type = _request.find(http::field::content_type);
        if (type == _request.end() || !sv(type->value()).starts_with("application/json")) {
            return refuse(http::status::unsupported_media_type, "BAD_REQUEST",
                          "send the login as application/json");
        }
        nlohmann::json body;
        if (!body_object(body)) return;
        std::string user = text_field(body, "user");
        std::string password = text_field(body, "password");
        if (user.empty() || password.empty()) {
            return refuse(http::status::bad_request, "BAD_REQUEST", "user and password, please");
        }
        auto up = std::make_shared<upstream>(_server->context, _server->options.stampd);
        up->open(
            upstream::login{.user = user, .password = std::move(password), .for_address = _address},
            [self = this->shared_from_this(), up, user](const std::string& error,
                                                        client::hello_info who) {
                if (!error.empty()) {
                    self->_server->log("login of '" + user + "' from " + self->_address +
                                       " refused: " + error);
                    if (!up->refused()) {
                        return self->refuse(http::status::service_unavailable, "UNAVAILABLE",
                                            "stampd cannot be reached: " + error);
                    }
                    return self->refuse(http::status::unauthorized, "UNAUTHENTICATED", error);
                }
                std::shared_ptr<web_session> s = self->_server->sessions.create(up, user, who);
                if (!s) {
                    up->close();
                    return self->refuse(
                        http::status::service_unavailable, "BUSY",
                        "stamp-web holds " +
                            std::to_string(self->_server->options.sessions.sessions_max) +
                            " sessions already: try again later");
                }
                self->_server->log("user '" + user + "' logged in from " + self->_address);
                response res = make_response(self->_request, http::status::ok,
                                             self->_server->session_json(*s));
                res.set(http::field::set_cookie, self->_server->session_cookie(s->id, false));
                self->reply(std::move(res));
            });
    }

    void logout(web_session& s) {
        _server->sessions.end(s.id, "logged out");
        response res = make_response(_request, http::status::no_content, "");
        res.set(http::field::set_cookie, _server->session_cookie("", true));
        reply(std::move(res));
    }

    void call(const std::shared_ptr<web_session>& s) {
        nlohmann::json body;
        if (!body_object(body)) return;
        const std::string name = text_field(body, "kind");
        const proto::Body kind = callable_kind(name);
        if (kind == proto::Body::NONE || kind == proto::Body::SetUserPassword) {
            return refuse(
                http::status::bad_request, "BAD_REQUEST",
                "no such request kind: '" + name + "' (passwords go through /api/password)");
        }
        const auto b = body.find("body");
        if (b != body.end() && !b->is_object()) {
            return refuse(http::status::bad_request, "BAD_REQUEST", "body must be an object");
        }
        const auto dry = body.find("dry_run");
        const bool dry_run = dry != body.end() && dry->is_boolean() && dry->get<bool>();
        send_request(s, kind, b == body.end() ? std::string("{}") : b->dump(), dry_run);
    }

    // Sends one request as the person; stampd's answer goes back as JSON.
    void send_request(const std::shared_ptr<web_session>& s, proto::Body kind,
                      const std::string& body_json, bool dry_run) {
        std::string error;
        const upstream::call_result r = s->up->call(
            [&](std::uint64_t id, std::vector<std::uint8_t>& out) {
                return _server->reader.build(kind, body_json, dry_run, id, out, error);
            },
            answered());
        sent_or_refused(r, error);
    }
    upstream::answer_handler answered() {
        return [self = this->shared_from_this()](const std::string& failure, frame answer) {
            if (!failure.empty()) {
                return self->refuse(
                    http::status::unauthorized, "UNAUTHENTICATED",
                    "the connection to stampd was lost (" + failure + "): log in again");
            }
            self->reply(http::status::ok, answer_json(response_of(answer)));
        };
    }
    void sent_or_refused(upstream::call_result r, const std::string& error) {
        switch (r) {
            case upstream::call_result::sent:
                return;
            case upstream::call_result::not_built:
                return refuse(http::status::bad_request, "BAD_REQUEST", error);
            case upstream::call_result::busy:
                return refuse(http::status::too_many_requests, "BUSY",
                              "this session has " + std::to_string(requests_in_flight_max) +
                                  " requests unanswered: wait for them");
            case upstream::call_result::closed:
                return refuse(http::status::unauthorized, "UNAUTHENTICATED",
                              "the connection to stampd was lost: log in again");
        }
    }

    // {"current","new"}: one's own, the current password checked by logging in with it on a
    // connection of its own (stampd checks and throttles it); {"user","new"}: another's, which
    // stampd allows an admin only.
    void password(const std::shared_ptr<web_session>& s) {
        nlohmann::json body;
        if (!body_object(body)) return;
        const std::string fresh = text_field(body, "new");
        const std::string current = text_field(body, "current");
        const auto user = body.find("user");
        std::uint32_t target = s->who.user;
        if (user != body.end()) {
            if (!user->is_number_unsigned() || user->get<std::uint64_t>() > 0xFFFFFFFFu) {
                return refuse(http::status::bad_request, "BAD_REQUEST", "user must be a user id");
            }
            target = user->get<std::uint32_t>();
        }
        const auto set = [self = this->shared_from_this(), s, target, fresh] {
            const upstream::call_result r = s->up->call(
                [&](std::uint64_t id, std::vector<std::uint8_t>& out) {
                    flatbuffers::FlatBufferBuilder b(256);
                    const auto body = proto::CreateSetUserPasswordDirect(b, target, fresh.c_str());
                    b.Finish(
                        proto::CreateRequest(b, id, proto::Body::SetUserPassword, body.Union()));
                    out.assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
                    return true;
                },
                self->answered());
            self->sent_or_refused(r, {});
        };
        if (target != s->who.user) return set();
        if (current.empty()) {
            return refuse(http::status::bad_request, "BAD_REQUEST",
                          "to change your own password, give the current one too");
        }
        auto check = std::make_shared<upstream>(_server->context, _server->options.stampd);
        check->open(
            upstream::login{.user = s->user_key, .password = current, .for_address = _address},
            [self = this->shared_from_this(), check, set](const std::string& error,
                                                          client::hello_info) {
                check->close();
                if (!error.empty()) {
                    return self->refuse(http::status::forbidden, "WRONG_PASSWORD",
                                        "the current password is not right: " + error);
                }
                set();
            });
    }

    // POST /api/report: a report job for the worker, or refused here at once — no data
    // directory, a malformed body, a consignee user asking for what is staff's (the worker checks
    // the roles again on the state it loads), or the queue full.
    void report(const std::shared_ptr<web_session>& s) {
        if (!_server->reports) {
            return refuse(http::status::not_found, "NO_DATA_DIR",
                          "stamp-web was started without --data-dir: it makes no reports (run "
                          "stamp-report on the data directory, or start stamp-web with it)");
        }
        nlohmann::json body;
        if (!body_object(body)) return;
        report_job job{.viewer = s->who.user};
        if (const std::optional<job_refusal> no = read_report_job(body, s->who.roles, job)) {
            return refuse(no->status, no->code, no->message);
        }
        const bool queued = _server->reports->submit(
            std::move(job), [self = this->shared_from_this()](report_result r) {
                self->reply_report(std::move(r));
            });
        if (!queued) {
            response res = make_response(
                _request, http::status::service_unavailable,
                error_json("BUSY", "stamp-web is making " +
                                       std::to_string(reports_waiting_max + 1) +
                                       " reports already: try again in a few seconds"));
            res.set(http::field::retry_after, std::to_string(report_retry_after_s));
            return reply(std::move(res));
        }
    }
    void reply_report(report_result r) {
        // The report may have taken longer than a request's time: the answer gets its own.
        beast::get_lowest_layer(_stream).expires_after(request_timeout);
        if (r.http_status != 200) {
            return refuse(static_cast<http::status>(r.http_status), r.code, r.message);
        }
        response res =
            make_response(_request, http::status::ok, std::move(r.body), r.content_type.c_str());
        res.set(http::field::content_disposition,
                (r.content_type == "application/json" ? "inline" : "attachment") +
                    std::string("; filename=\"") + r.filename + "\"");
        res.set("X-Computed-From", report::describe(r.from));
        res.set("X-Computed-To-Lsn", std::to_string(r.from.to_lsn));
        reply(std::move(res));
    }

    void live() {
        if (!same_origin(_request)) {
            return refuse(http::status::forbidden, "ORIGIN",
                          "this request came from another site's page");
        }
        std::shared_ptr<web_session> s = current_session(false);
        if (!s) {
            return refuse(http::status::unauthorized, "UNAUTHENTICATED",
                          "not logged in, or the session expired");
        }
        beast::get_lowest_layer(_stream).expires_never();
        auto socket = std::make_shared<live_connection<Stream>>(_server, std::move(_stream), s);
        socket->start(_request);
    }

    impl_ptr _server;
    Stream _stream;
    std::string _address;
    beast::flat_buffer _buffer;
    std::optional<http::request_parser<http::string_body>> _parser;
    request _request;
};

}  // namespace

void web_server::impl::accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code error, tcp::socket socket) {
        if (self->stopped) return;
        if (!error) {
            boost::system::error_code ec;
            const tcp::endpoint peer = socket.remote_endpoint(ec);
            const std::string address = ec ? std::string{} : peer.address().to_string();
            if (self->connections >= self->options.connections_max) {
                socket.close(ec);  // at the bound: the browser retries
            } else if (self->options.tls != nullptr) {
                std::make_shared<http_connection<beast::ssl_stream<beast::tcp_stream>>>(
                    self,
                    beast::ssl_stream<beast::tcp_stream>(std::move(socket), *self->options.tls),
                    address)
                    ->start();
            } else {
                std::make_shared<http_connection<beast::tcp_stream>>(
                    self, beast::tcp_stream(std::move(socket)), address)
                    ->start();
            }
        }
        self->accept();
    });
}

web_server::web_server(asio::io_context& context, web_options options)
    : _impl(std::make_shared<impl>(context, std::move(options))) {
    impl& s = *_impl;
    tcp::resolver resolver(context);
    boost::system::error_code ec;
    const auto found = resolver.resolve(s.options.host, std::to_string(s.options.port), ec);
    if (ec) throw std::runtime_error("cannot resolve " + s.options.host + ": " + ec.message());
    const tcp::endpoint endpoint = *found.begin();
    s.acceptor.open(endpoint.protocol(), ec);
    if (!ec) s.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) s.acceptor.bind(endpoint, ec);
    if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        throw std::runtime_error("cannot listen on " + s.options.host + ":" +
                                 std::to_string(s.options.port) + ": " + ec.message());
    }
    s.accept();
}

web_server::~web_server() {
    stop();
}

std::uint16_t web_server::port() const {
    boost::system::error_code ec;
    return _impl->acceptor.local_endpoint(ec).port();
}

void web_server::stop() {
    if (_impl->stopped) return;
    _impl->stopped = true;
    boost::system::error_code ignored;
    _impl->acceptor.close(ignored);
    _impl->sessions.close_all();
    // A report being computed finishes first: its result is posted to the context still alive.
    if (_impl->reports) _impl->reports->stop();
}

}  // namespace stampd::web
