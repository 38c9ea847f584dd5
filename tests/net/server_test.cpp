// The server over real loopback sockets: a stampd server in this process on a temporary data
// directory and a free port, spoken to through the client library (and, for hostile input,
// through a raw socket). Every error path of the protocol, many concurrent stations with exact
// totals afterwards, pushes in order, dry runs, pipelining order, and a stalled reader.
#include "net/server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <thread>

#include "clients/lib/client.hpp"
#include "engine/calendar_time.hpp"
#include "engine/codec/event_codec.hpp"
#include "net/passwords.hpp"
#include "net/protocol/answers.hpp"
#include "net/protocol/command_codec.hpp"
#include "net/subscriptions.hpp"
#include "tests/support/temp_dir.hpp"
#include "wal/storage/log_reader.hpp"
#include "wal/storage/payload.hpp"

namespace stampd::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr const char* admin_token = "admin-token-0123456789";
constexpr u32 units_per_box = 10;

// "BX17": built by append (GCC 12 warns falsely on "literal" + std::string at -O3).
code numbered(std::string_view prefix, std::uint64_t n) {
    std::string text(prefix);
    text.append(std::to_string(n));
    return code{text};
}

std::string token_of(std::string_view who) {
    return std::string(who) + "-token-0123456789";
}

class server_test : public ::testing::Test {
protected:
    stampd::testing::temp_dir dir;
    std::unique_ptr<server> srv;
    server_options options;
    std::atomic<std::int64_t> clock_us{0};

    void SetUp() override { start(); }
    void TearDown() override {
        if (srv) srv->stop();
    }

    // Stops the server and starts another on the same directory with `options` as they are now.
    void restart() {
        srv->stop();
        srv.reset();
        start();
    }

    void start() {
        wal::runtime_options runtime{.storage = {.path = dir.path()}};
        runtime.log = [](const std::string&) {};
        // The writer's clock: the system's, unless a test sets clock_us.
        runtime.clock = [this] {
            const std::int64_t set = clock_us.load();
            return set != 0 ? set : wal::writer_clock::system_now_us();
        };
        options.port = 0;
        options.bootstrap_admin_token = admin_token;
        options.log = [](log_level, const std::string&) {};
        const wal::status started = server::start(runtime, options, srv);
        ASSERT_TRUE(started.ok()) << started.message();
    }

    client::options as(const std::string& token, std::uint32_t station = 0) const {
        return client::options{.server = "127.0.0.1:" + std::to_string(srv->port()),
                               .token = token,
                               .station = station};
    }

    // An admin connection, once the server has seen a close that frees its room: the server
    // frees it when it reads the close, so a few attempts may be refused first.
    bool open_once_freed(std::string& error) {
        for (int attempt = 0; attempt < 100; ++attempt) {
            client::connection c;
            if (c.open(as(admin_token), error)) return true;
            std::this_thread::yield();
        }
        return false;
    }

    std::unique_ptr<client::connection> connect(const std::string& token,
                                                std::uint32_t station = 0) {
        auto c = std::make_unique<client::connection>();
        std::string error;
        EXPECT_TRUE(c->open(as(token, station), error)) << error;
        return c;
    }

    // Runs a command that must succeed; returns the id it created or changed.
    static u32 must(client::connection& c, const command& cmd) {
        client::response r;
        std::string error;
        EXPECT_TRUE(c.call(cmd, r, error)) << error;
        const proto::Outcome* o = r.outcome();
        EXPECT_NE(o, nullptr);
        if (o == nullptr) return 0;
        EXPECT_EQ(o->code(), proto::Code::OK) << command_name(cmd) << ": " << client::describe(*o);
        return o->result();
    }

    static proto::Code code_of_call(client::connection& c, const command& cmd) {
        client::response r;
        std::string error;
        if (!c.call(cmd, r, error)) return proto::Code::SHUTTING_DOWN;
        return r.outcome() ? r.outcome()->code() : proto::Code::OK;
    }

