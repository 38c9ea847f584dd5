// The first start of a warehouse: an empty data directory gets its admin, created by nobody (the
// engine lets the first user be an admin). Runs before the server listens, on an engine of its
// own, so no station can race it. stampd calls it; so do the network tests.
#pragma once

#include <string>

#include "wal/durable_engine.hpp"

namespace stampd::net {

// Creates user 'admin' holding `token` when the warehouse has no user yet; `created` says whether
// it did. False with `error` when the engine cannot open or refuses the user (a short token).
bool bootstrap_admin(const wal::engine_options& options, const std::string& token, bool& created,
                     std::string& error);

}  // namespace stampd::net
