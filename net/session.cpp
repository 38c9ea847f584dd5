// One client connection (session.hpp): frames in, commands and reads to the writer, answers out
// in request order. Runs on its I/O thread only.
#include "net/session.hpp"

#include <cassert>
#include <chrono>
#include <cstring>
#include <string>

#include "engine/access.hpp"
#include "engine/codec/event_codec.hpp"
#include "net/passwords.hpp"
#include "net/protocol/answers.hpp"
#include "net/protocol/command_codec.hpp"
#include "net/views.hpp"

namespace stampd::net {
namespace {

std::shared_ptr<std::vector<std::uint8_t>> copy_of(const flatbuffers::FlatBufferBuilder& b) {
    return std::make_shared<std::vector<std::uint8_t>>(b.GetBufferPointer(),
                                                       b.GetBufferPointer() + b.GetSize());
}

}  // namespace

session::session(server::impl& server, io_worker& worker, byte_stream stream, std::uint32_t slot,
                 std::uint16_t generation)
    : _server(server),
      _worker(worker),
      _stream(std::move(stream)),
      _timer(_worker.context),
      _retry(_worker.context),
      _delay(_worker.context),
      _slot(slot),
      _generation(generation),
      _in(frame_header_size + frame_size_max + read_chunk_size) {}

void session::start() {
    boost::system::error_code ignored;
    _stream.socket().set_option(tcp::no_delay(true), ignored);
    if (const tcp::endpoint peer = _stream.socket().remote_endpoint(ignored); !ignored) {
        _address = peer.address().to_string();
        _throttle_key = throttle_key(peer.address());
    }
    _opened = std::chrono::steady_clock::now();
    _server.log(log_level::info, "connection " + std::to_string(_slot) + " opened from " +
                                     _address + (_stream.tls_stream() ? " (TLS)" : ""));
    arm_timer();  // the Hello's time covers the handshake too
    if (ssl::stream<tcp::socket>* tls = _stream.tls_stream()) {
        tls->async_handshake(ssl::stream_base::server,
                             [self = shared_from_this()](const boost::system::error_code& error) {
                                 self->handshake_done(error);
                             });
        return;
    }
    read_more();
}

void session::handshake_done(const boost::system::error_code& error) {
    if (_closed) return;
    if (error) {
        // Plaintext on the TLS port, an old protocol version, a certificate the CA did not sign.
        _server.log(log_level::info, "connection " + std::to_string(_slot) + " from " + _address +
                                         " closed: TLS handshake failed: " + error.message());
        close();
        return;
    }
    read_more();
}

bool session::may_read() const {
    return !_closing && !_closed && !_hello_pending && !_hashing &&
           _in_flight.size() < in_flight_per_connection_max &&
           _reads_in_flight < reads_in_flight_max && !_ingress_full && !output_backed_up() &&
           !_server.stopping.load(std::memory_order_acquire);
}

bool session::output_backed_up() const {
    if (_buffered >= output_pause_bytes) return true;
    return _buffered >= output_pause_over_budget_bytes &&
           _server.output_buffered.load(std::memory_order_relaxed) >=
               _server.options.output_budget_bytes;
}

void session::output_added(std::size_t bytes) {
    _buffered += bytes;
    _server.output_buffered.fetch_add(bytes, std::memory_order_relaxed);
}

void session::output_written(std::size_t bytes) {
    if (_closed) return;  // close() gave all of it back
    assert(bytes <= _buffered);
    _buffered -= bytes;
    _server.output_buffered.fetch_sub(bytes, std::memory_order_relaxed);
}

void session::read_more() {
    if (_reading) return;
    if (!may_read()) {
        if (!_paused_for_output && !_closed && output_backed_up()) {
            _paused_for_output = true;
            _server.output_pauses.fetch_add(1, std::memory_order_relaxed);
        }
        return;
    }
    _paused_for_output = false;
    // Keep room for a whole chunk after the unread bytes.
    if (_in.size() - _in_end < read_chunk_size) {
        std::memmove(_in.data(), _in.data() + _in_begin, _in_end - _in_begin);
        _in_end -= _in_begin;
        _in_begin = 0;
    }
    _reading = true;
    _stream.async_read_some(
        asio::buffer(_in.data() + _in_end, _in.size() - _in_end),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t bytes) {
            self->on_read(error, bytes);
        });
}

void session::on_read(const boost::system::error_code& error, std::size_t bytes) {
    _reading = false;
    if (error) {
        // The peer went away (or stop() closed us): answers still in flight have nowhere to go.
        close();
        return;
    }
    _in_end += bytes;
    _saw_traffic = true;
    process_frames();
    read_more();
}