    // A warehouse ready for stamping: staff with tokens, a consignee and product, a shipment of
    // `boxes` boxes inventoried, stamps received, one PO over all boxes with its run started.
    struct floor {
        po_id po = 0;
        std::vector<box_id> boxes;
        consignee_id consignee = 0;
        product_id product = 0;
        i64 stamps_received = 0;
    };
    floor build_floor(u32 boxes) {
        floor f;
        auto admin = connect(admin_token);
        must(*admin, create_user{code{"sup"}, "Supervisor", role_bit(role::supervisor), 0,
                                 token_of("sup")});
        must(*admin, create_user{code{"stamper"}, "Stamper", role_bit(role::stamper), 0,
                                 token_of("stamper")});
        must(*admin,
             create_user{code{"fin"}, "Finance", role_bit(role::finance), 0, token_of("fin")});
        f.consignee = must(*admin, create_consignee{code{"NORWOOD"}, "Norwood", province::on});
        must(*admin, create_user{code{"portal"}, "Portal", role_bit(role::consignee), f.consignee,
                                 token_of("portal")});
        const product_id product = f.product =
            must(*admin, create_product{code{"VAPE-15"}, f.consignee, "Vape", 15'000});
        auto sup = connect(token_of("sup"));
        const shipment_id sh = must(*sup, create_shipment{code{"SH-1"}, f.consignee});
        must(*sup, start_receiving{sh});
        // Pipelined: every receive_box in flight at once, answers in order.
        std::vector<std::uint64_t> ids;
        for (u32 i = 0; i < boxes; ++i) {
            ids.push_back(sup->send(receive_box{sh, numbered("BX", i), product, units_per_box, 0}));
        }
        std::string error;
        EXPECT_TRUE(sup->flush(error)) << error;
        for (const std::uint64_t id : ids) {
            client::response r;
            EXPECT_TRUE(sup->receive(r, error)) << error;
            EXPECT_EQ(r.id(), id);
            EXPECT_EQ(r.outcome()->code(), proto::Code::OK);
            f.boxes.push_back(r.outcome()->result());
        }
        must(*sup, finish_receiving{sh});
        auto fin = connect(token_of("fin"));
        const u32 bundles = std::max<u32>(500, boxes * units_per_box / 50 + 1);
        const stamp_order_id order = must(*fin, submit_stamp_order{region::fed, bundles, ""});
        must(*admin, review_stamp_order{order, review_action::approve, ""});
        must(*fin, mark_stamp_order_ordered{order});
        must(*sup, receive_stamps{order, bundles});
        f.stamps_received = i64{bundles} * 50;
        f.po = must(
            *sup,
            create_po{code{}, f.consignee, sh, {{product, region::fed, boxes * units_per_box}}});
        auto stamper = connect(token_of("stamper"));
        must(*stamper, start_run{f.po});
        return f;
    }

    const proto::PoView* get_po(client::connection& c, po_id po, client::response& r) {
        std::string error;
        EXPECT_TRUE(c.call(
            proto::Body::GetPo,
            [po](flatbuffers::FlatBufferBuilder& b) { return proto::CreateGetPo(b, po).Union(); },
            r, error))
            << error;
        return r.get()->reply_as_PoView();
    }

    i64 fed_balance(client::connection& c) {
        client::response r;
        std::string error;
        EXPECT_TRUE(c.call(
            proto::Body::GetBalances,
            [](flatbuffers::FlatBufferBuilder& b) { return proto::CreateGetBalances(b).Union(); },
            r, error))
            << error;
        const proto::Balances* b = r.get()->reply_as_Balances();
        EXPECT_NE(b, nullptr);
        if (b == nullptr) return -1;
        for (const proto::RegionBalance* rb : *b->regions()) {
            if (rb->region() == fb::Region::FED) return rb->balance();
        }
        return -1;
    }
};

// A raw socket for what no well-behaved client sends.
class raw_socket {
public:
    explicit raw_socket(std::uint16_t port) : _socket(_context) {
        _socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }
    void send_bytes(const std::vector<std::uint8_t>& bytes) {
        asio::write(_socket, asio::buffer(bytes));
    }
    void send_frame(const std::uint8_t* data, std::size_t size) {
        std::vector<std::uint8_t> frame(frame_header_size + size);
        put_frame_header(frame.data(), static_cast<std::uint32_t>(size));
        std::memcpy(frame.data() + frame_header_size, data, size);
        send_bytes(frame);
    }
    void send_frame(const flatbuffers::FlatBufferBuilder& b) {
        send_frame(b.GetBufferPointer(), b.GetSize());
    }
    void hello(const std::string& token) {
        flatbuffers::FlatBufferBuilder b;
        const auto body = proto::CreateHelloDirect(b, token.c_str());
        b.Finish(proto::CreateRequest(b, 1, proto::Body::Hello, body.Union()));
        send_frame(b);
        std::vector<std::uint8_t> answer;
        ASSERT_TRUE(read_frame(answer));
        ASSERT_NE(flatbuffers::GetRoot<proto::Response>(answer.data())->reply_as_HelloOk(),
                  nullptr);
    }
    // The next frame, or false once the server has closed the connection.
    bool read_frame(std::vector<std::uint8_t>& out) {
        std::uint8_t header[frame_header_size];
        boost::system::error_code ec;
        asio::read(_socket, asio::buffer(header), ec);
        if (ec) return false;
        out.resize(get_frame_header(header));
        asio::read(_socket, asio::buffer(out), ec);
        if (ec) return false;
        flatbuffers::Verifier verifier(out.data(), out.size());
        return verifier.VerifyBuffer<proto::Response>(nullptr);
    }
    // The code of the next answer, and whether the server then closed the connection.
    std::pair<proto::Code, bool> answer_then_closed() {
        std::vector<std::uint8_t> frame;
        if (!read_frame(frame)) return {proto::Code::OK, true};
        const auto* o = flatbuffers::GetRoot<proto::Response>(frame.data())->reply_as_Outcome();
        const proto::Code code = o ? o->code() : proto::Code::OK;
        return {code, !read_frame(frame)};
    }

private:
    asio::io_context _context;
    tcp::socket _socket;
};

TEST_F(server_test, hello_then_a_command_is_answered_durable) {
    auto admin = connect(admin_token);
    EXPECT_EQ(admin->hello().name, "Administrator");
    EXPECT_EQ(admin->hello().roles, role_bit(role::admin));
    client::response r;
    std::string error;
    ASSERT_TRUE(admin->call(create_consignee{code{"ACME"}, "Acme", province::qc}, r, error));
    ASSERT_EQ(r.outcome()->code(), proto::Code::OK);
    EXPECT_GT(r.outcome()->lsn(), 0u);
    EXPECT_LE(r.outcome()->lsn(), srv->runtime().stats().durable_lsn);
}

TEST_F(server_test, a_wrong_token_is_unauthenticated) {
    client::connection c;
    std::string error;
    EXPECT_FALSE(c.open(as("nobody-holds-this-token"), error));
    EXPECT_NE(error.find("no user holds this token"), std::string::npos) << error;
}

TEST_F(server_test, a_command_before_hello_is_unauthenticated_and_closes) {
    raw_socket raw(srv->port());
    flatbuffers::FlatBufferBuilder b;
    build_command_request(b, 7, end_run{1});
    raw.send_frame(b);
    const auto [code, closed] = raw.answer_then_closed();
    EXPECT_EQ(code, proto::Code::UNAUTHENTICATED);
    EXPECT_TRUE(closed);
}

// Id 0 marks pushes and closing errors: a request that uses it is refused, not answered as if it
// were one of them.
TEST_F(server_test, a_request_with_id_0_is_out_of_range_and_closes) {
    raw_socket raw(srv->port());
    raw.hello(admin_token);
    flatbuffers::FlatBufferBuilder b;
    build_command_request(b, 0, end_run{1});
    raw.send_frame(b);
    const auto [code, closed] = raw.answer_then_closed();
    EXPECT_EQ(code, proto::Code::OUT_OF_RANGE);
    EXPECT_TRUE(closed);
}

TEST_F(server_test, a_wrong_role_is_forbidden_and_the_connection_stays) {
    auto admin = connect(admin_token);
    must(*admin,
         create_user{code{"stamper"}, "Stamper", role_bit(role::stamper), 0, token_of("stamper")});
    auto stamper = connect(token_of("stamper"));
    EXPECT_EQ(code_of_call(*stamper, create_consignee{code{"X"}, "X", province::on}),
              proto::Code::FORBIDDEN);
    // Still served.
    EXPECT_EQ(code_of_call(*stamper, confirm_box{99, 1}), proto::Code::NOT_FOUND);
}

TEST_F(server_test, an_oversize_frame_is_refused_and_closes) {
    raw_socket raw(srv->port());
    std::vector<std::uint8_t> header(frame_header_size);
    put_frame_header(header.data(), frame_size_max + 1);
    raw.send_bytes(header);
    const auto [code, closed] = raw.answer_then_closed();
    EXPECT_EQ(code, proto::Code::FRAME_TOO_LARGE);
    EXPECT_TRUE(closed);
}

TEST_F(server_test, a_frame_that_fails_verification_is_a_bad_frame_and_closes) {
    raw_socket raw(srv->port());
    raw.hello(admin_token);
    const std::vector<std::uint8_t> garbage = {0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4, 5, 6, 7, 8};
    raw.send_frame(garbage.data(), garbage.size());
    const auto [code, closed] = raw.answer_then_closed();
    EXPECT_EQ(code, proto::Code::BAD_FRAME);
    EXPECT_TRUE(closed);
}

TEST_F(server_test, an_unknown_request_kind_is_named_and_closes) {
    raw_socket raw(srv->port());
    raw.hello(admin_token);
    flatbuffers::FlatBufferBuilder b;
    const auto body = proto::CreateEndRun(b, 1);
    b.Finish(proto::CreateRequest(b, 2, static_cast<proto::Body>(250), body.Union()));
    raw.send_frame(b);
    const auto [code, closed] = raw.answer_then_closed();
    EXPECT_EQ(code, proto::Code::UNKNOWN_TYPE);
    EXPECT_TRUE(closed);
}

TEST_F(server_test, an_out_of_range_enum_is_refused_and_closes) {
    raw_socket raw(srv->port());
    raw.hello(admin_token);
    flatbuffers::FlatBufferBuilder b;
    const auto body = proto::CreateSetBundleSize(b, static_cast<fb::Region>(9), 50);
    b.Finish(proto::CreateRequest(b, 2, proto::Body::SetBundleSize, body.Union()));
    raw.send_frame(b);
    const auto [code, closed] = raw.answer_then_closed();
    EXPECT_EQ(code, proto::Code::OUT_OF_RANGE);
    EXPECT_TRUE(closed);
}

// Reads are held to the same rules as commands (docs/protocol.md): an enum out of its range or a
// code over 32 bytes is OUT_OF_RANGE and closes the connection. They were INVALID_ARGUMENT or
// NOT_FOUND, with the connection left open.
TEST_F(server_test, a_read_with_an_out_of_range_field_is_refused_and_closes) {
    const std::string long_barcode(constants::code_size_max + 1, 'B');
    const std::vector<std::function<void(flatbuffers::FlatBufferBuilder&)>> reads = {
        [](auto& b) {
            const auto q = proto::CreateGetLedgerFigures(b, static_cast<fb::Region>(9), 0, 1);
            b.Finish(proto::CreateRequest(b, 2, proto::Body::GetLedgerFigures, q.Union()));
        },
        [](auto& b) {
            const auto q = proto::CreateListReference(b, static_cast<proto::ReferenceKind>(7));
            b.Finish(proto::CreateRequest(b, 2, proto::Body::ListReference, q.Union()));
        },
        [](auto& b) {
            const auto q = proto::CreateListPos(b, 0, 9);
            b.Finish(proto::CreateRequest(b, 2, proto::Body::ListPos, q.Union()));
        },
        [&](auto& b) {
            const auto q = proto::CreateScanBoxDirect(b, 1, long_barcode.c_str());
            b.Finish(proto::CreateRequest(b, 2, proto::Body::ScanBox, q.Union()));
        },
    };
    for (std::size_t i = 0; i < reads.size(); ++i) {
        SCOPED_TRACE("read " + std::to_string(i));
        raw_socket raw(srv->port());
        raw.hello(admin_token);
        flatbuffers::FlatBufferBuilder b;
        reads[i](b);
        raw.send_frame(b);
        const auto [code, closed] = raw.answer_then_closed();
        EXPECT_EQ(code, proto::Code::OUT_OF_RANGE);
        EXPECT_TRUE(closed);
    }
    // In range, the same reads are answered and the connection stays.
    auto admin = connect(admin_token);
    client::response r;
    std::string error;
    ASSERT_TRUE(admin->call(
        proto::Body::ListPos, [](auto& b) { return proto::CreateListPos(b, 0, -1).Union(); }, r,
        error))
        << error;
    EXPECT_NE(r.get()->reply_as_PoList(), nullptr);
}

TEST_F(server_test, a_missing_required_field_is_named_and_closes) {
    raw_socket raw(srv->port());
    raw.hello(admin_token);
    flatbuffers::FlatBufferBuilder b;
    const auto body = proto::CreateCreateShipment(b, 0, 1);  // no key
    b.Finish(proto::CreateRequest(b, 2, proto::Body::CreateShipment, body.Union()));
    raw.send_frame(b);
    const auto [code, closed] = raw.answer_then_closed();
    EXPECT_EQ(code, proto::Code::MISSING_FIELD);
    EXPECT_TRUE(closed);
}

TEST_F(server_test, hostile_input_on_one_connection_leaves_the_others_served) {
    auto admin = connect(admin_token);
    raw_socket raw(srv->port());
    raw.send_bytes({0xFF, 0xFF, 0xFF, 0xFF});
    EXPECT_EQ(raw.answer_then_closed().first, proto::Code::FRAME_TOO_LARGE);
    EXPECT_NE(must(*admin, create_consignee{code{"STILL"}, "Still here", province::on}), 0u);
    EXPECT_GE(srv->stats().closed_for_errors, 1u);
}

TEST_F(server_test, connections_past_the_limit_are_refused) {
    options.connections_max = 3;
    restart();
    std::vector<std::unique_ptr<client::connection>> open;
    for (int i = 0; i < 3; ++i)
        open.push_back(connect(admin_token));
    raw_socket raw(srv->port());
    const auto [code, closed] = raw.answer_then_closed();
    EXPECT_EQ(code, proto::Code::TOO_MANY_CONNECTIONS);
    EXPECT_TRUE(closed);
    EXPECT_EQ(srv->stats().refused, 1u);
    // A slot freed is a slot to take.
    open.pop_back();
    std::string error;
    EXPECT_TRUE(open_once_freed(error)) << error;
}

// Connections that never say Hello cannot lock out a client holding a token: with the whole
// table's worth of them open (from the client's own address, the hardest case), the client is
// served, because a connection awaiting Hello makes room for a newer one.
TEST_F(server_test, connections_that_never_say_hello_do_not_lock_out_a_token) {
    options.connections_max = 64;
    restart();
    asio::io_context context;
    std::vector<tcp::socket> idle;
    for (int i = 0; i < 100; ++i) {
        tcp::socket s(context);
        s.connect({asio::ip::make_address("127.0.0.1"), srv->port()});
        idle.push_back(std::move(s));
    }
    auto admin = connect(admin_token);
    EXPECT_NE(must(*admin, create_consignee{code{"THROUGH"}, "Got through", province::on}), 0u);
    EXPECT_GE(srv->stats().evicted, 1u);
    EXPECT_EQ(srv->stats().refused, 0u);
}

// One address holds at most connections_per_address_max connections; others still get theirs.
TEST_F(server_test, one_address_holds_at_most_its_share) {
    options.connections_per_address_max = 2;
    restart();
    auto first = connect(admin_token);
    auto second = connect(admin_token);
    client::connection third;
    std::string error;
    EXPECT_FALSE(third.open(as(admin_token), error));
    EXPECT_NE(error.find("connections from 127.0.0.1 already"), std::string::npos) << error;
    EXPECT_EQ(srv->stats().refused, 1u);
    // Its share freed, it may connect again (admission_test: other addresses meanwhile).
    first.reset();
    EXPECT_TRUE(open_once_freed(error)) << error;
}

TEST_F(server_test, answers_come_in_request_order_when_pipelined) {
    auto admin = connect(admin_token);
    std::vector<std::uint64_t> ids;
    for (int i = 0; i < 200; ++i) {
        if (i % 3 == 0) {
            ids.push_back(admin->send(proto::Body::GetSettings,
                                      [](auto& b) { return proto::CreateGetSettings(b).Union(); }));
        } else {
            ids.push_back(
                admin->send(create_consignee{numbered("C", i), "Consignee", province::on}));
        }
    }
    std::string error;
    ASSERT_TRUE(admin->flush(error)) << error;
    std::uint64_t last_lsn = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        client::response r;
        ASSERT_TRUE(admin->receive(r, error)) << error;
        ASSERT_EQ(r.id(), ids[i]);
        if (i % 3 == 0) {
            EXPECT_NE(r.get()->reply_as_SettingsView(), nullptr);
        } else {
            ASSERT_EQ(r.outcome()->code(), proto::Code::OK);
            EXPECT_GT(r.outcome()->lsn(), last_lsn);
            last_lsn = r.outcome()->lsn();
        }
    }
}

TEST_F(server_test, a_dry_run_lists_the_events_and_records_nothing) {
    const floor f = build_floor(3);
    auto stamper = connect(token_of("stamper"));
    client::response r;
    std::string error;
    ASSERT_TRUE(stamper->call(confirm_box{f.po, f.boxes[0]}, r, error, /*dry_run=*/true));
    const proto::Outcome* o = r.outcome();
    ASSERT_EQ(o->code(), proto::Code::OK);
    EXPECT_EQ(o->lsn(), 0u);
    ASSERT_NE(o->effects(), nullptr);
    ASSERT_GE(o->effects()->size(), 1u);
    const auto* first = o->effects()->Get(0)->bytes_nested_root();
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->event_type(), fb::Event::BoxConfirmed);
    client::response view;
    const proto::PoView* po = get_po(*stamper, f.po, view);
    ASSERT_NE(po, nullptr);
    EXPECT_EQ(po->boxes_confirmed(), 0u);
}

