// See load.hpp. Threading: each worker (io_context, its stations, histogram, error counts
// and acked-file buffer) is touched only by its own thread; run_load() merges them after join.
#include "clients/scan/load.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <memory>
#include <span>
#include <thread>

#include "net/protocol/answers.hpp"
#include "net/protocol/frame_format.hpp"

namespace stampd::scan {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;
using clock_type = std::chrono::steady_clock;

std::int64_t now_ns(clock_type::time_point origin) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - origin).count();
}

// A ConfirmBox Request frame whose id, po and box are patched in place: the layout of a
// FlatBuffers buffer built by the same calls does not depend on the values.
class confirm_template {
public:
    confirm_template() {
        flatbuffers::FlatBufferBuilder b(128);
        b.ForceDefaults(true);  // every field present, at a fixed place
        const auto body = proto::CreateConfirmBox(b, po_mark, box_mark, proto::BoxAction::Confirm);
        b.Finish(proto::CreateRequest(b, id_mark, proto::Body::ConfirmBox, body.Union(), false));
        _frame.resize(net::frame_header_size + b.GetSize());
        net::put_frame_header(_frame.data(), b.GetSize());
        std::memcpy(_frame.data() + net::frame_header_size, b.GetBufferPointer(), b.GetSize());
        _id_at = find(id_mark);
        _po_at = find(po_mark);
        _box_at = find(box_mark);
        // The patched frame must read back as what we meant.
        std::vector<std::uint8_t> check(_frame.size());
        write(check.data(), 3, 7, 9);
        const auto* r = flatbuffers::GetRoot<proto::Request>(check.data() + net::frame_header_size);
        const proto::ConfirmBox* c = r->body_as_ConfirmBox();
        assert(r->id() == 3 && c != nullptr && c->po() == 7 && c->box() == 9);
        (void)c;
    }
    std::size_t size() const { return _frame.size(); }
    void write(std::uint8_t* out, std::uint64_t id, std::uint32_t po, std::uint32_t box) const {
        std::memcpy(out, _frame.data(), _frame.size());
        flatbuffers::WriteScalar(out + _id_at, id);
        flatbuffers::WriteScalar(out + _po_at, po);
        flatbuffers::WriteScalar(out + _box_at, box);
    }

private:
    static constexpr std::uint64_t id_mark = 0x0123'4567'89AB'CDEFull;
    static constexpr std::uint32_t po_mark = 0xA1B2'C3D4u, box_mark = 0x5E6F'7A8Bu;

    template <typename T>
    std::size_t find(T mark) const {
        std::uint8_t bytes[sizeof(T)];
        flatbuffers::WriteScalar(bytes, mark);
        const auto at = std::search(_frame.begin(), _frame.end(), bytes, bytes + sizeof(T));
        assert(at != _frame.end());
        assert(std::search(at + 1, _frame.end(), bytes, bytes + sizeof(T)) == _frame.end());
        return static_cast<std::size_t>(at - _frame.begin());
    }

    std::vector<std::uint8_t> _frame;
    std::size_t _id_at = 0, _po_at = 0, _box_at = 0;
};

class station;

// One load thread: its io_context, its stations and what they measured.
struct worker {
    asio::io_context context{1};
    asio::steady_timer tick{context};
    std::vector<std::unique_ptr<station>> stations;
    std::uint32_t stations_running = 0;
    const load_options* options = nullptr;
    ssl::context* tls = nullptr;  // set: the stations speak TLS
    const confirm_template* frame = nullptr;
    clock_type::time_point origin;
    std::int64_t deadline_ns = 0, drain_deadline_ns = 0;
    bool stopping = false;
    int acked_fd = -1;
    std::string acked;  // lines acknowledged, not yet written
    std::int64_t acked_flushed_ns = 0;
    std::int64_t last_answer_ns = 0;
    latency_histogram latency;
    std::array<std::uint64_t, 65536> by_code{};
    std::map<std::string, std::uint64_t> other_errors;
    std::uint64_t confirms = 0, answered = 0, sent = 0;
    std::uint32_t lost = 0;
    bool write_failed = false;

