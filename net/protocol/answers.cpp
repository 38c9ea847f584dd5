// Outcomes and Responses on the wire (answers.hpp).
#include "net/protocol/answers.hpp"

#include <string>

#include "net/protocol/wire_enums.hpp"

namespace stampd::net {

static_assert(static_cast<int>(proto::Code::REQUEST_REUSED) ==
                  static_cast<int>(rejection_code::request_reused),
              "the protocol's codes are the engine's, value for value");
static_assert(static_cast<int>(proto::Code::OK) == static_cast<int>(rejection_code::ok));

proto::Code code_of(rejection_code code) {
    return static_cast<proto::Code>(code);
}

std::string_view to_string(proto::Code code) {
    if (static_cast<int>(code) <= static_cast<int>(proto::Code::REQUEST_REUSED)) {
        return stampd::to_string(static_cast<rejection_code>(code));
    }
    return proto::EnumNameCode(code);
}

flatbuffers::Offset<proto::Outcome> build_outcome(
    flatbuffers::FlatBufferBuilder& b, const outcome& o,
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<proto::EventBytes>>> effects) {
    const rejection& r = o.verdict;
    const auto message =
        r.ok() ? flatbuffers::Offset<flatbuffers::String>{} : b.CreateString(describe(r));
    proto::OutcomeBuilder out(b);
    out.add_code(code_of(r.code));
    out.add_about(to_wire(r.about));
    out.add_subject_id(r.id);
    out.add_needed(r.needed);
    out.add_available(r.available);
    out.add_region(r.region_index);
    out.add_state(r.state);
    out.add_lsn(o.lsn);
    out.add_result(o.result);
    out.add_duplicate(o.duplicate);
    if (!effects.IsNull()) out.add_effects(effects);
    if (!message.IsNull()) out.add_message(message);
    out.add_item(r.item);
    return out.Finish();
}

flatbuffers::Offset<proto::Outcome> build_refusal(flatbuffers::FlatBufferBuilder& b,
                                                  proto::Code code, std::string_view message,
                                                  rejection figures) {
    std::string text{to_string(code)};
    if (!message.empty()) text.append(": ").append(message);
    const auto text_offset = b.CreateString(text);
    proto::OutcomeBuilder out(b);
    out.add_code(code);
    out.add_about(to_wire(figures.about));
    out.add_subject_id(figures.id);
    out.add_needed(figures.needed);
    out.add_available(figures.available);
    out.add_region(figures.region_index);
    out.add_state(figures.state);
    out.add_message(text_offset);
    return out.Finish();
}

void finish_response(flatbuffers::FlatBufferBuilder& b, std::uint64_t id, proto::Reply kind,
                     flatbuffers::Offset<void> reply) {
    proto::ResponseBuilder response(b);
    response.add_id(id);
    response.add_reply_type(kind);
    response.add_reply(reply);
    b.Finish(response.Finish());
}

void build_refusal_response(flatbuffers::FlatBufferBuilder& b, std::uint64_t id, proto::Code code,
                            std::string_view message) {
    const auto outcome = build_refusal(b, code, message);
    finish_response(b, id, proto::Reply::Outcome, outcome.Union());
}

}  // namespace stampd::net
