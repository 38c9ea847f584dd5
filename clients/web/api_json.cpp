// See api_json.hpp.
#include "clients/web/api_json.hpp"

#include <cstring>

#include "clients/lib/json.hpp"
#include "clients/lib/view.hpp"
#include "net/protocol/command_codec.hpp"
#include "protocol_bfbs_generated.h"  // clients/lib/CMakeLists.txt: the schema, embedded

namespace stampd::web {

proto::Body callable_kind(std::string_view name) {
    const char* const* names = proto::EnumNamesBody();
    for (auto k = static_cast<std::size_t>(proto::Body::Unsubscribe) + 1;
         k <= static_cast<std::size_t>(proto::Body::MAX); ++k) {
        if (name == names[k]) return static_cast<proto::Body>(k);
    }
    return proto::Body::NONE;
}

request_reader::request_reader() : _parser(std::make_unique<flatbuffers::Parser>()) {
    _parser->opts.strict_json = true;
    const bool ok = _parser->Deserialize(proto::RequestBinarySchema::data(),
                                         proto::RequestBinarySchema::size());
    if (!ok) throw std::runtime_error("the embedded protocol schema does not load");
}

bool request_reader::build(proto::Body kind, std::string_view body_json, bool dry_run,
                           std::uint64_t id, std::vector<std::uint8_t>& out, std::string& error) {
    // The kind is one of the enum's own names, and the body a JSON object the caller checked: the
    // text put together here cannot say anything else.
    std::string text = "{\"id\":" + std::to_string(id) + ",\"body_type\":\"";
    text += proto::EnumNameBody(kind);
    text += "\",\"dry_run\":";
    text += dry_run ? "true" : "false";
    text += ",\"body\":";
    text += body_json;
    text += "}";
    if (!_parser->ParseJson(text.c_str())) {
        error = _parser->error_;
        // "error: <file>:1: 27: error: unknown field: pox" → "unknown field: pox"
        if (const auto at = error.rfind("error: "); at != std::string::npos)
            error = error.substr(at + 7);
        return false;
    }
    const std::uint8_t* bytes = _parser->builder_.GetBufferPointer();
    out.assign(bytes, bytes + _parser->builder_.GetSize());
    const proto::Request* request = nullptr;
    if (net::verify_request(out, request) != proto::Code::OK) {
        error = "the request does not make a valid " + std::string(proto::EnumNameBody(kind));
        return false;
    }
    return true;
}

std::string answer_json(const proto::Response& response) {
    return json::to_string(client::reply_value(response));
}

}  // namespace stampd::web
