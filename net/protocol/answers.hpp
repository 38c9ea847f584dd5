// Building Responses: the Outcome of a command or a refusal, and the finished Response around a
// reply. Shared by the server (I/O threads and the writer thread) and the reads. Pure functions.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "engine/engine.hpp"
#include "net/protocol/protocol_generated.h"

namespace stampd::net {

// The protocol's code for an engine rejection: the same value (static_asserts in answers.cpp).
proto::Code code_of(rejection_code code);
std::string_view to_string(proto::Code code);

// An engine outcome with its figures and a readable message; effects only for a dry run.
flatbuffers::Offset<proto::Outcome> build_outcome(
    flatbuffers::FlatBufferBuilder& b, const outcome& o,
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<proto::EventBytes>>> effects = 0);

// A refusal by the protocol itself (UNAUTHENTICATED, BAD_FRAME, ...) or a plain engine code.
flatbuffers::Offset<proto::Outcome> build_refusal(flatbuffers::FlatBufferBuilder& b,
                                                  proto::Code code, std::string_view message,
                                                  rejection figures = {});

// A subscription's push (id 0): a record (Pushed) or what a commit group changed (Changed).
inline bool is_push(const proto::Response& r) {
    return r.id() == 0 &&
           (r.reply_type() == proto::Reply::Pushed || r.reply_type() == proto::Reply::Changed);
}

// Finishes `b` with a Response {id, reply}.
void finish_response(flatbuffers::FlatBufferBuilder& b, std::uint64_t id, proto::Reply kind,
                     flatbuffers::Offset<void> reply);

// A whole Response holding only an Outcome refusal.
void build_refusal_response(flatbuffers::FlatBufferBuilder& b, std::uint64_t id, proto::Code code,
                            std::string_view message);

}  // namespace stampd::net
