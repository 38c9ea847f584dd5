// The command codec: every engine command survives encode → frame → verify → decode unchanged,
// and each way a hostile or broken client can get a request wrong is named by its code.
#include "net/protocol/command_codec.hpp"

#include <gtest/gtest.h>

#include "net/protocol/frame_format.hpp"
#include "tests/net/command_samples.hpp"

#include <set>
#include <vector>

namespace stampd::net {
namespace {

std::vector<std::uint8_t> request_bytes(const command& c, std::uint64_t id = 9) {
    flatbuffers::FlatBufferBuilder b;
    build_command_request(b, id, c);
    return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

TEST(command_codec, every_command_survives_the_round_trip) {
    const std::vector<command> all = one_of_each();
    std::set<std::size_t> kinds;
    for (const command& c : all)
        kinds.insert(c.index());
    ASSERT_EQ(kinds.size(), std::variant_size_v<command>) << "a command kind has no sample";

    for (const command& c : all) {
        SCOPED_TRACE(std::string(command_name(c)));
        const auto bytes = request_bytes(c, 1234);
        const proto::Request* request = nullptr;
        ASSERT_EQ(verify_request(bytes, request), proto::Code::OK);
        EXPECT_EQ(request->id(), 1234u);
        EXPECT_TRUE(is_command(request->body_type()));
        command back;
        std::string why;
        ASSERT_EQ(decode_command(*request, back, why), proto::Code::OK) << why;
        EXPECT_EQ(back, c);
    }
}

TEST(command_codec, reads_and_session_kinds_are_not_commands) {
    EXPECT_FALSE(is_command(proto::Body::Hello));
    EXPECT_FALSE(is_command(proto::Body::Subscribe));
    EXPECT_TRUE(is_read(proto::Body::GetPo));
    EXPECT_TRUE(is_read(proto::Body::GetSettings));
    EXPECT_FALSE(is_read(proto::Body::ConfirmBox));
}

TEST(command_codec, a_truncated_or_garbled_frame_is_a_bad_frame) {
    const command sent = create_po{code{"PO-1"}, 1, 1, {{1, region::fed, 5}}};
    const auto bytes = request_bytes(sent);
    const proto::Request* request = nullptr;
    std::size_t refused = 0;
    for (std::size_t size = 0; size < bytes.size(); ++size) {
        const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + size);
        if (verify_request(cut, request) != proto::Code::OK) {
            EXPECT_EQ(request, nullptr);
            ++refused;
            continue;
        }
        // Only the builder's trailing alignment padding may go without harm.
        command back;
        ASSERT_EQ(decode_command(*request, back), proto::Code::OK) << "cut to " << size;
        EXPECT_EQ(back, sent) << "cut to " << size;
        EXPECT_GE(size, bytes.size() - 8);
    }
    EXPECT_GE(refused, bytes.size() - 8);
    std::vector<std::uint8_t> garbled = bytes;
    garbled[0] = 0xFF;  // the root offset now points far outside the buffer
    garbled[1] = 0xFF;
    EXPECT_EQ(verify_request(garbled, request), proto::Code::BAD_FRAME);
}

TEST(command_codec, an_unknown_body_kind_is_named) {
    flatbuffers::FlatBufferBuilder b;
    const auto body = proto::CreateEndRun(b, 1);
    b.Finish(proto::CreateRequest(b, 5, static_cast<proto::Body>(200), body.Union()));
    const proto::Request* request = nullptr;
    EXPECT_EQ(verify_request({b.GetBufferPointer(), b.GetSize()}, request),
              proto::Code::UNKNOWN_TYPE);
}

TEST(command_codec, a_request_without_a_body_is_missing_a_field) {
    flatbuffers::FlatBufferBuilder b;
    b.Finish(proto::CreateRequest(b, 5));
    const proto::Request* request = nullptr;
    EXPECT_EQ(verify_request({b.GetBufferPointer(), b.GetSize()}, request),
              proto::Code::MISSING_FIELD);
}

TEST(command_codec, an_enum_past_its_range_is_out_of_range_with_the_figures) {
    flatbuffers::FlatBufferBuilder b;
    const auto body = proto::CreateConfirmBox(b, 1, 2, static_cast<proto::BoxAction>(7));
    b.Finish(proto::CreateRequest(b, 5, proto::Body::ConfirmBox, body.Union()));
    const proto::Request* request = nullptr;
    ASSERT_EQ(verify_request({b.GetBufferPointer(), b.GetSize()}, request), proto::Code::OK);
    command c;
    std::string why;
    EXPECT_EQ(decode_command(*request, c, why), proto::Code::OUT_OF_RANGE);
    EXPECT_EQ(why, "ConfirmBox: action is 7, at most 2");

    flatbuffers::FlatBufferBuilder r;
    const std::vector<fb::LineInput> lines = {{1, static_cast<fb::Region>(5), 10}};
    const auto po = proto::CreateCreatePo(r, 0, 1, 1, r.CreateVectorOfStructs(lines));
    r.Finish(proto::CreateRequest(r, 6, proto::Body::CreatePo, po.Union()));
    ASSERT_EQ(verify_request({r.GetBufferPointer(), r.GetSize()}, request), proto::Code::OK);
    EXPECT_EQ(decode_command(*request, c, why), proto::Code::OUT_OF_RANGE);
    EXPECT_EQ(why, "CreatePo: region is 5, at most 4");
}

TEST(command_codec, a_code_longer_than_a_code_holds_is_out_of_range) {
    flatbuffers::FlatBufferBuilder b;
    const std::string barcode(constants::code_size_max + 1, 'B');
    const auto body = proto::CreateReceiveBox(b, 1, b.CreateString(barcode), 1, 1, 0);
    b.Finish(proto::CreateRequest(b, 5, proto::Body::ReceiveBox, body.Union()));
    const proto::Request* request = nullptr;
    ASSERT_EQ(verify_request({b.GetBufferPointer(), b.GetSize()}, request), proto::Code::OK);
    command c;
    std::string why;
    EXPECT_EQ(decode_command(*request, c, why), proto::Code::OUT_OF_RANGE);
    EXPECT_EQ(why, "ReceiveBox: barcode has 33 bytes, at most 32");
}

TEST(command_codec, a_missing_required_field_is_named) {
    flatbuffers::FlatBufferBuilder b;
    const auto body = proto::CreateReceiveBox(b, 1, 0, 1, 1, 0);
    b.Finish(proto::CreateRequest(b, 5, proto::Body::ReceiveBox, body.Union()));
    const proto::Request* request = nullptr;
    ASSERT_EQ(verify_request({b.GetBufferPointer(), b.GetSize()}, request), proto::Code::OK);
    command c;
    std::string why;
    EXPECT_EQ(decode_command(*request, c, why), proto::Code::MISSING_FIELD);
    EXPECT_EQ(why, "ReceiveBox: barcode is required");
}

TEST(command_codec, a_full_batch_of_the_longest_barcodes_is_under_half_a_frame) {
    receive_boxes batch{.shipment = 1};
    for (u32 i = 0; i < constants::boxes_per_batch_max; ++i) {
        std::string barcode = std::to_string(i);
        barcode.insert(0, constants::code_size_max - barcode.size(), 'B');
        batch.boxes.push_back({code{barcode}, 4'000'000'000u, 65'535, 65'535});
    }
    const auto bytes = request_bytes(batch);
    EXPECT_LE(bytes.size(), frame_size_max / 2);
    const proto::Request* request = nullptr;
    ASSERT_EQ(verify_request(bytes, request), proto::Code::OK);
    command back;
    ASSERT_EQ(decode_command(*request, back), proto::Code::OK);
    EXPECT_EQ(back, command{batch});
}

TEST(command_codec, a_batch_whose_barcodes_and_figures_differ_in_length_is_out_of_range) {
    flatbuffers::FlatBufferBuilder b;
    const std::vector<std::string> barcodes = {"BX1", "BX2"};
    const std::vector<fb::BoxFigures> figures = {fb::BoxFigures(1, 10, 0)};
    const auto body = proto::CreateReceiveBoxes(b, 1, b.CreateVectorOfStrings(barcodes),
                                                b.CreateVectorOfStructs(figures));
    b.Finish(proto::CreateRequest(b, 5, proto::Body::ReceiveBoxes, body.Union()));
    const proto::Request* request = nullptr;
    ASSERT_EQ(verify_request({b.GetBufferPointer(), b.GetSize()}, request), proto::Code::OK);
    command c;
    std::string why;
    EXPECT_EQ(decode_command(*request, c, why), proto::Code::OUT_OF_RANGE);
    EXPECT_EQ(why, "ReceiveBoxes: barcodes and figures differ in length: 2 and 1");
}

TEST(command_codec, find_boxes_asks_for_at_most_a_batch) {
    for (const std::size_t count :
         {std::size_t{constants::boxes_per_batch_max}, constants::boxes_per_batch_max + 1ul}) {
        flatbuffers::FlatBufferBuilder b;
        const std::vector<std::string> barcodes(count, "BX");
        const auto body = proto::CreateFindBoxes(b, b.CreateVectorOfStrings(barcodes));
        b.Finish(proto::CreateRequest(b, 5, proto::Body::FindBoxes, body.Union()));
        const proto::Request* request = nullptr;
        ASSERT_EQ(verify_request({b.GetBufferPointer(), b.GetSize()}, request), proto::Code::OK);
        EXPECT_TRUE(is_read(request->body_type()));
        std::string why;
        EXPECT_EQ(check_read(*request, why), count > constants::boxes_per_batch_max
                                                 ? proto::Code::OUT_OF_RANGE
                                                 : proto::Code::OK)
            << why;
    }
}

TEST(command_codec, a_read_is_not_decoded_as_a_command) {
    flatbuffers::FlatBufferBuilder b;
    const auto body = proto::CreateGetPo(b, 1);
    b.Finish(proto::CreateRequest(b, 5, proto::Body::GetPo, body.Union()));
    const proto::Request* request = nullptr;
    ASSERT_EQ(verify_request({b.GetBufferPointer(), b.GetSize()}, request), proto::Code::OK);
    command c;
    EXPECT_EQ(decode_command(*request, c), proto::Code::UNKNOWN_TYPE);
}

// REQUEST_REUSED's fingerprint (issue 16): the same command always gives the same one, every
// sample a different one, a secret counts only as present, and 0 (not known) never comes out.
TEST(command_codec, a_commands_fingerprint_tells_commands_apart_and_ignores_secrets) {
    flatbuffers::FlatBufferBuilder scratch;
    std::set<std::uint32_t> seen;
    for (const command& c : one_of_each()) {
        const std::uint32_t f = command_fingerprint(c, scratch);
        EXPECT_NE(f, 0u);
        EXPECT_EQ(command_fingerprint(c, scratch), f) << command_name(c);
        EXPECT_TRUE(seen.insert(f).second) << command_name(c) << " shares a fingerprint";
    }
    const auto of = [&](const command& c) { return command_fingerprint(c, scratch); };
    EXPECT_NE(of(confirm_box{.po = 1, .box = 2}), of(confirm_box{.po = 1, .box = 3}));
    EXPECT_NE(of(confirm_box{.po = 1, .box = 2}),
              of(confirm_box{.po = 1, .box = 2, .action = box_action::skip}));
    // A password reaches the engine hashed with a new salt each try: a retry must still match.
    EXPECT_EQ(of(set_user_password{.user = 3, .password = "$argon2id$…salt-1"}),
              of(set_user_password{.user = 3, .password = "$argon2id$…salt-2"}));
    EXPECT_NE(of(set_user_password{.user = 3, .password = "x"}),
              of(set_user_password{.user = 4, .password = "x"}));
    EXPECT_EQ(of(set_user_token{.user = 3, .token = "one-token-0123456789"}),
              of(set_user_token{.user = 3, .token = "another-token-0123456789"}));
}

}  // namespace
}  // namespace stampd::net
