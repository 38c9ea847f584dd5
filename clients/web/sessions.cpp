// See sessions.hpp.
#include "clients/web/sessions.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "clients/lib/json.hpp"
#include "clients/lib/view.hpp"
#include "net/protocol/protocol_generated.h"

namespace stampd::web {

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> raw(bytes);
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
        throw std::runtime_error("no randomness for a session id");
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes * 2);
    for (const unsigned char b : raw) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

bool same_secret(const std::string& a, const std::string& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

session_registry::session_registry(asio::io_context& context, session_limits limits, log_fn log)
    : _context(context), _limits(limits), _log(std::move(log)), _sweep(context) {
    expire();
}

std::shared_ptr<web_session> session_registry::create(std::shared_ptr<upstream> up,
                                                      std::string user_key,
                                                      const client::hello_info& who) {
    // A person's oldest sessions make room for their newest (a browser that lost its cookie).
    std::vector<std::shared_ptr<web_session>> theirs;
    for (const auto& [id, s] : _sessions) {
        if (s->who.user == who.user) theirs.push_back(s);
    }
    if (theirs.size() >= _limits.sessions_per_user_max) {
        const auto oldest = std::min_element(
            theirs.begin(), theirs.end(),
            [](const auto& a, const auto& b) { return a->last_used < b->last_used; });
        end((*oldest)->id, "a newer login of the same person needed the room");
    }
    if (_sessions.size() >= _limits.sessions_max) return nullptr;
    auto s = std::make_shared<web_session>();
    s->id = random_hex(32);
    s->csrf = random_hex(32);
    s->user_key = std::move(user_key);
    s->who = who;
    s->up = std::move(up);
    s->created = s->last_used = clock::now();
    s->flush = std::make_unique<asio::steady_timer>(_context);
    std::weak_ptr<web_session> weak = s;
    s->up->on_push([this, weak](frame push) {
        if (auto held = weak.lock()) pushed(held, std::move(push));
    });
    s->up->on_closed([this, weak](const std::string& why) {
        if (auto held = weak.lock()) end(held->id, "the connection to stampd closed: " + why);
    });
    _sessions.emplace(s->id, s);
    return s;
}

std::shared_ptr<web_session> session_registry::find(const std::string& id, bool touch) {
    const auto it = _sessions.find(id);
    if (it == _sessions.end()) return nullptr;
    web_session& s = *it->second;
    const clock::time_point now = clock::now();
    if (now - s.last_used >= _limits.idle || now - s.created >= _limits.absolute) {
        end(id, "expired");
        return nullptr;
    }
    if (touch) s.last_used = now;
    return it->second;
}

void session_registry::end(const std::string& id, const std::string& why) {
    const auto it = _sessions.find(id);
    if (it == _sessions.end()) return;
    const std::shared_ptr<web_session> s = it->second;
    _sessions.erase(it);
    _log("session of user '" + s->user_key + "' ended: " + why);
    s->flush->cancel();
    s->up->on_push(nullptr);
    s->up->on_closed(nullptr);
    s->up->close();
    const auto sockets = s->sockets;
    s->sockets.clear();
    json::object message{{"type", "expired"}, {"why", why}};
    const std::string text = json::to_string(json::value(std::move(message)));
    for (const auto& [socket, pos] : sockets)
        socket->close_with(text);
}

void session_registry::expire() {
    const clock::time_point now = clock::now();
    std::vector<std::string> old;
    for (const auto& [id, s] : _sessions) {
        if (now - s->last_used >= _limits.idle || now - s->created >= _limits.absolute)
            old.push_back(id);
    }
    for (const std::string& id : old)
        end(id, "expired");
    _sweep.expires_after(std::chrono::seconds(10));
    _sweep.async_wait([this](const boost::system::error_code& error) {
        if (!error) expire();
    });
}

void session_registry::close_all() {
    _sweep.cancel();
    std::vector<std::string> ids;
    for (const auto& [id, s] : _sessions)
        ids.push_back(id);
    for (const std::string& id : ids)
        end(id, "stamp-web is stopping");
}

bool session_registry::attach(web_session& s, live_socket* socket) {
    if (s.sockets.size() >= sockets_per_session_max) return false;
    s.sockets.emplace_back(socket, page_watch{});
    return true;
}

void session_registry::detach(web_session& s, live_socket* socket) {
    std::erase_if(s.sockets, [&](const auto& entry) { return entry.first == socket; });
    resubscribe(s);
}

void session_registry::watch(web_session& s, live_socket* socket, page_watch what) {
    for (auto& [who, watched] : s.sockets) {
        if (who == socket) watched = std::move(what);
    }
    resubscribe(s);
}

// stampd's subscriptions follow the union of what the session's pages watch: the first
// watched_pos_max - 1 POs, and the consignees — a consignee user's own while any page is open,
// a staff person's the first watched_consignees_max its pages ask for.
void session_registry::resubscribe(web_session& s) {
    std::set<std::uint32_t> wanted, consignees;
    for (const auto& [socket, page] : s.sockets) {
        for (const std::uint32_t po : page.pos) {
            if (wanted.size() < watched_pos_max - 1) wanted.insert(po);
        }
        if (s.who.consignee != 0) continue;
        for (const std::uint32_t c : page.consignees) {
            if (consignees.size() < watched_consignees_max) consignees.insert(c);
        }
    }
    if (s.who.consignee != 0 && !s.sockets.empty()) consignees.insert(s.who.consignee);
    // A request the connection cannot take now (requests_in_flight_max) is not counted as done:
    // the next resubscribe tries it again.
    const auto send = [&](proto::Body kind, std::uint32_t po, std::uint32_t c) {
        return s.up->call(
                   [&](std::uint64_t id, std::vector<std::uint8_t>& out) {
                       flatbuffers::FlatBufferBuilder b(64);
                       flatbuffers::Offset<void> body =
                           kind == proto::Body::Subscribe
                               ? proto::CreateSubscribe(b, po, c, true).Union()
                               : proto::CreateUnsubscribe(b, po, c).Union();
                       b.Finish(proto::CreateRequest(b, id, kind, body));
                       out.assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
                       return true;
                   },
                   [](const std::string&, frame) {}) ==  // one the person may not see: no push
               upstream::call_result::sent;
    };
    const auto follow = [&](std::set<std::uint32_t>& now, const std::set<std::uint32_t>& target,
                            bool of_pos) {
        const std::set<std::uint32_t> before = now;
        for (const std::uint32_t id : before) {
            if (!target.contains(id) &&
                send(proto::Body::Unsubscribe, of_pos ? id : 0, of_pos ? 0 : id))
                now.erase(id);
        }
        for (const std::uint32_t id : target) {
            if (!before.contains(id) &&
                send(proto::Body::Subscribe, of_pos ? id : 0, of_pos ? 0 : id))
                now.insert(id);
        }
    };
    follow(s.subscribed, wanted, true);
    follow(s.consignees_subscribed, consignees, false);
}

// stampd tells what each commit group changed (Subscribe.changes_only): gathered here, and sent
// to the pages at most once a live_interval.
void session_registry::pushed(const std::shared_ptr<web_session>& s, frame push) {
    const proto::Changed* changed = response_of(push).reply_as_Changed();
    if (changed == nullptr) return;
    s->lsn = std::max(s->lsn, changed->lsn());
    if (changed->pos() != nullptr)
        s->changed_pos.insert(changed->pos()->begin(), changed->pos()->end());
    if (changed->consignees() != nullptr) {
        s->changed_consignees.insert(changed->consignees()->begin(), changed->consignees()->end());
    }
    if (s->flush_armed || s->sockets.empty()) return;
    s->flush_armed = true;
    s->flush->expires_after(_limits.live_interval);
    std::weak_ptr<web_session> weak = s;
    s->flush->async_wait([this, weak](const boost::system::error_code& error) {
        auto held = weak.lock();
        if (error || !held) return;
        held->flush_armed = false;
        flush(*held);
    });
}

// One message for the interval: which POs and consignees changed, and the newest LSN.
void session_registry::flush(web_session& s) {
    json::array pos, consignees;
    for (const std::uint32_t po : s.changed_pos)
        pos.emplace_back(std::uint64_t{po});
    for (const std::uint32_t c : s.changed_consignees)
        consignees.emplace_back(std::uint64_t{c});
    json::object message{{"type", "changed"},
                         {"pos", std::move(pos)},
                         {"consignees", std::move(consignees)},
                         {"lsn", s.lsn}};
    const std::string text = json::to_string(json::value(std::move(message)));
    s.changed_pos.clear();
    s.changed_consignees.clear();
    for (const auto& [socket, watched] : s.sockets)
        socket->send(text);
}

}  // namespace stampd::web
