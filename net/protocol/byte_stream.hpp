// A connection's bytes: plain TCP, or TLS over it (Asio's ssl::stream over OpenSSL 3), behind one
// type so that the server's sessions and the client library read and write the same way either
// way. TLS contexts are made here too: TLS 1.2 and later only.
// Threads: as the socket's (one strand or one thread).
#pragma once

#include <utility>  // Boost 1.74's asio uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <memory>
#include <string>
#include <variant>

namespace stampd::net {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

class byte_stream {
public:
    explicit byte_stream(tcp::socket socket) : _s(std::move(socket)) {}
    // Not yet connected: plain until start_tls.
    explicit byte_stream(asio::io_context& context) : _s(std::in_place_index<0>, context) {}
    byte_stream(tcp::socket socket, ssl::context& tls)
        : _s(std::in_place_type<ssl::stream<tcp::socket>>, std::move(socket), tls) {}

    bool tls() const { return _s.index() == 1; }
    // Plain only: from now on, TLS over the same connection (the handshake comes next).
    void start_tls(ssl::context& tls) {
        tcp::socket socket = std::move(std::get<0>(_s));
        _s.emplace<1>(std::move(socket), tls);
    }
    tcp::socket& socket() {
        return std::visit(
            [](auto& s) -> tcp::socket& {
                if constexpr (std::is_same_v<std::decay_t<decltype(s)>, tcp::socket>) {
                    return s;
                } else {
                    return s.next_layer();
                }
            },
            _s);
    }
    ssl::stream<tcp::socket>* tls_stream() { return std::get_if<1>(&_s); }

    template <typename Buffers, typename Handler>
    void async_read_some(const Buffers& buffers, Handler&& handler) {
        std::visit([&](auto& s) { s.async_read_some(buffers, std::forward<Handler>(handler)); },
                   _s);
    }
    // All of `buffers`, or an error.
    template <typename Buffers, typename Handler>
    void async_read(const Buffers& buffers, Handler&& handler) {
        std::visit([&](auto& s) { asio::async_read(s, buffers, std::forward<Handler>(handler)); },
                   _s);
    }
    // The whole of `buffers`.
    template <typename Buffers, typename Handler>
    void async_write(const Buffers& buffers, Handler&& handler) {
        std::visit([&](auto& s) { asio::async_write(s, buffers, std::forward<Handler>(handler)); },
                   _s);
    }
    template <typename Buffers>
    std::size_t read_some(const Buffers& buffers, boost::system::error_code& ec) {
        return std::visit([&](auto& s) { return s.read_some(buffers, ec); }, _s);
    }
    template <typename Buffers>
    std::size_t write(const Buffers& buffers, boost::system::error_code& ec) {
        return std::visit([&](auto& s) { return asio::write(s, buffers, ec); }, _s);
    }
    // TLS only: the client's side of the handshake with `host`, whose name (or IP address) the
    // server's certificate must carry (SNI and host name verification), blocking.
    void handshake_as_client(const std::string& host, boost::system::error_code& ec) {
        ssl::stream<tcp::socket>& tls = *tls_stream();
        SSL_set_tlsext_host_name(tls.native_handle(), host.c_str());
        tls.set_verify_callback(ssl::host_name_verification(host));
        tls.handshake(ssl::stream_base::client, ec);
    }
    // Closes the TCP socket (no TLS close_notify: the peer may be gone or hostile).
    void close() {
        boost::system::error_code ignored;
        socket().shutdown(tcp::socket::shutdown_both, ignored);
        socket().close(ignored);
    }

private:
    std::variant<tcp::socket, ssl::stream<tcp::socket>> _s;
};

// A server's TLS: its certificate chain and key (PEM files) and, when `client_ca` is given,
// client certificates are asked for and, when one is presented, verified against it (a station
// may be pinned by certificate as well as token); with `require_client_cert`, a client without
// one is refused at the handshake. TLS 1.2 and later. Empty and `error` set when a file cannot be
// used.
std::unique_ptr<ssl::context> server_tls(const std::string& cert, const std::string& key,
                                         const std::string& client_ca, bool require_client_cert,
                                         std::string& error);
// A client's: the server's certificate verified against `ca` and the host name; `cert` and `key`
// (optional) present a client certificate.
std::unique_ptr<ssl::context> client_tls(const std::string& ca, const std::string& cert,
                                         const std::string& key, std::string& error);

}  // namespace stampd::net
