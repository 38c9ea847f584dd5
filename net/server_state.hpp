// The server's private state (server.hpp's server::impl), shared by the server and its sessions:
// the I/O threads, the session registry, the subscriptions, and the bridge from the runtime's
// committer thread (durable answers and records) back to the sessions.
//
// Threads: the registry and the subscriptions have their own mutexes; the committer-thread
// scratch (grouped, touched, push_encoder, out_index, changes) is touched by the committer thread
// only; the rest is set up by start() before any thread runs.
#pragma once

#include <utility>  // Boost 1.74's asio uses std::exchange without including it

#include <boost/asio.hpp>

#include <atomic>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/codec/event_codec.hpp"
#include "net/admission.hpp"
#include "net/log_throttle.hpp"
#include "net/metrics.hpp"
#include "net/passwords.hpp"
#include "net/protocol/byte_stream.hpp"
#include "net/protocol/frame_format.hpp"
#include "net/protocol/protocol_generated.h"
#include "net/server.hpp"
#include "net/subscriptions.hpp"

namespace stampd::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class session;

// An answer's tag: which session slot and generation, and the session's own sequence number.
// The server's own requests (the bootstrap admin) use slot bootstrap_slot, which no session has.
inline std::uint64_t make_tag(std::uint32_t slot, std::uint16_t generation, std::uint32_t seq) {
    return std::uint64_t{slot} << 48 | std::uint64_t{generation} << 32 | seq;
}
inline std::uint32_t tag_slot(std::uint64_t tag) {
    return static_cast<std::uint32_t>(tag >> 48);
}
inline std::uint16_t tag_generation(std::uint64_t tag) {
    return static_cast<std::uint16_t>(tag >> 32);
}
inline std::uint32_t tag_seq(std::uint64_t tag) {
    return static_cast<std::uint32_t>(tag);
}
inline constexpr std::uint32_t bootstrap_slot = 0xFFFF;
static_assert(connections_max < bootstrap_slot, "no session has the bootstrap slot");
// server::inspect's reads (the metrics, the watchdog): their answers go nowhere.
inline constexpr std::uint32_t inspect_slot = 0xFFFE;
static_assert(connections_max < inspect_slot, "no session has the inspection slot");

inline constexpr std::chrono::milliseconds accept_backoff_min{5}, accept_backoff_max{1000};
// Descriptors stampd holds besides its connections: the listener, the data directory's files and
// LMDB's, the I/O threads' epoll and eventfds, the log, stdio.
inline constexpr std::uint32_t descriptors_besides_connections = 64;

// One I/O thread: its io_context and its producer token of the runtime's ingress.
struct io_worker {
    asio::io_context context{1};
    std::unique_ptr<wal::ingress::producer, void (*)(wal::ingress::producer*)> producer{nullptr,
                                                                                        nullptr};
    std::thread thread;
};

struct server::impl {
    server_options options;
    std::unique_ptr<wal::runtime> runtime;
    std::vector<std::unique_ptr<io_worker>> workers;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::uint16_t port = 0;
    subscriptions subs;
    std::atomic<bool> stopping{false};
    bool stopped = false;

    // The registry: sessions by slot. Slots are reused; the generation tells them apart.
    std::mutex registry_mutex;
    std::vector<std::shared_ptr<session>> slots;
    std::vector<std::uint16_t> generations;
    std::vector<std::uint32_t> free_slots;
    std::unique_ptr<admission> door;           // who may take a slot (under registry_mutex)
    std::unique_ptr<auth_throttle> auth;       // failed Hellos (its own mutex)
    std::unique_ptr<password_pool> passwords;  // Argon2id off the writer and I/O threads
    std::unique_ptr<ssl::context> tls;         // set: every connection speaks TLS

    // accept() failing (at the file limit, out of memory): the acceptor waits accept_backoff,
    // doubling up to accept_backoff_max, instead of retrying at once; the warning is throttled.
    std::unique_ptr<asio::steady_timer> accept_retry;
    std::chrono::milliseconds accept_backoff{0};
    log_throttle accept_errors{std::chrono::seconds(10)};
    std::atomic<std::uint64_t> accept_failures{0};

    std::atomic<std::uint64_t> accepted{0}, refused{0}, evicted{0}, closed_for_errors{0}, frames{0},
        open_connections{0};
    // Every session's unwritten output, together (the output budget), and how often a session
    // stopped reading because of its own.
    std::atomic<std::size_t> output_buffered{0};
    std::atomic<std::uint64_t> output_pauses{0};
    std::atomic<std::uint64_t> auth_failures{0};  // wrong tokens and passwords
    request_counts requests;                      // answers by kind and code
    event_counts events;                          // durable events by kind
    std::atomic<std::uint32_t> inspect_seq{0};
    unsigned next_worker = 0;

    // Committer-thread scratch: answers grouped by slot; the encoder of pushed events.
    std::vector<std::vector<wal::answer>> grouped;
    std::vector<std::uint32_t> touched;
    codec::event_encoder push_encoder;

    // The bootstrap admin's answer (start() waits for it before listening).
    std::promise<outcome> bootstrap_answer;
    outcome bootstrap;

    void log(log_level level, const std::string& line) const {
        if (options.log) options.log(level, line);
    }
    void accept_next();
    void accept_failed(const boost::system::error_code& error);
    wal::status bootstrap_admin(const std::string& token);
    void on_answers(std::span<const wal::answer> answers);
    void on_records(std::span<const wal::durable_record> records);
    // A commit group's pushes, gathered per subscriber: one post to each connection, however
    // many of the group's records concern it.
    using frame_ptr = std::shared_ptr<const std::vector<std::uint8_t>>;
    struct outgoing {
        subscriber who;
        std::vector<frame_ptr> frames;
    };
    // Adds a record's frames for its subscribers to `out`: staff get it as the log holds it
    // (token hashes aside), encoded once; consignee users what visible_event leaves of it for
    // them (nothing when nothing is left).
    void gather(const wal::durable_record& record,
                const std::vector<std::pair<subscriber, viewer>>& to, std::vector<outgoing>& out);
    void deliver(std::vector<outgoing>& out);
    void add_frame(subscriber who, frame_ptr frame, std::vector<outgoing>& out);
    static std::uint64_t key_of(subscriber who) {
        return std::uint64_t{who.slot} << 16 | who.generation;
    }
    std::unordered_map<std::uint64_t, std::size_t> out_index;  // gather's: subscriber → out[i]
    // A commit group's changes for changes_only subscribers: one Changed frame each.
    struct changed_ids {
        subscriber who;
        std::uint64_t lsn = 0;
        std::vector<po_id> pos;
        std::vector<consignee_id> consignees;
    };
    void add_changed(changed_ids& c, std::vector<outgoing>& out);
    std::vector<changed_ids> changes;
    std::unordered_map<std::uint64_t, std::size_t> changes_index;  // subscriber → changes[i]
    std::shared_ptr<session> session_at(std::uint32_t slot, std::uint16_t generation);
    void release_slot(std::uint32_t slot);
    // The session's Hello has arrived: it no longer holds its slot on probation.
    void hello_received(std::uint32_t slot);
    void refuse(tcp::socket& socket, const std::string& why);
};

}  // namespace stampd::net
