// The stampd client library: connect, say Hello, send pipelined requests, read their answers in
// order and the updates pushed to subscriptions. Every tool (stampctl, stamp-scan, the tests)
// speaks to stampd through it. A connection is a blocking TCP socket owned by one thread.
#pragma once

#include <utility>  // Boost 1.74's asio uses std::exchange without including it

#include <flatbuffers/flatbuffers.h>
#include <boost/asio.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/command.hpp"
#include "net/protocol/byte_stream.hpp"
#include "net/protocol/frame_format.hpp"
#include "net/protocol/protocol_generated.h"

namespace stampd::client {

// One frame from the server: an answer (id = its request's) or a push (id 0).
struct response {
    std::vector<std::uint8_t> bytes;
    const proto::Response* get() const {
        return flatbuffers::GetRoot<proto::Response>(bytes.data());
    }
    std::uint64_t id() const { return get()->id(); }
    // The Outcome of a command, or nullptr for any other reply.
    const proto::Outcome* outcome() const { return get()->reply_as_Outcome(); }
};

struct options {
    std::string server = "127.0.0.1:7878";  // HOST:PORT
    std::string token;
    std::string token_file;  // read when `token` is empty (options_from_environment)
    // A person's login instead of a token: their user key and password (stamp-web's sessions).
    std::string user, password;
    // TLS: the CA the server's certificate must chain to (its name must match the server's
    // host); a client certificate and key, when the server pins stations by certificate.
    // Empty tls_ca: plain TCP.
    std::string tls_ca, tls_cert, tls_key;
    std::uint64_t client = 0;  // idempotency: the same id across reconnects; 0 none
    std::uint32_t station = 0;
    std::uint64_t client_lsn = 0;
};

// Fills in what the command line left out: the server from STAMPD_SERVER, the TLS CA from
// STAMPD_TLS_CA; the token from
// token_file (--token-file), else STAMPD_TOKEN, else the file STAMPD_TOKEN_FILE names. False
// with `error` when a token file cannot be read; `warning` when others may read it.
bool options_from_environment(options& o, std::string& error, std::string& warning);

struct hello_info {
    user_id user = id_none;
    role_set roles = 0;
    consignee_id consignee = id_none;
    std::string name;
    std::uint64_t durable_lsn = 0;
};

class connection {
public:
    connection();
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Connects and says Hello. False with `error` set on a refused connection or token.
    bool open(const options& o, std::string& error);
    const hello_info& hello() const { return _hello; }

    // Queue a request (sent on flush() or when the buffer is large); returns its id.
    std::uint64_t send(const command& c, bool dry_run = false);
    // A request built by the caller: `build` adds the body to the builder and returns it.
    std::uint64_t send(
        proto::Body kind,
        const std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)>& build,
        bool dry_run = false);
    bool flush(std::string& error);

    // The next frame (answer or push), blocking. False on a closed or broken connection.
    bool receive(response& out, std::string& error);
    // Sends, then waits for the answer with this id; pushes that arrive meanwhile are kept for
    // next_push(). False when the connection fails.
    bool call(const command& c, response& out, std::string& error, bool dry_run = false);
    bool call(
        proto::Body kind,
        const std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)>& build,
        response& out, std::string& error);
    // A push received during call(), or the next one from the socket.
    bool next_push(response& out, std::string& error);

    std::uint64_t last_lsn() const { return _last_lsn; }
    // The id the next request is sent with (then one more each): a retry repeats the id the first
    // try was sent with, under the same options::client (SPEC §11).
    void use_request_id(std::uint64_t id) { _next_id = id; }
    void close();

private:
    bool read_exact(std::uint8_t* into, std::size_t size, std::string& error);
    std::uint64_t append(const flatbuffers::FlatBufferBuilder& b, std::uint64_t id);
    bool wait_for(std::uint64_t id, response& out, std::string& error);

    boost::asio::io_context _context;
    std::unique_ptr<boost::asio::ssl::context> _tls;
    std::unique_ptr<net::byte_stream> _stream;  // null until open()
    std::vector<std::uint8_t> _out;
    std::vector<std::uint8_t> _in;
    std::size_t _in_begin = 0, _in_end = 0;
    std::deque<response> _pushes;
    flatbuffers::FlatBufferBuilder _builder{1024};
    std::uint64_t _next_id = 1;
    std::uint64_t _last_lsn = 0;
    hello_info _hello;
};

// "INSUFFICIENT_STAMPS region=ON needed=100 available=87": an outcome for people.
std::string describe(const proto::Outcome& o);
bool split_server(const std::string& text, std::string& host, std::string& port);

}  // namespace stampd::client