    void flush_acked() {
        std::size_t done = 0;
        while (done < acked.size()) {
            const ssize_t n = ::write(acked_fd, acked.data() + done, acked.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                write_failed = true;
                break;
            }
            done += static_cast<std::size_t>(n);
        }
        acked.clear();
    }
    void note_acked(std::uint32_t po, std::uint32_t box, std::uint64_t lsn) {
        char line[64];
        char* p = std::to_chars(line, line + 20, po).ptr;
        *p++ = ' ';
        p = std::to_chars(p, p + 20, box).ptr;
        *p++ = ' ';
        p = std::to_chars(p, p + 20, lsn).ptr;
        *p++ = '\n';
        acked.append(line, static_cast<std::size_t>(p - line));
        if (acked.size() >= 256 * 1024) flush_acked();
    }
    void start_tick();
    void on_tick();
};

// One station: a connection confirming its slice of the work.
class station {
public:
    station(worker& w, std::uint32_t number, std::span<const box_ref> work)
        : _w(w), _stream(w.context), _number(number), _work(work) {
        const std::uint32_t depth = w.options->depth;
        _ring.resize(depth);
        _pending.reserve(std::size_t{depth} * w.frame->size());
        _writing.reserve(std::size_t{depth} * w.frame->size());
        _in.resize(net::read_chunk_size);
        if (w.options->rate_per_s > 0) {
            // Station k of S sends at k/R, (k+S)/R, ...: together R per second, evenly spaced.
            const double interval_s = w.options->stations / w.options->rate_per_s;
            _interval_ns = static_cast<std::int64_t>(interval_s * 1e9);
            _next_due_ns = static_cast<std::int64_t>((number - 1) / w.options->rate_per_s * 1e9);
        }
    }

    bool connect(const tcp::resolver::results_type& endpoints, std::string& error);
    void start(std::int64_t now) {
        top_up(now);
        read();
    }
    bool done() const { return _done; }
    // The duration is over: send nothing more, finish once the answers are in.
    void stop_sending() {
        if (_count == 0) finish();
    }
    void give_up() {
        if (_done) return;
        ++_w.other_errors["UNANSWERED_AT_END"];
        _w.other_errors["UNANSWERED_REQUESTS"] += _count;
        finish();
    }
    void top_up(std::int64_t now);

private:
    struct flight {
        std::uint64_t id;
        std::uint32_t po, box;
        std::int64_t start_ns;  // sent, or scheduled to be (open loop)
    };

    void enqueue(std::int64_t start_ns) {
        const box_ref& b = _work[_next++];
        const std::size_t at = _pending.size();
        _pending.resize(at + _w.frame->size());
        const std::uint64_t id = _next_id++;
        _w.frame->write(_pending.data() + at, id, b.po, b.box);
        _ring[(_head + _count) % _ring.size()] = {id, b.po, b.box, start_ns};
        ++_count;
        ++_w.sent;
    }
    void write();
    void read();
    bool take(const std::uint8_t* bytes, std::uint32_t size, std::int64_t now);
    void lose(const char* why) {
        if (_done) return;
        ++_w.other_errors[why];
        ++_w.lost;
        finish();
    }
    void finish() {
        if (_done) return;
        _done = true;
        _stream.close();
        assert(_w.stations_running > 0);
        if (--_w.stations_running == 0) _w.tick.cancel();
    }

    worker& _w;
    net::byte_stream _stream;
    std::uint32_t _number;
    std::span<const box_ref> _work;
    std::size_t _next = 0;
    std::vector<flight> _ring;
    std::size_t _head = 0, _count = 0;
    std::uint64_t _next_id = 2;  // 1 was the Hello
    std::vector<std::uint8_t> _pending, _writing;
    bool _writing_now = false;
    std::vector<std::uint8_t> _in;
    std::size_t _in_end = 0;
    std::int64_t _interval_ns = 0, _next_due_ns = 0;
    bool _done = false;
};

// Reads exactly `size` bytes (blocking).
void read_exactly(net::byte_stream& s, std::uint8_t* into, std::size_t size,
                  boost::system::error_code& ec) {
    for (std::size_t got = 0; got < size && !ec;)
        got += s.read_some(asio::buffer(into + got, size - got), ec);
}