void session::process_frames() {
    // Answering locally drains, and draining resumes processing: only the outermost call loops,
    // so a payload being handled is never moved under it.
    if (_processing) return;
    _processing = true;
    while (may_read()) {
        assert(_in_begin <= _in_end && _in_end <= _in.size());
        const std::size_t available = _in_end - _in_begin;
        if (available < frame_header_size) break;
        const std::uint32_t size = get_frame_header(_in.data() + _in_begin);
        if (size > frame_size_max) {
            fail(proto::Code::FRAME_TOO_LARGE, "a frame of " + std::to_string(size) +
                                                   " bytes; the limit is " +
                                                   std::to_string(frame_size_max));
            _processing = false;
            return;
        }
        if (available < frame_header_size + size) break;
        const std::span<const std::uint8_t> payload(_in.data() + _in_begin + frame_header_size,
                                                    size);
        _in_begin += frame_header_size + size;
        _server.frames.fetch_add(1, std::memory_order_relaxed);
        if (!handle_frame(payload)) break;
    }
    // A read in progress fills the buffer from _in_end: the buffer moves only between reads.
    if (_in_begin == _in_end && !_reading) _in_begin = _in_end = 0;
    _processing = false;
    flush_submissions();
}

bool session::handle_frame(std::span<const std::uint8_t> bytes) {
    const proto::Request* request = nullptr;
    if (const proto::Code code = verify_request(bytes, request); code != proto::Code::OK) {
        fail(code, code == proto::Code::UNKNOWN_TYPE    ? "a request kind this server does not know"
                   : code == proto::Code::MISSING_FIELD ? "a request needs a body"
                                                        : "the frame is not a valid Request");
        return false;
    }
    const std::uint64_t id = request->id();
    const proto::Body kind = request->body_type();
    _frame_body = kind;
    if (id == 0) {
        // Id 0 marks pushes and closing errors: an answer to it could not be told from them.
        fail(proto::Code::OUT_OF_RANGE, "request id 0 is reserved for pushes: ids start at 1");
        return false;
    }
    if (kind == proto::Body::Hello) {
        handle_hello(*request, id);
        return true;
    }
    if (_user == id_none) {
        fail(proto::Code::UNAUTHENTICATED, "send Hello with a token first", id);
        return false;
    }
    if (kind == proto::Body::Subscribe || kind == proto::Body::Unsubscribe) {
        handle_subscription(*request, id);
        return true;
    }
    if (kind == proto::Body::SetUserPassword) {
        handle_password(*request, id);
        return !_closing;
    }
    if (is_command(kind) && !request->dry_run()) {
        handle_command(*request, id);
        return !_closing;
    }
    handle_read(bytes, id);
    return !_closing;
}

