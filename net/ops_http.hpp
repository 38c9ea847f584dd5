// The operators' HTTP listener (DESIGN.md, "People and operators at the edges"): on an address of
// its own, apart from the stations' port, and off unless http_listen is set. It serves three
// GETs and nothing else, without a token — so it belongs on the loopback or a management
// network:
//   /metrics   Prometheus' text format (server::metrics_text)
//   /healthz   200 "ok" while the process serves HTTP at all (liveness)
//   /readyz    200 "ready" once recovered, listening and committing; 503 with the reason when
//              stopping or while commits fail (readiness)
// Bounds: ops_connections_max connections at once (more are closed on accept), request headers
// of 8 KiB and no body, 10 s to send a request, one request a connection.
// Threads: one of its own, running its io_context; start() and stop() from the controlling
// thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace stampd::net {

class server;

inline constexpr unsigned ops_connections_max = 16;

class ops_http {
public:
    // Listens on host:port (port 0: any free port, port() says which). Throws
    // std::runtime_error saying why it cannot (the address taken, not an address).
    ops_http(server& served, const std::string& host, std::uint16_t port);
    ~ops_http();  // stop()
    ops_http(const ops_http&) = delete;
    ops_http& operator=(const ops_http&) = delete;

    std::uint16_t port() const;
    void stop();

    struct impl;

private:
    std::shared_ptr<impl> _impl;
};

}  // namespace stampd::net
