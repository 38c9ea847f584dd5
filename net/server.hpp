// stampd's network front: a TCP server (Boost.Asio) in front of the durable runtime (wal/). I/O
// threads read frames, verify and decode them, and hand commands to the writer through the
// runtime's lock-free ingress (one producer token per I/O thread, bulk enqueue); answers leave
// only after their batch is durable, in the order the commands were applied. Subscribers get each
// durable change of their PO or consignee pushed to them.
//
// Threads: start() and stop() from one controlling thread. Sessions live on their I/O thread; the
// runtime's committer thread hands them answers and pushes through asio::post, never touching a
// socket. The private state is in server_state.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/engine.hpp"
#include "net/auth_throttle.hpp"
#include "net/protocol/frame_format.hpp"
#include "wal/runtime.hpp"

namespace stampd::net {

enum class log_level : std::uint8_t { info, warn, error };

struct server_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 7878;  // 0: any free port (tests read port())
    unsigned io_threads = 1;
    std::uint32_t connections_max = net::connections_max;
    // Connections from one address, and connections that have not yet said Hello (all, and from
    // one address): 0 derives them from connections_max (admission_limits::derived: 512, 256
    // and 64 of 1,024).
    std::uint32_t connections_per_address_max = 0;
    std::uint32_t awaiting_hello_max = 0;
    std::uint32_t awaiting_hello_per_address_max = 0;
    std::uint32_t idle_timeout_s = idle_timeout_s_default;
    // All connections' unwritten answers and pushes, in bytes (frame_format.hpp says what
    // happens past it and past twice it).
    std::size_t output_budget_bytes = output_budget_bytes_default;
    // Failed Hellos: when their answers slow down and when an address is refused.
    auth_throttle_limits auth_limits;
    // Proxies (stamp-web) whose Hello.for_address the throttle counts instead of their own
    // address: IP addresses, as given to --auth-proxy.
    std::vector<std::string> auth_proxies;
    // Argon2id hashes of people's passwords (logins, SetUserPassword): threads computing them at
    // once (each takes 19 MiB for tens of ms) and how many may wait before logins are refused.
    unsigned password_threads = 2;
    std::size_t password_queue_max = 64;
    // TLS (PEM files): with a certificate and key every connection speaks TLS 1.2 or later;
    // with a client CA too, client certificates are asked for and checked when presented, and
    // with tls_require_client_cert a connection without one is refused.
    std::string tls_cert, tls_key, tls_client_ca;
    bool tls_require_client_cert = false;
    // An empty warehouse's first admin (user 'admin' holding this token) is the first command of
    // the runtime, before the server listens; nothing happens when the warehouse has users.
    std::string bootstrap_admin_token;
    // With it, the first admin also gets this password (the web console's login).
    std::string bootstrap_admin_password;
    std::function<void(log_level, const std::string&)> log;
};

struct server_stats {
    std::uint64_t connections = 0;  // open now
    std::uint64_t accepted = 0;
    std::uint64_t refused = 0;  // over connections_max or connections_per_address_max
    std::uint64_t evicted = 0;  // closed awaiting Hello to make room for a newer connection
    std::uint64_t closed_for_errors = 0;
    std::uint64_t frames = 0;
    std::uint64_t accept_failures = 0;  // accept() refused by the kernel (e.g. the file limit)
    std::uint64_t output_buffered = 0;  // bytes of answers and pushes unwritten, now
    std::uint64_t output_pauses = 0;    // times a connection stopped being read for its output
};

class server {
public:
    // Opens the runtime on its data directory (recovering it), creates the bootstrap admin when
    // asked and the warehouse has no user, and starts listening. Errors: the runtime's (a data
    // directory in use or damaged), a refused bootstrap admin (EINVAL, with the engine's
    // reason), an address it cannot listen on.
    static wal::status start(const wal::runtime_options& runtime_options,
                             const server_options& options, std::unique_ptr<server>& out);
    ~server();

    std::uint16_t port() const;
    // Stops accepting and reading, lets the engine commit what it holds and answer it, writes the
    // answers out (for a few seconds at most), takes a snapshot and joins. Idempotent.
    void stop();
    server_stats stats() const;
    // Runs `look` on the writer thread between two commands (it must only read, and be quick)
    // and waits for it at most `wait`. False when it did not run in time: the ingress full, the
    // writer slow or stopped. `look` is kept until it runs, even after a false: whatever it
    // writes to must be shared with it. The metrics and the watchdog use it; any thread.
    bool inspect(std::function<void(const state&, std::uint64_t applied_lsn)> look,
                 std::chrono::milliseconds wait);
    // Recovered, listening, not stopping, and commits succeed (the operators' /readyz); when
    // not, why.
    bool ready(std::string& why) const;
    // Everything /metrics serves, in Prometheus' text format (server_metrics.cpp).
    std::string metrics_text();
    wal::runtime& runtime();
    // Whether start() created the bootstrap admin.
    bool created_admin() const;

    struct impl;

private:
    explicit server(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> _impl;
};

}  // namespace stampd::net