bool read_frame(net::byte_stream& s, std::vector<std::uint8_t>& out, std::string& error) {
    std::uint8_t header[net::frame_header_size];
    boost::system::error_code ec;
    read_exactly(s, header, sizeof header, ec);
    if (!ec) {
        const std::uint32_t size = net::get_frame_header(header);
        if (size > net::response_size_max) {
            error = "the server sent a frame of " + std::to_string(size) + " bytes";
            return false;
        }
        out.resize(size);
        read_exactly(s, out.data(), out.size(), ec);
    }
    if (ec) {
        error = "no answer to Hello: " + ec.message();
        return false;
    }
    flatbuffers::Verifier verifier(out.data(), out.size());
    if (!verifier.VerifyBuffer<proto::Response>(nullptr)) {
        error = "the answer to Hello does not verify";
        return false;
    }
    return true;
}

bool station::connect(const tcp::resolver::results_type& endpoints, std::string& error) {
    boost::system::error_code ec;
    asio::connect(_stream.socket(), endpoints, ec);
    if (ec) {
        error = "cannot connect to " + _w.options->server.server + ": " + ec.message();
        return false;
    }
    _stream.socket().set_option(tcp::no_delay(true), ec);
    if (_w.tls != nullptr) {
        _stream.start_tls(*_w.tls);
        std::string host, port;
        client::split_server(_w.options->server.server, host, port);
        _stream.handshake_as_client(host, ec);
        if (ec) {
            error = "TLS with " + _w.options->server.server + " failed: " + ec.message();
            return false;
        }
    }
    flatbuffers::FlatBufferBuilder b(256);
    const auto hello = proto::CreateHelloDirect(b, _w.options->server.token.c_str(), 0, 0, _number);
    b.Finish(proto::CreateRequest(b, 1, proto::Body::Hello, hello.Union(), false));
    std::vector<std::uint8_t> frame(net::frame_header_size + b.GetSize());
    net::put_frame_header(frame.data(), b.GetSize());
    std::memcpy(frame.data() + net::frame_header_size, b.GetBufferPointer(), b.GetSize());
    _stream.write(asio::buffer(frame), ec);
    if (ec) {
        error = "cannot send Hello: " + ec.message();
        return false;
    }
    std::vector<std::uint8_t> answer;
    if (!read_frame(_stream, answer, error)) return false;
    const auto* r = flatbuffers::GetRoot<proto::Response>(answer.data());
    if (r->reply_as_HelloOk() == nullptr) {
        const proto::Outcome* o = r->reply_as_Outcome();
        error = "station " + std::to_string(_number) +
                ": Hello refused: " + (o ? client::describe(*o) : std::string{"unexpected reply"});
        return false;
    }
    return true;
}

void station::top_up(std::int64_t now) {
    if (_done) return;
    const std::size_t depth = _ring.size();
    if (!_w.stopping) {
        if (_interval_ns == 0) {
            while (_count < depth && _next < _work.size())
                enqueue(now);
        } else {
            while (_count < depth && _next < _work.size() && _next_due_ns <= now) {
                enqueue(_next_due_ns);
                _next_due_ns += _interval_ns;
            }
        }
    }
    if (!_pending.empty() && !_writing_now) write();
    if (_count == 0 && (_w.stopping || _next == _work.size())) finish();
}

void station::write() {
    assert(!_writing_now && !_pending.empty());
    _writing.swap(_pending);
    _writing_now = true;
    _stream.async_write(asio::buffer(_writing),
                        [this](const boost::system::error_code& ec, std::size_t) {
                            _writing_now = false;
                            _writing.clear();
                            if (_done) return;
                            if (ec) return lose("CONNECTION_LOST");
                            if (!_pending.empty()) write();
                        });
}

