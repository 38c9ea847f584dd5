// The server (server.hpp): the acceptor, the I/O threads, the session registry, and the bridge
// from the runtime's committer thread (durable answers, durable records) back to the sessions.
#include "net/server.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <chrono>
#include <cstring>
#include <future>
#include <memory>
#include <thread>

#include <pthread.h>
#include <sys/resource.h>

#include "net/protocol/answers.hpp"
#include "net/session.hpp"

namespace stampd::net {

server::server(std::unique_ptr<impl> impl) : _impl(std::move(impl)) {}

server::~server() {
    stop();
}

std::uint16_t server::port() const {
    return _impl->port;
}

wal::runtime& server::runtime() {
    return *_impl->runtime;
}

bool server::inspect(std::function<void(const state&, std::uint64_t)> look,
                     std::chrono::milliseconds wait) {
    auto ran = std::make_shared<std::promise<void>>();
    std::future<void> done = ran->get_future();
    const std::uint32_t seq = _impl->inspect_seq.fetch_add(1, std::memory_order_relaxed);
    wal::read_request query{
        .run =
            [look = std::move(look), ran](const state& s, const wal::read_context& at) {
                look(s, at.applied_lsn);
                ran->set_value();
            },
        .tag = make_tag(inspect_slot, 0, seq)};
    if (_impl->stopping.load() || !_impl->runtime->input().submit(std::move(query))) return false;
    return done.wait_for(wait) == std::future_status::ready;
}

bool server::ready(std::string& why) const {
    if (_impl->stopping.load()) {
        why = "stopping";
        return false;
    }
    if (_impl->runtime->stats().degraded) {
        why = "commits fail: writes are refused until one succeeds (see the log)";
        return false;
    }
    return true;
}

bool server::created_admin() const {
    return _impl->bootstrap.verdict.ok() && _impl->bootstrap.lsn != 0;
}

server_stats server::stats() const {
    return server_stats{.connections = _impl->open_connections.load(),
                        .accepted = _impl->accepted.load(),
                        .refused = _impl->refused.load(),
                        .evicted = _impl->evicted.load(),
                        .closed_for_errors = _impl->closed_for_errors.load(),
                        .frames = _impl->frames.load(),
                        .accept_failures = _impl->accept_failures.load(),
                        .output_buffered = _impl->output_buffered.load(),
                        .output_pauses = _impl->output_pauses.load()};
}

namespace {

// Enough descriptors for every connection the server admits: the usual soft limit (1,024) is
// not, and at the limit accept() fails instead of refusing with TOO_MANY_CONNECTIONS. The soft
// limit is raised up to the hard one; short of that, the operator is told what to raise.
void raise_file_limit(const server::impl& s) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    const rlim_t need = rlim_t{s.options.connections_max} + descriptors_besides_connections;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < need) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? need : std::min(need, limit.rlim_max);
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < need) {
        s.log(log_level::warn,
              "the file limit is " + std::to_string(limit.rlim_cur) + " descriptors (hard limit " +
                  std::to_string(limit.rlim_max) + "), fewer than the " + std::to_string(need) +
                  " that connections_max = " + std::to_string(s.options.connections_max) +
                  " needs: raise it (ulimit -n, or LimitNOFILE= in the unit file), or lower "
                  "connections_max");
    }
}

}  // namespace

