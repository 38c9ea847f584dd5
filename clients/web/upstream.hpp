// One browser session's connection to stampd, asynchronous on stamp-web's io_context: it logs
// in as the person (Hello with their user key and password), sends the requests the browser's
// API calls turn into, hands each answer to its callback, and each push to the push handler.
// stampd decides everything; this only carries frames.
//
// Bounds: at most requests_in_flight_max requests unanswered (more are refused at once, the
// browser is told to retry), frames at most net::response_size_max bytes, a connect-and-Hello
// deadline. Threads: the io_context's one thread.
#pragma once

#include <utility>  // Boost 1.74's asio uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "clients/lib/client.hpp"
#include "net/protocol/byte_stream.hpp"
#include "net/protocol/protocol_generated.h"

namespace stampd::web {

namespace asio = boost::asio;

struct upstream_settings {
    std::string host = "127.0.0.1";
    std::string port = "7878";
    asio::ssl::context* tls = nullptr;  // set: TLS to stampd, its certificate checked for `host`
    std::chrono::seconds connect_timeout{10};
};

inline constexpr std::size_t requests_in_flight_max = 32;

// A verified frame from stampd.
using frame = std::shared_ptr<const std::vector<std::uint8_t>>;
inline const proto::Response& response_of(const frame& f) {
    return *flatbuffers::GetRoot<proto::Response>(f->data());
}

class upstream : public std::enable_shared_from_this<upstream> {
public:
    // error empty: the answer. Else the connection failed (and `answer` is null).
    using answer_handler = std::function<void(const std::string& error, frame answer)>;
    using push_handler = std::function<void(frame push)>;
    using closed_handler = std::function<void(const std::string& why)>;
    struct login {
        std::string user, password;
        std::string for_address;  // the browser's, counted by stampd's throttle
    };
    // error empty: logged in as `who`. Else why not (stampd's words when it refused).
    using login_handler = std::function<void(const std::string& error, client::hello_info who)>;

    upstream(asio::io_context& context, const upstream_settings& settings);
    ~upstream();

    void open(login credentials, login_handler done);
    // The request's id is chosen here: `build` gets it and writes the finished Request buffer
    // to `out`, or returns false (nothing is sent: not_built).
    enum class call_result { sent, busy, closed, not_built };
    using builder = std::function<bool(std::uint64_t id, std::vector<std::uint8_t>& out)>;
    call_result call(const builder& build, answer_handler done);
    void on_push(push_handler h) { _on_push = std::move(h); }
    void on_closed(closed_handler h) { _on_closed = std::move(h); }
    bool is_open() const { return _open; }
    // The login failed because stampd refused it (not because stampd could not be reached).
    bool refused() const { return _refused; }
    std::size_t in_flight() const { return _waiting.size(); }
    // Closes the connection; requests waiting for an answer are told "the session ended".
    void close();

private:
    void connected(const boost::system::error_code& error);
    void say_hello();
    void send(std::vector<std::uint8_t> payload);
    void write_more();
    void read_more();
    bool cut_frames();  // false once the connection failed
    bool received(const std::uint8_t* payload, std::size_t size);
    void fail(const std::string& why);

    asio::io_context& _context;
    upstream_settings _settings;
    net::byte_stream _stream;
    asio::steady_timer _deadline;
    login _login;
    login_handler _login_done;
    bool _open = false, _closed = false, _writing = false, _refused = false;
    std::string _closed_why;
    std::uint64_t _next_id = 1;
    std::unordered_map<std::uint64_t, answer_handler> _waiting;
    std::deque<std::vector<std::uint8_t>> _out;
    std::vector<std::uint8_t> _written;  // the frame being written
    static constexpr std::size_t read_room = 64 * 1024;
    std::vector<std::uint8_t> _in;  // read, not yet cut: [_in_begin, _in_end)
    std::size_t _in_begin = 0, _in_end = 0;
    push_handler _on_push;
    closed_handler _on_closed;
};

}  // namespace stampd::web
