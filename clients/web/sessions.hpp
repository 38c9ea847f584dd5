// Browser sessions: who is logged in, behind which random cookie, with which CSRF token, over
// which stampd connection (one each, logged in as that person); their expiry; and their live
// feed — the POs and consignee the person's open pages watch, subscribed on stampd, and the
// stampd's Changed pushes (Subscribe.changes_only: what changed, not every record) gathered and
// sent to the pages at most once a live_interval — a page re-reads what changed.
// Threads: the io_context's one thread.
#pragma once

#include <utility>  // Boost 1.74's asio uses std::exchange without including it

#include <boost/asio.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "clients/web/upstream.hpp"
#include "net/protocol/frame_format.hpp"

namespace stampd::web {

using clock = std::chrono::steady_clock;

// A page's live socket, as the sessions see it.
class live_socket {
public:
    virtual ~live_socket() = default;
    // Sends one message; a message not yet written is replaced by a newer one (bounded).
    virtual void send(std::string message) = 0;
    // Sends `message`, then closes.
    virtual void close_with(std::string message) = 0;
};

inline constexpr std::size_t watched_pos_max = 16;  // stampd's subscriptions a connection
// A staff page may watch consignees too (the dashboard: a new customer request is a consignee's
// event, of no PO yet); a consignee user's pages watch its own consignee only, whatever they ask.
// With the POs, a burst of subscriptions stays under requests_in_flight_max.
inline constexpr std::size_t watched_consignees_max = 8;
static_assert(watched_pos_max + watched_consignees_max <= net::subscriptions_per_connection_max,
              "stampd takes this many subscriptions from one connection");
static_assert(watched_pos_max + watched_consignees_max < requests_in_flight_max,
              "a page's subscriptions fit in the requests a session may have in flight");
inline constexpr std::size_t sockets_per_session_max = 8;

// What one page shows, as its watch message said.
struct page_watch {
    std::set<std::uint32_t> pos, consignees;
};

struct session_limits {
    std::chrono::seconds idle{30 * 60};
    std::chrono::seconds absolute{12 * 60 * 60};
    std::size_t sessions_max = 200;  // under stampd's 256 connections from one address
    std::size_t sessions_per_user_max = 8;
    std::chrono::milliseconds live_interval{100};
};

struct web_session {
    std::string id;    // the cookie's value (32 random bytes, hex)
    std::string csrf;  // sent back as X-CSRF-Token on every change
    std::string user_key;
    client::hello_info who;
    std::shared_ptr<upstream> up;
    clock::time_point created, last_used;

    // The live feed.
    std::vector<std::pair<live_socket*, page_watch>> sockets;  // what each page shows
    std::set<std::uint32_t> subscribed;                        // POs, on stampd
    std::set<std::uint32_t> consignees_subscribed;             // on stampd
    std::set<std::uint32_t> changed_pos, changed_consignees;
    std::uint64_t lsn = 0;
    bool flush_armed = false;
    std::unique_ptr<asio::steady_timer> flush;
};

class session_registry {
public:
    using log_fn = std::function<void(const std::string&)>;
    session_registry(asio::io_context& context, session_limits limits, log_fn log);

    // A new session for a person stampd logged in on `up`. Null when sessions_max are open and
    // none can be let go.
    std::shared_ptr<web_session> create(std::shared_ptr<upstream> up, std::string user_key,
                                        const client::hello_info& who);
    // The live session holding cookie `id` (touched: its idle time restarts), or null.
    std::shared_ptr<web_session> find(const std::string& id, bool touch = true);
    void end(const std::string& id, const std::string& why);
    std::size_t size() const { return _sessions.size(); }
    const session_limits& limits() const { return _limits; }

    // Live sockets.
    bool attach(web_session& s, live_socket* socket);
    void detach(web_session& s, live_socket* socket);
    // The POs a page shows (at most watched_pos_max across the session's pages), and the
    // consignees (at most watched_consignees_max; a consignee user's own only).
    void watch(web_session& s, live_socket* socket, page_watch what);

    // Closes every session (stamp-web stopping).
    void close_all();

private:
    void expire();
    void pushed(const std::shared_ptr<web_session>& s, frame push);
    void resubscribe(web_session& s);
    void flush(web_session& s);

    asio::io_context& _context;
    session_limits _limits;
    log_fn _log;
    std::unordered_map<std::string, std::shared_ptr<web_session>> _sessions;
    asio::steady_timer _sweep;
};

// Random bytes as hex (OpenSSL's RAND_bytes); throws when there is no randomness.
std::string random_hex(std::size_t bytes);
// a == b in time that does not depend on where they differ.
bool same_secret(const std::string& a, const std::string& b);

}  // namespace stampd::web