// Dry runs are decided at the writer's time, like commands: a system clock stepped back (or a
// log ahead of it) must not abort stampd on decide's "time never goes back" assertion.
TEST_F(server_test, a_dry_run_after_the_clock_steps_back_is_answered) {
    constexpr std::int64_t hour_us = std::int64_t{3600} * 1'000'000;
    clock_us = wal::writer_clock::system_now_us() + hour_us;
    const floor f = build_floor(2);
    clock_us = clock_us - 2 * hour_us;
    auto stamper = connect(token_of("stamper"));
    client::response r;
    std::string error;
    ASSERT_TRUE(stamper->call(confirm_box{f.po, f.boxes[0]}, r, error, /*dry_run=*/true)) << error;
    EXPECT_EQ(r.outcome()->code(), proto::Code::OK) << client::describe(*r.outcome());
    EXPECT_EQ(code_of_call(*stamper, confirm_box{f.po, f.boxes[0]}), proto::Code::OK);
    EXPECT_EQ(code_of_call(*stamper, confirm_box{f.po, f.boxes[1]}), proto::Code::OK);
}

// What a subscriber is pushed is what the log holds: each Pushed frame's events, LSN, time, user
// and station are those of the durable record at that LSN.
TEST_F(server_test, pushes_carry_the_records_the_log_holds) {
    constexpr u32 boxes = 20;
    const floor f = build_floor(boxes + 1);
    auto watcher = connect(token_of("sup"));
    client::response r;
    std::string error;
    ASSERT_TRUE(watcher->call(
        proto::Body::Subscribe,
        [&](flatbuffers::FlatBufferBuilder& b) { return proto::CreateSubscribe(b, f.po).Union(); },
        r, error));
    ASSERT_EQ(r.outcome()->code(), proto::Code::OK);
    auto stamper = connect(token_of("stamper"), 7);
    for (u32 i = 0; i < boxes; ++i)
        must(*stamper, confirm_box{f.po, f.boxes[i]});
    auto sup = connect(token_of("sup"));
    must(*sup, end_run{f.po});
    struct pushed_record {
        std::uint64_t lsn;
        std::int64_t time_us;
        user_id user;
        station_id station;
        std::vector<event> events;
    };
    std::vector<pushed_record> pushed;
    for (u32 i = 0; i < boxes + 1; ++i) {
        client::response push;
        ASSERT_TRUE(watcher->next_push(push, error)) << error;
        const proto::Pushed* p = push.get()->reply_as_Pushed();
        ASSERT_NE(p, nullptr);
        pushed_record one{p->lsn(), p->time_us(), p->user(), p->station(), {}};
        for (const proto::EventBytes* bytes : *p->events()) {
            event e;
            ASSERT_EQ(codec::decode({bytes->bytes()->data(), bytes->bytes()->size()}, e),
                      codec::decode_error::ok);
            one.events.push_back(std::move(e));
        }
        pushed.push_back(std::move(one));
    }
    srv->stop();
    std::unique_ptr<wal::data_dir> d;
    ASSERT_TRUE(wal::data_dir::open_for_reading(dir.path(), d).ok());
    for (const pushed_record& p : pushed) {
        SCOPED_TRACE("LSN " + std::to_string(p.lsn));
        wal::log_reader reader(d->log(), 1, 0);
        wal::record_view record;
        while (reader.next(record) == wal::record_status::ok && record.header.lsn < p.lsn) {
        }
        ASSERT_EQ(record.header.lsn, p.lsn);
        EXPECT_EQ(record.header.time_us, p.time_us);
        EXPECT_EQ(record.header.user, p.user);
        EXPECT_EQ(record.header.station, p.station);
        event_list logged;
        ASSERT_TRUE(wal::decode_payload(record.payload, record.header.event_count, logged));
        ASSERT_EQ(logged.size(), p.events.size());
        for (std::size_t i = 0; i < logged.size(); ++i)
            EXPECT_TRUE(logged[i] == p.events[i]);
    }
    EXPECT_EQ(pushed.front().station, 7u);
}

TEST_F(server_test, many_stations_confirm_distinct_boxes_with_exact_totals) {
    constexpr u32 stations = 256;
    constexpr u32 boxes_per_station = 8;
    // One box more than the stations confirm: the run stays open for the duplicate below.
    const floor f = build_floor(stations * boxes_per_station + 1);
    auto sup = connect(token_of("sup"));
    const i64 before = fed_balance(*sup);

    // Every station connected at once, then all confirm together, each its own boxes pipelined.
    std::vector<std::unique_ptr<client::connection>> conns;
    for (u32 s = 0; s < stations; ++s)
        conns.push_back(connect(token_of("stamper"), s + 1));
    ASSERT_EQ(srv->stats().connections, stations + 1);
    std::atomic<u32> confirmed{0}, refused{0};
    std::vector<std::thread> threads;
    constexpr u32 threads_count = 16;
    for (u32 t = 0; t < threads_count; ++t) {
        threads.emplace_back([&, t] {
            for (u32 s = t; s < stations; s += threads_count) {
                std::string error;
                for (u32 i = 0; i < boxes_per_station; ++i)
                    conns[s]->send(confirm_box{f.po, f.boxes[s * boxes_per_station + i]});
                if (!conns[s]->flush(error)) return;
            }
            for (u32 s = t; s < stations; s += threads_count) {
                for (u32 i = 0; i < boxes_per_station; ++i) {
                    client::response r;
                    std::string error;
                    if (!conns[s]->receive(r, error)) return;
                    (r.outcome()->code() == proto::Code::OK ? confirmed : refused)++;
                }
            }
        });
    }
    for (std::thread& t : threads)
        t.join();
    EXPECT_EQ(confirmed.load(), stations * boxes_per_station);
    EXPECT_EQ(refused.load(), 0u);

    client::response view;
    const proto::PoView* po = get_po(*sup, f.po, view);
    ASSERT_NE(po, nullptr);
    EXPECT_EQ(po->boxes_confirmed(), stations * boxes_per_station);
    EXPECT_EQ(po->boxes_left(), 1u);
    EXPECT_EQ(fed_balance(*sup), before - i64{stations} * boxes_per_station * units_per_box);
    // And a box confirmed twice is refused with its code, not counted again.
    EXPECT_EQ(code_of_call(*conns[0], confirm_box{f.po, f.boxes[0]}),
              proto::Code::ALREADY_CONFIRMED);
}

