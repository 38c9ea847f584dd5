// See ops_http.hpp.
#include "net/ops_http.hpp"

#include <utility>  // Boost 1.74's asio uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>

#include "net/server.hpp"

namespace stampd::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t header_limit = 8 * 1024;
constexpr std::chrono::seconds request_timeout{10};

}  // namespace

// Handlers hold the impl by plain pointer: they run only on its thread, which stop() joins before
// the impl goes, and the io_context's destruction drops the ones still pending (a shared_ptr in
// them would keep the impl, its io_context and themselves alive for ever).
struct ops_http::impl {
    server& served;
    asio::io_context context{1};
    tcp::acceptor acceptor{context};
    std::thread thread;
    std::atomic<unsigned> open{0};
    bool stopped = false;

    explicit impl(server& s) : served(s) {}

    void accept_next() {
        acceptor.async_accept(
            [self = this](const boost::system::error_code& error, tcp::socket socket) {
                if (error == asio::error::operation_aborted || !self->acceptor.is_open()) return;
                if (!error) {
                    if (self->open.load() >= ops_connections_max) {
                        boost::system::error_code ignored;
                        socket.close(ignored);  // a scraper gone wrong: nothing more is held
                    } else {
                        self->serve(std::move(socket));
                    }
                }
                self->accept_next();
            });
    }

    struct exchange {
        beast::tcp_stream stream;
        beast::flat_buffer buffer;
        std::optional<http::request_parser<http::empty_body>> parser;
        http::response<http::string_body> response;
        explicit exchange(tcp::socket s) : stream(std::move(s)) {}
    };

    void serve(tcp::socket socket) {
        ++open;
        auto x = std::make_shared<exchange>(std::move(socket));
        x->parser.emplace();
        x->parser->header_limit(header_limit);
        x->parser->body_limit(0);
        x->stream.expires_after(request_timeout);
        http::async_read(x->stream, x->buffer, *x->parser,
                         [self = this, x](const boost::system::error_code& error, std::size_t) {
                             if (error) {
                                 self->done(*x);
                                 return;
                             }
                             self->answer(x);
                         });
    }

    void answer(const std::shared_ptr<exchange>& x) {
        const auto& request = x->parser->get();
        std::string target{request.target()};
        if (const auto q = target.find('?'); q != std::string::npos) target.resize(q);
        http::response<http::string_body>& r = x->response;
        r.version(11);
        r.keep_alive(false);
        r.set(http::field::server, "stampd");
        r.set(http::field::cache_control, "no-store");
        r.set(http::field::content_type, "text/plain; charset=utf-8");
        if (request.method() != http::verb::get && request.method() != http::verb::head) {
            r.result(http::status::method_not_allowed);
            r.set(http::field::allow, "GET, HEAD");
            r.body() = "only GET and HEAD\n";
        } else if (target == "/metrics") {
            r.result(http::status::ok);
            r.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
            r.body() = served.metrics_text();
        } else if (target == "/healthz") {
            r.result(http::status::ok);
            r.body() = "ok\n";
        } else if (target == "/readyz") {
            std::string why;
            const bool ready = served.ready(why);
            r.result(ready ? http::status::ok : http::status::service_unavailable);
            r.body() = ready ? "ready\n" : "not ready: " + why + "\n";
        } else {
            r.result(http::status::not_found);
            r.body() = "not found: " + target + " (stampd serves /metrics, /healthz, /readyz)\n";
        }
        const bool head = request.method() == http::verb::head;
        r.prepare_payload();
        if (head) r.body().clear();  // Content-Length stays the GET's
        x->stream.expires_after(request_timeout);
        http::async_write(
            x->stream, r,
            [self = this, x](const boost::system::error_code&, std::size_t) { self->done(*x); });
    }

    void done(exchange& x) {
        boost::system::error_code ignored;
        x.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        x.stream.socket().close(ignored);
        --open;
    }
};

ops_http::ops_http(server& served, const std::string& host, std::uint16_t port)
    : _impl(std::make_shared<impl>(served)) {
    boost::system::error_code ec;
    const asio::ip::address address = asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error("http_listen: '" + host + "' is not an IP address");
    const tcp::endpoint at{address, port};
    _impl->acceptor.open(at.protocol(), ec);
    if (!ec) _impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) _impl->acceptor.bind(at, ec);
    if (!ec) _impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) +
                                 " for /metrics: " + ec.message());
    }
    _impl->accept_next();
    _impl->thread = std::thread([i = _impl] {
        pthread_setname_np(pthread_self(), "stampd-http");
        i->context.run();
    });
}

ops_http::~ops_http() {
    stop();
}

std::uint16_t ops_http::port() const {
    return _impl->acceptor.local_endpoint().port();
}

void ops_http::stop() {
    if (_impl->stopped) return;
    _impl->stopped = true;
    _impl->context.stop();
    if (_impl->thread.joinable()) _impl->thread.join();
    boost::system::error_code ignored;
    _impl->acceptor.close(ignored);  // its thread is done: nothing else touches it now
}

}  // namespace stampd::net