void session::handle_hello(const proto::Request& request, std::uint64_t id) {
    if (_user != id_none) {
        answer_locally(id, proto::Code::INVALID_ARGUMENT, "this connection already said Hello");
        return;
    }
    const proto::Hello* hello = request.body_as_Hello();
    const bool by_password = hello->user() != nullptr || hello->password() != nullptr;
    if (by_password) {
        if (hello->user() == nullptr || hello->password() == nullptr) {
            fail(proto::Code::MISSING_FIELD, "a Hello by password needs both user and password",
                 id);
            return;
        }
        if (hello->user()->size() > constants::code_size_max ||
            hello->password()->size() > constants::password_size_max) {
            fail(proto::Code::OUT_OF_RANGE,
                 "Hello: a user key has at most " + std::to_string(constants::code_size_max) +
                     " bytes and a password at most " +
                     std::to_string(constants::password_size_max),
                 id);
            return;
        }
    } else if (hello->token() == nullptr || hello->token()->size() > constants::token_size_max) {
        fail(hello->token() == nullptr ? proto::Code::MISSING_FIELD : proto::Code::OUT_OF_RANGE,
             "Hello needs a token of at most " + std::to_string(constants::token_size_max) +
                 " bytes (or a user and password)",
             id);
        return;
    }
    if (!_hello_received) {
        _hello_received = true;
        _server.hello_received(_slot);
    }
    // A trusted proxy logs people in from their own addresses: those are counted, not its own.
    if (hello->for_address() != nullptr && hello->for_address()->size() <= 64 && is_auth_proxy()) {
        boost::system::error_code ec;
        const auto behalf = asio::ip::make_address(hello->for_address()->str(), ec);
        if (!ec) _throttle_key = throttle_key(behalf);
    }
    // An address that guessed too often is refused without its token being looked at.
    const auth_throttle::clock::time_point now = auth_throttle::clock::now();
    if (const std::chrono::seconds locked = _server.auth->refused_for(_throttle_key, now);
        locked.count() > 0) {
        fail(proto::Code::UNAUTHENTICATED,
             "too many failed logins from " + _throttle_key + ": refused for another " +
                 std::to_string(locked.count()) + " s",
             id);
        return;
    }
    _client = hello->client();
    _client_lsn = hello->client_lsn();
    _station = hello->station();
    auto reply = std::make_shared<std::vector<std::uint8_t>>();
    const std::uint64_t tag = next_tag();
    if (by_password) {
        auto login = std::make_shared<password_login>();
        login->user_key = hello->user()->str();
        login->password = hello->password()->str();
        _token_prefix = printable_prefix(login->user_key);
        // So is a user someone guessed for too often, wherever the guesses came from.
        if (const std::chrono::seconds locked =
                _server.auth->user_refused_for("user " + login->user_key, now);
            locked.count() > 0) {
            fail(proto::Code::UNAUTHENTICATED,
                 "too many failed logins for user '" + _token_prefix + "': refused for another " +
                     std::to_string(locked.count()) + " s",
                 id);
            return;
        }
        _in_flight.push_back(pending{.request_id = id,
                                     .seq = tag_seq(tag),
                                     .what = kind::hello,
                                     .reply = reply,
                                     .login = login,
                                     .body = _frame_body});
        _hello_pending = true;
        // The writer only looks the user up; the pool checks the password (check_password).
        _to_submit.emplace_back(
            wal::read_request{.run =
                                  [login](const state& s, const wal::read_context& at) {
                                      login->lsn = at.applied_lsn;
                                      const auto it = s.user_by_key.find(login->user_key);
                                      if (it == s.user_by_key.end()) return;
                                      const stampd::user& u = s.user_at(it->second);
                                      login->user = it->second;
                                      login->roles = u.roles;
                                      login->consignee = u.consignee;
                                      login->name = u.name;
                                      login->hash = u.password_hash;
                                  },
                              .tag = tag});
        return;
    }
    _token_prefix = printable_prefix(hello->token()->string_view().substr(0, token_prefix_size));
    _in_flight.push_back(pending{.request_id = id,
                                 .seq = tag_seq(tag),
                                 .what = kind::hello,
                                 .reply = reply,
                                 .body = _frame_body});
    _hello_pending = true;
    _to_submit.emplace_back(wal::read_request{
        .run =
            [reply, id, token = hello->token()->str()](const state& s,
                                                       const wal::read_context& at) {
                flatbuffers::FlatBufferBuilder b(256);
                const user_id user = authenticate(s, token);
                if (user == id_none) {
                    build_refusal_response(b, id, proto::Code::UNAUTHENTICATED,
                                           "no user holds this token");
                } else {
                    const stampd::user& u = s.users[user - 1];
                    const auto name = b.CreateString(u.name);
                    const auto ok =
                        proto::CreateHelloOk(b, user, u.roles, u.consignee, name, at.applied_lsn);
                    finish_response(b, id, proto::Reply::HelloOk, ok.Union());
                }
                reply->assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
            },
        .tag = tag});
}

bool session::is_auth_proxy() {
    boost::system::error_code ec;
    const tcp::endpoint peer = _stream.socket().remote_endpoint(ec);
    if (ec) return false;
    const std::string address = peer.address().to_string();
    for (const std::string& proxy : _server.options.auth_proxies) {
        if (proxy == address) return true;
    }
    return false;
}

bool session::check_password(pending& p) {
    password_login& login = *p.login;
    if (login.checked) return true;
    if (login.submitted) return false;
    login.submitted = true;
    const bool queued = _server.passwords->submit([self = shared_from_this(), held = p.login] {
        // A user without a password (or without an account) is checked against a decoy, so
        // that the answer takes as long either way.
        held->matched = held->user != id_none && verify_password(held->hash, held->password);
        std::fill(held->password.begin(), held->password.end(), '\0');
        held->password.clear();
        asio::post(self->executor(), [self, held] {
            held->checked = true;
            if (!self->_closed) self->drain_ready();
        });
    });
    if (queued) return false;
    login.checked = true;
    login.busy = true;
    return true;
}

