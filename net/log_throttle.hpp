// A warning that can repeat as fast as the kernel can fail a call (accept() at the file limit):
// logged the first time, then at most once an interval, with how many times it happened since.
// Not thread-safe: one owner (the acceptor's handler) at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace stampd::net {

class log_throttle {
public:
    using clock = std::chrono::steady_clock;

    explicit log_throttle(clock::duration interval) : _interval(interval) {}

    // The line to log for this occurrence of `what`, or nothing when it is only counted: the
    // next line says how many were not logged.
    std::optional<std::string> note(const std::string& what, clock::time_point now) {
        if (_logged_once && now - _last < _interval) {
            ++_unlogged;
            return std::nullopt;
        }
        std::string line = what;
        if (_unlogged > 0) {
            line += " (" + std::to_string(_unlogged) + " more since the last line, " +
                    std::to_string(
                        std::chrono::duration_cast<std::chrono::seconds>(now - _last).count()) +
                    " s ago)";
        }
        _logged_once = true;
        _last = now;
        _unlogged = 0;
        return line;
    }
    std::uint64_t unlogged() const { return _unlogged; }

private:
    clock::duration _interval;
    clock::time_point _last{};
    bool _logged_once = false;
    std::uint64_t _unlogged = 0;
};

}  // namespace stampd::net