void station::read() {
    if (_done) return;
    _stream.async_read_some(asio::buffer(_in.data() + _in_end, _in.size() - _in_end),
                            [this](const boost::system::error_code& ec, std::size_t n) {
                                if (_done) return;
                                if (ec) return lose("CONNECTION_LOST");
                                _in_end += n;
                                const std::int64_t now = now_ns(_w.origin);
                                std::size_t at = 0;
                                while (_in_end - at >= net::frame_header_size) {
                                    const std::uint32_t size =
                                        net::get_frame_header(_in.data() + at);
                                    if (size > net::response_size_max) return lose("BAD_RESPONSE");
                                    if (_in_end - at - net::frame_header_size < size) {
                                        // A frame larger than the buffer: grow it (bounded by
                                        // response_size_max).
                                        if (net::frame_header_size + size > _in.size())
                                            _in.resize(net::frame_header_size + size);
                                        break;
                                    }
                                    if (!take(_in.data() + at + net::frame_header_size, size, now))
                                        return;
                                    at += net::frame_header_size + size;
                                }
                                if (at > 0) {
                                    std::memmove(_in.data(), _in.data() + at, _in_end - at);
                                    _in_end -= at;
                                }
                                top_up(now);
                                read();
                            });
}

// One answer: matched with the oldest request in flight. False when the station stopped.
bool station::take(const std::uint8_t* bytes, std::uint32_t size, std::int64_t now) {
    flatbuffers::Verifier verifier(bytes, size);
    if (!verifier.VerifyBuffer<proto::Response>(nullptr)) {
        lose("BAD_RESPONSE");
        return false;
    }
    const auto* r = flatbuffers::GetRoot<proto::Response>(bytes);
    const proto::Outcome* o = r->reply_as_Outcome();
    if (r->id() == 0) {
        if (net::is_push(*r)) return true;
        // An error that closes the connection (SLOW_CONSUMER, SHUTTING_DOWN, ...).
        if (o != nullptr) ++_w.by_code[static_cast<std::uint16_t>(o->code())];
        lose("CONNECTION_CLOSED_BY_SERVER");
        return false;
    }
    if (_count == 0 || _ring[_head].id != r->id() || o == nullptr) {
        lose("UNEXPECTED_ANSWER");
        return false;
    }
    const flight f = _ring[_head];
    _head = (_head + 1) % _ring.size();
    --_count;
    _w.latency.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - f.start_ns)));
    _w.last_answer_ns = now;
    ++_w.answered;
    if (o->code() == proto::Code::OK) {
        ++_w.confirms;
        if (_w.acked_fd >= 0) _w.note_acked(f.po, f.box, o->lsn());
    } else {
        ++_w.by_code[static_cast<std::uint16_t>(o->code())];
    }
    return true;
}

void worker::start_tick() {
    // 1 ms paces an open-loop schedule; a closed loop only needs to notice the deadline.
    const auto period =
        options->rate_per_s > 0 ? std::chrono::milliseconds(1) : std::chrono::milliseconds(20);
    tick.expires_after(period);
    tick.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stations_running == 0) return;
        on_tick();
        if (stations_running > 0) start_tick();
    });
}

void worker::on_tick() {
    const std::int64_t now = now_ns(origin);
    if (!stopping && now >= deadline_ns) {
        stopping = true;
        for (auto& s : stations)
            s->stop_sending();
    }
    if (stopping && now >= drain_deadline_ns) {
        for (auto& s : stations)
            s->give_up();
    }
    if (options->rate_per_s > 0 && !stopping) {
        for (auto& s : stations)
            s->top_up(now);
    }
    if (acked_fd >= 0 && now - acked_flushed_ns >= 100'000'000) {
        flush_acked();
        acked_flushed_ns = now;
    }
}

load_failure check(const load_options& o, std::string& error) {
    if (o.stations == 0 || o.stations > net::connections_max) {
        error = "--stations must be 1.." + std::to_string(net::connections_max);
        return load_failure::usage;
    }
    if (o.depth == 0 || o.depth > net::in_flight_per_connection_max) {
        error = "--depth must be 1.." + std::to_string(net::in_flight_per_connection_max);
        return load_failure::usage;
    }
    if (o.threads == 0 || o.threads > 64 || !(o.duration_s > 0) || o.rate_per_s < 0) {
        error = "--threads must be 1..64, --duration above 0, --rate at least 0";
        return load_failure::usage;
    }
    return load_failure::none;
}

