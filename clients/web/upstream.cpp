// See upstream.hpp.
#include "clients/web/upstream.hpp"

#include <flatbuffers/flatbuffers.h>

#include <cstring>

#include "net/protocol/answers.hpp"
#include "net/protocol/frame_format.hpp"

namespace stampd::web {

upstream::upstream(asio::io_context& context, const upstream_settings& settings)
    : _context(context), _settings(settings), _stream(context), _deadline(context) {}

upstream::~upstream() {
    _on_closed = nullptr;
    close();
}

void upstream::open(login credentials, login_handler done) {
    _login = std::move(credentials);
    _login_done = std::move(done);
    _deadline.expires_after(_settings.connect_timeout);
    _deadline.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
        if (auto self = weak.lock(); self && !error && !self->_open) {
            self->fail("stampd did not answer the login within " +
                       std::to_string(self->_settings.connect_timeout.count()) + " s");
        }
    });
    auto resolver = std::make_shared<asio::ip::tcp::resolver>(_context);
    resolver->async_resolve(
        _settings.host, _settings.port,
        [self = shared_from_this(), resolver](const boost::system::error_code& error,
                                              const asio::ip::tcp::resolver::results_type& found) {
            if (self->_closed) return;
            if (error) {
                self->fail("cannot find stampd at " + self->_settings.host + ": " +
                           error.message());
                return;
            }
            asio::async_connect(
                self->_stream.socket(), found,
                [self](const boost::system::error_code& e, const auto&) { self->connected(e); });
        });
}

void upstream::connected(const boost::system::error_code& error) {
    if (_closed) return;
    if (error) {
        fail("cannot connect to stampd at " + _settings.host + ":" + _settings.port + ": " +
             error.message());
        return;
    }
    boost::system::error_code ignored;
    _stream.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    if (_settings.tls == nullptr) {
        say_hello();
        return;
    }
    _stream.start_tls(*_settings.tls);
    asio::ssl::stream<asio::ip::tcp::socket>& tls = *_stream.tls_stream();
    SSL_set_tlsext_host_name(tls.native_handle(), _settings.host.c_str());
    tls.set_verify_callback(asio::ssl::host_name_verification(_settings.host));
    tls.async_handshake(asio::ssl::stream_base::client,
                        [self = shared_from_this()](const boost::system::error_code& e) {
                            if (self->_closed) return;
                            if (e) {
                                self->fail("TLS with stampd failed: " + e.message());
                                return;
                            }
                            self->say_hello();
                        });
}

void upstream::say_hello() {
    flatbuffers::FlatBufferBuilder b(256);
    const std::uint64_t id = _next_id++;
    const auto hello =
        proto::CreateHelloDirect(b, nullptr, 0, 0, 0, _login.user.c_str(), _login.password.c_str(),
                                 _login.for_address.c_str());
    b.Finish(proto::CreateRequest(b, id, proto::Body::Hello, hello.Union()));
    std::fill(_login.password.begin(), _login.password.end(), '\0');
    _login.password.clear();
    _waiting.emplace(id, [self = shared_from_this()](const std::string& error, frame answer) {
        login_handler done = std::move(self->_login_done);
        self->_deadline.cancel();
        if (!error.empty()) {
            if (done) done(error, {});
            return;
        }
        const proto::Response& r = response_of(answer);
        const proto::HelloOk* ok = r.reply_as_HelloOk();
        if (ok == nullptr) {
            const proto::Outcome* o = r.reply_as_Outcome();
            std::string why = o != nullptr && o->message() != nullptr ? o->message()->str()
                                                                      : "stampd refused the login";
            self->_refused = true;
            // "UNAUTHENTICATED: wrong user or password": the code is the API's to say.
            const std::string code = o != nullptr ? proto::EnumNameCode(o->code()) : "";
            if (!code.empty() && why.starts_with(code + ": ")) why = why.substr(code.size() + 2);
            self->close();
            if (done) done(why, {});
            return;
        }
        self->_open = true;
        if (done) {
            done({}, client::hello_info{.user = ok->user(),
                                        .roles = ok->roles(),
                                        .consignee = ok->consignee(),
                                        .name = ok->name() ? ok->name()->str() : "",
                                        .durable_lsn = ok->durable_lsn()});
        }
    });
    send({b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()});
    read_more();
}

