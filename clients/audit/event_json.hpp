// Events as JSON objects for `stamp-audit export`: {"type": "box_confirmed", ...every field},
// enum values as SPEC.md writes them ("FED", "USAGE", "InProduction"), days as YYYY-MM-DD,
// token hashes as hex. Pure functions; any thread.
#pragma once

#include "clients/lib/json.hpp"
#include "engine/event.hpp"

namespace stampd::audit {

json::object event_json(const event& e);

}  // namespace stampd::audit