wal::status server::start(const wal::runtime_options& runtime_options,
                          const server_options& options, std::unique_ptr<server>& out) {
    auto p = std::make_unique<impl>();
    impl& s = *p;
    s.options = options;
    s.options.io_threads = std::max(1u, options.io_threads);
    s.slots.resize(options.connections_max);
    s.generations.assign(options.connections_max, 0);
    for (std::uint32_t slot = options.connections_max; slot > 0; --slot)
        s.free_slots.push_back(slot - 1);
    s.grouped.resize(options.connections_max);
    s.door = std::make_unique<admission>(admission_limits::derived(
        options.connections_max, options.connections_per_address_max, options.awaiting_hello_max,
        options.awaiting_hello_per_address_max));
    s.auth = std::make_unique<auth_throttle>(options.auth_limits);
    s.passwords = std::make_unique<password_pool>(std::max(1u, options.password_threads),
                                                  options.password_queue_max);
    if (options.tls_cert.empty() && options.tls_key.empty() &&
        (!options.tls_client_ca.empty() || options.tls_require_client_cert)) {
        return wal::status{
            EINVAL, "client certificates need TLS: a certificate and key of the server's", true};
    }
    if (!options.tls_cert.empty() || !options.tls_key.empty()) {
        std::string error;
        s.tls = server_tls(options.tls_cert, options.tls_key, options.tls_client_ca,
                           options.tls_require_client_cert, error);
        if (!s.tls) return wal::status{EINVAL, error, true};
    }

    raise_file_limit(s);

    wal::runtime_sinks sinks{
        .answers = [&s](std::span<const wal::answer> answers) { s.on_answers(answers); },
        .records = [&s](std::span<const wal::durable_record> records) { s.on_records(records); }};
    if (wal::status st = wal::runtime::open(runtime_options, std::move(sinks), s.runtime);
        !st.ok()) {
        return st;
    }
    if (!options.bootstrap_admin_token.empty()) {
        if (wal::status st = s.bootstrap_admin(options.bootstrap_admin_token); !st.ok()) {
            s.runtime->stop();
            return st;
        }
    }
    for (unsigned i = 0; i < s.options.io_threads; ++i) {
        auto worker = std::make_unique<io_worker>();
        worker->producer = s.runtime->input().make_producer();
        s.workers.push_back(std::move(worker));
    }
    try {
        tcp::resolver resolver(s.workers[0]->context);
        const auto endpoints = resolver.resolve(options.host, std::to_string(options.port));
        s.acceptor = std::make_unique<tcp::acceptor>(s.workers[0]->context);
        const tcp::endpoint endpoint = *endpoints.begin();
        s.acceptor->open(endpoint.protocol());
        s.acceptor->set_option(tcp::acceptor::reuse_address(true));
        s.acceptor->bind(endpoint);
        s.acceptor->listen(asio::socket_base::max_listen_connections);
        s.port = s.acceptor->local_endpoint().port();
        s.accept_retry = std::make_unique<asio::steady_timer>(s.workers[0]->context);
    } catch (const boost::system::system_error& e) {
        s.runtime->stop();
        return wal::status{e.code().value(), "cannot listen on " + options.host + ":" +
                                                 std::to_string(options.port) + ": " +
                                                 e.code().message()};
    }
    s.accept_next();
    for (auto& worker : s.workers) {
        io_worker* w = worker.get();
        w->thread = std::thread([w] {
            pthread_setname_np(pthread_self(), "stampd-io");
            auto guard = asio::make_work_guard(w->context);
            // The guard is released when stop() stops the context.
            w->context.run();
        });
    }
    out.reset(new server(std::move(p)));
    return {};
}

wal::status server::impl::bootstrap_admin(const std::string& token) {
    // The first command of the runtime, before anyone can connect: the engine lets the first user
    // of an empty warehouse be an admin (and refuses it, as from nobody, once there are users).
    std::future<outcome> answered = bootstrap_answer.get_future();
    const bool queued =
        runtime->input().submit(wal::submission{.cmd = create_user{.key = code{"admin"},
                                                                   .name = "Administrator",
                                                                   .roles = role_bit(role::admin),
                                                                   .token = token},
                                                .tag = make_tag(bootstrap_slot, 0, 1)});
    assert(queued);  // the ingress is empty before the server listens
    (void)queued;
    bootstrap = answered.get();
    if (bootstrap.verdict.code == rejection_code::unknown_user) return {};  // not a new warehouse
    if (!bootstrap.verdict.ok()) {
        return wal::status{EINVAL,
                           "cannot create the bootstrap admin: " + describe(bootstrap.verdict)};
    }
    if (options.bootstrap_admin_password.empty()) return {};
    // Hashed here, on the starting thread: nobody is connected yet.
    std::string hash = hash_password(options.bootstrap_admin_password);
    if (hash.empty()) return wal::status{ENOMEM, "cannot hash the bootstrap admin's password"};
    bootstrap_answer = std::promise<outcome>();
    std::future<outcome> password_answered = bootstrap_answer.get_future();
    const user_id admin = bootstrap.result;
    const bool password_queued = runtime->input().submit(
        wal::submission{.cmd = set_user_password{.user = admin, .password = std::move(hash)},
                        .user = admin,
                        .tag = make_tag(bootstrap_slot, 0, 2)});
    assert(password_queued);
    (void)password_queued;
    const outcome set = password_answered.get();
    if (!set.verdict.ok()) {
        return wal::status{EINVAL,
                           "cannot set the bootstrap admin's password: " + describe(set.verdict)};
    }
    return {};
}

