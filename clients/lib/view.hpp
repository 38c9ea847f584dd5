// The clients' view of the server's answers (stampctl's --json and text, stamp-web's API): any
// Response (or event) turned into a json::value by walking the protocol's own binary schema
// (net/protocol/protocol.fbs, embedded at build time), so every reply kind and every event prints
// without a hand-written printer per table. Enums print by name, day fields as YYYY-MM-DD, role
// bits as role names, a dry run's or a push's nested event buffers as the events themselves. Then
// two renderings: JSON (json.hpp) and readable text — `key: value` lines, lists of rows as
// aligned tables. Pure functions; any thread.
#pragma once

#include <string>

#include "clients/lib/json.hpp"
#include "net/protocol/protocol_generated.h"

namespace stampd::client {

// {"type": "PoView", "id": 3, ...}: the reply of a verified Response.
json::value reply_value(const proto::Response& response);

// Readable text: one `key: value` line per field, nested lists of rows as tables. Ends in '\n'.
std::string render_block(const json::object& o, int indent = 0);
// One line: "BoxConfirmed po=3 box=17 outcome=Confirmed movements=[{region=ON ...}]".
std::string render_line(const json::value& v);

}  // namespace stampd::client
