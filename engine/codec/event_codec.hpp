// Events ↔ FlatBuffers (engine/codec/events.fbs): the bytes the write-ahead log stores. The
// encoder reuses one builder (no allocation per event once warm) and belongs to one thread.
// decode() trusts nothing: it runs flatbuffers::Verifier, then checks every enum, size and
// required field against the engine's bounds, so hostile bytes are refused, never applied.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "engine/event.hpp"

namespace stampd::codec {

class event_encoder {
public:
    // The finished buffer, valid until the next call.
    std::span<const std::uint8_t> encode(const event& e);

private:
    flatbuffers::FlatBufferBuilder _builder{512};
};

enum class decode_error : std::uint8_t {
    ok,
    verify_failed,
    unknown_event,
    out_of_range,
    missing_field
};
std::string_view to_string(decode_error e);

decode_error decode(std::span<const std::uint8_t> bytes, event& out);

}  // namespace stampd::codec