void server::impl::accept_next() {
    io_worker& worker = *workers[next_worker++ % workers.size()];
    acceptor->async_accept(worker.context, [this, &worker](const boost::system::error_code& error,
                                                           tcp::socket socket) {
        if (error) {
            if (!stopping.load() && error != asio::error::operation_aborted) accept_failed(error);
            return;
        }
        if (stopping.load()) return;
        accept_backoff = std::chrono::milliseconds{0};
        boost::system::error_code gone;
        const tcp::endpoint remote = socket.remote_endpoint(gone);
        if (gone) {  // the peer left before it was accepted
            socket.close(gone);
            accept_next();
            return;
        }
        std::shared_ptr<session> created, evict;
        bool address_full = false;
        {
            std::lock_guard lock(registry_mutex);
            const admission::decision d = door->consider(remote.address());
            address_full = !d.admit;
            if (d.admit && !free_slots.empty()) {
                if (d.evict) {
                    door->evicting(*d.evict);
                    evict = slots[*d.evict];
                }
                const std::uint32_t slot = free_slots.back();
                free_slots.pop_back();
                assert(slot < slots.size() && slots[slot] == nullptr);
                const std::uint16_t generation = ++generations[slot];
                created = std::make_shared<session>(
                    *this, worker,
                    tls ? byte_stream(std::move(socket), *tls) : byte_stream(std::move(socket)),
                    slot, generation);
                slots[slot] = created;
                subs.open(created->who());
                door->opened(slot, remote.address());
            }
        }
        if (evict) {
            evicted.fetch_add(1, std::memory_order_relaxed);
            asio::post(evict->executor(), [evict] { evict->evict(); });
        }
        if (created) {
            accepted.fetch_add(1);
            open_connections.fetch_add(1);
            asio::post(worker.context, [created] { created->start(); });
        } else if (address_full) {
            refuse(socket, "the server holds " + std::to_string(door->limits().per_address_max) +
                               " connections from " + remote.address().to_string() +
                               " already (connections_per_address_max)");
        } else {
            refuse(socket, "the server holds " + std::to_string(options.connections_max) +
                               " connections already");
        }
        accept_next();
    });
}

// The kernel refused a connection (EMFILE at the file limit, ENFILE, ENOBUFS, ENOMEM): retrying
// at once would spin a core and fill the log while nothing changes. Wait, twice as long each time
// up to a second, then accept again; the connections already open keep being served meanwhile.
void server::impl::accept_failed(const boost::system::error_code& error) {
    accept_failures.fetch_add(1, std::memory_order_relaxed);
    if (auto line = accept_errors.note("accept failed: " + error.message(),
                                       std::chrono::steady_clock::now())) {
        log(log_level::warn, *line);
    }
    accept_backoff = std::clamp(accept_backoff * 2, accept_backoff_min, accept_backoff_max);
    accept_retry->expires_after(accept_backoff);
    accept_retry->async_wait([this](const boost::system::error_code& cancelled) {
        if (cancelled || stopping.load()) return;
        accept_next();
    });
}

// Over a limit: say why, then close. A few bytes to a new socket.
void server::impl::refuse(tcp::socket& socket, const std::string& why) {
    refused.fetch_add(1);
    flatbuffers::FlatBufferBuilder b(128);
    build_refusal_response(b, 0, proto::Code::TOO_MANY_CONNECTIONS, why);
    std::uint8_t header[frame_header_size];
    put_frame_header(header, b.GetSize());
    boost::system::error_code ignored;
    const std::array<asio::const_buffer, 2> frame{asio::buffer(header),
                                                  asio::buffer(b.GetBufferPointer(), b.GetSize())};
    asio::write(socket, frame, ignored);
    socket.close(ignored);
}