TEST_F(server_test, a_subscriber_sees_every_change_of_a_run_in_order) {
    constexpr u32 boxes = 50;
    const floor f = build_floor(boxes + 1);  // one left: the supervisor ends the run early
    auto watcher = connect(token_of("sup"));
    client::response r;
    std::string error;
    ASSERT_TRUE(watcher->call(
        proto::Body::Subscribe,
        [&](flatbuffers::FlatBufferBuilder& b) { return proto::CreateSubscribe(b, f.po).Union(); },
        r, error));
    ASSERT_EQ(r.outcome()->code(), proto::Code::OK);

    auto stamper = connect(token_of("stamper"));
    for (u32 i = 0; i < boxes; ++i)
        stamper->send(confirm_box{f.po, f.boxes[i]});
    ASSERT_TRUE(stamper->flush(error));
    for (u32 i = 0; i < boxes; ++i)
        ASSERT_TRUE(stamper->receive(r, error)) << error;

    std::uint64_t last_lsn = 0;
    for (u32 i = 0; i < boxes; ++i) {
        client::response push;
        ASSERT_TRUE(watcher->next_push(push, error)) << error;
        const proto::Pushed* p = push.get()->reply_as_Pushed();
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(push.id(), 0u);
        EXPECT_GT(p->lsn(), last_lsn);
        last_lsn = p->lsn();
        ASSERT_EQ(p->events()->size(), 1u);
        const fb::EventRecord* e = p->events()->Get(0)->bytes_nested_root();
        ASSERT_EQ(e->event_type(), fb::Event::BoxConfirmed);
        EXPECT_EQ(e->event_as_BoxConfirmed()->po(), f.po);
        EXPECT_EQ(e->event_as_BoxConfirmed()->box(), f.boxes[i]);
    }
    // A change to another PO is not pushed: the next push is this PO's end of run.
    auto sup = connect(token_of("sup"));
    must(*sup, create_shipment{code{"SH-OTHER"}, f.consignee});
    must(*sup, end_run{f.po});
    client::response push;
    ASSERT_TRUE(watcher->next_push(push, error)) << error;
    const fb::EventRecord* e = push.get()->reply_as_Pushed()->events()->Get(0)->bytes_nested_root();
    EXPECT_EQ(e->event_type(), fb::Event::RunEnded);
}

// Over a real socket: a changes_only subscriber gets Changed frames — one per commit group at
// most — naming its PO, never a record; the last names the last box's LSN.
TEST_F(server_test, a_changes_only_subscriber_is_sent_what_changed_not_the_records) {
    constexpr u32 boxes = 40;
    const floor f = build_floor(boxes + 1);
    std::string error;
    const auto subscribe = [&](client::connection& c, po_id po, consignee_id consignee) {
        client::response r;
        ASSERT_TRUE(c.call(
            proto::Body::Subscribe,
            [&](flatbuffers::FlatBufferBuilder& b) {
                return proto::CreateSubscribe(b, po, consignee, true).Union();
            },
            r, error))
            << error;
        ASSERT_EQ(r.outcome()->code(), proto::Code::OK);
    };
    auto watcher = connect(token_of("sup"));
    subscribe(*watcher, f.po, id_none);
    auto portal = connect(token_of("portal"));
    subscribe(*portal, id_none, f.consignee);

    auto stamper = connect(token_of("stamper"));
    for (u32 i = 0; i < boxes; ++i)
        stamper->send(confirm_box{f.po, f.boxes[i]});
    ASSERT_TRUE(stamper->flush(error));
    std::uint64_t last_box_lsn = 0;
    for (u32 i = 0; i < boxes; ++i) {
        client::response r;
        ASSERT_TRUE(stamper->receive(r, error)) << error;
        ASSERT_EQ(r.outcome()->code(), proto::Code::OK);
        last_box_lsn = std::max(last_box_lsn, r.outcome()->lsn());
    }
    for (client::connection* c : {watcher.get(), portal.get()}) {
        std::uint64_t lsn = 0;
        std::size_t frames = 0;
        while (lsn < last_box_lsn) {
            client::response push;
            ASSERT_TRUE(c->next_push(push, error)) << error;
            ASSERT_EQ(push.get()->reply_as_Pushed(), nullptr) << "a record, not what changed";
            const proto::Changed* changed = push.get()->reply_as_Changed();
            ASSERT_NE(changed, nullptr);
            EXPECT_GT(changed->lsn(), lsn);
            lsn = changed->lsn();
            ASSERT_EQ(changed->pos()->size(), 1u);
            EXPECT_EQ(changed->pos()->Get(0), f.po);
            const std::size_t consignees = c == portal.get() ? 1u : 0u;
            ASSERT_EQ(changed->consignees()->size(), consignees);
            if (consignees == 1) {
                EXPECT_EQ(changed->consignees()->Get(0), f.consignee);
            }
            ++frames;
        }
        EXPECT_EQ(lsn, last_box_lsn);
        EXPECT_LE(frames, std::size_t{boxes});
    }
    // A new shipment of the consignee: the portal is told its consignee, and no PO.
    auto sup = connect(token_of("sup"));
    must(*sup, create_shipment{code{"SH-NEW"}, f.consignee});
    client::response push;
    ASSERT_TRUE(portal->next_push(push, error)) << error;
    const proto::Changed* changed = push.get()->reply_as_Changed();
    ASSERT_NE(changed, nullptr);
    EXPECT_EQ(changed->pos()->size(), 0u);
    ASSERT_EQ(changed->consignees()->size(), 1u);
    EXPECT_EQ(changed->consignees()->Get(0), f.consignee);
}

// Subscribe and Unsubscribe both run on the writer, in the order sent: an Unsubscribe pipelined
// right behind its Subscribe ends it (it used to reach the registry first, remove nothing, and
// leave the subscription to outlive it), and the limit counts what is registered, not what was
// asked.
TEST_F(server_test, a_pipelined_unsubscribe_ends_the_subscription_sent_before_it) {
    const floor f = build_floor(2);
    auto admin = connect(admin_token);
    const consignee_id acme = must(*admin, create_consignee{code{"ACME"}, "Acme", province::qc});
    auto watcher = connect(token_of("sup"));
    const auto subscribe = [](po_id po, consignee_id consignee) {
        return [=](flatbuffers::FlatBufferBuilder& b) {
            return proto::CreateSubscribe(b, po, consignee).Union();
        };
    };
    watcher->send(proto::Body::Subscribe, subscribe(f.po, 0));
    watcher->send(proto::Body::Unsubscribe, [&](flatbuffers::FlatBufferBuilder& b) {
        return proto::CreateUnsubscribe(b, f.po, 0).Union();
    });
    watcher->send(proto::Body::Subscribe, subscribe(0, acme));  // the sentinel
    std::string error;
    ASSERT_TRUE(watcher->flush(error)) << error;
    for (int i = 0; i < 3; ++i) {
        client::response r;
        ASSERT_TRUE(watcher->receive(r, error)) << error;
        ASSERT_NE(r.outcome(), nullptr);
        EXPECT_EQ(r.outcome()->code(), proto::Code::OK) << i;
    }
    auto sup = connect(token_of("sup"));
    must(*sup, end_run{f.po});                           // not pushed: unsubscribed
    must(*sup, create_shipment{code{"SH-ACME"}, acme});  // pushed: the sentinel
    client::response push;
    ASSERT_TRUE(watcher->next_push(push, error)) << error;
    const fb::EventRecord* e = push.get()->reply_as_Pushed()->events()->Get(0)->bytes_nested_root();
    EXPECT_EQ(e->event_type(), fb::Event::ShipmentCreated);
    // The same subscription twice is one: the next change comes once.
    client::response r;
    ASSERT_TRUE(watcher->call(proto::Body::Subscribe, subscribe(0, acme), r, error)) << error;
    EXPECT_EQ(r.outcome()->code(), proto::Code::OK);
    must(*sup, create_shipment{code{"SH-ACME-2"}, acme});
    must(*sup, create_shipment{code{"SH-OTHER"}, f.consignee});  // not watched
    must(*sup, create_shipment{code{"SH-ACME-3"}, acme});
    for (const char* number : {"SH-ACME-2", "SH-ACME-3"}) {
        ASSERT_TRUE(watcher->next_push(push, error)) << error;
        const auto* created = push.get()
                                  ->reply_as_Pushed()
                                  ->events()
                                  ->Get(0)
                                  ->bytes_nested_root()
                                  ->event_as_ShipmentCreated();
        ASSERT_NE(created, nullptr);
        EXPECT_EQ(created->key()->str(), number);
    }
    // The limit: what is registered. 15 more consignees fill it; the next is refused until one
    // ends.
    std::vector<consignee_id> more;
    for (u32 i = 0; i < subscriptions_per_connection_max; ++i) {
        std::string key = "C";
        key.append(std::to_string(i));
        more.push_back(must(*admin, create_consignee{code{key}, "More", province::on}));
    }
    for (u32 i = 0; i < subscriptions_per_connection_max; ++i)
        watcher->send(proto::Body::Subscribe, subscribe(0, more[i]));
    ASSERT_TRUE(watcher->flush(error)) << error;
    for (u32 i = 0; i < subscriptions_per_connection_max; ++i) {
        ASSERT_TRUE(watcher->receive(r, error)) << error;
        EXPECT_EQ(r.outcome()->code(), i + 1 < subscriptions_per_connection_max
                                           ? proto::Code::OK
                                           : proto::Code::LIMIT_EXCEEDED)
            << i;
    }
    ASSERT_TRUE(watcher->call(
        proto::Body::Unsubscribe,
        [&](flatbuffers::FlatBufferBuilder& b) {
            return proto::CreateUnsubscribe(b, 0, acme).Union();
        },
        r, error));
    ASSERT_TRUE(watcher->call(proto::Body::Subscribe, subscribe(f.po, 0), r, error)) << error;
    EXPECT_EQ(r.outcome()->code(), proto::Code::OK);
}