void session::handle_read(std::span<const std::uint8_t> bytes, std::uint64_t id) {
    const proto::Request* request = flatbuffers::GetRoot<proto::Request>(bytes.data());
    if (std::string why; !is_command(request->body_type())) {
        // Malformed like a command with a bad field: answered, and the connection closes.
        if (const proto::Code code = check_read(*request, why); code != proto::Code::OK) {
            fail(code, why, id);
            return;
        }
    }
    if (is_command(request->body_type())) {
        command cmd;
        std::string why;
        if (const proto::Code code = decode_command(*request, cmd, why); code != proto::Code::OK) {
            fail(code, why, id);
            return;
        }
        submit_dry_run(std::move(cmd), id);
        return;
    }
    auto reply = std::make_shared<std::vector<std::uint8_t>>();
    const std::uint64_t tag = next_tag();
    wal::read_request query{.tag = tag};
    query.run = [reply, bytes = std::vector<std::uint8_t>(bytes.begin(), bytes.end()),
                 user = _user](const state& s, const wal::read_context& at) {
        flatbuffers::FlatBufferBuilder b(1024);
        answer_read(s, user, *flatbuffers::GetRoot<proto::Request>(bytes.data()), b, at.time_us);
        reply->assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
    };
    _in_flight.push_back(pending{.request_id = id,
                                 .seq = tag_seq(tag),
                                 .what = kind::read,
                                 .reply = reply,
                                 .body = _frame_body});
    ++_reads_in_flight;
    _to_submit.emplace_back(std::move(query));
}

// A dry run: decided against the state of the moment, nothing recorded, the events listed.
void session::submit_dry_run(command&& cmd, std::uint64_t id) {
    auto reply = std::make_shared<std::vector<std::uint8_t>>();
    const std::uint64_t tag = next_tag();
    wal::read_request query{.tag = tag};
    // Decided as the next command would be: the next LSN, the writer's clock.
    query.run = [reply, id, cmd = std::move(cmd), user = _user, station = _station](
                    const state& s, const wal::read_context& at) {
        const context ctx{
            .lsn = at.applied_lsn + 1, .time_us = at.time_us, .user = user, .station = station};
        event_list events;
        const rejection verdict = dry_run(s, cmd, ctx, events);
        flatbuffers::FlatBufferBuilder b(1024);
        codec::event_encoder encoder;
        std::vector<flatbuffers::Offset<proto::EventBytes>> effects;
        for (const event& e : events) {
            const auto encoded = encoder.encode(e);
            effects.push_back(
                proto::CreateEventBytes(b, b.CreateVector(encoded.data(), encoded.size())));
        }
        const auto outcome_offset = build_outcome(
            b, outcome{.verdict = verdict, .result = result_of(events)}, b.CreateVector(effects));
        finish_response(b, id, proto::Reply::Outcome, outcome_offset.Union());
        reply->assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
    };
    _in_flight.push_back(pending{.request_id = id,
                                 .seq = tag_seq(tag),
                                 .what = kind::read,
                                 .reply = reply,
                                 .body = _frame_body});
    ++_reads_in_flight;
    _to_submit.emplace_back(std::move(query));
}

void session::handle_subscription(const proto::Request& request, std::uint64_t id) {
    auto reply = std::make_shared<std::vector<std::uint8_t>>();
    const std::uint64_t tag = next_tag();
    subscriptions* subs = &_server.subs;
    wal::read_request query{.tag = tag};
    if (request.body_type() == proto::Body::Unsubscribe) {
        // On the writer thread as well, after any Subscribe sent before it. Idempotent: not
        // being subscribed is no error.
        const proto::Unsubscribe* u = request.body_as_Unsubscribe();
        query.run = [reply, id, subs, who = who(), po = u->po(), consignee = u->consignee()](
                        const state&, const wal::read_context& at) {
            subs->remove(who, po, consignee);
            flatbuffers::FlatBufferBuilder b(64);
            const auto o = build_outcome(b, outcome{.lsn = at.applied_lsn});
            finish_response(b, id, proto::Reply::Outcome, o.Union());
            reply->assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
        };
    } else {
        const proto::Subscribe* sub = request.body_as_Subscribe();
        if ((sub->po() == id_none) == (sub->consignee() == id_none)) {
            answer_locally(id, proto::Code::INVALID_ARGUMENT,
                           "subscribe to one PO or one consignee");
            return;
        }
        // Registered on the writer thread: every record after `lsn` reaches the subscriber.
        query.run = [reply, id, subs, who = who(), user = _user, po = sub->po(),
                     consignee = sub->consignee(), changes_only = sub->changes_only()](
                        const state& s, const wal::read_context& at) {
            const std::uint64_t lsn = at.applied_lsn;
            flatbuffers::FlatBufferBuilder b(256);
            const viewer as = viewer_of(s, user);
            const bool visible = po != id_none ? may_see_po(s, user, po)
                                               : s.has_consignee(consignee) && as.sees(consignee);
            // At the limit, refused before the state is scanned for what the subscription covers.
            add_result added = visible ? subs->admits(who) : add_result::closed;
            if (added == add_result::added) {
                subscription_start start{
                    .po = po, .consignee = consignee, .changes_only = changes_only};
                for (po_id p = 1; consignee != id_none && p <= s.production_orders.size(); ++p) {
                    if (s.po_at(p).consignee == consignee) start.pos.push_back(p);
                }
                for (invoice_id i = 1; i <= s.invoices.size(); ++i) {
                    const invoice& inv = s.invoice_at(i);
                    if (po != id_none ? inv.po == po : inv.consignee == consignee)
                        start.invoices.push_back(i);
                }
                for (request_id q = 1; q <= s.requests.size(); ++q) {
                    const customer_request& req = s.request_at(q);
                    if (po != id_none ? req.po == po : req.consignee == consignee)
                        start.requests.push_back(q);
                }
                added = subs->add(who, as, std::move(start), lsn);
            }
            if (!visible) {
                build_refusal_response(b, id, proto::Code::NOT_FOUND,
                                       po != id_none ? "no such PO" : "no such consignee");
            } else if (added == add_result::limit) {
                build_refusal_response(b, id, proto::Code::LIMIT_EXCEEDED,
                                       "at most " +
                                           std::to_string(subscriptions_per_connection_max) +
                                           " subscriptions a connection");
            } else {  // added, or closed (the answer goes nowhere)
                const auto o =
                    build_outcome(b, outcome{.lsn = lsn, .result = po != id_none ? po : consignee});
                finish_response(b, id, proto::Reply::Outcome, o.Union());
            }
            reply->assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
        };
    }
    // Counted as a read: each runs on the writer thread.
    _in_flight.push_back(pending{.request_id = id,
                                 .seq = tag_seq(tag),
                                 .what = kind::subscribe,
                                 .reply = reply,
                                 .body = _frame_body});
    ++_reads_in_flight;
    _to_submit.emplace_back(std::move(query));
}