void server::impl::hello_received(std::uint32_t slot) {
    std::lock_guard lock(registry_mutex);
    door->said_hello(slot);
}

std::shared_ptr<session> server::impl::session_at(std::uint32_t slot, std::uint16_t generation) {
    if (slot >= slots.size()) return nullptr;
    std::shared_ptr<session> s = slots[slot];
    if (!s || s->generation() != generation) return nullptr;
    return s;
}

void server::impl::release_slot(std::uint32_t slot) {
    {
        std::lock_guard lock(registry_mutex);
        assert(slot < slots.size() && slots[slot] != nullptr);
        assert(free_slots.size() < slots.size());
        slots[slot].reset();
        free_slots.push_back(slot);
        door->closed(slot);
    }
    open_connections.fetch_sub(1);
}

void server::impl::on_answers(std::span<const wal::answer> answers) {
    // Committer thread: one post per session per batch.
    for (const wal::answer& a : answers) {
        const std::uint32_t slot = tag_slot(a.tag);
        if (slot == bootstrap_slot) {
            bootstrap_answer.set_value(a.result);
            continue;
        }
        if (slot == inspect_slot) continue;  // inspect() had what it asked for on the writer
        assert(slot < grouped.size());
        if (grouped[slot].empty()) touched.push_back(slot);
        grouped[slot].push_back(a);
    }
    std::lock_guard lock(registry_mutex);
    for (const std::uint32_t slot : touched) {
        std::vector<wal::answer> mine = std::move(grouped[slot]);
        grouped[slot].clear();
        const std::shared_ptr<session> target = session_at(slot, tag_generation(mine.front().tag));
        if (!target) continue;  // the connection closed: its answers have nowhere to go
        asio::post(target->executor(), [target, mine = std::move(mine)]() mutable {
            target->on_answers(std::move(mine));
        });
    }
    touched.clear();
}

void server::impl::on_records(std::span<const wal::durable_record> records) {
    // Committer thread, before the records' answers: nothing is decoded or built while nobody
    // is subscribed.
    for (const wal::durable_record& r : records) {
        for (const event& e : r.events)
            events.count(e);
    }
    if (subs.empty()) return;
    std::vector<std::pair<subscriber, viewer>> to;
    std::vector<outgoing> out;
    out_index.clear();
    changes.clear();
    changes_index.clear();
    for (const wal::durable_record& r : records) {
        to.clear();
        subs.match(
            r.lsn, r.events, [&to](subscriber who, const viewer& as) { to.emplace_back(who, as); },
            [&](subscriber who, std::span<const po_id> pos, consignee_id consignee) {
                const auto [at, added] = changes_index.try_emplace(key_of(who), changes.size());
                if (added) changes.push_back(changed_ids{.who = who});
                changed_ids& c = changes[at->second];
                c.lsn = r.lsn;
                c.pos.insert(c.pos.end(), pos.begin(), pos.end());
                if (consignee != id_none) c.consignees.push_back(consignee);
            });
        if (!to.empty()) gather(r, to, out);
    }
    for (changed_ids& c : changes)
        add_changed(c, out);
    deliver(out);
}

namespace {

using frame_ptr = server::impl::frame_ptr;

// The finished frame in `b`, copied into the shared buffer every subscriber's write holds.
frame_ptr frame_of(const flatbuffers::FlatBufferBuilder& b) {
    return std::make_shared<const std::vector<std::uint8_t>>(b.GetBufferPointer(),
                                                             b.GetBufferPointer() + b.GetSize());
}

// One Pushed frame: the record's events that `as` may see, encoded as the log encodes them; null
// when it may see none of them.
frame_ptr pushed_frame(const wal::durable_record& record, const viewer& as,
                       codec::event_encoder& encoder) {
    flatbuffers::FlatBufferBuilder b(512);
    std::vector<flatbuffers::Offset<proto::EventBytes>> bytes;
    std::optional<event> cut;
    for (const event& e : record.events) {
        if (!(cut = visible_event(as, e))) continue;
        const std::span<const std::uint8_t> encoded = encoder.encode(*cut);
        bytes.push_back(proto::CreateEventBytes(b, b.CreateVector(encoded.data(), encoded.size())));
    }
    if (bytes.empty()) return nullptr;
    const auto pushed = proto::CreatePushed(b, record.lsn, record.time_us, record.user,
                                            record.station, b.CreateVector(bytes));
    finish_response(b, 0, proto::Reply::Pushed, pushed.Union());
    return frame_of(b);
}

}  // namespace

