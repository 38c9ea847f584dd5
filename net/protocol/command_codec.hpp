// Requests on the wire ↔ engine commands. The server decodes (trusting nothing: every enum, size
// and required field is checked against the engine's bounds after flatbuffers::Verifier has
// passed the buffer); clients encode. Body kinds map to engine/command.hpp through the command
// table's protocol column (checked at compile time in command_codec.cpp). Pure functions; any
// thread.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <span>
#include <string>

#include "engine/command.hpp"
#include "net/protocol/protocol_generated.h"

namespace stampd::net {

// Whether a Body kind is an engine command (engine/command_table.hpp's protocol column) or a read
// (anything after Hello and the subscriptions that is not a command).
bool is_command(proto::Body kind);
bool is_read(proto::Body kind);

// Verifies a frame's payload as a Request: OK, BAD_FRAME (fails the Verifier), UNKNOWN_TYPE (a
// body kind this build does not know) or MISSING_FIELD (no body). On OK, `out` points into `bytes`.
proto::Code verify_request(std::span<const std::uint8_t> bytes, const proto::Request*& out);

// Decodes a verified request whose body is a command: OK, OUT_OF_RANGE (an enum value outside
// its range, a code longer than constants::code_size_max) or MISSING_FIELD; `why` names the
// field and the figures ("ConfirmBox: action is 7, at most 2").
proto::Code decode_command(const proto::Request& request, command& out, std::string& why);
proto::Code decode_command(const proto::Request& request, command& out);

// Checks a verified request whose body is a read the way decode_command checks a command, before
// it goes to the writer: OK, OUT_OF_RANGE (an enum value outside its range — a region, a
// reference kind, a PO status filter other than -1 — or a barcode longer than
// constants::code_size_max) or MISSING_FIELD (ScanBox without a barcode); `why` names the field
// and the figures. What only the state can tell (an id that does not exist) is the read's own.
proto::Code check_read(const proto::Request& request, std::string& why);

// Encodes a command as a Request body; returns the body's offset and sets `kind`.
flatbuffers::Offset<void> encode_command(flatbuffers::FlatBufferBuilder& b, const command& c,
                                         proto::Body& kind);

// A 32-bit fingerprint of a command's content, kept with its reply so that a different command
// under a used (client, request) is told apart from a retry (SPEC §11, REQUEST_REUSED): XXH3 of
// its encoding (canonical: the same command always encodes to the same bytes), seeded with its
// kind. Secrets count only as present or absent: a password reaches the engine hashed with a
// fresh salt on every try, and no digest of a token belongs in the log. Never 0 (0: not known).
// `scratch` is the caller's, reused.
std::uint32_t command_fingerprint(const command& c, flatbuffers::FlatBufferBuilder& scratch);

// A whole Request frame payload (no length prefix) for a command: what clients send.
void build_command_request(flatbuffers::FlatBufferBuilder& b, std::uint64_t id, const command& c,
                           bool dry_run = false);

}  // namespace stampd::net