void session::handle_command(const proto::Request& request, std::uint64_t id) {
    command cmd;
    std::string why;
    if (const proto::Code code = decode_command(request, cmd, why); code != proto::Code::OK) {
        fail(code, why, id);
        return;
    }
    submit_command(std::move(cmd), id);
}

void session::handle_password(const proto::Request& request, std::uint64_t id) {
    auto job = std::make_shared<password_job>();
    job->id = id;
    job->dry_run = request.dry_run();
    std::string why;
    if (const proto::Code code = decode_command(request, job->cmd, why); code != proto::Code::OK) {
        fail(code, why, id);
        return;
    }
    const std::size_t size = std::get<set_user_password>(job->cmd).password.size();
    if (size < constants::password_size_min) {
        answer_locally(id, proto::Code::INVALID_ARGUMENT,
                       "a password needs at least " + std::to_string(constants::password_size_min) +
                           " characters; this one has " + std::to_string(size));
        return;
    }
    // Nothing more is read until it is hashed, so the command keeps its place among the
    // connection's others.
    _hashing = true;
    const bool queued = _server.passwords->submit([self = shared_from_this(), job] {
        std::string& password = std::get<set_user_password>(job->cmd).password;
        std::string hash = hash_password(password);
        std::fill(password.begin(), password.end(), '\0');
        job->hashed = !hash.empty();
        password = std::move(hash);
        asio::post(self->executor(), [self, job] { self->password_hashed(job); });
    });
    if (!queued) {
        _hashing = false;
        answer_locally(id, proto::Code::LIMIT_EXCEEDED,
                       "stampd is hashing " + std::to_string(_server.passwords->queued_max()) +
                           " passwords already: try again in a moment");
    }
}

void session::password_hashed(const std::shared_ptr<password_job>& job) {
    _hashing = false;
    _frame_body = proto::Body::SetUserPassword;  // reading waited for the hash
    if (_closed) return;
    if (!job->hashed) {
        answer_locally(job->id, proto::Code::STORAGE_UNAVAILABLE,
                       "the password could not be hashed (out of memory): try again");
    } else if (job->dry_run) {
        submit_dry_run(std::move(job->cmd), job->id);
    } else {
        submit_command(std::move(job->cmd), job->id);
    }
    flush_submissions();
    process_frames();
    read_more();
}

void session::submit_command(command&& cmd, std::uint64_t id) {
    const std::uint64_t tag = next_tag();
    _in_flight.push_back(
        pending{.request_id = id, .seq = tag_seq(tag), .what = kind::command, .body = _frame_body});
    // Only requests that can be retried need one: those of a client that named itself.
    const std::uint32_t fingerprint =
        _client != 0 ? command_fingerprint(cmd, _fingerprint_scratch) : 0;
    _to_submit.emplace_back(wal::submission{.cmd = std::move(cmd),
                                            .user = _user,
                                            .station = _station,
                                            .client = _client,
                                            .request = _client != 0 ? id : 0,
                                            .client_lsn = _client_lsn,
                                            .fingerprint = fingerprint,
                                            .tag = tag});
}