upstream::call_result upstream::call(const builder& build, answer_handler done) {
    if (!_open || _closed) return call_result::closed;
    if (_waiting.size() >= requests_in_flight_max) return call_result::busy;
    const std::uint64_t id = _next_id++;
    std::vector<std::uint8_t> payload;
    if (!build(id, payload)) return call_result::not_built;
    _waiting.emplace(id, std::move(done));
    send(std::move(payload));
    return call_result::sent;
}

void upstream::send(std::vector<std::uint8_t> payload) {
    std::vector<std::uint8_t> f(net::frame_header_size + payload.size());
    net::put_frame_header(f.data(), static_cast<std::uint32_t>(payload.size()));
    std::memcpy(f.data() + net::frame_header_size, payload.data(), payload.size());
    _out.push_back(std::move(f));
    write_more();
}

void upstream::write_more() {
    if (_writing || _out.empty() || _closed) return;
    _writing = true;
    _written = std::move(_out.front());
    _out.pop_front();
    _stream.async_write(
        asio::buffer(_written),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
            self->_writing = false;
            if (self->_closed) return;
            if (error) {
                self->fail("writing to stampd failed: " + error.message());
                return;
            }
            self->write_more();
        });
}

// Reads what the socket has (up to the buffer's free room) and cuts every whole frame out of it:
// a page following a busy PO gets a push per record, and one read takes many of them.
void upstream::read_more() {
    if (_in.size() - _in_end < read_room) {
        if (_in_end > _in_begin)
            std::memmove(_in.data(), _in.data() + _in_begin, _in_end - _in_begin);
        _in_end -= _in_begin;
        _in_begin = 0;
        if (_in.size() - _in_end < read_room) _in.resize(_in_end + read_room);
    }
    _stream.async_read_some(
        asio::buffer(_in.data() + _in_end, _in.size() - _in_end),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t bytes) {
            if (self->_closed) return;
            if (error) {
                self->fail("stampd closed the connection (" + error.message() + ")");
                return;
            }
            self->_in_end += bytes;
            if (self->cut_frames()) self->read_more();
        });
}

bool upstream::cut_frames() {
    while (_in_end - _in_begin >= net::frame_header_size) {
        const std::uint32_t size = net::get_frame_header(_in.data() + _in_begin);
        if (size > net::response_size_max) {
            fail("stampd sent a frame of " + std::to_string(size) + " bytes");
            return false;
        }
        if (_in_end - _in_begin < net::frame_header_size + size) {
            // A large frame: room for all of it, then read on.
            if (_in.size() - _in_begin < net::frame_header_size + size)
                _in.resize(_in_begin + net::frame_header_size + size);
            break;
        }
        const std::uint8_t* payload = _in.data() + _in_begin + net::frame_header_size;
        _in_begin += net::frame_header_size + size;
        if (!received(payload, size) || _closed) return false;
    }
    if (_in_begin == _in_end) _in_begin = _in_end = 0;
    return true;
}

bool upstream::received(const std::uint8_t* payload, std::size_t size) {
    flatbuffers::Verifier verifier(payload, size);
    if (!verifier.VerifyBuffer<proto::Response>(nullptr)) {
        fail("stampd sent a frame that does not verify");
        return false;
    }
    auto f = std::make_shared<const std::vector<std::uint8_t>>(payload, payload + size);
    const proto::Response& r = response_of(f);
    if (r.id() == 0) {
        if (net::is_push(r)) {
            if (_on_push) _on_push(f);
        } else {
            // An error that closes the connection: stampd says why, then closes.
            const proto::Outcome* o = r.reply_as_Outcome();
            fail(o != nullptr && o->message() != nullptr ? o->message()->str()
                                                         : "stampd closed the connection");
            return false;
        }
    } else if (const auto it = _waiting.find(r.id()); it != _waiting.end()) {
        answer_handler done = std::move(it->second);
        _waiting.erase(it);
        done({}, f);
    }
    return true;
}

void upstream::fail(const std::string& why) {
    if (_closed) return;
    _closed_why = why;
    login_handler login_done = std::move(_login_done);
    closed_handler on_closed = std::move(_on_closed);
    close();
    if (login_done) login_done(why, {});
    if (on_closed) on_closed(why);
}

void upstream::close() {
    if (_closed) return;
    _closed = true;
    _open = false;
    _deadline.cancel();
    _stream.close();
    // Whoever waits for an answer hears why there will be none.
    auto waiting = std::move(_waiting);
    _waiting.clear();
    const std::string why = _closed_why.empty() ? "the session ended" : _closed_why;
    for (auto& [id, done] : waiting)
        done(why, nullptr);
}

}  // namespace stampd::web