// Client certificates without TLS cannot be checked: the server refuses to start rather than
// listen in plaintext believing stations are pinned.
TEST(server_options, client_certificates_without_tls_are_refused) {
    stampd::testing::temp_dir dir;
    wal::runtime_options runtime;
    runtime.storage.path = dir / "data";
    runtime.storage.sync = false;
    for (const bool require : {false, true}) {
        server_options options{.host = "127.0.0.1", .port = 0};
        options.log = [](log_level, const std::string&) {};
        if (require) {
            options.tls_require_client_cert = true;
        } else {
            options.tls_client_ca = dir / "ca.pem";
        }
        std::unique_ptr<server> srv;
        const wal::status started = server::start(runtime, options, srv);
        EXPECT_FALSE(started.ok()) << require;
        EXPECT_NE(started.message().find("client certificates need TLS"), std::string::npos)
            << started.message();
    }
}

// A Subscribe still on its way to the writer when its connection closes registers nothing, and
// a later connection in the same slot gets nothing meant for the one before.
TEST(subscriptions, an_add_after_the_connection_closed_is_refused) {
    net::subscriptions subs;
    const net::subscriber first{.slot = 3, .generation = 7};
    const net::subscriber next{.slot = 3, .generation = 8};
    const viewer staff{};
    const auto start = [] { return net::subscription_start{.po = 1}; };
    subs.open(first);
    EXPECT_EQ(subs.add(first, staff, start(), 0), net::add_result::added);
    subs.close(first);
    EXPECT_TRUE(subs.empty());
    EXPECT_EQ(subs.add(first, staff, start(), 0), net::add_result::closed);  // too late
    subs.open(next);
    EXPECT_EQ(subs.add(first, staff, start(), 0), net::add_result::closed);  // not its slot now
    EXPECT_TRUE(subs.empty());
    EXPECT_FALSE(subs.any(next));
    const event e = run_ended{.po = 1};
    std::vector<net::subscriber> reached;
    subs.match(
        1, std::span(&e, 1), [&](net::subscriber who, const viewer&) { reached.push_back(who); },
        [&](net::subscriber who, std::span<const po_id>, consignee_id) { reached.push_back(who); });
    EXPECT_TRUE(reached.empty());
    EXPECT_EQ(subs.add(next, staff, start(), 0), net::add_result::added);
    EXPECT_TRUE(subs.remove(next, 1, id_none));
    EXPECT_FALSE(subs.remove(next, 1, id_none));
}

// A changes_only subscription is told which of its POs and consignees a record concerns —
// only those it covers, and only through events its viewer may see — and never the record.
TEST(subscriptions, a_changes_only_subscription_is_told_its_own_ids_of_what_it_may_see) {
    net::subscriptions subs;
    const net::subscriber staff_one{.slot = 1, .generation = 1};
    const net::subscriber customer{.slot = 2, .generation = 1};
    subs.open(staff_one);
    subs.open(customer);
    const viewer staff{.restricted = false};
    ASSERT_EQ(subs.add(staff_one, staff, {.po = 7, .changes_only = true}, 0),
              net::add_result::added);
    const viewer own{.restricted = true, .own = 3};
    ASSERT_EQ(subs.add(customer, own, {.consignee = 3, .pos = {7}, .changes_only = true}, 0),
              net::add_result::added);
    struct hit {
        net::subscriber who;
        std::vector<po_id> pos;
        consignee_id consignee;
    };
    std::vector<hit> hits;
    std::size_t records = 0;
    const auto match = [&](std::uint64_t lsn, std::vector<event> events) {
        hits.clear();
        records = 0;
        subs.match(
            lsn, events, [&](net::subscriber, const viewer&) { ++records; },
            [&](net::subscriber who, std::span<const po_id> pos, consignee_id c) {
                hits.push_back({who, {pos.begin(), pos.end()}, c});
            });
    };
    // A box of PO 7: both are told PO 7; the customer also its consignee.
    match(1, {box_confirmed{.po = 7, .box = 1}});
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(records, 0u);
    EXPECT_EQ(hits[0].pos, std::vector<po_id>{7});
    EXPECT_EQ(hits[0].consignee, id_none);
    EXPECT_EQ(hits[1].pos, std::vector<po_id>{7});
    EXPECT_EQ(hits[1].consignee, 3u);
    // Another consignee's PO: nobody.
    match(2, {box_confirmed{.po = 8, .box = 2}, run_ended{.po = 8}});
    EXPECT_TRUE(hits.empty());
    // A draft invoice of PO 7: staff are told; the customer, who may not see drafts, is not.
    match(3, {invoice_drafted{.id = 1, .po = 7, .consignee = 3}});
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].who, staff_one);
    EXPECT_EQ(hits[0].pos, std::vector<po_id>{7});
    // The same subscription again without changes_only: the records again, nothing else.
    ASSERT_EQ(subs.add(staff_one, staff, {.po = 7}, 0), net::add_result::added);
    match(4, {run_ended{.po = 7}});
    EXPECT_EQ(records, 1u);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].who, customer);
}

// What a subscriber was pushed: each event's kind, and for each kind the subject it names.
struct pushed_events {
    std::vector<fb::Event> kinds;
    std::size_t ledger_movements = 0;  // in BoxConfirmed, PoVerified and PoCancelled
    std::vector<u32> invoices_advanced, requests_rejected;
    bool has(fb::Event kind) const {
        return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
    }
};

// Reads pushes until one holds `last`.
pushed_events collect_pushes(client::connection& c, fb::Event last) {
    pushed_events out;
    std::string error;
    while (!out.has(last)) {
        client::response push;
        if (!c.next_push(push, error)) {
            ADD_FAILURE() << error;
            break;
        }
        for (const proto::EventBytes* bytes : *push.get()->reply_as_Pushed()->events()) {
            const fb::EventRecord* e = bytes->bytes_nested_root();
            out.kinds.push_back(e->event_type());
            if (const auto* box = e->event_as_BoxConfirmed(); box && box->movements())
                out.ledger_movements += box->movements()->size();
            if (const auto* v = e->event_as_PoVerified(); v && v->movements())
                out.ledger_movements += v->movements()->size();
            if (const auto* a = e->event_as_InvoiceAdvanced())
                out.invoices_advanced.push_back(a->invoice());
            if (const auto* r = e->event_as_RequestRejected())
                out.requests_rejected.push_back(r->request());
        }
    }
    return out;
}

