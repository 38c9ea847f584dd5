// A record's payload: a command's events, each as [u32 size][FlatBuffers EventRecord]
// (wal/record_format.md). The bridge between the log and engine/codec/.
// An encoder belongs to one thread (it reuses its builder); decoding is a pure function.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/engine.hpp"

namespace stampd::wal {

class payload_encoder {
public:
    payload_encoder();
    ~payload_encoder();
    // Appends the events' payload to `out`.
    void encode(const event_list& events, std::vector<std::uint8_t>& out);

private:
    struct impl;
    std::unique_ptr<impl> _impl;
};

// Fills `out` with exactly `event_count` events; false if the bytes are not that.
bool decode_payload(std::span<const std::uint8_t> payload, std::uint16_t event_count,
                    event_list& out);

}  // namespace stampd::wal
