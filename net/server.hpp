// stampd's network front: a TCP server (Boost.Asio) in front of the durable engine. I/O threads
// read frames, verify and decode them, and hand commands to the writer through the engine's
// lock-free ingress (one producer token per I/O thread, bulk enqueue); answers leave only after
// their batch is durable, in the order the commands were applied. Subscribers get each durable
// change of their PO or consignee pushed to them.
//
// Threads: start() and stop() from one controlling thread. Sessions live on their I/O thread; the
// engine's log thread hands them answers and pushes through asio::post, never touching a socket.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "net/frame_format.hpp"
#include "wal/durable_engine.hpp"

namespace stampd::net {

enum class log_level : std::uint8_t { info, warn, error };

struct server_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 7878;  // 0: any free port (tests read port())
    unsigned io_threads = 1;
    std::uint32_t connections_max = net::connections_max;
    std::uint32_t idle_timeout_s = idle_timeout_s_default;
    std::function<void(log_level, const std::string&)> log;
};

struct server_stats {
    std::uint64_t connections = 0;  // open now
    std::uint64_t accepted = 0;
    std::uint64_t refused = 0;  // over connections_max
    std::uint64_t closed_for_errors = 0;
    std::uint64_t frames = 0;
};

class server {
public:
    // Opens (recovering) the engine in engine_options.data_dir and starts listening.
    static bool start(const wal::engine_options& engine_options, const server_options& options,
                      std::unique_ptr<server>& out, std::string& error);
    ~server();

    std::uint16_t port() const;
    // Stops accepting and reading, lets the engine commit what it holds and answer it, writes the
    // answers out (for a few seconds at most), takes a snapshot and joins. Idempotent.
    void stop();
    server_stats stats() const;
    wal::durable_engine& engine();

    struct impl;

private:
    explicit server(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> _impl;
};

}  // namespace stampd::net
