// libFuzzer target: what an I/O thread does with the bytes of a socket. The input is a byte
// stream cut into frames exactly as a session cuts it (u32 length, at most frame_size_max), each
// frame verified as a Request; commands are decoded, re-encoded and decoded again (the round trip
// must be exact) and decided against a small warehouse without being applied; reads are answered
// and the answer must itself verify. Any crash, sanitizer report or broken property is a finding.
//
// Built with clang only (-DSTAMPD_FUZZ=ON); ops/test runs it briefly, ops/test --long for longer.
#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <cstdlib>
#include <span>

#include "engine/engine.hpp"
#include "net/protocol/command_codec.hpp"
#include "net/protocol/frame_format.hpp"
#include "net/views.hpp"

namespace {

using namespace stampd;

// A warehouse with an admin, a consignee user, a product, a shipment with a box and a PO.
const state& warehouse() {
    static const state s = [] {
        state w;
        event_list events;
        u64 lsn = 0;
        auto run = [&](user_id who, const command& c) {
            const context ctx{
                .lsn = ++lsn, .time_us = 1'767'225'600'000'000 + i64(lsn), .user = who};
            if (!execute(w, c, ctx, events).ok()) std::abort();
        };
        run(id_none, create_user{code{"admin"}, "Admin", role_bit(role::admin), 0,
                                 "admin-token-0123456789"});
        run(1, create_consignee{code{"NORWOOD"}, "Norwood", province::on});
        run(1, create_user{code{"portal"}, "Portal", role_bit(role::consignee), 1,
                           "portal-token-0123456789"});
        run(1, create_product{code{"VAPE"}, 1, "Vape", 15'000});
        run(1, create_shipment{code{"SH-1"}, 1});
        run(1, start_receiving{1});
        run(1, receive_box{1, code{"BX1"}, 1, 10, 0});
        run(1, finish_receiving{1});
        run(1, create_po{code{}, 1, 1, {{1, region::fed, 10}}});
        return w;
    }();
    return s;
}

void check(bool property) {
    if (!property) __builtin_trap();
}

void one_frame(std::span<const std::uint8_t> bytes) {
    const proto::Request* request = nullptr;
    if (net::verify_request(bytes, request) != proto::Code::OK) return;
    const state& s = warehouse();
    if (net::is_command(request->body_type())) {
        command decoded;
        if (net::decode_command(*request, decoded) != proto::Code::OK) return;
        flatbuffers::FlatBufferBuilder b;
        net::build_command_request(b, request->id(), decoded);
        const proto::Request* again = nullptr;
        check(net::verify_request({b.GetBufferPointer(), b.GetSize()}, again) == proto::Code::OK);
        command round_trip;
        check(net::decode_command(*again, round_trip) == proto::Code::OK);
        check(round_trip == decoded);
        event_list events;
        for (const user_id who : {user_id{1}, user_id{2}}) {
            const context ctx{.lsn = 100, .time_us = 1'767'225'700'000'000, .user = who};
            (void)dry_run(s, decoded, ctx, events);
        }
    } else if (net::is_read(request->body_type())) {
        for (const user_id who : {user_id{1}, user_id{2}}) {
            flatbuffers::FlatBufferBuilder b;
            net::answer_read(s, who, *request, b, 1'767'225'700'000'000);
            flatbuffers::Verifier verifier(b.GetBufferPointer(), b.GetSize());
            check(verifier.VerifyBuffer<proto::Response>(nullptr));
            check(b.GetSize() <= net::response_size_max);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::size_t at = 0;
    while (size - at >= net::frame_header_size) {
        const std::uint32_t length = net::get_frame_header(data + at);
        if (length > net::frame_size_max) return 0;  // the session answers and closes here
        at += net::frame_header_size;
        if (size - at < length) return 0;
        // A copy of exactly the frame, so reads past it are caught by the sanitizer.
        std::vector<std::uint8_t> frame(data + at, data + at + length);
        one_frame(frame);
        at += length;
    }
    return 0;
}