void session::flush_submissions() {
    if (_submitted == _to_submit.size()) return;
    if (_server.stopping.load(std::memory_order_acquire)) {
        // Never handed to the engine: say so, in order.
        for (std::size_t i = _submitted; i < _to_submit.size(); ++i) {
            const std::uint64_t tag = wal::tag_of(_to_submit[i]);
            for (pending& p : _in_flight) {
                if (p.seq == tag_seq(tag) && !p.ready) {
                    p.what = kind::local;
                    _builder.Clear();
                    build_refusal_response(_builder, p.request_id, proto::Code::SHUTTING_DOWN,
                                           "the server is stopping");
                    p.reply = copy_of(_builder);
                    p.ready = true;
                }
            }
        }
        _to_submit.clear();
        _submitted = 0;
        drain_ready();
        return;
    }
    assert(_submitted < _to_submit.size());
    assert(_to_submit.size() <= in_flight_per_connection_max);
    const std::span<wal::ingress_item> rest = std::span(_to_submit).subspan(_submitted);
    _submitted += _server.runtime->input().submit_bulk(*_worker.producer, rest);
    _ingress_full = _submitted != _to_submit.size();
    if (!_ingress_full) {
        _to_submit.clear();
        _submitted = 0;
        return;
    }
    // The ingress is full: this session stops reading until the writer makes room.
    if (_retry_armed) return;
    _retry_armed = true;
    _retry.expires_after(std::chrono::microseconds(200));
    _retry.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
        self->_retry_armed = false;
        if (error || self->_closed) return;
        self->flush_submissions();
        self->process_frames();
        self->read_more();
    });
}

void session::answer_locally(std::uint64_t id, proto::Code code, std::string_view message) {
    _builder.Clear();
    if (code == proto::Code::OK) {
        const auto o = build_outcome(_builder, outcome{});
        finish_response(_builder, id, proto::Reply::Outcome, o.Union());
    } else {
        build_refusal_response(_builder, id, code, message);
    }
    _in_flight.push_back(pending{.request_id = id,
                                 .what = kind::local,
                                 .ready = true,
                                 .reply = copy_of(_builder),
                                 .body = _frame_body});
    drain_ready();
}

void session::fail(proto::Code code, std::string_view message, std::uint64_t id) {
    _server.closed_for_errors.fetch_add(1, std::memory_order_relaxed);
    _server.log(log_level::warn, "connection " + std::to_string(_slot) + " closed: " +
                                     std::string{to_string(code)} + ": " + std::string{message});
    _closing = true;
    answer_locally(id, code, message);
}

void session::on_answers(std::vector<wal::answer>&& answers) {
    if (_closed) return;
    std::size_t from = 0;
    for (const wal::answer& a : answers) {
        // The server routes by slot and generation; answers come in the order they were sent.
        assert(tag_slot(a.tag) == _slot && tag_generation(a.tag) == _generation);
        const std::uint32_t seq = tag_seq(a.tag);
        bool found = false;
        for (std::size_t i = from; i < _in_flight.size(); ++i) {
            pending& p = _in_flight[i];
            if (p.what == kind::local || p.seq != seq) continue;
            assert(!p.ready);  // one answer a request
            p.ready = true;
            p.result = a.result;
            from = i + 1;
            found = true;
            break;
        }
        assert(found);  // a request leaves _in_flight only once answered
        (void)found;
    }
    drain_ready();
}