// Pushes follow the read rules (SPEC §10, §11). Every role watches the consignee while a whole
// stamp run, its verification, an invoice issued and a customer request rejected happen. Staff
// are pushed every record as the log holds it. The consignee's own user was pushed draft
// invoices and the ledger's movements and balances, which its reads hide, and never its issued
// invoice or its rejected request, which they show: now it is pushed exactly its POs' progress
// without ledger figures, the invoice once issued and the request's outcome, and each of those
// it can read.
TEST_F(server_test, each_role_is_pushed_what_it_may_read_and_nothing_else) {
    constexpr u32 boxes = 4;
    const floor f = build_floor(boxes);
    auto admin = connect(admin_token);
    must(*admin,
         create_user{code{"ver"}, "Verifier", role_bit(role::verifier), 0, token_of("ver")});
    // A second shipment for the customer's request.
    auto sup = connect(token_of("sup"));
    const shipment_id sh2 = must(*sup, create_shipment{code{"SH-2"}, f.consignee});
    must(*sup, start_receiving{sh2});
    must(*sup, receive_box{sh2, code{"BX-REQ"}, f.product, units_per_box, 0});
    must(*sup, finish_receiving{sh2});

    const std::vector<std::string> watchers = {admin_token,         token_of("sup"),
                                               token_of("stamper"), token_of("fin"),
                                               token_of("ver"),     token_of("portal")};
    std::vector<std::unique_ptr<client::connection>> watching;
    for (const std::string& token : watchers) {
        watching.push_back(connect(token));
        client::response r;
        std::string error;
        ASSERT_TRUE(watching.back()->call(
            proto::Body::Subscribe,
            [&](flatbuffers::FlatBufferBuilder& b) {
                return proto::CreateSubscribe(b, 0, f.consignee).Union();
            },
            r, error))
            << error;
        ASSERT_EQ(r.outcome()->code(), proto::Code::OK) << token;
    }

    auto stamper = connect(token_of("stamper"));
    for (u32 i = 0; i < boxes; ++i)
        must(*stamper, confirm_box{f.po, f.boxes[i]});
    auto ver = connect(token_of("ver"));
    must(*ver, verify_po{f.po, {}, false});
    // The draft invoice of the completed PO, found as finance finds it.
    auto fin = connect(token_of("fin"));
    client::response r;
    std::string error;
    ASSERT_TRUE(fin->call(
        proto::Body::ListInvoices,
        [&](flatbuffers::FlatBufferBuilder& b) {
            return proto::CreateListInvoices(b, f.consignee).Union();
        },
        r, error));
    ASSERT_EQ(r.get()->reply_as_InvoiceList()->invoices()->size(), 1u);
    const invoice_id invoice = r.get()->reply_as_InvoiceList()->invoices()->Get(0)->id();
    must(*fin, advance_invoice{invoice, invoice_status::issued});
    // A request two weekdays ahead, rejected.
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    day on = static_cast<day>(now_us / 86'400'000'000) + 2;
    while (is_weekend(on))
        ++on;
    auto portal = connect(token_of("portal"));
    const request_id request =
        must(*portal, submit_request{sh2, {{f.product, region::fed, units_per_box}}, on});
    must(*sup, reject_request{request, "no room that day"});
    // The end: a record every watcher is pushed, before and after this fix alike.
    must(*sup, create_shipment{code{"SH-END"}, f.consignee});

    std::vector<pushed_events> got;
    for (auto& c : watching)
        got.push_back(collect_pushes(*c, fb::Event::ShipmentCreated));
    // Staff: every record, as the log holds it, the same for every role.
    for (std::size_t i = 0; i + 1 < got.size(); ++i) {
        SCOPED_TRACE("staff watcher " + std::to_string(i));
        EXPECT_EQ(got[i].kinds, got[0].kinds);
        EXPECT_TRUE(got[i].has(fb::Event::InvoiceDrafted));
        EXPECT_EQ(got[i].ledger_movements, boxes);  // one USAGE a box; verified as deducted
        EXPECT_EQ(got[i].invoices_advanced, std::vector<u32>{invoice});
        EXPECT_EQ(got[i].requests_rejected, std::vector<u32>{request});
    }
    // The consignee: its POs' progress without the ledger, never a draft, and what it may read.
    const pushed_events& own = got.back();
    for (const fb::Event kind :
         {fb::Event::BoxConfirmed, fb::Event::RunEnded, fb::Event::PoVerified,
          fb::Event::OutboundCreated, fb::Event::InvoiceAdvanced, fb::Event::RequestSubmitted,
          fb::Event::RequestRejected}) {
        EXPECT_TRUE(own.has(kind)) << fb::EnumNameEvent(kind);
    }
    for (const fb::Event kind : {fb::Event::InvoiceDrafted, fb::Event::StampOrderSubmitted,
                                 fb::Event::StampsReceived, fb::Event::UserCreated}) {
        EXPECT_FALSE(own.has(kind)) << fb::EnumNameEvent(kind);
    }
    EXPECT_EQ(own.ledger_movements, 0u);
    // Each of those the consignee's reads show; the ledger they refuse.
    EXPECT_NE(get_po(*portal, f.po, r), nullptr);
    ASSERT_TRUE(portal->call(
        proto::Body::GetInvoice,
        [&](flatbuffers::FlatBufferBuilder& b) {
            return proto::CreateGetInvoice(b, invoice).Union();
        },
        r, error));
    EXPECT_NE(r.get()->reply_as_InvoiceView(), nullptr);
    ASSERT_TRUE(portal->call(
        proto::Body::ListRequests,
        [](flatbuffers::FlatBufferBuilder& b) { return proto::CreateListRequests(b).Union(); }, r,
        error));
    ASSERT_NE(r.get()->reply_as_RequestList(), nullptr);
    EXPECT_EQ(r.get()->reply_as_RequestList()->requests()->size(), 1u);
    ASSERT_TRUE(portal->call(
        proto::Body::GetLedgerFigures,
        [](flatbuffers::FlatBufferBuilder& b) {
            return proto::CreateGetLedgerFigures(b, fb::Region::FED, 0, 1).Union();
        },
        r, error));
    ASSERT_NE(r.outcome(), nullptr);
    EXPECT_EQ(r.outcome()->code(), proto::Code::FORBIDDEN);
    ASSERT_TRUE(portal->call(
        proto::Body::ListLedgerEntries,
        [](flatbuffers::FlatBufferBuilder& b) {
            return proto::CreateListLedgerEntries(b, fb::Region::FED).Union();
        },
        r, error));
    ASSERT_NE(r.outcome(), nullptr);
    EXPECT_EQ(r.outcome()->code(), proto::Code::FORBIDDEN);
}

// A Hello with `token` from a connection bound to `from` (127.0.0.2: another address on the
// loopback): its answer's code and message, and how long it took.
struct hello_answer {
    proto::Code code = proto::Code::OK;
    std::string message;
    std::chrono::milliseconds took{0};
};
// A Hello by token, or (user set) by user and password, optionally for another address.
struct hello_fields {
    std::string token, user, password, for_address;
};

hello_answer hello_from(const std::string& from, std::uint16_t port, const hello_fields& h) {
    asio::io_context context;
    tcp::socket socket(context);
    socket.open(tcp::v4());
    socket.bind(tcp::endpoint(asio::ip::make_address(from), 0));
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    flatbuffers::FlatBufferBuilder b;
    const auto text = [](const std::string& t) { return t.empty() ? nullptr : t.c_str(); };
    const auto body = proto::CreateHelloDirect(b, text(h.token), 0, 0, 0, text(h.user),
                                               text(h.password), text(h.for_address));
    b.Finish(proto::CreateRequest(b, 1, proto::Body::Hello, body.Union()));
    std::vector<std::uint8_t> frame(frame_header_size + b.GetSize());
    put_frame_header(frame.data(), b.GetSize());
    std::memcpy(frame.data() + frame_header_size, b.GetBufferPointer(), b.GetSize());
    const auto sent = std::chrono::steady_clock::now();
    asio::write(socket, asio::buffer(frame));
    std::uint8_t header[frame_header_size];
    hello_answer a;
    boost::system::error_code ec;
    asio::read(socket, asio::buffer(header), ec);
    std::vector<std::uint8_t> answer(ec ? 0 : get_frame_header(header));
    if (!ec) asio::read(socket, asio::buffer(answer), ec);
    a.took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - sent);
    if (ec) {
        a.code = proto::Code::SHUTTING_DOWN;  // no answer at all
        return a;
    }
    const auto* response = flatbuffers::GetRoot<proto::Response>(answer.data());
    if (const proto::Outcome* o = response->reply_as_Outcome()) {
        a.code = o->code();
        a.message = o->message() ? o->message()->str() : "";
    }
    return a;
}

hello_answer hello_from(const std::string& from, std::uint16_t port, const std::string& token) {
    return hello_from(from, port, hello_fields{.token = token});
}

// Guessing tokens (issue 14): failed Hellos from one address are answered at once a few times,
// then more and more slowly, then the address is refused for a while — a correct token from it
// too — with the reason in the answer; meanwhile a client from another address logs in and is
// answered at its usual speed throughout.
TEST_F(server_test, a_burst_of_wrong_tokens_is_throttled_while_a_good_client_keeps_its_latency) {
    using namespace std::chrono_literals;
    options.auth_limits = {.free_failures = 3,
                           .lockout_failures = 8,
                           .window = 60s,
                           .lockout = 300s,
                           .first_delay = 100ms,
                           .delay_max = 800ms};
    restart();
    std::atomic<bool> attacking{true};
    std::chrono::milliseconds good_worst{0};
    int good_logins = 0;
    std::thread good([&] {
        while (attacking) {
            const hello_answer a = hello_from("127.0.0.1", srv->port(), admin_token);
            EXPECT_EQ(a.code, proto::Code::OK) << a.message;
            good_worst = std::max(good_worst, a.took);
            ++good_logins;
        }
    });
    std::vector<hello_answer> guesses;
    for (int i = 0; i < 8; ++i)
        guesses.push_back(hello_from("127.0.0.2", srv->port(), "guess-" + std::to_string(i)));
    const hello_answer locked_out = hello_from("127.0.0.2", srv->port(), admin_token);
    attacking = false;
    good.join();
    for (std::size_t i = 0; i < guesses.size(); ++i) {
        SCOPED_TRACE("guess " + std::to_string(i + 1));
        EXPECT_EQ(guesses[i].code, proto::Code::UNAUTHENTICATED);
        if (i >= 3) {  // 100, 200, 400, 800, 800 ms
            const auto want = std::min(100ms * (1 << (i - 3)), 800ms);
            EXPECT_GE(guesses[i].took, want);
        }
    }
    EXPECT_NE(
        guesses.back().message.find("too many failed logins from 127.0.0.2: refused for 300 s"),
        std::string::npos)
        << guesses.back().message;
    // Locked out: the admin's own token from that address is refused, without waiting.
    EXPECT_EQ(locked_out.code, proto::Code::UNAUTHENTICATED);
    EXPECT_NE(locked_out.message.find("refused for another"), std::string::npos)
        << locked_out.message;
    EXPECT_LT(locked_out.took, 100ms);
    // The other address never waited for the guesser's delays.
    EXPECT_GT(good_logins, 0);
    EXPECT_LT(good_worst, 400ms) << "a correct token from elsewhere was slowed";
}

