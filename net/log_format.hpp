// stampd's log: to stderr (journald's convention: the journal adds the host and its own time),
// one line a message, human-readable by default or JSON lines for a log pipeline:
//   text  2026-12-07T13:00:00.123Z warn connection 3 from 10.0.0.7: wrong token 'ab12...' ...
//   json  {"time":"2026-12-07T13:00:00.123456Z","level":"warn","message":"connection 3 ..."}
// Times are UTC.
#pragma once

#include <string>

namespace stampd::net {

// "text" or "json"; the level as spdlog names it ("trace" … "error"). Replaces spdlog's
// default logger.
void log_to_stderr(const std::string& format, const std::string& level);

bool log_format_ok(const std::string& format);

}  // namespace stampd::net