void session::drain_ready() {
    const bool was_full = _in_flight.size() >= in_flight_per_connection_max;
    while (!_in_flight.empty() && _in_flight.front().ready && !_closed) {
        pending& p = _in_flight.front();
        if (p.what == kind::command) {
            if (p.result.lsn > _client_lsn) _client_lsn = p.result.lsn;
            _builder.Clear();
            const auto o = build_outcome(_builder, p.result);
            finish_response(_builder, p.request_id, proto::Reply::Outcome, o.Union());
            append_frame({_builder.GetBufferPointer(), _builder.GetSize()});
        } else {
            if (p.what == kind::hello && p.login) {
                if (!check_password(p)) break;  // on the pool: drain_ready comes back
                if (p.reply->empty()) {
                    const password_login& login = *p.login;
                    _builder.Clear();
                    if (login.matched) {
                        const auto name = _builder.CreateString(login.name);
                        const auto ok = proto::CreateHelloOk(_builder, login.user, login.roles,
                                                             login.consignee, name, login.lsn);
                        finish_response(_builder, p.request_id, proto::Reply::HelloOk, ok.Union());
                    } else {
                        build_refusal_response(_builder, p.request_id, proto::Code::UNAUTHENTICATED,
                                               login.busy ? "stampd is checking too many logins: "
                                                            "try again in a moment"
                                                          : "wrong user or password");
                    }
                    p.reply = copy_of(_builder);
                }
            }
            if (p.what == kind::hello) {
                const auto* response = flatbuffers::GetRoot<proto::Response>(p.reply->data());
                // wrong_secret may replace p.reply (and free what `response` points into).
                const bool hello_ok = response->reply_as_HelloOk() != nullptr;
                if (const proto::HelloOk* ok = response->reply_as_HelloOk()) {
                    _user = ok->user();
                    _server.log(log_level::info,
                                "connection " + std::to_string(_slot) + " from " + _address +
                                    ": logged in as user " + std::to_string(_user) + " (" +
                                    (ok->name() ? ok->name()->str() : std::string{}) + ")" +
                                    (_station != 0 ? ", station " + std::to_string(_station)
                                                   : std::string{}));
                    arm_timer();
                } else if (!_hello_answer_held) {
                    // A wrong token or password: answered (after a while, past the free
                    // failures), then closed.
                    _hello_answer_held = true;
                    // A login refused because the password pool was full is no guess.
                    const std::chrono::milliseconds delay =
                        p.login && p.login->busy ? std::chrono::milliseconds{0} : wrong_secret(p);
                    if (delay.count() > 0) {
                        _delay.expires_after(delay);
                        _delay.async_wait(
                            [self = shared_from_this()](const boost::system::error_code& error) {
                                if (!error && !self->_closed) self->drain_ready();
                            });
                        break;  // still pending: nothing more is read meanwhile
                    }
                }
                _hello_pending = false;
                if (!hello_ok) _closing = true;
            }
            if (p.what == kind::read || p.what == kind::subscribe) --_reads_in_flight;
            append_frame(*p.reply);
        }
        count_answer(p);
        _in_flight.pop_front();
    }
    if (_closed) return;
    write_more();
    if (_closing && _in_flight.empty() && !_write_active) {
        close();
        return;
    }
    if (!_processing && (was_full || !_hello_pending)) {
        process_frames();
        read_more();
    }
}

void session::count_answer(const pending& p) {
    ++_answered;
    // Dry runs are reads: they write nothing.
    const bool writes = is_command(p.body) && p.what != kind::read;
    if (p.what == kind::command) {
        _server.requests.count(writes, p.body, code_of(p.result.verdict.code), p.result.duplicate);
        return;
    }
    proto::Code code = proto::Code::OK;
    if (p.reply && !p.reply->empty()) {
        const auto* response = flatbuffers::GetRoot<proto::Response>(p.reply->data());
        if (const proto::Outcome* o = response->reply_as_Outcome()) code = o->code();
    }
    _server.requests.count(writes, p.body, code);
}

std::chrono::milliseconds session::wrong_secret(pending& p) {
    const bool password = p.login != nullptr;
    _server.auth_failures.fetch_add(1, std::memory_order_relaxed);
    const auth_throttle::clock::time_point now = auth_throttle::clock::now();
    const auth_throttle::failure f =
        password ? _server.auth->failed_password(_throttle_key, "user " + p.login->user_key, now)
                 : _server.auth->failed(_throttle_key, _token_prefix, now);
    const std::string window = std::to_string(_server.options.auth_limits.window.count());
    const std::string whose = password ? "for user '" + _token_prefix + "'"
                                       : "with tokens starting '" + _token_prefix + "'";
    std::string said = "connection " + std::to_string(_slot) + " from " + _address +
                       (password ? ": wrong password for user '" + _token_prefix + "' ("
                                 : ": wrong token '" + _token_prefix + "...' (") +
                       std::to_string(f.from_address) + " from " + _throttle_key + " and " +
                       std::to_string(f.with_prefix) +
                       (password ? " for that user in " : " with that prefix in ") + window + " s)";
    std::string why;
    const std::string lockout = std::to_string(_server.options.auth_limits.lockout.count());
    if (f.address_locked) {
        why = "too many failed logins from " + _throttle_key + ": refused for " + lockout + " s";
    } else if (f.user_locked) {
        why = "too many failed logins " + whose + ": refused for " + lockout + " s";
    } else if (f.prefix_locked) {
        why = "too many failed logins " + whose + ": such tokens are answered slowly for up to " +
              lockout + " s";
    }
    if (!why.empty()) {
        _builder.Clear();
        build_refusal_response(_builder, p.request_id, proto::Code::UNAUTHENTICATED, why);
        p.reply = copy_of(_builder);
        said += "; " + why;
    }
    if (f.delay.count() > 0) said += "; answered after " + std::to_string(f.delay.count()) + " ms";
    _server.log(log_level::warn, said);
    return f.delay;
}