void merge(const worker& w, load_result& out) {
    out.confirms += w.confirms;
    out.answered += w.answered;
    out.sent += w.sent;
    out.stations_lost += w.lost;
    out.latency.merge(w.latency);
    for (std::size_t code = 0; code < w.by_code.size(); ++code) {
        if (w.by_code[code] == 0) continue;
        out.errors[std::string{net::to_string(static_cast<proto::Code>(code))}] += w.by_code[code];
    }
    for (const auto& [name, count] : w.other_errors)
        out.errors[name] += count;
    if (w.write_failed) ++out.errors["ACKED_FILE_WRITE_FAILED"];
}

}  // namespace

load_failure run_load(const load_options& o, const std::vector<box_ref>& work, load_result& out,
                      std::string& error) {
    if (const load_failure f = check(o, error); f != load_failure::none) return f;
    int acked_fd = -1;
    if (!o.acked_path.empty()) {
        acked_fd = ::open(o.acked_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (acked_fd < 0) {
            error = "cannot open " + o.acked_path + ": " + std::strerror(errno);
            return load_failure::usage;
        }
    }
    const confirm_template frame;
    const std::uint32_t threads = std::min(o.threads, o.stations);
    std::vector<std::unique_ptr<worker>> workers;
    for (std::uint32_t t = 0; t < threads; ++t) {
        workers.push_back(std::make_unique<worker>());
        workers.back()->options = &o;
        workers.back()->frame = &frame;
        workers.back()->acked_fd = acked_fd;
    }
    std::string host, port;
    if (!client::split_server(o.server.server, host, port)) {
        error = "the server must be HOST:PORT, not '" + o.server.server + "'";
        return load_failure::usage;
    }
    std::unique_ptr<ssl::context> tls;
    if (!o.server.tls_ca.empty()) {
        tls = net::client_tls(o.server.tls_ca, o.server.tls_cert, o.server.tls_key, error);
        if (!tls) return load_failure::usage;
        for (auto& w : workers)
            w->tls = tls.get();
    }
    boost::system::error_code ec;
    tcp::resolver resolver(workers[0]->context);
    const auto endpoints = resolver.resolve(host, port, ec);
    if (ec) {
        error = "cannot resolve " + o.server.server + ": " + ec.message();
        return load_failure::connection;
    }
    // Disjoint, contiguous slices: station i (1-based) gets boxes [(i-1)·N/S, i·N/S).
    const std::size_t n = work.size();
    for (std::uint32_t i = 0; i < o.stations; ++i) {
        worker& w = *workers[i % threads];
        const std::size_t begin = n * i / o.stations, end = n * (i + 1) / o.stations;
        w.stations.push_back(std::make_unique<station>(
            w, i + 1, std::span<const box_ref>(work.data() + begin, end - begin)));
        if (!w.stations.back()->connect(endpoints, error)) {
            if (acked_fd >= 0) ::close(acked_fd);
            return load_failure::connection;
        }
    }
    out.work = n;
    const auto origin = clock_type::now();
    const auto deadline = static_cast<std::int64_t>(o.duration_s * 1e9);
    for (auto& w : workers) {
        w->origin = origin;
        w->deadline_ns = deadline;
        w->drain_deadline_ns = deadline + static_cast<std::int64_t>(o.drain_timeout_s * 1e9);
        w->stations_running = static_cast<std::uint32_t>(w->stations.size());
    }
    auto run = [](worker& w) {
        const std::int64_t now = now_ns(w.origin);
        for (auto& s : w.stations)
            s->start(now);
        if (w.stations_running > 0) w.start_tick();
        w.context.run();
        if (w.acked_fd >= 0) w.flush_acked();
    };
    std::vector<std::thread> others;
    for (std::uint32_t t = 1; t < threads; ++t)
        others.emplace_back(run, std::ref(*workers[t]));
    run(*workers[0]);
    for (auto& t : others)
        t.join();
    if (acked_fd >= 0) ::close(acked_fd);
    std::int64_t last_ns = 0;
    bool stopped_early = false;
    for (const auto& w : workers) {
        merge(*w, out);
        last_ns = std::max(last_ns, w->last_answer_ns);
        stopped_early = stopped_early || w->stopping;
    }
    out.elapsed_s = static_cast<double>(last_ns) / 1e9;
    out.ran_out = out.sent == n && !stopped_early;
    return load_failure::none;
}

}  // namespace stampd::scan
