// The client library (client.hpp).
#include "clients/lib/client.hpp"

#include <cstdlib>
#include <cstring>

#include "net/protocol/answers.hpp"
#include "net/protocol/command_codec.hpp"
#include "net/protocol/secret_file.hpp"

namespace stampd::client {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

bool options_from_environment(options& o, std::string& error, std::string& warning) {
    warning.clear();
    if (const char* env = std::getenv("STAMPD_SERVER"); env && (o.server.empty())) o.server = env;
    if (const char* env = std::getenv("STAMPD_TLS_CA"); env && o.tls_ca.empty()) o.tls_ca = env;
    if (!o.token.empty()) return true;
    if (o.token_file.empty()) {
        if (const char* env = std::getenv("STAMPD_TOKEN"); env && *env != '\0') {
            o.token = env;
            return true;
        }
        if (const char* env = std::getenv("STAMPD_TOKEN_FILE"); env) o.token_file = env;
    }
    return o.token_file.empty() || net::read_secret_file(o.token_file, o.token, error, warning);
}

bool split_server(const std::string& text, std::string& host, std::string& port) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    return true;
}

std::string describe(const proto::Outcome& o) {
    if (o.message() != nullptr && o.message()->size() > 0) return o.message()->str();
    return std::string{net::to_string(o.code())};
}

connection::connection() : _in(net::read_chunk_size) {}

connection::~connection() {
    close();
}

void connection::close() {
    if (_stream) _stream->close();
}

bool connection::open(const options& o, std::string& error) {
    std::string host, port;
    if (!split_server(o.server, host, port)) {
        error = "the server must be HOST:PORT, not '" + o.server + "'";
        return false;
    }
    const bool by_password = !o.user.empty();
    if (o.token.empty() && !by_password) {
        error = "no token: pass --token-file FILE, or set STAMPD_TOKEN or STAMPD_TOKEN_FILE";
        return false;
    }
    boost::system::error_code ec;
    tcp::resolver resolver(_context);
    const auto endpoints = resolver.resolve(host, port, ec);
    tcp::socket socket(_context);
    if (!ec) asio::connect(socket, endpoints, ec);
    if (ec) {
        error = "cannot connect to " + o.server + ": " + ec.message();
        return false;
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (o.tls_ca.empty()) {
        _stream = std::make_unique<net::byte_stream>(std::move(socket));
    } else {
        _tls = net::client_tls(o.tls_ca, o.tls_cert, o.tls_key, error);
        if (!_tls) return false;
        _stream = std::make_unique<net::byte_stream>(std::move(socket), *_tls);
        _stream->handshake_as_client(host, ec);
        if (ec) {
            error = "TLS with " + o.server + " failed: " + ec.message();
            return false;
        }
    }
    _last_lsn = o.client_lsn;
    response r;
    const bool answered = call(
        proto::Body::Hello,
        [&](flatbuffers::FlatBufferBuilder& b) {
            if (by_password) {
                return proto::CreateHelloDirect(b, nullptr, o.client, o.client_lsn, o.station,
                                                o.user.c_str(), o.password.c_str())
                    .Union();
            }
            return proto::CreateHelloDirect(b, o.token.c_str(), o.client, o.client_lsn, o.station)
                .Union();
        },
        r, error);
    if (!answered) return false;
    const proto::HelloOk* ok = r.get()->reply_as_HelloOk();
    if (ok == nullptr) {
        error = r.outcome() ? describe(*r.outcome()) : "the server did not answer Hello";
        return false;
    }
    _hello = hello_info{.user = ok->user(),
                        .roles = ok->roles(),
                        .consignee = ok->consignee(),
                        .name = ok->name() ? ok->name()->str() : "",
                        .durable_lsn = ok->durable_lsn()};
    return true;
}

std::uint64_t connection::append(const flatbuffers::FlatBufferBuilder& b, std::uint64_t id) {
    const std::size_t at = _out.size();
    _out.resize(at + net::frame_header_size + b.GetSize());
    net::put_frame_header(_out.data() + at, b.GetSize());
    std::memcpy(_out.data() + at + net::frame_header_size, b.GetBufferPointer(), b.GetSize());
    return id;
}

std::uint64_t connection::send(const command& c, bool dry_run) {
    const std::uint64_t id = _next_id++;
    _builder.Clear();
    net::build_command_request(_builder, id, c, dry_run);
    return append(_builder, id);
}

std::uint64_t connection::send(
    proto::Body kind,
    const std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)>& build,
    bool dry_run) {
    const std::uint64_t id = _next_id++;
    _builder.Clear();
    const flatbuffers::Offset<void> body = build(_builder);
    _builder.Finish(proto::CreateRequest(_builder, id, kind, body, dry_run));
    return append(_builder, id);
}