TEST_F(server_test, a_consignee_user_cannot_watch_another_consignee) {
    const floor f = build_floor(1);
    auto admin = connect(admin_token);
    const consignee_id other = must(*admin, create_consignee{code{"ACME"}, "Acme", province::qc});
    auto portal = connect(token_of("portal"));
    client::response r;
    std::string error;
    ASSERT_TRUE(portal->call(
        proto::Body::Subscribe,
        [&](flatbuffers::FlatBufferBuilder& b) {
            return proto::CreateSubscribe(b, 0, other).Union();
        },
        r, error));
    EXPECT_EQ(r.outcome()->code(), proto::Code::NOT_FOUND);
    ASSERT_TRUE(portal->call(
        proto::Body::Subscribe,
        [&](flatbuffers::FlatBufferBuilder& b) {
            return proto::CreateSubscribe(b, 0, f.consignee).Union();
        },
        r, error));
    EXPECT_EQ(r.outcome()->code(), proto::Code::OK);
}

// A client that asks and never reads is closed once its unread answers pass the bound, and
// nobody else waits for it meanwhile.
// A client that pipelines reads and does not read its answers yet: `requests` GetSettings with ids
// 1..requests, sent from a thread of its own (which blocks while the server stops reading).
class pipelining_reader {
public:
    pipelining_reader(std::uint16_t port, std::uint64_t requests)
        : _socket(port), _requests(requests) {
        _socket.hello(admin_token);
    }
    ~pipelining_reader() {
        if (_sender.joinable()) _sender.join();
    }
    // The size of one answer's frame, asked with id 1 before the flood (answered at once).
    std::size_t answer_size() {
        _socket.send_frame(request(1));
        std::vector<std::uint8_t> frame;
        EXPECT_TRUE(_socket.read_frame(frame));
        return frame_header_size + frame.size();
    }
    void start() {
        _sender = std::thread([this] {
            std::vector<std::uint8_t> batch;
            try {
                for (std::uint64_t id = 1; id <= _requests; ++id) {
                    const flatbuffers::FlatBufferBuilder b = request(id);
                    const std::size_t at = batch.size();
                    batch.resize(at + frame_header_size + b.GetSize());
                    put_frame_header(batch.data() + at, b.GetSize());
                    std::memcpy(batch.data() + at + frame_header_size, b.GetBufferPointer(),
                                b.GetSize());
                    if (batch.size() >= 64 * 1024 || id == _requests) {
                        _socket.send_bytes(batch);
                        batch.clear();
                    }
                }
            } catch (const boost::system::system_error&) {
                _send_failed = true;  // the server closed the connection
            }
        });
    }
    // Reads every answer: how many came, in order, before the stream ended or went wrong.
    std::uint64_t read_all() {
        std::uint64_t in_order = 0;
        std::vector<std::uint8_t> frame;
        while (in_order < _requests && _socket.read_frame(frame)) {
            const auto* r = flatbuffers::GetRoot<proto::Response>(frame.data());
            if (r->id() != in_order + 1 || r->reply_as_SettingsView() == nullptr) break;
            ++in_order;
        }
        if (_sender.joinable()) _sender.join();
        return in_order;
    }
    bool send_failed() const { return _send_failed; }

private:
    static flatbuffers::FlatBufferBuilder request(std::uint64_t id) {
        flatbuffers::FlatBufferBuilder b;
        const auto body = proto::CreateGetSettings(b);
        b.Finish(proto::CreateRequest(b, id, proto::Body::GetSettings, body.Union()));
        return b;
    }
    raw_socket _socket;
    std::uint64_t _requests;
    std::thread _sender;
    std::atomic<bool> _send_failed{false};
};

