// The frame format of the stampd protocol, and every limit of the network front. A frame is a
// u32 little-endian length, then that many bytes holding one FlatBuffers buffer: a Request from a
// client, a Response from the server (net/protocol/protocol.fbs; the grammar is in
// docs/protocol.md). Nothing else is ever on the socket. Every size here is checked where data
// enters.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stampd::net {

inline constexpr std::size_t frame_header_size = 4;  // u32 little-endian payload length

// A request is small (the largest, a PO of 32 lines with 1 KiB of notes, is under 4 KiB).
inline constexpr std::uint32_t frame_size_max = 64 * 1024;
// An answer may list up to list_rows_max rows.
inline constexpr std::uint32_t response_size_max = 4 * 1024 * 1024;
inline constexpr std::uint32_t list_rows_max = 1000;

inline constexpr std::uint32_t connections_max = 1024;
// Requests a connection may have unanswered; past it the server stops reading that socket.
inline constexpr std::uint32_t in_flight_per_connection_max = 256;
// Answers and pushes waiting to be written to one connection; past it the connection is closed
// (SLOW_CONSUMER): a reader that stalls never holds memory or anyone else up.
inline constexpr std::size_t output_buffered_max = 8 * 1024 * 1024;
// Long before that, the server stops taking requests from a connection while this much of its
// output waits unwritten, and takes them again once it has left (TCP backpressure): a client
// that pipelines faster than it reads is slowed, not closed. Only what it had already sent is
// still answered: at most in_flight_per_connection_max answers, of which reads_in_flight_max
// reads.
inline constexpr std::size_t output_pause_bytes = 1024 * 1024;
// Reads a connection may have unanswered (a read's answer may be large, a command's is not).
inline constexpr std::uint32_t reads_in_flight_max = 16;
// All connections' unwritten output together (server_options::output_budget_bytes). Past the
// budget the connections holding output_pause_over_budget_bytes or more stop being read; past
// twice the budget, a connection holding output_pause_bytes or more that is given more is closed
// (SLOW_CONSUMER) — the heaviest readers that do not read, and never a connection that does.
inline constexpr std::size_t output_budget_bytes_default = std::size_t{256} << 20;
inline constexpr std::size_t output_pause_over_budget_bytes = 64 * 1024;
inline constexpr std::uint32_t idle_timeout_s_default = 300;
// A connection must say Hello within this many seconds.
inline constexpr std::uint32_t hello_timeout_s = 5;
inline constexpr std::uint32_t subscriptions_per_connection_max = 64;
// Bytes read from a socket at once; a frame may span reads.
inline constexpr std::size_t read_chunk_size = 64 * 1024;

static_assert(frame_size_max <= response_size_max);
static_assert(read_chunk_size >= frame_header_size);
static_assert(output_pause_over_budget_bytes < output_pause_bytes);
// A connection paused at output_pause_bytes is still owed its in-flight answers: commands' (under
// 1 KiB each) always fit below output_buffered_max; reads' fit when each is under
// (output_buffered_max - output_pause_bytes - commands' share) / reads_in_flight_max.
static_assert(output_pause_bytes + in_flight_per_connection_max * std::size_t{1024} <
              output_buffered_max);
static_assert(in_flight_per_connection_max * std::size_t{frame_size_max} <=
                  std::size_t{64} * 1024 * 1024,
              "a connection's unanswered requests stay bounded");

inline void put_frame_header(std::uint8_t* out, std::uint32_t size) {
    out[0] = static_cast<std::uint8_t>(size);
    out[1] = static_cast<std::uint8_t>(size >> 8);
    out[2] = static_cast<std::uint8_t>(size >> 16);
    out[3] = static_cast<std::uint8_t>(size >> 24);
}

inline std::uint32_t get_frame_header(const std::uint8_t* in) {
    return std::uint32_t{in[0]} | std::uint32_t{in[1]} << 8 | std::uint32_t{in[2]} << 16 |
           std::uint32_t{in[3]} << 24;
}

}  // namespace stampd::net