bool connection::flush(std::string& error) {
    if (_out.empty()) return true;
    boost::system::error_code ec;
    if (!_stream) {
        error = "not connected";
        return false;
    }
    _stream->write(asio::buffer(_out), ec);
    _out.clear();
    if (ec) {
        error = "cannot send: " + ec.message();
        return false;
    }
    return true;
}

bool connection::read_exact(std::uint8_t* into, std::size_t size, std::string& error) {
    // Buffered: one read brings as many frames as the socket holds.
    while (_in_end - _in_begin < size) {
        if (_in_begin + size > _in.size() && size > _in.size()) {
            _in.resize(size);  // at most response_size_max: receive() checked the header
        }
        if (_in_begin > 0) {
            std::memmove(_in.data(), _in.data() + _in_begin, _in_end - _in_begin);
            _in_end -= _in_begin;
            _in_begin = 0;
        }
        boost::system::error_code ec;
        if (!_stream) {
            error = "not connected";
            return false;
        }
        const std::size_t n =
            _stream->read_some(asio::buffer(_in.data() + _in_end, _in.size() - _in_end), ec);
        if (ec) {
            error = ec == asio::error::eof ? "the server closed the connection"
                                           : "cannot read: " + ec.message();
            return false;
        }
        _in_end += n;
    }
    std::memcpy(into, _in.data() + _in_begin, size);
    _in_begin += size;
    return true;
}

bool connection::receive(response& out, std::string& error) {
    std::uint8_t header[net::frame_header_size];
    if (!read_exact(header, sizeof header, error)) return false;
    const std::uint32_t size = net::get_frame_header(header);
    if (size > net::response_size_max) {
        error = "the server sent a frame of " + std::to_string(size) + " bytes";
        return false;
    }
    out.bytes.resize(size);
    if (!read_exact(out.bytes.data(), size, error)) return false;
    flatbuffers::Verifier verifier(out.bytes.data(), out.bytes.size());
    if (!verifier.VerifyBuffer<proto::Response>(nullptr)) {
        error = "the server sent a frame that does not verify";
        return false;
    }
    if (const proto::Outcome* o = out.outcome(); o != nullptr && o->lsn() > _last_lsn) {
        _last_lsn = o->lsn();
    }
    return true;
}

bool connection::wait_for(std::uint64_t id, response& out, std::string& error) {
    if (!flush(error)) return false;
    for (;;) {
        if (!receive(out, error)) return false;
        if (net::is_push(*out.get())) {
            _pushes.push_back(std::move(out));
            continue;
        }
        // An error that closes the connection carries id 0: it answers this call too.
        if (out.id() == id || out.id() == 0) return true;
    }
}

bool connection::call(const command& c, response& out, std::string& error, bool dry_run) {
    return wait_for(send(c, dry_run), out, error);
}

bool connection::call(
    proto::Body kind,
    const std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)>& build,
    response& out, std::string& error) {
    return wait_for(send(kind, build), out, error);
}

bool connection::next_push(response& out, std::string& error) {
    if (!_pushes.empty()) {
        out = std::move(_pushes.front());
        _pushes.pop_front();
        return true;
    }
    if (!flush(error)) return false;
    for (;;) {
        if (!receive(out, error)) return false;
        if (net::is_push(*out.get())) return true;
    }
}

}  // namespace stampd::client
