// One client connection. A session lives on one I/O thread (its io_context runs on exactly one
// thread): everything here is touched only there; what it shares with the server is in
// server_state.hpp, guarded there.
//
// Reading: frames are cut from a fixed buffer, verified, decoded and queued for the writer; the
// session stops reading while it has in_flight_per_connection_max requests (or
// reads_in_flight_max reads) unanswered, while the engine's ingress is full, while its Hello is
// being checked, and while its output backs up (output_pause_bytes, or less when all sessions'
// output is past the server's budget). Writing: answers leave in request order; an error that
// makes the connection untrustworthy is answered, then it closes.
#pragma once

#include <utility>  // Boost 1.74's asio uses std::exchange without including it

#include <boost/asio.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/protocol/byte_stream.hpp"
#include "net/protocol/protocol_generated.h"
#include "net/server_state.hpp"

namespace stampd::net {

class session : public std::enable_shared_from_this<session> {
public:
    session(server::impl& server, io_worker& worker, byte_stream stream, std::uint32_t slot,
            std::uint16_t generation);
    void start();
    // From the committer thread, through asio::post.
    void on_answers(std::vector<wal::answer>&& answers);
    // Pushed frames, in LSN order (a commit group's for this connection).
    void on_push(const std::vector<std::shared_ptr<const std::vector<std::uint8_t>>>& frames);
    // Stop reading; answer what is in flight; close once written.
    void shut_down();
    // Closes the connection if it still has not said Hello: a newer one needs the room.
    void evict();
    std::uint16_t generation() const { return _generation; }
    asio::io_context::executor_type executor() { return _worker.context.get_executor(); }
    subscriber who() const { return {_slot, _generation}; }

private:
    enum class kind : std::uint8_t { command, read, hello, subscribe, local };
    // A Hello with a user and password: the writer looks the user up, the password pool checks
    // the password against the hash it found, then the session answers.
    struct password_login {
        std::string user_key;  // as sent (at most a code's size)
        std::string password;  // wiped once checked
        user_id user = id_none;
        role_set roles = 0;
        consignee_id consignee = id_none;
        std::string name, hash;
        std::uint64_t lsn = 0;
        bool submitted = false, checked = false, matched = false, busy = false;
    };
    // A SetUserPassword being hashed on the password pool; reading waits for it.
    struct password_job {
        command cmd;
        std::uint64_t id = 0;
        bool dry_run = false;
        bool hashed = false;  // false: the hash failed (out of memory)
    };
    struct pending {
        std::uint64_t request_id = 0;
        std::uint32_t seq = 0;
        kind what = kind::command;
        bool ready = false;
        outcome result;                                    // a command's answer
        std::shared_ptr<std::vector<std::uint8_t>> reply;  // a read's, built on the writer
        std::shared_ptr<password_login> login;             // a Hello by password
        proto::Body body = proto::Body::NONE;              // the request's kind (the metrics)
    };
    struct hello_result {
        user_id user = id_none;
        std::vector<std::uint8_t> frame;
    };

    void read_more();
    void handshake_done(const boost::system::error_code& error);
    void on_read(const boost::system::error_code& error, std::size_t bytes);
    void process_frames();
    bool handle_frame(std::span<const std::uint8_t> bytes);
    void handle_hello(const proto::Request& request, std::uint64_t id);
    void handle_read(std::span<const std::uint8_t> bytes, std::uint64_t id);
    void handle_subscription(const proto::Request& request, std::uint64_t id);
    void handle_command(const proto::Request& request, std::uint64_t id);
    void submit_command(command&& cmd, std::uint64_t id);
    void submit_dry_run(command&& cmd, std::uint64_t id);
    // SetUserPassword: the password is hashed on the pool, then the command goes on as any other.
    void handle_password(const proto::Request& request, std::uint64_t id);
    void password_hashed(const std::shared_ptr<password_job>& job);
    // A Hello by password whose user the writer has looked up: false while the pool checks it.
    bool check_password(pending& p);
    // Whether the peer is one of the server's auth_proxies.
    bool is_auth_proxy();
    void flush_submissions();
    void answer_locally(std::uint64_t id, proto::Code code, std::string_view message);
    void fail(proto::Code code, std::string_view message, std::uint64_t id = 0);
    // A wrong token or password: counted (auth_throttle), logged; returns how long to hold its
    // answer, and rewrites the answer when the address, the token prefix or the user is now
    // locked out.
    std::chrono::milliseconds wrong_secret(pending& p);
    bool may_read() const;
    bool output_backed_up() const;
    void output_added(std::size_t bytes);
    void output_written(std::size_t bytes);
    void drain_ready();
    // An answer is leaving: counted by the request's kind and the answer's code (metrics.hpp).
    void count_answer(const pending& p);
    void append_frame(std::span<const std::uint8_t> payload);
    void write_more();
    void arm_timer();
    void close();
    std::uint64_t next_tag() { return make_tag(_slot, _generation, ++_seq); }

    server::impl& _server;
    io_worker& _worker;
    byte_stream _stream;  // TCP, or TLS over it
    asio::steady_timer _timer;
    asio::steady_timer _retry;
    asio::steady_timer _delay;  // a wrong token's answer, held back
    std::uint32_t _slot;
    std::uint16_t _generation;
    std::uint32_t _seq = 0;

    std::vector<std::uint8_t> _in;
    std::size_t _in_begin = 0, _in_end = 0;
    bool _reading = false, _retry_armed = false, _closing = false, _closed = false;
    bool _saw_traffic = false;
    bool _processing = false;
    proto::Body _frame_body = proto::Body::NONE;  // the kind of the frame being handled

    std::deque<pending> _in_flight;
    std::vector<wal::ingress_item> _to_submit;
    std::size_t _submitted = 0;  // of _to_submit, already in the ingress queue
    // The engine's ingress was full at the last flush: read nothing more until it takes the rest
    // (backpressure). Until then frames are cut and queued in _to_submit, at most
    // in_flight_per_connection_max of them, and handed over in bulk after each read.
    bool _ingress_full = false;

    std::vector<std::uint8_t> _out, _writing;
    bool _write_active = false;
    // _out and _writing's bytes, as counted in the server's output_buffered (0 once closed).
    std::size_t _buffered = 0;
    bool _paused_for_output = false;
    std::uint32_t _reads_in_flight = 0;

    user_id _user = id_none;
    std::uint64_t _client = 0, _client_lsn = 0;
    station_id _station = 0;
    bool _hello_pending = false;
    bool _hashing = false;            // a SetUserPassword is on the password pool
    bool _hello_received = false;     // a Hello frame came (the slot is no longer on probation)
    bool _hello_answer_held = false;  // a wrong token's answer was held back once already
    std::string _address;             // the peer's, for the access log
    std::chrono::steady_clock::time_point _opened;
    std::uint64_t _answered = 0;  // requests answered (the access log)
    std::string _throttle_key;    // the same as auth_throttle counts it (throttle_key)
    std::string _token_prefix;    // the Hello's token's first bytes, printable_prefix
    flatbuffers::FlatBufferBuilder _builder{1024};
    flatbuffers::FlatBufferBuilder _fingerprint_scratch{256};  // net::command_fingerprint
};

}  // namespace stampd::net
