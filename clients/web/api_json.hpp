// The browser's API in JSON, and stampd's protocol in FlatBuffers: a request's JSON is read by
// FlatBuffers' own parser against the protocol's embedded schema (so every command and read the
// protocol has is callable with no hand-written mapping, and a field the schema does not have is
// an error), and an answer is written through the client library's view (clients/lib/view.hpp):
// enums by name, days as dates. Which kinds the browser may send is decided here; what the
// person may do with them, by stampd.
// Threads: one request_reader per thread (FlatBuffers' Parser keeps state between parses).
#pragma once

#include <flatbuffers/idl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/protocol/protocol_generated.h"

namespace stampd::web {

// The Body kind named `name` ("ConfirmBox"), or NONE. Hello and the subscriptions are stamp-web's
// own business (login, the live socket), and so NONE here too.
proto::Body callable_kind(std::string_view name);

class request_reader {
public:
    request_reader();
    // A Request with this id, kind, body (a JSON object's text) and dry_run, as stampd reads it
    // (net::verify_request passes it). False with `error` saying what the schema refused.
    bool build(proto::Body kind, std::string_view body_json, bool dry_run, std::uint64_t id,
               std::vector<std::uint8_t>& out, std::string& error);

private:
    std::unique_ptr<flatbuffers::Parser> _parser;
};

// {"type":"PoView",...}: an answer for the browser.
std::string answer_json(const proto::Response& response);

}  // namespace stampd::web