// One Changed frame for a subscriber's changes_only subscriptions over a commit group: its ids
// sorted and once each (a group is bounded, and so are they: 4 bytes an id, well under
// response_size_max).
void server::impl::add_changed(changed_ids& c, std::vector<outgoing>& out) {
    for (auto* ids : {&c.pos, &c.consignees}) {
        std::ranges::sort(*ids);
        ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    }
    assert((c.pos.size() + c.consignees.size()) * sizeof(std::uint32_t) + 256 <= response_size_max);
    flatbuffers::FlatBufferBuilder b(64 + 4 * (c.pos.size() + c.consignees.size()));
    const auto changed =
        proto::CreateChanged(b, c.lsn, b.CreateVector(c.pos), b.CreateVector(c.consignees));
    finish_response(b, 0, proto::Reply::Changed, changed.Union());
    add_frame(c.who, frame_of(b), out);
}

void server::impl::add_frame(subscriber who, frame_ptr frame, std::vector<outgoing>& out) {
    const auto [at, added] = out_index.try_emplace(key_of(who), out.size());
    if (added) out.push_back(outgoing{.who = who, .frames = {}});
    out[at->second].frames.push_back(std::move(frame));
}

void server::impl::gather(const wal::durable_record& record,
                          const std::vector<std::pair<subscriber, viewer>>& to,
                          std::vector<outgoing>& out) {
    // Built once per kind of viewer: the whole record for staff, one cut per consignee.
    std::optional<frame_ptr> whole;
    std::vector<std::pair<consignee_id, frame_ptr>> cut;
    const auto frame_for = [&](const viewer& as) -> frame_ptr {
        if (!as.restricted) {
            if (!whole) whole = pushed_frame(record, as, push_encoder);
            return *whole;
        }
        for (const auto& [own, frame] : cut) {
            if (own == as.own) return frame;
        }
        return cut.emplace_back(as.own, pushed_frame(record, as, push_encoder)).second;
    };
    for (const auto& [who, as] : to) {
        if (frame_ptr frame = frame_for(as)) add_frame(who, std::move(frame), out);
    }
}

void server::impl::deliver(std::vector<outgoing>& out) {
    if (out.empty()) return;
    std::lock_guard lock(registry_mutex);
    for (outgoing& o : out) {
        if (const std::shared_ptr<session> target = session_at(o.who.slot, o.who.generation)) {
            asio::post(target->executor(),
                       [target, frames = std::move(o.frames)] { target->on_push(frames); });
        }
    }
}

void server::stop() {
    impl& s = *_impl;
    if (s.stopped) return;
    s.stopped = true;
    s.stopping.store(true);
    asio::post(s.workers[0]->context, [&s] {
        boost::system::error_code ignored;
        s.acceptor->close(ignored);
        s.accept_retry->cancel();
    });
    // The runtime commits what it holds and answers it; sessions write the answers, then close.
    s.runtime->stop();
    std::vector<std::shared_ptr<session>> open;
    {
        std::lock_guard lock(s.registry_mutex);
        for (const auto& one : s.slots)
            if (one) open.push_back(one);
    }
    for (const auto& one : open)
        asio::post(one->executor(), [one] { one->shut_down(); });
    // A peer that never reads must not hold the shutdown: a few seconds, then the sockets go.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (s.open_connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Hashes still on the pool post their answers to the sessions: they finish first.
    if (s.passwords) s.passwords->stop();
    for (auto& worker : s.workers)
        worker->context.stop();
    for (auto& worker : s.workers)
        if (worker->thread.joinable()) worker->thread.join();
    s.log(log_level::info,
          "stopped: durable LSN " + std::to_string(s.runtime->stats().durable_lsn));
}

}  // namespace stampd::net