// Waits (up to 30 s) until `done` holds; false if it never does.
template <typename Done>
bool eventually(Done done) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done()) {
        if (std::chrono::steady_clock::now() >= give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

// A client that pipelines faster than it reads asks for far more answers (24 MiB) than the 8 MiB a
// connection may hold unwritten: it was reset at 8 MiB, losing answers the server had already
// sent. Now the server stops reading its requests once 1 MiB waits, meanwhile serves everyone
// else, and resumes as the client reads: every answer arrives, in order, on the same connection.
TEST_F(server_test, a_client_that_pipelines_faster_than_it_reads_is_slowed_and_loses_nothing) {
    const std::uint64_t answer_size = pipelining_reader(srv->port(), 1).answer_size();
    ASSERT_GT(answer_size, frame_header_size);
    const std::uint64_t requests = (std::uint64_t{24} << 20) / answer_size + 1;
    pipelining_reader flood(srv->port(), requests);
    flood.start();
    // Synchronise on what the server does: it stops reading the flood (or, before, closed it).
    ASSERT_TRUE(eventually(
        [&] { return srv->stats().output_pauses >= 1 || srv->stats().closed_for_errors >= 1; }));
    EXPECT_EQ(srv->stats().closed_for_errors, 0u);
    EXPECT_LE(srv->stats().output_buffered, output_buffered_max);
    // Another connection is served while the flood waits.
    auto admin = connect(admin_token);
    must(*admin, create_consignee{code{"OTHER"}, "Served meanwhile", province::on});
    EXPECT_EQ(flood.read_all(), requests);
    EXPECT_FALSE(flood.send_failed());
    EXPECT_EQ(srv->stats().closed_for_errors, 0u);
}

// Many connections that do not read: past the server's output budget, the ones holding output
// stop being read (at 64 KiB instead of 1 MiB each), so memory stays within twice the budget,
// nobody is closed, a connection that reads is served, and each flood gets all its answers once
// it reads.
TEST_F(server_test, past_the_output_budget_the_heaviest_stop_being_read_and_nobody_is_closed) {
    options.output_budget_bytes = 2 << 20;
    restart();
    const std::uint64_t answer_size = pipelining_reader(srv->port(), 1).answer_size();
    const std::uint64_t requests = (std::uint64_t{12} << 20) / answer_size + 1;
    constexpr int floods = 4;
    std::vector<std::unique_ptr<pipelining_reader>> readers;
    for (int i = 0; i < floods; ++i) {
        readers.push_back(std::make_unique<pipelining_reader>(srv->port(), requests));
        readers.back()->start();
    }
    ASSERT_TRUE(eventually([&] {
        return srv->stats().output_pauses >= floods || srv->stats().closed_for_errors >= 1;
    }));
    EXPECT_EQ(srv->stats().closed_for_errors, 0u);
    EXPECT_LE(srv->stats().output_buffered, 2 * options.output_budget_bytes);
    auto admin = connect(admin_token);
    must(*admin, create_consignee{code{"LIGHT"}, "Reads its answers", province::on});
    for (auto& r : readers)
        EXPECT_EQ(r->read_all(), requests);
    EXPECT_EQ(srv->stats().closed_for_errors, 0u);
    // The last write's completion gives its bytes back just after the client has them.
    EXPECT_TRUE(eventually([&] { return srv->stats().output_buffered == 0; }));
}

TEST_F(server_test, stop_answers_what_is_in_flight_and_refuses_what_comes_after) {
    auto admin = connect(admin_token);
    std::vector<std::uint64_t> ids;
    for (int i = 0; i < 100; ++i)
        ids.push_back(admin->send(create_consignee{numbered("S", i), "S", province::on}));
    std::string error;
    ASSERT_TRUE(admin->flush(error));
    client::response first;
    ASSERT_TRUE(admin->receive(first, error)) << error;
    srv->stop();
    // Every answer that arrives is in order; those accepted are durable after a restart.
    std::uint64_t accepted = first.outcome()->code() == proto::Code::OK ? 1 : 0;
    std::uint64_t expected = ids[0];
    client::response r;
    while (admin->receive(r, error)) {
        if (r.id() == 0) break;
        EXPECT_EQ(r.id(), ++expected);
        if (r.outcome()->code() == proto::Code::OK)
            ++accepted;
        else
            EXPECT_EQ(r.outcome()->code(), proto::Code::SHUTTING_DOWN);
    }
    srv.reset();
    start();
    auto again = connect(admin_token);
    client::response list;
    ASSERT_TRUE(again->call(
        proto::Body::ListReference,
        [](flatbuffers::FlatBufferBuilder& b) {
            return proto::CreateListReference(b, proto::ReferenceKind::Consignees).Union();
        },
        list, error));
    const proto::ReferenceList* rows = list.get()->reply_as_ReferenceList();
    ASSERT_NE(rows, nullptr);
    EXPECT_GE(rows->rows()->size(), accepted);
}

// People's passwords (issue 15): only an Argon2id hash is kept, hashed and checked on the
// password pool; a person logs in by user key and password, sets their own, an admin anyone's.
class password_test : public server_test {
protected:
    static constexpr const char* good = "correct horse battery";

    // A supervisor 'sup' and a stamper 'stamper' (tokens token_of(key)), the admin's password
    // `good` and the supervisor's `good` + "!".
    void SetUp() override {
        server_test::SetUp();
        auto admin = connect(admin_token);
        sup = must(*admin, create_user{code{"sup"}, "Sam", role_bit(role::supervisor), id_none,
                                       token_of("sup")});
        stamper = must(*admin, create_user{code{"stamper"}, "Stella", role_bit(role::stamper),
                                           id_none, token_of("stamper")});
        must(*admin, set_user_password{.user = 1, .password = good});
        must(*admin, set_user_password{.user = sup, .password = std::string(good) + "!"});
    }
    client::options as_person(const std::string& user, const std::string& password) const {
        client::options o = as("");
        o.user = user;
        o.password = password;
        return o;
    }
    user_id sup = id_none, stamper = id_none;
};

TEST_F(password_test, a_person_logs_in_with_their_password_and_nothing_else) {
    client::connection c;
    std::string error;
    ASSERT_TRUE(c.open(as_person("sup", std::string(good) + "!"), error)) << error;
    EXPECT_EQ(c.hello().user, sup);
    EXPECT_EQ(c.hello().roles, role_bit(role::supervisor));
    // Wrong password, unknown user, a user without a password: the same words.
    for (const auto& [user, password] : std::vector<std::pair<std::string, std::string>>{
             {"sup", good}, {"nobody", good}, {"stamper", good}}) {
        SCOPED_TRACE(user);
        const hello_answer a =
            hello_from("127.0.0.1", srv->port(), hello_fields{.user = user, .password = password});
        EXPECT_EQ(a.code, proto::Code::UNAUTHENTICATED);
        EXPECT_NE(a.message.find("wrong user or password"), std::string::npos) << a.message;
    }
}

TEST_F(password_test, one_sets_their_own_and_only_an_admin_sets_anothers) {
    auto own = connect(token_of("stamper"));
    EXPECT_EQ(code_of_call(*own, set_user_password{.user = sup, .password = "taken over!!"}),
              proto::Code::FORBIDDEN);
    must(*own, set_user_password{.user = stamper, .password = "stamper's own secret"});
    client::connection c;
    std::string error;
    EXPECT_TRUE(c.open(as_person("stamper", "stamper's own secret"), error)) << error;
    // The supervisor's is unchanged.
    EXPECT_TRUE(c.open(as_person("sup", std::string(good) + "!"), error)) << error;
}

TEST_F(password_test, a_short_password_is_refused_with_its_figures_and_the_connection_stays) {
    auto admin = connect(admin_token);
    client::response r;
    std::string error;
    ASSERT_TRUE(admin->call(set_user_password{.user = sup, .password = "short"}, r, error));
    ASSERT_NE(r.outcome(), nullptr);
    EXPECT_EQ(r.outcome()->code(), proto::Code::INVALID_ARGUMENT);
    const std::string said = r.outcome()->message()->str();
    EXPECT_NE(said.find("at least 10 characters; this one has 5"), std::string::npos) << said;
    must(*admin, create_consignee{code{"ACME"}, "Acme", province::on});  // still served
}

// The engine takes only a hash: a client that sends its "password" as a fake hash still has it
// hashed, so the stored value is never what the client chose.
TEST_F(password_test, a_password_that_looks_like_a_hash_is_hashed_like_any_other) {
    auto admin = connect(admin_token);
    const std::string fake = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
    must(*admin, set_user_password{.user = sup, .password = fake});
    client::connection c;
    std::string error;
    EXPECT_TRUE(c.open(as_person("sup", fake), error)) << error;
}

TEST_F(password_test, wrong_passwords_lock_the_user_out_from_any_address) {
    using namespace std::chrono_literals;
    options.auth_limits = {.free_failures = 2,
                           .lockout_failures = 4,
                           .window = 60s,
                           .lockout = 300s,
                           .first_delay = 10ms,
                           .delay_max = 40ms};
    restart();
    for (int i = 0; i < 4; ++i) {
        // From four addresses, so no address reaches its own lockout.
        const hello_answer a =
            hello_from("127.0.0." + std::to_string(10 + i), srv->port(),
                       hello_fields{.user = "sup", .password = "guess " + std::to_string(i)});
        EXPECT_EQ(a.code, proto::Code::UNAUTHENTICATED);
    }
    const hello_answer right =
        hello_from("127.0.0.20", srv->port(),
                   hello_fields{.user = "sup", .password = std::string(good) + "!"});
    EXPECT_EQ(right.code, proto::Code::UNAUTHENTICATED);
    EXPECT_NE(right.message.find("too many failed logins for user 'sup': refused for another"),
              std::string::npos)
        << right.message;
    // Another person is not locked out by it.
    const hello_answer other =
        hello_from("127.0.0.20", srv->port(), hello_fields{.user = "admin", .password = good});
    EXPECT_EQ(other.code, proto::Code::OK) << other.message;
}

// stamp-web logs people in from its own address: stampd counts the browser's address it passes
// on, from an --auth-proxy only.
TEST_F(password_test, a_proxy_passes_on_the_address_it_logs_in_for) {
    using namespace std::chrono_literals;
    options.auth_limits = {.free_failures = 1,
                           .lockout_failures = 3,
                           .window = 60s,
                           .lockout = 300s,
                           .first_delay = 10ms,
                           .delay_max = 40ms};
    options.auth_proxies = {"127.0.0.1"};
    restart();
    for (int i = 0; i < 3; ++i) {
        const hello_answer a = hello_from(
            "127.0.0.1", srv->port(),
            hello_fields{.user = "nobody", .password = "guess", .for_address = "192.0.2.7"});
        EXPECT_EQ(a.code, proto::Code::UNAUTHENTICATED);
    }
    // 192.0.2.7 is locked out; the proxy itself, for another browser, is not.
    const hello_answer locked =
        hello_from("127.0.0.1", srv->port(),
                   hello_fields{.user = "admin", .password = good, .for_address = "192.0.2.7"});
    EXPECT_NE(locked.message.find("too many failed logins from 192.0.2.7"), std::string::npos)
        << locked.message;
    const hello_answer other =
        hello_from("127.0.0.1", srv->port(),
                   hello_fields{.user = "admin", .password = good, .for_address = "192.0.2.8"});
    EXPECT_EQ(other.code, proto::Code::OK) << other.message;
    // Not a proxy: its for_address is ignored, its own address counted.
    for (int i = 0; i < 3; ++i) {
        hello_from(
            "127.0.0.2", srv->port(),
            hello_fields{.user = "someone", .password = "guess", .for_address = "192.0.2.9"});
    }
    const hello_answer spoofer =
        hello_from("127.0.0.2", srv->port(),
                   hello_fields{.user = "admin", .password = good, .for_address = "192.0.2.9"});
    EXPECT_NE(spoofer.message.find("too many failed logins from 127.0.0.2"), std::string::npos)
        << spoofer.message;
}

// Hashes take tens of milliseconds each on the password pool; the line does not wait for them.
TEST_F(password_test, logins_being_checked_do_not_hold_up_the_line) {
    options.password_threads = 1;
    restart();
    constexpr int logins = 16;
    std::atomic<int> answered{0};
    std::vector<std::thread> people;
    for (int i = 0; i < logins; ++i) {
        people.emplace_back([&] {
            client::connection c;
            std::string error;
            EXPECT_TRUE(c.open(as_person("admin", good), error)) << error;
            ++answered;
        });
    }
    // Meanwhile a station's commands are answered: all 5 before the last login is, since
    // the one pool thread needs logins × tens of ms for the hashes.
    auto admin = connect(admin_token);
    for (int i = 0; i < 5; ++i) {
        must(*admin, create_consignee{numbered("C", i), "Consignee", province::on});
    }
    const int logins_done_when_line_done = answered.load();
    for (std::thread& t : people)
        t.join();
    EXPECT_EQ(answered.load(), logins);
    EXPECT_LT(logins_done_when_line_done, logins);
}

TEST(password_pool, past_its_bound_work_is_refused_not_queued) {
    password_pool pool(1, 2);
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<int> ran{0};
    // One runs (and waits), two wait their turn, the fourth is refused.
    std::promise<void> started;
    ASSERT_TRUE(pool.submit([&] {
        started.set_value();
        released.wait();
        ++ran;
    }));
    started.get_future().wait();
    EXPECT_TRUE(pool.submit([&] { ++ran; }));
    EXPECT_TRUE(pool.submit([&] { ++ran; }));
    EXPECT_FALSE(pool.submit([&] { ++ran; }));
    EXPECT_EQ(pool.waiting(), 2u);
    release.set_value();
    pool.stop();
    EXPECT_EQ(ran.load(), 3);
}

TEST(passwords, only_the_right_password_matches_its_hash) {
    const std::string hash = hash_password("correct horse battery");
    EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << hash;
    EXPECT_TRUE(verify_password(hash, "correct horse battery"));
    EXPECT_FALSE(verify_password(hash, "correct horse batterY"));
    EXPECT_FALSE(verify_password("", "correct horse battery"));
    EXPECT_FALSE(verify_password("$2b$10$not-argon", "correct horse battery"));
    // A fresh salt each time.
    EXPECT_NE(hash_password("correct horse battery"), hash);
}

}  // namespace
}  // namespace stampd::net
