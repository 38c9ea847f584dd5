// See service_notify.hpp.
#include "net/service_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>

namespace stampd::net {
namespace {

// A STATUS= line is one line: a newline would start another assignment.
std::string one_line(const std::string& text) {
    std::string line = text;
    for (char& c : line) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return line;
}

}  // namespace

void service_notify::ready(const std::string& status) {
    (void)sd_notify(0, ("READY=1\nSTATUS=" + one_line(status)).c_str());
}

void service_notify::stopping(const std::string& status) {
    (void)sd_notify(0, ("STOPPING=1\nSTATUS=" + one_line(status)).c_str());
}

void service_notify::status(const std::string& status) {
    (void)sd_notify(0, ("STATUS=" + one_line(status)).c_str());
}

std::chrono::microseconds service_notify::watchdog_interval() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::chrono::microseconds{0};
    return std::chrono::microseconds{usec / 2};
}

void service_notify::watchdog() {
    (void)sd_notify(0, "WATCHDOG=1");
}

}  // namespace stampd::net