void session::on_push(const std::vector<std::shared_ptr<const std::vector<std::uint8_t>>>& frames) {
    if (_user == id_none) return;  // only an authenticated user ever subscribed
    for (const auto& frame : frames) {
        if (_closed) return;  // append_frame closes a connection that reads too slowly
        append_frame(*frame);
    }
    if (!_closed) write_more();
}

void session::append_frame(std::span<const std::uint8_t> payload) {
    assert(payload.size() <= response_size_max);
    const std::size_t frame = frame_header_size + payload.size();
    // The peer does not read what it asked for, or what it subscribed to: it must not hold
    // memory or anyone else up. Its reading stopped long before (output_backed_up).
    std::string why;
    if (_buffered + frame > output_buffered_max) {
        why = "over " + std::to_string(output_buffered_max) + " bytes unread";
    } else if (_buffered >= output_pause_bytes &&
               _server.output_buffered.load(std::memory_order_relaxed) + frame >
                   2 * _server.options.output_budget_bytes) {
        why = std::to_string(_buffered) + " bytes unread while all connections' unwritten " +
              "output is past twice the budget of " +
              std::to_string(_server.options.output_budget_bytes) + " bytes";
    }
    if (!why.empty()) {
        _server.closed_for_errors.fetch_add(1, std::memory_order_relaxed);
        _server.log(log_level::warn,
                    "connection " + std::to_string(_slot) + " closed: SLOW_CONSUMER: " + why);
        close();
        return;
    }
    output_added(frame);
    const std::size_t at = _out.size();
    _out.resize(at + frame_header_size + payload.size());
    put_frame_header(_out.data() + at, static_cast<std::uint32_t>(payload.size()));
    std::memcpy(_out.data() + at + frame_header_size, payload.data(), payload.size());
}

void session::write_more() {
    if (_write_active || _out.empty() || _closed) return;
    std::swap(_out, _writing);
    _out.clear();
    _write_active = true;
    _stream.async_write(
        asio::buffer(_writing),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
            self->_write_active = false;
            self->output_written(self->_writing.size());
            self->_writing.clear();
            if (error) {
                self->close();
                return;
            }
            self->_saw_traffic = true;
            if (self->_closing && self->_in_flight.empty() && self->_out.empty()) {
                self->close();
                return;
            }
            self->write_more();
            // Room again: take requests again if the output was what held them back.
            if (self->_paused_for_output) {
                self->process_frames();
                self->read_more();
            }
        });
}

void session::arm_timer() {
    const std::uint32_t seconds =
        _user == id_none ? hello_timeout_s : _server.options.idle_timeout_s;
    _saw_traffic = false;
    _timer.expires_after(std::chrono::seconds(seconds));
    _timer.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
        if (error || self->_closed) return;
        const bool waiting = !self->_in_flight.empty() || self->_server.subs.any(self->who());
        if (self->_user == id_none || (!self->_saw_traffic && !waiting)) {
            self->_server.log(
                log_level::info,
                "connection " + std::to_string(self->_slot) +
                    (self->_user == id_none ? " closed: no Hello in time" : " closed: idle"));
            self->close();
            return;
        }
        self->arm_timer();
    });
}

void session::evict() {
    if (_closed || _hello_received) return;
    _server.log(log_level::info,
                "connection " + std::to_string(_slot) +
                    " closed: no Hello yet, and a newer connection needed the room");
    close();
}

void session::shut_down() {
    _closing = true;
    if (_in_flight.empty() && !_write_active && _out.empty()) close();
}

void session::close() {
    if (_closed) return;
    _closed = true;
    const auto open_for = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - _opened);
    _server.log(log_level::info,
                "connection " + std::to_string(_slot) + " from " + _address + " closed after " +
                    std::to_string(open_for.count() / 1000) + "." +
                    std::to_string(open_for.count() % 1000 / 100) + " s, " +
                    std::to_string(_answered) + " requests answered" +
                    (_user != id_none ? " (user " + std::to_string(_user) + ")" : std::string{}));
    _server.output_buffered.fetch_sub(_buffered, std::memory_order_relaxed);
    _buffered = 0;
    _stream.close();
    _timer.cancel();
    _retry.cancel();
    _delay.cancel();
    _server.subs.close(who());
    _server.release_slot(_slot);
}

}  // namespace stampd::net
