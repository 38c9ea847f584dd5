// See payload.hpp.
#include "wal/storage/payload.hpp"

#include <cstring>

#include "engine/codec/event_codec.hpp"
#include "wal/storage/record_format.hpp"

namespace stampd::wal {

// The largest event is a full batch of boxes (boxes_received): per box a barcode of up to 32
// bytes (40 with its length, NUL and padding), its offset (4) and 12 bytes of figures.
static_assert(constants::boxes_per_batch_max * (40 + 4 + 12) + 4096 <= record_payload_size_max,
              "a batch of boxes fits one record");

struct payload_encoder::impl {
    codec::event_encoder encoder;
};

payload_encoder::payload_encoder() : _impl(std::make_unique<impl>()) {}
payload_encoder::~payload_encoder() = default;

void payload_encoder::encode(const event_list& events, std::vector<std::uint8_t>& out) {
    for (const event& e : events) {
        const std::span<const std::uint8_t> bytes = _impl->encoder.encode(e);
        const auto size = static_cast<std::uint32_t>(bytes.size());
        const std::size_t at = out.size();
        out.resize(at + event_size_prefix + size);
        std::memcpy(out.data() + at, &size, event_size_prefix);
        std::memcpy(out.data() + at + event_size_prefix, bytes.data(), size);
    }
}

bool decode_payload(std::span<const std::uint8_t> payload, std::uint16_t event_count,
                    event_list& out) {
    out.clear();
    if (event_count > constants::events_per_command_max) return false;
    std::size_t at = 0;
    for (std::uint16_t i = 0; i < event_count; ++i) {
        std::uint32_t size = 0;
        if (payload.size() - at < event_size_prefix) return false;
        std::memcpy(&size, payload.data() + at, event_size_prefix);
        at += event_size_prefix;
        if (size > payload.size() - at) return false;
        event e;
        if (codec::decode(payload.subspan(at, size), e) != codec::decode_error::ok) return false;
        out.push(std::move(e));
        at += size;
    }
    return at == payload.size();
}

}  // namespace stampd::wal
